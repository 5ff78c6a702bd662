/**
 * NVIDIA TensorRT-LLM: `trtllm-serve` (PyTorch backend by default), its `--config` /
 * `--extra_llm_api_options` YAML, NVIDIA Dynamo's `dynamo.trtllm` worker, and Triton's TensorRT-LLM
 * backend images.
 *
 * Memory (NVIDIA/TensorRT-LLM tensorrt_llm/_torch/pyexecutor/_util.py, `KvCacheCreator`): after the
 * weights load, a profiling run pushes `max_num_tokens` tokens through the model; then
 * `available_kv_mem = (total_gpu_memory − peak_memory) × free_gpu_memory_fraction`, where the peak
 * counts weights, the torch activation peak and memory outside torch (CUDA context, NCCL, CUDA
 * graphs). `free_gpu_memory_fraction` defaults to 0.9 (`KvCacheConfig`; trtllm-serve
 * `--kv_cache_free_gpu_memory_fraction`). The rest, (1 − fraction) of what was free, stays free.
 *
 * A KV pool smaller than `max_seq_len` does not stop it: `KVCacheManager._validate_and_adjust_attention_windows`
 * (tensorrt_llm/_torch/pyexecutor/resource_manager.py) logs "Attention window size … exceeds upper
 * bound … Reducing to …" and "Adjusted max_seq_len to …", unless `--fail_fast_on_attention_window_too_large`.
 */
import type { QuantizationFormat } from "../catalog/types.js";
import { CUDA_CONTEXT_BYTES, cudaGraphBytes, NCCL_BYTES } from "../sizing/runtime.js";
import { MEASURED_SPEED } from "./speed-calibration.js";
import { baseName, catalogMinimum, type ConfigFieldSpec, type EngineProfile, type FlagSpec, poolDefaults } from "./common.js";

/** `KvCacheConfig.free_gpu_memory_fraction` and trtllm-serve's `--kv_cache_free_gpu_memory_fraction` default. */
export const TRTLLM_DEFAULT_FREE_FRACTION = 0.9;

/** `BuildConfig` defaults (NVIDIA/TensorRT-LLM@008b2b8 tensorrt_llm/builder.py): max_batch_size 2048, max_num_tokens 8192. */
export const TRTLLM_DEFAULT_MAX_BATCH_SIZE = 2048;
export const TRTLLM_DEFAULT_MAX_NUM_TOKENS = 8192;

/** KV cache pages of `tokens_per_block` tokens (`KvCacheConfig.tokens_per_block`, 32 in the PyTorch backend). */
export const TRTLLM_TOKENS_PER_BLOCK = 32;

/**
 * Largest CUDA-graph batch the PyTorch backend captures by default (`CudaGraphConfig.max_batch_size`,
 * 128); the pool is sized like vLLM's for that many decode rows.
 */
const TRTLLM_CUDA_GRAPH_BATCH = 128;

/**
 * trtllm-serve options (NVIDIA/TensorRT-LLM tensorrt_llm/commands/serve.py, click: names match
 * exactly, no prefix abbreviations). The model is the positional argument.
 */
const FLAGS: readonly FlagSpec[] = [
  { field: "tensorParallel", kind: "int", names: ["--tp_size", "--tensor_parallel_size"] },
  { field: "pipelineParallel", kind: "int", names: ["--pp_size", "--pipeline_parallel_size"] },
  { field: "expertParallel", kind: "enabledByCount", names: ["--ep_size", "--moe_expert_parallel_size"] },
  { field: "maxNumSeqs", kind: "int", names: ["--max_batch_size"] },
  { field: "maxNumBatchedTokens", kind: "int", names: ["--max_num_tokens"] },
  { field: "maxModelLen", kind: "int", names: ["--max_seq_len"] },
  { field: "gpuMemoryUtilization", kind: "float", names: ["--kv_cache_free_gpu_memory_fraction", "--free_gpu_memory_fraction"] },
  { field: "configFile", kind: "string", names: ["--extra_llm_api_options", "--config"] },
];

/**
 * The LLM API settings of a `--config` / `--extra_llm_api_options` YAML (tensorrt_llm/llmapi/llm_args.py
 * `TorchLlmArgs`, `KvCacheConfig`), which override trtllm-serve's flags; Triton's TensorRT-LLM backend
 * names the KV fraction `kv_cache_free_gpu_mem_fraction` (tensorrtllm_backend config.pbtxt parameters).
 */
