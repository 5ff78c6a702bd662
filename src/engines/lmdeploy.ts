/**
 * LMDeploy: `lmdeploy serve api_server MODEL` with its TurboMind engine (the default on NVIDIA GPUs
 * for the architectures it supports) or its PyTorch engine.
 *
 * Memory: `--cache-max-entry-count` (default 0.8) is the share of the memory still FREE once the
 * weights are loaded that the KV blocks take (lmdeploy/messages.py `TurbomindEngineConfig`: "For
 * lmdeploy versions greater than v0.2.1, it defaults to 0.8, signifying the percentage of FREE GPU
 * memory to be reserved for the k/v cache"; TurboMind `SequenceManager` sizes `block_count × free /
 * block_size` with free memory reduced to the minimum over TP ranks, src/turbomind/engine/engine.cc).
 * Activations and workspaces are allocated afterwards, out of the remaining share.
 *
 * A pool smaller than `--session-len` does not stop it: TurboMind logs "`session_len` truncated to
 * N due to limited KV cache memory" (src/turbomind/engine/engine.cc `CreateSequenceManager`) and the
 * PyTorch engine takes `min(max_tokens, session_len)` (lmdeploy/pytorch/engine/engine.py
 * `_get_max_session_len`); only an empty pool fails ("No enough gpu memory for kv cache").
 */
import type { GpuEntry, QuantizationFormat } from "../catalog/types.js";
import { CUDA_CONTEXT_BYTES, gibText, NCCL_BYTES } from "../sizing/runtime.js";
import { MEASURED_SPEED } from "./speed-calibration.js";
import { baseName, catalogMinimum, type EngineProfile, type FlagSpec, poolDefaults, VLLM_STYLE_CONFIG_KEYS } from "./common.js";

/** `cache_max_entry_count` default since v0.2.1 (lmdeploy/messages.py). */
export const LMDEPLOY_DEFAULT_CACHE_ENTRY_COUNT = 0.8;

/** `max_prefill_token_num` default of both engines (lmdeploy/messages.py): the largest prefill chunk. */
export const LMDEPLOY_MAX_PREFILL_TOKENS = 8192;

/** TurboMind's KV block holds `cache_block_seq_len` tokens (lmdeploy/messages.py, default 64). */
export const LMDEPLOY_BLOCK_TOKENS = 64;

/**
 * `max_batch_size` when unset, by GPU name (lmdeploy/utils.py `get_max_batch_size`): A100/A800 384,
 * H100/H800/H200 1024, any other GPU 128.
 */
export function lmdeployMaxBatchSize(gpu: GpuEntry): number {
  if (/^a(100|800)/.test(gpu.id)) return 384;
  if (/^h(100|800|200)/.test(gpu.id)) return 1024;
  return 128;
}

/** lmdeploy/cli/serve.py `api_server` (argparse, with lmdeploy/cli/utils.py `ArgumentHelper`). */
const FLAGS: readonly FlagSpec[] = [
  { field: "tensorParallel", kind: "int", names: ["--tp"] },
  { field: "dataParallel", kind: "int", names: ["--dp"] },
  { field: "expertParallel", kind: "enabledByCount", names: ["--ep"] },
  { field: "gpuMemoryUtilization", kind: "float", names: ["--cache-max-entry-count"] },
  { field: "maxModelLen", kind: "int", names: ["--session-len"] },
  { field: "quantization", kind: "string", names: ["--model-format"] },
  { field: "kvCacheDtype", kind: "kvQuantPolicy", names: ["--quant-policy"] },
  { field: "maxNumSeqs", kind: "int", names: ["--max-batch-size"] },
  { field: "maxNumBatchedTokens", kind: "int", names: ["--max-prefill-token-num"] },
  { field: "dtype", kind: "string", names: ["--dtype"] },
  { field: "enforceEager", kind: "bool", names: ["--eager-mode"] },
  { field: "backend", kind: "string", names: ["--backend"] },
];

/**
 * The PyTorch engine (`--backend pytorch`) first sets aside the logits of a full prefill chunk —
 * `max_prefill_token_num × vocab_size × 7` bytes ("lm_head output(2) + to float(4) + estimated
 * misc(1) = 7") — and gives `cache_max_entry_count` of what is then free to the KV cache
 * (lmdeploy/pytorch/engine/model_agent.py `_update_cache_config`, `__get_runtime_size`; it halves
 * the chunk until 16 blocks fit). TurboMind sets nothing aside.
 */
const PYTORCH_RUNTIME_BYTES_PER_TOKEN_AND_VOCAB = 7;

/**
 * TurboMind's 4-bit weight kernels run from Volta (sm70) on (InternLM/lmdeploy@1cfac7d:
 * docs/en/quantization/w4a16.md, "V100(sm70): V100; Turing(sm75): 20 series, T4; Ampere…"); FP8
 * weights need Ada or later.
 */
function minComputeCapability(format: QuantizationFormat): number | null {
  switch (format.id) {
    case "awq":
    case "gptq":
      return 7.0;
    case "fp8":
    case "fp8-block":
      return 8.9;
    default:
      return catalogMinimum(format);
  }
}

