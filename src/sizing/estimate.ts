/**
 * The memory estimator: from a resolved deployment to per-GPU weights, activations, overhead and KV
 * cache, with the verdict an engine would reach at start-up. Pure functions; no ESLint, no I/O.
 *
 * vLLM semantics first (facts/estimator.md §1 and §7): budget = utilisation × GPU memory; weights,
 * the profiling-pass activation peak and runtime buffers come out of it; the rest is KV cache, which
 * must hold one `max_model_len` sequence or the engine refuses to start. Each engine draws its budget
 * its own way (`EngineProfile.budget` in src/engines).
 */
import type { ModelEntry, QuantizationFormat } from "../catalog/types.js";
import { activationPeakBytes, gibText, kvCacheElementBytes, kvHeadsPerTpRank, mlaLatentBytesPerToken, sparseIndexerBytesPerToken } from "./runtime.js";
import { type EngineBudget, engineById } from "../engines/index.js";
import { type LayerParams, layerRange, type ModelShape, modelShape, paddedVocab, pipelineStages } from "./model-shape.js";
import type { MemoryEstimate, SizingRequest, Verdict } from "./types.js";
// Not toLocaleString: Intl's first use costs ~20 ms of ICU start-up in a cold `vram estimate`.
import { tokens } from "../report/plain.js";

/** A request the estimator cannot size (TP 0, utilisation 1.5…); the message is meant for the user. */
export class SizingInputError extends Error {
  override name = "SizingInputError";
}

const shapes = new WeakMap<ModelEntry, ModelShape>();

/** The model's parameter layout, derived once per catalog entry. */
export function shapeOf(model: ModelEntry): ModelShape {
  let shape = shapes.get(model);
  if (!shape) {
    shape = modelShape(model);
    shapes.set(model, shape);
  }
  return shape;
}

export type ParamGroup = "linear" | "experts" | "plain";

/** Bytes per parameter of a group under a stored format; what the format does not cover stays 16-bit (or fp32). */
export function bytesPerParam(format: QuantizationFormat, group: ParamGroup, activationBytes: number): number {
  const quantized = format.bitsPerWeight / 8;
  switch (format.appliesTo) {
    case "all":
      // GGUF MXFP4_MOE: the experts in MXFP4, every other tensor in Q8_0; GGUF Q4_K_L: Q8_0 embeddings and output.
      if (group === "experts" && format.expertBitsPerWeight !== undefined) return format.expertBitsPerWeight / 8;
      if (group === "plain" && format.plainBitsPerWeight !== undefined) return format.plainBitsPerWeight / 8;
      return quantized;
    case "linear":
      if (group === "experts" && format.expertBitsPerWeight !== undefined) return format.expertBitsPerWeight / 8;
      return group === "plain" ? activationBytes : quantized;
    case "experts":
      return group === "experts" ? quantized : activationBytes;
  }
}

interface Sharding {
  tensorParallel: number;
  /** Ranks attention is split over: TP, or 1 with attention data parallelism (each rank holds all of it). */
  attentionTensorParallel: number;
  /** Ranks the routed experts are spread over (TP, or TP × DP with expert parallelism). */
  expertRanks: number;
  /** Fraction of each K/V projection a rank holds (1/TP, or 1/KV-heads when replicated). */
  kvShare: number;
}

/**
 * How much an engine's MoE kernels enlarge the stored expert weights (`EngineProfile.expertPadding`);
 * engines without their own rule pad MXFP4 experts as vLLM's Marlin path does — the hidden size to
 * a multiple of 256 and each rank's expert width to a multiple of 128
 * (vllm/model_executor/layers/quantization/mxfp4.py; gpt-oss: 2880 → 3072, and 720 → 768 per rank
 * at TP 4). Calibrated: gpt-oss-120b logs 65.97 GiB of weights on one H100 on Marlin and 17.2 GiB
 * per A100 at TP 4, against 60.4 and 15.1 GiB unpadded.
 */
