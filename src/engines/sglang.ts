/**
 * SGLang (facts/estimator.md §2). Budget: `--mem-fraction-static` × the memory free at start holds
 * weights and the KV pool; activations and CUDA graphs live outside it. When the pool is smaller than
 * the context SGLang starts anyway and caps request length at the pool: `max_req_len =
 * min(context_len - 1, max_total_num_tokens - 1)` (sgl-project/sglang
 * python/sglang/srt/managers/tp_worker.py), asserting only that the pool is not empty.
 */
import type { GpuEntry, QuantizationFormat } from "../catalog/types.js";
import { CUDA_CONTEXT_BYTES, GIB, gibText, MIB, NCCL_BYTES } from "../sizing/runtime.js";
import { MEASURED_SPEED } from "./speed-calibration.js";
import { catalogMinimum, type EngineProfile, type FlagSpec, poolDefaults, releaseOf, VLLM_STYLE_CONFIG_KEYS, vllmQuantizationFlag } from "./common.js";
import { atLeast, type Release } from "./versions.js";

/**
 * SGLang's default `--mem-fraction-static`, chunked prefill and largest CUDA-graph batch.
 *
 * From 0.5.3 (PR sgl-project/sglang#10975, python/sglang/srt/server_args.py
 * `_handle_gpu_memory_settings`; facts/estimator.md §2): the GPU minus a reserve for attention
 * metadata, one prefill chunk of activations, CUDA graphs and parallelism, with buckets by GPU memory.
 * Before: a table by tensor parallel size (≥ 16: 0.79, ≥ 8: 0.81, ≥ 4: 0.85, ≥ 2: 0.87, else 0.88),
 * a 2,048-token prefill chunk and 8 graph batches below 25,000 MB, else 8,192 and 160 (server_args.py
 * `__post_init__` of the 0.4 releases).
 */
export const SGLANG_MEMORY_HEURISTIC: Release = [0, 5, 3];

export function sglangDefaults(gpu: GpuEntry, tensorParallel: number, pipelineParallel: number, release?: Release) {
  const memoryMiB = gpu.memoryBytes / MIB;
  const gib = gpu.memoryBytes / GIB;
  if (!atLeast(release, SGLANG_MEMORY_HEURISTIC)) {
    const memFractionStatic = tensorParallel >= 16 ? 0.79 : tensorParallel >= 8 ? 0.81 : tensorParallel >= 4 ? 0.85 : tensorParallel >= 2 ? 0.87 : 0.88;
    const small = memoryMiB < 25_000;
    return { memFractionStatic, chunkedPrefillSize: small ? 2048 : 8192, cudaGraphMaxBs: small ? 8 : 160 };
  }
  let chunkedPrefillSize: number;
  let cudaGraphMaxBs: number;
  if (gib < 20) [chunkedPrefillSize, cudaGraphMaxBs] = [2048, 8];
  else if (gib < 35) [chunkedPrefillSize, cudaGraphMaxBs] = [2048, tensorParallel < 4 ? 24 : 80];
  else if (gib < 60) [chunkedPrefillSize, cudaGraphMaxBs] = [4096, tensorParallel < 4 ? 32 : 160];
  else if (gib < 160) [chunkedPrefillSize, cudaGraphMaxBs] = [8192, tensorParallel < 4 ? 256 : 512];
  else [chunkedPrefillSize, cudaGraphMaxBs] = [16384, 512];
  let reservedMiB = 512 + Math.max(chunkedPrefillSize, 2048) * 1.5 + cudaGraphMaxBs * 2 + ((tensorParallel * pipelineParallel) / 8) * 1024;
  if (gib > 60) reservedMiB = Math.max(reservedMiB, 10 * 1024);
  const memFractionStatic = Math.round(((memoryMiB - reservedMiB) / memoryMiB) * 1000) / 1000;
  return { memFractionStatic, chunkedPrefillSize, cudaGraphMaxBs };
}

/**
 * Hybrid linear-attention / Mamba models (Qwen3-Next, Nemotron-H, Jamba): SGLang keeps their
 * per-request states in a separate pool that takes `mamba_full_memory_ratio` r of the full-attention
 * KV pool's size, i.e. r / (1 + r) of what is left after the weights (server_args.py
 * `mamba_full_memory_ratio`; 0.9 from 0.5.4, PR sgl-project/sglang#11679, 0.2 before).
 */
