/**
 * Why a deployment that was found has no verdict, as exactly one finding of exactly one rule:
 * - `known-model`: a name the catalog does not know (model, GPU, instance type, quantization);
 * - `valid-values`: a value no engine or scheduler accepts, reported at the value;
 * - `unchecked-deployment`: anything else that keeps it from a verdict (a template, a value set at
 *   deploy time, weights from storage that names no model, accelerators that are not GPUs, no model).
 * Rules word their finding from these templates and `vram explain` prints the same sentence, so a
 * deployment never reads as checked where it was not. Pure.
 */
import type { JudgedDeployment } from "../analysis.js";
import type { Catalog } from "../catalog/catalog.js";
import { stripModelUri } from "../catalog/names.js";
import type { AstNode } from "../extract/doc.js";
import type { FieldName, Located, UnresolvedValue } from "../extract/types.js";
import { valueRule } from "../extract/validity.js";
import { ENGINE_NAMES, printable } from "../report/wording.js";

export const UNJUDGED_MESSAGES = {
  "known-model": {
    unknownModel:
      "\"{{written}}\" is not in the catalog, so nothing about this deployment was checked.{{closest}} To size it, add it to settings.vram.models{{example}} (docs/settings.md).",
    unknownGpu: "GPU \"{{written}}\" is not in the catalog, so nothing about this deployment was checked. Closest entries: {{closest}}. Add it to settings.vram.gpus (docs/settings.md).",
    unknownInstance:
      "Instance type \"{{written}}\" is not in the catalog, so its GPUs are unknown and nothing was checked. Add it to settings.vram.instanceTypes as { id: \"{{written}}\", gpu, gpuCount } (docs/settings.md).",
    unknownQuantization: "Quantization or dtype \"{{written}}\" is not one the catalog knows, so the weights could not be sized.{{closest}}",
  },
  "valid-values": {
    invalidValue: "{{setting}}: {{raw}} is not a valid {{what}} ({{expected}}), so this deployment was not checked.",
    invalidLayout: "{{message}}, so this deployment was not checked.",
  },
  "unchecked-deployment": {
    template: "{{setting}} is a template ({{raw}}), so this deployment was not checked. Lint the rendered files (helm template) to check it.",
    variable: "{{setting}} is set at deploy time ({{raw}}), so this deployment was not checked. Write the value here to have it checked.",
    modelElsewhere:
      "The weights come from {{raw}}, which does not say which model it is, so this deployment was not checked. Name it with the annotation vram.lint/model: <org/name>.",
    definedElsewhere: "{{setting}} refers to \"{{raw}}\", defined outside this file, so this deployment was not checked.",
    unsupported: "{{note}}, so this deployment was not checked.",
    chartTemplate: "It sits in a Go template ({{raw}}) that may add or drop settings, so it was not checked: lint the rendered output (helm template … > rendered.yaml).",
    noModel: "This {{engine}} deployment names no model in the file, so it was not checked. Name it (--model, MODEL_ID…) or with the annotation vram.lint/model.",
    noGpus: "No GPU of {{where}} is one it could run on, so this deployment was not checked.",
  },
} as const;

export type UnjudgedRule = keyof typeof UNJUDGED_MESSAGES;

export interface UnjudgedFinding {
  rule: UnjudgedRule;
  /** A key of `UNJUDGED_MESSAGES[rule]`. */
  messageId: string;
  data: Record<string, string>;
  /** Where it is reported: the value (or the part of a string) to blame, else the deployment. */
  at: Located<unknown> | UnresolvedValue | AstNode;
}

/** How a setting reads in a sentence when the file gives it no name of its own. */
const FIELD_LABELS: Partial<Record<FieldName, string>> = {
  model: "The model",
  gpuCount: "The GPU count",
  gpuType: "The GPU type",
  instanceType: "The instance type",
  nodes: "The node count",
  tensorParallel: "The tensor-parallel size",
  pipelineParallel: "The pipeline-parallel size",
  dataParallel: "The data-parallel size",
  maxModelLen: "The context length",
  quantization: "The quantization",
  dtype: "The dtype",
  gpuMemoryUtilization: "The GPU memory fraction",
};

function settingName(field: FieldName, value: UnresolvedValue): string {
  return value.source ? printable(value.source, 60) : (FIELD_LABELS[field] ?? `The ${field}`);
}

/** A sentence's first word capitalized, unless it is a setting or a name (`huawei.com/ascend-1980`, `vLLM`). */
function capitalized(text: string): string {
  return /^[a-z]+[\s,]/.test(text) ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}

/**
 * The `settings.vram.models` entry a user would write: ids are `owner/name`, and a name written
 * without an owner (a KAITO preset, a local directory) is found by its name under any owner. A
 * config.json import always works; `extends` only from a base of the same size.
 */
export function settingsExample(written: string, sameSizeBase: string | undefined): string {
  const name = stripModelUri(written).replace(/\/+$/, "");
  const id = printable(isRepoId(name) ? name : `local/${name.slice(name.lastIndexOf("/") + 1) || "my-model"}`, 80);
  const imported = `{ id: "${id}", config: "./path/to/${id.slice(id.indexOf("/") + 1)}/config.json" } (its config.json)`;
  return sameSizeBase ? `: ${imported}, or, for a fine-tune of ${sameSizeBase}, { id: "${id}", extends: "${sameSizeBase}" }` : `: ${imported}`;
}