function expertPadding(request: SizingRequest, expertRanks: number): number {
  const own = engineById(request.engine).expertPadding?.(request, expertRanks);
  if (own !== undefined) return own;
  const { model, weightFormat: format } = request;
  if (format.id !== "mxfp4" || !model.moe) return 1;
  const hidden = model.hiddenSize;
  const width = model.moe.expertIntermediateSize / expertRanks;
  return ((Math.ceil(hidden / 256) * 256) / hidden) * ((Math.ceil(width / 128) * 128) / width);
}

function layerBytes(layer: LayerParams, format: QuantizationFormat, b: number, sharding: Sharding, padding = 1): number {
  const linear = bytesPerParam(format, "linear", b);
  const experts = bytesPerParam(format, "experts", b) * padding;
  const plain = bytesPerParam(format, "plain", b);
  const tp = sharding.tensorParallel;
  return (
    (layer.attentionSplit / sharding.attentionTensorParallel + (layer.recurrentMixer + layer.denseMlp + layer.sharedExperts) / tp) * linear +
    layer.attentionKv * sharding.kvShare * linear +
    layer.attentionReplicated * linear +
    (layer.routedExperts / sharding.expertRanks) * experts +
    (layer.router + layer.norms) * plain
  );
}

interface StageWeights {
  bytes: number;
  /** Of `bytes`, the decoder layers (what llama.cpp's `-ngl` counts) and the LM head with the final norm. */
  layers: number;
  head: number;
}

function stageWeightBytes(
  model: ModelEntry,
  shape: ModelShape,
  format: QuantizationFormat,
  b: number,
  sharding: Sharding,
  stage: { start: number; end: number },
  first: boolean,
  last: boolean,
  padding = 1,
): StageWeights {
  // Bytes are linear in the parameter counts, so the stage's summed layers give the same total.
  let layers = layerBytes(layerRange(shape, stage.start, stage.end), format, b, sharding, padding);
  const plain = bytesPerParam(format, "plain", b);
  if (model.attention.kind === "mla") {
    // Absorbed MLA keeps 16-bit copies of kv_b_proj's key and value halves (W_UK_T, W_UV) on every
    // rank for its share of heads (vllm/attention/backends/mla/common.py process_weights_after_loading).
    const { kvLoraRank, qkNopeHeadDim, vHeadDim } = model.attention;
    layers += (stage.end - stage.start) * kvLoraRank * (model.attentionHeads / sharding.tensorParallel) * (qkNopeHeadDim + vHeadDim) * b;
  }
  const vocabRowsPerRank = paddedVocab(model.vocabSize) / sharding.tensorParallel;
  const embedding = first ? vocabRowsPerRank * model.hiddenSize * plain + (shape.vision / sharding.tensorParallel) * b : 0;
  // The LM head is its own matrix unless tied; a tied head on a later pipeline stage still needs a copy.
  const lastNeedsHead = !model.tieWordEmbeddings || !first;
  let head = 0;
  if (last && lastNeedsHead) head = vocabRowsPerRank * model.hiddenSize * plain + shape.finalNorm * plain;
  else if (last) head = shape.finalNorm * plain;
  // Multi-token-prediction layers a checkpoint keeps sit after the last layer, split as its linears are.
  if (last) head += (shape.mtp / sharding.tensorParallel) * bytesPerParam(format, "linear", b);
  return { bytes: layers + embedding + head, layers, head };
}

/** KV layout of the layers one pipeline stage holds, on one TP rank. */
interface StageKv {
  fullLayers: number;
  windowedLayers: number;
  recurrentLayers: number;
  /** Bytes one token takes in one windowed attention layer on one rank (every attention layer's, unless `fullBytesPerTokenPerLayer` differs). */
  bytesPerTokenPerLayer: number;
  /** Bytes one token takes in one full-attention layer on one rank (Gemma 4's have a KV geometry of their own). */
  fullBytesPerTokenPerLayer: number;
  /** Bytes one sequence's recurrent state takes on one rank, over the stage's recurrent layers. */
  recurrentStateBytes: number;
}

