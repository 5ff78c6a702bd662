/**
 * One importer from a Hugging Face `config.json` to a catalog entry, used by `settings.vram.models[].config`,
 * `vram estimate --model ./dir` and the maintainer's `npm run catalog:add`. Pure: it takes the parsed files
 * (config.json, and optionally model.safetensors.index.json and NVIDIA's hf_quant_config.json) and returns a
 * `ModelEntry`, or throws a `ConfigImportError` that says what it cannot read.
 *
 * The entry speaks the estimator's language (`src/sizing/model-shape.ts`): every layer is one mixer
 * (attention or a recurrent block) plus one MLP or MoE block. Architectures that stack differently are
 * folded into that shape so parameter counts and KV layers stay exact, and a note says how:
 * - ungated MLPs (GPT-2, OPT, Falcon, StarCoder2, Nemotron's relu²) keep 2 matrices, so the width is stored
 *   as the gated-equivalent 2/3 of `intermediate_size`;
 * - Nemotron-H's single-component layers and DeciLM's per-block widths are regrouped (see their functions);
 * - Gemma 3n's per-layer MLP widths are stored as their mean, its PLE, AltUp and LAuReL weights counted beside.
 *
 * Parameter counts are derived from the shape (the same arithmetic the estimator uses), plus the vision
 * tower estimated from `vision_config`, so an imported entry sizes exactly as it counts.
 */
import { modelShape } from "../sizing/model-shape.js";
import type { AttentionSpec, ModelEntry, MoeSpec, RecurrentLayersSpec, WindowedAttentionSpec } from "./types.js";

export class ConfigImportError extends Error {
  override name = "ConfigImportError";
}

