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
import { type Catalog, GGUF_WITHOUT_TYPE, isGgufQ8WithWideLayers } from "../catalog/catalog.js";
import { stripModelUri } from "../catalog/names.js";
import type { AstNode } from "../extract/doc.js";
import type { FieldName, Located, UnresolvedValue } from "../extract/types.js";
import { valueRule } from "../extract/validity.js";
import { TEMPLATE_MARK } from "../extract/go-template.js";
import { cpuKvCacheUnset, engineById } from "../engines/index.js";
import { ENGINE_NAMES, printable } from "../report/wording.js";
import { FIRST_SENTENCE_LIMIT, firstSentence, gib, MESSAGE_LIMIT, shortGpuName, tokens } from "../report/plain.js";
import { trimTrailing } from "../text.js";

export const UNJUDGED_MESSAGES = {
  "known-model": {
    unknownModel:
      "\"{{written}}\" is not in the catalog, so nothing about this deployment was checked.{{closest}} To size it, add it to settings.vram.models{{example}} (docs/settings.md).",
    unknownGpu: "GPU \"{{written}}\" is not in the catalog, so nothing about this deployment was checked. Closest entries: {{closest}}. Add it to settings.vram.gpus (docs/settings.md).",
    unknownInstance:
      "Instance type \"{{written}}\" is not in the catalog, so its GPUs are unknown and nothing was checked. Add it to settings.vram.instanceTypes as { id: \"{{written}}\", gpu, gpuCount } (docs/settings.md).",
    unknownQuantization: "Quantization or dtype \"{{written}}\" is not one the catalog knows, so the weights could not be sized.{{closest}}",
    ggufWithoutType:
      "{{file}} states no quantization type, and the verdict depends on it. Name the type in the file name (…-Q4_K_M.gguf) to have it checked.",
    ggufBetweenTypes:
      "{{written}} is Q8_0 with some layers kept at 16 bits, by an amount that differs per model, and the verdict depends on it. Serve a Q8_0 or Q6_K file to have it checked.",
  },
  "valid-values": {
    invalidValue: "{{setting}}: {{raw}} is not a valid {{what}}, so this deployment was not checked. It must be {{expected}}.",
    invalidLayout: "{{message}}, so this deployment was not checked.",
    contextBeyondModel:
      "{{setting}} {{context}} is longer than {{model}}'s {{limit}}-token context, so this deployment was not checked. {{engine}} refuses to start unless {{variable}}=1 is set; a longer context also needs RoPE scaling ({{rope}}).",
  },
  "unchecked-deployment": {
    template: "{{setting}} is a template ({{raw}}), so this deployment was not checked. Lint the rendered files (helm template) to check it.",
    placeholder: "{{setting}} is a placeholder ({{raw}}) filled in before the file is applied, so this deployment was not checked. Lint the filled-in file to check it.",
    variable: "{{setting}} is set at deploy time ({{raw}}), so this deployment was not checked. Write the value here to have it checked.",
    contextDecides:
      "{{setting}} is set at deploy time ({{raw}}), and the verdict depends on it. {{model}} on {{gpus}} holds up to {{fitsUpTo}} tokens, not its whole {{whole}}: write the value here to have it checked.",
    modelElsewhere: "The weights at {{raw}} name no model, so this deployment was not checked. Name it with the annotation vram.lint/model: <org/name>.",
    definedElsewhere: "{{setting}} refers to \"{{raw}}\", defined outside this file, so this deployment was not checked.",
    unsupported: "{{note}}, so this deployment was not checked.",
    launchUnseen: "{{note}}, so its flags were not checked. At {{engine}}'s defaults{{unnamed}}{{context}}, {{model}} fits {{gpus}}.",
    chartTemplate: "It sits in a Go template ({{raw}}) that may add or drop settings, so it was not checked. Lint the rendered output (helm template … > rendered.yaml).",
    noModel: "This {{engine}} deployment names no model in the file, so it was not checked. Name it ({{naming}}) or with the annotation vram.lint/model.",
    noGpus: "No GPU of {{where}} is one it could run on, so this deployment was not checked.",
    cpuNoLimit: "No memory limit is set, so this CPU deployment was not checked. {{model}} needs about {{needed}} GiB of memory without a GPU; set {{setting}} to have it checked.",
    cpuKvCacheUnset:
      "No KV cache size is set for {{engine}}'s CPU build, so this deployment was not checked. Its default differs between releases and images: set VLLM_CPU_KVCACHE_SPACE (GiB) or --kv-cache-memory-bytes to have it checked.",
    cpuContextDecides:
      "Whether {{model}} fits its {{limit}} GiB memory limit depends on the context {{engine}} picks ({{fewest}} to {{needed}} GiB), so it was not checked. Set the context to have it checked.",
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
  // A source that only repeats the field (a positional model, a `model:` key) reads as the label.
  return value.source && value.source !== field ? printable(value.source, 60) : (FIELD_LABELS[field] ?? `The ${field}`);
}

/** A sentence's first word capitalized, unless it is a setting or a name (`huawei.com/ascend-1980`, `vLLM`). */
function capitalized(text: string): string {
  return /^[a-z]+[\s,]/.test(text) ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}

/**
 * The `settings.vram.models` entry a user would write: ids are `owner/name`, and a name written
 * without an owner (a KAITO preset, a local directory) is found by its name under any owner. A
 * config.json import always works; `extends` only from a base of the same size (extending another
 * size would size the model wrongly). `form` picks both, or one of them.
 */
export function settingsExample(written: string, sameSizeBase: string | undefined, form: "both" | "extends" | "config" = "both"): string {
  const name = trimTrailing(stripModelUri(written), "/");
  const id = printable(isRepoId(name) ? name : `local/${name.slice(name.lastIndexOf("/") + 1) || "my-model"}`, 80);
  const imported = `{ id: "${id}", config: "./path/to/${id.slice(id.indexOf("/") + 1)}/config.json" } (its config.json)`;
  const extended = sameSizeBase ? `{ id: "${id}", extends: "${sameSizeBase}" }` : undefined;
  if (extended && form === "extends") return `: ${extended}`;
  return extended && form === "both" ? `: ${imported}, or, for a fine-tune of ${sameSizeBase}, ${extended}` : `: ${imported}`;
}

function render(template: string, data: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => data[key] ?? whole);
}