/** `owner/name`, one slash, no spaces; checked without a pattern over the input. */
function isRepoId(name: string): boolean {
  const slash = name.indexOf("/");
  return slash > 0 && slash === name.lastIndexOf("/") && slash < name.length - 1 && !/\s/.test(name);
}

function field(judged: JudgedDeployment, names: FieldName[]): Located<unknown> | AstNode {
  for (const name of names) {
    const located = judged.deployment.fields[name];
    if (located) return located as Located<unknown>;
  }
  return judged.deployment.anchor;
}

/**
 * The finding of a deployment without a verdict; undefined for judged ones. With the catalog, an
 * unknown model's finding offers a same-size base to extend.
 */
export function unjudgedFinding(judged: JudgedDeployment, catalog?: Catalog): UnjudgedFinding | undefined {
  switch (judged.status) {
    case "judged":
      return undefined;
    case "invalid":
      return {
        rule: "valid-values",
        messageId: "invalidLayout",
        data: { message: capitalized(judged.message) },
        at: field(judged, ["tensorParallel", "pipelineParallel", "dataParallel", "gpuMemoryUtilization", "maxModelLen", "kvCacheDtype", "model"]),
      };
    case "incomplete": {
      const { field: name, value } = judged;
      const raw = printable(value.raw, 60);
      const setting = settingName(name, value);
      switch (value.reason) {
        case "invalid": {
          const rule = valueRule(name);
          return { rule: "valid-values", messageId: "invalidValue", data: { setting, raw, what: rule.what, expected: rule.expected }, at: value };
        }
        case "template":
          return { rule: "unchecked-deployment", messageId: "template", data: { setting, raw }, at: value };
        case "variable":
          return { rule: "unchecked-deployment", messageId: "variable", data: { setting, raw }, at: value };
        case "reference":
          // A storage location (`pvc://…`, `/models/x`) holds weights; a bare name refers to an object elsewhere.
          return name === "model" && /:\/\/|^\//.test(value.raw)
            ? { rule: "unchecked-deployment", messageId: "modelElsewhere", data: { raw }, at: value }
            : { rule: "unchecked-deployment", messageId: "definedElsewhere", data: { setting, raw }, at: value };
        case "chart-template":
          return { rule: "unchecked-deployment", messageId: "chartTemplate", data: { raw }, at: value };
        case "unsupported":
          return { rule: "unchecked-deployment", messageId: "unsupported", data: { note: capitalized(printable(value.note ?? `${setting}: ${value.raw}`, 160)) }, at: value };
      }
      break;
    }
    case "unresolved": {
      const { unresolved } = judged;
      switch (unresolved.reason) {
        case "unknown-model":
          return {
            rule: "known-model",
            messageId: "unknownModel",
            data: {
              written: printable(unresolved.written, 100),
              closest: unresolved.closest.length > 0 ? ` Closest entries: ${unresolved.closest.join(", ")}.` : "",
              example: settingsExample(unresolved.written, catalog?.sameSizeBase(unresolved.written)),
            },
            at: field(judged, ["model"]),
          };
        case "unknown-gpu":
          return { rule: "known-model", messageId: "unknownGpu", data: { written: printable(unresolved.written, 80), closest: unresolved.closest.join(", ") }, at: field(judged, ["gpuType"]) };
        case "unknown-instance":
          return { rule: "known-model", messageId: "unknownInstance", data: { written: printable(unresolved.written, 80) }, at: field(judged, ["instanceType"]) };
        case "unknown-quantization":
          return {
            rule: "known-model",
            messageId: "unknownQuantization",
            data: { written: printable(unresolved.written, 80), closest: unresolved.closest.length > 0 ? ` Closest known formats: ${unresolved.closest.join(", ")}.` : "" },
            at: field(judged, ["quantization", "dtype"]),
          };
        case "unknown-kv-cache-dtype":
          return { rule: "known-model", messageId: "unknownQuantization", data: { written: printable(unresolved.written, 80), closest: "" }, at: field(judged, ["kvCacheDtype"]) };
        case "no-model": {
          const engine = judged.values.engine;
          return { rule: "unchecked-deployment", messageId: "noModel", data: { engine: engine ? ENGINE_NAMES[engine] : "serving" }, at: judged.deployment.anchor };
        }
        case "no-gpu":
          return { rule: "unchecked-deployment", messageId: "noGpus", data: { where: "settings.vram.cluster or the catalog" }, at: judged.deployment.anchor };
      }
    }
  }
  return undefined;
}

/** The finding as a sentence (what `vram explain` prints for a deployment without a verdict). */
export function unjudgedText(finding: UnjudgedFinding): string {
  const template = (UNJUDGED_MESSAGES[finding.rule] as Record<string, string>)[finding.messageId]!;
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => finding.data[key] ?? "");
}
