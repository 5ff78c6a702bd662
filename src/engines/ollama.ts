/**
 * Ollama (facts/estimator.md §4.1–4.2): llama.cpp underneath, with its own names (`num_ctx`,
 * `num_gpu`, `OLLAMA_NUM_PARALLEL`, `OLLAMA_KV_CACHE_TYPE`) and its own defaults by release and VRAM.
 * Its scheduler loads what fits: when a model does not, it lowers a default context, then keeps
 * layers on the CPU (server/sched.go; llm/memory.go `estimateGPULayers` before 0.13, llama-server's
 * `--fit` after) — it starts, slower, rather than failing.
 */
import type { ModelEntry } from "../catalog/types.js";
import { GIB, MIB } from "../sizing/runtime.js";
import type { MemoryEstimate, SizingRequest } from "../sizing/types.js";
import type { AutoFit, EngineProfile, FlagSpec } from "./common.js";
import { baseName, releaseOf, tokenCount as tokens } from "./common.js";
import { ggufEngine, gpuLayersThatFit, layerSplitBudget } from "./llama-cpp.js";
import { atLeast, type Release } from "./versions.js";

/** Releases whose defaults differ (envconfig/config.go and server/routes.go at each tag of ollama/ollama). */
const CONTEXT_4096: Release = [0, 7, 0];
const VRAM_TIERED_CONTEXT: Release = [0, 16, 0];
const ONE_PARALLEL: Release = [0, 10, 0];
const FLASH_ATTENTION_BY_MODEL: Release = [0, 12, 5];

/** The VRAM tiers of the default context from 0.16 (server/routes.go): ≥ 47 GiB → 262,144; ≥ 23 GiB → 32,768; else 4,096. */
const CONTEXT_TIERS: ReadonlyArray<[number, number]> = [
  [47, 262_144],
  [23, 32_768],
  [0, 4_096],
];

/**
 * Ollama's default context (`num_ctx`, `OLLAMA_CONTEXT_LENGTH`): 2,048 before 0.7, 4,096 from 0.7,
 * tiered by the total VRAM from 0.16 — never above the model's own context, which the runner caps it to.
 */
export function ollamaDefaultContext(totalMemoryBytes: number, model: ModelEntry, release?: Release): number {
  let context = 2_048;
  if (atLeast(release, VRAM_TIERED_CONTEXT)) context = CONTEXT_TIERS.find(([gib]) => totalMemoryBytes / GIB >= gib)![1];
  else if (atLeast(release, CONTEXT_4096)) context = 4_096;
  return Math.min(context, model.maxPositionEmbeddings);
}

/**
 * `OLLAMA_NUM_PARALLEL` when unset: 1 from 0.10; before, "auto" — 4 when the model still fits with
 * four contexts, else 1 (server/sched.go `defaultParallel = 4`, backing off to 1).
 */
function defaultParallel(release: Release | undefined): number | "auto" {
  return atLeast(release, ONE_PARALLEL) ? 1 : "auto";
}

/**
 * Flash attention: off unless `OLLAMA_FLASH_ATTENTION=1` before 0.12.5; from 0.12.5 on by default for
 * the architectures Ollama lists (fs/ggml/ggml.go `FlashAttention()`: gpt-oss, qwen3, qwen3moe, then
 * gemma3…). `OLLAMA_KV_CACHE_TYPE` applies to keys and values only with flash attention.
 */
function flashAttentionOn(request: SizingRequest): boolean {
  if (request.flashAttention !== undefined) return request.flashAttention;
  return atLeast(releaseOf(request), FLASH_ATTENTION_BY_MODEL) && /^(GptOss|Qwen3|Qwen3Moe|Gemma3|Qwen3_5)/.test(request.model.architecture);
}

/**
 * What Ollama keeps free on every GPU: its minimum (457 MiB on CUDA, ml/device.go `MinimumMemory`)
 * beside the graph it estimates — about a gibibyte, as llama-server's `--fit` margin it now relies on.
 */