function stageKv(
  model: ModelEntry,
  shape: ModelShape,
  tp: number,
  kvElementBytes: number,
  stage: { start: number; end: number },
  statesInKvBlocks: boolean,
  cachesNothing: boolean,
): StageKv {
  let fullLayers = 0;
  let windowedLayers = 0;
  let recurrentLayers = 0;
  for (let i = stage.start; i < stage.end; i++) {
    const kind = shape.kinds[i]!;
    if (kind.recurrent) recurrentLayers++;
    else if (kind.windowed) windowedLayers++;
    else fullLayers++;
  }
  const bytesPerTokenPerLayer = cachesNothing
    ? 0
    : model.attention.kind === "mla"
      ? // MLA caches one latent per token, identical on every TP rank (MLAAttentionSpec: no ×2, no ÷TP);
        // sparse-attention models add their indexer's key cache.
        mlaLatentBytesPerToken(model, kvElementBytes) + sparseIndexerBytesPerToken(model)
      : 2 * kvHeadsPerTpRank(model, tp) * model.headDim * kvElementBytes;
  const fullLayerKv = model.attention.kind === "mla" || cachesNothing ? undefined : model.windowedAttention?.fullLayerKv;
  const fullBytesPerTokenPerLayer = fullLayerKv ? 2 * kvHeadsPerTpRank(fullLayerKv, tp) * fullLayerKv.headDim * kvElementBytes : bytesPerTokenPerLayer;
  // Engines with a separate state pool (SGLang's Mamba cache) size the states apart from the KV.
  const stateBytes = model.recurrent && statesInKvBlocks && !cachesNothing ? (model.recurrent.stateBytesPerSequencePerLayer * recurrentLayers) / tp : 0;
  return { fullLayers, windowedLayers, recurrentLayers, bytesPerTokenPerLayer, fullBytesPerTokenPerLayer, recurrentStateBytes: stateBytes };
}

function kvBytesPerToken(kv: StageKv): number {
  return kv.fullLayers * kv.fullBytesPerTokenPerLayer + kv.windowedLayers * kv.bytesPerTokenPerLayer;
}

/**
 * KV bytes one sequence of `length` tokens needs on one rank of a stage (vLLM
 * `max_memory_usage_bytes` per spec): full layers hold every token, sliding-window layers
 * `window − 1 + max_num_batched_tokens` tokens plus a block, chunked-local layers `chunk +
 * max_num_batched_tokens`, recurrent layers a fixed state.
 */
function requestKvBytes(model: ModelEntry, kv: StageKv, length: number, batchedTokens: number, blockSize: number): number {
  const blocks = (tokens: number) => Math.ceil(tokens / blockSize) * blockSize;
  let bytes = kv.fullLayers * blocks(length) * kv.fullBytesPerTokenPerLayer;
  if (kv.windowedLayers > 0 && model.windowedAttention) {
    const { window, kind } = model.windowedAttention;
    const windowTokens =
      kind === "sliding"
        ? blocks(Math.min(window - 1 + batchedTokens, length)) + blockSize
        : blocks(Math.min(window + batchedTokens, length));
    bytes += kv.windowedLayers * Math.min(windowTokens, blocks(length)) * kv.bytesPerTokenPerLayer;
  }
  return bytes + kv.recurrentStateBytes;
}

function checkRange(name: string, value: number | undefined, min: number, max: number, integer: boolean): void {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    const kind = integer ? "a whole number" : "a number";
    throw new SizingInputError(`${name} must be ${kind} from ${min} to ${max}, got ${value}`);
  }
}

