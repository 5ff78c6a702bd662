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
import { activationPeakBytes, gibText, kvCacheElementBytes, kvHeadsPerTpRank } from "./runtime.js";
import { type EngineBudget, engineById } from "../engines/index.js";
import { type LayerParams, layerRange, type ModelShape, modelShape, paddedVocab, pipelineStages } from "./model-shape.js";
import type { MemoryEstimate, SizingRequest, Verdict } from "./types.js";
// Not toLocaleString: Intl's first use costs ~20 ms of ICU start-up in a cold `vram estimate`.
import { tokens } from "../report/wording.js";

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
      return quantized;
    case "linear":
      return group === "plain" ? activationBytes : quantized;
    case "experts":
      return group === "experts" ? quantized : activationBytes;
  }
}

interface Sharding {
  tensorParallel: number;
  /** Ranks the routed experts are spread over (TP, or TP × DP with expert parallelism). */
  expertRanks: number;
  /** Fraction of each K/V projection a rank holds (1/TP, or 1/KV-heads when replicated). */
  kvShare: number;
}

/**
 * vLLM's MXFP4 MoE kernels pad expert weights: the hidden size to a multiple of 256 and each rank's
 * expert width to a multiple of 128 (vllm/model_executor/layers/quantization/mxfp4.py; gpt-oss: 2880
 * → 3072, and 720 → 768 per rank at TP 4). Calibrated: gpt-oss-120b logs 64.4–66.0 GiB of weights
 * on one H100 and 17.2 GiB per A100 at TP 4, against 60.4 and 15.1 GiB unpadded.
 */
function expertPadding(model: ModelEntry, format: QuantizationFormat, sharding: Sharding): number {
  if (format.id !== "mxfp4" || !model.moe) return 1;
  const hidden = model.hiddenSize;
  const width = model.moe.expertIntermediateSize / sharding.expertRanks;
  return ((Math.ceil(hidden / 256) * 256) / hidden) * ((Math.ceil(width / 128) * 128) / width);
}

function layerBytes(layer: LayerParams, format: QuantizationFormat, b: number, sharding: Sharding, padding = 1): number {
  const linear = bytesPerParam(format, "linear", b);
  const experts = bytesPerParam(format, "experts", b) * padding;
  const plain = bytesPerParam(format, "plain", b);
  const tp = sharding.tensorParallel;
  return (
    ((layer.attentionSplit + layer.recurrentMixer + layer.denseMlp + layer.sharedExperts) / tp) * linear +
    layer.attentionKv * sharding.kvShare * linear +
    layer.attentionReplicated * linear +
    (layer.routedExperts / sharding.expertRanks) * experts +
    (layer.router + layer.norms) * plain
  );
}

interface StageWeights {
  bytes: number;
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
): StageWeights {
  let bytes = 0;
  // Bytes are linear in the parameter counts, so the stage's summed layers give the same total.
  bytes += layerBytes(layerRange(shape, stage.start, stage.end), format, b, sharding, expertPadding(model, format, sharding));
  const plain = bytesPerParam(format, "plain", b);
  if (model.attention.kind === "mla") {
    // Absorbed MLA keeps 16-bit copies of kv_b_proj's key and value halves (W_UK_T, W_UV) on every
    // rank for its share of heads (vllm/attention/backends/mla/common.py process_weights_after_loading).
    const { kvLoraRank, qkNopeHeadDim, vHeadDim } = model.attention;
    bytes += (stage.end - stage.start) * kvLoraRank * (model.attentionHeads / sharding.tensorParallel) * (qkNopeHeadDim + vHeadDim) * b;
  }
  const vocabRowsPerRank = paddedVocab(model.vocabSize) / sharding.tensorParallel;
  if (first) bytes += vocabRowsPerRank * model.hiddenSize * plain + (shape.vision / sharding.tensorParallel) * b;
  // The LM head is its own matrix unless tied; a tied head on a later pipeline stage still needs a copy.
  const lastNeedsHead = !model.tieWordEmbeddings || !first;
  if (last && lastNeedsHead) bytes += vocabRowsPerRank * model.hiddenSize * plain + shape.finalNorm * plain;
  else if (last) bytes += shape.finalNorm * plain;
  return { bytes };
}

