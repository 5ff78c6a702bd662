/**
 * App configs, JSON or YAML: one object that names a model together with its GPUs (or engine
 * settings), at any depth — `{ "model": "…", "gpu": "A10G", "quant": "fp16" }`. vLLM `--config`
 * files are the same shape, with flag names as keys (`tensor_parallel_size`, `max-model-len`).
 */
import { engineByName } from "../engines/index.js";
import type { ExtractContext } from "./context.js";
import type { DocNode } from "./doc.js";
import { mappings } from "./doc.js";
import { parseValue } from "./engine-args.js";
import type { ArgsTarget, Deployment, FieldName, Located, LocatedFields, UnresolvedValue } from "./types.js";

type Kind = "string" | "int" | "float" | "size" | "bool";

/** Keys (compared without case, `-` or `_`) that hold each setting. */
const KEYS: Array<{ field: FieldName; kind: Kind; keys: string[] }> = [
  { field: "model", kind: "string", keys: ["model", "modelid", "modelname", "hfmodelid", "modelrepo", "huggingfacemodel", "hfmodel"] },
  { field: "gpuType", kind: "string", keys: ["gpu", "gputype", "accelerator", "acceleratortype", "gpumodel", "gpuname"] },
  { field: "instanceType", kind: "string", keys: ["instancetype", "machinetype", "vmsize", "sku"] },
  { field: "gpuCount", kind: "int", keys: ["gpucount", "gpus", "numgpus", "ngpus", "gpuspernode", "gpunum"] },
  { field: "tensorParallel", kind: "int", keys: ["tensorparallelsize", "tp", "tpsize", "tensorparallel", "numshard"] },
  { field: "pipelineParallel", kind: "int", keys: ["pipelineparallelsize", "pp", "ppsize", "pipelineparallel"] },
  { field: "dataParallel", kind: "int", keys: ["dataparallelsize", "dp", "dpsize"] },
  { field: "expertParallel", kind: "bool", keys: ["enableexpertparallel", "expertparallel"] },
  { field: "quantization", kind: "string", keys: ["quant", "quantization", "quantize", "precision", "quantizationmethod"] },
  { field: "dtype", kind: "string", keys: ["dtype", "torchdtype"] },
  { field: "kvCacheDtype", kind: "string", keys: ["kvcachedtype"] },
  { field: "maxModelLen", kind: "size", keys: ["maxmodellen", "contextlength", "maxcontext", "maxcontextlength", "maxsequencelength", "maxseqlen", "numctx", "contextwindow"] },
  { field: "gpuMemoryUtilization", kind: "float", keys: ["gpumemoryutilization", "memfractionstatic"] },
  { field: "maxNumSeqs", kind: "int", keys: ["maxnumseqs", "maxrunningrequests"] },
  { field: "maxNumBatchedTokens", kind: "size", keys: ["maxnumbatchedtokens", "chunkedprefillsize"] },
  { field: "cpuOffloadGiB", kind: "float", keys: ["cpuoffloadgb"] },
  { field: "enforceEager", kind: "bool", keys: ["enforceeager"] },
  { field: "engine", kind: "string", keys: ["engine", "backend", "inferenceengine", "servingengine", "runtime"] },
];

/** Settings that only an engine config has: with a model, they make a mapping a deployment even without GPUs. */
const ENGINE_CONFIG_FIELDS: FieldName[] = ["tensorParallel", "pipelineParallel", "maxModelLen", "gpuMemoryUtilization", "maxNumSeqs", "quantization", "kvCacheDtype"];

const KEY_INDEX = new Map<string, { field: FieldName; kind: Kind }>();
for (const entry of KEYS) for (const key of entry.keys) KEY_INDEX.set(key, { field: entry.field, kind: entry.kind });

export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, "");
}

function keyStyle(keys: string[]): "snake" | "kebab" | "camel" {
  if (keys.some((key) => key.includes("-"))) return "kebab";
  if (keys.some((key) => /[a-z][A-Z]/.test(key))) return "camel";
  return "snake";
}

/**
 * `A100-80GB:8` (SkyPilot style), `H100 x 8`, `L4×2` in a GPU key: the type and the count. Read from
 * the end (digits, then the separator), since a pattern with a lazy name before `\s*` backtracks
 * quadratically on a long run of blanks.
 */
