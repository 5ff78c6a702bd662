/**
 * What a valid value of each deployment setting is, in one table: extraction sets aside values
 * outside it (as `invalid` unresolved values, so the deployment is not judged) and `vram/valid-values`
 * words the finding from the same row. Limits are what the engines and Kubernetes accept: extended
 * resources such as `nvidia.com/gpu` must be whole numbers (Kubernetes API validation of extended
 * resources), parallel sizes are at least 1 (vLLM `ParallelConfig`), `--gpu-memory-utilization`
 * is a fraction above 0 and at most 1 (vLLM `CacheConfig`).
 */
import type { FieldName } from "./types.js";
import type { ValueKind } from "./kit.js";

export interface ValueRule {
  /** What the value is, in a sentence: `GPU count`. */
  what: string;
  /** What a valid one looks like: `a whole number of 0 or more`. */
  expected: string;
  valid(value: number): boolean;
}

const whole = (min: number) => (value: number) => Number.isSafeInteger(value) && value >= min;
const counts = (what: string, min = 1): ValueRule => ({ what, expected: `a whole number of ${min} or more`, valid: whole(min) });

/** Rules for numeric fields; every numeric field has one (a test keeps the table complete). */
export const VALUE_RULES: Partial<Record<FieldName, ValueRule>> = {
  gpuCount: counts("GPU count", 0),
  nodes: counts("node count"),
  tensorParallel: counts("tensor-parallel size"),
  pipelineParallel: counts("pipeline-parallel size"),
  dataParallel: counts("data-parallel size"),
  maxModelLen: counts("context length"),
  maxNumSeqs: counts("sequence limit"),
  maxNumBatchedTokens: counts("batched-token limit"),
  // llama.cpp takes any whole number: -1 is auto, -2 or less is every layer (common.h `n_gpu_layers`).
  gpuLayers: { what: "GPU layer count", expected: "a whole number", valid: (value) => Number.isSafeInteger(value) },
  cpuMoeLayers: counts("CPU MoE layer count", 0),
  gpuMemoryMiB: counts("GPU memory size"),
  gpuMemoryUtilization: { what: "GPU memory fraction", expected: "a number above 0 and at most 1", valid: (value) => Number.isFinite(value) && value > 0 && value <= 1 },
  kvCacheMemoryBytes: counts("KV cache size", 1),
  cpuKvCacheBytes: counts("CPU KV cache size", 1),
  cpuOffloadGiB: { what: "CPU offload size", expected: "a number of GiB, 0 or more", valid: (value) => Number.isFinite(value) && value >= 0 && value < 1e9 },
};

/** The rule of a field, for messages (fields without numbers: a generic one). */
export function valueRule(field: FieldName): ValueRule {
  return VALUE_RULES[field] ?? { what: "value", expected: "a value the engine accepts", valid: () => true };
}

/** Whether a number read for `field` is one the engine or scheduler accepts. */
export function isValidNumber(field: FieldName, value: number): boolean {
  const rule = VALUE_RULES[field];
  return rule ? rule.valid(value) : Number.isFinite(value);
}

/** How each field's value is written, for readers that only know the field (a Helm `.Values` reference). */
export const FIELD_KINDS: Record<FieldName, ValueKind> = {
  engine: "string",
  model: "string",
  quantization: "string",
  dtype: "string",
  kvCacheDtype: "string",
  kvCacheValueDtype: "string",
  engineVersion: "string",
  backend: "string",
  flashAttention: "bool",
  attentionDataParallel: "bool",
  gpuType: "string",
  gpuMemoryMiB: "int",
  instanceType: "string",
  gpuCount: "int",
  nodes: "int",
  gpusMaySpanNodes: "bool",
  tensorParallel: "int",
  pipelineParallel: "int",
  dataParallel: "int",
  expertParallel: "bool",
  maxModelLen: "size",
  maxNumSeqs: "int",
  maxInputTokens: "size",
  maxNumBatchedTokens: "size",
  gpuMemoryUtilization: "float",
  kvCacheMemoryBytes: "size",
  cpuKvCacheBytes: "int",
  cpuOffloadGiB: "float",
  enforceEager: "bool",
  gpuLayers: "int",
  cpuMoeLayers: "int",
};
