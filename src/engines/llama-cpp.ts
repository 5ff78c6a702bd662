/**
 * llama.cpp's `llama-server` (facts/estimator.md §4.3). Layers split across every visible GPU
 * (`--split-mode layer`); `--fit` keeps a margin free on each device; a model that does not fit keeps
 * layers on the CPU and runs them there.
 */
import type { ModelEntry } from "../catalog/types.js";
import { CUDA_CONTEXT_BYTES, MIB } from "../sizing/runtime.js";
import type { ActivationPeak, EngineBudget, EngineProfile, FlagSpec } from "./common.js";
import { VLLM_STYLE_CONFIG_KEYS } from "./common.js";
import type { SizingRequest } from "../sizing/types.js";
import { MEASURED_SPEED } from "./speed-calibration.js";

/** llama.cpp `--fit` keeps this much free on every device (common/fit.cpp, default fit target 1024 MiB). */
export const LLAMA_CPP_FIT_MARGIN_BYTES = 1024 * MIB;

/**
 * llama.cpp compute buffers for a 512-token batch (facts/estimator.md §4.3 typical log: 522 MiB on a
 * 27 GB model); grows with vocabulary and hidden size.
 */
export function llamaCppComputeBytes(model: ModelEntry): number {
  const batch = 512;
  return Math.max(256 * MIB, batch * (model.vocabSize + 4 * model.hiddenSize) * 4);
}

/** llama-server context when `-c` is unset (tools/server: n_ctx 4096 default). */
export const LLAMA_CPP_DEFAULT_CONTEXT = 4096;

/** llama.cpp tools/server/README.md (common/arg.cpp). */
const FLAGS: readonly FlagSpec[] = [
  { field: "model", kind: "string", names: ["--model", "-m", "--hf-repo", "-hf", "-hfr"] },
  { field: "gpuLayers", kind: "int", names: ["--n-gpu-layers", "--gpu-layers", "-ngl"] },
  { field: "maxModelLen", kind: "int", names: ["--ctx-size", "-c"] },
  { field: "maxNumSeqs", kind: "int", names: ["--parallel", "-np"] },
  { field: "kvCacheDtype", kind: "string", names: ["--cache-type-k", "-ctk"] },
  { field: "kvCacheValueDtype", kind: "string", names: ["--cache-type-v", "-ctv"] },
  { field: "cpuMoeLayers", kind: "int", names: ["--n-cpu-moe", "-ncmoe"] },
  { field: "cpuMoeLayers", kind: "allLayers", names: ["--cpu-moe", "-cmoe"] },
  { field: "cpuMoeLayers", kind: "expertOverride", names: ["--override-tensor", "-ot"] },
];

/** What llama.cpp and Ollama (which runs llama-server) charge against a device: model buffers, KV, compute, the fit margin. */
export function layerSplitBudget(request: SizingRequest, defaultContext: number): EngineBudget {
  const memory = request.gpu.memoryBytes;
  return {
    budgetBytes: memory - LLAMA_CPP_FIT_MARGIN_BYTES,
    activationBytes: llamaCppComputeBytes(request.model),
    overheadBytes: CUDA_CONTEXT_BYTES,
    kvShareOfRest: 1,
    utilization: (memory - LLAMA_CPP_FIT_MARGIN_BYTES) / memory,
    memoryFraction: (memory - LLAMA_CPP_FIT_MARGIN_BYTES) / memory,
    maxNumBatchedTokens: 512,
    maxNumSeqs: 1,
    blockSize: 1,
    defaultMaxModelLen: defaultContext,
    defaultSource: "engine-default",
    refusesWhenKvTooSmall: true,
    cudaGraphs: false,
    assumptions: [],
    warnings: [],
  };
}

/** The GGUF engines' weights come as one file whose format decides everything. */
export const GGUF_REMEDY_FORMATS = ["gguf-q8_0", "gguf-q6_k", "gguf-q5_k_m", "gguf-q4_k_m", "gguf-q3_k_m", "gguf-q2_k"];

/** The parts llama.cpp and Ollama share: GGUF weights, layer split, the fit margin. */
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
  splitsLayers: true,
  shardsOverAllGpus: false,
  budgetKind: "free-minus-margin",
  notesModelDefaultContext: true,
  startsAnywayNote: () => "",
  offloadPath: "cpu",
  // No measured runs of this engine in the calibration set: vLLM's constants, stated as borrowed.
  speed: { calibration: MEASURED_SPEED, fittedOn: "vllm" },
} as const satisfies Partial<EngineProfile>;

export const llamaCpp: EngineProfile<"llama.cpp"> = {
  ...ggufEngine,
  id: "llama.cpp",
  displayName: "llama.cpp",
  aliases: ["llamacpp", "llama-cpp", "llama-server"],

  command(words, i) {
    const text = words[i]!.text;
    const base = text.slice(text.lastIndexOf("/") + 1);
    return base === "llama-server" || (base === "server" && /llama/.test(text)) ? { start: i + 1, positionalModel: false } : undefined;
  },
  image: (name) => /llama\.cpp|llama-cpp|llamacpp|ggml-org/.test(name),
  flags: FLAGS,
  switches: ["--flash-attn", "-fa", "--cont-batching", "-cb", "--mlock", "--no-mmap", "--embedding", "--jinja", "--metrics"],
  env: {
    LLAMA_ARG_MODEL: { field: "model", kind: "string" },
    LLAMA_ARG_HF_REPO: { field: "model", kind: "string" },
    LLAMA_ARG_N_GPU_LAYERS: { field: "gpuLayers", kind: "int" },
    LLAMA_ARG_CTX_SIZE: { field: "maxModelLen", kind: "int" },
    LLAMA_ARG_N_PARALLEL: { field: "maxNumSeqs", kind: "int" },
    LLAMA_ARG_N_CPU_MOE: { field: "cpuMoeLayers", kind: "int" },
  },
  // common/arg.cpp matches flags exactly; the table is read as argparse would until the fidelity
  // work checks every engine's parser.
  abbreviations: true,
  servesWithoutFlags: true,

  defaultMemoryFraction: 1,
  budget: (request: SizingRequest, _activation: ActivationPeak) =>
    layerSplitBudget(request, Math.min(LLAMA_CPP_DEFAULT_CONTEXT, request.model.maxPositionEmbeddings)),
  whenKvTooSmall: () => "llama.cpp cannot allocate that context on the GPUs.",
};