const MAMBA_RATIO_RAISED: Release = [0, 5, 4];
function mambaPoolShare(release: Release | undefined): number {
  const ratio = atLeast(release, MAMBA_RATIO_RAISED) ? 0.9 : 0.2;
  return ratio / (1 + ratio);
}

/** python/sglang/srt/server_args.py (ServerArgs.add_cli_args). */
const FLAGS: readonly FlagSpec[] = [
  { field: "model", kind: "string", names: ["--model-path", "--model"] },
  { field: "tensorParallel", kind: "int", names: ["--tp-size", "--tp", "--tensor-parallel-size"] },
  { field: "pipelineParallel", kind: "int", names: ["--pp-size", "--pipeline-parallel-size"] },
  { field: "dataParallel", kind: "int", names: ["--dp-size", "--dp", "--data-parallel-size"] },
  { field: "expertParallel", kind: "bool", names: ["--enable-ep-moe"] },
  // `--ep-size N` (`--expert-parallel-size`): experts spread over N ranks, whole, instead of each split by TP (1: none).
  { field: "expertParallel", kind: "enabledByCount", names: ["--ep-size", "--expert-parallel-size", "--ep"] },
  { field: "attentionDataParallel", kind: "bool", names: ["--enable-dp-attention"] },
  { field: "quantization", kind: "string", names: ["--quantization"] },
  { field: "dtype", kind: "string", names: ["--dtype"] },
  { field: "kvCacheDtype", kind: "string", names: ["--kv-cache-dtype"] },
  { field: "maxModelLen", kind: "size", names: ["--context-length"] },
  { field: "gpuMemoryUtilization", kind: "float", names: ["--mem-fraction-static"] },
  { field: "maxNumSeqs", kind: "int", names: ["--max-running-requests"] },
  { field: "maxNumBatchedTokens", kind: "int", names: ["--chunked-prefill-size"] },
  { field: "cpuOffloadGiB", kind: "float", names: ["--cpu-offload-gb"] },
  { field: "enforceEager", kind: "bool", names: ["--disable-cuda-graph"] },
  { field: "nodes", kind: "int", names: ["--nnodes"] },
  { field: "configFile", kind: "string", names: ["--config"] },
];

/**
 * SGLang's ModelOpt NVFP4 path has no pre-Blackwell fallback: `ModelOptFp4Config.get_min_capability`
 * returns 100 (sgl-project/sglang@003ca3e python/sglang/srt/layers/quantization/modelopt_quant.py).
 */
function minComputeCapability(format: QuantizationFormat): number | null {
  return format.id === "nvfp4" ? 10.0 : catalogMinimum(format);
}