const OLLAMA_RESERVE_BYTES = 1024 * MIB;

/**
 * Ollama's settings as `vram estimate` takes them, named after its Modelfile/API options
 * (docs/modelfile.md `num_ctx`, `num_gpu`) and environment (`OLLAMA_NUM_PARALLEL`,
 * `OLLAMA_KV_CACHE_TYPE`, `OLLAMA_FLASH_ATTENTION`); app configs write them as `num_ctx`….
 */
const SETTINGS: readonly FlagSpec[] = [
  { field: "maxModelLen", kind: "int", names: ["--num-ctx"] },
  { field: "maxNumSeqs", kind: "int", names: ["--num-parallel"] },
  { field: "gpuLayers", kind: "gpuLayers", names: ["--num-gpu"] },
  { field: "kvCacheDtype", kind: "string", names: ["--kv-cache-type"] },
  { field: "flashAttention", kind: "bool", names: ["--flash-attention"] },
];

/**
 * The scheduler's fallbacks (server/sched.go): a default context steps down the VRAM tiers
 * (262,144 → 32,768 → 4,096); before 0.10 four parallel slots back off to one; then layers stay on
 * the CPU (`num_gpu` below the layer count) until the rest fits.
 */
function schedule(request: SizingRequest, estimate: MemoryEstimate, estimateWith: (request: SizingRequest) => MemoryEstimate): AutoFit | undefined {
  const release = releaseOf(request);
  const notes: string[] = [];
  let adapted = request;
  const autoParallel = request.maxNumSeqs === undefined && defaultParallel(release) === "auto";
  if (autoParallel) {
    adapted = { ...adapted, maxNumSeqs: 4 };
    if (estimateWith(adapted).verdict === "fits") return { request: adapted, notes: ["Ollama loads it with 4 parallel slots (OLLAMA_NUM_PARALLEL unset)"] };
    adapted = { ...adapted, maxNumSeqs: 1 };
    notes.push("Ollama backs off to 1 parallel slot");
  } else if (estimate.verdict === "fits") {
    return undefined;
  }
  if (estimateWith(adapted).verdict === "fits") return { request: adapted, notes };
  if (request.maxModelLen === undefined && atLeast(release, VRAM_TIERED_CONTEXT)) {
    const current = estimate.maxModelLen;
    for (const [, context] of CONTEXT_TIERS) {
      if (context >= current) continue;
      adapted = { ...adapted, maxModelLen: Math.min(context, request.model.maxPositionEmbeddings) };
      if (estimateWith(adapted).verdict === "fits") {
        notes.push(`Ollama steps its default context down to ${tokens(adapted.maxModelLen!)} tokens`);
        return { request: adapted, notes };
      }
    }
    // Already at the smallest tier: nothing was stepped down, and nothing is said.
    if (adapted.maxModelLen !== undefined) notes.push(`Ollama steps its default context down to ${tokens(adapted.maxModelLen)} tokens`);
  }
  if (request.gpuLayers !== undefined) return notes.length > 0 ? { request: adapted, notes } : undefined;
  const layers = gpuLayersThatFit(adapted, estimateWith);
  if (layers !== undefined) {
    notes.push(`Ollama keeps ${request.model.layers + 1 - layers} of ${request.model.layers + 1} layers on the CPU`);
    adapted = { ...adapted, gpuLayers: layers };
  }
  return notes.length > 0 ? { request: adapted, notes } : undefined;
}

