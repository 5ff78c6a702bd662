/**
 * Resolution: what a deployment states (names and flags as written) → a sizing request against the
 * catalog. Shared by the `vram` CLI and the ESLint rules so both judge the same way.
 */
import { type Catalog, type GpuResolution, type ModelResolution } from "./catalog/catalog.js";
import type { GpuEntry, InstanceEntry, QuantizationFormat } from "./catalog/types.js";
import { dataParallelLayout, DEFAULT_ENGINE, engineById, type EngineProfile, GPU_VENDORS } from "./engines/index.js";
import { deviceNoun } from "./report/plain.js";
import { MOVING_TAG, parseRelease } from "./engines/versions.js";
import { GIB } from "./sizing/runtime.js";
import type { Engine, MemoryEstimate, SizingRequest } from "./sizing/types.js";
import { lookup } from "./lookup.js";
import { shortGpuName, tokens } from "./report/plain.js";

/** A deployment's settings as plain values; absent means "not stated". */
export interface DeploymentValues {
  /** The serving engine, when the image or command names it. */
  engine?: Engine;
  /** The engine's release, when the file says it (the image tag `vllm/vllm-openai:v0.10.1`). */
  engineVersion?: string;
  model?: string;
  quantization?: string;
  dtype?: string;
  kvCacheDtype?: string;
  /** The value cache's element type when it differs from the key cache's (llama.cpp `-ctv`). */
  kvCacheValueDtype?: string;
  /** A GPU name or label value (`A10G`, `nvidia-l4`, `NVIDIA-A100-SXM4-80GB`). */
  gpuType?: string;
  /** Memory per GPU in MiB from a `nvidia.com/gpu.memory`-style label, to tell GPU variants apart. */
  gpuMemoryMiB?: number;
  /** A cloud instance type (`g5.12xlarge`, `ml.p4d.24xlarge`, `Standard_ND96asr_v4`). */
  instanceType?: string;
  /** GPUs per pod/node. */
  gpuCount?: number;
  /** Pods/nodes that together run one model replica (multi-node). */
  nodes?: number;
  /**
   * The GPU count is a setting's, not a pod's (an app config's `gpus: 16`, which a chart may spread
   * over nodes): more GPUs than one node holds is not, as written, a pod that never schedules.
   */
  gpusMaySpanNodes?: boolean;
  tensorParallel?: number;
  pipelineParallel?: number;
  dataParallel?: number;
  expertParallel?: boolean;
  maxModelLen?: number;
  maxNumSeqs?: number;
  maxNumBatchedTokens?: number;
  /** TGI `--max-input-tokens` / `MAX_INPUT_TOKENS` (the longest prompt; before 3.0 it sets the warm-up prefill). */
  maxInputTokens?: number;
  gpuMemoryUtilization?: number;
  /** vLLM `--kv-cache-memory-bytes`: the KV cache's size per GPU, set outright. */
  kvCacheMemoryBytes?: number;
  /**
   * vLLM's `VLLM_CPU_KVCACHE_SPACE`, in bytes: the KV cache of its CPU build only (vllm/platforms/cpu.py
   * reads it, over `--kv-cache-memory-bytes`); a GPU deployment ignores it, and so does its sizing.
   */
  cpuKvCacheBytes?: number;
  cpuOffloadGiB?: number;
  enforceEager?: boolean;
  gpuLayers?: number;
  cpuMoeLayers?: number;
  /** llama.cpp `-fa`, Ollama `OLLAMA_FLASH_ATTENTION`. */
  flashAttention?: boolean;
  /** The engine's execution backend when it has several (LMDeploy `--backend pytorch`, TensorRT-LLM `--backend`). */
  backend?: string;
  /** Attention data parallelism (TensorRT-LLM `enable_attention_dp`, SGLang `--enable-dp-attention`): each rank attends over its own requests with every KV head. */
  attentionDataParallel?: boolean;
}

