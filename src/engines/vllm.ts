/**
 * vLLM (facts/estimator.md §1). Budget: `--gpu-memory-utilization` × total memory holds weights, the
 * profiling pass's activation peak and non-torch buffers; the rest is KV cache, which must hold one
 * `max_model_len` sequence or the engine refuses to start (`check_enough_kv_cache_memory`).
 */
import type { GpuEntry } from "../catalog/types.js";
import { CUDA_CONTEXT_BYTES, cudaGraphBytes, GIB, gibText, NCCL_BYTES } from "../sizing/runtime.js";
import { baseName, catalogMinimum, type EngineProfile, type FlagSpec, VLLM_STYLE_CONFIG_KEYS, vllmQuantizationFlag } from "./common.js";
import { MEASURED_SPEED } from "./speed-calibration.js";

/** vLLM `--gpu-memory-utilization` default (vllm/config/cache.py `gpu_memory_utilization: float = 0.9`). */
export const VLLM_DEFAULT_UTILIZATION = 0.9;

/** vLLM KV block size on CUDA (vllm/config/cache.py `block_size` default 16). */
export const VLLM_BLOCK_SIZE = 16;

/**
 * `vllm serve` scheduler defaults (vllm/engine/arg_utils.py `EngineArgs.get_batch_defaults`, usage
 * context OPENAI_API_SERVER): GPUs with ≥ 70 GiB other than A100 get 8192 batched tokens and 1024
 * sequences; all others 2048 and 256.
 */
export function vllmBatchDefaults(gpu: GpuEntry): { maxNumBatchedTokens: number; maxNumSeqs: number } {
  const large = gpu.memoryBytes >= 70 * GIB && !/^a100/.test(gpu.id);
  return large ? { maxNumBatchedTokens: 8192, maxNumSeqs: 1024 } : { maxNumBatchedTokens: 2048, maxNumSeqs: 256 };
}

/**
 * Memory outside torch that grows during vLLM's profiling pass ("non-torch forward increase
 * memory"): cuBLAS workspaces, plus custom all-reduce buffers with TP. Calibrated: 0.13–0.14 GiB on
 * one GPU and 0.54–0.55 GiB at TP 2 in the llm-d H100 logs (test/calibration/cases.json).
 */
export const NON_TORCH_BYTES = 0.13 * GIB;
export const NON_TORCH_TP_BYTES = 0.55 * GIB;

/** vllm/engine/arg_utils.py (EngineArgs.add_cli_args), short aliases from vllm/entrypoints/cli/serve.py. */
export const VLLM_FLAGS: readonly FlagSpec[] = [
  { field: "model", kind: "string", names: ["--model"] },
  { field: "tensorParallel", kind: "int", names: ["--tensor-parallel-size", "-tp"] },
  { field: "pipelineParallel", kind: "int", names: ["--pipeline-parallel-size", "-pp"] },
  { field: "dataParallel", kind: "int", names: ["--data-parallel-size", "-dp"] },
  { field: "expertParallel", kind: "bool", names: ["--enable-expert-parallel", "-ep"] },
  { field: "quantization", kind: "string", names: ["--quantization", "-q"] },
  { field: "dtype", kind: "string", names: ["--dtype"] },
  { field: "kvCacheDtype", kind: "string", names: ["--kv-cache-dtype"] },
  { field: "maxModelLen", kind: "size", names: ["--max-model-len"] },
  { field: "gpuMemoryUtilization", kind: "float", names: ["--gpu-memory-utilization"] },
  { field: "maxNumSeqs", kind: "int", names: ["--max-num-seqs"] },
  { field: "maxNumBatchedTokens", kind: "size", names: ["--max-num-batched-tokens"] },
  { field: "cpuOffloadGiB", kind: "float", names: ["--cpu-offload-gb"] },
  { field: "enforceEager", kind: "bool", names: ["--enforce-eager"] },
  { field: "nodes", kind: "int", names: ["--nnodes"] },
  // A YAML of these settings by flag name (docs: "--config"); read when it is mounted from a ConfigMap in the same file.
  { field: "configFile", kind: "string", names: ["--config"] },
];

/**
 * FastChat's `fastchat.serve.vllm_worker` takes vLLM's engine flags plus its own model path and GPU
 * count (lm-sys/FastChat fastchat/serve/vllm_worker.py: `--model-path`, `--num-gpus` → tensor parallel).
 */
const FASTCHAT_FLAGS: readonly FlagSpec[] = [
  { field: "model", kind: "string", names: ["--model-path"] },
  { field: "tensorParallel", kind: "int", names: ["--num-gpus"] },
];