/** The first of `candidates` (most complete first) whose message stays within `MESSAGE_LIMIT`. */
export function fittedTemplate<Data extends Record<string, string>>(template: string, candidates: readonly Data[]): Data | undefined {
  return candidates.find((data) => {
    const text = render(template, data);
    return text.length <= MESSAGE_LIMIT && firstSentence(text).length <= FIRST_SENTENCE_LIMIT;
  });
}

/**
 * The unknown-model message's data, as complete as 320 characters allow: the near names and both
 * settings entries; else the near names with the entry that fits (extending the base, or reading
 * its config.json); else the near names alone; else an entry alone.
 */
function unknownModelData(written: string, closest: string[], sameSizeBase: string | undefined): Record<string, string> {
  const near = closest.length > 0 ? ` Closest entries: ${closest.join(", ")}.` : "";
  const forms = ["both", "extends", "config"] as const;
  const candidates = [
    ...forms.map((form) => ({ written, closest: near, example: settingsExample(written, sameSizeBase, form) })),
    { written, closest: near, example: "" },
    ...forms.map((form) => ({ written, closest: "", example: settingsExample(written, sameSizeBase, form) })),
  ];
  return fittedTemplate(UNJUDGED_MESSAGES["known-model"].unknownModel, candidates) ?? { written, closest: "", example: "" };
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
  const finding = findingOf(judged, catalog);
  return finding && bounded(finding);
}

