/**
 * Hugging Face Text Generation Inference (facts/estimator.md §3), and LoRAX, its fork
 * (predibase/lorax: the same launcher flags and warm-up). Budget: `CUDA_MEMORY_FRACTION` × 0.9 of the
 * GPU (TGI_WIGGLE_ROOM); warm-up runs a prefill of `--max-batch-prefill-tokens`, then the KV cache
 * takes what is free. Shards over every visible GPU when `--num-shard` is unset.
 */
import type { QuantizationFormat } from "../catalog/types.js";
import { CUDA_CONTEXT_BYTES, NCCL_BYTES } from "../sizing/runtime.js";
import { catalogMinimum, type EngineProfile, type FlagSpec, VLLM_STYLE_CONFIG_KEYS, vllmQuantizationFlag } from "./common.js";
import { MEASURED_SPEED } from "./speed-calibration.js";

/** TGI holds back 10 % of the GPU (`TGI_WIGGLE_ROOM` 0.90, server/text_generation_server/models/globals.py). */
export const TGI_WIGGLE_ROOM = 0.9;
/** TGI `--max-batch-prefill-tokens` default (launcher/src/main.rs: 4096 unless the model is shorter). */
export const TGI_DEFAULT_PREFILL_TOKENS = 4096;
/**
 * TGI 2.x `--max-total-tokens` when unset: the model's context capped at 4,096 (launcher/src/main.rs
 * `max_default`, logged as "Model supports up to 8192 but tgi will now set its default to 4096
 * instead"); the router refuses to start when the KV cache holds fewer. TGI 3 instead lowers the
 * default to what the KV cache holds.
 */
export const TGI_DEFAULT_MAX_TOTAL_TOKENS = 4096;

/** TGI docs/source/reference/launcher.md. */
const FLAGS: readonly FlagSpec[] = [
  { field: "model", kind: "string", names: ["--model-id"] },
  { field: "tensorParallel", kind: "int", names: ["--num-shard"] },
  { field: "quantization", kind: "string", names: ["--quantize"] },
  { field: "dtype", kind: "string", names: ["--dtype"] },
  { field: "kvCacheDtype", kind: "string", names: ["--kv-cache-dtype"] },
  { field: "maxModelLen", kind: "int", names: ["--max-total-tokens"] },
  { field: "maxNumBatchedTokens", kind: "int", names: ["--max-batch-prefill-tokens"] },
  { field: "gpuMemoryUtilization", kind: "float", names: ["--cuda-memory-fraction"] },
];

/** TGI's `--quantize bitsandbytes-nf4` is the in-flight NF4 that vLLM calls `bitsandbytes`. */
function quantizationFlag(format: QuantizationFormat): string | undefined {
  return format.id === "bnb-nf4" ? "bitsandbytes-nf4" : vllmQuantizationFlag(format);
}

export const tgi: EngineProfile<"tgi"> = {
  id: "tgi",
  displayName: "TGI",
  aliases: ["text-generation-inference", "huggingface-tgi", "lorax"],

  command(words, i) {
    const base = words[i]!.text.slice(words[i]!.text.lastIndexOf("/") + 1);
    // `lorax-launcher` is LoRAX's copy of the launcher (predibase/lorax launcher/src/main.rs).
    return base === "text-generation-launcher" || base === "lorax-launcher" ? { start: i + 1, positionalModel: false } : undefined;
  },
  image: (name) => /text-generation-inference|huggingface-pytorch-tgi|\btgi\b|predibase\/lorax/.test(name),
  flags: FLAGS,
  switches: ["--trust-remote-code", "--disable-custom-kernels", "--json-output", "--sharded"],
  env: {
    MODEL_ID: { field: "model", kind: "string" },
    HF_MODEL_ID: { field: "model", kind: "string" },
    NUM_SHARD: { field: "tensorParallel", kind: "int" },
    SM_NUM_GPUS: { field: "tensorParallel", kind: "int" },
    QUANTIZE: { field: "quantization", kind: "string" },
    HF_MODEL_QUANTIZE: { field: "quantization", kind: "string" },
    DTYPE: { field: "dtype", kind: "string" },
    KV_CACHE_DTYPE: { field: "kvCacheDtype", kind: "string" },
    MAX_TOTAL_TOKENS: { field: "maxModelLen", kind: "int" },
    MAX_BATCH_PREFILL_TOKENS: { field: "maxNumBatchedTokens", kind: "int" },
    CUDA_MEMORY_FRACTION: { field: "gpuMemoryUtilization", kind: "float" },
  },
  // The launcher is clap, which takes no unique-prefix abbreviations; the table is read as argparse
  // would until the fidelity work checks every engine's parser.
  abbreviations: true,
  configOverridesFlags: false,
  servesWithoutFlags: true,
  configKeys: VLLM_STYLE_CONFIG_KEYS,

  // TGI's `bitsandbytes` is LLM.int8 (docs/source/reference/launcher.md).
  quantizationFlags: { bitsandbytes: "bnb-int8", eetq: "int8", marlin: "gptq" },
  quantizationFlag,
  remedyFormats: ["fp8", "awq", "gptq", "bnb-nf4"],
  alternativeFormats: ["fp8", "awq", "gptq", "bnb-nf4"],
  minComputeCapability: catalogMinimum,
  checksQuantization: true,
  fp8KvCache: false,

  splitsLayers: false,
  shardsOverAllGpus: true,

  budgetKind: "fraction-of-total",
  defaultMemoryFraction: 1,
  budget(request, activation) {
    const { gpu, model } = request;
    const memory = gpu.memoryBytes;
    const multiGpu = request.tensorParallel * request.pipelineParallel > 1;
    const modelDefault = model.maxPositionEmbeddings;
    const fraction = request.gpuMemoryUtilization ?? 1;
    const maxNumBatchedTokens = request.maxNumBatchedTokens ?? Math.min(TGI_DEFAULT_PREFILL_TOKENS, modelDefault);
    return {
      budgetBytes: fraction * TGI_WIGGLE_ROOM * memory,
      activationBytes: activation(maxNumBatchedTokens, 1),
      overheadBytes: CUDA_CONTEXT_BYTES + (multiGpu ? NCCL_BYTES : 0),
      kvShareOfRest: 1,
      utilization: fraction * TGI_WIGGLE_ROOM,
      memoryFraction: fraction,
      maxNumBatchedTokens,
      maxNumSeqs: request.maxNumSeqs ?? 128,
      blockSize: 16,
      defaultMaxModelLen: Math.min(TGI_DEFAULT_MAX_TOTAL_TOKENS, modelDefault),
      defaultSource: "engine-default",
      // An explicit --max-total-tokens that does not fit stops every version; the default only TGI 2.x.
      refusesWhenKvTooSmall: request.maxModelLen !== undefined,
      cudaGraphs: false,
      assumptions: [],
      warnings: [],
    };
  },
  notesModelDefaultContext: true,
  // Unset, the default context only stops TGI 2.x; TGI 3 lowers it to what fits.
  whenKvTooSmall: (estimate) =>
    estimate.refusesWhenKvTooSmall
      ? "TGI refuses to start."
      : "TGI 2.x refuses to start; TGI 3 starts with max_total_tokens lowered to what the KV cache holds.",
  startsAnywayNote: (maxModelLen) =>
    `TGI 2.x refuses to start with its default max_total_tokens (${maxModelLen}); TGI 3 starts with it lowered to what the KV cache holds`,
  offloadPath: "pcie",
  // No measured runs of this engine in the calibration set: vLLM's constants, stated as borrowed.
  speed: { calibration: MEASURED_SPEED, fittedOn: "vllm" },
};
