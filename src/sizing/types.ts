import type { GpuEntry, ModelEntry, QuantizationFormat } from "../catalog/types.js";
import type { BudgetKind } from "../engines/common.js";
import type { Engine } from "../engines/index.js";

export type { Engine };

/** Everything the estimator needs, already resolved against the catalog. Absent: the engine's default. */
export interface SizingRequest {
  engine: Engine;
  /**
   * The engine release as written (`v0.10.1`, `1.0.0rc6`), for semantics that changed between
   * releases; absent: the current release.
   */
  engineVersion?: string;
  model: ModelEntry;
  /** How the weights are stored on the GPU (the checkpoint's format, or what `--quantization` makes of it). */
  weightFormat: QuantizationFormat;
  /** Bytes per element of unquantized tensors and activations: 2 (bf16/fp16) or 4 (fp32). */
  activationBytes: 2 | 4;
  /** KV cache element type as written (`auto`, `fp8`, `fp8_e5m2`, `q8_0`…); absent: `auto`. */
  kvCacheDtype?: string;
  /** The value cache's element type when it differs (llama.cpp `-ctv`); absent: as `kvCacheDtype`. */
  kvCacheValueDtype?: string;
  gpu: GpuEntry;
  tensorParallel: number;
  pipelineParallel: number;
  /** Data-parallel replicas that one deployment runs side by side. */
  dataParallel: number;
  /** vLLM `--enable-expert-parallel`: experts shard over TP × DP ranks instead of being split by TP. */
  expertParallel: boolean;
  maxModelLen?: number;
  maxNumSeqs?: number;
  maxNumBatchedTokens?: number;
  /** TGI `--max-input-tokens` (`--max-input-length`): before 3.0 its warm-up prefill defaults to this + 50. */
  maxInputTokens?: number;
  /**
   * The engine's memory fraction: vLLM `--gpu-memory-utilization`, SGLang `--mem-fraction-static`,
   * TGI `CUDA_MEMORY_FRACTION` (fractions of the GPU); TensorRT-LLM `free_gpu_memory_fraction`,
   * LMDeploy `--cache-max-entry-count` (fractions of the memory left free for the KV cache).
   */
  gpuMemoryUtilization?: number;
  /** vLLM `--cpu-offload-gb`, in bytes per GPU. */
  cpuOffloadBytes?: number;
  /** vLLM `--kv-cache-memory-bytes`: the KV cache's size per GPU, set outright. */
  kvCacheMemoryBytes?: number;
  /** vLLM `--enforce-eager`: no CUDA graphs. */
  enforceEager?: boolean;
  /** llama.cpp `-ngl`: layers kept on the GPUs (absent: all). */
  gpuLayers?: number;
  /** `gpuLayers` is what llama.cpp's `--fit` chose, not a written `-ngl`: the margin it keeps while choosing still applies. */
  gpuLayersFitted?: boolean;
  /** llama.cpp `--n-cpu-moe`: layers whose experts stay in CPU memory (`--cpu-moe`: all). */
  cpuMoeLayers?: number;
  /** llama.cpp `-fa` / Ollama `OLLAMA_FLASH_ATTENTION`: a quantized value cache needs it; absent: the engine's default. */
  flashAttention?: boolean;
  /** The engine's execution backend when it has several (LMDeploy `pytorch` / `turbomind`); absent: its default. */
  backend?: string;
  /**
   * Attention data parallelism: the tensor-parallel ranks form this many groups, each holding all
   * of attention at tensor parallel / groups and serving its own requests (absent: one group).
   */
  attentionDataParallel?: number;
}

export type Verdict = "fits" | "weights-exceed-memory" | "kv-cache-too-small";

/** Per-GPU memory, in bytes, on the GPU that binds (the heaviest pipeline stage). */
export interface PerGpuMemory {
  memoryBytes: number;
  /** What the engine lets itself use: utilisation × memory (vLLM), mem-fraction-static (SGLang)… */
  budgetBytes: number;
  weightBytes: number;
  activationBytes: number;
  /** Runtime memory inside the budget besides weights and activations (CUDA graphs, cuBLAS/NCCL buffers). */
  overheadBytes: number;
  /** What is left for the KV cache (0 when nothing is). */
  kvCacheBytes: number;
}

export interface MemoryEstimate {
  verdict: Verdict;
  engine: Engine;
  /** GPUs one deployment occupies: TP × PP × DP. */
  gpuCount: number;
  parallel: { tensor: number; pipeline: number; data: number; expert: number };
  perGpu: PerGpuMemory;
  /** Weights of one model copy across all its GPUs, at the stored format. */
  totalWeightBytes: number;
  /** What the active parameters alone would take at the same format (MoE: far below `totalWeightBytes`). */
  activeWeightBytes: number;
  /** Weights kept in CPU memory per GPU (`--cpu-offload-gb`, llama.cpp layers left on the CPU). */
  offloadedWeightBytesPerGpu: number;
  /**
   * Routed-expert weights per GPU on the binding stage, wherever they are kept (0 for dense models):
   * a decode step reads only the experts its tokens route to (src/sizing/speed.ts).
   */
  routedExpertBytesPerGpu: number;
  /** KV cache bytes one token takes on the binding GPU (MLA: the same on every TP rank). */
  kvBytesPerToken: number;
  /** Tokens the KV cache holds for one model replica. */
  kvCapacityTokens: number;
  maxModelLen: number;
  maxModelLenSource: "set" | "model-default" | "engine-default";
  /** Whether the engine refuses to start when one such sequence does not fit (SGLang starts; TGI 3 shortens its default). */
  refusesWhenKvTooSmall: boolean;
  /** KV bytes one `maxModelLen` sequence needs on the binding GPU (windowed and recurrent layers included). */
  requestKvBytes: number;
  /** Full-length sequences the KV cache holds at once. */
  maxConcurrency: number;
  /**
   * Largest `max_model_len` the KV cache can hold one sequence of (or, with the estimate's
   * `concurrency` option, that many at once); null when there is no KV memory at all.
   */
  largestFittingMaxModelLen: number | null;
  /** Per-GPU memory missing for the deployment to start (0 when it fits). */
  shortfallBytes: number;
  /**
   * The context the file asked for, when the engine starts anyway with a shorter one because the KV
   * cache cannot hold it (SGLang, TensorRT-LLM, LMDeploy): `maxModelLen` is then that shorter context.
   */
  contextCappedFrom?: number;
  /** KV bytes one sequence of `contextCappedFrom` tokens would need on the binding GPU. */
  contextCappedKvBytes?: number;
  /** Decoder layers on the GPUs and in all, when the engine keeps some on the CPU (llama.cpp `-ngl`, Ollama, `--fit`). */
  gpuLayers?: { onGpu: number; total: number };
  /** The engine settings the estimate used, defaults filled in. */
  settings: {
    /** The budget as a fraction of the GPU's memory. */
    gpuMemoryUtilization: number;
    /** How the engine draws its KV cache (see `BudgetKind`), and its memory knob's value with defaults applied. */
    budgetKind: BudgetKind;
    memoryFraction: number;
    maxNumBatchedTokens: number;
    maxNumSeqs: number;
    kvCacheElementBytes: number;
    weightFormat: string;
    cudaGraphs: boolean;
    /** The KV cache size set outright per GPU (vLLM `--kv-cache-memory-bytes`), beside which the budget is what is left. */
    fixedKvCacheBytes?: number;
  };
  /** Assumptions worth telling the reader (defaults applied, engine-specific behaviour). */
  assumptions: string[];
  /** Risks short of a verdict: too little room outside the budget, KV heads replicated… */
  warnings: string[];
}
