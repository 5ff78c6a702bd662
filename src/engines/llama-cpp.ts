/**
 * llama.cpp's `llama-server` (facts/estimator.md §4.3). Layers split across every visible GPU
 * (`--split-mode layer`); the KV cache is exactly the context it is given (`-c` cells, shared by the
 * `--parallel` slots), the compute buffer comes beside it, and the token embedding table stays in
 * host memory. From build b7400 (PR ggml-org/llama.cpp#16653, December 2025) `--fit` is on: what the
 * file leaves unset (context, GPU layers) is chosen to fit the free memory with a 1 GiB margin per
 * device (common/common.h `fit_params = true`, `fit_params_target` 1024 MiB, `fit_params_min_ctx`
 * 4096; common/fit.cpp).
 */
import type { ModelEntry, QuantizationFormat } from "../catalog/types.js";
import { CUDA_CONTEXT_BYTES, MIB } from "../sizing/runtime.js";
import type { MemoryEstimate, SizingRequest } from "../sizing/types.js";
import type { ActivationPeak, AutoFit, EngineBudget, EngineProfile, FlagSpec, Word } from "./common.js";
import { ALL_LAYERS, baseName, GPU_LAYERS_AUTO, poolDefaults, releaseOf, tokenCount as tokens, VLLM_STYLE_CONFIG_KEYS } from "./common.js";
import { atLeast, parseRelease, type Release } from "./versions.js";
import { MEASURED_SPEED } from "./speed-calibration.js";

/** llama.cpp `--fit` keeps this much free on every device (common/common.h `fit_params_target`, 1024 MiB). */
export const LLAMA_CPP_FIT_MARGIN_BYTES = 1024 * MIB;
/** The smallest context `--fit` shrinks an unset one to (common/common.h `fit_params_min_ctx`). */
export const LLAMA_CPP_FIT_MIN_CONTEXT = 4096;

/** Builds with `--fit` on by default, `-c 0` (the model's context) and `-ngl` auto (PR ggml-org/llama.cpp#16653). */
export const LLAMA_CPP_FIT: Release = [7400];
/** Builds whose default context is 4,096 instead of 512 (PR ggml-org/llama.cpp#10136, "llama : adjust default context size", November 2024). */
const LLAMA_CPP_CONTEXT_4096: Release = [4000];

/**
 * The compute buffer llama.cpp reserves on a GPU for a 512-token micro-batch (`n_ubatch`): the
 * output logits and hidden states of the batch, or — without flash attention, larger with long
 * contexts — the f32 attention scores of the batch against every cell, per head
 * (`kq = ggml_mul_mat(k, q)`: n_kv × n_ubatch × n_head × 4 B), whichever is larger, as the graph
 * allocator reuses one for the other. Checked against logged `CUDA0 compute buffer size` lines
 * (test/calibration/cases.json: 560 MiB for Llama-3.1-8B at 8,192 cells without flash attention).
 */
export function llamaCppComputeBytes(model: ModelEntry, contextTokens: number, flashAttention: boolean): number {
  const batch = 512;
  const outputs = Math.max(256 * MIB, batch * (model.vocabSize + 4 * model.hiddenSize) * 4);
  if (flashAttention) return outputs;
  const scores = batch * contextTokens * model.attentionHeads * 4 + batch * model.hiddenSize * 16;
  return Math.max(outputs, scores);
}

/** llama-server's context when `-c` is unset, by build: 512, 4,096 from b4000, the model's own from b7400 (`--fit` shrinks it). */
export function llamaCppDefaultContext(release: Release | undefined, model: ModelEntry): number {
  if (atLeast(release, LLAMA_CPP_FIT)) return model.maxPositionEmbeddings;
  return Math.min(atLeast(release, LLAMA_CPP_CONTEXT_4096) ? 4096 : 512, model.maxPositionEmbeddings);
}