export interface ConfigImportInput {
  /** The repository id the entry is filed under (`owner/name`). */
  id: string;
  /** Parsed `config.json`. */
  config: unknown;
  /** Parsed `model.safetensors.index.json`, for the exact weight bytes. */
  safetensorsIndex?: unknown;
  /** Parsed `hf_quant_config.json` (NVIDIA ModelOpt checkpoints), for the stored format. */
  hfQuantConfig?: unknown;
  sources: string[];
  aliases?: string[];
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The first of `keys` that holds a finite number (a one-element list counts: Hunyuan writes `[8]`). */
function numberAt(config: Json, ...keys: string[]): number | undefined {
  for (const key of keys) {
    let value: unknown = config[key];
    if (Array.isArray(value) && value.length > 0) {
      const first: unknown = value[0];
      if (value.every((item) => item === first)) value = first;
    }
    if (typeof value === "number" && Number.isFinite(value)) return value;
  }
  return undefined;
}

function stringAt(config: Json, key: string): string | undefined {
  const value = config[key];
  return typeof value === "string" ? value : undefined;
}

function recordAt(config: Json, key: string): Json | undefined {
  const value = config[key];
  return isRecord(value) ? value : undefined;
}

function numbersAt(config: Json, key: string): number[] | undefined {
  const value = config[key];
  return Array.isArray(value) && value.every((item) => typeof item === "number") ? (value as number[]) : undefined;
}

function stringsAt(config: Json, key: string): string[] | undefined {
  const value = config[key];
  return Array.isArray(value) && value.every((item) => typeof item === "string") ? (value as string[]) : undefined;
}

/** Architectures that are not decoder-only language models an inference engine serves token by token. */
const REFUSED: Record<string, string> = {
  t5: "an encoder-decoder model",
  mt5: "an encoder-decoder model",
  umt5: "an encoder-decoder model",
  bart: "an encoder-decoder model",
  mbart: "an encoder-decoder model",
  whisper: "a speech encoder-decoder model",
  pegasus: "an encoder-decoder model",
  marian: "an encoder-decoder model",
  // DeBERTa's disentangled relative-position attention has projections the layer model does not hold.
  deberta: "an encoder-only model with relative-position attention",
  "deberta-v2": "an encoder-only model with relative-position attention",
  mamba: "a pure state-space model (no attention layers)",
  mamba2: "a pure state-space model (no attention layers)",
  falcon_mamba: "a pure state-space model (no attention layers)",
  rwkv: "a recurrent (RWKV) model",
  falcon_h1: "a parallel hybrid (attention and Mamba in every layer), which the catalog's layer model cannot express",
};

/** Decoder classes without an LM head (embedding models served with `--task embed`). */
const HEADLESS = new Set(["LlamaModel", "MistralModel", "MixtralModel", "Qwen2Model", "Qwen3Model", "GemmaModel", "Gemma2Model", "Phi3Model"]);

/** Model types whose MLP has two matrices (up, down) rather than the gated three. */
const UNGATED_MLP = new Set([
  "gpt2", "gpt_bigcode", "opt", "gpt_neox", "gptj", "gpt_neo", "falcon", "bloom", "mpt", "starcoder2", "phi", "phi-msft", "persimmon",
  "nemotron", "codegen", "jais", "stablelm_epoch",
]);

/** `tie_word_embeddings` when config.json leaves it out: the transformers config class default. */
const TIE_DEFAULT: Record<string, boolean> = {
  phi3small: true, gpt_neo: true, llama: false, mistral: false, mixtral: false, qwen2: false, qwen2_moe: false, qwen3: false, qwen3_moe: false, phi3: false, phi: false, "phi-msft": false,
  phimoe: false, gpt_neox: false, gptj: false, deepseek_v2: false, deepseek_v3: false, internlm2: false, baichuan: false, olmo: false,
  olmo2: false, olmoe: false, nemotron: false, dbrx: false, jamba: false, starcoder2: true, gemma: true, gemma2: true, gemma3: true,
  gemma3_text: true, cohere: true, cohere2: true, gpt2: true, opt: true, falcon: true, bloom: true, mpt: true, gpt_bigcode: true,
  granite: true, granitemoe: true, chatglm: false, glm: false, glm4: false, exaone: false, lfm2_moe: true, gemma3n_text: true,
};

/**
 * Model types the importer knows (with the ones in `UNGATED_MLP`): Llama-style decoders and the
 * families with their own keys. Anything else is refused with this list, rather than guessed.
 */
const KNOWN_TYPES = new Set([
  ...UNGATED_MLP,
  "llama", "llama_bidirec", "mistral", "mistral3", "ministral", "ministral3", "mixtral", "qwen", "qwen2", "qwen2_moe", "qwen3", "qwen3_moe", "qwen3_next",
  "qwen3_5", "qwen3_5_text", "qwen3_5_moe", "qwen3_5_moe_text", "qwen2_vl", "qwen2_5_vl", "qwen2_vl_text", "qwen2_5_vl_text",
  "qwen3_vl", "qwen3_vl_text", "qwen3_vl_moe", "qwen3_vl_moe_text", "deepseek", "deepseek_v2", "deepseek_v3", "deepseek_v32",
  "deepseek_v4", "deepseek_ref", "kimi_k2", "kimi_vl", "kimi_linear", "gemma", "gemma2", "gemma3", "gemma3_text", "gemma4", "gemma4_text", "gemma4_unified", "gemma4_unified_text",
  "phi3", "phi3small", "phi3_v", "phimoe", "phi4_multimodal", "cohere", "cohere2", "internlm", "internlm2", "internlm3", "baichuan", "yi", "olmo",
  "olmo2", "olmo3", "olmoe", "granite", "granitemoe", "granitemoeshared", "granitemoehybrid", "chatglm", "glm", "glm4", "glm4_moe",
  "glm4v", "glm4v_moe", "glm_moe_dsa", "glm4_moe_lite", "exaone", "exaone4", "stablelm", "dbrx", "jamba", "nemotron_h", "nemotron-nas", "deci",
  "arctic", "minimax", "minimax_m1", "minimax_text_01", "minimax_m2", "minimax_m3", "gpt_oss", "llama4", "llama4_text", "mllama",
  "llava", "llava_next", "llava_onevision", "internvl", "internvl_chat", "ernie4_5", "ernie4_5_moe", "hunyuan_v1_dense",
  "hunyuan_v1_moe", "hunyuan", "seed_oss", "mimo", "mimo_v2_flash", "bailing_moe", "bailing_moe_v2", "dots1", "step3p7", "step3p5",
  "step3_text", "smollm3", "apertus", "orion", "xverse", "solar", "aquila", "minicpm", "minicpm3", "telechat", "hunyuan_dense",
  "pixtral", "idefics3", "smolvlm", "arcee", "afmoe", "seed_oss", "nemotron_nano_vl", "ling", "minimax_m3_vl", "lfm2", "lfm2_moe",
  "glm_ocr", "minicpmv", "gemma3n",
]);

/** Decoder layouts run as bidirectional encoders (`LlamaBidirectionalModel`, model_type `llama_bidirec`). */
const BIDIRECTIONAL_TYPES = new Set(["llama_bidirec"]);

const MLA_TYPES_WITHOUT_HEAD_DIM = new Set(["deepseek_v2", "deepseek_v3", "deepseek_v32", "kimi_k2", "glm_moe_dsa", "glm4_moe_lite", "kimi_linear"]);

interface Layout {
  text: Json;
  outer: Json;
  modelType: string;
  architecture: string;
}

/**
 * transformers' config-class defaults for the keys a config.json may leave out; LLaVA's `text_config`
 * names only what differs from `LlamaConfig()`.
 */
const CONFIG_CLASS_DEFAULTS: Record<string, Json> = {
  llama: { hidden_size: 4096, intermediate_size: 11008, num_hidden_layers: 32, num_attention_heads: 32, vocab_size: 32000, max_position_embeddings: 2048 },
  mistral: { hidden_size: 4096, intermediate_size: 14336, num_hidden_layers: 32, num_attention_heads: 32, num_key_value_heads: 8, vocab_size: 32000, max_position_embeddings: 131072 },
};

/** The language model's settings: multimodal checkpoints nest them under `text_config` (or `llm_config`). */
function layoutOf(config: unknown): Layout {
  if (!isRecord(config)) throw new ConfigImportError("config.json must be a JSON object");
  let text = config;
  for (const key of ["text_config", "llm_config", "language_config"]) {
    const nested = recordAt(config, key);
    if (nested && Object.keys(nested).length > 3) {
      text = nested;
      break;
    }
  }
  const thinker = recordAt(config, "thinker_config");
  if (thinker) throw new ConfigImportError("this is an omni (thinker/talker) model, which the importer does not size; describe it in settings.vram.models by hand");
  const modelType = stringAt(text, "model_type") ?? stringAt(config, "model_type") ?? "";
  const defaults = text !== config ? CONFIG_CLASS_DEFAULTS[modelType] : undefined;
  if (defaults) text = { ...defaults, ...text };
  const architectures = Array.isArray(config.architectures) ? config.architectures : Array.isArray(text.architectures) ? text.architectures : [];
  const architecture = typeof architectures[0] === "string" ? architectures[0] : modelType;
  return { text, outer: config, modelType, architecture };
}

/**
 * The catalog entry for a parsed `config.json`. Throws `ConfigImportError` for what it cannot read or
 * does not understand, naming the key or the architecture.
 */
export function importModelConfig(input: ConfigImportInput): ModelEntry {
  const layout = layoutOf(input.config);
  const { text, outer } = layout;
  const outerType = stringAt(outer, "model_type") ?? "";
  const refusal = REFUSED[layout.modelType] ?? REFUSED[outerType] ?? (outer.is_encoder_decoder === true ? "an encoder-decoder model" : undefined);
  if (refusal) throw new ConfigImportError(`${layout.architecture || layout.modelType} is ${refusal}; the importer sizes decoder-only language models and BERT-style encoders`);
  if (ENCODER_TYPES.has(layout.modelType)) return importEncoder(input, layout);
  if (!KNOWN_TYPES.has(layout.modelType) && !KNOWN_TYPES.has(outerType)) {
    throw new ConfigImportError(
      `model_type "${layout.modelType || "(none)"}" (${layout.architecture || "no architectures"}) is not an architecture the importer knows; ` +
        "extend a catalog entry of the same architecture in settings.vram.models (extends) or describe it in full",
    );
  }
  const notes: string[] = [];
  const modelType = layout.modelType;

  const nested = (key: string) => recordAt(text, key) ?? {};
  const attnConfig = nested("attn_config");
  const ffnConfig = nested("ffn_config");
  let layers = numberAt(text, "num_hidden_layers", "n_layer", "n_layers", "num_layers");
  const hiddenSize = numberAt(text, "hidden_size", "n_embd", "d_model", "dim", "model_dim", "n_embed");
  const heads = numberAt(text, "num_attention_heads", "n_head", "n_heads", "num_heads");
  const vocabSize = numberAt(text, "vocab_size", "padded_vocab_size", "n_vocab") ?? numberAt(outer, "vocab_size");
  const missing = [
    ["num_hidden_layers", layers],
    ["hidden_size", hiddenSize],
    ["num_attention_heads", heads],
    ["vocab_size", vocabSize],
  ].filter(([, value]) => value === undefined || (value as number) <= 0);
  if (missing.length > 0 && !(modelType === "nemotron_h" && missing.length === 1 && missing[0]![0] === "num_hidden_layers")) {
    throw new ConfigImportError(`config.json has no ${missing.map(([key]) => key).join(", ")} (looked under text_config too), so the model cannot be sized`);
  }
  const h = hiddenSize!;
  const attentionHeads = heads!;

  // Attention heads and KV heads.
  let kvHeads =
    numberAt(text, "num_key_value_heads", "num_kv_heads", "n_head_kv", "n_kv_heads") ??
    numberAt(attnConfig, "kv_n_heads") ??
    (text.multi_query_attention === true ? numberAt(text, "multi_query_group_num") : undefined) ??
    (text.multi_query === true ? 1 : undefined) ??
    attentionHeads;
  if (modelType === "falcon" && text.new_decoder_architecture !== true && text.multi_query !== false) kvHeads = numberAt(text, "num_kv_heads") ?? 1;
  if (modelType === "falcon" && text.new_decoder_architecture === true) kvHeads = numberAt(text, "num_kv_heads") ?? attentionHeads;
  let headDim = numberAt(text, "head_dim", "kv_channels", "attention_head_dim") ?? Math.floor(h / attentionHeads);
  if (MLA_TYPES_WITHOUT_HEAD_DIM.has(modelType) && numberAt(text, "head_dim") === undefined) headDim = Math.max(1, Math.floor(h / attentionHeads));

  let attention = attentionOf(text, attentionHeads, kvHeads);
  if (BIDIRECTIONAL_TYPES.has(modelType) || /Bidirectional/.test(layout.architecture) || text.use_bidirectional_attention === true) {
    // A decoder's layers run bidirectionally as an embedding encoder (NVIDIA's Llama-based retrievers,
    // EmbeddingGemma's `use_bidirectional_attention`): nothing is cached.
    attention = { kind: "encoder" };
    notes.push(`${layout.architecture || modelType} attends bidirectionally (an embedding encoder): no KV cache`);
  }

  // Tied embeddings.
  // LFM2's first configs write `tie_embedding`, which transformers' Lfm2Config reads as tie_word_embeddings.
  const tieKey = [text.tie_word_embeddings, outer.tie_word_embeddings, text.tie_embedding].find((value) => typeof value === "boolean");
  const tieWritten = typeof tieKey === "boolean" ? tieKey : undefined;
  let tieWordEmbeddings = tieWritten ?? TIE_DEFAULT[modelType] ?? true;
  if (HEADLESS.has(layout.architecture)) {
    tieWordEmbeddings = true;
    notes.push(`${layout.architecture} has no LM head (an embedding model): only the input embeddings are counted`);
  }

  // MLP width, MoE.
  let intermediate =
    (modelType === "lfm2" ? lfm2FeedForward(text) : undefined) ??
    meanLayerWidth(text) ??
    numberAt(text, "intermediate_size", "ffn_hidden_size", "n_inner", "ffn_dim", "ff_intermediate_size") ??
    numberAt(ffnConfig, "ffn_hidden_size") ??
    (numberAt(text, "expansion_ratio") !== undefined ? numberAt(text, "expansion_ratio")! * h : undefined) ??
    (UNGATED_MLP.has(modelType) ? 4 * h : undefined);
  // Qwen (v1) writes the sum of its two up-projections as intermediate_size.
  if (modelType === "qwen" && intermediate !== undefined) intermediate = intermediate / 2;
  const denseWidthKey = numberAt(text, "intermediate_size_mlp", "dense_intermediate_size");
  const ungated = UNGATED_MLP.has(modelType);
  if (ungated && intermediate !== undefined) {
    notes.push(`ungated MLP (2 matrices): width stored as 2/3 of intermediate_size ${intermediate} so the estimator's 3 × hidden × width counts it exactly`);
    intermediate = Math.round((intermediate * 2) / 3);
  }

  let moe = moeOf(text, layers ?? 0, intermediate, notes);
  let denseIntermediate: number | null = intermediate ?? null;
  if (moe) {
    // Mixtral-style configs write the expert width as intermediate_size; a dense width, when any layer is dense, has its own key.
    denseIntermediate = moe.spec.moeLayers < (layers ?? 0) || moe.denseAlongside ? (denseWidthKey ?? intermediate ?? null) : null;
    if (moe.denseAlongside && denseIntermediate !== null) {
      // Arctic's residual MLP, Gemma 4's dense MLP beside the experts: always on, so a shared expert.
      moe.spec.sharedExperts += 1;
      moe.spec.sharedExpertIntermediateSize = moe.spec.sharedExperts > 1 && moe.spec.sharedExpertIntermediateSize !== null
        ? Math.round(((moe.spec.sharedExperts - 1) * moe.spec.sharedExpertIntermediateSize + denseIntermediate) / moe.spec.sharedExperts)
        : denseIntermediate;
      notes.push(`a dense MLP of ${denseIntermediate} runs beside the experts in every MoE layer: counted as a shared expert`);
      if (moe.spec.moeLayers >= (layers ?? 0)) denseIntermediate = null;
    }
  }

  let recurrent: RecurrentLayersSpec | null = null;
  let windowed: WindowedAttentionSpec | null = null;
  const maxPositionEmbeddings = maxPositionOf(text, outer);

  // Architectures that regroup layers.
  if (modelType === "nemotron_h") {
    const folded = foldNemotronH(text, h, notes);
    layers = folded.layers;
    recurrent = folded.recurrent;
    denseIntermediate = folded.intermediate;
    moe = folded.moe ? { spec: folded.moe, denseAlongside: false } : null;
  } else if (modelType === "nemotron-nas" || modelType === "deci" || Array.isArray(text.block_configs)) {
    const folded = foldDeciLm(text, h, attentionHeads, notes);
    layers = folded.layers;
    kvHeads = folded.kvHeads;
    denseIntermediate = folded.intermediate;
  } else {
    recurrent = recurrentOf(text, modelType, layers!, h, attentionHeads, notes);
  }
  windowed = windowOf(text, modelType, layers!, recurrent?.layers ?? 0, maxPositionEmbeddings);
  const fullLayerKv = windowed && modelType.startsWith("gemma4") ? gemma4FullLayerKv(text, kvHeads, headDim) : undefined;
  if (windowed && fullLayerKv) windowed = { ...windowed, fullLayerKv };

  if (denseIntermediate === null && modelType !== "nemotron_h" && (!moe || moe.spec.moeLayers < layers!)) {
    throw new ConfigImportError("config.json has no intermediate_size for the dense MLP layers, so the model cannot be sized");
  }

  const format = storedFormat(outer, text, input.hfQuantConfig, notes);
  const visionParams =
    visionParamsOf(outer, layout, h, notes) +
    gemma4Extras(text, modelType, h, attentionHeads, kvHeads, headDim, intermediate ?? 0, notes) +
    gemma3nExtras(text, modelType, h, headDim, intermediate ?? 0, notes);

  const entry: ModelEntry = {
    id: input.id,
    aliases: input.aliases ?? [],
    architecture: layout.architecture,
    layers: layers!,
    hiddenSize: h,
    intermediateSize: denseIntermediate === null ? null : Math.max(1, Math.round(denseIntermediate)),
    attentionHeads,
    kvHeads: Math.max(1, kvHeads),
    headDim: Math.max(1, headDim),
    vocabSize: vocabSize!,
    tieWordEmbeddings,
    maxPositionEmbeddings,
    attention,
    windowedAttention: windowed,
    recurrent,
    moe: moe?.spec ?? null,
    params: { total: 1, active: 1 },
    nativeFormat: format,
    checkpointBytes: null,
    sources: input.sources,
  };
  const shape = modelShape(entry);
  entry.params = {
    total: shape.derivedTotal + visionParams,
    active: shape.derivedActive,
    ...(visionParams > 0 ? { vision: visionParams } : {}),
  };
  // Gemma 3n's E2B/E4B name its "effective" size: the model without the PLE table, which can stay off the accelerator.
  const pleTable = modelType === "gemma3n_text" ? gemma3nPleTable(text) : 0;
  if (pleTable > 0) notes.push(`effective parameters (without the PLE table): ${((entry.params.total - pleTable) / 1e9).toFixed(2)}B of the ${(entry.params.total / 1e9).toFixed(2)}B counted`);
  const mtp = mtpParamsOf(text, entry, shape.layers);
  if (mtp > 0) {
    entry.params.mtp = mtp;
    notes.push(`the checkpoint also holds ${mtpLayersOf(text)} multi-token-prediction layer(s) (~${(mtp / 1e9).toFixed(2)}B parameters) that engines load only for speculative decoding`);
  }
  const bytes = checkpointBytesOf(input.safetensorsIndex, entry, mtp, notes);
  if (bytes !== null) entry.checkpointBytes = bytes;
  if (notes.length > 0) entry.notes = notes;
  return entry;
}

/**
 * Gemma 4's full-attention layers cache their own KV geometry (`num_global_key_value_heads` ×
 * `global_head_dim`, config.json), not the sliding layers'. A K shared with V
 * (`attention_k_eq_v`) is still counted twice: engines allocate K and V pages alike.
 */
function gemma4FullLayerKv(text: Json, kvHeads: number, headDim: number): { kvHeads: number; headDim: number } | undefined {
  const globalHeadDim = numberAt(text, "global_head_dim");
  if (globalHeadDim === undefined) return undefined;
  const globalKv = numberAt(text, "num_global_key_value_heads") ?? kvHeads;
  return globalKv === kvHeads && globalHeadDim === headDim ? undefined : { kvHeads: globalKv, headDim: globalHeadDim };
}

/**
 * Gemma 4 parameters the layer model does not hold, counted with the towers so weights stay exact:
 * its full-attention layers use a wider head (`global_head_dim`, K shared with V), the small models
 * add per-layer input embeddings (PLE) and double-width MLPs on their KV-sharing layers.
 */
function gemma4Extras(text: Json, modelType: string, h: number, heads: number, kvHeads: number, headDim: number, intermediate: number, notes: string[]): number {
  if (!modelType.startsWith("gemma4")) return 0;
  let extra = 0;
  const layerTypes = stringsAt(text, "layer_types") ?? [];
  const globalLayers = layerTypes.filter((type) => type === "full_attention").length;
  const globalHeadDim = numberAt(text, "global_head_dim");
  if (globalHeadDim !== undefined && globalLayers > 0) {
    const globalKv = numberAt(text, "num_global_key_value_heads") ?? kvHeads;
    const kvMatrices = text.attention_k_eq_v === true ? 1 : 2;
    const local = 2 * h * heads * headDim + 2 * h * kvHeads * headDim;
    const global = 2 * h * heads * globalHeadDim + kvMatrices * h * globalKv * globalHeadDim;
    extra += globalLayers * (global - local);
    notes.push(`${globalLayers} full-attention layers use ${globalKv} KV heads of ${globalHeadDim} (the sliding layers ${kvHeads} of ${headDim}), each cached at its own size`);
  }
  const ple = numberAt(text, "hidden_size_per_layer_input") ?? 0;
  const layers = numberAt(text, "num_hidden_layers") ?? 0;
  if (ple > 0) {
    const pleVocab = numberAt(text, "vocab_size_per_layer_input") ?? numberAt(text, "vocab_size") ?? 0;
    extra += pleVocab * layers * ple + layers * 2 * h * ple + h * layers * ple;
    notes.push(`per-layer input embeddings (${pleVocab} × ${layers} × ${ple}) are loaded with the weights and counted beside the vision tower`);
  }
  const shared = numberAt(text, "num_kv_shared_layers") ?? 0;
  if (shared > 0) {
    if (text.use_double_wide_mlp === true) extra += shared * 3 * h * intermediate;
    notes.push(`the last ${shared} layers reuse earlier layers' KV cache; the KV estimate counts them too (an overestimate)`);
  }
  return extra;
}

/** A per-layer `intermediate_size` list whose widths differ (Gemma 3n's MatFormer slices): their mean, the rest counted beside. */
function meanLayerWidth(text: Json): number | undefined {
  const widths = numbersAt(text, "intermediate_size");
  if (!widths || widths.length < 2 || widths.every((width) => width === widths[0])) return undefined;
  return Math.round(widths.reduce((sum, width) => sum + width, 0) / widths.length);
}

/**
 * Gemma 3n parameters the layer model does not hold (transformers' `Gemma3nTextModel` and
 * `Gemma3nTextDecoderLayer`), counted with the towers so the total is what vLLM loads, all of it on the
 * GPU: per-layer input embeddings (PLE) with their projections, AltUp's predict/correct coefficients and
 * projections, LAuReL's low-rank residual, the extra norms, and the MLP widths a mean width leaves out.
 * The vision (MobileNet-V5, a timm model) and audio towers are not described layer by layer in
 * config.json and are not counted.
 */
function gemma3nExtras(text: Json, modelType: string, h: number, headDim: number, meanWidth: number, notes: string[]): number {
  if (modelType !== "gemma3n_text") return 0;
  const layers = numberAt(text, "num_hidden_layers") ?? 0;
  const ple = numberAt(text, "hidden_size_per_layer_input") ?? 0;
  const pleVocab = numberAt(text, "vocab_size_per_layer_input") ?? numberAt(text, "vocab_size") ?? 0;
  const altupInputs = numberAt(text, "altup_num_inputs") ?? 4;
  const laurelRank = numberAt(text, "laurel_rank") ?? 64;
  const pleTable = gemma3nPleTable(text);
  // embed_tokens_per_layer, per_layer_model_projection (h → layers × ple) and its norm; per layer the input gate
  // (h → ple), the projection back (ple → h) and post_per_layer_input_norm.
  const perLayerInputs = pleTable + h * layers * ple + ple + layers * (2 * h * ple + h);
  // Per layer: AltUp (correct_output_scale, correction n × n, prediction n × n², modality router h × n, router norm),
  // LAuReL (h → rank → h, post norm), pre/post feed-forward norms beyond the layer model's two, q_norm and k_norm.
  const perLayer = h + altupInputs ** 2 + altupInputs ** 3 + h * altupInputs + h + 2 * h * laurelRank + h + 2 * h + 2 * headDim;
  // altup_projections and altup_unembed_projections: n − 1 of h × h each.
  const altupProjections = 2 * (altupInputs - 1) * h * h;
  const widths = numbersAt(text, "intermediate_size") ?? [];
  const widthRest = widths.length > 1 ? 3 * h * (widths.reduce((sum, width) => sum + width, 0) - widths.length * meanWidth) : 0;
  const extra = perLayerInputs + layers * perLayer + altupProjections + widthRest;
  const shared = numberAt(text, "num_kv_shared_layers") ?? 0;
  notes.push(
    `per-layer input embeddings (PLE, ${pleVocab} × ${layers} × ${ple} = ${(pleTable / 1e9).toFixed(2)}B parameters) can be kept off the accelerator; vLLM loads them on the GPU, so they are counted`,
  );
  if (shared > 0) notes.push(`the last ${shared} layers reuse earlier layers' KV cache; the KV estimate counts them too (an overestimate)`);
  notes.push("the MobileNet-V5 vision and audio towers are not described layer by layer in config.json and are not counted; give model.safetensors.index.json for the exact weight bytes");
  return extra;
}

/** Gemma 3n's per-layer embedding table (`embed_tokens_per_layer`): vocab_size_per_layer_input × layers × hidden_size_per_layer_input. */
function gemma3nPleTable(text: Json): number {
  const pleVocab = numberAt(text, "vocab_size_per_layer_input") ?? numberAt(text, "vocab_size") ?? 0;
  return pleVocab * (numberAt(text, "num_hidden_layers") ?? 0) * (numberAt(text, "hidden_size_per_layer_input") ?? 0);
}

/**
 * GLM-V's vision tower (transformers `Glm4vVisionModel`; GLM-OCR's `GlmOcrVisionModel`): a Conv3d patch
 * embedding, RMSNorm blocks with a fused qkv and a gated MLP, a Conv2d that merges spatial_merge_size² patches
 * into out_hidden_size, and a merger (proj, LayerNorm, gated MLP). GLM-4.1V/4.6V add learned positions and a
 * post-conv norm, and size the block MLP by out_hidden_size without biases; GLM-OCR drops both, normalises q and
 * k per head and sizes the block MLP by intermediate_size with biases (attention_bias).
 */
function glmVisionParams(vision: Json, ocr: boolean, notes: string[]): number {
  // Keys a config leaves out take transformers' Glm4vVisionConfig defaults.
  const h = numberAt(vision, "hidden_size") ?? 1536;
  const depth = numberAt(vision, "depth") ?? 24;
  const out = numberAt(vision, "out_hidden_size") ?? 4096;
  const width = numberAt(vision, "intermediate_size") ?? 13696;
  const heads = numberAt(vision, "num_heads") ?? 12;
  const patch = numberAt(vision, "patch_size") ?? 14;
  const temporal = numberAt(vision, "temporal_patch_size") ?? 2;
  const merge = numberAt(vision, "spatial_merge_size") ?? 2;
  const channels = numberAt(vision, "in_channels") ?? 3;
  const bias = vision.attention_bias === true ? 1 : 0;
  const patchEmbedding = channels * temporal * patch * patch * h + h;
  // GLM-4.1V/4.6V: learned positions for (image_size / patch_size)² patches and the post-conv RMSNorm.
  const positions = ocr ? 0 : ((numberAt(vision, "image_size") ?? 336) / patch) ** 2 * h + h;
  const attention = 3 * h * h + bias * 3 * h + h * h + (ocr ? bias * h + 2 * Math.floor(h / heads) : 0);
  const mlp = ocr ? 3 * h * width + bias * (2 * width + h) : 3 * h * out;
  const block = 2 * h + attention + mlp;
  const downsample = h * out * merge * merge + out;
  const context = ocr ? out * channels : width;
  const merger = out * out + 2 * out + 3 * out * context;
  const total = patchEmbedding + positions + depth * block + h + downsample + merger; // h: post_layernorm
  notes.push(`vision tower (${depth} layers × ${h}), patch merger and projector counted from vision_config: ${(total / 1e6).toFixed(0)}M parameters`);
  return total;
}

/**
 * MiniCPM-V 2.5 and later (vLLM `MiniCPMV2_5`…, the Hub's modeling_minicpmv.py): a SigLIP vision tower
 * (learned positions for (image_size / patch_size)² patches, no class token, the last layer dropped with
 * `drop_vision_last_layer`) and a one-layer perceiver resampler of `query_num` queries into the language
 * model's width (kv_proj, multi-head attention, three LayerNorms, a square output projection; its 2D sincos
 * positions are a buffer, not weights).
 */
function minicpmvVisionParams(outer: Json, vision: Json | undefined, textHidden: number, notes: string[]): number {
  if (!vision) {
    notes.push(`the vision encoder (${stringAt(outer, "vision_encoder") ?? "not named"}) is not described in config.json: it is not counted`);
    return 0;
  }
  // Keys a config leaves out take transformers' SiglipVisionConfig defaults.
  const h = numberAt(vision, "hidden_size") ?? 768;
  const width = numberAt(vision, "intermediate_size") ?? 3072;
  const patch = numberAt(vision, "patch_size") ?? 16;
  const channels = numberAt(vision, "num_channels") ?? 3;
  const layers = (numberAt(vision, "num_hidden_layers") ?? 12) - (outer.drop_vision_last_layer === true ? 1 : 0);
  const positions = Math.floor((numberAt(vision, "image_size") ?? 224) / patch) ** 2;
  // Per layer: q, k, v, o with biases, fc1 and fc2 with biases, two LayerNorms.
  const perLayer = 4 * h * h + 4 * h + 2 * h * width + width + h + 4 * h;
  const tower = channels * patch * patch * h + h + positions * h + layers * perLayer + 2 * h;
  const queries = numberAt(outer, "query_num") ?? 64;
  const e = textHidden;
  const resampler = queries * e + (h !== e ? h * e : 0) + 4 * e * e + 4 * e + 3 * 2 * e + e * e;
  notes.push(`SigLIP vision tower (${layers} layers × ${h}) and a ${queries}-query resampler counted from config.json: ${((tower + resampler) / 1e6).toFixed(0)}M parameters`);
  return tower + resampler;
}

/**
 * Encoder-only models (embedding and reranking: BERT, RoBERTa/XLM-RoBERTa, DistilBERT, NomicBERT,
 * ModernBERT), as the transformers and vLLM implementations lay them out (`vllm/model_executor/models/
 * {bert,roberta,bert_with_rope,modernbert}.py`). They keep no KV cache (attention `encoder`). The layer
 * model holds their attention and MLP matrices; the parameters it has no place for — position and
 * token-type embeddings, biases, LayerNorm biases, the pooler or classifier head — are counted beside
 * the layers (`params.vision`, what the engine loads outside the decoder layers), so the total is exact.
 */
const ENCODER_TYPES = new Set(["bert", "roberta", "xlm-roberta", "distilbert", "nomic_bert", "modernbert"]);

function importEncoder(input: ConfigImportInput, layout: Layout): ModelEntry {
  const { text, modelType, architecture } = layout;
  const notes: string[] = [];
  const h = numberAt(text, "hidden_size", "n_embd", "dim");
  const layers = numberAt(text, "num_hidden_layers", "n_layer", "n_layers");
  const heads = numberAt(text, "num_attention_heads", "n_head", "n_heads");
  const vocab = numberAt(text, "vocab_size");
  const width = numberAt(text, "intermediate_size", "n_inner", "hidden_dim") ?? (h === undefined ? undefined : 4 * h);
  const missing = Object.entries({ hidden_size: h, num_hidden_layers: layers, num_attention_heads: heads, vocab_size: vocab }).filter(([, value]) => !value || value <= 0);
  if (missing.length > 0 || width === undefined) throw new ConfigImportError(`config.json has no ${missing.map(([key]) => key).join(", ") || "intermediate_size"}, so the encoder cannot be sized`);

  // MLP: NomicBERT's SwiGLU and ModernBERT's GeGLU have three matrices (ModernBERT writes one fused up
  // projection of 2 × intermediate_size); the others two, stored as the gated-equivalent 2/3 width.
  // JinaBERT's `feed_forward_type: geglu` is one bias-free up projection of 2 × intermediate_size and a down projection with bias.
  const gluFeedForward = /glu$/.test(String(text.feed_forward_type ?? ""));
  const gated = modelType === "nomic_bert" || modelType === "modernbert" || gluFeedForward;
  const storedWidth = gated ? width : Math.round((width * 2) / 3);
  if (!gated) notes.push(`ungated MLP (2 matrices): width stored as 2/3 of intermediate_size ${width} so the estimator's 3 × hidden × width counts it`);
  // ALiBi (JinaBERT) biases attention by distance: no position embedding matrix.
  const alibi = text.position_embedding_type === "alibi";

  // Biases and norms, per layer: BERT-style layers have biases on every projection and two LayerNorms
  // with bias; NomicBERT writes which biases it has; ModernBERT has none and bias-free norms (the first
  // layer has no attention norm).
  const nomicBias = (key: string) => (text[key] === false ? 0 : 1);
  let perLayerExtra: number;
  let embeddingExtra: number;
  let headExtra = 0;
  const positions = numberAt(text, "max_position_embeddings", "n_positions") ?? 512;
  const tokenTypes = numberAt(text, "type_vocab_size") ?? (modelType === "distilbert" || modelType === "modernbert" ? 0 : 2);
  if (modelType === "modernbert") {
    perLayerExtra = 0; // bias-free LayerNorms: h each, as the layer model counts them
    embeddingExtra = -h!; // the first layer's attention norm is an identity
    notes.push("ModernBERT: bias-free projections and norms; local attention on 2 of 3 layers keeps no cache either");
  } else if (modelType === "nomic_bert") {
    perLayerExtra = nomicBias("qkv_proj_bias") * 4 * h! + nomicBias("mlp_fc1_bias") * 2 * width + nomicBias("mlp_fc2_bias") * h! + 2 * h!;
    embeddingExtra = tokenTypes * h! + 2 * h!;
    notes.push("NomicBERT: rotary positions, SwiGLU MLP");
  } else {
    // Biases of Q, K, V and the attention output, of the MLP's projections (a GLU up projection has none), and of the two LayerNorms.
    perLayerExtra = 4 * h! + (gluFeedForward ? 0 : width) + h! + 2 * h!;
    embeddingExtra = ((alibi ? 0 : positions) + tokenTypes) * h! + 2 * h! - h!; // the embedding LayerNorm takes the final norm's place
    if (gluFeedForward) notes.push(`${String(text.feed_forward_type)} MLP: a bias-free up projection of 2 × ${width} and a down projection`);
    if (alibi) notes.push("ALiBi attention biases: no position embeddings");
  }
  // The pooler (transformers' `*Model` classes load one) or a sequence-classification head (rerankers).
  const labels = isRecord(text.id2label) ? Object.keys(text.id2label).length : (numberAt(text, "num_labels") ?? 1);
  if (/ForSequenceClassification$/.test(architecture)) {
    headExtra = modelType === "modernbert" ? h! * h! + 2 * h! + h! * labels + labels : h! * h! + h! + h! * labels + labels;
    notes.push(`${architecture}: a classification head of ${labels} label(s) (a reranker or classifier)`);
  } else if (/^(Bert|Roberta|XLMRoberta)Model$/.test(architecture) && text.add_pooling_layer !== false) {
    headExtra = h! * h! + h!;
    notes.push(`${architecture}: the pooler (${h} × ${h}) is loaded with the weights`);
  }
  let maxPositionEmbeddings = positions;
  if (modelType === "roberta" || modelType === "xlm-roberta") {
    // RoBERTa's positions start after the padding index: 514 positions serve 512 tokens.
    const padding = (numberAt(text, "pad_token_id") ?? 1) + 1;
    maxPositionEmbeddings = Math.max(1, positions - padding);
    notes.push(`max_position_embeddings ${positions} includes the padding offset of ${padding}: ${maxPositionEmbeddings} tokens`);
  }

  const entry: ModelEntry = {
    id: input.id,
    aliases: input.aliases ?? [],
    architecture,
    layers: layers!,
    hiddenSize: h!,
    intermediateSize: storedWidth,
    attentionHeads: heads!,
    kvHeads: heads!,
    headDim: Math.floor(h! / heads!),
    vocabSize: vocab!,
    tieWordEmbeddings: true,
    maxPositionEmbeddings,
    attention: { kind: "encoder" },
    windowedAttention: null,
    recurrent: null,
    moe: null,
    params: { total: 1, active: 1 },
    nativeFormat: storedFormat(layout.outer, text, input.hfQuantConfig, notes),
    checkpointBytes: null,
    sources: input.sources,
  };
  const shape = modelShape(entry);
  // Exact MLP of the ungated families (the stored width rounds) plus everything outside the layer model.
  const mlpCorrection = gated ? 0 : layers! * (2 * h! * width - 3 * h! * storedWidth);
  const outside = Math.max(0, layers! * perLayerExtra + embeddingExtra + headExtra + mlpCorrection);
  entry.params = { total: shape.derivedTotal + outside, active: shape.derivedTotal + outside, ...(outside > 0 ? { vision: outside } : {}) };
  notes.push(`an encoder: no KV cache; position and token-type embeddings, biases and the pooler or head (${(outside / 1e6).toFixed(2)}M parameters) are counted beside the layers`);
  const bytes = checkpointBytesOf(input.safetensorsIndex, entry, 0, notes);
  if (bytes !== null) entry.checkpointBytes = bytes;
  entry.notes = notes;
  return entry;
}

function attentionOf(text: Json, heads: number, kvHeads: number): AttentionSpec {
  const kvLoraRank = numberAt(text, "kv_lora_rank");
  if (kvLoraRank !== undefined && kvLoraRank > 0) {
    const qkRopeHeadDim = numberAt(text, "qk_rope_head_dim");
    const qkNopeHeadDim = numberAt(text, "qk_nope_head_dim");
    const vHeadDim = numberAt(text, "v_head_dim");
    if (!qkRopeHeadDim || !qkNopeHeadDim || !vHeadDim) {
      throw new ConfigImportError("config.json has kv_lora_rank (multi-head latent attention) but not qk_rope_head_dim, qk_nope_head_dim and v_head_dim");
    }
    const qLoraRank = numberAt(text, "q_lora_rank");
    return { kind: "mla", kvLoraRank, qkRopeHeadDim, qkNopeHeadDim, vHeadDim, qLoraRank: qLoraRank && qLoraRank > 0 ? qLoraRank : null };
  }
  // Qwen3-Next and Qwen3.5 gate the attention output through q_proj unless the config turns it off.
  const modelType = stringAt(text, "model_type") ?? "";
  const gated = text.attn_output_gate === true || ((modelType.startsWith("qwen3_next") || modelType.startsWith("qwen3_5")) && text.attn_output_gate !== false);
  return { kind: kvHeads < heads ? "gqa" : "mha", ...(gated ? { outputGate: true as const } : {}) };
}

/**
 * The context the engine allows when `max_model_len` is unset, as vLLM derives it
 * (`_get_and_verify_max_len`): the smallest of the length keys, scaled by a RoPE factor except for
 * the `llama3`, `longrope` and `su` types (whose configs already state the scaled length); YaRN scales
 * `original_max_position_embeddings`.
 */
function maxPositionOf(text: Json, outer: Json): number {
  const keys = ["max_position_embeddings", "n_positions", "max_seq_len", "seq_length", "model_max_length", "max_sequence_length", "max_seq_length", "seq_len"];
  const lengths = keys.map((key) => numberAt(text, key) ?? numberAt(outer, key)).filter((value): value is number => value !== undefined && value > 0);
  if (lengths.length === 0) throw new ConfigImportError("config.json states no context length (max_position_embeddings or an equivalent)");
  let length = Math.min(...lengths);
  const scaling = recordAt(text, "rope_scaling") ?? recordAt(outer, "rope_scaling");
  // vLLM leaves Gemma 3's linear factor out: its max_position_embeddings already is the scaled length.
  const modelType = stringAt(text, "model_type") ?? stringAt(outer, "model_type") ?? "";
  if (scaling && !modelType.startsWith("gemma3") && !modelType.startsWith("gemma4")) {
    const type = stringAt(scaling, "rope_type") ?? stringAt(scaling, "type") ?? "default";
    if (!["su", "longrope", "llama3", "default", "mrope"].includes(type)) {
      const factor = numberAt(scaling, "factor") ?? 1;
      if (type === "yarn") length = numberAt(scaling, "original_max_position_embeddings") ?? length;
      length = Math.round(length * factor);
    }
  }
  return length;
}

interface MoeInfo {
  spec: MoeSpec;
  /** A dense MLP runs beside the experts (Arctic's residual MLP, Gemma 4). */
  denseAlongside: boolean;
}

function moeOf(text: Json, layers: number, intermediate: number | undefined, notes: string[]): MoeInfo | null {
  const ffnConfig = recordAt(text, "ffn_config") ?? {};
  const experts =
    numberAt(text, "n_routed_experts", "num_local_experts", "num_experts", "moe_num_experts", "num_experts_routed") ?? numberAt(ffnConfig, "moe_num_experts");
  if (experts === undefined || experts <= 1) return null;
  if (text.enable_moe_block === false) return null;
  const expertsPerToken =
    numberAt(text, "num_experts_per_tok", "num_experts_per_token", "moe_k", "moe_top_k", "top_k_experts", "experts_per_token", "moe_topk", "num_selected_experts") ??
    numberAt(ffnConfig, "moe_top_k");
  if (expertsPerToken === undefined) throw new ConfigImportError(`config.json has ${experts} experts but no experts-per-token key (num_experts_per_tok)`);
  const latent = numberAt(text, "moe_latent_size", "routed_expert_hidden_size");
  let expertWidth = numberAt(text, "moe_intermediate_size", "expert_intermediate_size") ?? numberAt(ffnConfig, "ffn_hidden_size") ?? intermediate;
  if (expertWidth === undefined) throw new ConfigImportError("config.json has experts but no expert width (moe_intermediate_size or intermediate_size)");
  if (Array.isArray(text.moe_intermediate_size) && new Set(text.moe_intermediate_size as unknown[]).size > 1) {
    notes.push("moe_intermediate_size varies by layer: the first value is used");
  }

  // Shared experts: DeepSeek counts them (each of the expert width); Qwen2-MoE names one wide one.
  let sharedExperts = numberAt(text, "n_shared_experts", "num_shared_experts", "moe_num_shared_experts", "num_shared_expert", "n_shared_expert") ?? 0;
  let sharedWidth: number | null = sharedExperts > 0 ? expertWidth : null;
  const sharedWidthKey = numberAt(text, "shared_expert_intermediate_size", "shared_intermediate_size", "share_expert_dim", "moe_shared_expert_intermediate_size");
  if (sharedWidthKey !== undefined && sharedWidthKey > 0) {
    if (sharedExperts === 0) sharedExperts = 1;
    sharedWidth = sharedWidthKey;
  }

  // Llama 4 adds one shared expert of intermediate_size to every MoE layer without a key for it.
  if (String(text.model_type ?? "").startsWith("llama4") && sharedExperts === 0) {
    sharedExperts = 1;
    sharedWidth = expertWidth;
  }
  const moeLayers = moeLayerCount(text, layers);
  const denseAlongside = text.parallel_attn_mlp_res === true || text.enable_moe_block === true || text.use_mixed_mlp_moe === true && sharedExperts === 0;
  const hidden = numberAt(text, "hidden_size") ?? 0;
  if (latent !== undefined && latent > 0 && hidden > 0 && expertWidth !== undefined) {
    // Experts read and write a narrower latent: 3 × latent × width each, stored as the hidden-size equivalent.
    notes.push(`routed experts work in a ${latent}-wide latent space: expert width ${expertWidth} stored as its ${hidden}-wide equivalent`);
    expertWidth = Math.max(1, Math.round((expertWidth * latent) / hidden));
  }
  return {
    spec: { experts, expertsPerToken, expertIntermediateSize: expertWidth, sharedExperts, sharedExpertIntermediateSize: sharedWidth, moeLayers: Math.max(1, moeLayers) },
    denseAlongside,
  };
}

/** How many of `layers` carry experts, from whichever key the family uses. */
function moeLayerCount(text: Json, layers: number): number {
  const freqList = numbersAt(text, "moe_layer_freq");
  if (freqList) return freqList.filter((flag) => flag !== 0).length;
  // Step 3.x lists the expert layers' indices as one string: `"moe_layers_enum": "3,4,…,44"`.
  const enumerated = text.moe_layers_enum;
  if (typeof enumerated === "string") return new Set(enumerated.split(",").map(Number).filter((layer) => Number.isInteger(layer) && layer >= 0 && layer < layers)).size;
  const firstDense = numberAt(text, "first_k_dense_replace", "num_dense_layers", "first_k_dense") ?? 0;
  const frequency = numberAt(text, "moe_layer_freq", "moe_layer_frequency", "moe_layer_interval", "expert_interval") ?? 1;
  const mlpOnly = new Set(numbersAt(text, "mlp_only_layers") ?? []);
  const sparseStep = numberAt(text, "decoder_sparse_step");
  const interleave = numberAt(text, "interleave_moe_layer_step");
  const start = numberAt(text, "moe_layer_start_index");
  const end = numberAt(text, "moe_layer_end_index");
  const period = numberAt(text, "expert_layer_period");
  const offset = numberAt(text, "expert_layer_offset") ?? 0;
  let count = 0;
  for (let layer = 0; layer < layers; layer++) {
    let moe: boolean;
    if (period !== undefined) moe = layer % period === offset;
    else if (interleave !== undefined && interleave > 0) moe = (layer + 1) % interleave === 0;
    else if (sparseStep !== undefined && sparseStep > 0) moe = !mlpOnly.has(layer) && (layer + 1) % sparseStep === 0;
    else if (start !== undefined) moe = layer >= start && (end === undefined || end < 0 || layer <= end) && (layer - start) % frequency === 0;
    else moe = layer >= firstDense && (layer - firstDense) % frequency === 0;
    if (moe) count++;
  }
  return count;
}

/**
 * Layers with a bounded attention window: `layer_types`, the family's pattern key, or a window on
 * every layer for the families that use one that way. Qwen's `sliding_window` counts only with
 * `use_sliding_window`; a window as long as the context bounds nothing.
 */
function windowOf(text: Json, modelType: string, layers: number, recurrentLayers: number, maxPosition: number): WindowedAttentionSpec | null {
  const attentionLayers = layers - recurrentLayers;
  const chunk = numberAt(text, "attention_chunk_size");
  const window = numberAt(text, "sliding_window", "sliding_window_size", "window_size");
  const layerTypes = stringsAt(text, "layer_types");
  let count = 0;
  let size = window;
  let kind: "sliding" | "chunked" = "sliding";
  if (modelType.startsWith("llama4")) {
    if (chunk === undefined) return null;
    const noRope = numbersAt(text, "no_rope_layers");
    // Llama 4 uses chunked attention on the RoPE layers: 3 of every 4.
    count = noRope ? noRope.filter((flag) => flag !== 0).length : layers - Math.floor(layers / 4);
    size = chunk;
    kind = "chunked";
  } else if (layerTypes) {
    // Only the model's own layers: Step 3.5 lists its multi-token-prediction layers' types after them.
    count = layerTypes.slice(0, layers).filter((type) => type.includes("sliding") || type.includes("chunked") || type === "local").length;
    if (layerTypes.some((type) => type.includes("chunked"))) {
      kind = "chunked";
      size = chunk ?? window;
    }
  } else if (numbersAt(text, "hybrid_layer_pattern")) {
    count = numbersAt(text, "hybrid_layer_pattern")!.filter((flag) => flag !== 0).length;
  } else if (modelType === "gemma2") {
    count = Math.ceil(layers / 2);
  } else if (numberAt(text, "sliding_window_pattern") !== undefined) {
    const pattern = numberAt(text, "sliding_window_pattern")!;
    count = layers - Math.floor(layers / pattern);
  } else if (typeof text.sliding_window_pattern === "string") {
    const pattern = text.sliding_window_pattern;
    for (let layer = 0; layer < layers; layer++) if (pattern[layer % pattern.length] === "L") count++;
  } else if (["qwen2", "qwen2_moe", "qwen3", "qwen3_moe", "qwen2_vl", "qwen2_5_vl", "qwen2_vl_text", "qwen2_5_vl_text"].includes(modelType)) {
    if (text.use_sliding_window !== true) return null;
    count = layers - (numberAt(text, "max_window_layers") ?? 0);
  } else if (["mistral", "mixtral", "starcoder2", "phi3", "phimoe", "ministral"].includes(modelType)) {
    count = layers;
  } else {
    return null;
  }
  if (size === undefined || size <= 0 || size >= maxPosition || count <= 0) return null;
  return { kind, window: size, layers: Math.min(count, attentionLayers) };
}

/**
 * LFM2's feed-forward width as transformers' Lfm2MLP builds it: `block_ff_dim` (which Lfm2Config
 * reads over intermediate_size) and, with `block_auto_adjust_ff_dim` (default on), 2/3 of it, times
 * `block_ffn_dim_multiplier`, rounded up to `block_multiple_of` (LFM2-1.2B: 12288 → 8192).
 */
function lfm2FeedForward(text: Json): number | undefined {
  const written = numberAt(text, "block_ff_dim", "intermediate_size");
  if (written === undefined) return undefined;
  if (text.block_auto_adjust_ff_dim === false) return written;
  const multipleOf = numberAt(text, "block_multiple_of") ?? 256;
  let width = Math.floor((2 * written) / 3);
  const multiplier = numberAt(text, "block_ffn_dim_multiplier");
  if (multiplier !== undefined) width = Math.floor(multiplier * width);
  return multipleOf * Math.ceil(width / multipleOf);
}

/** Recurrent (Mamba, linear-attention, short-convolution) layers and their per-sequence state, for the hybrid families. */
function recurrentOf(text: Json, modelType: string, layers: number, h: number, heads: number, notes: string[]): RecurrentLayersSpec | null {
  const layerTypes = stringsAt(text, "layer_types") ?? stringsAt(text, "layers_block_type");
  if (modelType === "lfm2" || modelType === "lfm2_moe") {
    // `layer_types` ("conv" / "full_attention"), or the first configs' `full_attn_idxs`; LFM2-MoE keeps the same mixers.
    const attention = layerTypes ? layerTypes.filter((type) => type === "full_attention").length : (numbersAt(text, "full_attn_idxs")?.length ?? layers);
    const convolutions = layers - attention;
    if (convolutions <= 0) return null;
    const kernel = numberAt(text, "conv_L_cache") ?? 3;
    const bias = text.conv_bias === true ? 1 : 0;
    // in_proj (h → 3h), the depthwise convolution (h × kernel), out_proj (h → h), each with a bias when conv_bias is set.
    const params = 3 * h * h + h * kernel + h * h + bias * (3 * h + h + h);
    // vLLM's short_conv_state_shape: (conv_L_cache − 1) × hidden in the model dtype.
    const stateBytes = (kernel - 1) * h * 2;
    notes.push(
      `${convolutions} of ${layers} layers are short convolutions: no KV cache, a constant ${stateBytes}-byte state per sequence each (conv_L_cache ${kernel} − 1 tokens × hidden ${h} at 16 bits); only the ${attention} attention layers grow a KV cache`,
    );
    return { kind: "short-convolution", layers: convolutions, stateBytesPerSequencePerLayer: stateBytes, paramsPerLayer: params };
  }
  if (modelType === "jamba") {
    const period = numberAt(text, "attn_layer_period") ?? 8;
    const offset = numberAt(text, "attn_layer_offset") ?? 4;
    let attention = 0;
    for (let layer = 0; layer < layers; layer++) if (layer % period === offset) attention++;
    const dInner = (numberAt(text, "mamba_expand") ?? 2) * h;
    const dState = numberAt(text, "mamba_d_state") ?? 16;
    const dConv = numberAt(text, "mamba_d_conv") ?? 4;
    const dtRank = numberAt(text, "mamba_dt_rank") ?? Math.ceil(h / 16);
    const params = h * 2 * dInner + dInner * dConv + dInner + dInner * (dtRank + 2 * dState) + dtRank * dInner + dInner + dInner * dState + dInner + dInner * h + dtRank + 2 * dState;
    notes.push(`${layers - attention} Mamba layers keep a fixed state per sequence; only ${attention} attention layers hold KV cache`);
    // vLLM keeps both conv and SSM state in the model dtype (mamba_ssm_cache_dtype "auto").
    return { kind: "mamba", layers: layers - attention, stateBytesPerSequencePerLayer: ((dConv - 1) * dInner + dInner * dState) * 2, paramsPerLayer: params };
  }
  if (modelType === "granitemoehybrid" || modelType === "bamba") {
    const mambaLayers = layerTypes ? layerTypes.filter((type) => type === "mamba").length : layers - (numbersAt(text, "attn_layer_indices")?.length ?? 0);
    if (mambaLayers <= 0) return null;
    return mamba2(text, h, mambaLayers, {
      heads: numberAt(text, "mamba_n_heads"),
      headDim: numberAt(text, "mamba_d_head"),
      groups: numberAt(text, "mamba_n_groups"),
      state: numberAt(text, "mamba_d_state"),
      conv: numberAt(text, "mamba_d_conv"),
      expand: numberAt(text, "mamba_expand"),
    }, 2, notes, layers);
  }
  if (modelType.startsWith("qwen3_next") || modelType.startsWith("qwen3_5")) {
    const interval = numberAt(text, "full_attention_interval") ?? 4;
    const linear = layerTypes ? layerTypes.filter((type) => type === "linear_attention").length : layers - Math.floor(layers / interval);
    const valueHeads = numberAt(text, "linear_num_value_heads") ?? 32;
    const keyHeads = numberAt(text, "linear_num_key_heads") ?? 16;
    const keyDim = (numberAt(text, "linear_key_head_dim") ?? 128) * keyHeads;
    const valueHeadDim = numberAt(text, "linear_value_head_dim") ?? 128;
    const valueDim = valueHeadDim * valueHeads;
    const kernel = numberAt(text, "linear_conv_kernel_dim") ?? 4;
    const params = h * (2 * keyDim + 2 * valueDim) + h * 2 * valueHeads + (2 * keyDim + valueDim) * kernel + 2 * valueHeads + valueHeadDim + valueDim * h;
    // vLLM's gated_delta_net_state_shape: conv in the model dtype, the recurrent state in mamba_ssm_dtype (float32 when the config says so).
    const ssmBytes = stringAt(text, "mamba_ssm_dtype") === "float32" ? 4 : 2;
    const state = (kernel - 1) * (2 * keyDim + valueDim) * 2 + valueHeads * (keyDim / keyHeads) * valueHeadDim * ssmBytes;
    notes.push(`${linear} of ${layers} layers are Gated DeltaNet linear attention (fixed state per sequence, no KV cache)`);
    return { kind: "linear-attention", layers: linear, stateBytesPerSequencePerLayer: state, paramsPerLayer: params };
  }
  if (modelType === "minimax" || modelType === "minimax_m1" || modelType === "minimax_text_01") {
    const types = numbersAt(text, "attn_type_list");
    const linear = types ? types.filter((type) => type === 0).length : 0;
    if (linear === 0) return null;
    const headDim = numberAt(text, "head_dim") ?? h / heads;
    const inner = heads * headDim;
    notes.push(`${linear} lightning (linear) attention layers keep a ${heads} × ${headDim} × ${headDim} state per sequence; only the others hold KV cache`);
    return { kind: "linear-attention", layers: linear, stateBytesPerSequencePerLayer: heads * headDim * headDim * 2, paramsPerLayer: h * 3 * inner + h * inner + inner * h + inner };
  }
  if (modelType === "kimi_linear") {
    const linearConfig = recordAt(text, "linear_attn_config") ?? {};
    const kda = numbersAt(linearConfig, "kda_layers");
    if (!kda || kda.length === 0) return null;
    const kdaHeads = numberAt(linearConfig, "num_heads") ?? heads;
    const headDim = numberAt(linearConfig, "head_dim") ?? 128;
    const kernel = numberAt(linearConfig, "short_conv_kernel_size") ?? 4;
    const inner = kdaHeads * headDim;
    // q, k, v, o projections, their short convolutions, the low-rank decay and output gates, beta.
    const params = 4 * h * inner + 3 * inner * kernel + 2 * (h * headDim + headDim * inner) + h * kdaHeads + 2 * kdaHeads + inner + headDim;
    notes.push(`${kda.length} of ${layers} layers are Kimi Delta Attention (fixed state per sequence, no KV cache); the rest are MLA`);
    return { kind: "linear-attention", layers: kda.length, stateBytesPerSequencePerLayer: kdaHeads * headDim * headDim * 4 + 3 * (kernel - 1) * inner * 2, paramsPerLayer: params };
  }
  return null;
}

interface Mamba2Dims {
  heads: number | undefined;
  headDim: number | undefined;
  groups: number | undefined;
  state: number | undefined;
  conv: number | undefined;
  expand: number | undefined;
}

/** Mamba-2 mixer parameters and state (in_proj, conv1d, dt/A/D, gated norm, out_proj). */
function mamba2(text: Json, h: number, count: number, dims: Mamba2Dims, ssmBytes: number, notes: string[], totalLayers: number): RecurrentLayersSpec {
  const headDim = dims.headDim ?? 64;
  const heads = dims.heads ?? Math.floor(((dims.expand ?? 2) * h) / headDim);
  const inner = heads * headDim;
  const groups = dims.groups ?? 1;
  const state = dims.state ?? 128;
  const conv = dims.conv ?? 4;
  const convChannels = inner + 2 * groups * state;
  const params = h * (2 * inner + 2 * groups * state + heads) + convChannels * conv + convChannels + 3 * heads + inner + inner * h;
  const cacheBytes = stringAt(text, "mamba_ssm_cache_dtype") === "float32" ? 4 : ssmBytes;
  notes.push(`${count} of ${totalLayers} mixer layers are Mamba-2 (fixed state per sequence, no KV cache)`);
  return { kind: "mamba", layers: count, stateBytesPerSequencePerLayer: (conv - 1) * convChannels * 2 + heads * headDim * state * cacheBytes, paramsPerLayer: params };
}

/**
 * Nemotron-H writes single-component layers (`M` Mamba-2, `*` attention, `-` MLP, `E` MoE) in
 * `hybrid_override_pattern`. The catalog's layer is mixer + MLP, so `layers` counts the mixers (M and
 * *, which is what sets KV and state), the MoE blocks are the MoE layers, and the relu² MLPs are
 * folded into the gated-equivalent width over the non-MoE layers.
 */
function foldNemotronH(text: Json, h: number, notes: string[]): { layers: number; recurrent: RecurrentLayersSpec | null; intermediate: number | null; moe: MoeSpec | null } {
  const pattern = stringAt(text, "hybrid_override_pattern") ?? blockTypesPattern(text.layers_block_type);
  if (!pattern) throw new ConfigImportError("a NemotronH config.json needs hybrid_override_pattern or layers_block_type");
  const count = (symbol: string) => [...pattern].filter((char) => char === symbol).length;
  const mambaLayers = count("M");
  const attentionLayers = count("*");
  const mlpLayers = count("-");
  const moeLayers = count("E");
  const layers = mambaLayers + attentionLayers;
  const intermediate = numberAt(text, "intermediate_size") ?? 0;
  const recurrent = mambaLayers > 0
    ? mamba2(text, h, mambaLayers, {
        heads: numberAt(text, "mamba_num_heads"),
        headDim: numberAt(text, "mamba_head_dim"),
        groups: numberAt(text, "n_groups"),
        state: numberAt(text, "ssm_state_size"),
        conv: numberAt(text, "conv_kernel"),
        expand: numberAt(text, "expand"),
      }, 4, notes, layers)
    : null;
  let moe: MoeSpec | null = null;
  if (moeLayers > 0) {
    const experts = numberAt(text, "n_routed_experts") ?? 1;
    const latent = numberAt(text, "moe_latent_size");
    const expertWidth = numberAt(text, "moe_intermediate_size") ?? intermediate;
    const sharedWidth = numberAt(text, "moe_shared_expert_intermediate_size") ?? 0;
    // Ungated relu² experts: 2 matrices; LatentMoE experts work in the latent width, with two projections per layer.
    const expertParams = 2 * (latent ?? h) * expertWidth;
    const sharedParams = 2 * h * sharedWidth + (latent ? 2 * h * latent : 0);
    moe = {
      experts,
      expertsPerToken: numberAt(text, "num_experts_per_tok") ?? 1,
      expertIntermediateSize: Math.max(1, Math.round(expertParams / (3 * h))),
      sharedExperts: sharedParams > 0 ? 1 : 0,
      sharedExpertIntermediateSize: sharedParams > 0 ? Math.round(sharedParams / (3 * h)) : null,
      moeLayers,
    };
    notes.push(`hybrid_override_pattern: ${mambaLayers} Mamba-2, ${attentionLayers} attention, ${moeLayers} MoE${mlpLayers ? `, ${mlpLayers} MLP` : ""} blocks, regrouped as ${layers} layers; ungated expert widths stored as gated equivalents`);
  }
  const denseLayers = layers - (moe?.moeLayers ?? 0);
  const mlpWidth = mlpLayers > 0 && denseLayers > 0 ? Math.round((mlpLayers * 2 * intermediate) / (3 * denseLayers)) : null;
  if (mlpLayers > 0) notes.push(`${mlpLayers} relu² MLP blocks (intermediate_size ${intermediate}, 2 matrices) folded into a gated-equivalent width of ${mlpWidth} over ${denseLayers} layers`);
  if (!moe) notes.push(`hybrid_override_pattern: ${mambaLayers} Mamba-2 and ${attentionLayers} attention blocks regrouped as ${layers} layers`);
  return { layers, recurrent, intermediate: mlpWidth, moe };
}

/** Newer Nemotron-H configs list `layers_block_type` (sometimes as a JSON string) instead of the pattern. */
function blockTypesPattern(value: unknown): string | undefined {
  let list = value;
  if (typeof list === "string") {
    try {
      list = JSON.parse(list);
    } catch {
      return undefined;
    }
  }
  if (!Array.isArray(list)) return undefined;
  const symbols: Record<string, string> = { mamba: "M", attention: "*", moe: "E", mlp: "-" };
  let pattern = "";
  for (const type of list) {
    const symbol = typeof type === "string" ? symbols[type] : undefined;
    if (!symbol) return undefined;
    pattern += symbol;
  }
  return pattern;
}

/**
 * DeciLM (Llama-Nemotron Super/Ultra) gives each block its own attention (or none) and FFN width in
 * `block_configs`. `layers` counts the blocks with attention (the KV layers); the FFN widths, as
 * transformers' `_ffn_mult_to_intermediate_size` computes them, are folded into one average width.
 */
function foldDeciLm(text: Json, h: number, heads: number, notes: string[]): { layers: number; kvHeads: number; intermediate: number } {
  const blocks = Array.isArray(text.block_configs) ? (text.block_configs as unknown[]).filter(isRecord) : [];
  if (blocks.length === 0) throw new ConfigImportError("a DeciLM config.json needs block_configs");
  let attentionBlocks = 0;
  let linearAttention = 0;
  let widthSum = 0;
  const groups: number[] = [];
  for (const block of blocks) {
    const attention = recordAt(block, "attention") ?? {};
    const ffn = recordAt(block, "ffn") ?? {};
    if (attention.no_op !== true && attention.replace_with_linear !== true) {
      attentionBlocks++;
      const group = numberAt(attention, "n_heads_in_group");
      if (group) groups.push(group);
    } else if (attention.replace_with_linear === true) linearAttention++;
    if (ffn.no_op === true) continue;
    if (ffn.replace_with_linear === true) {
      widthSum += h / 3;
      continue;
    }
    const multiplier = numberAt(ffn, "ffn_mult") ?? 0;
    const width = Math.ceil(Math.floor((2 * multiplier * h) / 3) / 256) * 256;
    widthSum += width;
  }
  if (attentionBlocks === 0) throw new ConfigImportError("block_configs has no attention block");
  const group = groups.length > 0 ? Math.min(...groups) : 1;
  const intermediate = Math.round(widthSum / attentionBlocks);
  notes.push(
    `block_configs: ${blocks.length} blocks, ${attentionBlocks} with attention (the KV layers)${linearAttention ? `, ${linearAttention} with a linear replacement` : ""}; FFN widths folded into ${intermediate} over ${attentionBlocks} layers`,
  );
  return { layers: attentionBlocks, kvHeads: Math.max(1, Math.floor(heads / group)), intermediate };
}

/** The format the checkpoint stores its weights in, from `quantization_config`, `hf_quant_config.json` or the dtype. */
function storedFormat(outer: Json, text: Json, hfQuantConfig: unknown, notes: string[]): string {
  const modelopt = isRecord(hfQuantConfig) ? recordAt(hfQuantConfig, "quantization") : undefined;
  if (modelopt) {
    const format = modeloptFormat(stringAt(modelopt, "quant_algo"), modelopt);
    if (stringAt(modelopt, "quant_algo") === "MIXED_PRECISION") notes.push(`hf_quant_config.json mixes formats per layer: sized as ${format}, the format of the MLP and expert weights`);
    return format;
  }
  const quantization = recordAt(outer, "quantization_config") ?? recordAt(text, "quantization_config") ?? recordAt(outer, "compression_config");
  if (quantization) {
    const method = (stringAt(quantization, "quant_method") ?? "").toLowerCase();
    const bits = numberAt(quantization, "bits", "w_bit");
    switch (method) {
      case "fp8":
      case "fbgemm_fp8":
        // DeepSeek-V4 stores its routed experts in FP4 beside the FP8 block-scaled linears (`"expert_dtype": "fp4"`).
        if (Array.isArray(quantization.weight_block_size) && (stringAt(outer, "expert_dtype") ?? stringAt(text, "expert_dtype")) === "fp4") return "fp8-block-fp4-experts";
        return Array.isArray(quantization.weight_block_size) ? "fp8-block" : "fp8";
      case "awq":
        if (bits !== undefined && bits !== 4) break;
        return "awq";
      case "gptq":
      case "auto-round":
      case "autoround":
        if (bits === 8) return "gptq-int8";
        if (bits !== undefined && bits !== 4) break;
        return "gptq";
      case "bitsandbytes":
        return quantization.load_in_8bit === true ? "bnb-int8" : "bnb-nf4";
      case "mxfp4":
        return "mxfp4";
      case "modelopt":
        return modeloptFormat(stringAt(quantization, "quant_algo"));
      case "compressed-tensors":
        return compressedTensorsFormat(quantization);
      default:
        break;
    }
    throw new ConfigImportError(
      `quantization_config names ${method || "an unnamed method"}${bits !== undefined ? ` at ${bits} bits` : ""}, which is not a format the catalog sizes (fp8, awq and gptq 4-bit, gptq 8-bit, bitsandbytes, mxfp4, nvfp4, compressed-tensors)`,
    );
  }
  const dtype = (stringAt(text, "torch_dtype") ?? stringAt(outer, "torch_dtype") ?? stringAt(text, "dtype") ?? stringAt(outer, "dtype") ?? "").toLowerCase();
  if (dtype === "bfloat16") return "bf16";
  if (dtype === "float16") return "fp16";
  if (dtype === "float32") return "fp32";
  notes.push("config.json names no torch_dtype: the weights are assumed stored in fp32 (transformers' default); engines load them at 16 bits");
  return "fp32";
}

function modeloptFormat(algorithm: string | undefined, quantization?: Json): string {
  const algo = (algorithm ?? "").toUpperCase();
  if (algo === "MIXED_PRECISION" && quantization) {
    // Per-layer algorithms: the one the MLP and expert projections use carries most of the weights.
    const layers = recordAt(quantization, "quantized_layers") ?? {};
    const counts = new Map<string, number>();
    for (const [name, layer] of Object.entries(layers)) {
      if (!isRecord(layer) || !/mlp|expert/.test(name)) continue;
      const layerAlgo = stringAt(layer, "quant_algo");
      if (layerAlgo) counts.set(layerAlgo, (counts.get(layerAlgo) ?? 0) + 1);
    }
    const [dominant] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? [];
    if (dominant) return modeloptFormat(dominant.replace(/^W4A16_/, ""));
  }
  if (algo === "FP8" || algo === "FP8_PER_CHANNEL_PER_TOKEN") return "fp8";
  if (algo === "FP8_PB_WO" || algo === "FP8_BLOCK") return "fp8-block";
  if (algo === "NVFP4" || algo === "NVFP4_AWQ") return "nvfp4";
  if (algo === "W4A16_AWQ" || algo === "W4A8_AWQ") return "awq";
  if (algo === "MXFP4") return "mxfp4";
  throw new ConfigImportError(`hf_quant_config.json quant_algo ${algorithm ?? "(none)"} is not a format the catalog sizes (FP8, NVFP4, W4A16_AWQ)`);
}

/** llm-compressor's `compressed-tensors`: the weight scheme of the first config group decides. */
function compressedTensorsFormat(quantization: Json): string {
  const format = (stringAt(quantization, "format") ?? "").toLowerCase();
  const groups = recordAt(quantization, "config_groups") ?? {};
  const first = Object.values(groups).find(isRecord);
  const weights = first ? recordAt(first, "weights") : undefined;
  const groupFormat = (first ? stringAt(first, "format") : undefined)?.toLowerCase() ?? format;
  const bits = weights ? numberAt(weights, "num_bits") : undefined;
  const type = weights ? stringAt(weights, "type") : undefined;
  const strategy = weights ? stringAt(weights, "strategy") : undefined;
  if (groupFormat.includes("nvfp4")) return "nvfp4";
  if (groupFormat.includes("mxfp4")) return "mxfp4";
  if (type === "float" && bits === 8) return strategy === "block" ? "fp8-block" : "fp8";
  if (type === "float" && bits === 4) return "nvfp4";
  if (type === "int" && bits === 8) return "int8";
  if (type === "int" && bits === 4) return "w4a16";
  throw new ConfigImportError(`compressed-tensors scheme ${type ?? "?"} ${bits ?? "?"}-bit (${groupFormat || "no format"}) is not a format the catalog sizes`);
}

/**
 * Parameters of the vision tower and projector, estimated from `vision_config` as a ViT: per layer
 * attention (4 × h², with biases) + MLP (gated SiLU: 3 × h × i, else 2 × h × i) + norms, the patch
 * embedding, position embeddings, and the family's projector into the language model.
 */
function visionParamsOf(outer: Json, layout: Layout, textHidden: number, notes: string[]): number {
  if (layout.modelType === "phi3_v" || layout.outer.model_type === "phi3_v") {
    // Phi-3/3.5-vision embed CLIP ViT-L/14-336 (303.5M) and a 2-layer projector from 4 × 1024 features.
    const projector = 4096 * textHidden + textHidden * textHidden;
    notes.push("vision: CLIP ViT-L/14-336 (303.5M) plus the image projection");
    return 303_507_456 + projector;
  }
  const vision = recordAt(outer, "vision_config") ?? recordAt(outer, "visual");
  const outerType = stringAt(outer, "model_type") ?? "";
  if (outerType === "minicpmv") return minicpmvVisionParams(outer, vision, textHidden, notes);
  if (!vision) return 0;
  if (outerType === "glm4v" || outerType === "glm4v_moe" || outerType === "glm_ocr") return glmVisionParams(vision, outerType === "glm_ocr", notes);
  const visionType = stringAt(vision, "model_type") ?? "";
  const h = numberAt(vision, "embed_dim", "hidden_size", "width", "vision_embed_dim");
  const layers = numberAt(vision, "depth", "num_hidden_layers", "layers", "num_layers");
  if (!h || !layers) {
    notes.push("vision_config gives no hidden size or depth: the vision tower is not counted");
    return 0;
  }
  const qwenStyle = numberAt(vision, "spatial_merge_size") !== undefined && numberAt(vision, "temporal_patch_size") !== undefined;
  const intermediate = numberAt(vision, "intermediate_size") ?? (numberAt(vision, "mlp_ratio") ?? 4) * h;
  const act = (stringAt(vision, "hidden_act") ?? stringAt(vision, "hidden_activation") ?? "").toLowerCase();
  const gated = act.includes("silu") || act.includes("swiglu") || stringAt(vision, "model_type") === "pixtral";
  const perLayer = 4 * h * h + 4 * h + (gated ? 3 * h * intermediate : 2 * h * intermediate + intermediate + h) + 4 * h;
  const globalLayers = numberAt(vision, "num_global_layers") ?? 0;
  const patch = numberAt(vision, "patch_size") ?? 14;
  const channels = numberAt(vision, "in_channels", "in_chans", "num_channels") ?? 3;
  const temporal = numberAt(vision, "temporal_patch_size") ?? 1;
  const patchEmbedding = channels * patch * patch * temporal * h + h;
  const image = numberAt(vision, "image_size");
  const positions = numberAt(vision, "num_position_embeddings", "position_embedding_size") ?? (image && !qwenStyle ? (image / patch) ** 2 + 1 : 0);
  const positionEmbedding = positions * h;
  let projector: number;
  const out = numberAt(vision, "out_hidden_size") ?? (qwenStyle ? numberAt(vision, "hidden_size") : undefined) ?? textHidden;
  if (qwenStyle) {
    const merged = h * numberAt(vision, "spatial_merge_size")! ** 2;
    const mergers = 1 + (numbersAt(vision, "deepstack_visual_indexes")?.length ?? 0);
    projector = mergers * (merged * merged + merged * out + merged + out);
  } else if (layout.modelType.startsWith("gemma") || stringAt(layout.outer, "model_type")?.startsWith("gemma")) {
    projector = h * textHidden + h;
  } else if (visionType === "pixtral" || layout.outer.model_type === "mistral3") {
    const merge = numberAt(layout.outer, "spatial_merge_size") ?? 2;
    projector = h * merge * merge * h + h + h * textHidden + textHidden * textHidden;
  } else if (stringAt(layout.outer, "model_type") === "mllama") {
    const output = numberAt(vision, "vision_output_dim") ?? 7680;
    projector = output * textHidden + textHidden;
  } else if (stringAt(layout.outer, "model_type")?.startsWith("llama4")) {
    const output = numberAt(vision, "vision_output_dim") ?? 4096;
    const adapterIn = numberAt(vision, "projector_input_dim") ?? 4096;
    const adapterOut = numberAt(vision, "projector_output_dim") ?? 4096;
    projector = adapterIn * adapterOut + adapterOut * adapterOut + output * textHidden;
  } else if (stringAt(layout.outer, "model_type")?.startsWith("internvl")) {
    const downsample = numberAt(layout.outer, "downsample_ratio") ?? 0.5;
    const merged = Math.round(h / (downsample * downsample));
    projector = merged * 2 + merged * textHidden + textHidden * textHidden;
  } else {
    projector = h * textHidden + textHidden * textHidden;
  }
  const total = (layers + globalLayers) * perLayer + patchEmbedding + positionEmbedding + 2 * h + projector;
  notes.push(`vision tower (${layers} layers × ${h}) and projector estimated from vision_config: ${(total / 1e6).toFixed(0)}M parameters`);
  return Math.round(total);
}

function mtpLayersOf(text: Json): number {
  return numberAt(text, "num_nextn_predict_layers", "mtp_num_hidden_layers", "num_mtp_layers") ?? 0;
}

/**
 * Multi-token-prediction layers the checkpoint ships for speculative decoding (DeepSeek-V3's layer 61,
 * GLM-4.5's, MiMo's): one more decoder layer of the model's last kind each, with the combining
 * projection (2h → h) and, in DeepSeek's layout, its own copy of the embedding and head.
 */
function mtpParamsOf(text: Json, entry: ModelEntry, layerParams: ReturnType<typeof modelShape>["layers"]): number {
  const count = mtpLayersOf(text);
  if (count <= 0) return 0;
  const last = layerParams[layerParams.length - 1];
  if (!last) return 0;
  // The MTP layer attends in full even where the model's last layer is recurrent (Qwen3-Next, Qwen3.5).
  const attending = [...layerParams].reverse().find((layer) => layer.attentionSplit + layer.attentionKv + layer.attentionReplicated > 0) ?? last;
  const layer = attending.attentionSplit + attending.attentionKv + attending.attentionReplicated + last.denseMlp + last.routedExperts + last.sharedExperts + last.router + last.norms;
  const h = entry.hiddenSize;
  const copies = entry.attention.kind === "mla" ? entry.vocabSize * h * 2 : 0;
  return count * (layer + 2 * h * h + 3 * h + copies);
}

/**
 * Exact weight bytes from `model.safetensors.index.json`: `metadata.total_size`, minus the MTP
 * tensors engines do not load (their share estimated from their parameter count).
 */
function checkpointBytesOf(index: unknown, entry: ModelEntry, mtpParams: number, notes: string[]): number | null {
  if (index === undefined) return null;
  if (!isRecord(index)) throw new ConfigImportError("model.safetensors.index.json must be a JSON object");
  const metadata = recordAt(index, "metadata");
  const total = metadata ? numberAt(metadata, "total_size") : undefined;
  if (total === undefined || total <= 0) throw new ConfigImportError("model.safetensors.index.json has no metadata.total_size");
  if (mtpParams <= 0) return total;
  const loaded = entry.params.total;
  const bytes = Math.round((total * loaded) / (loaded + mtpParams));
  notes.push(`checkpointBytes: metadata.total_size ${total} minus the MTP layers' share`);
  return bytes;
}