/**
 * Who settles the parallel layout when the file leaves it out. `tensor-from-gpus`: the platform runs
 * tensor parallel over every GPU of a node (KAITO, NIM without a pinned profile).
 * `gpus-from-tensor`: the platform allocates TP × PP × DP GPUs itself (Ray Serve LLM placement
 * groups, llm-d's modelservice chart), so the parallel sizes are what a fix changes.
 */
export type LayoutOwner = "tensor-from-gpus" | "gpus-from-tensor";

export interface ResolveDefaults {
  engine?: Engine;
  /** GPU to assume when a deployment names none. */
  gpu?: string;
  gpuMemoryUtilization?: number;
  /** Engine releases to assume where a file names none (`settings.vram.engineVersions`). */
  engineVersions?: Partial<Record<Engine, string>>;
}

export interface ResolvedDeployment {
  request: SizingRequest;
  model: ModelResolution;
  gpu: GpuResolution;
  instance?: InstanceEntry;
  /** GPUs the deployment requests for one replica (pods × GPUs per pod). */
  requestedGpus: number;
  /**
   * Where the GPU type came from: named, implied by the instance type, `settings.vram.defaults.gpu`,
   * or one GPU of the range the deployment could land on when it names none (see `judge/gpu-range.ts`).
   */
  gpuSource: "gpu" | "instance" | "default" | "range";
  /** Assumptions the resolution made (defaults, ambiguous names), to repeat in messages. */
  assumptions: string[];
}

export type Unresolved =
  | { reason: "no-model" | "no-gpu" }
  | { reason: "unknown-model"; written: string; closest: string[] }
  | { reason: "unknown-gpu"; written: string; closest: string[] }
  | { reason: "unknown-instance"; written: string }
  | { reason: "unknown-quantization"; written: string; closest: string[] }
  | { reason: "unknown-kv-cache-dtype"; written: string };

export type Resolution = { ok: true; resolved: ResolvedDeployment } | { ok: false; unresolved: Unresolved };

/** Flags that name a kernel or config source rather than a storage format: the checkpoint decides. */
const CHECKPOINT_DEFINED = new Set(["compressed-tensors", "gguf", "none", "auto"]);

/** Flags that quantize a 16-bit checkpoint while loading (vLLM's experts_int8), so no stored format is expected. */
const QUANTIZED_WHILE_LOADING = new Set(["experts_int8"]);

/**
 * A quantization flag's value in the engine's own vocabulary, mapped to the catalog's where they
 * differ (TGI `bitsandbytes` is LLM.int8, vLLM's is NF4; LMDeploy `--model-format hf` is no quantization).
 */
function flagValue(engine: Engine, written: string): string {
  const value = written.trim().toLowerCase();
  return lookup(engineById(engine).quantizationFlags, value) ?? value;
}

/**
 * The storage format a `--quantization` / `QUANTIZE` value names in an engine, or undefined when it
 * names none: the checkpoint decides (`compressed-tensors`, `auto`), or the catalog has no such format.
 */
export function flagFormat(catalog: Catalog, engine: Engine, written: string): QuantizationFormat | undefined {
  const value = flagValue(engine, written);
  if (CHECKPOINT_DEFINED.has(value)) return undefined;
  return catalog.resolveFormat(value);
}

/** Whether a `--quantization` value expects the checkpoint to be stored in its format. */
export function flagNamesStoredFormat(engine: Engine, written: string): boolean {
  const value = written.trim().toLowerCase();
  return !CHECKPOINT_DEFINED.has(flagValue(engine, written)) && !QUANTIZED_WHILE_LOADING.has(value);
}