/**
 * Bits per weight of the tensor type a GGUF file stores its token embedding table in: the file
 * type's base quant (llama.cpp src/llama-quant.cpp `llama_tensor_get_type`: Q4_K for Q4_K_M/S,
 * Q5_K for Q5_K_M/S, Q3_K for Q3_K_*…), at ggml's block sizes (ggml/src/ggml.c type traits: Q4_K
 * 144 B per 256 weights, Q5_K 176, Q6_K 210, Q3_K 110, Q2_K 84; Q8_0 34 B per 32, Q4_0 18).
 */
const EMBEDDING_BITS: Array<[RegExp, number]> = [
  [/q8_0/, 8.5],
  [/q6_k/, 6.5625],
  [/q5_k/, 5.5],
  [/q5_0/, 5.5],
  [/q5_1/, 6],
  [/q4_k/, 4.5],
  [/q4_0/, 4.5],
  [/q4_1/, 5],
  [/iq4_xs/, 4.25],
  [/iq4_nl/, 4.5],
  [/q3_k/, 3.4375],
  [/q2_k/, 2.625],
  [/(^|-)b?f16$/, 16],
];

/**
 * The token embedding table llama.cpp keeps in host memory when every layer is on the GPU (its
 * input layer is assigned to the CPU: src/llama-model.cpp `dev_input`): the table at its GGUF type.
 * A model whose LM head is tied to it loads a GPU copy as the output layer (`TENSOR_DUPLICATED`),
 * so the GPU still holds the whole file.
 */
export function hostEmbeddingBytes(model: ModelEntry, format: QuantizationFormat): number {
  if (model.tieWordEmbeddings || !format.id.startsWith("gguf")) return 0;
  const bits = EMBEDDING_BITS.find(([pattern]) => pattern.test(format.id))?.[1] ?? format.bitsPerWeight;
  return (model.vocabSize * model.hiddenSize * bits) / 8;
}

/**
 * The KV cache element types llama.cpp applies: `-ctk` and `-ctv` each default to f16, so a
 * quantized key cache alone leaves values at f16 (common/arg.cpp `--cache-type-k`, `--cache-type-v`).
 */
function ggufKvTypes(request: SizingRequest): EngineBudget["kvCacheDtypes"] {
  return { key: request.kvCacheDtype ?? "f16", value: request.kvCacheValueDtype ?? "f16" };
}

/** Whether a cache type is quantized (anything but f16, bf16, f32). */
function quantizedCache(type: string | undefined): boolean {
  return type !== undefined && !/^(f16|bf16|f32|fp16|float16|bfloat16|auto)$/i.test(type.trim());
}

export interface LayerSplitOptions {
  /** Context tokens allocated per slot when the file sets none. */
  defaultContext: number;
  /** Slots that each get that context (Ollama's parallel requests; 1 for llama.cpp, whose `-c` is the total). */
  slots: number;
  /** Sequences decoded at once, when not one per slot (llama.cpp `--parallel`, which splits `-c` among them). */
  sequences?: number;
  /** Memory kept free on each device (llama.cpp `--fit`'s margin; Ollama's reserve). */
  marginBytes: number;
  /** Whether flash attention runs (a quantized value cache needs it; it shrinks the compute buffer). */
  flashAttention: boolean;
  /** K and V cache types as the engine applies them. */
  kvCacheDtypes: EngineBudget["kvCacheDtypes"];
  defaultSource: MemoryEstimate["maxModelLenSource"];
  assumptions: string[];
  warnings: string[];
}

