/**
 * Serving targets: what a file says a deployment must serve — requests at once, prompt and answer
 * lengths, and the latency or throughput they must get — checked against the KV cache and the
 * speed model, with the cheapest change that meets them. Pure.
 *
 * Written as a `vram.lint/target` annotation on the workload or its pod template (a `"//"` note in
 * Terraform JSON), or as `settings.vram.targets` for every deployment without one:
 *
 *   vram.lint/target: "concurrency=64, input=2000, output=500, itl-ms=50, ttft-ms=2000"
 */
import type { Catalog } from "../catalog/catalog.js";
import type { PriceBook } from "../catalog/prices.js";
import type { GpuEntry, QuantizationFormat } from "../catalog/types.js";
import { type AstNode, type DocNode, str } from "../extract/doc.js";
import type { Deployment } from "../extract/types.js";
import type { ResolvedDeployment } from "../resolve.js";
import { type CostEstimate, costOf } from "../sizing/cost.js";
import { tryEstimate } from "../sizing/estimate.js";
import { engineById } from "../engines/index.js";
import { CANDIDATE_GPU_IDS, type Remedy, validTensorParallel } from "../sizing/recommend.js";
import { estimateSpeed, type SpeedEstimate } from "../sizing/speed.js";
import type { MemoryEstimate, SizingRequest } from "../sizing/types.js";

export const TARGET_ANNOTATION = "vram.lint/target";

export interface ServingTarget {
  /** Requests in flight at once (per deployment). */
  concurrency?: number;
  inputTokens?: number;
  outputTokens?: number;
  /** Largest acceptable time per output token (inter-token latency), ms. */
  itlMs?: number;
  /** Largest acceptable time to first token, ms. */
  ttftMs?: number;
  /** Smallest acceptable output tokens per second for the deployment. */
  outputTokensPerSecond?: number;
}

export interface LocatedTarget {
  target: ServingTarget;
  /** `vram.lint/target annotation`, `settings.vram.targets`. */
  source: string;
  /** Where it is written (absent for settings). */
  node?: AstNode;
}

/** Keys as written → target fields; a number may carry `k` (thousands) and `ms`/`s` units where it is a time. */
const KEYS: Record<string, keyof ServingTarget> = {
  concurrency: "concurrency",
  "max-concurrency": "concurrency",
  users: "concurrency",
  input: "inputTokens",
  isl: "inputTokens",
  "input-tokens": "inputTokens",
  output: "outputTokens",
  osl: "outputTokens",
  "output-tokens": "outputTokens",
  "itl-ms": "itlMs",
  "tpot-ms": "itlMs",
  itl: "itlMs",
  tpot: "itlMs",
  "ttft-ms": "ttftMs",
  ttft: "ttftMs",
  throughput: "outputTokensPerSecond",
  "tokens-per-second": "outputTokensPerSecond",
  "output-tokens-per-second": "outputTokensPerSecond",
};

const TIME_FIELDS = new Set<keyof ServingTarget>(["itlMs", "ttftMs"]);

function parseNumber(field: keyof ServingTarget, raw: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(k|ms|s)?$/i.exec(raw.trim().replace(/_/g, ""));
  if (!match) return undefined;
  const value = Number(match[1]);
  const unit = (match[2] ?? "").toLowerCase();
  if (unit === "k") return TIME_FIELDS.has(field) ? undefined : value * 1000;
  if (unit === "ms" || unit === "s") return TIME_FIELDS.has(field) ? (unit === "s" ? value * 1000 : value) : undefined;
  return value;
}

/**
 * The `key=value` parts of a target: separated by commas, semicolons, or blanks before the next key
 * (`concurrency=64 input=2000`). Read word by word: the text is the file's, of any length.
 */
function targetParts(text: string): string[] {
  const parts: string[] = [];
  for (const chunk of text.split(/[,;]/)) {
    const words = chunk.split(/\s/).filter((word) => word.length > 0);
    let current: string[] = [];
    words.forEach((word, index) => {
      const next = words[index + 1];
      const startsPair = /^[a-z-]+[=:]/i.test(word) || (/^[a-z-]+$/i.test(word) && next !== undefined && /^[=:]/.test(next));
      if (startsPair && current.length > 0) {
        parts.push(current.join(" "));
        current = [];
      }
      current.push(word);
    });
    if (current.length > 0) parts.push(current.join(" "));
  }
  return parts;
}

/** `key = value` → [whole, key, value] (as a pattern's match would be), or null. */
function keyValue(part: string): [string, string, string] | null {
  const at = part.search(/[=:]/);
  if (at < 0) return null;
  const key = part.slice(0, at).trim();
  const value = part.slice(at + 1).trim();
  return /^[a-z-]+$/i.test(key) && value.length > 0 ? [part, key, value] : null;
}

