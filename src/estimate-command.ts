/**
 * `vram estimate`: size one deployment from vLLM-style flags, or the engine's own (see src/cli.ts for
 * the usage text).
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import type { Catalog } from "./catalog/catalog.js";
import { ConfigImportError } from "./catalog/import-config.js";
import { withLocalModel } from "./catalog/local-model.js";
import { type CliIo, UsageError } from "./cli-io.js";
import { cliSettingsFor } from "./cli-settings.js";
import { parseValue } from "./extract/engine-seam.js";
import { deploymentChecks } from "./judge/checks.js";
import { contextRefusal, refusalText } from "./judge/context-limit.js";
import { estimateJson } from "./report/json.js";
import { passes, renderBreakdown, styleFor } from "./report/text.js";
import { readSettings } from "./settings.js";
import { type DeploymentValues, resolveDeployment, unresolvedMessage, withAutoContext } from "./resolve.js";
import { isAutoContext } from "./text.js";
import { estimateMemory } from "./sizing/estimate.js";
import { recommend } from "./sizing/recommend.js";
import { DEFAULT_ENGINE, engineByName, engineById, engineNameList, type Engine } from "./engines/index.js";
import { engineCliOptions, engineInArgv, expandShortFlags, readEngineFlags } from "./cli-engine-flags.js";
import { performanceOf } from "./report/performance.js";
import { priceBook } from "./catalog/prices.js";
import { parseParams } from "./settings.js";

const ESTIMATE_OPTIONS = {
  model: { type: "string" },
  gpu: { type: "string" },
  "gpu-count": { type: "string" },
  engine: { type: "string" },
  "engine-version": { type: "string" },
  "tensor-parallel-size": { type: "string" },
  tp: { type: "string" },
  "pipeline-parallel-size": { type: "string" },
  pp: { type: "string" },
  "data-parallel-size": { type: "string" },
  dp: { type: "string" },
  "enable-expert-parallel": { type: "boolean" },
  quantization: { type: "string" },
  dtype: { type: "string" },
  "kv-cache-dtype": { type: "string" },
  "max-model-len": { type: "string" },
  "gpu-memory-utilization": { type: "string" },
  "max-num-seqs": { type: "string" },
  "max-num-batched-tokens": { type: "string" },
  "cpu-offload-gb": { type: "string" },
  "kv-cache-memory-bytes": { type: "string" },
  "enforce-eager": { type: "boolean" },
  "min-concurrent-sequences": { type: "string" },
  concurrency: { type: "string" },
  "input-len": { type: "string" },
  "output-len": { type: "string" },
  "dense-equivalent-params": { type: "string" },
  config: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** A token count as files write it (`8192`, `32k` = 32,000, `32K` = 32,768): the same parser as the rules. */
function sizeFlag(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = parseValue("size", raw);
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
    throw new UsageError(`--${name} must be a whole number of tokens of at least 1 (8192, 32k, 32K${name === "max-model-len" ? ", or auto" : ""}), got "${raw}"`);
  }
  return value;
}

function integerFlag(name: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw.replace(/_/g, ""));
  if (!/^\s*\d[\d_]*\s*$/.test(raw) || !Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`--${name} must be a whole number${min > 0 ? ` of at least ${min}` : ""}, got "${raw}"`);
  }
  return value;
}

function numberFlag(name: string, raw: string | undefined, min: number, max: number, inclusiveMin = true): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  const belowMin = inclusiveMin ? value < min : value <= min;
  if (raw.trim() === "" || !Number.isFinite(value) || belowMin || value > max) {
    const range = inclusiveMin ? `from ${min} to ${max}` : `above ${min} and at most ${max}`;
    throw new UsageError(`--${name} must be a number ${range}, got "${raw}"`);
  }
  return value;
}

/** `A100-80GB:8` (SkyPilot style) → type and count; a cloud instance type when it is one. */
function gpuValues(catalog: Catalog, written: string): Pick<DeploymentValues, "gpuType" | "instanceType" | "gpuCount"> {
  const withCount = /^(.*?):(\d+)$/.exec(written.trim());
  const name = withCount ? withCount[1]! : written.trim();
  const count = withCount ? Number(withCount[2]) : undefined;
  const instance = catalog.resolveGpu(name) ? undefined : catalog.resolveInstance(name);
  // An instance type means all of its GPUs unless a count says otherwise.
  if (instance) return { instanceType: name, gpuCount: count ?? instance.gpuCount };
  return { gpuType: name, ...(count !== undefined ? { gpuCount: count } : {}) };
}

/** The portable options (vLLM's spelling), which every engine accepts. */
const PORTABLE = new Set(Object.keys(ESTIMATE_OPTIONS));

/** `--max-model-len -1` as vLLM reads it (the value, not an option): parseArgs would call it ambiguous. */
function withNegativeValuesJoined(argv: string[]): string[] {
  const joined: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const next = argv[index + 1];
    if (argv[index] === "--max-model-len" && next !== undefined && /^-\d/.test(next)) {
      joined.push(`--max-model-len=${next}`);
      index++;
    } else {
      joined.push(argv[index]!);
    }
  }
  return joined;
}