const CONFIG_FIELDS: readonly ConfigFieldSpec[] = [
  { path: ["tensor_parallel_size"], field: "tensorParallel", kind: "int" },
  { path: ["pipeline_parallel_size"], field: "pipelineParallel", kind: "int" },
  { path: ["moe_expert_parallel_size"], field: "expertParallel", kind: "enabledByCount" },
  { path: ["max_batch_size"], field: "maxNumSeqs", kind: "int" },
  { path: ["max_num_tokens"], field: "maxNumBatchedTokens", kind: "int" },
  { path: ["max_seq_len"], field: "maxModelLen", kind: "int" },
  { path: ["kv_cache_config", "free_gpu_memory_fraction"], field: "gpuMemoryUtilization", kind: "float" },
  { path: ["kv_cache_config", "dtype"], field: "kvCacheDtype", kind: "string" },
  { path: ["kv_cache_free_gpu_mem_fraction"], field: "gpuMemoryUtilization", kind: "float" },
  { path: ["dtype"], field: "dtype", kind: "string" },
  { path: ["enable_attention_dp"], field: "attentionDataParallel", kind: "bool" },
  { path: ["backend"], field: "backend", kind: "string" },
  { path: ["model"], field: "model", kind: "string" },
];

/** NVIDIA Dynamo's TensorRT-LLM worker names the model by path (ai-dynamo/dynamo components/backends/trtllm). */
const DYNAMO_FLAGS: readonly FlagSpec[] = [
  { field: "model", kind: "string", names: ["--model-path"] },
  { field: "configFile", kind: "string", names: ["--extra-engine-args"] },
];

/**
 * Formats by compute capability in TensorRT-LLM's kernels (NVIDIA Model Optimizer support matrix,
 * nvidia.github.io/Model-Optimizer/guides/0_support_matrix.html): FP4 Blackwell and later, FP8 Ada
 * and later, INT8 SmoothQuant and INT4 AWQ Ampere and later. No weight-only fallback below them.
 */
function minComputeCapability(format: QuantizationFormat): number | null {
  switch (format.id) {
    case "nvfp4":
      return 10.0;
    case "fp8":
    case "fp8-block":
      return 8.9;
    case "int8":
    case "awq":
    case "gptq":
    case "w4a16":
      return 8.0;
    default:
      return catalogMinimum(format);
  }
}

