/**
 * The one interface every serving engine implements. An engine module (`vllm.ts`, `trtllm.ts`…) holds
 * everything the engine means to the linter: how its commands and images are recognised, its flags
 * and their spellings, what its quantization flags name, which formats run where, how the parallel
 * layout follows from the GPUs, and how it draws its memory budget. Extraction, resolution, the
 * estimator, the recommender, the judges and the CLI ask the registry (`index.ts`); nothing else
 * branches on engine names.
 */
import type { GpuEntry, ModelEntry, QuantizationFormat } from "../catalog/types.js";
import type { FieldName } from "../extract/types.js";
import type { MemoryEstimate, SizingRequest } from "../sizing/types.js";
import type { EngineSpeed } from "./speed-calibration.js";
import { parseRelease, type Release } from "./versions.js";
import { thousands } from "../report/plain.js";

/**
 * How a flag's value reads. `allLayers`: a switch meaning "every layer" (llama.cpp `--cpu-moe`);
 * `expertOverride`: llama.cpp `-ot PATTERN=DEVICE`, which counts only when it sends expert tensors
 * (`exps`) to the CPU; `enabledByCount`: a rank count that enables the setting above 1 (TensorRT-LLM
 * `--ep_size 4`); `kvQuantPolicy`: LMDeploy `--quant-policy` (0, 4 or 8 bits of KV cache);
 * `gpuLayers`: a layer count that may be negative or a word (llama.cpp `-ngl auto`, `-ngl all`,
 * `-ngl -1`), which the engine's `gpuLayersOf` reads; `gib`: a whole number of GiB, read as bytes
 * (vLLM's `VLLM_CPU_KVCACHE_SPACE`).
 */
export type ValueKind = "string" | "int" | "float" | "size" | "bool" | "allLayers" | "expertOverride" | "enabledByCount" | "kvQuantPolicy" | "gpuLayers" | "gib";

/**
 * What a flag sets: a deployment field, the path of a config file the engine reads (`--config`), or
 * the file of the repository the model flag names (llama.cpp `--hf-file`), which decides the weights' format.
 */
export type FlagField = FieldName | "configFile" | "modelFile";

/** A flag that matters for sizing, with every spelling the engine accepts (the first long one is written by fixes). */
export interface FlagSpec {
  field: FlagField;
  kind: ValueKind;
  names: readonly string[];
}

/** A setting of the engine's own config document (TensorRT-LLM `kv_cache_config.free_gpu_memory_fraction`). */
export interface ConfigFieldSpec {
  /** Keys from the document's root, compared without case, `-` or `_`. */
  path: readonly string[];
  field: FieldName;
  kind: ValueKind;
}

/** An environment variable that carries an engine setting (TGI's launcher reads every flag from env). */
export interface EnvFieldSpec {
  field: FieldName | "modelFile";
  kind: ValueKind;
}

/** Where an engine command starts: the index of its first flag or positional, and whether that positional is the model. */
export interface CommandStart {
  start: number;
  positionalModel: boolean;
  /** Flags a wrapper adds to the engine's own (FastChat's `--model-path`, Dynamo's `--model-path`). */
  extraFlags?: readonly FlagSpec[];
}

/** The words of a command line as plain text (`operator` marks `;`, `&&`, `|`). */
export interface Word {
  text: string;
  operator?: boolean;
}

/**
 * How the engine sizes its KV cache:
 * - `fraction-of-total`: a fraction of the GPU holds weights, activations and KV (vLLM
 *   `gpu_memory_utilization`, SGLang `mem_fraction_static`, TGI `CUDA_MEMORY_FRACTION`);
 * - `fraction-of-free`: the KV cache takes a fraction of what is still free once weights and the
 *   activation peak are allocated (TensorRT-LLM `free_gpu_memory_fraction`, LMDeploy
 *   `cache_max_entry_count`);
 * - `free-minus-margin`: everything but a fixed margin (llama.cpp `--fit`, Ollama).
 */
export type BudgetKind = "fraction-of-total" | "fraction-of-free" | "free-minus-margin";

/** The activation peak of a forward pass over `tokens` tokens with `sequences` rows of logits, on one GPU. */
export type ActivationPeak = (tokens: number, sequences: number) => number;