function weightFormat(
  catalog: Catalog,
  values: DeploymentValues,
  engine: Engine,
  model: ModelResolution,
): QuantizationFormat | { unknown: string } {
  const written = values.quantization?.trim().toLowerCase();
  if (model.unknownFormat && !written) return { unknown: model.unknownFormat };
  const stored = model.format ?? catalog.format(model.model.nativeFormat);
  if (written && !CHECKPOINT_DEFINED.has(flagValue(engine, written))) {
    const format = flagFormat(catalog, engine, written);
    if (!format) return { unknown: values.quantization! };
    // vLLM's `fp8` loads block-scaled FP8 checkpoints as they are.
    if (format.id === "fp8" && stored.id === "fp8-block") return stored;
    if (format.kind !== "float") return format;
    return floatFormat(catalog, format.id, stored);
  }
  const dtype = values.dtype?.trim().toLowerCase();
  if (dtype && dtype !== "auto") {
    const format = catalog.resolveFormat(dtype);
    if (!format) return { unknown: values.dtype! };
    return floatFormat(catalog, format.id, stored);
  }
  return stored;
}

/** A dtype only changes unquantized weights; fp32 checkpoints load at 16 bits under `auto` (vLLM `_get_and_verify_dtype`). */
function floatFormat(catalog: Catalog, dtypeId: string, stored: QuantizationFormat): QuantizationFormat {
  if (stored.kind !== "float") return stored;
  return catalog.format(dtypeId);
}

function autoFormat(catalog: Catalog, format: QuantizationFormat): QuantizationFormat {
  return format.id === "fp32" ? catalog.format("bf16") : format;
}

/**
 * Longest name looked up in the catalog. A Hugging Face repository id is at most 96 characters per
 * part (huggingface_hub `validate_repo_id`); with a URI scheme, a revision or a GGUF file name a real
 * reference stays far below this. A longer one is no catalog name, so it is not matched character
 * by character against every entry.
 */
export const MAX_NAME_CHARS = 512;

/**
 * `rangeGpu`: the GPU to judge on when the deployment names none (and no default does): one GPU of
 * the range it could be scheduled on.
 */
