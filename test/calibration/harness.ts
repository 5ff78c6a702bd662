/**
 * Replays measured engine logs (`cases.json`) through the resolver and the estimator and compares:
 * verdict, weights per GPU, KV cache GiB and KV tokens. Used by `calibration.test.ts` (assertions)
 * and `npm run calibrate` (the table).
 */
import { readFileSync } from "node:fs";
import { bundledCatalog } from "../../src/catalog/load.js";
import { resolveDeployment, type DeploymentValues } from "../../src/resolve.js";
import { estimateMemory } from "../../src/sizing/estimate.js";
import { GIB, MIB } from "../../src/sizing/runtime.js";
import type { Engine, MemoryEstimate, Verdict } from "../../src/sizing/types.js";

export interface CalibrationCase {
  id: string;
  engine: Engine;
  engineVersion: string | null;
  entrypoint: string | null;
  source: string;
  model: string;
  gpu: string;
  gpuTotalMiB: number | null;
  gpuCount: number;
  flags: Record<string, string | number | boolean | undefined>;
  measured: {
    weightsGiBPerGpu?: number;
    peakActivationGiB?: number;
    nonTorchGiB?: number;
    cudaGraphGiB?: number;
    kvCacheGiBPerGpu?: number;
    kvCacheTokens?: number;
    maxConcurrency?: number;
    estimatedMaxModelLen?: number;
    kvNeededGiB?: number;
  };
  outcome: "started" | "weights-oom" | "kv-cache-too-small" | "no-kv-memory" | "other-oom";
  useForCalibration: boolean;
  /** Why this case's KV measurement is known to sit outside the usual tolerance. */
  knownDeviation?: string;
  /** The source does not give max_model_len, so the verdict (which depends on it) cannot be checked. */
  maxModelLenUnknown?: boolean;
  notes: string;
}

export interface CaseResult {
  case: CalibrationCase;
  /** Why the case could not be replayed (unknown model or GPU), if it could not. */
  skipped?: string;
  estimate?: MemoryEstimate;
  expectedVerdict?: Verdict | Verdict[];
  verdictOk?: boolean;
  /** Relative errors (estimate / measured − 1), where measured. */
  weightsError?: number;
  kvGiBError?: number;
  kvTokensError?: number;
}

export const CASES_PATH = new URL("./cases.json", import.meta.url);

export function loadCases(): CalibrationCase[] {
  return JSON.parse(readFileSync(CASES_PATH, "utf8")) as CalibrationCase[];
}

function expectedVerdict(outcome: CalibrationCase["outcome"], estimate: MemoryEstimate): Verdict | Verdict[] | undefined {
  switch (outcome) {
    case "started":
      // Engines that start when one full-context request does not fit (SGLang, TensorRT-LLM, LMDeploy) cap request length instead.
      return estimate.refusesWhenKvTooSmall ? "fits" : ["fits", "kv-cache-too-small"];
    case "weights-oom":
    case "no-kv-memory":
      return "weights-exceed-memory";
    case "kv-cache-too-small":
      return "kv-cache-too-small";
    default:
      return undefined; // an OOM at CUDA-graph capture or at run time: outside what the estimator judges
  }
}

/** The GPU memory a log states ("H100 (79.18 GiB total…"), in bytes. */
function statedMemory(item: CalibrationCase): number | undefined {
  if (item.gpuTotalMiB) return item.gpuTotalMiB * MIB;
  const gib = /([\d.]+)\s*GiB total/i.exec(item.gpu);
  return gib ? Number(gib[1]) * GIB : undefined;
}

const GPU_WORDS: Array<[RegExp, string]> = [
  [/H100 NVL/i, "H100 NVL"],
  [/H100/i, "H100"],
  [/H200/i, "H200"],
  [/H20-3e/i, "H20-3e"],
  [/H20/i, "H20"],
  [/A100 80GB|A100-SXM4-80GB|A100 80/i, "A100-80GB"],
  [/A100 40GB/i, "A100-40GB"],
  [/A100/i, "A100-80GB"],
  [/L40S/i, "L40S"],
  [/\bL4\b/i, "L4"],
  [/RTX 4090/i, "RTX 4090"],
  [/RTX 4080/i, "RTX 4080"],
  [/3090/i, "RTX 3090"],
  [/GB10|DGX Spark/i, "GB10"],
  [/\bA10\b/i, "A10"],
  [/80 ?GB class|Hopper-class/i, "H100"],
];

function gpuName(written: string): string {
  return GPU_WORDS.find(([pattern]) => pattern.test(written))?.[1] ?? written;
}

function num(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}

