/**
 * How numbers and remedies read, in one place: the CLI, `vram explain` and the rule messages all
 * word them the same way. Units: GiB with one decimal, tokens with thousands separators.
 */
import type { Catalog } from "../catalog/catalog.js";
import type { Remedy } from "../sizing/recommend.js";
import { ENGINE_IDS, engineById } from "../engines/index.js";
import { concurrency, gib, gpuName, tokens, vendorDevice } from "./plain.js";
import type { Engine } from "../sizing/types.js";
import { keepsNoKvCache } from "../sizing/estimate.js";
import type { DeploymentCheck } from "../judge/checks.js";

export { concurrency, gib, gpuName, params, shortGpuName, tokens } from "./plain.js";


/** How each engine reads in a sentence (`vLLM`, `TensorRT-LLM`), from the registry. */
export const ENGINE_NAMES = Object.fromEntries(ENGINE_IDS.map((id) => [id, engineById(id).displayName])) as Record<Engine, string>;

/** How a stored format reads in a sentence: `bf16` for plain dtypes, the label (`AWQ 4-bit (group 128)`) otherwise. */
export function formatLabel(catalog: Catalog, formatId: string): string {
  const format = catalog.format(formatId);
  return format.kind === "float" && format.appliesTo === "all" && !format.id.startsWith("gguf") ? format.id : format.label;
}

/**
 * One line per remedy: the change, then the headroom it leaves, e.g.
 * "AWQ 4-bit weights (TheBloke/Mixtral-8x7B-Instruct-v0.1-AWQ) on 2 × NVIDIA A10G at TP 2: 129,136 KV tokens, 3.9 × 32,768-token sequences".
 */
export function describeRemedy(catalog: Catalog, remedy: Remedy): string {
  const { change, estimate, request } = remedy;
  const name = gpuName(request.gpu);
  const layout = (count: number) => {
    const parts = [`${count} × ${name}`];
    if (engineById(request.engine).splitsLayers) return parts[0]!;
    parts.push(`at TP ${request.tensorParallel}${request.pipelineParallel > 1 ? ` × PP ${request.pipelineParallel}` : ""}`);
    return parts.join(" ");
  };
  const where = change.instanceType ? ` (${change.instanceType})` : "";
  let what: string;
  switch (remedy.kind) {
    case "quantization": {
      const label = formatLabel(catalog, change.weightFormat!);
      const checkpoint = change.checkpoint ? ` (${change.checkpoint})` : change.needsCheckpoint ? " (needs a pre-quantized checkpoint)" : "";
      what = `${label} weights${checkpoint}`;
      if (change.tensorParallel !== undefined) what += ` on ${layout(change.gpuCount ?? estimate.gpuCount)}${where}`;
      break;
    }
    case "kv-cache-dtype":
      what = `FP8 KV cache (--kv-cache-dtype ${change.kvCacheDtype})`;
      break;
    case "max-model-len":
      what = `max_model_len ${tokens(change.maxModelLen!)}`;
      break;
    case "more-gpus":
      what = `${layout(change.gpuCount ?? estimate.gpuCount)}${where}`;
      break;
    case "larger-gpu":
      what = `${estimate.gpuCount} × ${name}${where}`;
      break;
  }
  return `${what}: ${headroom(remedy)}`;
}

/** A format's label without its fine print: `AWQ 4-bit (group 128)` → `AWQ 4-bit`, `FP8 with 128x128 block scales` → `FP8`. */
export function shortFormatLabel(catalog: Catalog, formatId: string): string {
  const label = formatLabel(catalog, formatId);
  const cut = [label.indexOf(" ("), label.indexOf(" with ")].filter((at) => at > 0);
  return cut.length > 0 ? label.slice(0, Math.min(...cut)) : label;
}

/**
 * A remedy in a few words, for the sentence a finding ends with ("Fits with …"): the change and the
 * layout, no headroom figures (those are in the suggestion's own text and in `vram explain`).
 */
export function briefRemedy(catalog: Catalog, remedy: Remedy): string {
  const { change, estimate, request } = remedy;
  const name = gpuName(request.gpu);
  const where = change.instanceType ? ` (${change.instanceType})` : "";
  const layout = (count: number) =>
    engineById(request.engine).splitsLayers ? `${count} × ${name}` : `${count} × ${name} at TP ${request.tensorParallel}${request.pipelineParallel > 1 ? ` × PP ${request.pipelineParallel}` : ""}`;
  switch (remedy.kind) {
    case "quantization": {
      const checkpoint = change.checkpoint ? ` (${change.checkpoint})` : change.needsCheckpoint ? " (a pre-quantized checkpoint)" : "";
      const on = change.tensorParallel !== undefined ? ` on ${layout(change.gpuCount ?? estimate.gpuCount)}${where}` : "";
      return `${shortFormatLabel(catalog, change.weightFormat!)} weights${checkpoint}${on}`;
    }
    case "kv-cache-dtype":
      return `an FP8 KV cache (--kv-cache-dtype ${change.kvCacheDtype})`;
    case "max-model-len":
      return `max_model_len ${tokens(change.maxModelLen!)}`;
    case "more-gpus":
      return `${layout(change.gpuCount ?? estimate.gpuCount)}${where}`;
    case "larger-gpu":
      return `${estimate.gpuCount} × ${name}${where}`;
  }
}