export const lmdeploy: EngineProfile<"lmdeploy"> = {
  id: "lmdeploy",
  versionNumbering: "semver",
  displayName: "LMDeploy",
  aliases: ["turbomind"],

  command(words, i) {
    if (baseName(words[i]!.text) !== "lmdeploy" || words[i + 1]?.text !== "serve") return undefined;
    const mode = words[i + 2]?.text;
    // `proxy` is LMDeploy's router; it serves no model.
    return mode === "api_server" || mode === "gradio" ? { start: i + 3, positionalModel: true } : undefined;
  },
  pythonPackage: "lmdeploy",
  gpuBatchClass: (gpu) => String(lmdeployMaxBatchSize(gpu)),
  image: (name) => /lmdeploy/.test(name),
  flags: FLAGS,
  switches: ["--trust-remote-code", "--enable-prefix-caching", "--eager-mode", "--disable-fastapi-docs", "--allow-credentials"],
  env: {},
  abbreviations: true,
  configOverridesFlags: false,
  servesWithoutFlags: false,
  configKeys: { ...VLLM_STYLE_CONFIG_KEYS, maxModelLen: "session_len", gpuMemoryUtilization: "cache_max_entry_count", tensorParallel: "tp" },

  // `--model-format hf` (or `llama`) loads 16-bit weights as stored; `awq`, `gptq`, `fp8` name pre-quantized checkpoints.
  quantizationFlags: { hf: "none", llama: "none", meta_llama: "none" },
  quantizationFlag: (format) => (["awq", "gptq", "fp8"].includes(format.id) ? format.id : undefined),
  remedyFormats: ["fp8", "awq", "gptq"],
  alternativeFormats: ["awq", "gptq"],
  minComputeCapability,
  checksQuantization: true,
  // An 8-bit KV cache is `--quant-policy 8` (int8), not FP8.
  fp8KvCache: false,
  refusesSplitTiles: false,

  splitsLayers: false,
  shardsOverAllGpus: false,

  budgetKind: "fraction-of-free",
  defaultMemoryFraction: LMDEPLOY_DEFAULT_CACHE_ENTRY_COUNT,
  budget(request, activation) {
    const { gpu, model } = request;
    const memory = gpu.memoryBytes;
    const multiGpu = request.tensorParallel * request.pipelineParallel > 1;
    const fraction = request.gpuMemoryUtilization ?? LMDEPLOY_DEFAULT_CACHE_ENTRY_COUNT;
    const maxNumBatchedTokens = request.maxNumBatchedTokens ?? LMDEPLOY_MAX_PREFILL_TOKENS;
    const pytorch = request.backend?.trim().toLowerCase() === "pytorch";
    const runtimeBytes = pytorch ? maxNumBatchedTokens * model.vocabSize * PYTORCH_RUNTIME_BYTES_PER_TOKEN_AND_VOCAB : 0;
    const overheadBytes = CUDA_CONTEXT_BYTES + (multiGpu ? NCCL_BYTES : 0) + runtimeBytes;
    const warnings: string[] = [];
    // The activation peak comes out of what the KV blocks leave free, after them.
    const peak = activation(maxNumBatchedTokens, 1);
    const leftFree = (1 - fraction) * Math.max(0, memory - overheadBytes);
    if (leftFree < peak) {
      warnings.push(
        `LMDeploy leaves ${Math.round((1 - fraction) * 100)} % of the free memory (at most ${gibText(leftFree)} GiB) outside the KV cache, ` +
          `below the ≈ ${gibText(peak)} GiB a ${maxNumBatchedTokens}-token prefill needs: expect an out-of-memory error on long prompts (lower --cache-max-entry-count or --max-prefill-token-num)`,
      );
    }
    return {
      ...poolDefaults(request),
      budgetBytes: memory,
      activationBytes: 0,
      overheadBytes,
      kvShareOfRest: fraction,
      utilization: 1,
      memoryFraction: fraction,
      maxNumBatchedTokens,
      maxNumSeqs: request.maxNumSeqs ?? lmdeployMaxBatchSize(gpu),
      blockSize: LMDEPLOY_BLOCK_TOKENS,
      defaultMaxModelLen: model.maxPositionEmbeddings,
      defaultSource: "model-default",
      refusesWhenKvTooSmall: false,
      cudaGraphs: false,
      assumptions: request.gpuMemoryUtilization === undefined ? [`LMDeploy gives the KV cache ${Math.round(fraction * 100)} % of the memory left after the weights (cache_max_entry_count)`] : [],
      warnings,
    };
  },
  notesModelDefaultContext: true,
  whenKvTooSmall: () => "LMDeploy does not start (\"No enough gpu memory for kv cache\").",
  startsAnywayNote: (served) => `LMDeploy starts with session_len truncated to ${served} tokens, what its KV cache holds`,
  offloadPath: "pcie",
  // No measured runs of this engine in the calibration set: vLLM's constants, stated as borrowed.
  speed: { calibration: MEASURED_SPEED, fittedOn: "vllm" },
};
