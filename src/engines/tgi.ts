/**
 * Hugging Face Text Generation Inference (facts/estimator.md §3), and LoRAX, its fork
 * (predibase/lorax: the same launcher flags and warm-up). Budget: `CUDA_MEMORY_FRACTION` × 0.9 of the
 * GPU (TGI_WIGGLE_ROOM); warm-up runs a prefill of `--max-batch-prefill-tokens`, then the KV cache
 * takes what is free. Shards over every visible GPU when `--num-shard` is unset.
 */
import type { QuantizationFormat } from "../catalog/types.js";
import { CUDA_CONTEXT_BYTES, NCCL_BYTES } from "../sizing/runtime.js";
import { MEASURED_SPEED } from "./speed-calibration.js";
import type { SizingRequest } from "../sizing/types.js";
import { baseName, catalogMinimum, type EngineProfile, type FlagSpec, poolDefaults, releaseOf, VLLM_STYLE_CONFIG_KEYS, vllmQuantizationFlag } from "./common.js";
import { atLeast, type Release } from "./versions.js";

/**
 * What TGI holds back when it sizes the KV cache after warm-up, by release
 * (server/text_generation_server/models/flash_causal_lm.py `warmup`, models/globals.py
 * `TGI_WIGGLE_ROOM`, utils/import_utils.py `get_cuda_free_memory` at each tag):
 * - up to 1.4.0: `free − (1 − CUDA_MEMORY_FRACTION) × total`, all of it;
 * - 1.4.1–2.3: 95 % of that ("Leave 5% for some wiggle room"); 2.4: 90 % (`TGI_WIGGLE_ROOM` 0.90);
 * - from 3.0: `free − (1 − CUDA_MEMORY_FRACTION × TGI_WIGGLE_ROOM) × total`, the wiggle room a share
 *   of the whole GPU: 0.95 in 3.0, 0.93 in 3.1–3.2, 0.90 from 3.3.
 * `free` is measured after the warm-up prefill, so the torch allocator still holds its peak.
 */
export interface TgiReserve {
  /** Fraction of the GPU (× CUDA_MEMORY_FRACTION) that may hold weights, the warm-up peak and KV. */
  ofTotal: number;
  /** Share of what is then free that becomes KV cache. */
  ofFree: number;
}

export function tgiReserve(release: Release | undefined): TgiReserve {
  if (!atLeast(release, [1, 4, 1])) return { ofTotal: 1, ofFree: 1 };
  if (!atLeast(release, [2, 4, 0])) return { ofTotal: 1, ofFree: 0.95 };
  if (!atLeast(release, [3, 0, 0])) return { ofTotal: 1, ofFree: 0.9 };
  if (!atLeast(release, [3, 1, 0])) return { ofTotal: 0.95, ofFree: 1 };
  if (!atLeast(release, [3, 3, 0])) return { ofTotal: 0.93, ofFree: 1 };
  return { ofTotal: 0.9, ofFree: 1 };
}

/**
 * Before 3.0 the router's warm-up batch asks for prefill log-probabilities (`prefill_logprobs: true`,
 * router/client warmup), so the warm-up prefill computes logits for every one of its
 * `max_batch_prefill_tokens` tokens and then their log-softmax (flash_causal_lm.py `generate_token`),
 * and the allocator still holds that peak when the free memory is measured. Up to 2.3 the
 * log-softmax is a full copy (`torch.log_softmax(out, -1)`); from 2.4.0 it is computed in place
 * (`torch.log_softmax(out, -1, out=out)`, TGI PR #2661, commit 5f32dea1), so only the logits are held.
 * TGI 3.0 disabled prefill log-probabilities by default (`--enable-prefill-logprobs` re-enables them;
 * maintainers in huggingface/text-generation-inference#3070: "disabled by default since 3.0, since
 * they take up a very large amount of VRAM").
 */
