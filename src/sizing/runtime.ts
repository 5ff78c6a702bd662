/**
 * What every engine's memory shares: the CUDA context and NCCL buffers, the CUDA-graph pool, the
 * activation peak of a forward pass, KV element sizes. Engine-specific budgets and defaults live in
 * the engine modules (src/engines). Every constant names where it comes from; the ones marked
 * "calibrated" were fitted to the measured engine logs in `test/calibration/cases.json` (see
 * `npm run calibrate`).
 */
import type { ModelEntry } from "../catalog/types.js";

export const MIB = 2 ** 20;
export const GIB = 2 ** 30;

/** Bytes as GiB with one decimal, for messages. */
export function gibText(bytes: number): string {
  return (bytes / GIB).toFixed(1);
}

/**
 * CUDA context and driver memory per process, allocated before vLLM's baseline snapshot, so it
 * comes out of the (1 − utilisation) headroom rather than the budget (facts/estimator.md §7.4:
 * 0.4–0.6 GiB; vllm/utils/mem_utils.py `memory_profiling` docstring).
 */
export const CUDA_CONTEXT_BYTES = 0.5 * GIB;

/** NCCL communicator buffers with TP/PP > 1, also allocated before the snapshot (facts/estimator.md §7.4: 0.2–1 GiB). */
export const NCCL_BYTES = 0.5 * GIB;

/**
 * CUDA-graph pool. vLLM captures graphs after the KV cache is allocated and, in every calibration
 * log, the logged KV memory equals utilisation × memory − weights − peak − non-torch exactly, so
 * the pool comes out of the (1 − utilisation) headroom rather than the budget
 * (facts/estimator.md §1.1 step 4). Logged pools: 0.4–1.9 GiB; modelled as a base plus a share
 * that grows with hidden size and layers of the captured decode batches (largest capture size
 * min(2 × max_num_seqs, 512)).
 */
export function cudaGraphBytes(model: ModelEntry, maxNumSeqs: number, tensorParallel: number): number {
  const maxCaptureSize = Math.min(maxNumSeqs * 2, 512);
  const perLayerBytes = (maxCaptureSize * model.hiddenSize * 2 * 2) / Math.sqrt(tensorParallel);
  return 0.25 * GIB + Math.min(model.layers * perLayerBytes, 1.6 * GIB);
}

/** Rows of the fused-MoE intermediate caches vLLM allocates per chunk (`VLLM_FUSED_MOE_CHUNK_SIZE`, 32768 tokens). */
const FUSED_MOE_CHUNK_TOKENS = 32 * 1024;

export interface ActivationInput {
  model: ModelEntry;
  tensorParallel: number;
  expertParallelRanks: number;
  tokens: number;
  sequences: number;
  activationBytes: number;
}

/**
 * Bytes per (sequence × vocabulary entry) of vLLM's dummy sampler run over `max_num_seqs` rows of
 * fp32 logits (logits, probabilities, sort values and indices, logprobs). Calibrated on the logged
 * "torch peak memory increase": 37.6–38.9 at 1,024 sequences (H100 logs of Qwen3-0.6B/32B,
 * Llama-3.1-8B, Llama-3.3-70B, gpt-oss; vLLM 0.10–0.11) and 11–27 at 256 sequences (A100 and RTX
 * logs, vLLM 0.10 and 0.26); interpolated between, flat outside.
 */
export function samplerBytesPerEntry(sequences: number): number {
  const low = 16;
  const high = 38.5;
  const share = Math.min(1, Math.max(0, (sequences - 256) / (1024 - 256)));
  return low + (high - low) * share;
}

/**
 * Peak of vLLM's profiling pass: a forward of `max_num_batched_tokens` tokens (the hidden-state
 * stream plus the largest of the QKV projection, the dense MLP and the fused-MoE caches), then the
 * sampler over `max_num_seqs` rows of logits — two phases, so the peak is the larger
 * (facts/estimator.md §1.3 and §7.3; calibrated as above).
 */