/** What an engine charges against a GPU, with the defaults it applied. */
export interface EngineBudget {
  /** What weights, activations, runtime memory and KV cache must fit in, per GPU. */
  budgetBytes: number;
  activationBytes: number;
  overheadBytes: number;
  /**
   * Share of what remains after weights, activations and overhead that becomes KV cache: 1 for
   * engines that give the KV cache the rest of their budget; `free_gpu_memory_fraction` /
   * `cache_max_entry_count` for `fraction-of-free` engines.
   */
  kvShareOfRest: number;
  /** The budget as a fraction of the GPU's memory (for messages: "a 71.6 GiB budget (0.90 × 79.6 GiB)"). */
  utilization: number;
  /** The engine's memory knob with its default applied (`--gpu-memory-utilization`, `free_gpu_memory_fraction`…). */
  memoryFraction: number;
  maxNumBatchedTokens: number;
  maxNumSeqs: number;
  blockSize: number;
  /** Context the engine must hold when the deployment does not set one, and where it comes from. */
  defaultMaxModelLen: number;
  defaultSource: MemoryEstimate["maxModelLenSource"];
  /**
   * Whether a too-small KV cache stops the engine from starting (vLLM, TGI with an explicit
   * `--max-total-tokens`) or the engine starts and serves requests only up to what the pool holds
   * (SGLang, TensorRT-LLM, LMDeploy): then the estimate is judged at that shorter context.
   */
  refusesWhenKvTooSmall: boolean;
  /**
   * `pool`: the KV cache is whatever the budget leaves, shared by all requests (vLLM, SGLang, TGI…);
   * `context`: the engine allocates exactly the configured context and no more (llama.cpp `-c`,
   * Ollama `num_ctx` × parallel), so that is what the KV cache takes.
   */
  kvAllocation: "pool" | "context";
  /** Sequences a `context` engine allocates `max_model_len` tokens for (Ollama's parallel slots; 1 for llama.cpp, whose `-c` is the total). */
  contextSlots: number;
  /** Weight bytes the engine keeps in host memory although every layer is on the GPU (llama.cpp's token embedding table). */
  hostResidentWeightBytes: number;
  /**
   * Share of what is left after weights that a separate per-request state pool takes for
   * recurrent (Mamba, linear-attention) layers (SGLang `mamba_full_memory_ratio` r: r / (1 + r));
   * 0 where the states live in the KV blocks (vLLM).
   */
  recurrentStateShare: number;
  /**
   * A KV cache of this size per GPU, whatever the budget leaves (vLLM `--kv-cache-memory-bytes`):
   * `budgetBytes` is then what the rest must fit in beside it.
   */
  fixedKvCacheBytes?: number;
  /** KV cache element types as the engine applies them (llama.cpp keeps values f16 unless `-ctv` says otherwise). */
  kvCacheDtypes: { key: string | undefined; value: string | undefined };
  /** Whether the engine captures CUDA graphs in this configuration. */
  cudaGraphs: boolean;
  assumptions: string[];
  warnings: string[];
}

/** The stated layout before the engine's defaults: what resolution knows when the file leaves sizes out. */
export interface LayoutInput {
  /** GPUs the deployment requests for one replica, when stated. */
  statedGpus: number | undefined;
  tensorParallel: number | undefined;
  pipelineParallel: number;
  dataParallel: number;
}

/**
 * A start-up adjustment an engine makes on its own when the configuration does not fit (llama.cpp's
 * `--fit`, Ollama's scheduler): the request it actually runs, and what to tell the reader.
 */
export interface AutoFit {
  request: SizingRequest;
  notes: string[];
}

export interface EngineProfile<Id extends string = string> {
  readonly id: Id;
  /** How its releases are numbered: `semver` (`0.10.1`, `v0.4.6.post1`) or llama.cpp's `build` (`b6000`). */
  readonly versionNumbering: "semver" | "build";
  /** The engine in a sentence: `vLLM`, `TensorRT-LLM`. */
  readonly displayName: string;
  /** How a deployment names its model to this engine, for a message when it names none (default `--model, MODEL_ID…`). */
  readonly modelNamingHint?: string;
  /**
   * Other names people and platforms write for it (`tensorrt-llm`, `text-generation-inference`,
   * `TRT-LLM`), compared without case or punctuation.
   */
  readonly aliases: readonly string[];
  /** An alias that messages list beside the id, where the id alone is not what people write (`tensorrt-llm`). */
  readonly listedAlias?: string;

