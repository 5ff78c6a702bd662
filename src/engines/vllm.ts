/**
 * vLLM (facts/estimator.md §1). Budget: `--gpu-memory-utilization` × total memory holds weights, the
 * profiling pass's activation peak and non-torch buffers; the rest is KV cache, which must hold one
 * `max_model_len` sequence or the engine refuses to start (`check_enough_kv_cache_memory`).
 */
import type { GpuEntry } from "../catalog/types.js";
import { CUDA_CONTEXT_BYTES, cudaGraphBytes, GIB, gibText, NCCL_BYTES } from "../sizing/runtime.js";
import { MEASURED_SPEED } from "./speed-calibration.js";
import { baseName, catalogMinimum, type EngineProfile, type FlagSpec, poolDefaults, releaseOf, VLLM_STYLE_CONFIG_KEYS, vllmQuantizationFlag } from "./common.js";
import { atLeast, type Release } from "./versions.js";

/** vLLM `--gpu-memory-utilization` default (vllm/config/cache.py `gpu_memory_utilization: float = 0.9`). */
export const VLLM_DEFAULT_UTILIZATION = 0.9;

/** vLLM's CPU builds, by image name (`vllm/vllm-openai-cpu`, `public.ecr.aws/q9t5s3a7/vllm-cpu-release-repo`, `…/vllm-cpu-only`). */
const VLLM_CPU_IMAGE = /vllm[\w.-]*[-_]cpu(?:[-_:/]|$)/i;

/**
 * Memory of the CPU build's three processes (API server, engine core, worker) beside weights and KV
 * cache: a cgroup OOM record of vLLM 0.30.0+cpu serving Qwen2.5-0.5B-Instruct (0.92 GiB checkpoint,
 * 1 GiB KV cache) at a 4Gi limit counted 4,247,797,760 bytes of anonymous memory at the kill, 2.04 GiB
 * beyond the two (public report "Task E report: CPU-backend serving control", E1 run 1).
 */