export function activationPeakBytes(input: ActivationInput): number {
  const { model, tensorParallel: tp, tokens, sequences, activationBytes: b } = input;
  const h = model.hiddenSize;
  const kvHeadsPerRank = kvHeadsPerTpRank(model, tp);
  const hiddenStream = 2 * tokens * h * b;
  const qkv =
    model.attention.kind === "mla"
      ? tokens * ((model.attentionHeads / tp) * (model.attention.qkNopeHeadDim + model.attention.qkRopeHeadDim) * 2 + model.attention.kvLoraRank) * b
      : tokens * (model.attentionHeads / tp + 2 * kvHeadsPerRank) * model.headDim * b;
  const denseMlp = model.intermediateSize ? (3 * tokens * model.intermediateSize * b) / tp : 0;
  let moe = 0;
  if (model.moe) {
    // intermediate_cache1..3 of fused_moe: (rows, 2N), (rows, N), (rows, hidden) with rows = tokens × top-k.
    const rows = Math.min(tokens, FUSED_MOE_CHUNK_TOKENS) * model.moe.expertsPerToken;
    const expertParallel = input.expertParallelRanks > 1;
    // Tensor parallelism splits each expert's width; expert parallelism sends each rank its share of rows.
    const width = expertParallel ? model.moe.expertIntermediateSize : model.moe.expertIntermediateSize / tp;
    const rowsHere = expertParallel ? rows / input.expertParallelRanks : rows;
    moe = rowsHere * (3 * width + h) * b;
  }
  const forward = hiddenStream + Math.max(qkv, denseMlp, moe);
  const sampler = sequences * model.vocabSize * samplerBytesPerEntry(sequences);
  return Math.max(forward, sampler);
}

/**
 * DeepSeek Sparse Attention models (config.json `index_head_dim: 128`, `index_topk: 2048`):
 * DeepSeek-V3.2 and GLM-5. Their lightning indexer caches one FP8 key of `index_head_dim` per token
 * per layer with one fp32 scale per 128 elements — 128 + 4 = 132 bytes — beside the MLA latent
 * (vLLM `Indexer` cache spec: `head_size = index_head_dim + index_head_dim // quant_block_size * 4`
 * of uint8; SGLang's NSA pool keeps the same key-plus-scale buffer).
 */
const SPARSE_ATTENTION_ARCHITECTURES = new Set(["DeepseekV32ForCausalLM", "GlmMoeDsaForCausalLM"]);
const INDEXER_KEY_BYTES_PER_TOKEN = 128 + 4;

export function sparseIndexerBytesPerToken(model: ModelEntry): number {
  return SPARSE_ATTENTION_ARCHITECTURES.has(model.architecture) ? INDEXER_KEY_BYTES_PER_TOKEN : 0;
}

/**
 * Bytes of one token's MLA latent in one layer. A sparse-attention model with an 8-bit cache stores
 * it in the `fp8_ds_mla` layout — 512 FP8 latent values, four fp32 scales and the 64-element rope
 * part kept 16-bit — 656 bytes (facts/estimator.md §1.2; SGLang's NSA FP8 pool uses the same 656).
 */
export function mlaLatentBytesPerToken(model: ModelEntry, kvElementBytes: number): number {
  if (model.attention.kind !== "mla") return 0;
  if (sparseIndexerBytesPerToken(model) > 0 && kvElementBytes <= 1) return model.attention.kvLoraRank + 4 * 4 + model.attention.qkRopeHeadDim * 2;
  return (model.attention.kvLoraRank + model.attention.qkRopeHeadDim) * kvElementBytes;
}

/** KV heads each TP rank stores: vLLM replicates KV heads when TP exceeds them (`get_num_kv_heads`). */
export function kvHeadsPerTpRank(model: Pick<ModelEntry, "kvHeads">, tensorParallel: number): number {
  return Math.max(1, Math.floor(model.kvHeads / tensorParallel));
}

/**
 * Bytes per KV element for a `--kv-cache-dtype` (vLLM, SGLang), llama.cpp `-ctk/-ctv`, TensorRT-LLM
 * `kv_cache_config.dtype` or LMDeploy `--quant-policy` value;
 * undefined for a value no engine accepts. `auto` follows the model dtype (vllm/config/cache.py).
 */
export function kvCacheElementBytes(kvCacheDtype: string | undefined, activationBytes: number): number | undefined {
  const value = (kvCacheDtype ?? "auto").trim().toLowerCase();
  switch (value) {
    case "auto":
      return activationBytes;
    case "fp8":
    case "fp8_e4m3":
    case "fp8_e5m2":
    case "fp8_inc":
    case "fp8_e4m3fn":
    case "int8":
      return 1;
    case "fp8_per_token_head":
    case "int8_per_token_head":
      return 1; // plus small per-head scales (facts/estimator.md §1.2)
    case "bfloat16":
    case "bf16":
    case "float16":
    case "fp16":
    case "half":
    case "f16":
      return 2;
    case "float32":
    case "fp32":
    case "f32":
      return 4;
    case "q8_0":
      return 34 / 32; // ggml block_q8_0
    case "q4_0":
      return 18 / 32; // ggml block_q4_0
    case "q4_1":
      return 20 / 32;
    case "q5_0":
      return 22 / 32;
    case "q5_1":
      return 24 / 32;
    case "nvfp4":
      return 0.5625; // head/2 + head/16 bytes per head (facts/estimator.md §1.2)
    case "int4":
      return 0.5; // LMDeploy `--quant-policy 4`, plus small per-head scales and zeros
    default:
      return undefined;
  }
}