export const ollama: EngineProfile<"ollama"> = {
  ...ggufEngine,
  id: "ollama",
  displayName: "Ollama",
  modelNamingHint: "ollama pull <tag> in its command or postStart hook",
  aliases: [],
  versionNumbering: "semver",

  // `ollama serve` takes no model or sizing flags; models arrive through its API, which deployments
  // drive with `ollama pull <tag>` or `ollama run <tag>` (a postStart hook, a script after `ollama serve &`).
  command(words, i) {
    if (baseName(words[i]!.text) !== "ollama") return undefined;
    const verb = words[i + 1]?.text;
    return verb === "pull" || verb === "run" ? { start: i + 2, positionalModel: true } : undefined;
  },
  serverAddressEnv: "OLLAMA_HOST",
  // `curl http://ollama:11434/api/pull -d '{"name": "llama3:8b"}'` (a compose init service, a setup script).
  modelPullRequest: { path: "/api/pull", bodyKeys: ["model", "name"], command: ["ollama", "pull"] },
  // A library tag `family:size` (`gemma2:9b`, `qwen2.5-coder:32b-instruct-q4_K_M`): no owner, a size or variant after the colon.
  ownModelName: /^[a-z][\w.-]*:(?=[\w.-]*\d)[\w.-]+$/i,
  loadsModelsOnRequest: true,
  // Cloud models carry a `cloud` tag (`glm-4.6:cloud`, `gpt-oss:120b-cloud`): Ollama lists them like
  // local ones, but they run on ollama.com's servers (its client libraries test names for `[-:]cloud`).
  remoteModel: (name) => (/[:-]cloud$/i.test(name) ? "an Ollama cloud model: ollama.com runs it, not this GPU" : undefined),
  // `ollama/ollama`, and builds of it named for their GPUs (`ollama-nvidia`, `ollama-rocm`); not web UIs or clients.
  image: (name) => /(^|\/)ollama(?![\w.-]*(web|ui|client|chat|cli))[\w.-]*(:|@|\/|$)/.test(name),
  flags: [],
  settingNames: SETTINGS,
  switches: [],
  env: {
    OLLAMA_CONTEXT_LENGTH: { field: "maxModelLen", kind: "int" },
    OLLAMA_NUM_PARALLEL: { field: "maxNumSeqs", kind: "int" },
    OLLAMA_KV_CACHE_TYPE: { field: "kvCacheDtype", kind: "string" },
    OLLAMA_FLASH_ATTENTION: { field: "flashAttention", kind: "bool" },
  },
  abbreviations: false,
  // The image's entrypoint is `ollama serve`: a container of it serves whatever model is pulled into it.
  servesWithoutFlags: true,

  defaultMemoryFraction: 1,
  budget(request) {
    const release = releaseOf(request);
    // The tiers look at every GPU's memory together; the layer split puts each GPU on its own stage.
    const defaultContext = ollamaDefaultContext(request.gpu.memoryBytes * request.pipelineParallel, request.model, release);
    const flashAttention = flashAttentionOn(request);
    const cacheType = flashAttention ? request.kvCacheDtype : undefined;
    const assumptions: string[] = [];
    if (request.maxModelLen === undefined) assumptions.push(`Ollama's default context here is ${tokens(defaultContext)} tokens`);
    return layerSplitBudget(request, {
      defaultContext,
      slots: request.maxNumSeqs ?? 1,
      marginBytes: OLLAMA_RESERVE_BYTES,
      flashAttention,
      kvCacheDtypes: { key: cacheType ?? "f16", value: cacheType ?? "f16" },
      defaultSource: "engine-default",
      assumptions,
      warnings: request.kvCacheDtype && !flashAttention ? [`OLLAMA_KV_CACHE_TYPE=${request.kvCacheDtype} is ignored without flash attention: the cache stays f16`] : [],
    });
  },
  autoFit: schedule,
  // server/sched.go loads a model when a request names it and evicts idle ones to make room.
  loadsModelsInTurn: true,
  // With no GPU the runner loads every layer into host memory, at the default context of no VRAM.
  onCpu: {
    runsFromImage: () => true,
    defaultContext(request) {
      const tokens = ollamaDefaultContext(0, request.model, releaseOf(request));
      return { tokens, fewest: tokens };
    },
  },
  whenKvTooSmall: () => "Ollama cannot allocate that context on the GPUs.",
};
