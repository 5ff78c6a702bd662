/**
 * The JSON shape of one judged deployment, shared by `vram estimate --json` and `vram explain --json`.
 * Documented in docs/cli.md; fields are only ever added.
 */
import type { Catalog } from "../catalog/catalog.js";
import type { ResolvedDeployment } from "../resolve.js";
import type { Remedy } from "../sizing/recommend.js";
import type { MemoryEstimate } from "../sizing/types.js";
import { describeCheck, describeRemedy } from "./wording.js";
import type { DeploymentCheck } from "../judge/checks.js";
import { type Performance, type PerformanceJson, performanceJson } from "./performance.js";
import type { PriceBook } from "../catalog/prices.js";
import { priceOf } from "../sizing/cost.js";

export interface EstimateJson {
  /** Memory alone. */
  verdict: MemoryEstimate["verdict"];
  /** What happens: `does-not-start` when a check stops the start (an error in `checks`), else `verdict`. */
  outcome: MemoryEstimate["verdict"] | "does-not-start";
  engine: MemoryEstimate["engine"];
  model: {
    id: string;
    name: string;
    moe: boolean;
    /** An encoder-only (embedding or reranking) model: no KV cache, no decoding. */
    encoder: boolean;
    totalParams: number;
    activeParams: number;
    weightFormat: string;
    maxPositionEmbeddings: number;
  };
  gpu: { id: string; name: string; memoryBytes: number; count: number };
  parallel: MemoryEstimate["parallel"];
  perGpu: MemoryEstimate["perGpu"];
  totalWeightBytes: number;
  activeWeightBytes: number;
  offloadedWeightBytesPerGpu: number;
  /** Per GPU (the binding pipeline stage). */
  kvBytesPerToken: number;
  /** Per model replica (0 when no KV cache is kept: an encoder, Text Embeddings Inference). */
  kvCapacityTokens: number;
  maxModelLen: number;
  maxModelLenSource: MemoryEstimate["maxModelLenSource"];
  /** Full-length sequences the KV cache holds at once; null when memory does not bound them (no KV cache is kept). */
  maxConcurrency: number | null;
  largestFittingMaxModelLen: number | null;
  shortfallBytes: number;
  settings: MemoryEstimate["settings"];
  assumptions: string[];
  warnings: string[];
  /** What the rules report besides memory: layouts and formats that stop the start (error), slow offloads (warning). */
  checks: Array<{ rule: string; severity: DeploymentCheck["severity"]; message: string }>;
  /** Speed, cost and (MoE) double-penalty figures at the workload; null when the speed is unknown (see `performanceUnknown`). */
  performance?: PerformanceJson | null;
  /** Why there is no speed estimate. */
  performanceUnknown?: string;
  suggestions: Array<{
    kind: Remedy["kind"];
    summary: string;
    change: Remedy["change"];
    verdict: MemoryEstimate["verdict"];
    gpuCount: number;
    kvCapacityTokens: number;
    maxConcurrency: number | null;
    perGpu: MemoryEstimate["perGpu"];
    /** The hardware's on-demand price per hour after the change, where one is known (else null). */
    usdPerHour: number | null;
  }>;
}

export function estimateJson(
  catalog: Catalog,
  resolved: ResolvedDeployment,
  estimate: MemoryEstimate,
  remedies: Remedy[],
  checks: readonly DeploymentCheck[] = [],
  performance?: Performance,
  book?: PriceBook,
): EstimateJson {
  const { model } = resolved.model;
  return {
    verdict: estimate.verdict,
    outcome: checks.some((check) => check.severity === "error") ? "does-not-start" : estimate.verdict,
    engine: estimate.engine,
    model: {
      id: model.id,
      name: resolved.model.displayName,
      moe: model.moe !== null,
      encoder: model.attention.kind === "encoder",
      totalParams: model.params.total,
      activeParams: model.params.active,
      weightFormat: estimate.settings.weightFormat,
      maxPositionEmbeddings: model.maxPositionEmbeddings,
    },
    gpu: {
      id: resolved.gpu.gpu.id,
      name: resolved.gpu.gpu.name,
      memoryBytes: resolved.gpu.gpu.memoryBytes,
      count: resolved.requestedGpus,
    },
    parallel: estimate.parallel,
    perGpu: estimate.perGpu,
    totalWeightBytes: estimate.totalWeightBytes,
    activeWeightBytes: estimate.activeWeightBytes,
    offloadedWeightBytesPerGpu: estimate.offloadedWeightBytesPerGpu,
    kvBytesPerToken: estimate.kvBytesPerToken,
    kvCapacityTokens: estimate.kvCapacityTokens,
    maxModelLen: estimate.maxModelLen,
    maxModelLenSource: estimate.maxModelLenSource,
    maxConcurrency: finite(estimate.maxConcurrency),
    largestFittingMaxModelLen: estimate.largestFittingMaxModelLen,
    shortfallBytes: estimate.shortfallBytes,
    settings: estimate.settings,
    assumptions: [...resolved.assumptions, ...estimate.assumptions],
    warnings: estimate.warnings,
    checks: checks.map((check) => ({ rule: `vram/${check.rule}`, severity: check.severity, message: describeCheck(check, resolved.model.displayName) })),
    ...(performance ? { performance: performanceJson(performance), ...(performance.unknown ? { performanceUnknown: performance.unknown } : {}) } : {}),
    suggestions: remedies.map((remedy) => ({
      kind: remedy.kind,
      summary: describeRemedy(catalog, remedy),
      change: remedy.change,
      verdict: remedy.estimate.verdict,
      gpuCount: remedy.estimate.gpuCount,
      kvCapacityTokens: remedy.estimate.kvCapacityTokens,
      maxConcurrency: finite(remedy.estimate.maxConcurrency),
      perGpu: remedy.estimate.perGpu,
      usdPerHour: book ? remedyPrice(catalog, book, resolved, remedy) : null,
    })),
  };
}

/** A remedy's hardware priced: the instance it names (or the deployment's, resized), else its GPUs. */
function remedyPrice(catalog: Catalog, book: PriceBook, resolved: ResolvedDeployment, remedy: Remedy): number | null {
  const instance = remedy.change.instanceType ? catalog.resolveInstance(remedy.change.instanceType) : remedy.change.gpu ? undefined : resolved.instance;
  const price = priceOf(book, { gpu: remedy.request.gpu, gpuCount: remedy.estimate.gpuCount, ...(instance ? { instance } : {}) });
  return price ? price.usdPerHour : null;
}

/** JSON has no Infinity: an unbounded figure is null. */
function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