export function resolveDeployment(
  catalog: Catalog,
  values: DeploymentValues,
  defaults: ResolveDefaults = {},
  layoutOwner?: LayoutOwner,
  rangeGpu?: GpuEntry,
  /** The type to size a GGUF file of no type, or of one sized only within bounds, at (analysis.ts judges it at the bounds). */
  ggufFormat?: QuantizationFormat,
): Resolution {
  if (!values.model) return { ok: false, unresolved: { reason: "no-model" } };
  if (values.model.length > MAX_NAME_CHARS) return { ok: false, unresolved: { reason: "unknown-model", written: values.model, closest: [] } };
  if ((values.gpuType?.length ?? 0) > MAX_NAME_CHARS) return { ok: false, unresolved: { reason: "unknown-gpu", written: values.gpuType!, closest: [] } };
  if ((values.instanceType?.length ?? 0) > MAX_NAME_CHARS && !values.gpuType) return { ok: false, unresolved: { reason: "unknown-instance", written: values.instanceType! } };
  const named = catalog.resolveModel(values.model);
  if (!named) return { ok: false, unresolved: { reason: "unknown-model", written: values.model, closest: catalog.closestModelNames(values.model) } };
  const model: ModelResolution = ggufFormat && named.unknownFormat !== undefined ? { ...named, format: ggufFormat, unknownFormat: undefined } : named;

  // A fine-tune resolved by its family and size says so in every finding.
  const assumptions: string[] = model.assumption ? [model.assumption] : [];
  let instance: InstanceEntry | undefined;
  if (values.instanceType) {
    instance = catalog.resolveInstance(values.instanceType);
    if (!instance && !values.gpuType) return { ok: false, unresolved: { reason: "unknown-instance", written: values.instanceType } };
  }

  let gpu: GpuResolution | undefined;
  let gpuSource: ResolvedDeployment["gpuSource"] = "gpu";
  if (values.gpuType) {
    gpu = catalog.resolveGpu(values.gpuType);
    if (gpu?.via === "ambiguous" && values.gpuMemoryMiB !== undefined) {
      // A memory label (`nvidia.com/gpu.memory`, Karpenter's instance-gpu-memory) settles `A100` 40 vs 80 GB.
      const memoryMiB = values.gpuMemoryMiB;
      const byMemory = [gpu.gpu, ...(gpu.alternatives ?? [])].find(
        (candidate) => Math.abs(candidate.memoryBytes / 2 ** 20 - memoryMiB) / memoryMiB < 0.06,
      );
      if (byMemory) gpu = { gpu: byMemory, via: "name" };
    }
    if (!gpu) return { ok: false, unresolved: { reason: "unknown-gpu", written: values.gpuType, closest: catalog.closestGpuNames(values.gpuType) } };
  } else if (instance) {
    const instanceGpu = catalog.gpu(instance.gpu);
    if (instanceGpu) gpu = { gpu: instanceGpu, via: "name" };
    gpuSource = "instance";
  } else if (defaults.gpu) {
    gpu = catalog.resolveGpu(defaults.gpu);
    gpuSource = "default";
    if (gpu) assumptions.push(`the ${gpu.gpu.name} of settings.vram.defaults.gpu, as no GPU type is named`);
  } else if (rangeGpu) {
    gpu = { gpu: rangeGpu, via: "name" };
    gpuSource = "range";
  }
  if (!gpu) return { ok: false, unresolved: { reason: "no-gpu" } };
  // The engines' memory figures were measured on GPUs; a TPU or Neuron build's own buffers differ by what nobody here measured.
  if (!GPU_VENDORS.includes(gpu.gpu.vendor)) assumptions.push(`${deviceNoun(gpu.gpu.vendor)} memory is sized with the engine's GPU figures (weights, KV cache, activations), not measured on ${deviceNoun(gpu.gpu.vendor)}s`);
  if (gpu.via === "ambiguous") {
    // The catalog's reason says which naming schemes make the name ambiguous; messages need the gist.
    const others = (gpu.alternatives ?? []).map(shortGpuName).join(" or ");
    assumptions.push(`"${values.gpuType ?? defaults.gpu}" is the ${shortGpuName(gpu.gpu)}, the smallest it names (also the ${others})`);
  }

  const engine: Engine = values.engine ?? defaults.engine ?? DEFAULT_ENGINE;
  const format = weightFormat(catalog, values, engine, model);
  if ("unknown" in format) return { ok: false, unresolved: { reason: "unknown-quantization", written: format.unknown, closest: catalog.closestFormatNames(format.unknown) } };

  // A platform that reserves TP × PP × DP GPUs per replica (Ray Serve LLM placement groups) on an
  // instance type places each replica on that many of the instance's GPUs (the others hold more
  // replicas), or packs it over whole instances when it needs more (Ray's PACK strategy spans nodes).
  const replicaGpus = (values.tensorParallel ?? 1) * (values.pipelineParallel ?? 1) * (values.dataParallel ?? 1);
  let perNode = values.gpuCount ?? instance?.gpuCount;
  let nodes = values.nodes ?? 1;
  if (layoutOwner === "gpus-from-tensor" && values.gpuCount === undefined && values.nodes === undefined && instance) {
    if (replicaGpus <= instance.gpuCount) perNode = replicaGpus;
    else if (replicaGpus % instance.gpuCount === 0) {
      nodes = replicaGpus / instance.gpuCount;
      assumptions.push(`each replica spans ${nodes} ${values.instanceType} instances, as its placement group packs ${replicaGpus} GPUs`);
    }
  }
  const statedGpus = perNode !== undefined ? perNode * nodes : undefined;

  let tensorParallel = values.tensorParallel;
  let pipelineParallel = values.pipelineParallel ?? 1;
  const writtenDataParallel = values.dataParallel ?? 1;
  let dataParallel = writtenDataParallel;
  const profile = engineById(engine);
  // An engine that spreads over every GPU it sees, where the file states no count: judged on one.
  const spreadsOverGpus = profile.splitsLayers || (tensorParallel === undefined && (profile.shardsOverAllGpus || layoutOwner === "tensor-from-gpus"));
  if (spreadsOverGpus && statedGpus === undefined) assumptions.push("1 GPU, as the file states no GPU count");
  if (profile.splitsLayers) {
    // Layer split across every visible GPU (llama.cpp --split-mode layer, Ollama's scheduler).
    tensorParallel = 1;
    pipelineParallel = statedGpus ?? 1;
  } else if (tensorParallel === undefined) {
    if (profile.shardsOverAllGpus) tensorParallel = statedGpus ?? 1; // TGI's NUM_SHARD defaults to every visible GPU
    else if (layoutOwner === "tensor-from-gpus") tensorParallel = Math.max(1, Math.floor((statedGpus ?? 1) / (pipelineParallel * dataParallel)));
    else if (values.engine === undefined && statedGpus !== undefined && statedGpus > 1) {
      // An app config that names GPUs but no engine command: assume they serve one replica together.
      tensorParallel = Math.max(1, Math.floor(statedGpus / (pipelineParallel * dataParallel)));
      assumptions.push(`tensor parallel ${tensorParallel} over all ${statedGpus} GPUs, as no size is set`);
    } else tensorParallel = 1;
  }

  const { replicas, attentionGroups } = dataParallelLayout(engine, { tensorParallel, dataParallel: writtenDataParallel, attentionDataParallel: values.attentionDataParallel ?? false });
  dataParallel = replicas;

  const engineVersion = values.engineVersion ?? defaults.engineVersions?.[engine];
  if (engineVersion !== undefined && !MOVING_TAG.test(engineVersion.trim()) && parseRelease(engineVersion, profile.versionNumbering) === undefined) {
    assumptions.push(`"${engineVersion}" names no ${profile.displayName} release, so the current one is assumed`);
  }

  const gpuLayers = values.gpuLayers === undefined ? undefined : writtenGpuLayers(profile, values.gpuLayers, engineVersion);
  const activationBytes: 2 | 4 = values.dtype && /^(float32|fp32|float)$/i.test(values.dtype.trim()) ? 4 : 2;
  const resolvedFormat = activationBytes === 2 ? autoFormat(catalog, format) : format;

  const request: SizingRequest = {
    engine,
    model: model.model,
    weightFormat: resolvedFormat,
    activationBytes,
    gpu: gpu.gpu,
    tensorParallel,
    pipelineParallel,
    dataParallel,
    expertParallel: values.expertParallel ?? false,
    ...(engineVersion !== undefined ? { engineVersion } : {}),
    ...(values.kvCacheDtype !== undefined ? { kvCacheDtype: values.kvCacheDtype } : {}),
    ...(values.kvCacheValueDtype !== undefined ? { kvCacheValueDtype: values.kvCacheValueDtype } : {}),
    ...(values.maxModelLen !== undefined ? { maxModelLen: values.maxModelLen } : {}),
    ...(values.maxNumSeqs !== undefined ? { maxNumSeqs: values.maxNumSeqs } : {}),
    ...(values.maxNumBatchedTokens !== undefined ? { maxNumBatchedTokens: values.maxNumBatchedTokens } : {}),
    ...(values.maxInputTokens !== undefined ? { maxInputTokens: values.maxInputTokens } : {}),
    ...((values.gpuMemoryUtilization ?? defaults.gpuMemoryUtilization) !== undefined
      ? { gpuMemoryUtilization: values.gpuMemoryUtilization ?? defaults.gpuMemoryUtilization }
      : {}),
    ...(values.cpuOffloadGiB !== undefined ? { cpuOffloadBytes: values.cpuOffloadGiB * GIB } : {}),
    ...(values.kvCacheMemoryBytes !== undefined ? { kvCacheMemoryBytes: values.kvCacheMemoryBytes } : {}),
    ...(values.enforceEager !== undefined ? { enforceEager: values.enforceEager } : {}),
    ...(gpuLayers !== undefined ? { gpuLayers } : {}),
    ...(values.cpuMoeLayers !== undefined ? { cpuMoeLayers: values.cpuMoeLayers } : {}),
    ...(values.flashAttention !== undefined ? { flashAttention: values.flashAttention } : {}),
    ...(values.backend !== undefined ? { backend: values.backend } : {}),
    ...(attentionGroups !== undefined ? { attentionDataParallel: attentionGroups } : {}),
  };
  return {
    ok: true,
    resolved: {
      request,
      model,
      gpu,
      ...(instance ? { instance } : {}),
      requestedGpus: statedGpus ?? tensorParallel * pipelineParallel * dataParallel,
      gpuSource,
      assumptions,
    },
  };
}