function typeWithCount(raw: string): [type: string, count: string] | undefined {
  const text = raw.trim();
  let digits = text.length;
  while (digits > 0 && text.charCodeAt(digits - 1) >= 48 && text.charCodeAt(digits - 1) <= 57) digits--;
  if (digits === text.length) return undefined;
  const head = text.slice(0, digits).trimEnd();
  if (!":x×".includes(head.slice(-1)) || head.length < 2) return undefined;
  const type = head.slice(0, -1).trimEnd();
  return /^[A-Za-z][\w .-]*$/.test(type) ? [type, text.slice(digits)] : undefined;
}

/** Reads one mapping's settings; returns undefined when it does not describe a deployment. */
export function readSettingsMapping(
  mapping: DocNode,
  /** `settingsOnly`: return whatever settings the mapping holds, even with no model (KAITO's `vllm:` map, Ray `engine_kwargs`). */
  options: { settingsOnly?: boolean } = {},
): { fields: LocatedFields; unresolved: Partial<Record<FieldName, UnresolvedValue>> } | undefined {
  const fields: LocatedFields = {};
  const unresolved: Partial<Record<FieldName, UnresolvedValue>> = {};
  const located = (value: unknown, node: DocNode, source: string): Located<never> =>
    ({ value, node: node.node, source, ...(node.embedded ? { readonly: true } : {}) }) as Located<never>;

  for (const [key, node] of mapping.entries()) {
    const spec = KEY_INDEX.get(normalizeKey(key));
    if (!spec || node.type !== "scalar") continue;
    const raw = typeof node.value === "string" ? node.value : String(node.value);
    if (/\{\{|\$\{|\$\(/.test(raw)) {
      unresolved[spec.field] = { raw, node: node.node, reason: "template" };
      continue;
    }
    if (spec.field === "engine") {
      const engine = engineByName(raw);
      if (engine) fields.engine = located(engine, node, key);
      continue;
    }
    if (spec.field === "gpuCount" && typeof node.value === "string" && !/^\d+$/.test(raw)) {
      // `gpus: "A100:8"` names the type and the count together; `gpus: H100` only the type.
      const match = typeWithCount(raw);
      if (match) {
        fields.gpuType ??= located(match[0], node, key);
        fields.gpuCount = located(Number(match[1]), node, key);
      } else if (/[a-z]/i.test(raw)) fields.gpuType ??= located(raw, node, key);
      continue;
    }
    if (spec.field === "gpuType") {
      const match = typeWithCount(raw);
      if (typeof node.value === "number") {
        fields.gpuCount ??= located(node.value, node, key);
        continue;
      }
      if (match) {
        fields.gpuType = located(match[0], node, key);
        fields.gpuCount ??= located(Number(match[1]), node, key);
        continue;
      }
    }
    const value = typeof node.value === "boolean" && spec.kind === "bool" ? node.value : parseValue(spec.kind, raw);
    if (value === undefined) {
      unresolved[spec.field] = { raw, node: node.node, reason: "invalid" };
      continue;
    }
    (fields as Record<string, Located<unknown>>)[spec.field] = located(value, node, key);
  }
  if (options.settingsOnly) return { fields, unresolved };
  if (!fields.model && !unresolved.model) return undefined;
  const namesHardware = fields.gpuType || fields.instanceType || unresolved.gpuType || unresolved.instanceType;
  const isEngineConfig = ENGINE_CONFIG_FIELDS.some((field) => fields[field] !== undefined);
  if (!namesHardware && !isEngineConfig) return undefined;
  return { fields, unresolved };
}

/** Every deployment-shaped mapping of an app-config document. */
export function extractAppConfig(document: DocNode, ctx: ExtractContext, kind = "app config"): Deployment[] {
  void ctx;
  const deployments: Deployment[] = [];
  for (const { node, path } of mappings(document)) {
    const read = readSettingsMapping(node);
    if (!read) continue;
    const args: ArgsTarget | undefined = node.embedded ? undefined : { kind: "map", node, keyStyle: keyStyle(node.entries().map(([key]) => key)) };
    deployments.push({
      format: "app-config",
      kind,
      name: path.length > 0 ? path.join(".") : undefined,
      fields: read.fields,
      unresolved: read.unresolved,
      anchor: node.node,
      ...(args ? { args } : {}),
    });
  }
  return deployments;
}