const PREFILL_LOGPROBS_OFF: Release = [3, 0, 0];
const LOG_SOFTMAX_IN_PLACE: Release = [2, 4, 0];

/**
 * Bytes per prefill token and vocabulary entry of that warm-up: the logits and, up to 2.3, their
 * log-softmax copy, 4 bytes each. Checked on three logs before 2.4 (test/calibration/cases.json, TGI
 * 0.9.3, 2.0.0, 2.2.0), whose implied warm-up peaks leave 7.9–8.6 bytes per entry after the forward
 * pass. With tensor parallelism each rank also holds its vocabulary shard of the logits before the
 * all-gather (layers/tensor_parallel.py `TensorParallelHead.forward`), which is not counted here.
 */
const WARMUP_LOGIT_BYTES = 4;

/** What TGI's warm-up prefill holds at its peak: the forward pass, and before 3.0 the prefill log-probabilities. */
export function tgiWarmupBytes(request: SizingRequest, prefillTokens: number, activation: (tokens: number, sequences: number) => number): number {
  const forward = activation(prefillTokens, 1);
  const release = releaseOf(request);
  if (atLeast(release, PREFILL_LOGPROBS_OFF)) return forward;
  const copies = atLeast(release, LOG_SOFTMAX_IN_PLACE) ? 1 : 2;
  return forward + prefillTokens * request.model.vocabSize * WARMUP_LOGIT_BYTES * copies;
}

/** TGI 3 infers `max_total_tokens` from the KV cache when unset (warmup: `min(num_blocks × BLOCK_SIZE, max_position_embeddings)`). */
const INFERS_CONTEXT: Release = [3, 0, 0];

/**
 * `--max-total-tokens` when unset, before TGI 3 (launcher/src/main.rs): 2,048 up to 1.4 (clap
 * default); from 2.0 the model's context capped at 4,096 (`max_default`, logged as "Model supports
 * up to 8192 but tgi will now set its default to 4096 instead"). The router refuses to start when
 * the KV cache holds fewer tokens.
 */
export function tgiDefaultMaxTotalTokens(release: Release | undefined, modelContext: number): number {
  return atLeast(release, [2, 0, 0]) ? Math.min(4096, modelContext) : 2048;
}

/**
 * TGI's own table of dense FP16 TFLOPS by the card nvidia-smi names (launcher/src/main.rs
 * `ComputeType::f16_flop`, v3.3.7), used from 3.0 to size the warm-up prefill; cards it does not
 * name (the A10 as opposed to the A10G, the L20…) fall back to 4,096 tokens.
 */
const TGI_CARD_TFLOPS: Readonly<Record<string, number>> = {
  "rtx-4090": 82,
  t4: 65,
  l4: 121,
  l40: 181,
  l40s: 363,
  a10g: 125,
  a40: 149,
  "a100-40gb": 312,
  "a100-80gb": 312,
  "h100-80gb": 900,
  "h100-nvl": 900,
  h200: 989,
};

/**
 * `--max-batch-prefill-tokens` when unset (launcher/src/main.rs): 4,096 up to 1.4 (clap default);
 * 2.0–2.4 `max_input_tokens + 50` (v2.1.0 main.rs L1449–1464, v2.4.0 L1725–1740: "Adding some edge
 * in order to account for potential block_size alignement"), with an unset `--max-input-tokens`
 * `min(max_position_embeddings − 1, 4095)` up to 2.3 and `min(4096, max_position_embeddings)` read
 * for 2.4; from 3.0 the compute-optimal batch (`compute_optimal`: the
 * cards' FP16 FLOPS over the model's FLOPs per token, when above 100) capped by the model's context
 * and by `vram_maximum` (what the GPUs hold after the unquantized weights, per token of KV and MoE
 * intermediates), else 4,096.
 */