/** "concurrency=64, input=2000, output=500, itl-ms=50" → a target, or why it cannot be read. */
export function parseTarget(text: string): { target: ServingTarget } | { error: string } {
  const target: ServingTarget = {};
  const parts = targetParts(text);
  if (parts.length === 0) return { error: "it is empty" };
  for (const part of parts) {
    const match = keyValue(part);
    if (!match) return { error: `"${part}" is not key=value` };
    const key = match[1]!.toLowerCase();
    const field = Object.hasOwn(KEYS, key) ? KEYS[key] : undefined;
    if (!field) return { error: `"${match[1]}" is not a target key (concurrency, input, output, itl-ms, ttft-ms, throughput)` };
    const value = parseNumber(field, match[2]!);
    if (value === undefined || !(value > 0) || !Number.isFinite(value) || value > 1e9) return { error: `${match[1]}=${match[2]} is not a positive number` };
    const whole = field === "concurrency" || field === "inputTokens" || field === "outputTokens";
    target[field] = whole ? Math.round(value) : value;
  }
  return { target };
}

const NOTE_PREFIX = "vram.lint/target";

/** A target written on the deployment's objects, or an unreadable one with the reason. */
export function writtenTarget(deployment: Deployment): (LocatedTarget & { error?: undefined }) | { error: string; node: AstNode } | undefined {
  const fromText = (text: string | undefined, node: AstNode) => {
    const parsed = parseTarget(text ?? "");
    return "error" in parsed ? { error: parsed.error, node } : { target: parsed.target, source: `${TARGET_ANNOTATION} annotation`, node };
  };
  for (const holder of deployment.annotationHolders ?? []) {
    const value = holder.get("annotations")?.get(TARGET_ANNOTATION);
    if (value) return fromText(str(value), value.node);
  }
  for (const note of deployment.notes ?? []) {
    const text = str(note as DocNode);
    const start = text?.trimStart();
    const rest = start?.startsWith(NOTE_PREFIX) ? start.slice(NOTE_PREFIX.length) : undefined;
    if (rest !== undefined && /^\s/.test(rest)) return fromText(rest.trimStart(), note.node);
  }
  return undefined;
}

export type TargetFailure =
  | { kind: "kv-cache"; required: number; holds: number }
  | { kind: "max-num-seqs"; required: number; allows: number }
  | { kind: "itl"; requiredMs: number; estimatedMs: number }
  | { kind: "ttft"; requiredMs: number; estimatedMs: number }
  | { kind: "throughput"; required: number; estimated: number };

export interface TargetRemedy {
  remedy: Remedy;
  speed: SpeedEstimate;
  cost: CostEstimate | null;
}

export interface TargetCheck {
  target: ServingTarget;
  speed: SpeedEstimate;
  failures: TargetFailure[];
  /** The cheapest change that meets every part of the target (by price where prices are known, else by GPUs). */
  remedy?: TargetRemedy;
}

function workloadOf(target: ServingTarget) {
  return {
    ...(target.inputTokens !== undefined ? { inputTokens: target.inputTokens } : {}),
    ...(target.outputTokens !== undefined ? { outputTokens: target.outputTokens } : {}),
    ...(target.concurrency !== undefined ? { concurrency: target.concurrency } : {}),
  };
}

/** What of the target a deployment misses, or `undefined` when its speed cannot be estimated. */
export function targetFailures(request: SizingRequest, memory: MemoryEstimate, target: ServingTarget): { speed: SpeedEstimate; failures: TargetFailure[] } | { unknown: string } {
  const result = estimateSpeed(request, memory, workloadOf(target));
  if (!result.known) return { unknown: result.reason };
  const { speed } = result;
  const failures: TargetFailure[] = [];
  if (target.concurrency !== undefined) {
    if (speed.kvLimitedConcurrency < target.concurrency) failures.push({ kind: "kv-cache", required: target.concurrency, holds: Math.floor(speed.kvLimitedConcurrency) });
    const allows = memory.settings.maxNumSeqs * memory.parallel.data;
    if (allows < target.concurrency) failures.push({ kind: "max-num-seqs", required: target.concurrency, allows });
  }
  if (target.itlMs !== undefined && speed.decode.msPerToken > target.itlMs) failures.push({ kind: "itl", requiredMs: target.itlMs, estimatedMs: speed.decode.msPerToken });
  if (target.ttftMs !== undefined && speed.prefill.timeToFirstTokenMs > target.ttftMs) {
    failures.push({ kind: "ttft", requiredMs: target.ttftMs, estimatedMs: speed.prefill.timeToFirstTokenMs });
  }
  if (target.outputTokensPerSecond !== undefined && speed.decode.outputTokensPerSecond < target.outputTokensPerSecond) {
    failures.push({ kind: "throughput", required: target.outputTokensPerSecond, estimated: speed.decode.outputTokensPerSecond });
  }
  return { speed, failures };
}

