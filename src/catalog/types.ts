/**
 * The catalog's types, declared once: `schema.json` (the JSON Schema that validates the bundled
 * data and `settings.vram` entries) is generated from this file by `npm run catalog:schema`, and a
 * test fails when the two drift. JSDoc tags (`@minimum`, `@pattern`, `@asType`) become schema
 * constraints. The data lives in `./data/`; `load.ts` indexes it once per process.
 *
 * Conventions: counts are plain numbers; memory is in bytes; every entry names its sources.
 */

/**
 * A whole number of at least 1.
 * @asType integer
 * @minimum 1
 */
export type Count = number;

/**
 * A whole number of at least 0.
 * @asType integer
 * @minimum 0
 */
export type CountOrZero = number;

/**
 * A Hugging Face repository id, `owner/name`.
 * @pattern ^[^\s/]+/[^\s/]+$
 */
export type RepoId = string;

/**
 * Where a fact came from: `owner/repo@commit:path` (a GitHub file), or a URL a reader can open.
 * @minLength 1
 */
export type Source = string;

/**
 * A non-empty string.
 * @minLength 1
 */
export type Text = string;

/**
 * Every source of an entry.
 * @minItems 1
 */
export type Sources = Source[];

export type AttentionSpec =
  /**
   * Multi-head or grouped-query attention: K and V cached per KV head. `outputGate`: q_proj also
   * produces a per-head sigmoid gate on the attention output, doubling its width (Qwen3-Next, Qwen3.5:
   * `attn_output_gate`; sglang models/qwen3_5.py `Qwen3_5Attention`, `q_heads = num_heads * 2`).
   */
  | { kind: "mha" | "gqa"; outputGate?: true }
  /**
   * Bidirectional attention of an encoder-only model (BERT, XLM-RoBERTa, NomicBERT, ModernBERT —
   * embedding and reranking models): the whole input is read in one pass and nothing is cached
   * between steps, so there is no KV cache to size (vLLM's `EncoderOnlyAttentionSpec` allocates none).
   */
  | { kind: "encoder" }
  /**
   * Multi-head latent attention (DeepSeek-V2/V3, Kimi-K2): one compressed latent of
   * `kvLoraRank + qkRopeHeadDim` elements is cached per token per layer, on every TP rank.
   */
  | {
      kind: "mla";
      kvLoraRank: Count;
      qkRopeHeadDim: Count;
      qkNopeHeadDim: Count;
      vHeadDim: Count;
      /** null when queries are not low-rank (DeepSeek-V2-Lite). */
      qLoraRank: Count | null;
    };

/** Layers whose KV cache is bounded by a window rather than by the sequence length. */
export interface WindowedAttentionSpec {
  /** `sliding`: sliding-window attention; `chunked`: chunked local attention (Llama 4). */
  kind: "sliding" | "chunked";
  /** Window or chunk size in tokens. */
  window: Count;
  /** How many of the model's layers use the window (the rest use full attention). */
  layers: Count;
  /**
   * The KV heads and head size of the full-attention layers, where they differ from the windowed
   * layers' (`kvHeads` × `headDim`): Gemma 4's `num_global_key_value_heads` × `global_head_dim`.
   */
  fullLayerKv?: { kvHeads: Count; headDim: Count };
}

/** Layers that keep a fixed-size state per sequence instead of a per-token KV cache. */
export interface RecurrentLayersSpec {
  kind: "mamba" | "linear-attention" | "short-convolution";
  /** How many of the model's layers are recurrent (they hold no KV cache). */
  layers: Count;
  /**
   * State bytes per sequence per recurrent layer, as the engine stores it.
   * @minimum 0
   */
  stateBytesPerSequencePerLayer: number;
  /**
   * Parameters of one recurrent layer's mixer (the part that replaces attention).
   * @minimum 0
   */
  paramsPerLayer: number | null;
}

export interface MoeSpec {
  /** Routed experts per MoE layer (all of them are resident in GPU memory). */
  experts: Count;
  /** Routed experts each token uses. */
  expertsPerToken: Count;
  /** Intermediate size of one routed expert's gated MLP. */
  expertIntermediateSize: Count;
  /** Always-on shared experts per MoE layer (DeepSeek, Qwen2-MoE, Llama 4). */
  sharedExperts: CountOrZero;
  /** Intermediate size of one shared expert; null when there are none. */
  sharedExpertIntermediateSize: Count | null;
  /** How many layers are MoE layers; the other layers have a dense MLP of `intermediateSize`. */
  moeLayers: Count;
}