/** What llama.cpp and Ollama (which runs llama.cpp) charge against a device: model buffers, KV, compute. */
export function layerSplitBudget(request: SizingRequest, options: LayerSplitOptions): EngineBudget {
  const memory = request.gpu.memoryBytes;
  const context = (request.maxModelLen ?? options.defaultContext) * options.slots;
  const warnings = [...options.warnings];
  if (quantizedCache(options.kvCacheDtypes.value) && !options.flashAttention) {
    warnings.push("a quantized value cache needs flash attention, which is off here: llama.cpp refuses to create the context (\"V cache quantization requires flash_attn\")");
  }
  return {
    ...poolDefaults(request),
    kvAllocation: "context",
    contextSlots: options.slots,
    hostResidentWeightBytes: hostEmbeddingBytes(request.model, request.weightFormat),
    kvCacheDtypes: options.kvCacheDtypes,
    budgetBytes: memory - options.marginBytes,
    activationBytes: llamaCppComputeBytes(request.model, context, options.flashAttention),
    overheadBytes: CUDA_CONTEXT_BYTES,
    kvShareOfRest: 1,
    utilization: (memory - options.marginBytes) / memory,
    memoryFraction: (memory - options.marginBytes) / memory,
    maxNumBatchedTokens: 512,
    maxNumSeqs: options.sequences ?? options.slots,
    blockSize: 1,
    defaultMaxModelLen: options.defaultContext,
    defaultSource: options.defaultSource,
    refusesWhenKvTooSmall: true,
    cudaGraphs: false,
    assumptions: options.assumptions,
    warnings,
  };
}

/**
 * The fewest decoder layers to keep on the CPU (`-ngl` below the layer count) for the request to fit,
 * or undefined when it fits with all of them on the GPU. The LM head counts as layer `layers + 1`.
 */
export function gpuLayersThatFit(request: SizingRequest, estimateWith: (request: SizingRequest) => MemoryEstimate): number | undefined {
  const total = request.model.layers + 1;
  const fits = (layers: number) => estimateWith({ ...request, gpuLayers: layers }).verdict === "fits";
  if (fits(total)) return undefined;
  let low = 0;
  let high = total;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (fits(middle)) low = middle;
    else high = middle;
  }
  return low;
}

/**
 * llama.cpp's `--fit` (common/fit.cpp `common_params_fit_impl`): an unset context shrinks toward
 * 4,096 (rounded down to a multiple of 256); then, when the layers were not set either, layers move
 * to the CPU from the first one on until the rest fits.
 */
function fitRequest(request: SizingRequest, estimate: MemoryEstimate, estimateWith: (request: SizingRequest) => MemoryEstimate): AutoFit | undefined {
  if (estimate.verdict === "fits" || request.gpuLayers !== undefined || !atLeast(releaseOf(request, "build"), LLAMA_CPP_FIT)) return undefined;
  const notes: string[] = [];
  let adapted = request;
  if (request.maxModelLen === undefined) {
    const floor = Math.min(LLAMA_CPP_FIT_MIN_CONTEXT, request.model.maxPositionEmbeddings);
    const largest = estimate.largestFittingMaxModelLen;
    const context = largest !== null && largest >= floor ? Math.max(floor, Math.floor(largest / 256) * 256) : floor;
    adapted = { ...adapted, maxModelLen: context };
    notes.push(`llama.cpp's --fit shrinks the context to ${tokens(context)} tokens`);
    if (estimateWith(adapted).verdict === "fits") return { request: adapted, notes };
  }
  // The layers --fit chooses keep its margin free (`gpuLayersFitted`), as it does while choosing.
  const layers = gpuLayersThatFit({ ...adapted, gpuLayersFitted: true }, estimateWith);
  if (layers === undefined) return { request: adapted, notes };
  notes.push(`llama.cpp's --fit keeps ${request.model.layers + 1 - layers} of ${request.model.layers + 1} layers on the CPU`);
  return { request: { ...adapted, gpuLayers: layers, gpuLayersFitted: true }, notes };
}

/** llama.cpp tools/server/README.md (common/arg.cpp). */
const FLAGS: readonly FlagSpec[] = [
  { field: "model", kind: "string", names: ["--model", "-m", "--hf-repo", "-hf", "-hfr"] },
  // The file pulled from that repository: its quant type, not the repository's default Q4_K_M, is what loads.
  { field: "modelFile", kind: "string", names: ["--hf-file", "-hff"] },
  // Router mode: the models are the sections of a preset INI file (`[qwen3-8b]` / `model = /models/….gguf`).
  { field: "configFile", kind: "string", names: ["--models-preset"] },
  { field: "gpuLayers", kind: "gpuLayers", names: ["--n-gpu-layers", "--gpu-layers", "-ngl"] },
  { field: "maxModelLen", kind: "int", names: ["--ctx-size", "-c"] },
  { field: "maxNumSeqs", kind: "int", names: ["--parallel", "-np"] },
  { field: "kvCacheDtype", kind: "string", names: ["--cache-type-k", "-ctk"] },
  { field: "kvCacheValueDtype", kind: "string", names: ["--cache-type-v", "-ctv"] },
  { field: "flashAttention", kind: "bool", names: ["--flash-attn", "-fa"] },
  { field: "cpuMoeLayers", kind: "int", names: ["--n-cpu-moe", "-ncmoe"] },
  { field: "cpuMoeLayers", kind: "allLayers", names: ["--cpu-moe", "-cmoe"] },
  { field: "cpuMoeLayers", kind: "expertOverride", names: ["--override-tensor", "-ot"] },
];