  // --- command line --------------------------------------------------------------------------
  /** Whether `words[index]` starts the engine's command (`vllm serve`, `python -m sglang.launch_server`). */
  command(words: readonly Word[], index: number): CommandStart | undefined;
  /** Whether an image name (lower case, routers and gateways already excluded) runs the engine. */
  image(name: string): boolean;
  /** The release an image names other than by a plain tag (cloud deep-learning containers); undefined: read the tag. */
  imageRelease?(name: string): string | undefined;
  readonly flags: readonly FlagSpec[];
  /**
   * Settings the engine takes other than as command-line flags (Ollama's `num_ctx`, `num_gpu`):
   * `vram estimate` accepts them as `--num-ctx`…, and config mappings as `num_ctx` keys. Never
   * written into a command line.
   */
  readonly settingNames?: readonly FlagSpec[];
  /** Flags that take no value, so `--enforce-eager --model x` parses right. */
  readonly switches: readonly string[];
  /**
   * Other long flags of the engine that share a prefix with ones read here (`--model-impl` beside
   * `--model`): listed so an abbreviation is as ambiguous as the engine's argparse finds it
   * (`--mode` is refused there, never read as `--model`).
   */
  readonly prefixSiblings?: readonly string[];
  readonly env: Readonly<Record<string, EnvFieldSpec>>;
  /** Unique prefixes of long flags are accepted (Python argparse `allow_abbrev`; click and clap do not). */
  readonly abbreviations: boolean;
  /**
   * The variable its client commands read the server's address from (Ollama's `OLLAMA_HOST`): a
   * container whose `ollama pull` addresses another host drives a server elsewhere and is no deployment.
   */
  readonly serverAddressEnv?: string;
  /**
   * A REST request that loads a model as one of its commands does (Ollama's `POST /api/pull` with
   * `{"model": …}`, formerly `{"name": …}`, docs/api.md): the URL path, the body keys that name the
   * model, and the command words it stands for. A `curl` of it is read as that command against the
   * URL's host.
   */
  readonly modelPullRequest?: { path: string; bodyKeys: readonly string[]; command: readonly string[] };
  /** How the model names only this engine serves are written (Ollama's `gemma2:9b` tags): a config naming one and no engine runs it. */
  readonly ownModelName?: RegExp;
  /**
   * Starts with no model and loads the one each request names (Ollama): the models its clients'
   * settings name (`EMBEDDING_MODEL: bge-m3` beside `OLLAMA_URL: http://ollama:11434`) are the ones it serves.
   */
  readonly loadsModelsOnRequest?: boolean;
  /**
   * What a written context of 0 means (llama.cpp's `-c 0`, "0 = loaded from model", common/arg.cpp):
   * `model`, the model's own context; `fits`, the largest that fits (a build whose `--fit` shrinks
   * an unset context). Absent: 0 is no context the engine accepts.
   */
  zeroContext?(request: SizingRequest): "model" | "fits";
  /**
   * What of a GPU besides its memory sets this engine's defaults (vLLM's larger batch on 70 GiB GPUs
   * other than the A100; LMDeploy's batch size by GPU name): GPUs of one class hold more the more
   * memory they have, GPUs of different classes need not. Absent: memory alone decides.
   */
  gpuBatchClass?(gpu: GpuEntry): string;
  /** Its Python package on PyPI, as a pip requirement names it (`vllm`, `sglang`): a Ray Serve app that installs it runs it. */
  readonly pythonPackage?: string;
  /** The image's entrypoint serves with no flags at all, reading its settings from env (TGI, llama.cpp). */
  readonly servesWithoutFlags: boolean;
  /** The image's entrypoint takes the model as its first argument (`vllm/vllm-openai`: `vllm serve`), so args-only containers may lead with it. */
  readonly imageTakesPositionalModel?: boolean;
  /** Setting names fixes write into the engine's config mappings (`max_model_len`, TRT-LLM `max_seq_len`). */
  readonly configKeys: Partial<Record<FieldName, string>>;
  /** How its config documents (`--config FILE`) read; absent: keys are the long flag names (vLLM `--config`). */
  readonly configFields?: readonly ConfigFieldSpec[];
  /** Whether its config file overrides the command line (TensorRT-LLM) or the command line the file (vLLM). */
  readonly configOverridesFlags: boolean;
  /**
   * Top-level keys only this engine's config documents have, so a standalone YAML holding one is
   * read as the engine's (TensorRT-LLM `kv_cache_config`, `enable_attention_dp`…); absent: its
   * config files are recognised only where a command points at them.
   */
  readonly configDocumentKeys?: readonly string[];