const VLLM_CPU_PROCESS_BYTES = 2.0 * GIB;

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
 * vLLM releases whose memory semantics differ (facts/estimator.md §1, engines-2.md "Versions"):
 * - before 0.8.0 the V0 engine served by default: without chunked prefill (its default up to a
 *   32,768-token context) the profiling pass pushes `max(max_model_len, 2048)` tokens at once,
 *   with it 512 (V0 `SchedulerConfig`), and 256 sequences on every GPU;
 * - before 0.6.4 the profiler charged everything in use after the dummy run — CUDA context and
 *   NCCL included — to the budget ("Memory profiling results" with `non_torch_memory` came in 0.6.4);
 * - from 0.11.0 Hopper runs MXFP4 MoE weights on the Triton kernels, whose layout pads only the
 *   hidden size (gpt-oss-120b: 64.38 GiB on one H100 — vllm-project/vllm#33155 on 0.14.1, and the
 *   llm-d memory table, whose replication template pins v0.11.0), where 0.10.x used Marlin
 *   (65.97 GiB, vllm-project/vllm#23278 on 0.10.1).
 */
const V1_DEFAULT: Release = [0, 8, 0];
/**
 * From 0.21.0 the profiler also estimates CUDA-graph memory and takes it out of the budget ("CUDA
 * graph memory profiling is enabled (default since v0.21.0). The current --gpu-memory-utilization=0.92
 * is equivalent to 0.9143 without", noonghunna/club-3090#104 log; PR vllm-project/vllm#30515 made it
 * opt-in first); before, graphs were captured after the KV cache, outside the budget.
 */
const GRAPHS_IN_BUDGET: Release = [0, 21, 0];
const NON_TORCH_PROFILER: Release = [0, 6, 4];
const HOPPER_TRITON_MXFP4: Release = [0, 11, 0];
/** V0 `SchedulerConfig`: chunked prefill turned on by default above this context, with 512 batched tokens. */
const V0_CHUNKED_PREFILL_ABOVE = 32_768;
const V0_CHUNKED_BATCHED_TOKENS = 512;

/** V0 scheduler defaults: the whole context in one profiling step unless chunked prefill is on (long contexts). */
function v0BatchDefaults(maxModelLen: number): { maxNumBatchedTokens: number; maxNumSeqs: number } {
  const chunked = maxModelLen > V0_CHUNKED_PREFILL_ABOVE;
  return { maxNumBatchedTokens: chunked ? V0_CHUNKED_BATCHED_TOKENS : Math.max(maxModelLen, 2048), maxNumSeqs: 256 };
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
  // The KV cache's size per GPU, set outright (see `budget`).
  { field: "kvCacheMemoryBytes", kind: "size", names: ["--kv-cache-memory-bytes"] },
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
  versionNumbering: "semver",
  displayName: "vLLM",
  aliases: ["vllm-openai"],

  command(words, i) {
    const text = words[i]!.text;
    if (baseName(text) === "vllm" && words[i + 1]?.text === "serve") return { start: i + 2, positionalModel: true };
    if (/^vllm\.entrypoints\.(openai\.)?api_server$/.test(text) || text === "vllm.entrypoints.cli.main") return { start: i + 1, positionalModel: false };
    if (text === "fastchat.serve.vllm_worker") return { start: i + 1, positionalModel: false, extraFlags: FASTCHAT_FLAGS };
    // NVIDIA Dynamo's vLLM worker takes vLLM's flags (ai-dynamo/dynamo components/backends/vllm).
    if (text === "dynamo.vllm") return { start: i + 1, positionalModel: false };
    // TRL's generation server for GRPO training runs vLLM's engine with a subset of its flags, in vLLM's
    // defaults (huggingface/trl trl/scripts/vllm_serve.py: `--model`, `--tensor_parallel_size`,
    // `--gpu_memory_utilization` 0.9, `--max_model_len`, `--dtype` into `LLM(...)`).
    if ((baseName(text) === "trl" && words[i + 1]?.text === "vllm-serve") || text === "trl.scripts.vllm_serve") return { start: i + (text === "trl.scripts.vllm_serve" ? 1 : 2), positionalModel: false };
    return undefined;
  },
  pythonPackage: "vllm",
  gpuBatchClass: (gpu) => String(vllmBatchDefaults(gpu).maxNumBatchedTokens),
  image: (name) => /vllm/.test(name),
  flags: VLLM_FLAGS,
  // vllm/engine/arg_utils.py EngineArgs.add_cli_args: flags beginning like those read above.
  prefixSiblings: ["--model-impl", "--model-loader-extra-config", "--max-num-partial-prefills", "--max-long-partial-prefills", "--max-seq-len-to-capture", "--max-logprobs", "--max-parallel-loading-workers", "--max-lora-rank", "--max-loras", "--max-cpu-loras", "--kv-transfer-config", "--kv-events-config"],
  switches: [
    "--enforce-eager", "--enable-expert-parallel", "-ep", "--trust-remote-code", "--enable-prefix-caching", "--no-enable-prefix-caching",
    "--enable-chunked-prefill", "--no-enable-chunked-prefill", "--disable-log-requests", "--disable-log-stats", "--enable-auto-tool-choice",
    "--enable-lora", "--disable-custom-all-reduce", "--enable-reasoning", "--async-scheduling", "--disable-frontend-multiprocessing",
    "--headless", "--enable-sleep-mode", "--enable-eplb", "--enable-dbo", "--disable-sliding-window", "--skip-tokenizer-init",
    "--enable-prompt-tokens-details", "--disable-fastapi-docs", "--enable-log-requests", "--disable-hybrid-kv-cache-manager",
    "--enable-force-include-usage", "--no-enable-log-requests", "--skip-mm-profiling", "--enable-chunked-local-attn",
  ],
  // The CPU backend's KV cache in whole GiB (vllm/envs.py VLLM_CPU_KVCACHE_SPACE; vllm/platforms/cpu.py
  // maps it onto --kv-cache-memory-bytes on the CPU only: a GPU deployment that carries it ignores it).
  env: { VLLM_CPU_KVCACHE_SPACE: { field: "cpuKvCacheBytes", kind: "gib" } },
  abbreviations: true,
  configOverridesFlags: false,
  servesWithoutFlags: false,
  // The vllm/vllm-openai image's ENTRYPOINT is ["vllm", "serve"] (a second `serve` is rejected:
  // "unrecognized arguments: serve"), so `command: ["Qwen/Qwen3-8B", "--max-model-len", …]` names the model first.
  imageTakesPositionalModel: true,
  configKeys: VLLM_STYLE_CONFIG_KEYS,

  // vLLM's `bitsandbytes` is in-flight NF4 (docs/features/quantization/bitsandbytes.md); the Marlin
  // and ModelOpt names load the formats the catalog knows by their storage names.
  quantizationFlags: { bitsandbytes: "bnb-nf4", awq_marlin: "awq", gptq_marlin: "gptq", marlin: "gptq", modelopt: "fp8", modelopt_fp4: "nvfp4", experts_int8: "int8", fbgemm_fp8: "fp8", ptpc_fp8: "fp8" },
  quantizationFlag: vllmQuantizationFlag,
  remedyFormats: ["fp8", "int8", "awq", "gptq", "w4a16", "bnb-nf4", "nvfp4"],
  alternativeFormats: ["fp8", "int8", "awq", "gptq", "w4a16", "bnb-nf4"],
  minComputeCapability: catalogMinimum,
  // "compute capability 7.0 or higher (e.g., V100, T4, RTX20xx, A100, L4, H100)": vLLM docs,
  // getting_started/installation/gpu (CUDA); Pascal cards (P100, P40, GTX 10xx) are not supported.
  minCudaCapability: 7.0,
  // GPUs, and Google TPUs and AWS Neuron devices through their own builds (vLLM docs,
  // getting_started/installation: "Google TPU", "AWS Neuron"; the vllm/vllm-tpu image).
  vendors: ["nvidia", "amd", "intel", "google", "aws"],
  checksQuantization: true,
  fp8KvCache: true,
  refusesSplitTiles: true,

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
    const release = releaseOf(request);
    const v1 = atLeast(release, V1_DEFAULT);
    const defaults = v1 ? vllmBatchDefaults(gpu) : v0BatchDefaults(request.maxModelLen ?? model.maxPositionEmbeddings);
    const maxNumBatchedTokens = request.maxNumBatchedTokens ?? defaults.maxNumBatchedTokens;
    const maxNumSeqs = Math.min(request.maxNumSeqs ?? defaults.maxNumSeqs, maxNumBatchedTokens);
    const cudaGraphs = !request.enforceEager;
    const contextInBudget = !atLeast(release, NON_TORCH_PROFILER);
    const runtime = CUDA_CONTEXT_BYTES + (multiGpu ? NCCL_BYTES : 0);
    const graphs = cudaGraphs ? cudaGraphBytes(model, maxNumSeqs, request.tensorParallel) : 0;
    const graphsInBudget = atLeast(release, GRAPHS_IN_BUDGET);
    const overheadBytes = (multiGpu ? NON_TORCH_TP_BYTES : NON_TORCH_BYTES) + (contextInBudget ? runtime : 0) + (graphsInBudget ? graphs : 0);
    // Outside the budget: CUDA context, NCCL and, before 0.21, CUDA graphs (captured after the KV cache).
    const outside = (contextInBudget ? 0 : runtime) + (graphsInBudget ? 0 : graphs);
    const assumptions = v1 ? [] : [`vLLM ${request.engineVersion} runs the V0 engine: its profiling pass takes ${maxNumBatchedTokens} tokens at once`];
    const shared = {
      ...poolDefaults(request),
      activationBytes: activation(maxNumBatchedTokens, maxNumSeqs),
      overheadBytes,
      kvShareOfRest: 1,
      maxNumBatchedTokens,
      maxNumSeqs,
      blockSize: VLLM_BLOCK_SIZE,
      defaultMaxModelLen: model.maxPositionEmbeddings,
      defaultSource: "model-default" as const,
      refusesWhenKvTooSmall: true,
      cudaGraphs,
      warnings,
    };
    const fixedKv = request.kvCacheMemoryBytes;
    if (fixedKv !== undefined) {
      // vllm/v1/worker/gpu_worker.py: with kv_cache_memory_bytes set, vLLM "skipped memory profiling"
      // and "does not respect the gpu_memory_utilization config": the KV cache is that size, and the
      // weights, activations and runtime memory must fit in the rest of the GPU.
      const budgetBytes = Math.max(0, memory - fixedKv - outside);
      return {
        ...shared,
        budgetBytes,
        fixedKvCacheBytes: fixedKv,
        // The share of the GPU left beside the cache, for messages; --gpu-memory-utilization plays no part.
        utilization: budgetBytes / memory,
        memoryFraction: budgetBytes / memory,
        assumptions: [...assumptions, `--kv-cache-memory-bytes keeps ${gibText(fixedKv)} GiB for the KV cache, and vLLM ignores --gpu-memory-utilization`],
      };
    }
    if ((1 - utilization) * memory < outside) {
      warnings.push(
        `only ${gibText((1 - utilization) * memory)} GiB stays outside the ${Math.round(utilization * 100)} % budget, ` +
          `below the ≈ ${gibText(outside)} GiB the CUDA context${multiGpu ? ", NCCL" : ""}${cudaGraphs ? " and CUDA graphs" : ""} take: ` +
          `expect an out-of-memory error at CUDA-graph capture${cudaGraphs ? " (or use --enforce-eager)" : ""}`,
      );
    }
    return { ...shared, budgetBytes: utilization * memory, utilization, memoryFraction: utilization, assumptions };
  },
  expertPadding(request, expertRanks) {
    const { model, weightFormat, gpu } = request;
    if (weightFormat.id !== "mxfp4" || !model.moe) return 1;
    const hiddenPadding = (Math.ceil(model.hiddenSize / 256) * 256) / model.hiddenSize;
    // Hopper on the Triton kernels pads the hidden size only; Marlin (older releases, and every
    // GPU without native MXFP4 below Hopper) also pads each rank's expert width to 128.
    if (gpu.computeCapability !== null && Math.floor(gpu.computeCapability) === 9 && atLeast(releaseOf(request), HOPPER_TRITON_MXFP4)) return hiddenPadding;
    const width = model.moe.expertIntermediateSize / expertRanks;
    return hiddenPadding * ((Math.ceil(width / 128) * 128) / width);
  },
  // vllm/config/model.py `_get_and_verify_max_len`: "User-specified max_model_len (65536) is greater than
  // the derived max_model_len (max_position_embeddings=32768 …). To allow overriding this maximum, set
  // the env var VLLM_ALLOW_LONG_MAX_MODEL_LEN=1" (a ValueError at start-up).
  longContextOverride: { variable: "VLLM_ALLOW_LONG_MAX_MODEL_LEN", ropeFlag: "--hf-overrides" },
  notesModelDefaultContext: true,
  // Its CPU builds (`vllm/vllm-openai-cpu`, `…/vllm-cpu-release-repo`, `…/vllm-cpu:…`) serve from host
  // memory, with the KV cache the file gives them: unset, it was 4 GiB in older releases, a share of
  // the node's memory in later ones and whatever an image's own entrypoint picks, so it is not judged.
  onCpu: {
    runsFromImage: (image) => VLLM_CPU_IMAGE.test(image ?? ""),
    defaultContext: (request) => ({ tokens: request.model.maxPositionEmbeddings, fewest: request.model.maxPositionEmbeddings }),
    kvCacheAsWritten: true,
    runtime: { bytes: VLLM_CPU_PROCESS_BYTES, note: `vLLM's API server, engine core and worker processes each import torch: about ${gibText(VLLM_CPU_PROCESS_BYTES)} GiB beside the weights and KV cache` },
    pastLimit: "The kernel kills it",
    // vllm/engine/arg_utils.py: `if current_platform.is_cpu()`, the API server's defaults are
    // max_num_batched_tokens 2048 and max_num_seqs 128 (per data-parallel rank).
    batchDefaults: { maxNumBatchedTokens: 2048, maxNumSeqs: 128 },
  },
  whenKvTooSmall: () => "vLLM refuses to start.",
  startsAnywayNote: () => "",
  offloadPath: "pcie",
  speed: { calibration: MEASURED_SPEED, fittedOn: "vllm" },
};