/** KV layout of the layers one pipeline stage holds, on one TP rank. */
interface StageKv {
  fullLayers: number;
  windowedLayers: number;
  recurrentLayers: number;
  /** Bytes one token takes in one attention layer on one rank. */
  bytesPerTokenPerLayer: number;
  /** Bytes one sequence's recurrent state takes on one rank, over the stage's recurrent layers. */
  recurrentStateBytes: number;
}

function stageKv(model: ModelEntry, shape: ModelShape, tp: number, kvElementBytes: number, stage: { start: number; end: number }): StageKv {
  let fullLayers = 0;
  let windowedLayers = 0;
  let recurrentLayers = 0;
  for (let i = stage.start; i < stage.end; i++) {
    const kind = shape.kinds[i]!;
    if (kind.recurrent) recurrentLayers++;
    else if (kind.windowed) windowedLayers++;
    else fullLayers++;
  }
  const bytesPerTokenPerLayer =
    model.attention.kind === "mla"
      ? // MLA caches one latent per token, identical on every TP rank (MLAAttentionSpec: no ×2, no ÷TP).
        (model.attention.kvLoraRank + model.attention.qkRopeHeadDim) * kvElementBytes
      : 2 * kvHeadsPerTpRank(model, tp) * model.headDim * kvElementBytes;
  const stateBytes = model.recurrent ? (model.recurrent.stateBytesPerSequencePerLayer * recurrentLayers) / tp : 0;
  return { fullLayers, windowedLayers, recurrentLayers, bytesPerTokenPerLayer, recurrentStateBytes: stateBytes };
}

function kvBytesPerToken(kv: StageKv): number {
  return (kv.fullLayers + kv.windowedLayers) * kv.bytesPerTokenPerLayer;
}

/**
 * KV bytes one sequence of `length` tokens needs on one rank of a stage (vLLM
 * `max_memory_usage_bytes` per spec): full layers hold every token, sliding-window layers
 * `window − 1 + max_num_batched_tokens` tokens plus a block, chunked-local layers `chunk +
 * max_num_batched_tokens`, recurrent layers a fixed state.
 */