function validate(request: SizingRequest): void {
  checkRange("tensor parallel size", request.tensorParallel, 1, 1024, true);
  checkRange("pipeline parallel size", request.pipelineParallel, 1, 1024, true);
  checkRange("data parallel size", request.dataParallel, 1, 65536, true);
  checkRange("max model length", request.maxModelLen, 1, 1e9, true);
  checkRange("max num seqs", request.maxNumSeqs, 1, 1e7, true);
  checkRange("max num batched tokens", request.maxNumBatchedTokens, 1, 1e9, true);
  checkRange("GPU memory utilization", request.gpuMemoryUtilization, 0.01, 1, false);
  checkRange("CPU offload", request.cpuOffloadBytes, 0, 1e15, false);
  checkRange("KV cache memory", request.kvCacheMemoryBytes, 1, 1e15, true);
  checkRange("GPU layers", request.gpuLayers, 0, 1e6, true);
  checkRange("CPU MoE layers", request.cpuMoeLayers, 0, 1e6, true);
  if (request.pipelineParallel > request.model.layers) {
    throw new SizingInputError(
      `pipeline parallel size ${request.pipelineParallel} exceeds the model's ${request.model.layers} layers`,
    );
  }
}

/**
 * Whether the deployment keeps nothing per token (an encoder, or an embeddings-only engine): memory
 * does not bound its batch, so concurrency is unbounded (`maxConcurrency` Infinity) and the KV
 * figures are zero.
 */
export function keepsNoKvCache(estimate: Pick<MemoryEstimate, "kvBytesPerToken" | "requestKvBytes">): boolean {
  return estimate.kvBytesPerToken === 0 && estimate.requestKvBytes === 0;
}

/**
 * A request as a string, for caches of results that are pure in it: the model and GPU by id, every
 * other field by value — all of them, so a field added to the request can never be left out.
 */
export function requestKey(request: SizingRequest): string {
  return (Object.keys(request) as Array<keyof SizingRequest>)
    .sort()
    .map((field) => {
      const value = request[field];
      return `${field}=${field === "model" || field === "gpu" || field === "weightFormat" ? (value as { id: string }).id : String(value)}`;
    })
    .join("|");
}

export { gibText };

export interface EstimateOptions {
  /**
   * Full-length sequences the KV cache must hold at once when computing
   * `largestFittingMaxModelLen` (default 1: the engine's own start-up check).
   */
  concurrency?: number;
}

/** Ranks attention is split over: each attention data-parallel group holds all of it and attends over its own requests. */
export function attentionTensorParallel(request: Pick<SizingRequest, "tensorParallel" | "attentionDataParallel">): number {
  const groups = request.attentionDataParallel;
  return groups ? Math.max(1, Math.floor(request.tensorParallel / groups)) : request.tensorParallel;
}

/**
 * Estimate one deployment, as the engine would start it: when the file leaves the engine free to
 * adapt (llama.cpp `--fit`, Ollama's scheduler), the estimate is of what it adapts to. Throws
 * `SizingInputError` for values no engine accepts.
 */
export function estimateMemory(request: SizingRequest, options: EstimateOptions = {}): MemoryEstimate {
  const estimate = estimateAsWritten(request, options);
  const engine = engineById(request.engine);
  const fit = engine.autoFit?.(request, estimate, (changed) => estimateAsWritten(changed, options));
  if (!fit) return estimate;
  const adapted = estimateAsWritten(fit.request, options);
  return { ...adapted, assumptions: [...adapted.assumptions, ...fit.notes] };
}

