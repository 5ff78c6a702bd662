/**
 * The bundled catalog's schema. The data lives in `./data/*.json`; `schema.ts` validates it at test
 * time, and `load.ts` indexes it once per process.
 *
 * Conventions: counts are plain numbers; memory is in bytes; every entry names its sources.
 */

/** Where a fact came from: `github:owner/repo@commit path`, a URL, or a named document. */
export type Sources = string[];

export type AttentionSpec =
  /** Multi-head or grouped-query attention: K and V cached per KV head. */
  | { kind: "mha" | "gqa" }
  /**
   * Multi-head latent attention (DeepSeek-V2/V3, Kimi-K2): one compressed latent of
   * `kvLoraRank + qkRopeHeadDim` elements is cached per token per layer, on every TP rank.
   */
  | {
      kind: "mla";
      kvLoraRank: number;
      qkRopeHeadDim: number;
      qkNopeHeadDim: number;
      vHeadDim: number;
      /** null when queries are not low-rank (DeepSeek-V2-Lite). */
      qLoraRank: number | null;
    };

/** Layers whose KV cache is bounded by a window rather than by the sequence length. */
export interface WindowedAttentionSpec {
  /** `sliding`: sliding-window attention; `chunked`: chunked local attention (Llama 4). */
  kind: "sliding" | "chunked";
  /** Window or chunk size in tokens. */
  window: number;
  /** How many of the model's layers use the window (the rest use full attention). */
  layers: number;
}

/** Layers that keep a fixed-size state per sequence instead of a per-token KV cache. */
export interface RecurrentLayersSpec {
  kind: "mamba" | "linear-attention";
  /** How many of the model's layers are recurrent (they hold no KV cache). */
  layers: number;
  /** State bytes per sequence per recurrent layer, as the engine stores it. */
  stateBytesPerSequencePerLayer: number;
  /** Parameters of one recurrent layer's mixer (the part that replaces attention). */
  paramsPerLayer: number | null;
}

export interface MoeSpec {
  /** Routed experts per MoE layer (all of them are resident in GPU memory). */
  experts: number;
  /** Routed experts each token uses. */
  expertsPerToken: number;
  /** Intermediate size of one routed expert's gated MLP. */
  expertIntermediateSize: number;
  /** Always-on shared experts per MoE layer (DeepSeek, Qwen2-MoE, Llama 4). */
  sharedExperts: number;
  /** Intermediate size of one shared expert; null when there are none. */
  sharedExpertIntermediateSize: number | null;
  /** How many layers are MoE layers; the other layers have a dense MLP of `intermediateSize`. */
  moeLayers: number;
}

export interface ParamCounts {
  /** Total parameters the checkpoint holds for the served model (every expert counts). */
  total: number;
  /** Parameters used per token (MoE: shared + routed top-k); equals `total` for dense models. */
  active: number;
  /** Parameters outside the text decoder that the engine still loads (vision tower, projector). */
  vision?: number;
  /** Multi-token-prediction head shipped in the checkpoint but loaded only for speculative decoding. */
  mtp?: number;
}

export interface ModelEntry {
  /** Canonical Hugging Face repository id. */
  id: string;
  /** Other repositories with the same architecture and weights size (base/instruct/chat, re-uploads). */
  aliases: string[];
  /** The `architectures[0]` of config.json. */
  architecture: string;
  layers: number;
  hiddenSize: number;
  /** Dense MLP intermediate size (dense layers and dense models); null when no layer is dense. */
  intermediateSize: number | null;
  attentionHeads: number;
  /** `num_key_value_heads` (MLA models: as written in config.json, not used for KV sizing). */
  kvHeads: number;
  headDim: number;
  vocabSize: number;
  tieWordEmbeddings: boolean;
  /** The engine's default `max_model_len`. */
  maxPositionEmbeddings: number;
  attention: AttentionSpec;
  windowedAttention: WindowedAttentionSpec | null;
  recurrent: RecurrentLayersSpec | null;
  moe: MoeSpec | null;
  params: ParamCounts;
  /** How the published checkpoint stores its weights: a quantization format id (`bf16`, `fp8-block`, `mxfp4`…). */
  nativeFormat: string;
  /** Exact size of the published weights in bytes (safetensors total), when known. */
  checkpointBytes: number | null;
  sources: Sources;
  notes?: string[];
}