export function tgiDefaultPrefillTokens(request: SizingRequest): number {
  const { model, gpu } = request;
  const release = releaseOf(request);
  const context = model.maxPositionEmbeddings;
  if (!atLeast(release, [2, 0, 0])) return 4096;
  if (!atLeast(release, INFERS_CONTEXT) && request.maxInputTokens !== undefined) return request.maxInputTokens + 50;
  if (!atLeast(release, [2, 4, 0])) return Math.min(context - 1, 4095) + 50;
  if (!atLeast(release, INFERS_CONTEXT)) return Math.min(4096, context);
  const shards = request.tensorParallel;
  const tflops = TGI_CARD_TFLOPS[gpu.id];
  const h = model.hiddenSize;
  const hd = model.headDim;
  const intermediate = model.moe ? model.moe.expertIntermediateSize * (model.moe.expertsPerToken + model.moe.sharedExperts) : (model.intermediateSize ?? 0);
  const attention = 2 * h * hd * (3 * model.attentionHeads + 2 * model.kvHeads);
  const flopsPerToken = (attention + 6 * h * intermediate) * model.layers;
  const optimal = tflops ? Math.floor((tflops * 1e12 * shards) / flopsPerToken) : 0;
  let value = Math.min(optimal > 100 ? optimal : 4096, context);
  if (request.weightFormat.kind === "float") {
    const experts = model.moe ? model.moe.experts : 1;
    const mlpIntermediate = model.moe ? model.moe.expertIntermediateSize : (model.intermediateSize ?? 0);
    // TGI's own arithmetic, attention term and all (Config::model_vram omits ×hidden there).
    const modelVram = 2 * ((3 * mlpIntermediate * experts * h + (model.attentionHeads + 2 * model.kvHeads) * hd + model.attentionHeads * hd * h) * model.layers + 2 * h * model.vocabSize);
    const tokenVram = model.kvHeads * 2 * hd * 2 * model.layers + (mlpIntermediate + Math.floor(mlpIntermediate / 2)) * experts * 2 * 3;
    const available = gpu.memoryBytes * shards * (request.gpuMemoryUtilization ?? 1) * 0.95;
    if (available > modelVram) value = Math.min(value, Math.floor((available - modelVram) / tokenVram));
  }
  return Math.max(1, value);
}

/** TGI docs/source/reference/launcher.md. */
const FLAGS: readonly FlagSpec[] = [
  { field: "model", kind: "string", names: ["--model-id"] },
  { field: "tensorParallel", kind: "int", names: ["--num-shard"] },
  { field: "quantization", kind: "string", names: ["--quantize"] },
  { field: "dtype", kind: "string", names: ["--dtype"] },
  { field: "kvCacheDtype", kind: "string", names: ["--kv-cache-dtype"] },
  { field: "maxModelLen", kind: "int", names: ["--max-total-tokens"] },
  { field: "maxNumBatchedTokens", kind: "int", names: ["--max-batch-prefill-tokens"] },
  { field: "maxInputTokens", kind: "int", names: ["--max-input-tokens", "--max-input-length"] },
  { field: "gpuMemoryUtilization", kind: "float", names: ["--cuda-memory-fraction"] },
];

/** TGI's `--quantize bitsandbytes-nf4` is the in-flight NF4 that vLLM calls `bitsandbytes`. */
function quantizationFlag(format: QuantizationFormat): string | undefined {
  return format.id === "bnb-nf4" ? "bitsandbytes-nf4" : vllmQuantizationFlag(format);
}