  /**
   * Accelerator vendors the engine runs on at all (TensorRT-LLM: NVIDIA only); absent: GPUs
   * (`GPU_VENDORS`), not Google TPUs or AWS Neuron devices, which need a build of their own.
   */
  readonly vendors?: readonly GpuEntry["vendor"][];
  /** The lowest CUDA compute capability it runs on at all, whatever the format (vLLM: 7.0); absent: no floor. */
  readonly minCudaCapability?: number;

  // --- weights -------------------------------------------------------------------------------
  /** `--quantization` values that differ from the catalog's format aliases (TGI `bitsandbytes` is LLM.int8). */
  readonly quantizationFlags: Readonly<Record<string, string>>;
  /**
   * The value of the engine's quantization flag that names `format` (for a format that needs no
   * pre-quantized checkpoint, the engine then quantizes 16-bit weights while loading); undefined
   * when the engine has no such flag value.
   */
  quantizationFlag(format: QuantizationFormat): string | undefined;
  /** Weight formats a remedy may switch to, least lossy first. */
  readonly remedyFormats: readonly string[];
  /** Formats offered when the deployment's own format does not run on its GPU. */
  readonly alternativeFormats: readonly string[];
  /** Minimum compute capability of a format in this engine's kernels (null: runs anywhere the catalog says). */
  minComputeCapability(format: QuantizationFormat, gpu: GpuEntry): number | null;
  /** Whether the engine checks quantization flags against the checkpoint (GGUF engines: the file decides). */
  readonly checksQuantization: boolean;
  /** Whether an FP8 KV cache is a remedy it can be given by a flag. */
  readonly fp8KvCache: boolean;
  /**
   * Whether it refuses to load quantized weights when tensor parallelism cuts their tiles: a 128×128
   * block of block-FP8, a group of AWQ/GPTQ (vLLM and SGLang check every shard at load).
   */
  readonly refusesSplitTiles: boolean;

  // --- layout --------------------------------------------------------------------------------
  /** Every visible GPU gets a share of the layers (llama.cpp `--split-mode layer`, Ollama): no tensor parallelism. */
  readonly splitsLayers: boolean;
  /** One GPU per process (Text Embeddings Inference's `--device-id`): more GPUs are replicas, never a larger layout. */
  readonly singleGpu?: true;
  /** Tensor parallel over every visible GPU when unset (TGI `NUM_SHARD`). */
  readonly shardsOverAllGpus: boolean;
  /**
   * With attention data parallelism on, its data-parallel size splits each replica's tensor-parallel
   * ranks into attention groups instead of adding replicas with GPUs of their own (SGLang
   * `--enable-dp-attention --tp 8 --dp 8`: 8 GPUs); absent, attention data parallelism puts all of
   * attention on every tensor-parallel rank (TensorRT-LLM `enable_attention_dp`).
   */
  readonly attentionGroupsFromDataParallel?: boolean;

  // --- memory --------------------------------------------------------------------------------
  readonly budgetKind: BudgetKind;
  /** The memory knob's default, for messages. */
  readonly defaultMemoryFraction: number;
  budget(request: SizingRequest, activation: ActivationPeak): EngineBudget;
  /** Layers on the GPU when the file does not say (old llama.cpp builds: none); undefined: all. */
  defaultGpuLayers?(request: SizingRequest): number | undefined;
  /**
   * The layers on the GPU a written count asks of this engine release (`-ngl -1` is "auto",
   * the same as not writing it); undefined: as if not written. Without it, a negative count is "auto".
   */
  gpuLayersOf?(written: number, engineVersion: string | undefined): number | undefined;
  /**
   * What the engine does at start-up when the estimate says the request does not fit and the file
   * left it free to adapt (llama.cpp shrinks an unset context, then keeps layers on the CPU);
   * undefined when it does nothing (or the request fits). `estimate` sizes any other request.
   */
  autoFit?(request: SizingRequest, estimate: MemoryEstimate, estimateWith: (request: SizingRequest) => MemoryEstimate): AutoFit | undefined;
  /**
   * How much its MoE kernels enlarge the stored expert weights of this request (vLLM's MXFP4
   * layouts); undefined: the estimator's default (vLLM's Marlin padding for MXFP4, else none).
   */
  expertPadding?(request: SizingRequest, expertRanks: number): number | undefined;
  /**
   * The variable without which the engine refuses to start when the context set is longer than the
   * model's own (vLLM `VLLM_ALLOW_LONG_MAX_MODEL_LEN`), and the flag that overrides the model's RoPE
   * scaling, which such a context needs; absent: it starts (llama.cpp only warns). See
   * judge/context-limit.ts.
   */
  readonly longContextOverride?: { variable: string; ropeFlag: string };
  /**
   * Why a model the engine serves runs elsewhere, as a phrase, or undefined (Ollama's cloud models,
   * `gpt-oss:120b-cloud`: ollama.com runs them, so nothing loads on the GPU to size).
   */
  remoteModel?(name: string): string | undefined;
  /** Whether "max_model_len defaults to the model's max_position_embeddings" is worth saying for this engine. */
  readonly notesModelDefaultContext: boolean;
  /** What happens at start-up when one full-length sequence does not fit, as a sentence. */
  whenKvTooSmall(estimate: MemoryEstimate): string;
  /**
   * What the engine does when it starts anyway with a KV cache too small for the context asked for,
   * given the context it serves instead (`52,000`); used only by engines that do not refuse.
   */
  startsAnywayNote(servedLength: string): string;
  /** Where CPU-resident weights are read from per token: over PCIe each step, or computed by the CPU. */
  readonly offloadPath: "pcie" | "cpu";