export function valuesOf(item: CalibrationCase): DeploymentValues {
  const f = item.flags;
  const values: DeploymentValues = {
    engine: item.engine,
    model: item.model,
    gpuType: gpuName(item.gpu),
    gpuCount: item.gpuCount,
  };
  const set = <K extends keyof DeploymentValues>(key: K, value: DeploymentValues[K] | undefined) => {
    if (value !== undefined) values[key] = value;
  };
  set("tensorParallel", num(f.tensorParallelSize));
  set("pipelineParallel", num(f.pipelineParallelSize));
  set("dataParallel", num(f.dataParallelSize));
  set("expertParallel", typeof f.enableExpertParallel === "boolean" ? f.enableExpertParallel : undefined);
  set("maxModelLen", num(f.maxModelLen) ?? num(f.contextLength));
  set("gpuMemoryUtilization", num(f.gpuMemoryUtilization) ?? num(f.memFractionStatic));
  set("maxNumSeqs", num(f.maxNumSeqs));
  set("maxNumBatchedTokens", num(f.maxNumBatchedTokens) ?? num(f.chunkedPrefillSize));
  set("enforceEager", typeof f.enforceEager === "boolean" ? f.enforceEager : undefined);
  set("cpuOffloadGiB", num(f.cpuOffloadGb));
  if (typeof f.quantization === "string") values.quantization = f.quantization;
  if (typeof f.dtype === "string") values.dtype = f.dtype;
  if (typeof f.kvCacheDtype === "string") values.kvCacheDtype = f.kvCacheDtype;
  return values;
}

export function runCase(item: CalibrationCase): CaseResult {
  const catalog = bundledCatalog();
  const resolution = resolveDeployment(catalog, valuesOf(item));
  if (!resolution.ok) return { case: item, skipped: `${resolution.unresolved.reason}${"written" in resolution.unresolved ? ` ${resolution.unresolved.written}` : ""}` };
  const request = resolution.resolved.request;
  const memory = statedMemory(item);
  if (memory) request.gpu = { ...request.gpu, memoryBytes: memory };
  const estimate = estimateMemory(request);
  const expected = item.maxModelLenUnknown ? undefined : expectedVerdict(item.outcome, estimate);
  const result: CaseResult = { case: item, estimate };
  if (expected) {
    result.expectedVerdict = expected;
    result.verdictOk = Array.isArray(expected) ? expected.includes(estimate.verdict) : estimate.verdict === expected;
  }
  const m = item.measured;
  if (m.weightsGiBPerGpu) result.weightsError = estimate.perGpu.weightBytes / GIB / m.weightsGiBPerGpu - 1;
  if (m.kvCacheGiBPerGpu && m.kvCacheGiBPerGpu > 0 && estimate.verdict !== "weights-exceed-memory") {
    result.kvGiBError = estimate.perGpu.kvCacheBytes / GIB / m.kvCacheGiBPerGpu - 1;
  }
  if (m.kvCacheTokens && estimate.verdict !== "weights-exceed-memory") result.kvTokensError = estimate.kvCapacityTokens / m.kvCacheTokens - 1;
  return result;
}

export function runAll(): CaseResult[] {
  return loadCases()
    .filter((item) => item.useForCalibration)
    .map(runCase);
}

function percent(error: number | undefined): string {
  return error === undefined ? "" : `${error >= 0 ? "+" : ""}${(error * 100).toFixed(1)} %`;
}

/** The calibration table as Markdown. */
export function calibrationTable(results: CaseResult[]): string {
  const rows = [
    "| case | engine | model | GPUs | verdict (expected) | weights err | KV GiB err | KV tokens err |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const result of results) {
    const item = result.case;
    if (result.skipped) {
      rows.push(`| ${item.id} | ${item.engine} | ${item.model} | ${item.gpuCount} × ${item.gpu} | skipped: ${result.skipped} | | | |`);
      continue;
    }
    const verdict = result.expectedVerdict
      ? `${result.estimate!.verdict}${result.verdictOk ? " ✓" : ` ✗ (${result.expectedVerdict})`}`
      : `${result.estimate!.verdict} (not checked: ${item.maxModelLenUnknown ? "max_model_len unknown" : `outcome ${item.outcome}`})`;
    rows.push(
      `| ${item.id} | ${item.engine} | ${item.model} | ${item.gpuCount} × ${gpuName(item.gpu)} | ${verdict} | ${percent(result.weightsError)} | ${percent(result.kvGiBError)} | ${percent(result.kvTokensError)} |`,
    );
  }
  const judged = results.filter((result) => result.expectedVerdict);
  const weights = results.filter((result) => result.weightsError !== undefined);
  const kv = results.filter((result) => result.kvTokensError !== undefined || result.kvGiBError !== undefined);
  const within = (list: CaseResult[], pick: (r: CaseResult) => number | undefined, limit: number) =>
    list.filter((r) => Math.abs(pick(r) ?? 0) <= limit).length;
  rows.push(
    "",
    `Verdicts: ${judged.filter((r) => r.verdictOk).length}/${judged.length} correct. ` +
      `Weights within 5 %: ${within(weights, (r) => r.weightsError, 0.05)}/${weights.length}. ` +
      `KV within 15 %: ${within(kv, (r) => r.kvTokensError ?? r.kvGiBError, 0.15)}/${kv.length}.`,
  );
  return rows.join("\n");
}