export const tgi: EngineProfile<"tgi"> = {
  id: "tgi",
  versionNumbering: "semver",
  displayName: "TGI",
  aliases: ["text-generation-inference", "huggingface-tgi", "lorax"],

  command(words, i) {
    const base = baseName(words[i]!.text);
    // `lorax-launcher` is LoRAX's copy of the launcher (predibase/lorax launcher/src/main.rs).
    return base === "text-generation-launcher" || base === "lorax-launcher" ? { start: i + 1, positionalModel: false } : undefined;
  },
  image: (name) => /text-generation-inference|huggingface-pytorch-tgi|\btgi\b|predibase\/lorax/.test(name),
  // TGI README "Hardware support": NVIDIA, AMD, Intel GPU and Gaudi, Inferentia (optimum-neuron), Google TPU (optimum-tpu).
  vendors: ["nvidia", "amd", "intel", "google", "aws"],
  // AWS deep-learning containers tag `…:2.1.1-tgi2.0.2-gpu-py310-cu121-ubuntu22.04`; Google's name the
  // release after the CUDA version (`huggingface-text-generation-inference-cu121.2-1.ubuntu2204.py310`).
  imageRelease(name) {
    const aws = /-tgi(\d+\.\d+(?:\.\d+)?)/.exec(name);
    if (aws) return aws[1];
    const google = /text-generation-inference-cu\d+\.(\d+)-(\d+)(?:-(\d+))?/.exec(name);
    return google ? [google[1], google[2], google[3]].filter((part) => part !== undefined).join(".") : undefined;
  },
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
    MAX_INPUT_TOKENS: { field: "maxInputTokens", kind: "int" },
    MAX_INPUT_LENGTH: { field: "maxInputTokens", kind: "int" },
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
  refusesSplitTiles: false,

  splitsLayers: false,
  shardsOverAllGpus: true,

  budgetKind: "fraction-of-total",
  defaultMemoryFraction: 1,
  budget(request, activation) {
    const { gpu, model } = request;
    const memory = gpu.memoryBytes;
    const multiGpu = request.tensorParallel * request.pipelineParallel > 1;
    const release = releaseOf(request);
    const fraction = request.gpuMemoryUtilization ?? 1;
    const reserve = tgiReserve(release);
    const infers = atLeast(release, INFERS_CONTEXT);
    const maxNumBatchedTokens = request.maxNumBatchedTokens ?? tgiDefaultPrefillTokens(request);
    return {
      ...poolDefaults(request),
      budgetBytes: fraction * reserve.ofTotal * memory,
      // The warm-up prefill of max_batch_prefill_tokens (with its prefill log-probabilities before 3.0).
      activationBytes: tgiWarmupBytes(request, maxNumBatchedTokens, activation),
      overheadBytes: CUDA_CONTEXT_BYTES + (multiGpu ? NCCL_BYTES : 0),
      kvShareOfRest: reserve.ofFree,
      utilization: fraction * reserve.ofTotal,
      memoryFraction: fraction,
      maxNumBatchedTokens,
      maxNumSeqs: request.maxNumSeqs ?? 128,
      // BLOCK_SIZE: 16 for paged attention, 1 for FlashInfer (TGI 3's default attention).
      blockSize: infers ? 1 : 16,
      defaultMaxModelLen: infers ? model.maxPositionEmbeddings : tgiDefaultMaxTotalTokens(release, model.maxPositionEmbeddings),
      defaultSource: infers ? "model-default" : "engine-default",
      // An explicit --max-total-tokens that does not fit stops every release; the default only those before 3.0.
      refusesWhenKvTooSmall: request.maxModelLen !== undefined || !infers,
      cudaGraphs: false,
      assumptions: request.engineVersion === undefined || infers ? [] : [`TGI ${request.engineVersion} defaults max_total_tokens to ${tgiDefaultMaxTotalTokens(release, model.maxPositionEmbeddings)}`],
      warnings: [],
    };
  },
  notesModelDefaultContext: false,
  whenKvTooSmall: (estimate) =>
    estimate.maxModelLenSource === "set" ? "TGI refuses to start (max_total_tokens above what warm-up finds)." : "TGI refuses to start with its default max_total_tokens.",
  startsAnywayNote: (served) => `TGI sets max_total_tokens to ${served}, what its KV cache holds`,
  offloadPath: "pcie",
  // No measured runs of this engine in the calibration set: vLLM's constants, stated as borrowed.
  speed: { calibration: MEASURED_SPEED, fittedOn: "vllm" },
};
