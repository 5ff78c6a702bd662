/**
 * Hugging Face Text Embeddings Inference (`text-embeddings-router`): embedding, reranking and
 * classification models, one GPU per process. It reads each input in one pass and keeps no KV cache;
 * at start-up it warms the model up with a batch of `--max-batch-tokens` tokens (router/src/lib.rs
 * `warmup(max_input_length, max_batch_tokens, max_batch_requests)`), so that batch's activations are
 * what must fit beside the weights. There is no memory fraction: the whole GPU is its budget.
 * Flags and defaults: huggingface/text-embeddings-inference@0236f18754b72c2fe8324611cd2b9282398b65d7:router/src/main.rs.
 */
import { CUDA_CONTEXT_BYTES } from "../sizing/runtime.js";
import { MEASURED_SPEED } from "./speed-calibration.js";
import { baseName, catalogMinimum, type EngineProfile, type FlagSpec, poolDefaults, tokenCount } from "./common.js";

/** `--max-batch-tokens` default (router/src/main.rs: `default_value = "16384"`). */
export const TEI_MAX_BATCH_TOKENS = 16_384;

/** `--max-concurrent-requests` default (router/src/main.rs: `default_value = "512"`). */
const TEI_MAX_CONCURRENT_REQUESTS = 512;

/** router/src/main.rs `Args`; clap reads each from the environment too (`#[clap(long, env)]`). */
const FLAGS: readonly FlagSpec[] = [
  { field: "model", kind: "string", names: ["--model-id"] },
  { field: "dtype", kind: "string", names: ["--dtype"] },
  { field: "maxNumBatchedTokens", kind: "int", names: ["--max-batch-tokens"] },
  { field: "maxNumSeqs", kind: "int", names: ["--max-batch-requests"] },
];

export const tei: EngineProfile<"tei"> = {
  id: "tei",
  versionNumbering: "semver",
  displayName: "Text Embeddings Inference",
  modelNamingHint: "--model-id or MODEL_ID",
  aliases: ["text-embeddings-inference", "text-embeddings-router", "huggingface-tei"],

  command(words, i) {
    return baseName(words[i]!.text) === "text-embeddings-router" ? { start: i + 1, positionalModel: false } : undefined;
  },
  // `ghcr.io/huggingface/text-embeddings-inference:1.8`, `:turing-1.8`, `:89-1.8`, `:hopper-1.8`, and
  // the `cpu-1.8` images, which run on the CPU.
  image: (name) => /text-embeddings-inference/.test(name),
  imageRelease(name) {
    return /text-embeddings-inference:(?:[a-z0-9]+-)?(\d+\.\d+(?:\.\d+)?)/.exec(name)?.[1];
  },
  flags: FLAGS,
  switches: ["--auto-truncate", "--json-output", "--disable-spans"],
  env: {
    MODEL_ID: { field: "model", kind: "string" },
    DTYPE: { field: "dtype", kind: "string" },
    MAX_BATCH_TOKENS: { field: "maxNumBatchedTokens", kind: "int" },
    MAX_BATCH_REQUESTS: { field: "maxNumSeqs", kind: "int" },
  },
  // clap takes no unique-prefix abbreviations.
  abbreviations: false,
  configOverridesFlags: false,
  servesWithoutFlags: true,
  configKeys: {},

  // It loads safetensors at float16 or float32 (`--dtype`); it takes no quantization flag.
  quantizationFlags: {},
  quantizationFlag: () => undefined,
  remedyFormats: [],
  alternativeFormats: [],
  minComputeCapability: catalogMinimum,
  checksQuantization: false,
  fp8KvCache: false,
  refusesSplitTiles: false,

  splitsLayers: false,
  singleGpu: true,
  shardsOverAllGpus: false,

  budgetKind: "fraction-of-total",
  defaultMemoryFraction: 1,
  budget(request, activation) {
    const maxNumBatchedTokens = request.maxNumBatchedTokens ?? TEI_MAX_BATCH_TOKENS;
    return {
      ...poolDefaults(request),
      budgetBytes: request.gpu.memoryBytes,
      // The warm-up batch: max_batch_tokens tokens through the model at once.
      activationBytes: activation(maxNumBatchedTokens, 1),
      overheadBytes: CUDA_CONTEXT_BYTES,
      kvShareOfRest: 1,
      utilization: 1,
      memoryFraction: 1,
      maxNumBatchedTokens,
      maxNumSeqs: request.maxNumSeqs ?? TEI_MAX_CONCURRENT_REQUESTS,
      blockSize: 1,
      defaultMaxModelLen: request.model.maxPositionEmbeddings,
      defaultSource: "model-default",
      refusesWhenKvTooSmall: false,
      cudaGraphs: false,
      assumptions: request.maxNumBatchedTokens === undefined ? [`Text Embeddings Inference warms up with its default batch of ${tokenCount(TEI_MAX_BATCH_TOKENS)} tokens`] : [],
      warnings: [],
    };
  },
  embeddingsOnly: true,
  // Its `cpu-` images (`text-embeddings-inference:cpu-1.8`) serve from host memory; it keeps no KV cache.
  onCpu: {
    runsFromImage: (image) => /text-embeddings-inference:cpu-/.test(image ?? ""),
    defaultContext: (request) => ({ tokens: request.model.maxPositionEmbeddings, fewest: request.model.maxPositionEmbeddings }),
    // Builds with MKL (the CPU images) default to float32 (router/src/lib.rs "Get dtype",
    // huggingface/text-embeddings-inference@009f0677559979c106efe30347ae99cb911a2f66).
    dtype: { value: "float32", note: "Text Embeddings Inference's CPU images load the weights at float32 unless --dtype says otherwise" },
  },
  notesModelDefaultContext: false,
  whenKvTooSmall: () => "Text Embeddings Inference keeps no KV cache.",
  startsAnywayNote: (served) => `Text Embeddings Inference truncates or refuses inputs above ${served} tokens`,
  offloadPath: "pcie",
  // Never used: an embeddings-only engine has no decode speed (sizing/speed.ts).
  speed: { calibration: MEASURED_SPEED, fittedOn: "vllm" },
};