/** "129,136 KV tokens, 3.9 × 32,768-token sequences". */
export function headroom(remedy: Pick<Remedy, "estimate">): string {
  const { estimate } = remedy;
  if (keepsNoKvCache(estimate)) return `${gib(estimate.perGpu.kvCacheBytes)} GiB per GPU left for batches`;
  return `${tokens(estimate.kvCapacityTokens)} KV tokens, ${concurrency(estimate.maxConcurrency)} × ${tokens(estimate.maxModelLen)}-token sequences`;
}

/** A decode rate as messages print it: whole tokens/s from 10 up, one decimal below. */
export function tokenRate(tokensPerSecond: number): string {
  return tokensPerSecond >= 10 ? tokensPerSecond.toFixed(0) : tokensPerSecond.toFixed(1);
}

/** One sentence per check, for `vram estimate` and `vram explain` (the rules word theirs at the value). */
export function describeCheck(check: DeploymentCheck, modelName: string): string {
  if ("offload" in check) {
    const { offload } = check;
    const read = offload.path === "pcie" ? "over the host link" : "from system memory by the CPU";
    const onGpu = offload.onGpuTokensPerSecond !== undefined ? ` (about ${tokenRate(offload.onGpuTokensPerSecond)} with every weight on the GPUs)` : "";
    return `${offload.model === "moe" ? "experts" : "layers"} offloaded: ${gib(offload.offloadedBytesPerGpu)} GiB of weights per GPU stay in CPU memory; each token reads ${gib(offload.touchedBytesPerToken)} GiB of them ${read} at about ${offload.bandwidthGBps.toFixed(0)} GB/s, so one sequence decodes ${offload.estimated ? "at about" : "at most"} ${tokenRate(offload.offloadedTokensPerSecond)} tokens/s${onGpu} (vram/${check.rule})`;
  }
  const problem = check.problem;
  let text: string;
  switch (problem.kind) {
    case "ranks-exceed-gpus":
      text = `the engine starts ${problem.ranks} ranks but ${problem.gpus} GPU${problem.gpus === 1 ? " is" : "s are"} requested, so it fails to start`;
      break;
    case "heads-not-divisible":
      text = `tensor parallel ${problem.tensorParallel} does not divide ${modelName}'s ${problem.heads} attention heads, so the engine refuses to start; sizes that do: ${problem.valid.join(", ")}`;
      break;
    case "kv-heads-not-divisible":
      text = `tensor parallel ${problem.tensorParallel} and ${modelName}'s ${problem.kvHeads} KV heads do not divide each other, so the engine refuses to start; sizes that work: ${problem.valid.join(", ")}`;
      break;
    case "exceeds-node":
      text = `one pod requests ${problem.gpusPerPod} GPUs, more than one node holds (${problem.nodeGpus}${problem.instance ? ` on ${problem.instance}` : ""}), so it never schedules`;
      break;
    case "idle-gpus":
      text = `${problem.gpus - problem.ranks} of ${problem.gpus} GPUs stay idle (the engine starts ${problem.ranks} rank${problem.ranks === 1 ? "" : "s"})${problem.suggestedTensorParallel ? `; tensor parallel ${problem.suggestedTensorParallel} uses them all` : ""}`;
      break;
    case "tiles-not-divisible":
      text = `tensor parallel ${problem.tensorParallel} splits ${modelName}'s ${problem.dimension.size}-wide ${problem.dimension.what} into ${problem.dimension.size / problem.tensorParallel}-wide shards, not whole ${problem.dimension.tile}-wide tiles of ${problem.format.label}, so the engine refuses to load it; sizes that work: ${problem.valid.join(", ")}`;
      break;
    case "kv-replicated":
      text = `tensor parallel ${problem.tensorParallel} exceeds the ${problem.kvHeads} KV heads, so each rank keeps a whole KV head and the cache is replicated`;
      break;
    case "below-minimum":
      text = `${problem.format.label} needs compute capability ${problem.minimum.toFixed(1)}; ${gpuName(problem.gpu)} is ${problem.gpu.computeCapability?.toFixed(1)}, so these weights cannot load`;
      break;
    case "bf16-unsupported":
      text = `bfloat16 needs compute capability 8.0; ${gpuName(problem.gpu)} is ${problem.gpu.computeCapability?.toFixed(1)} (float16 takes the same memory and runs there)`;
      break;
    case "fp8-kv-unsupported":
      text = `an FP8 KV cache (${problem.kvCacheDtype}) needs compute capability 8.0; ${gpuName(problem.gpu)} is ${problem.gpu.computeCapability?.toFixed(1)}`;
      break;
    case "capability-unsupported":
      text = `${problem.engine} needs compute capability ${problem.minimum.toFixed(1)} or higher; ${gpuName(problem.gpu)} is ${problem.gpu.computeCapability?.toFixed(1)}, so it cannot run there`;
      break;
    case "vendor-unsupported":
      text = `${problem.engine} does not run on ${vendorDevice(problem.gpu.vendor)}s; ${gpuName(problem.gpu)} cannot run it`;
      break;
    case "flag-mismatch":
      text = `--quantization ${problem.flag} expects a checkpoint stored as ${problem.flagFormat.label}, but ${modelName} is stored as ${problem.stored.label}, so the engine refuses to load it`;
      break;
  }
  return `${text} (vram/${check.rule})`;
}

export { printable } from "../text.js";