  /**
   * Pulls several models and loads each when a request names it, evicting others when memory runs
   * short (Ollama's scheduler): each model a script pulls is judged as a deployment of its own.
   */
  readonly loadsModelsInTurn?: true;

  /**
   * Serves embeddings and scores only (Text Embeddings Inference): every model reads its input in one
   * pass and generates nothing, so no KV cache is kept and there is no decode speed.
   */
  readonly embeddingsOnly?: true;

  /**
   * How the engine serves with no GPU at all, from host memory (llama.cpp and Ollama on any of their
   * images, TEI on its `cpu-` images): whether this image is such a build, and the context it
   * allocates when none is set, with the fewest tokens it may shrink that to on its own. Absent: the
   * engine needs a GPU, and a deployment of it that requests none is not checked.
   */
  readonly onCpu?: {
    runsFromImage(image: string | undefined): boolean;
    defaultContext(request: SizingRequest): { tokens: number; fewest: number };
    /** The dtype it loads unquantized weights at on the CPU when the file sets none, and why. */
    dtype?: { value: string; note: string };
    /**
     * Its KV cache on the CPU is the size the file gives (`cpuKvCacheOf`), and without one it is not
     * judged: a default that changed between releases is no figure to state as fact.
     */
    kvCacheAsWritten?: boolean;
    /** Memory of the server's own processes beyond weights, KV cache and compute buffer, and why. */
    runtime?: { bytes: number; note: string };
    /** What happens past the memory limit, as the finding says it ("It is killed, or …"). */
    pastLimit?: string;
    /** Its batch defaults on the CPU where they differ from those it picks for a GPU (they size the compute buffer). */
    batchDefaults?: { maxNumBatchedTokens: number; maxNumSeqs: number };
  };

  // --- speed ---------------------------------------------------------------------------------
  /** The speed model's efficiencies and fixed costs for this engine (src/engines/speed-calibration.ts). */
  readonly speed: EngineSpeed;
}

/** A token count with thousands separators (`131,072`), for the sentences engines contribute. */
export function tokenCount(count: number): string {
  return thousands(Math.round(count));
}

/** The request's engine release as numbers (undefined: the current release). */
export function releaseOf(request: SizingRequest, numbering: "semver" | "build" = "semver"): Release | undefined {
  return parseRelease(request.engineVersion, numbering);
}

/** The budget fields most engines share: a shared KV pool, weights all on the GPU, states in the KV blocks, K and V alike. */
export function poolDefaults(request: SizingRequest): Pick<EngineBudget, "kvAllocation" | "contextSlots" | "hostResidentWeightBytes" | "recurrentStateShare" | "kvCacheDtypes"> {
  return {
    kvAllocation: "pool",
    contextSlots: 1,
    hostResidentWeightBytes: 0,
    recurrentStateShare: 0,
    kvCacheDtypes: { key: request.kvCacheDtype, value: request.kvCacheValueDtype ?? request.kvCacheDtype },
  };
}

/** The model's default context, capped by nothing: what `max_model_len` is when unset in most engines. */
export function modelContext(model: ModelEntry): number {
  return model.maxPositionEmbeddings;
}