export async function runEstimate(argv: string[], io: CliIo, help: string): Promise<number> {
  argv = withNegativeValuesJoined(argv);
  // The engine decides what its short flags (`-c`, `-ngl`) mean, so it is read first.
  const writtenEngine = engineInArgv(argv);
  let engine: Engine | undefined;
  if (writtenEngine !== undefined) {
    engine = engineByName(writtenEngine);
    if (!engine) throw new UsageError(`--engine must be one of ${engineNameList()}, got "${writtenEngine}"`);
  }
  const { values } = parseArgs({
    args: engine ? expandShortFlags(argv, engine) : argv,
    options: { ...engineCliOptions(PORTABLE), ...ESTIMATE_OPTIONS },
    allowPositionals: false,
    strict: true,
  });
  if (values.help) {
    io.stdout.write(`${help}\n`);
    return 0;
  }
  if (!values.model) throw new UsageError("vram estimate needs --model (see vram --help)");
  if (!values.gpu) throw new UsageError("vram estimate needs --gpu (see vram --help)");
  // The settings and KV headroom option of the ESLint config in force here, so the CLI answers as the rules do.
  const cli = await cliSettingsFor(io, join(io.cwd, "vram-estimate.yaml"), values.config);
  const settings = readSettings(cli.settingsRaw, io.cwd);
  // A local model folder (vLLM accepts one too): its config.json, imported for this run.
  const local = localModel(values.model, io.cwd, settings.catalog);
  const catalog = local?.catalog ?? settings.catalog;
  // Without --engine, the CLI sizes what the rules assume where a file names none.
  const sizedEngine = engineById(engine ?? DEFAULT_ENGINE);
  const native = readEngineFlags(values, sizedEngine.id, PORTABLE);

  const tensorParallel = integerFlag("tensor-parallel-size", values["tensor-parallel-size"] ?? values.tp, 1);
  const pipelineParallel = integerFlag("pipeline-parallel-size", values["pipeline-parallel-size"] ?? values.pp, 1);
  const dataParallel = integerFlag("data-parallel-size", values["data-parallel-size"] ?? values.dp, 1);
  const gpu = gpuValues(catalog, values.gpu);
  // `--max-model-len auto` (or -1), as files write it: the largest context the KV cache holds.
  const autoContext = values["max-model-len"] !== undefined && isAutoContext(values["max-model-len"]);
  const gpuCount = integerFlag("gpu-count", values["gpu-count"], 1) ?? gpu.gpuCount;
  const deployment: DeploymentValues = {
    engine: sizedEngine.id,
    ...(values["engine-version"] !== undefined ? { engineVersion: values["engine-version"] } : {}),
    model: local?.model.id ?? values.model,
    ...gpu,
    ...(gpuCount !== undefined ? { gpuCount } : {}),
    tensorParallel: tensorParallel ?? native.tensorParallel ?? (gpuCount !== undefined && !sizedEngine.splitsLayers ? Math.max(1, Math.floor(gpuCount / ((pipelineParallel ?? native.pipelineParallel ?? 1) * (dataParallel ?? native.dataParallel ?? 1)))) : undefined),
    ...(pipelineParallel !== undefined ? { pipelineParallel } : {}),
    ...(dataParallel !== undefined ? { dataParallel } : {}),
    ...(values["enable-expert-parallel"] ? { expertParallel: true } : {}),
    ...(values.quantization !== undefined ? { quantization: values.quantization } : {}),
    ...(values.dtype !== undefined ? { dtype: values.dtype } : {}),
    ...(values["kv-cache-dtype"] !== undefined ? { kvCacheDtype: values["kv-cache-dtype"] } : {}),
    ...optional("maxModelLen", autoContext ? undefined : sizeFlag("max-model-len", values["max-model-len"])),
    ...optional("gpuMemoryUtilization", numberFlag("gpu-memory-utilization", values["gpu-memory-utilization"], 0, 1, false)),
    ...optional("maxNumSeqs", integerFlag("max-num-seqs", values["max-num-seqs"], 1)),
    ...optional("maxNumBatchedTokens", sizeFlag("max-num-batched-tokens", values["max-num-batched-tokens"])),
    ...optional("cpuOffloadGiB", numberFlag("cpu-offload-gb", values["cpu-offload-gb"], 0, 1e6)),
    ...optional("kvCacheMemoryBytes", sizeFlag("kv-cache-memory-bytes", values["kv-cache-memory-bytes"])),
    ...(values["enforce-eager"] ? { enforceEager: true } : {}),
  };
  if (tensorParallel !== undefined && native.tensorParallel !== undefined && tensorParallel !== native.tensorParallel) {
    throw new UsageError(`${nativeName("tensorParallel")} is given twice, with different values`);
  }
  for (const [field, value] of Object.entries(native) as Array<[keyof DeploymentValues, unknown]>) {
    if (field === "tensorParallel") continue;
    if (deployment[field] !== undefined && deployment[field] !== value) throw new UsageError(`${nativeName(field)} is given twice, with different values`);
    (deployment as Record<string, unknown>)[field] = value;
  }
  if (deployment.tensorParallel === undefined) delete deployment.tensorParallel;
  const minConcurrent = integerFlag("min-concurrent-sequences", values["min-concurrent-sequences"], 1) ?? cli.minConcurrentSequences ?? 1;

  const resolution = resolveDeployment(catalog, deployment, settings.defaults);
  if (!resolution.ok) {
    const unresolved = resolution.unresolved;
    // Someone typing a name wants the catalog's nearest spellings even when none is close.
    if (unresolved.reason === "unknown-model" && unresolved.closest.length === 0) unresolved.closest = catalog.closestModelNames(unresolved.written, 3, false);
    throw new UsageError(unresolvedMessage(unresolved));
  }
  const resolved = autoContext ? withAutoContext(resolution.resolved, values["max-model-len"]!.trim(), estimateMemory) : resolution.resolved;
  if (gpuCount !== undefined) {
    const used = resolved.request.tensorParallel * resolved.request.pipelineParallel * resolved.request.dataParallel;
    if (!sizedEngine.splitsLayers && used > gpuCount) {
      throw new UsageError(`TP × PP × DP = ${used} needs more GPUs than --gpu-count ${gpuCount}`);
    }
  }
  const estimate = estimateMemory(resolved.request);
  // In a file the rules report this as a refusal (the file says whether the variable is set); flags
  // ask "what if", so it is sized as if it were, and warned.
  const refusal = contextRefusal(resolved, deployment.maxModelLen, "the context", false);
  if (refusal) estimate.warnings.push(`${refusalText(refusal)}; sized as if it were`);
  const remedies = recommend(catalog, resolved.request, estimate, {
    minConcurrentSequences: minConcurrent,
    writtenModel: resolved.model.displayName,
    ...(resolved.instance ? { instance: resolved.instance } : {}),
  });
  // The checks the rules run besides memory: a layout or format the engine refuses fails as surely as memory.
  // A --quantization the model is not stored in asks "what if": it is sized as that format's
  // pre-quantized checkpoint (as remedies are), not refused.
  const checks = deploymentChecks(catalog, resolved, deployment, estimate).filter((check) => {
    if (check.rule !== "quantization-supported" || check.problem.kind !== "flag-mismatch") return true;
    resolved.assumptions.push(`a checkpoint stored as ${check.problem.flagFormat.label} (--quantization ${check.problem.flag}; ${resolved.model.displayName} itself is stored as ${check.problem.stored.label})`);
    return false;
  });
  const denseWritten = values["dense-equivalent-params"];
  const denseParams = denseWritten === undefined ? undefined : parseParams(denseWritten);
  if (denseWritten !== undefined && denseParams === undefined) throw new UsageError(`--dense-equivalent-params must be a parameter count such as 70B or 70e9, got "${denseWritten}"`);
  const settingsDense = settings.denseEquivalentParams.get(resolved.model.model.id);
  const concurrency = integerFlag("concurrency", values.concurrency, 1);
  const inputTokens = integerFlag("input-len", values["input-len"], 1);
  const outputTokens = integerFlag("output-len", values["output-len"], 1);
  const performance = performanceOf(catalog, resolved, estimate, {
    workload: { ...optionalNumber("concurrency", concurrency), ...optionalNumber("inputTokens", inputTokens), ...optionalNumber("outputTokens", outputTokens) },
    prices: settings.prices,
    ...(denseParams !== undefined
      ? { denseEquivalent: { params: denseParams, source: "--dense-equivalent-params" } }
      : settingsDense !== undefined
        ? { denseEquivalent: { params: settingsDense, source: "settings.vram.denseEquivalentParams" } }
        : {}),
  });
  if (values.json) io.stdout.write(`${JSON.stringify(estimateJson(catalog, resolved, estimate, remedies, checks, performance, priceBook(catalog, settings.prices)), null, 2)}\n`);
  else io.stdout.write(`${renderBreakdown(catalog, resolved, estimate, remedies, styleFor(io.stdout, io.env), minConcurrent, checks, performance)}\n`);
  return passes(estimate, checks, minConcurrent) ? 0 : 1;
}

/** A setting as the portable flags name it, for messages. */
function nativeName(field: keyof DeploymentValues): string {
  return field.replace(/[A-Z]/g, (letter) => ` ${letter.toLowerCase()}`);
}

/** `--model` as a local folder's config.json (see withLocalModel), usage errors for what cannot be read. */
function localModel(written: string, cwd: string, catalog: Catalog): ReturnType<typeof withLocalModel> {
  try {
    return withLocalModel(written, cwd, catalog);
  } catch (error) {
    if (error instanceof ConfigImportError) throw new UsageError(`--model ${written}: ${error.message}`);
    throw error;
  }
}

function optional<K extends keyof DeploymentValues>(key: K, value: DeploymentValues[K] | undefined): Partial<DeploymentValues> {
  return value === undefined ? {} : { [key]: value };
}

function optionalNumber<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}