/** A name people write for a model that is not a plain Hugging Face id of the catalog. */
export interface CheckpointEntry {
  /** As written: an HF repo (`TheBloke/Mixtral-8x7B-Instruct-v0.1-AWQ`), an Ollama tag, a NIM image or a KAITO preset. */
  name: string;
  kind: "hf-repo" | "ollama" | "nim" | "kaito-preset";
  /** Catalog model id. */
  model: string;
  /** Quantization format id the checkpoint is stored in; null for the model's native format. */
  format: string | null;
  sources: Sources;
}

export interface QuantizationFormat {
  /** Catalog id: `bf16`, `fp16`, `fp8`, `fp8-block`, `awq`, `gptq`, `bnb-nf4`, `mxfp4`, `nvfp4`, `gguf-q4_k_m`… */
  id: string;
  label: string;
  /** Bits per parameter as stored, including scales and zero points. */
  bitsPerWeight: number;
  /**
   * Which weights the format stores this way; the rest stay 16-bit.
   * `linear`: every linear layer except embeddings and LM head. `experts`: MoE expert weights only.
   * `all`: every tensor (plain floating point formats).
   */
  appliesTo: "all" | "linear" | "experts";
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
  aliases: string[];
  sources: Sources;
  notes?: string[];
}

export interface GpuEntry {
  id: string;
  name: string;
  vendor: "nvidia" | "amd" | "intel" | "google" | "aws" | "apple";
  architecture: string;
  /** Total device memory as the driver reports it (nvidia-smi), in bytes. */
  memoryBytes: number;
  /** Where `memoryBytes` comes from. */
  memorySource: "nvidia-smi" | "cloud-api" | "marketed";
  memoryBandwidthGBps: number | null;
  /** CUDA compute capability (`8.9`); null for non-NVIDIA devices. */
  computeCapability: number | null;
  bf16: boolean;
  fp8: boolean;
  fp4: boolean;
  /** GPU-to-GPU link, for the reader. */
  interconnect: string | null;
  /** Host link bandwidth one way in GB/s (PCIe Gen4 x16 ≈ 32), bounds CPU offload. */
  hostLinkGBps: number | null;
  /**
   * Every spelling that means exactly this GPU: marketing names, GPU Feature Discovery product
   * labels, GKE accelerator labels, Karpenter names, KubeAI profiles, SkyPilot/Ray accelerator strings.
   */
  names: string[];
  /**
   * The exact value each scheduler writes for this GPU, where known: the GPU Feature Discovery
   * product label, GKE's accelerator label, Karpenter's instance-gpu-name, KubeAI's profile. A
   * suggestion that changes a node selector writes the new GPU in the selector's own scheme.
   */
  labels: { gfd?: string; gke?: string; karpenter?: string; kubeai?: string };
  sources: Sources;
  notes?: string[];
}

/** A bare name that could mean several GPUs; it resolves to `gpu` and the finding says so. */
export interface AmbiguousGpuName {
  name: string;
  gpu: string;
  alternatives: string[];
  reason: string;
}

export interface InstanceEntry {
  /** Instance type as the cloud spells it (`g5.12xlarge`, `a3-highgpu-8g`, `Standard_ND96asr_v4`). */
  id: string;
  cloud: "aws" | "gcp" | "azure" | "oci";
  gpu: string;
  gpuCount: number;
  /** Other spellings (SageMaker `ml.g5.12xlarge`, KAITO SKU spellings). */
  aliases: string[];
  sources: Sources;
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