/** One line saying why a deployment could not be resolved against the catalog. */
function closestNote(closest: string[]): string {
  return closest.length > 0 ? `; closest catalog names: ${closest.join(", ")}` : "";
}

export function unresolvedMessage(unresolved: Unresolved): string {
  switch (unresolved.reason) {
    case "no-model":
      return "no model is named";
    case "no-gpu":
      return "no GPU type is named (settings.vram.defaults.gpu can assume one)";
    case "unknown-model":
      return `unknown model "${unresolved.written}"${closestNote(unresolved.closest)}`;
    case "unknown-gpu":
      return `unknown GPU "${unresolved.written}"${closestNote(unresolved.closest)}`;
    case "unknown-instance":
      return `unknown instance type "${unresolved.written}"`;
    case "unknown-quantization":
      return `unknown quantization or dtype "${unresolved.written}"${unresolved.closest.length > 0 ? `; closest known formats: ${unresolved.closest.join(", ")}` : ""}`;
    case "unknown-kv-cache-dtype":
      return `unknown KV cache dtype "${unresolved.written}"`;
  }
}

/**
 * `--max-model-len auto`: the engine takes the largest context its KV cache holds (at most the
 * model's), so the request is judged at that context — and fails only when no context fits.
 */
export function withAutoContext(resolved: ResolvedDeployment, raw: string, estimate: (request: SizingRequest) => MemoryEstimate): ResolvedDeployment {
  if (resolved.request.maxModelLen !== undefined) return resolved;
  const zero = raw === "0" ? engineById(resolved.request.engine).zeroContext?.(resolved.request) : undefined;
  if (zero === "model") {
    const context = resolved.request.model.maxPositionEmbeddings;
    const assumption = `${engineById(resolved.request.engine).displayName}'s context 0 is the model's own: ${tokens(context)} tokens`;
    return { ...resolved, request: { ...resolved.request, maxModelLen: context }, assumptions: [...resolved.assumptions, assumption] };
  }
  const largest = estimate(resolved.request).largestFittingMaxModelLen;
  if (largest === null) return resolved;
  const context = Math.min(largest, resolved.request.model.maxPositionEmbeddings);
  return {
    ...resolved,
    request: { ...resolved.request, maxModelLen: context },
    assumptions: [
      ...resolved.assumptions,
      zero ? `${engineById(resolved.request.engine).displayName}'s context 0 is the model's own, which it shrinks to what fits: ${tokens(context)} tokens here` : `--max-model-len ${raw} lets the engine fit the context: ${tokens(context)} tokens here`,
    ],
  };
}

/** The layers a written GPU layer count puts on the GPU in this engine release; undefined: left to the engine (`-ngl -1`). */
function writtenGpuLayers(profile: EngineProfile, written: number, engineVersion: string | undefined): number | undefined {
  if (profile.gpuLayersOf) return profile.gpuLayersOf(written, engineVersion);
  return written >= 0 ? written : undefined;
}