function findingOf(judged: JudgedDeployment, catalog?: Catalog): UnjudgedFinding | undefined {
  switch (judged.status) {
    case "judged": {
      // A server a script the file does not show starts, which fits at the script's most favourable reading.
      const unseen = judged.unseenLaunch;
      if (!unseen?.holds) return undefined;
      const { estimate, resolved, range } = judged;
      const count = estimate.gpuCount;
      // With no GPU type named, the smallest it fits of those it could land on.
      const gpus = range?.fitting[0] ? `${count} GPU${count === 1 ? "" : "s"} of ${gib(range.fitting[0].memoryBytes)} GiB or more` : `${count} × ${shortGpuName(resolved.request.gpu)}`;
      return {
        rule: "unchecked-deployment",
        messageId: "launchUnseen",
        data: { note: unseen.launch.note ?? `It starts ${unseen.launch.raw}`, model: printable(resolved.model.displayName, 60), gpus, engine: ENGINE_NAMES[resolved.request.engine], unnamed: unseen.launch.unseenLaunch?.engine ? "" : " (no engine is named)", context: unseen.shortenedContext ? ` and up to ${tokens(unseen.shortenedContext)} tokens of context` : "" },
        at: unseen.launch,
      };
    }
    case "cpu": {
      const { host, resolved } = judged;
      const model = printable(resolved.model.displayName, 60);
      if (host.verdict === "no-limit") return { rule: "unchecked-deployment", messageId: "cpuNoLimit", data: { model, needed: gib(host.memory.neededBytes), setting: judged.deployment.unresolved.gpuCount?.onCpu?.limitSetting ?? "a memory limit" }, at: judged.deployment.unresolved.gpuCount ?? judged.deployment.anchor };
      if (host.verdict === "context-decides") {
        return {
          rule: "unchecked-deployment",
          messageId: "cpuContextDecides",
          data: { model, fewest: gib((host.fewest ?? host.memory).neededBytes), needed: gib(host.memory.neededBytes), engine: ENGINE_NAMES[resolved.request.engine], limit: gib(host.limit!.value) },
          at: host.limit!,
        };
      }
      return undefined;
    }
    case "invalid": {
      const { refusal } = judged;
      if (refusal) {
        return {
          rule: "valid-values",
          messageId: "contextBeyondModel",
          data: {
            setting: refusal.setting,
            context: tokens(refusal.contextTokens),
            model: refusal.modelName,
            limit: tokens(refusal.modelContextTokens),
            engine: refusal.engineName,
            variable: refusal.variable,
            rope: refusal.ropeOverride,
          },
          at: field(judged, ["maxModelLen"]),
        };
      }
      return {
        rule: "valid-values",
        messageId: "invalidLayout",
        data: { message: capitalized(judged.message) },
        at: field(judged, ["tensorParallel", "pipelineParallel", "dataParallel", "gpuMemoryUtilization", "maxModelLen", "kvCacheDtype", "model"]),
      };
    }
    case "incomplete": {
      const { field: name, value } = judged;
      if (name === "gpuCount" && value.onCpu && judged.values.engine && cpuKvCacheUnset(judged.values.engine, value.onCpu.image, judged.values)) {
        return { rule: "unchecked-deployment", messageId: "cpuKvCacheUnset", data: { engine: ENGINE_NAMES[judged.values.engine!] }, at: value };
      }
      // An empty value (`QUANTIZE=` in a compose file) reads as such, not as nothing between two spaces.
      const raw = value.raw.trim() === "" ? '""' : printable(value.raw, 60);
      const setting = settingName(name, value);
      switch (value.reason) {
        case "invalid": {
          const rule = valueRule(name);
          return { rule: "valid-values", messageId: "invalidValue", data: { setting, raw, what: rule.what, expected: rule.expected }, at: value };
        }
        case "template":
          // Helm/Jinja actions are rendered by `helm template`; `__MODEL__`, `<MODEL_ID>` by a script or a reader.
          return { rule: "unchecked-deployment", messageId: /\{\{|\{%/.test(value.raw) || value.raw.includes(TEMPLATE_MARK) ? "template" : "placeholder", data: { setting, raw }, at: value };
        case "variable":
        case "reference": {
          const bound = judged.contextBound;
          if (bound) {
            const data = { setting, raw, model: bound.model, gpus: bound.gpus, fitsUpTo: tokens(bound.fitsUpToTokens), whole: tokens(bound.wholeTokens) };
            return { rule: "unchecked-deployment", messageId: "contextDecides", data, at: value };
          }
          if (value.reason === "variable") return { rule: "unchecked-deployment", messageId: "variable", data: { setting, raw }, at: value };
          // A storage location (`pvc://…`, `/models/x`) holds weights; a bare name refers to an object elsewhere.
          return name === "model" && /:\/\/|^\//.test(value.raw)
            ? { rule: "unchecked-deployment", messageId: "modelElsewhere", data: { raw }, at: value }
            : { rule: "unchecked-deployment", messageId: "definedElsewhere", data: { setting, raw }, at: value };
        }
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
            data: unknownModelData(printable(unresolved.written, 100), unresolved.closest, catalog?.sameSizeBase(unresolved.written)),
            at: field(judged, ["model"]),
          };
        case "unknown-gpu":
          return { rule: "known-model", messageId: "unknownGpu", data: { written: printable(unresolved.written, 80), closest: unresolved.closest.join(", ") }, at: field(judged, ["gpuType"]) };
        case "unknown-instance":
          return { rule: "known-model", messageId: "unknownInstance", data: { written: printable(unresolved.written, 80) }, at: field(judged, ["instanceType"]) };
        case "unknown-quantization":
          if (unresolved.written === GGUF_WITHOUT_TYPE) {
            return { rule: "known-model", messageId: "ggufWithoutType", data: { file: printable(judged.values.model?.split(/[\\/]/).pop() ?? "The GGUF file", 50) }, at: field(judged, ["model"]) };
          }
          if (isGgufQ8WithWideLayers(unresolved.written)) {
            return { rule: "known-model", messageId: "ggufBetweenTypes", data: { written: printable(unresolved.written, 40) }, at: field(judged, ["model"]) };
          }
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
          return { rule: "unchecked-deployment", messageId: "noModel", data: { engine: engine ? ENGINE_NAMES[engine] : "serving", naming: (engine && engineById(engine).modelNamingHint) || "--model, MODEL_ID…" }, at: judged.deployment.anchor };
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
  return render(templateOf(finding), finding.data);
}

function templateOf(finding: Pick<UnjudgedFinding, "rule" | "messageId">): string {
  return (UNJUDGED_MESSAGES[finding.rule] as Record<string, string>)[finding.messageId]!;
}

/** Data from the file (a setting's name, a value as written, a note): cut, longest first, when the message would run long. */
const FILE_TEXT_KEYS = ["setting", "raw", "note", "message", "written", "model"];

/**
 * The finding with its file text cut (with "…") until the message leads with a first sentence of
 * at most 120 characters and stays within `MESSAGE_LIMIT`: a long setting path or template reads
 * in full in the file, not in the Problems panel.
 */
function bounded(finding: UnjudgedFinding): UnjudgedFinding {
  const template = templateOf(finding);
  const data = { ...finding.data };
  for (let round = 0; round < 8; round++) {
    const text = render(template, data);
    const over = Math.max(firstSentence(text).length - FIRST_SENTENCE_LIMIT, text.length - MESSAGE_LIMIT);
    if (over <= 0) break;
    const key = FILE_TEXT_KEYS.filter((name) => (data[name]?.length ?? 0) > 16).sort((a, b) => data[b]!.length - data[a]!.length)[0];
    if (!key) break;
    data[key] = printable(data[key]!, Math.max(16, data[key]!.length - over - 1));
  }
  return { ...finding, data };
}
