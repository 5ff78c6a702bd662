/**
 * A model's parameters grouped the way serving engines shard them. Pure arithmetic over the catalog
 * entry; the counts follow the projections of the Hugging Face / vLLM model implementations
 * (`vllm/model_executor/models/{llama,mixtral,deepseek_v2,qwen3_moe}.py`).
 */
import type { ModelEntry } from "../catalog/types.js";

/** What one decoder layer is made of. */
export interface LayerKind {
  /** Routed-expert MLP (with the model's shared experts) instead of a dense MLP. */
  moe: boolean;
  /** Recurrent mixer (Mamba, linear attention): no per-token KV cache. */
  recurrent: boolean;
  /** Attention bounded by a sliding window or a local chunk. */
  windowed: boolean;
}

/** Parameter counts of one layer, split by how tensor/expert parallelism shards them. */
export interface LayerParams {
  /** Attention projections split across TP ranks (Q and O; MLA's up-projections and O). */
  attentionSplit: number;
  /** K and V projections: split by KV head, replicated when TP exceeds the KV heads. */
  attentionKv: number;
  /** Projections every TP rank holds in full (MLA's q_a / kv_a down-projections). */
  attentionReplicated: number;
  /** Recurrent mixer parameters (split across TP ranks like attention). */
  recurrentMixer: number;
  denseMlp: number;
  /** All routed experts of the layer: every expert is resident. */
  routedExperts: number;
  /** The same layer's routed experts a token actually uses (for the active-parameter arithmetic). */
  activeRoutedExperts: number;
  sharedExperts: number;
  /** Router gate (kept 16-bit by every quantization format). */
  router: number;
  /** RMSNorm/LayerNorm weights, replicated and 16-bit. */
  norms: number;
}

/** vLLM pads the vocabulary to a multiple of 64 (`DEFAULT_VOCAB_PADDING_SIZE`, vocab_parallel_embedding.py). */
export const VOCAB_PADDING = 64;

export function paddedVocab(vocabSize: number): number {
  return Math.ceil(vocabSize / VOCAB_PADDING) * VOCAB_PADDING;
}

/**
 * Which layers are MoE, recurrent or windowed. Mostly only the counts matter; positions matter for
 * pipeline parallelism, where the heaviest stage decides. DeepSeek-style models put their few dense
 * layers first; every other pattern (Llama-4 interleaving, Jamba, Qwen3-Next) spreads evenly.
 */
export function layerKinds(model: ModelEntry): LayerKind[] {
  const total = model.layers;
  const moeLayers = model.moe ? Math.min(model.moe.moeLayers, total) : 0;
  const denseFirst = (total - moeLayers) * 4 <= total;
  const recurrentLayers = model.recurrent ? Math.min(model.recurrent.layers, total) : 0;
  const attentionLayers = total - recurrentLayers;
  const windowedLayers = model.windowedAttention ? Math.min(model.windowedAttention.layers, attentionLayers) : 0;

  const kinds: LayerKind[] = [];
  let attentionIndex = 0;
  for (let layer = 0; layer < total; layer++) {
    const moe = denseFirst ? layer >= total - moeLayers : spreads(layer, moeLayers, total);
    const recurrent = spreads(layer, recurrentLayers, total);
    let windowed = false;
    if (!recurrent) {
      windowed = spreads(attentionIndex, windowedLayers, attentionLayers);
      attentionIndex++;
    }
    kinds.push({ moe, recurrent, windowed });
  }
  return kinds;
}

/** True for `count` of `total` evenly spaced positions. */
function spreads(index: number, count: number, total: number): boolean {
  if (count <= 0) return false;
  if (count >= total) return true;
  return Math.floor(((index + 1) * count) / total) > Math.floor((index * count) / total);
}

export function layerParams(model: ModelEntry, kind: LayerKind, recurrentMixerParams: number): LayerParams {
  const h = model.hiddenSize;
  const params: LayerParams = {
    attentionSplit: 0,
    attentionKv: 0,
    attentionReplicated: 0,
    recurrentMixer: 0,
    denseMlp: 0,
    routedExperts: 0,
    activeRoutedExperts: 0,
    sharedExperts: 0,
    router: 0,
    norms: 2 * h,
  };

  if (kind.recurrent) {
    params.recurrentMixer = recurrentMixerParams;
  } else if (model.attention.kind === "mla") {
    const mla = model.attention;
    const heads = model.attentionHeads;
    const qkHeadDim = mla.qkNopeHeadDim + mla.qkRopeHeadDim;
    // q: low-rank (q_a replicated, q_b split) or a plain split q_proj (DeepSeek-V2-Lite).
    if (mla.qLoraRank) {
      params.attentionReplicated += h * mla.qLoraRank;
      params.attentionSplit += mla.qLoraRank * heads * qkHeadDim;
      params.norms += mla.qLoraRank;
    } else {
      params.attentionSplit += h * heads * qkHeadDim;
    }
    params.attentionReplicated += h * (mla.kvLoraRank + mla.qkRopeHeadDim); // kv_a_proj_with_mqa
    params.attentionSplit += mla.kvLoraRank * heads * (mla.qkNopeHeadDim + mla.vHeadDim); // kv_b_proj
    params.attentionSplit += heads * mla.vHeadDim * h; // o_proj
    params.norms += mla.kvLoraRank;
  } else {
    // q_proj + o_proj; a gated q_proj (`attn_output_gate`) is twice as wide.
    params.attentionSplit = (model.attention.kind !== "encoder" && model.attention.outputGate ? 3 : 2) * h * model.attentionHeads * model.headDim;
    params.attentionKv = 2 * h * model.kvHeads * model.headDim; // k_proj + v_proj
  }

  if (kind.moe && model.moe) {
    const moe = model.moe;
    params.routedExperts = moe.experts * 3 * h * moe.expertIntermediateSize;
    params.activeRoutedExperts = moe.expertsPerToken * 3 * h * moe.expertIntermediateSize;
    params.sharedExperts = moe.sharedExperts * 3 * h * (moe.sharedExpertIntermediateSize ?? moe.expertIntermediateSize);
    params.router = moe.experts * h;
  } else {
    params.denseMlp = 3 * h * (model.intermediateSize ?? 0);
  }
  return params;
}