export const vllm: EngineProfile<"vllm"> = {
  id: "vllm",
  displayName: "vLLM",
  aliases: ["vllm-openai"],

  command(words, i) {
    const text = words[i]!.text;
    if (baseName(text) === "vllm" && words[i + 1]?.text === "serve") return { start: i + 2, positionalModel: true };
    if (/^vllm\.entrypoints\.(openai\.)?api_server$/.test(text) || text === "vllm.entrypoints.cli.main") return { start: i + 1, positionalModel: false };
    if (text === "fastchat.serve.vllm_worker") return { start: i + 1, positionalModel: false, extraFlags: FASTCHAT_FLAGS };
    // NVIDIA Dynamo's vLLM worker takes vLLM's flags (ai-dynamo/dynamo components/backends/vllm).
    if (text === "dynamo.vllm") return { start: i + 1, positionalModel: false };
    return undefined;
  },
  image: (name) => /vllm/.test(name),
  flags: VLLM_FLAGS,
  switches: [
    "--enforce-eager", "--enable-expert-parallel", "-ep", "--trust-remote-code", "--enable-prefix-caching", "--no-enable-prefix-caching",
    "--enable-chunked-prefill", "--no-enable-chunked-prefill", "--disable-log-requests", "--disable-log-stats", "--enable-auto-tool-choice",
    "--enable-lora", "--disable-custom-all-reduce", "--enable-reasoning", "--async-scheduling", "--disable-frontend-multiprocessing",
    "--headless", "--enable-sleep-mode", "--enable-eplb", "--enable-dbo", "--disable-sliding-window", "--skip-tokenizer-init",
    "--enable-prompt-tokens-details", "--disable-fastapi-docs", "--enable-log-requests", "--disable-hybrid-kv-cache-manager",
    "--enable-force-include-usage", "--no-enable-log-requests", "--skip-mm-profiling", "--enable-chunked-local-attn",
  ],
  env: {},
  abbreviations: true,
  configOverridesFlags: false,
  servesWithoutFlags: false,
  configKeys: VLLM_STYLE_CONFIG_KEYS,

  // vLLM's `bitsandbytes` is in-flight NF4 (docs/features/quantization/bitsandbytes.md); the Marlin
  // and ModelOpt names load the formats the catalog knows by their storage names.
  quantizationFlags: { bitsandbytes: "bnb-nf4", awq_marlin: "awq", gptq_marlin: "gptq", marlin: "gptq", modelopt: "fp8", modelopt_fp4: "nvfp4", experts_int8: "int8", fbgemm_fp8: "fp8", ptpc_fp8: "fp8" },
  quantizationFlag: vllmQuantizationFlag,
  remedyFormats: ["fp8", "int8", "awq", "gptq", "w4a16", "bnb-nf4", "nvfp4"],
  alternativeFormats: ["fp8", "int8", "awq", "gptq", "w4a16", "bnb-nf4"],
  minComputeCapability: catalogMinimum,
  checksQuantization: true,
  fp8KvCache: true,

  splitsLayers: false,
  shardsOverAllGpus: false,

  budgetKind: "fraction-of-total",
  defaultMemoryFraction: VLLM_DEFAULT_UTILIZATION,
  budget(request, activation) {
    const { gpu, model } = request;
    const memory = gpu.memoryBytes;
    const multiGpu = request.tensorParallel * request.pipelineParallel > 1;
    const warnings: string[] = [];
    const utilization = request.gpuMemoryUtilization ?? VLLM_DEFAULT_UTILIZATION;
    const defaults = vllmBatchDefaults(gpu);
    const maxNumBatchedTokens = request.maxNumBatchedTokens ?? defaults.maxNumBatchedTokens;
    const maxNumSeqs = Math.min(request.maxNumSeqs ?? defaults.maxNumSeqs, maxNumBatchedTokens);
    const cudaGraphs = !request.enforceEager;
    const overheadBytes = multiGpu ? NON_TORCH_TP_BYTES : NON_TORCH_BYTES;
    // Outside the budget: CUDA context, NCCL and (captured after the KV cache) CUDA graphs.
    const graphs = cudaGraphs ? cudaGraphBytes(model, maxNumSeqs, request.tensorParallel) : 0;
    const outside = CUDA_CONTEXT_BYTES + (multiGpu ? NCCL_BYTES : 0) + graphs;
    if ((1 - utilization) * memory < outside) {
      warnings.push(
        `only ${gibText((1 - utilization) * memory)} GiB stays outside the ${Math.round(utilization * 100)} % budget, ` +
          `below the ≈ ${gibText(outside)} GiB the CUDA context${multiGpu ? ", NCCL" : ""}${cudaGraphs ? " and CUDA graphs" : ""} take: ` +
          `expect an out-of-memory error at CUDA-graph capture${cudaGraphs ? " (or use --enforce-eager)" : ""}`,
      );
    }
    return {
      budgetBytes: utilization * memory,
      activationBytes: activation(maxNumBatchedTokens, maxNumSeqs),
      overheadBytes,
      kvShareOfRest: 1,
      utilization,
      memoryFraction: utilization,
      maxNumBatchedTokens,
      maxNumSeqs,
      blockSize: VLLM_BLOCK_SIZE,
      defaultMaxModelLen: model.maxPositionEmbeddings,
      defaultSource: "model-default",
      refusesWhenKvTooSmall: true,
      cudaGraphs,
      assumptions: [],
      warnings,
    };
  },
  notesModelDefaultContext: true,
  whenKvTooSmall: () => "vLLM refuses to start.",
  startsAnywayNote: () => "",
  offloadPath: "pcie",
  speed: { calibration: MEASURED_SPEED, fittedOn: "vllm" },
};
