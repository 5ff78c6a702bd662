/**
 * The memory verdict of one estimate, as the rules report it: pure, and free of the rest of the
 * judging, so that the range judgement (analysis.ts) applies the same criterion to each GPU.
 */
import type { MemoryEstimate } from "../sizing/types.js";

/**
 * The memory verdict's finding at a concurrency target: weights-fit, or kv-cache-headroom (too
 * small; a context the engine shortens from what the file sets, as SGLang, TensorRT-LLM and
 * LMDeploy do; too few sequences).
 */
export function memoryFinding(estimate: MemoryEstimate, minConcurrent: number): { rule: "weights-fit" | "kv-cache-headroom"; kind: string } | undefined {
  if (estimate.verdict === "weights-exceed-memory") return { rule: "weights-fit", kind: "weights-exceed-memory" };
  if (estimate.verdict === "kv-cache-too-small") return { rule: "kv-cache-headroom", kind: "kv-cache-too-small" };
  if (estimate.contextCappedFrom !== undefined && estimate.maxModelLenSource === "set") return { rule: "kv-cache-headroom", kind: "context-capped" };
  if (estimate.maxConcurrency < minConcurrent) return { rule: "kv-cache-headroom", kind: "low-concurrency" };
  return undefined;
}