function requestKvBytes(model: ModelEntry, kv: StageKv, length: number, batchedTokens: number, blockSize: number): number {
  const blocks = (tokens: number) => Math.ceil(tokens / blockSize) * blockSize;
  let tokensHeld = kv.fullLayers * blocks(length);
  if (kv.windowedLayers > 0 && model.windowedAttention) {
    const { window, kind } = model.windowedAttention;
    const windowTokens =
      kind === "sliding"
        ? blocks(Math.min(window - 1 + batchedTokens, length)) + blockSize
        : blocks(Math.min(window + batchedTokens, length));
    tokensHeld += kv.windowedLayers * Math.min(windowTokens, blocks(length));
  }
  return tokensHeld * kv.bytesPerTokenPerLayer + kv.recurrentStateBytes;
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
  checkRange("GPU layers", request.gpuLayers, 0, 1e6, true);
  checkRange("CPU MoE layers", request.cpuMoeLayers, 0, 1e6, true);
  if (request.pipelineParallel > request.model.layers) {
    throw new SizingInputError(
      `pipeline parallel size ${request.pipelineParallel} exceeds the model's ${request.model.layers} layers`,
    );
  }
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

/** Estimate one deployment. Throws `SizingInputError` for values no engine accepts. */
export function estimateMemory(request: SizingRequest, options: EstimateOptions = {}): MemoryEstimate {
  validate(request);
  const { model, gpu, weightFormat: format, activationBytes: b } = request;
  const keyBytes = kvCacheElementBytes(request.kvCacheDtype, b);
  if (keyBytes === undefined) throw new SizingInputError(`unknown KV cache dtype ${request.kvCacheDtype}`);
  const valueBytes = request.kvCacheValueDtype === undefined ? keyBytes : kvCacheElementBytes(request.kvCacheValueDtype, b);
  if (valueBytes === undefined) throw new SizingInputError(`unknown KV cache dtype ${request.kvCacheValueDtype}`);
  // Keys and values take one element each per head dimension: the mean is the bytes per element.
  const kvElementBytes = (keyBytes + valueBytes) / 2;

  const shape = shapeOf(model);
  const tp = request.tensorParallel;
  const pp = request.pipelineParallel;
  const dp = request.dataParallel;
  const expertRanks = request.expertParallel && model.moe ? tp * dp : tp;
  const kvShare = model.attention.kind === "mla" ? 0 : kvHeadsPerTpRank(model, tp) / model.kvHeads;
  const sharding: Sharding = { tensorParallel: tp, expertRanks, kvShare };
  const stages = pipelineStages(model.layers, pp);

  const activation = (tokens: number, sequences: number) =>
    activationPeakBytes({ model, tensorParallel: tp, expertParallelRanks: request.expertParallel ? expertRanks : 1, tokens, sequences, activationBytes: b });
  const engine = engineById(request.engine);
  const budget: EngineBudget = engine.budget(request, activation);

  // llama.cpp/Ollama keep layers on the CPU when -ngl / --n-cpu-moe say so.
  const cpuLayerFraction =
    request.gpuLayers !== undefined ? Math.max(0, 1 - request.gpuLayers / (model.layers + 1)) : 0;

  const maxModelLen = request.maxModelLen ?? budget.defaultMaxModelLen;
  const maxModelLenSource: MemoryEstimate["maxModelLenSource"] = request.maxModelLen !== undefined ? "set" : budget.defaultSource;

  interface StageResult {
    weightBytes: number;
    offloadedBytes: number;
    kvAvailable: number;
    kv: StageKv;
    /** Routed-expert weights the stage holds per GPU (the part a decode step reads only as far as tokens route to it). */
    routedExpertBytes: number;
  }
  const stageResults: StageResult[] = stages.map((stage, index) => {
    let weights = stageWeightBytes(model, shape, format, b, sharding, stage, index === 0, index === stages.length - 1).bytes;
    let offloaded = 0;
    if (request.cpuOffloadBytes) {
      offloaded = Math.min(weights, request.cpuOffloadBytes);
    }
    if (cpuLayerFraction > 0) offloaded = Math.max(offloaded, weights * cpuLayerFraction);
    if (request.cpuMoeLayers && model.moe) {
      const expertBytesPerLayer =
        ((model.moe.experts * 3 * model.hiddenSize * model.moe.expertIntermediateSize) / expertRanks) *
        bytesPerParam(format, "experts", b);
      const layersOnStage = Math.min(request.cpuMoeLayers, model.moe.moeLayers) / stages.length;
      offloaded = Math.min(weights, offloaded + expertBytesPerLayer * layersOnStage);
    }
    weights -= offloaded;
    const kv = stageKv(model, shape, tp, kvElementBytes, stage);
    // What is left after weights, activations and runtime memory; engines that size the KV cache as a
    // fraction of the free memory (TensorRT-LLM, LMDeploy) take only that share of it. A shortfall is never scaled.
    const rest = budget.budgetBytes - weights - budget.activationBytes - budget.overheadBytes;
    const kvAvailable = rest > 0 ? rest * budget.kvShareOfRest : rest;
    const routedExpertBytes =
      (layerRange(shape, stage.start, stage.end).routedExperts / expertRanks) *
      bytesPerParam(format, "experts", b) *
      expertPadding(model, format, sharding);
    return { weightBytes: weights, offloadedBytes: offloaded, kvAvailable, kv, routedExpertBytes: Math.min(routedExpertBytes, weights + offloaded) };
  });

  // The binding stage: the least KV memory (ties: the heaviest weights).
  const binding = stageResults.reduce((worst, stage) =>
    stage.kvAvailable < worst.kvAvailable || (stage.kvAvailable === worst.kvAvailable && stage.weightBytes > worst.weightBytes) ? stage : worst,
  );

  const perRequest = (length: number, stage: StageResult) =>
    requestKvBytes(model, stage.kv, length, budget.maxNumBatchedTokens, budget.blockSize);
  const fitsLength = (length: number, concurrency = 1) =>
    stageResults.every((stage) => stage.kvAvailable > 0 && perRequest(length, stage) * concurrency <= stage.kvAvailable);
  const targetConcurrency = Math.max(1, options.concurrency ?? 1);

  const capacityTokens = Math.min(
    ...stageResults.map((stage) => {
      const perToken = kvBytesPerToken(stage.kv);
      if (stage.kvAvailable <= 0) return 0;
      if (perToken === 0) return Number.MAX_SAFE_INTEGER;
      return Math.floor(stage.kvAvailable / (perToken * budget.blockSize)) * budget.blockSize;
    }),
  );
  const maxConcurrency = Math.max(
    0,
    Math.min(...stageResults.map((stage) => (stage.kvAvailable > 0 ? stage.kvAvailable / perRequest(maxModelLen, stage) : 0))),
  );

  let largestFittingMaxModelLen: number | null = null;
  if (stageResults.every((stage) => stage.kvAvailable > 0)) {
    const ceiling = Math.max(model.maxPositionEmbeddings, maxModelLen);
    if (fitsLength(ceiling, targetConcurrency)) largestFittingMaxModelLen = ceiling;
    else {
      let low = 0;
      let high = ceiling;
      while (high - low > 1) {
        const middle = Math.floor((low + high) / 2);
        if (fitsLength(middle, targetConcurrency)) low = middle;
        else high = middle;
      }
      largestFittingMaxModelLen = low > 0 ? low : null;
    }
  }

  let verdict: Verdict;
  let shortfallBytes = 0;
  if (binding.kvAvailable <= 0) {
    verdict = "weights-exceed-memory";
    shortfallBytes = -binding.kvAvailable;
  } else if (!fitsLength(maxModelLen)) {
    verdict = "kv-cache-too-small";
    shortfallBytes = Math.max(...stageResults.map((stage) => perRequest(maxModelLen, stage) - stage.kvAvailable));
  } else {
    verdict = "fits";
  }

  const assumptions = [...budget.assumptions];
  if (maxModelLenSource === "model-default" && engine.notesModelDefaultContext) {
    assumptions.push(`max_model_len defaults to the model's max_position_embeddings (${tokens(maxModelLen)})`);
  }
  if (!budget.refusesWhenKvTooSmall && verdict === "kv-cache-too-small") {
    assumptions.push(engine.startsAnywayNote(tokens(maxModelLen)));
  }
  const warnings = [...budget.warnings];
  if (model.attention.kind !== "mla" && tp > model.kvHeads) {
    warnings.push(`tensor parallel ${tp} exceeds the model's ${model.kvHeads} KV heads: each rank keeps a full KV head, replicating the cache ${tp / model.kvHeads}×`);
  }

  const fullCopy = stageWeightBytes(
    model,
    shape,
    format,
    b,
    { tensorParallel: 1, expertRanks: 1, kvShare: 1 },
    { start: 0, end: model.layers },
    true,
    true,
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
      kvCacheBytes: Math.max(0, binding.kvAvailable),
    },
    totalWeightBytes: fullCopy,
    activeWeightBytes: fullCopy - inactiveExpertBytes,
    offloadedWeightBytesPerGpu: Math.max(...stageResults.map((stage) => stage.offloadedBytes)),
    routedExpertBytesPerGpu: binding.routedExpertBytes,
    kvBytesPerToken: kvBytesPerToken(binding.kv),
    kvCapacityTokens: capacityTokens === Number.MAX_SAFE_INTEGER ? 0 : capacityTokens,
    maxModelLen,
    maxModelLenSource,
    refusesWhenKvTooSmall: budget.refusesWhenKvTooSmall,
    requestKvBytes: perRequest(maxModelLen, binding),
    maxConcurrency,
    largestFittingMaxModelLen,
    shortfallBytes,
    settings: {
      gpuMemoryUtilization: budget.utilization,
      budgetKind: engine.budgetKind,
      memoryFraction: budget.memoryFraction,
      maxNumBatchedTokens: budget.maxNumBatchedTokens,
      maxNumSeqs: budget.maxNumSeqs,
      kvCacheElementBytes: kvElementBytes,
      weightFormat: format.id,
      cudaGraphs: budget.cudaGraphs,
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
