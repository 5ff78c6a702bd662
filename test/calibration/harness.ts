/**
 * Replays measured engine logs (`cases.json`) through the resolver and the estimator and compares:
 * verdict, weights per GPU, KV cache GiB and KV tokens. Used by `calibration.test.ts` (assertions)
 * and `npm run calibrate` (the table).
 */
import { readFileSync } from "node:fs";
import { ENGINE_IDS, engineById, flagFor } from "../../src/engines/index.js";
import { readSettings } from "../../src/settings.js";
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
  /** A `settings.vram` object for what the bundled catalog lacks (a model from its config.json, a GPU). */
  settings?: Record<string, unknown>;
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
  /** Whether the model is a Mixture-of-Experts model (the table gives vLLM's MoE cases a row of their own). */
  moe?: boolean;
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

function expectedVerdict(outcome: CalibrationCase["outcome"]): Verdict | Verdict[] | undefined {
  switch (outcome) {
    case "started":
      // Engines that start when one full-context request does not fit (SGLang, TensorRT-LLM, LMDeploy) are judged at the shorter context they serve.
      return "fits";
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
  [/24 ?GB class/i, "RTX 4090"],
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
    ...(item.engineVersion ? { engineVersion: item.engineVersion } : {}),
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
  if (typeof f.kvCacheValueDtype === "string") values.kvCacheValueDtype = f.kvCacheValueDtype;
  // llama.cpp `-ngl` / Ollama `num_gpu`, `--parallel` / `OLLAMA_NUM_PARALLEL`, `-fa`, LMDeploy `--backend`, TensorRT-LLM `enable_attention_dp`.
  set("gpuLayers", num(f.gpuLayers));
  set("maxNumSeqs", num(f.parallel));
  set("cpuMoeLayers", num(f.cpuMoeLayers));
  set("flashAttention", typeof f.flashAttention === "boolean" ? f.flashAttention : undefined);
  set("attentionDataParallel", typeof f.attentionDataParallel === "boolean" ? f.attentionDataParallel : undefined);
  if (typeof f.backend === "string") values.backend = f.backend;
  return values;
}

/**
 * The case as a `vram estimate` command line (the logged settings in the CLI's own flags), so the
 * suite can check that no case ends in a usage error. GPUs the case adds through `settings` need the
 * `--config` the caller writes.
 */
const PORTABLE_FIELDS = ["tensorParallel", "pipelineParallel", "dataParallel", "expertParallel", "maxModelLen", "gpuMemoryUtilization", "maxNumSeqs", "maxNumBatchedTokens", "enforceEager", "cpuOffloadGiB", "quantization", "dtype", "kvCacheDtype"] as const;

/** The engine's long option for the GPU layer count: a flag, or a setting the CLI takes as one (Ollama's `num_gpu`). */
function gpuLayersOption(engine: Engine): string {
  const flag = flagFor(engine, "gpuLayers");
  if (flag) return flag;
  const option = engineById(engine).settingNames?.find((spec) => spec.field === "gpuLayers")?.names.find((name) => name.startsWith("--"));
  if (!option) throw new Error(`${engine} takes no GPU layer count on the command line`);
  return option;
}

export function cliArgs(item: CalibrationCase): string[] {
  const values = valuesOf(item);
  const args = ["estimate", "--engine", item.engine, "--model", item.model, "--gpu", values.gpuType!, "--gpu-count", String(item.gpuCount), "--json"];
  if (item.engineVersion) args.push("--engine-version", item.engineVersion);
  // The portable settings in vLLM's spelling (the CLI's own options), from the engine registry.
  for (const field of PORTABLE_FIELDS) {
    const value = values[field];
    if (value === undefined || value === false) continue;
    args.push(flagFor("vllm", field)!);
    if (value !== true) args.push(String(value));
  }
  // The layers kept on the GPUs, in the engine's own spelling (llama.cpp --n-gpu-layers, Ollama num_gpu as --num-gpu).
  if (values.gpuLayers !== undefined) args.push(gpuLayersOption(item.engine), String(values.gpuLayers));
  return args;
}

export function runCase(item: CalibrationCase): CaseResult {
  const settings = readSettings(item.settings);
  const resolution = resolveDeployment(settings.catalog, valuesOf(item), settings.defaults);
  if (!resolution.ok) return { case: item, skipped: `${resolution.unresolved.reason}${"written" in resolution.unresolved ? ` ${resolution.unresolved.written}` : ""}` };
  const request = resolution.resolved.request;
  const memory = statedMemory(item);
  if (memory) request.gpu = { ...request.gpu, memoryBytes: memory };
  const estimate = estimateMemory(request);
  const expected = item.maxModelLenUnknown ? undefined : expectedVerdict(item.outcome);
  const result: CaseResult = { case: item, estimate, moe: request.model.moe !== null };
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

/** Whether a case's KV check passes: within `limit`, or within 1.5 GiB where the cache is under 10 % of the budget (as calibration.test.ts holds it). */
export function kvWithin(result: CaseResult, limit = 0.15): boolean {
  const measured = result.case.measured.kvCacheGiBPerGpu;
  const estimate = result.estimate;
  if (measured !== undefined && measured > 0 && estimate && result.kvGiBError !== undefined && measured < 0.1 * (estimate.perGpu.budgetBytes / GIB)) {
    return Math.abs(estimate.perGpu.kvCacheBytes / GIB - measured) <= 1.5;
  }
  const error = result.kvTokensError ?? result.kvGiBError;
  return error !== undefined && Math.abs(error) <= limit;
}

/** The checks one group of cases passes: verdicts right, weights within 5 %, KV within 15 %. */
export interface EngineTally {
  group: string;
  cases: number;
  verdictsRight: number;
  verdictsChecked: number;
  falseFits: number;
  weightsWithin: number;
  weightsChecked: number;
  kvWithin: number;
  kvChecked: number;
}

/** Per engine, with vLLM's Mixture-of-Experts cases also on a row of their own. */
export function tallyByEngine(results: CaseResult[]): EngineTally[] {
  // Every engine has a row, with no cases where none is recorded yet.
  const groups = new Map<string, CaseResult[]>(ENGINE_IDS.flatMap((engine) => (engine === "vllm" ? ["vllm", "vllm (MoE models)"] : [engine])).map((group) => [group, []]));
  const add = (group: string, result: CaseResult) => groups.set(group, [...(groups.get(group) ?? []), result]);
  for (const result of results) {
    add(result.case.engine, result);
    if (result.case.engine === "vllm" && result.moe) add("vllm (MoE models)", result);
  }
  return [...groups].map(([group, list]) => {
    const judged = list.filter((r) => r.expectedVerdict !== undefined);
    const weights = list.filter((r) => r.weightsError !== undefined);
    const kv = list.filter((r) => r.kvTokensError !== undefined || r.kvGiBError !== undefined);
    return {
      group,
      cases: list.length,
      verdictsRight: judged.filter((r) => r.verdictOk).length,
      verdictsChecked: judged.length,
      falseFits: judged.filter((r) => !r.verdictOk && r.estimate?.verdict === "fits").length,
      weightsWithin: weights.filter((r) => Math.abs(r.weightsError!) <= 0.05).length,
      weightsChecked: weights.length,
      kvWithin: kv.filter((r) => kvWithin(r)).length,
      kvChecked: kv.length,
    };
  });
}

/** The per-engine table as Markdown. */
export function engineTable(results: CaseResult[]): string {
  const rows = ["| engine | cases | verdicts right | false fits | weights within 5 % | KV within 15 % |", "|---|---|---|---|---|---|"];
  const tallies = tallyByEngine(results);
  const all = tallies.filter((tally) => !tally.group.includes("("));
  const total = (pick: (tally: EngineTally) => number) => all.reduce((sum, tally) => sum + pick(tally), 0);
  for (const tally of [...tallies, { group: "all", cases: total((t) => t.cases), verdictsRight: total((t) => t.verdictsRight), verdictsChecked: total((t) => t.verdictsChecked), falseFits: total((t) => t.falseFits), weightsWithin: total((t) => t.weightsWithin), weightsChecked: total((t) => t.weightsChecked), kvWithin: total((t) => t.kvWithin), kvChecked: total((t) => t.kvChecked) }]) {
    rows.push(`| ${tally.group} | ${tally.cases} | ${tally.verdictsRight}/${tally.verdictsChecked} | ${tally.falseFits} | ${tally.weightsWithin}/${tally.weightsChecked} | ${tally.kvWithin}/${tally.kvChecked} |`);
  }
  return rows.join("\n");
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
      `KV within 15 %: ${within(kv, (r) => r.kvTokensError ?? r.kvGiBError, 0.15)}/${kv.length} ` +
      `(${kv.filter((r) => kvWithin(r)).length}/${kv.length} counting a small remainder within 1.5 GiB, as the tests do).`,
    "",
    engineTable(results),
  );
  return rows.join("\n");
}