/** The estimate of the request exactly as written, with the engine's defaults for what it leaves out. */
function estimateAsWritten(request: SizingRequest, options: EstimateOptions): MemoryEstimate {
  validate(request);
  const { model, gpu, weightFormat: format, activationBytes: b } = request;

  const shape = shapeOf(model);
  const tp = request.tensorParallel;
  const pp = request.pipelineParallel;
  const dp = request.dataParallel;
  const expertRanks = request.expertParallel && model.moe ? tp * dp : tp;
  const attentionTp = attentionTensorParallel(request);
  const kvShare = model.attention.kind === "mla" ? 0 : kvHeadsPerTpRank(model, attentionTp) / model.kvHeads;
  const sharding: Sharding = { tensorParallel: tp, attentionTensorParallel: attentionTp, expertRanks, kvShare };
  const stages = pipelineStages(model.layers, pp);
  const padding = expertPadding(request, expertRanks);

  const activation = (tokens: number, sequences: number) =>
    activationPeakBytes({ model, tensorParallel: tp, expertParallelRanks: request.expertParallel ? expertRanks : 1, tokens, sequences, activationBytes: b });
  const engine = engineById(request.engine);
  const budget: EngineBudget = engine.budget(request, activation);
  // An encoder, or any model under an embeddings-only engine, reads each input in one pass: no KV cache.
  const cachesNothing = model.attention.kind === "encoder" || engine.embeddingsOnly === true;

  const { key: keyDtype, value: valueDtype } = budget.kvCacheDtypes;
  const keyBytes = kvCacheElementBytes(keyDtype, b);
  if (keyBytes === undefined) throw new SizingInputError(`unknown KV cache dtype ${keyDtype}`);
  const valueBytes = kvCacheElementBytes(valueDtype, b);
  if (valueBytes === undefined) throw new SizingInputError(`unknown KV cache dtype ${valueDtype}`);
  // Keys and values take one element each per head dimension: the mean is the bytes per element.
  const kvElementBytes = (keyBytes + valueBytes) / 2;

  // llama.cpp/Ollama keep the first layers on the CPU when -ngl (num_gpu) is below the layer count;
  // the LM head ("output layer") counts as one more layer and goes to the GPU last.
  const requestedGpuLayers = request.gpuLayers ?? engine.defaultGpuLayers?.(request);
  const gpuLayers = requestedGpuLayers === undefined ? undefined : Math.min(requestedGpuLayers, model.layers + 1);
  const gpuLayerShare = gpuLayers === undefined ? 1 : Math.min(gpuLayers, model.layers) / model.layers;
  const headOnGpu = gpuLayers === undefined || gpuLayers > model.layers;

  const maxModelLen = request.maxModelLen ?? budget.defaultMaxModelLen;
  const maxModelLenSource: MemoryEstimate["maxModelLenSource"] = request.maxModelLen !== undefined ? "set" : budget.defaultSource;
  /** Tokens the KV cache must hold for one request of `length` (a `context` engine allocates every slot's at once). */
  const allocated = (length: number) => (budget.kvAllocation === "context" ? length * budget.contextSlots : length);

  interface StageResult {
    weightBytes: number;
    offloadedBytes: number;
    kvAvailable: number;
    kv: StageKv;
    /** Routed-expert weights the stage holds per GPU (the part a decode step reads only as far as tokens route to it). */
    routedExpertBytes: number;
  }
  const stageResults: StageResult[] = stages.map((stage, index) => {
    const first = index === 0;
    const parts = stageWeightBytes(model, shape, format, b, sharding, stage, first, index === stages.length - 1, padding);
    let weights = parts.bytes;
    let offloaded = 0;
    if (request.cpuOffloadBytes) {
      offloaded = Math.min(weights, request.cpuOffloadBytes);
    }
    if (gpuLayers !== undefined) {
      offloaded = Math.max(offloaded, parts.layers * (1 - gpuLayerShare) + (headOnGpu ? 0 : parts.head));
    }
    if (request.cpuMoeLayers && model.moe) {
      const expertBytesPerLayer =
        ((model.moe.experts * 3 * model.hiddenSize * model.moe.expertIntermediateSize) / expertRanks) *
        bytesPerParam(format, "experts", b);
      const layersOnStage = Math.min(request.cpuMoeLayers, model.moe.moeLayers) / stages.length;
      offloaded = Math.min(weights, offloaded + expertBytesPerLayer * layersOnStage);
    }
    weights -= offloaded;
    // What the engine keeps in host memory by design (llama.cpp's token embeddings) is not an offload.
    if (first) weights = Math.max(0, weights - budget.hostResidentWeightBytes);
    const kv = stageKv(model, shape, attentionTp, kvElementBytes, stage, budget.recurrentStateShare === 0, cachesNothing);
    if (gpuLayerShare < 1) {
      // The KV cache of a layer lives where the layer does.
      kv.fullLayers *= gpuLayerShare;
      kv.windowedLayers *= gpuLayerShare;
      kv.recurrentStateBytes *= gpuLayerShare;
    }
    // What is left after weights, activations and runtime memory; engines that size the KV cache as a
    // fraction of the free memory (TensorRT-LLM, LMDeploy) take only that share of it, and a separate
    // state pool (SGLang's Mamba cache) its share. A shortfall is never scaled.
    const rest = budget.budgetBytes - weights - budget.activationBytes - budget.overheadBytes;
    const kvAvailable = rest > 0 ? (budget.fixedKvCacheBytes ?? rest * budget.kvShareOfRest * (1 - budget.recurrentStateShare)) : rest;
    const routedExpertBytes = (layerRange(shape, stage.start, stage.end).routedExperts / expertRanks) * bytesPerParam(format, "experts", b) * padding;
    return { weightBytes: weights, offloadedBytes: offloaded, kvAvailable, kv, routedExpertBytes: Math.min(routedExpertBytes, weights + offloaded) };
  });

  // The binding stage: the least KV memory (ties: the heaviest weights).
  const binding = stageResults.reduce((worst, stage) =>
    stage.kvAvailable < worst.kvAvailable || (stage.kvAvailable === worst.kvAvailable && stage.weightBytes > worst.weightBytes) ? stage : worst,
  );

  const perRequest = (length: number, stage: StageResult) =>
    requestKvBytes(model, stage.kv, allocated(length), budget.maxNumBatchedTokens, budget.blockSize);
  const fitsLength = (length: number, concurrency = 1) =>
    stageResults.every((stage) => stage.kvAvailable > 0 && perRequest(length, stage) * concurrency <= stage.kvAvailable);
  const largestFitting = (concurrency: number): number | null => {
    if (!stageResults.every((stage) => stage.kvAvailable > 0)) return null;
    const ceiling = Math.max(model.maxPositionEmbeddings, maxModelLen);
    if (fitsLength(ceiling, concurrency)) return ceiling;
    let low = 0;
    let high = ceiling;
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (fitsLength(middle, concurrency)) low = middle;
      else high = middle;
    }
    return low > 0 ? low : null;
  };

  let verdict: Verdict;
  let shortfallBytes = 0;
  let servedLength = maxModelLen;
  let contextCappedFrom: number | undefined;
  if (binding.kvAvailable <= 0) {
    verdict = "weights-exceed-memory";
    shortfallBytes = -binding.kvAvailable;
  } else if (!fitsLength(maxModelLen)) {
    const largest = budget.refusesWhenKvTooSmall ? null : largestFitting(1);
    if (largest !== null) {
      // The engine starts and serves requests only as long as its pool holds (SGLang's max_req_len,
      // TensorRT-LLM's adjusted max_seq_len, LMDeploy's truncated session_len).
      verdict = "fits";
      servedLength = largest;
      contextCappedFrom = maxModelLen;
    } else {
      verdict = "kv-cache-too-small";
      shortfallBytes = Math.max(...stageResults.map((stage) => perRequest(maxModelLen, stage) - stage.kvAvailable));
    }
  } else {
    verdict = "fits";
  }

  const targetConcurrency = Math.max(1, options.concurrency ?? 1);
  const largestFittingMaxModelLen = largestFitting(targetConcurrency);
  const contextAllocated = budget.kvAllocation === "context" && verdict === "fits";
  const capacityTokens = contextAllocated
    ? allocated(servedLength)
    : Math.min(
        ...stageResults.map((stage) => {
          const perToken = kvBytesPerToken(stage.kv);
          if (stage.kvAvailable <= 0) return 0;
          if (perToken === 0) return Number.MAX_SAFE_INTEGER;
          return Math.floor(stage.kvAvailable / (perToken * budget.blockSize)) * budget.blockSize;
        }),
      );
  const maxConcurrency = contextAllocated
    ? budget.contextSlots
    : Math.max(0, Math.min(...stageResults.map((stage) => (stage.kvAvailable > 0 ? stage.kvAvailable / perRequest(servedLength, stage) : 0))));

  const assumptions = [...budget.assumptions];
  if (maxModelLenSource === "model-default" && engine.notesModelDefaultContext) {
    assumptions.push(`max_model_len defaults to the model's max_position_embeddings (${tokens(maxModelLen)})`);
  }
  const warnings = [...budget.warnings];
  if (contextCappedFrom !== undefined) {
    const note = engine.startsAnywayNote(tokens(servedLength));
    assumptions.push(`${note}, not the ${tokens(contextCappedFrom)} ${maxModelLenSource === "set" ? "set" : "of the model"}`);
  }
  if (model.attention.kind !== "mla" && tp > model.kvHeads) {
    warnings.push(`tensor parallel ${tp} exceeds the model's ${model.kvHeads} KV heads: each rank keeps a full KV head, replicating the cache ${tp / model.kvHeads}×`);
  }

  const fullCopy = stageWeightBytes(
    model,
    shape,
    format,
    b,
    { tensorParallel: 1, attentionTensorParallel: 1, expertRanks: 1, kvShare: 1 },
    { start: 0, end: model.layers },
    true,
    true,
    expertPadding(request, 1),
  ).bytes;
  const allLayers = shape.prefix[shape.layers.length]!;
  const inactiveExpertBytes = (allLayers.routedExperts - allLayers.activeRoutedExperts) * bytesPerParam(format, "experts", b);

  return {
    verdict,
    engine: request.engine,
    gpuCount: tp * pp * dp,
    parallel: { tensor: tp, pipeline: pp, data: dp, expert: request.expertParallel && model.moe ? expertRanks : 1 },
    perGpu: {
      memoryBytes: gpu.memoryBytes,
      budgetBytes: budget.budgetBytes,
      weightBytes: binding.weightBytes,
      activationBytes: budget.activationBytes,
      overheadBytes: budget.overheadBytes,
      // An encoder caches nothing: what is left is the room its batches have.
      kvCacheBytes: contextAllocated && !cachesNothing ? perRequest(servedLength, binding) : Math.max(0, binding.kvAvailable),
    },
    totalWeightBytes: fullCopy,
    activeWeightBytes: fullCopy - inactiveExpertBytes,
    offloadedWeightBytesPerGpu: Math.max(...stageResults.map((stage) => stage.offloadedBytes)),
    routedExpertBytesPerGpu: binding.routedExpertBytes,
    kvBytesPerToken: kvBytesPerToken(binding.kv),
    kvCapacityTokens: capacityTokens === Number.MAX_SAFE_INTEGER ? 0 : capacityTokens,
    maxModelLen: servedLength,
    maxModelLenSource,
    refusesWhenKvTooSmall: budget.refusesWhenKvTooSmall,
    requestKvBytes: perRequest(servedLength, binding),
    maxConcurrency,
    largestFittingMaxModelLen,
    shortfallBytes,
    ...(contextCappedFrom !== undefined ? { contextCappedFrom, contextCappedKvBytes: perRequest(contextCappedFrom, binding) } : {}),
    ...(gpuLayers !== undefined && gpuLayers <= model.layers ? { gpuLayers: { onGpu: gpuLayers, total: model.layers + 1 } } : {}),
    settings: {
      gpuMemoryUtilization: budget.utilization,
      budgetKind: engine.budgetKind,
      memoryFraction: budget.memoryFraction,
      maxNumBatchedTokens: budget.maxNumBatchedTokens,
      maxNumSeqs: budget.maxNumSeqs,
      kvCacheElementBytes: kvElementBytes,
      weightFormat: format.id,
      cudaGraphs: budget.cudaGraphs,
      ...(budget.fixedKvCacheBytes !== undefined ? { fixedKvCacheBytes: budget.fixedKvCacheBytes } : {}),
    },
    assumptions,
    warnings,
  };
}

/** The estimate, or undefined when the request holds values no engine accepts (what remedies and alternatives try). */
export function tryEstimate(request: SizingRequest, options: EstimateOptions = {}): MemoryEstimate | undefined {
  try {
    return estimateMemory(request, options);
  } catch (error) {
    if (error instanceof SizingInputError) return undefined;
    throw error;
  }
}