export const trtllm: EngineProfile<"trtllm"> = {
  id: "trtllm",
  versionNumbering: "semver",
  displayName: "TensorRT-LLM",
  aliases: ["tensorrt-llm", "tensorrt_llm", "trt-llm", "tensorrtllm", "trtllm-serve"],
  listedAlias: "tensorrt-llm",

  command(words, i) {
    const text = words[i]!.text;
    if (baseName(text) === "trtllm-serve") {
      const next = words[i + 1]?.text;
      // `serve` and `grpc` take a model; `disaggregated` and `mm_embedding_serve` serve no LLM by themselves.
      if (next === "serve" || next === "grpc") return { start: i + 2, positionalModel: true };
      if (next === "disaggregated" || next === "disaggregated_mpi_worker" || next === "mm_embedding_serve") return undefined;
      return { start: i + 1, positionalModel: true };
    }
    if (text === "tensorrt_llm.commands.serve") return { start: i + 1, positionalModel: true };
    if (text === "dynamo.trtllm") return { start: i + 1, positionalModel: false, extraFlags: DYNAMO_FLAGS };
    return undefined;
  },
  // The release image (nvcr.io/nvidia/tensorrt-llm/release), Triton's TRT-LLM images
  // (tritonserver:<yy.mm>-trtllm-python-py3) and Dynamo's tensorrtllm-runtime.
  pythonPackage: "tensorrt-llm",
  image: (name) => /tensorrt[-_]?llm|trtllm/.test(name),
  // TensorRT-LLM is built on CUDA and TensorRT: NVIDIA GPUs only (docs/source/overview.md "Supported GPUs").
  vendors: ["nvidia"],
  flags: FLAGS,
  switches: ["--trust_remote_code", "--enable_chunked_prefill", "--fail_fast_on_attention_window_too_large", "--streaming"],
  env: {},
  abbreviations: false,
  configOverridesFlags: true,
  servesWithoutFlags: false,
  configKeys: {
    tensorParallel: "tensor_parallel_size",
    pipelineParallel: "pipeline_parallel_size",
    maxModelLen: "max_seq_len",
    maxNumSeqs: "max_batch_size",
    maxNumBatchedTokens: "max_num_tokens",
  },
  configFields: CONFIG_FIELDS,
  // Keys only an LLM API document has (tensorrt_llm/llmapi/llm_args.py), so a standalone YAML with
  // one of them is TensorRT-LLM's rather than a generic app config.
  configDocumentKeys: ["kv_cache_config", "enable_attention_dp", "cuda_graph_config", "moe_expert_parallel_size", "kv_cache_free_gpu_mem_fraction", "moe_config", "pytorch_backend_config"],

  // trtllm-serve has no quantization flag: the checkpoint's `hf_quant_config.json` decides, so every
  // quantized format is a pre-quantized checkpoint (ModelOpt).
  quantizationFlags: {},
  quantizationFlag: () => undefined,
  remedyFormats: ["fp8", "int8", "awq", "nvfp4"],
  alternativeFormats: ["fp8", "int8", "awq", "nvfp4"],
  minComputeCapability,
  checksQuantization: true,
  // An FP8 KV cache is `kv_cache_config.dtype: fp8` in the YAML, which no flag edit can write.
  fp8KvCache: false,
  refusesSplitTiles: false,

  splitsLayers: false,
  shardsOverAllGpus: false,

  budgetKind: "fraction-of-free",
  defaultMemoryFraction: TRTLLM_DEFAULT_FREE_FRACTION,
  budget(request, activation) {
    const { gpu, model } = request;
    const memory = gpu.memoryBytes;
    const multiGpu = request.tensorParallel * request.pipelineParallel > 1;
    const fraction = request.gpuMemoryUtilization ?? TRTLLM_DEFAULT_FREE_FRACTION;
    const maxNumBatchedTokens = request.maxNumBatchedTokens ?? TRTLLM_DEFAULT_MAX_NUM_TOKENS;
    const maxNumSeqs = request.maxNumSeqs ?? TRTLLM_DEFAULT_MAX_BATCH_SIZE;
    const maxSeqLen = request.maxModelLen ?? model.maxPositionEmbeddings;
    // The profiling run's dummy requests are `min(max_num_tokens, max_seq_len − 1)` tokens long and
    // fill `max_num_tokens`; logits are gathered for each request's last token only.
    const dummyRequests = Math.ceil(maxNumBatchedTokens / Math.max(1, Math.min(maxNumBatchedTokens, maxSeqLen - 1)));
    const cudaGraphs = !request.enforceEager;
    const graphs = cudaGraphs ? cudaGraphBytes(model, Math.min(maxNumSeqs, TRTLLM_CUDA_GRAPH_BATCH) / 2, request.tensorParallel) : 0;
    return {
      ...poolDefaults(request),
      budgetBytes: memory,
      activationBytes: activation(maxNumBatchedTokens, dummyRequests),
      overheadBytes: CUDA_CONTEXT_BYTES + (multiGpu ? NCCL_BYTES : 0) + graphs,
      kvShareOfRest: fraction,
      utilization: 1,
      memoryFraction: fraction,
      maxNumBatchedTokens,
      maxNumSeqs,
      blockSize: TRTLLM_TOKENS_PER_BLOCK,
      defaultMaxModelLen: model.maxPositionEmbeddings,
      defaultSource: "model-default",
      refusesWhenKvTooSmall: false,
      cudaGraphs,
      assumptions: request.gpuMemoryUtilization === undefined ? [`TensorRT-LLM gives the KV cache ${Math.round(fraction * 100)} % of the memory left after weights and the profiling peak (free_gpu_memory_fraction)`] : [],
      warnings: [],
    };
  },
  notesModelDefaultContext: true,
  whenKvTooSmall: () => "TensorRT-LLM does not start: its KV cache has no room for a request.",
  startsAnywayNote: (served) => `TensorRT-LLM starts with max_seq_len lowered to ${served} tokens, what its KV cache holds`,
  offloadPath: "pcie",
  speed: { calibration: MEASURED_SPEED, fittedOn: "trtllm" },
};