export interface ParamCounts {
  /**
   * Total parameters the checkpoint holds for the served model (every expert counts).
   * @exclusiveMinimum 0
   */
  total: number;
  /**
   * Parameters used per token (MoE: shared + routed top-k); equals `total` for dense models.
   * @exclusiveMinimum 0
   */
  active: number;
  /**
   * Parameters outside the decoder layers that the engine still loads: vision and audio towers, the
   * projector, Gemma 4's per-layer embeddings.
   * @minimum 0
   */
  vision?: number;
  /**
   * Multi-token-prediction head shipped in the checkpoint but loaded only for speculative decoding.
   * @minimum 0
   */
  mtp?: number;
}

export interface ModelEntry {
  /** Canonical Hugging Face repository id. */
  id: RepoId;
  /** Other repositories with the same architecture and weights size (base/instruct/chat, re-uploads). */
  aliases: RepoId[];
  /**
   * The `architectures[0]` of config.json.
   * @minLength 1
   */
  architecture: string;
  layers: Count;
  hiddenSize: Count;
  /** Dense MLP intermediate size (dense layers and dense models); null when no layer is dense. */
  intermediateSize: Count | null;
  attentionHeads: Count;
  /** `num_key_value_heads` (MLA models: as written in config.json, not used for KV sizing). */
  kvHeads: Count;
  headDim: Count;
  vocabSize: Count;
  tieWordEmbeddings: boolean;
  /** The engine's default `max_model_len`. */
  maxPositionEmbeddings: Count;
  attention: AttentionSpec;
  windowedAttention: WindowedAttentionSpec | null;
  recurrent: RecurrentLayersSpec | null;
  moe: MoeSpec | null;
  params: ParamCounts;
  /**
   * How the published checkpoint stores its weights: a quantization format id (`bf16`, `fp8-block`, `mxfp4`…).
   * @minLength 1
   */
  nativeFormat: string;
  /**
   * Exact size of the weights the engine loads, in bytes (safetensors total minus MTP/draft tensors), when known.
   * @exclusiveMinimum 0
   */
  checkpointBytes: number | null;
  /**
   * The weights the engine loads include the multi-token-prediction layers (`params.mtp`): a
   * checkpoint that keeps them for speculative decoding (unsloth's `…-MTP-GGUF`).
   */
  loadsMtp?: boolean;
  sources: Sources;
  notes?: string[];
}

/** A name people write for a model that is not a plain Hugging Face id of the catalog. */
export interface CheckpointEntry {
  /**
   * As written: an HF repo (`TheBloke/Mixtral-8x7B-Instruct-v0.1-AWQ`), an Ollama tag, a Docker Model Runner name (`ai/smollm2`), a NIM image or a KAITO preset.
   * @minLength 1
   */
  name: string;
  kind: "hf-repo" | "ollama" | "docker-model" | "nim" | "kaito-preset";
  /**
   * Catalog model id.
   * @minLength 1
   */
  model: string;
  /**
   * Quantization format id the checkpoint is stored in; null for the model's native format.
   * @minLength 1
   */
  format: string | null;
  sources: Sources;
}

/**
 * A catalog id of lowercase letters, digits and `.`, `_`, `-`.
 * @pattern ^[a-z0-9_.-]+$
 */
export type FormatId = string;