/** The GGUF engines' weights come as one file whose format decides everything. */
export const GGUF_REMEDY_FORMATS = ["gguf-q8_0", "gguf-q6_k", "gguf-q5_k_m", "gguf-q4_k_m", "gguf-q3_k_m", "gguf-q2_k"];

/** The parts llama.cpp and Ollama share: GGUF weights, layer split, builds or releases. */
export const ggufEngine = {
  configKeys: VLLM_STYLE_CONFIG_KEYS,
  configOverridesFlags: false,
  quantizationFlags: {},
  quantizationFlag: () => undefined,
  remedyFormats: GGUF_REMEDY_FORMATS,
  alternativeFormats: [],
  minComputeCapability: () => null,
  checksQuantization: false,
  fp8KvCache: false,
  refusesSplitTiles: false,
  splitsLayers: true,
  shardsOverAllGpus: false,
  budgetKind: "free-minus-margin",
  notesModelDefaultContext: false,
  startsAnywayNote: () => "",
  offloadPath: "cpu",
  // No measured runs of this engine in the calibration set: vLLM's constants, stated as borrowed.
  speed: { calibration: MEASURED_SPEED, fittedOn: "vllm" },
} as const satisfies Partial<EngineProfile>;

/** Whether the command from `start` to the next operator asks for server mode (`--server`). */
function serverMode(words: readonly Word[], start: number): boolean {
  for (let index = start; index < words.length && !words[index]!.operator; index++) if (words[index]!.text === "--server") return true;
  return false;
}