export const sglang: EngineProfile<"sglang"> = {
  id: "sglang",
  versionNumbering: "semver",
  displayName: "SGLang",
  aliases: [],

  command(words, i) {
    const text = words[i]!.text;
    if (/^sglang\.launch_server$/.test(text)) return { start: i + 1, positionalModel: false };
    if (text.slice(text.lastIndexOf("/") + 1) === "sglang" && words[i + 1]?.text === "serve") return { start: i + 2, positionalModel: false };
    // NVIDIA Dynamo's SGLang worker takes SGLang's flags (ai-dynamo/dynamo components/backends/sglang).
    if (text === "dynamo.sglang") return { start: i + 1, positionalModel: false };
    return undefined;
  },
  pythonPackage: "sglang",
  image: (name) => /sglang/.test(name),
  flags: FLAGS,
  // python/sglang/srt/server_args.py ServerArgs.add_cli_args: flags beginning like those read above.
  prefixSiblings: ["--model-impl", "--model-loader-extra-config", "--max-prefill-tokens", "--max-total-tokens", "--max-queued-requests"],
  switches: [
    "--enable-ep-moe", "--disable-cuda-graph", "--trust-remote-code", "--enable-dp-attention", "--enable-torch-compile",
    "--disable-radix-cache", "--enable-mixed-chunk", "--enable-metrics", "--log-requests", "--enable-deepep-moe", "--disable-overlap-schedule",
  ],
  env: {},
  abbreviations: true,
  configOverridesFlags: false,
  servesWithoutFlags: false,
  configKeys: VLLM_STYLE_CONFIG_KEYS,

  quantizationFlags: { bitsandbytes: "bnb-nf4", awq_marlin: "awq", gptq_marlin: "gptq", modelopt: "fp8", modelopt_fp4: "nvfp4", w8a8_fp8: "fp8", w8a8_int8: "int8" },
  quantizationFlag: vllmQuantizationFlag,
  remedyFormats: ["fp8", "int8", "awq", "gptq", "w4a16", "bnb-nf4", "nvfp4"],
  alternativeFormats: ["fp8", "int8", "awq", "gptq", "w4a16", "bnb-nf4"],
  minComputeCapability,
  checksQuantization: true,
  fp8KvCache: true,
  refusesSplitTiles: true,

  splitsLayers: false,
  shardsOverAllGpus: false,
  // `--dp` with `--enable-dp-attention` runs inside the TP group: tp GPUs, attention at tp / dp on
  // each (python/sglang/srt/server_args.py `_handle_data_parallelism`, which asserts tp % dp == 0
  // and turns DP attention off at dp 1).
  attentionGroupsFromDataParallel: true,

  budgetKind: "fraction-of-total",
  defaultMemoryFraction: 0.88,
  budget(request, activation) {
    const { gpu, model } = request;
    const memory = gpu.memoryBytes;
    const multiGpu = request.tensorParallel * request.pipelineParallel > 1;
    const assumptions: string[] = [];
    const warnings: string[] = [];
    const release = releaseOf(request);
    const defaults = sglangDefaults(gpu, request.tensorParallel, request.pipelineParallel, release);
    const utilization = request.gpuMemoryUtilization ?? defaults.memFractionStatic;
    if (request.gpuMemoryUtilization === undefined) {
      assumptions.push(`SGLang's default --mem-fraction-static on this GPU is ${utilization}`);
    }
    const freeAtStart = memory - CUDA_CONTEXT_BYTES - (multiGpu ? NCCL_BYTES : 0);
    const maxNumBatchedTokens = request.maxNumBatchedTokens ?? defaults.chunkedPrefillSize;
    const outsideNeed = activation(maxNumBatchedTokens, 1) + defaults.cudaGraphMaxBs * 2 * 2 ** 20;
    if ((1 - utilization) * memory < outsideNeed) {
      warnings.push(
        `SGLang keeps ${gibText((1 - utilization) * memory)} GiB outside --mem-fraction-static for activations and CUDA graphs, ` +
          `below the ≈ ${gibText(outsideNeed)} GiB a ${maxNumBatchedTokens}-token prefill chunk needs`,
      );
    }
    const recurrentStateShare = model.recurrent ? mambaPoolShare(release) : 0;
    if (recurrentStateShare > 0) assumptions.push(`SGLang gives ${Math.round(recurrentStateShare * 100)} % of the memory after the weights to its Mamba state pool`);
    return {
      ...poolDefaults(request),
      recurrentStateShare,
      budgetBytes: freeAtStart * utilization,
      activationBytes: 0,
      overheadBytes: 0,
      kvShareOfRest: 1,
      utilization,
      memoryFraction: utilization,
      maxNumBatchedTokens,
      maxNumSeqs: request.maxNumSeqs ?? defaults.cudaGraphMaxBs,
      blockSize: 1,
      defaultMaxModelLen: model.maxPositionEmbeddings,
      defaultSource: "model-default",
      refusesWhenKvTooSmall: false,
      cudaGraphs: false,
      assumptions,
      warnings,
    };
  },
  // python/sglang/srt/configs/model_config.py `ModelConfig._derive_context_length`: a context_length
  // above the derived one raises "… To allow overriding this maximum, set the env var
  // SGLANG_ALLOW_OVERWRITE_LONGER_CONTEXT_LEN=1".
  longContextOverride: { variable: "SGLANG_ALLOW_OVERWRITE_LONGER_CONTEXT_LEN", ropeFlag: "--json-model-override-args" },
  notesModelDefaultContext: false,
  whenKvTooSmall: () => "SGLang does not start: its KV pool has no room for a request.",
  // tp_worker.py: `max_req_len = min(context_len - 1, max_total_num_tokens - 1)`; longer requests are rejected.
  startsAnywayNote: (served) => `SGLang starts and serves requests of up to ${served} tokens, what its KV pool holds`,
  offloadPath: "pcie",
  speed: { calibration: MEASURED_SPEED, fittedOn: "sglang" },
};