/** The last path segment of a command word (`/usr/local/bin/vllm` → `vllm`; Windows' `C:\…\llama-server.exe` → `llama-server`). */
export function baseName(word: string | undefined): string {
  return word === undefined ? "" : word.slice(Math.max(word.lastIndexOf("/"), word.lastIndexOf("\\")) + 1).replace(/\.exe$/i, "");
}

/**
 * Setting names of vLLM-style config mappings (`--config` YAML, Ray `engine_kwargs`, app configs),
 * which most engines' config documents share; written in the mapping's own key style by fixes.
 */
export const VLLM_STYLE_CONFIG_KEYS: Partial<Record<FieldName, string>> = {
  model: "model",
  quantization: "quantization",
  dtype: "dtype",
  kvCacheDtype: "kv_cache_dtype",
  tensorParallel: "tensor_parallel_size",
  pipelineParallel: "pipeline_parallel_size",
  maxModelLen: "max_model_len",
  gpuMemoryUtilization: "gpu_memory_utilization",
  gpuCount: "gpu_count",
};

/** A format's minimum compute capability as the catalog states it (the vLLM kernels' minimums). */
export function catalogMinimum(format: QuantizationFormat): number | null {
  return format.minComputeCapability;
}

/** The engine's quantization flag value for a format when it is vLLM's (`awq`, `fp8`, `bitsandbytes`…). */
export function vllmQuantizationFlag(format: QuantizationFormat): string | undefined {
  return format.vllmQuantization ?? undefined;
}

/** "Every MoE layer" for cpuMoeLayers, every layer for gpuLayers (the estimator caps it at the model's layers). */
export const ALL_LAYERS = 1_000_000;

/** A GPU layer count left to the engine (`-ngl auto`, written `-1` in llama.cpp and Ollama). */
export const GPU_LAYERS_AUTO = -1;

/** Parses a flag value; undefined when it is not a valid value of that kind. */
export function parseFlagValue(kind: ValueKind, raw: string): string | number | boolean | undefined {
  const text = raw.trim();
  switch (kind) {
    case "string":
      return text === "" ? undefined : text;
    case "int":
      return /^\d+$/.test(text) ? Number(text) : undefined;
    case "float":
      return /^(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(text) ? Number(text) : undefined;
    case "size": {
      // vLLM's human-readable sizes: 32k = 32,000, 32K = 32,768, 1m = 1,000,000, 1M = 1,048,576.
      const match = /^(\d+(?:\.\d+)?)([kKmMgG]?)$/.exec(text);
      if (!match) return undefined;
      const factor: Record<string, number> = { "": 1, k: 1e3, K: 1024, m: 1e6, M: 2 ** 20, g: 1e9, G: 2 ** 30 };
      const value = Number(match[1]) * factor[match[2]!]!;
      return Number.isInteger(value) ? value : Math.floor(value);
    }
    case "allLayers":
      return /^(true|1|yes|on)$/i.test(text) ? ALL_LAYERS : undefined;
    case "gpuLayers":
      // llama.cpp common/arg.cpp `-ngl`: "an exact number, 'auto', or 'all'"; common.h: "-1 is auto, <= -2 is all".
      if (/^auto$/i.test(text)) return GPU_LAYERS_AUTO;
      if (/^all$/i.test(text)) return ALL_LAYERS;
      return /^-?\d+$/.test(text) ? Number(text) : undefined;
    case "expertOverride":
      // `-ot ".ffn_.*_exps.=CPU"`: expert tensors to the CPU — for every layer the pattern matches.
      return /exps[^=]*=\s*cpu/i.test(text) ? ALL_LAYERS : undefined;
    case "bool":
      if (/^(true|1|yes|on)$/i.test(text)) return true;
      if (/^(false|0|no|off)$/i.test(text)) return false;
      return undefined;
    case "enabledByCount":
      // `--ep_size 4`: expert parallelism over 4 ranks; 1 (or 0) is none.
      return /^\d+$/.test(text) ? Number(text) > 1 : undefined;
    case "gib":
      return /^\d+$/.test(text) && Number(text) > 0 ? Number(text) * 2 ** 30 : undefined;
    case "kvQuantPolicy":
      // LMDeploy `--quant-policy`: 0 keeps the model dtype, 4 and 8 quantize the KV cache to int4 / int8.
      return text === "0" ? "auto" : text === "4" ? "int4" : text === "8" ? "int8" : undefined;
  }
}