function runsOn(format: QuantizationFormat, gpu: GpuEntry): boolean {
  if (format.minComputeCapability === null) return true;
  return gpu.computeCapability !== null && gpu.computeCapability >= format.minComputeCapability;
}

/**
 * Changes tried, each re-estimated: an FP8 KV cache; FP8 weights (where the engine quantizes 16-bit
 * weights while loading); more of the same GPU at a larger tensor-parallel size; another GPU at the
 * same count.
 */
function candidates(catalog: Catalog, resolved: ResolvedDeployment): Array<Omit<Remedy, "estimate">> {
  const { request } = resolved;
  const found: Array<Omit<Remedy, "estimate">> = [];
  const engine = engineById(request.engine);
  const splitsLayers = engine.splitsLayers;
  if (engine.fp8KvCache && (request.kvCacheDtype ?? "auto") === "auto" && request.activationBytes === 2 && (request.gpu.computeCapability ?? 0) >= 8.9) {
    found.push({ kind: "kv-cache-dtype", change: { kvCacheDtype: "fp8" }, request: { ...request, kvCacheDtype: "fp8" } });
  }
  const fp8 = catalog.format("fp8");
  const fp8Flag = engine.quantizationFlag(fp8);
  if (fp8Flag && !fp8.needsPrequantizedCheckpoint && request.weightFormat.kind === "float" && request.weightFormat.bitsPerWeight >= 16 && runsOn(fp8, request.gpu) && request.gpu.fp8) {
    found.push({ kind: "quantization", change: { weightFormat: "fp8", quantizationFlag: fp8Flag }, request: { ...request, weightFormat: fp8 } });
  }
  if (!splitsLayers) {
    const current = request.tensorParallel;
    for (const tp of [2, 4, 8]) {
      if (tp <= current || !validTensorParallel(request, tp)) continue;
      const count = tp * request.pipelineParallel * request.dataParallel;
      found.push({ kind: "more-gpus", change: { tensorParallel: tp, pipelineParallel: request.pipelineParallel, gpuCount: count, gpusPerNode: tp }, request: { ...request, tensorParallel: tp } });
    }
  }
  for (const id of CANDIDATE_GPU_IDS) {
    const gpu = catalog.gpu(id);
    if (!gpu || gpu.id === request.gpu.id || gpu.vendor !== request.gpu.vendor || !runsOn(request.weightFormat, gpu)) continue;
    found.push({ kind: "larger-gpu", change: { gpu: gpu.id }, request: { ...request, gpu } });
  }
  return found;
}

/** The cheapest candidate change that meets the whole target. */
export function targetRemedy(catalog: Catalog, book: PriceBook, resolved: ResolvedDeployment, target: ServingTarget): TargetRemedy | undefined {
  let best: { entry: TargetRemedy; rank: [number, number, number] } | undefined;
  for (const candidate of candidates(catalog, resolved)) {
    const estimate = tryEstimate(candidate.request);
    if (!estimate || estimate.verdict === "weights-exceed-memory") continue;
    const checked = targetFailures(candidate.request, estimate, target);
    if ("unknown" in checked || checked.failures.length > 0) continue;
    const gpuCount = estimate.gpuCount;
    const cost = costOf(book, { gpu: candidate.request.gpu, gpuCount, ...(candidate.kind === "larger-gpu" || !resolved.instance ? {} : { instance: resolved.instance }) }, checked.speed);
    // Priced changes first, cheapest first; then fewest GPUs; then the least memory bought.
    const rank: [number, number, number] = [cost ? cost.usdPerHour : Number.POSITIVE_INFINITY, gpuCount, gpuCount * candidate.request.gpu.memoryBytes];
    const better = !best || rank[0] < best.rank[0] || (rank[0] === best.rank[0] && (rank[1] < best.rank[1] || (rank[1] === best.rank[1] && rank[2] < best.rank[2])));
    if (better) best = { entry: { remedy: { ...candidate, estimate }, speed: checked.speed, cost }, rank };
  }
  return best?.entry;
}

/** The target check of a deployment, with the cheapest remedy when it misses. */
export function checkTarget(catalog: Catalog, book: PriceBook, resolved: ResolvedDeployment, memory: MemoryEstimate, target: ServingTarget): TargetCheck | { unknown: string } {
  const checked = targetFailures(resolved.request, memory, target);
  if ("unknown" in checked) return checked;
  const result: TargetCheck = { target, speed: checked.speed, failures: checked.failures };
  if (checked.failures.length > 0) {
    const remedy = targetRemedy(catalog, book, resolved, target);
    if (remedy) result.remedy = remedy;
  }
  return result;
}