export const llamaCpp: EngineProfile<"llama.cpp"> = {
  ...ggufEngine,
  id: "llama.cpp",
  displayName: "llama.cpp",
  aliases: ["llamacpp", "llama-cpp", "llama-server"],
  versionNumbering: "build",

  command(words, i) {
    const text = words[i]!.text;
    const base = baseName(text);
    if (base === "llama-server" || (base === "server" && /llama/.test(text))) return { start: i + 1, positionalModel: false };
    // Mozilla's llamafile embeds llama.cpp's server and takes its flags in server mode
    // (`llamafile --server -m model.gguf -ngl 999`, Mozilla-Ocho/llamafile README); builds are named
    // `llamafile-0.8.17` or `<fork>-llamafile`.
    if (/^(?:[\w.-]+-)?llamafile(?:-\d+(?:\.\d+)*)?$/.test(base) && (i === 0 || words[i - 1]!.operator) && serverMode(words, i + 1)) return { start: i + 1, positionalModel: false };
    return undefined;
  },
  image: (name) => /llama\.cpp|llama-cpp|llamacpp|ggml-org/.test(name),
  flags: FLAGS,
  switches: ["--cont-batching", "-cb", "--mlock", "--no-mmap", "--embedding", "--jinja", "--metrics", "--kv-unified", "-kvu", "--server", "--nobrowser"],
  env: {
    LLAMA_ARG_MODEL: { field: "model", kind: "string" },
    LLAMA_ARG_HF_REPO: { field: "model", kind: "string" },
    LLAMA_ARG_HF_FILE: { field: "modelFile", kind: "string" },
    LLAMA_ARG_N_GPU_LAYERS: { field: "gpuLayers", kind: "gpuLayers" },
    LLAMA_ARG_CTX_SIZE: { field: "maxModelLen", kind: "int" },
    LLAMA_ARG_N_PARALLEL: { field: "maxNumSeqs", kind: "int" },
    LLAMA_ARG_N_CPU_MOE: { field: "cpuMoeLayers", kind: "int" },
    LLAMA_ARG_CACHE_TYPE_K: { field: "kvCacheDtype", kind: "string" },
    LLAMA_ARG_CACHE_TYPE_V: { field: "kvCacheValueDtype", kind: "string" },
    LLAMA_ARG_FLASH_ATTN: { field: "flashAttention", kind: "bool" },
  },
  // common/arg.cpp matches flags exactly; the table is read as argparse would until the fidelity
  // work checks every engine's parser.
  abbreviations: true,
  servesWithoutFlags: true,

  defaultMemoryFraction: 1,
  budget(request: SizingRequest, _activation: ActivationPeak) {
    const release = releaseOf(request, "build");
    const fit = atLeast(release, LLAMA_CPP_FIT);
    const defaultContext = llamaCppDefaultContext(release, request.model);
    const assumptions: string[] = [];
    if (request.maxModelLen === undefined) assumptions.push(`llama-server's default context is ${tokens(defaultContext)} tokens${fit ? " (the model's own, which --fit shrinks when it does not fit)" : ""}`);
    if (!fit && request.gpuLayers === undefined) assumptions.push(`llama-server ${request.engineVersion} keeps every layer on the CPU without -ngl`);
    return layerSplitBudget(request, {
      defaultContext,
      slots: 1,
      // `--parallel N` decodes N sequences at once within the one context of `-c` tokens (tools/server/README.md).
      sequences: request.maxNumSeqs ?? 1,
      // --fit keeps its margin only while it chooses settings; with -ngl set, allocation fails only at the memory's end.
      marginBytes: fit && (request.gpuLayers === undefined || request.gpuLayersFitted) ? LLAMA_CPP_FIT_MARGIN_BYTES : 0,
      // -fa is `auto` (on where the GPU supports it) in builds with --fit (common.h `flash_attn_type` AUTO).
      flashAttention: request.flashAttention ?? fit,
      kvCacheDtypes: ggufKvTypes(request),
      defaultSource: "engine-default",
      assumptions,
      warnings: [],
    });
  },
  defaultGpuLayers(request) {
    // Before --fit, llama-server offloaded no layer unless -ngl said so (llama_model_default_params:
    // n_gpu_layers 0 except on Metal).
    return atLeast(releaseOf(request, "build"), LLAMA_CPP_FIT) ? undefined : 0;
  },
  gpuLayersOf(written, engineVersion) {
    if (written >= 0) return written;
    // common.h: "-1 is auto" — the default, before --fit too ("-1 - use default").
    if (written === GPU_LAYERS_AUTO) return undefined;
    // "<= -2 is all" with --fit; before it, a negative count reached llama_model_load, which put
    // every layer on the CPU (i_gpu_start = n_layer - n_gpu_layers is past the last layer).
    return atLeast(parseRelease(engineVersion, "build"), LLAMA_CPP_FIT) ? ALL_LAYERS : 0;
  },
  autoFit: fitRequest,
  // `-c 0` is the model's own context (common/arg.cpp "0 = loaded from model"), which `--fit` shrinks to what fits as it does an unset one.
  zeroContext: (request) => (atLeast(releaseOf(request, "build"), LLAMA_CPP_FIT) ? "fits" : "model"),
  // Every build runs on the CPU when it finds no GPU. An unset context is the model's own from b7400;
  // whether --fit shrinks it with no GPU to fit is not settled here, so down to its floor it may.
  onCpu: {
    runsFromImage: () => true,
    defaultContext(request) {
      const release = releaseOf(request, "build");
      const tokens = llamaCppDefaultContext(release, request.model);
      return { tokens, fewest: atLeast(release, LLAMA_CPP_FIT) ? Math.min(tokens, LLAMA_CPP_FIT_MIN_CONTEXT) : tokens };
    },
  },
  whenKvTooSmall: () => "llama.cpp cannot allocate that context on the GPUs.",
};