export interface ModelShape {
  kinds: LayerKind[];
  layers: LayerParams[];
  /** Running sums of `layers` (entry i = layers 0..i−1), so any stage's total is one subtraction. */
  prefix: LayerParams[];
  embedding: number;
  lmHead: number;
  finalNorm: number;
  vision: number;
  /** Multi-token-prediction layers the engine loads beside the last layer (`loadsMtp`), else 0. */
  mtp: number;
  /** Parameters the formula derives for the text model (layers, embeddings, head). */
  derivedTotal: number;
  derivedActive: number;
}

/**
 * The model's parameters by layer. When the catalog gives no per-layer size for recurrent mixers
 * (Mamba, linear attention), the published total minus everything else is spread over them.
 */
export function modelShape(model: ModelEntry): ModelShape {
  const kinds = layerKinds(model);
  const embedding = model.vocabSize * model.hiddenSize;
  const lmHead = model.tieWordEmbeddings ? 0 : embedding;
  const finalNorm = model.hiddenSize;
  const vision = model.params.vision ?? 0;
  const mtp = model.loadsMtp ? (model.params.mtp ?? 0) : 0;

  let recurrentMixer = model.recurrent?.paramsPerLayer ?? 0;
  let layers = kinds.map((kind) => layerParams(model, kind, recurrentMixer));
  if (model.recurrent && model.recurrent.paramsPerLayer === null && model.recurrent.layers > 0) {
    const withoutMixers = sumLayers(layers) + embedding + lmHead + finalNorm + vision;
    recurrentMixer = Math.max(0, (model.params.total - withoutMixers) / model.recurrent.layers);
    layers = kinds.map((kind) => layerParams(model, kind, recurrentMixer));
  }
  const layerTotal = sumLayers(layers);
  const prefix: LayerParams[] = [emptyLayer()];
  for (const layer of layers) prefix.push(addLayers(prefix[prefix.length - 1]!, layer));
  const inactiveExperts = layers.reduce((sum, layer) => sum + layer.routedExperts - layer.activeRoutedExperts, 0);
  const derivedTotal = layerTotal + embedding + lmHead + finalNorm;
  return {
    kinds,
    layers,
    prefix,
    embedding,
    lmHead,
    finalNorm,
    vision,
    mtp,
    derivedTotal,
    derivedActive: derivedTotal - inactiveExperts,
  };
}

function emptyLayer(): LayerParams {
  return { attentionSplit: 0, attentionKv: 0, attentionReplicated: 0, recurrentMixer: 0, denseMlp: 0, routedExperts: 0, activeRoutedExperts: 0, sharedExperts: 0, router: 0, norms: 0 };
}

function addLayers(a: LayerParams, b: LayerParams, sign = 1): LayerParams {
  const sum = emptyLayer();
  for (const key of Object.keys(sum) as Array<keyof LayerParams>) sum[key] = a[key] + sign * b[key];
  return sum;
}

/** The summed parameters of layers [start, end). */
export function layerRange(shape: ModelShape, start: number, end: number): LayerParams {
  return addLayers(shape.prefix[end]!, shape.prefix[start]!, -1);
}

export function layerTotal(layer: LayerParams): number {
  return (
    layer.attentionSplit +
    layer.attentionKv +
    layer.attentionReplicated +
    layer.recurrentMixer +
    layer.denseMlp +
    layer.routedExperts +
    layer.sharedExperts +
    layer.router +
    layer.norms
  );
}

function sumLayers(layers: LayerParams[]): number {
  return layers.reduce((sum, layer) => sum + layerTotal(layer), 0);
}

/**
 * Layers held by each pipeline stage, as vLLM partitions them (`get_pp_indices` in
 * vllm/distributed/utils.py): equal shares, the remainder going to the stages before the last.
 */
export function pipelineStages(layerCount: number, stages: number): Array<{ start: number; end: number }> {
  const base = Math.floor(layerCount / stages);
  const sizes = Array.from({ length: stages }, () => base);
  const remainder = layerCount % stages;
  for (let i = 2; i < remainder + 2; i++) {
    const index = stages - i;
    sizes[index >= 0 ? index : 0]! += 1;
  }
  const result: Array<{ start: number; end: number }> = [];
  let start = 0;
  for (const size of sizes) {
    result.push({ start, end: start + size });
    start += size;
  }
  return result;
}