export interface QuantizationFormat {
  /** Catalog id: `bf16`, `fp16`, `fp8`, `fp8-block`, `awq`, `gptq`, `bnb-nf4`, `mxfp4`, `nvfp4`, `gguf-q4_k_m`… */
  id: FormatId;
  /** @minLength 1 */
  label: string;
  /**
   * Bits per parameter as stored, including scales and zero points.
   * @exclusiveMinimum 0
   * @maximum 32
   */
  bitsPerWeight: number;
  /**
   * Which weights the format stores this way; the rest stay 16-bit.
   * `linear`: every linear layer except embeddings and LM head. `experts`: MoE expert weights only.
   * `all`: every tensor (plain floating point formats).
   */
  appliesTo: "all" | "linear" | "experts";
  /**
   * Bits per routed-expert parameter when the format stores the experts at another width than its
   * other layers (DeepSeek-V4: FP4 experts beside FP8 block-scaled linears; GGUF MXFP4_MOE: MXFP4
   * experts beside Q8_0 tensors); absent: `bitsPerWeight`.
   * @exclusiveMinimum 0
   * @maximum 32
   */
  expertBitsPerWeight?: number;
  /**
   * Bits per embedding, LM-head, router and norm parameter when the format stores them at another
   * width than the rest (GGUF `Q4_K_L`: Q8_0 embeddings and output); absent: `bitsPerWeight` for
   * `all`, 16-bit otherwise.
   * @exclusiveMinimum 0
   * @maximum 32
   */
  plainBitsPerWeight?: number;
  /** float: plain precision; weight-only: activations stay 16-bit; weight-activation: W8A8/W4A4. */
  kind: "float" | "weight-only" | "weight-activation";
  /** Lowest CUDA compute capability the engine runs it on at all (null: any). */
  minComputeCapability: number | null;
  /** Lowest compute capability with native kernels; between the two, a slower fallback runs. */
  nativeComputeCapability: number | null;
  /** Whether the engine needs a checkpoint already stored in this format (it cannot quantize at load). */
  needsPrequantizedCheckpoint: boolean;
  /** The value of vLLM's `--quantization` (null for plain dtypes). */
  vllmQuantization: string | null;
  /** Spellings people write for it: `awq`, `int4`, `Q4_K_M`, `bitsandbytes-nf4`, `float16`… */
  aliases: Text[];
  sources: Sources;
  notes?: string[];
}

/**
 * A GPU id: lowercase letters, digits, `.` and `-`.
 * @pattern ^[a-z0-9][a-z0-9.-]*$
 */
export type GpuId = string;

/**
 * A positive rate (GB/s, TFLOPS).
 * @exclusiveMinimum 0
 */
export type Rate = number;

/**
 * Dense (no structured sparsity) tensor throughput in TFLOPS per data type, from the vendor's
 * datasheet; null where the part has no such tensor path. The speed model reads these.
 */
export interface DenseTflops {
  fp16: Rate | null;
  bf16: Rate | null;
  fp8: Rate | null;
  fp4: Rate | null;
  /** INT8 tensor TOPS. */
  int8: Rate | null;
}

export interface GpuEntry {
  id: GpuId;
  /** @minLength 1 */
  name: string;
  vendor: "nvidia" | "amd" | "intel" | "google" | "aws" | "apple";
  /** @minLength 1 */
  architecture: string;
  /**
   * Total device memory as the driver reports it (nvidia-smi, or PyTorch's total_memory), in bytes.
   * @minimum 1073741824
   */
  memoryBytes: number;
  /** Where `memoryBytes` comes from. */
  memorySource: "nvidia-smi" | "cloud-api" | "marketed";
  /** Device memory bandwidth (HBM/GDDR/LPDDR) in GB/s, from the datasheet. */
  memoryBandwidthGBps: Rate | null;
  /**
   * CUDA compute capability (`8.9`); null for non-NVIDIA devices.
   * @minimum 3
   * @maximum 20
   */
  computeCapability: number | null;
  bf16: boolean;
  fp8: boolean;
  fp4: boolean;
  /** Dense tensor TFLOPS per data type; absent only in entries written before the speed model existed. */
  denseTflops?: DenseTflops;
  /** GPU-to-GPU link, for the reader. */
  interconnect: string | null;
  /** Host link bandwidth one way in GB/s (PCIe Gen4 x16 ≈ 32), bounds CPU offload. */
  hostLinkGBps: Rate | null;
  /**
   * Every spelling that means exactly this GPU: marketing names, GPU Feature Discovery product
   * labels, GKE accelerator labels, Karpenter names, KubeAI profiles, SkyPilot/Ray accelerator strings.
   */
  names: Text[];
  /**
   * The exact value each scheduler writes for this GPU, where known: the GPU Feature Discovery
   * product label, GKE's accelerator label, Karpenter's instance-gpu-name, KubeAI's profile. A
   * suggestion that changes a node selector writes the new GPU in the selector's own scheme.
   */
  labels: GpuLabels;
  sources: Sources;
  notes?: string[];
  /**
   * The MIG (Multi-Instance GPU) profiles this GPU can be split into, each a GPU of its own to the
   * sizing: a fraction of the compute and its own share of the memory.
   */
  migProfiles?: MigProfile[];
}

/** One MIG GPU-instance profile of a GPU (`3g.40gb`): what a process placed on it can use. */
export interface MigProfile {
  /**
   * As `nvidia-smi mig -lgip` names it, lower case (`1g.10gb`, `1g.10gb+me`, `2g.48gb+gfx`).
   * @pattern ^[1-8]g\.[0-9]+gb([+-][a-z.]+)?$
   */
  profile: string;
  /**
   * Memory of the instance as `nvidia-smi mig -lgip` prints it, in GiB. It moves a little with the
   * driver: the smallest value seen is kept.
   * @minimum 1
   */
  memoryGiB: number;
  sources: Sources;
}

export interface GpuLabels {
  /** @pattern ^[A-Za-z0-9][A-Za-z0-9._-]*$ */
  gfd?: string;
  /**
   * GKE's node label: `cloud.google.com/gke-accelerator` for GPUs, `cloud.google.com/gke-tpu-accelerator` for TPUs.
   * @pattern ^(?:nvidia|tpu)-[a-z0-9-]+$
   */
  gke?: string;
  /** @pattern ^[a-z0-9-]+$ */
  karpenter?: string;
  /** @pattern ^[a-z]+-gpu-[a-z0-9-]+$ */
  kubeai?: string;
}

/** A bare name that could mean several GPUs; it resolves to `gpu` and the finding says so. */
export interface AmbiguousGpuName {
  /** @minLength 1 */
  name: string;
  /** @minLength 1 */
  gpu: string;
  alternatives: string[];
  /** @minLength 1 */
  reason: string;
}

export interface InstanceEntry {
  /**
   * Instance type as the cloud spells it (`g5.12xlarge`, `a3-highgpu-8g`, `Standard_ND96asr_v4`).
   * @minLength 1
   */
  id: string;
  cloud: "aws" | "gcp" | "azure" | "oci";
  /** @minLength 1 */
  gpu: string;
  gpuCount: Count;
  /** Other spellings (SageMaker `ml.g5.12xlarge`, KAITO SKU spellings). */
  aliases: Text[];
  sources: Sources;
}

/** One file of `data/models/`: an organisation's models and the names people write for them. */
export interface ModelFile {
  models: ModelEntry[];
  checkpoints: CheckpointEntry[];
}

/** One file of `data/gpus/`: a vendor's GPUs and the bare names that could mean several of them. */
export interface GpuFile {
  gpus: GpuEntry[];
  ambiguousNames: AmbiguousGpuName[];
}

/** One file of `data/instances/`: a cloud's instance types. */
export interface InstanceFile {
  instances: InstanceEntry[];
}

/** One priced instance type of a price snapshot. */
export interface PriceEntry {
  /** Instance type as the cloud spells it; must be a catalog instance id. */
  instanceType: Text;
  /**
   * On-demand price in USD per hour.
   * @exclusiveMinimum 0
   */
  usdPerHour: number;
}

/**
 * One file of `data/prices/`: a cloud's on-demand prices in one region on one date, from one
 * source; every entry carries them (src/catalog/prices.ts).
 */
export interface PriceFile {
  cloud: InstanceEntry["cloud"];
  /** @minLength 1 */
  region: string;
  /**
   * When the prices were read (ISO `YYYY-MM-DD`).
   * @pattern ^\d{4}-\d{2}-\d{2}$
   */
  date: string;
  kind: "on-demand";
  currency: "USD";
  source: Source;
  /** @minItems 1 */
  prices: PriceEntry[];
}

/** `data/quantization.json`: every quantization format and dtype the catalog knows. */
export type QuantizationFile = QuantizationFormat[];

/** `data/meta.json`. */
export interface CatalogMeta {
  /**
   * The date the catalog was last revised (ISO `YYYY-MM-DD`); shown by `vram --version`.
   * @pattern ^\d{4}-\d{2}-\d{2}$
   */
  date: string;
}

export interface CatalogData {
  /** The date the catalog was last revised (ISO `YYYY-MM-DD`); shown by `vram --version`. */
  date: string;
  models: ModelEntry[];
  checkpoints: CheckpointEntry[];
  quantization: QuantizationFormat[];
  gpus: GpuEntry[];
  ambiguousGpuNames: AmbiguousGpuName[];
  instances: InstanceEntry[];
}
