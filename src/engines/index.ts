/**
 * The engine registry: every serving engine the linter knows, looked up by id, by any name people
 * write for it, by image, or by the command that starts it. Adding an engine is one module plus its
 * entry here.
 */
import type { GpuEntry, QuantizationFormat } from "../catalog/types.js";
import type { FieldName } from "../extract/types.js";
import { BoundedCache } from "../memo.js";
import type { CommandStart, ConfigFieldSpec, EngineProfile, Word } from "./common.js";
import { llamaCpp } from "./llama-cpp.js";
import { lmdeploy } from "./lmdeploy.js";
import { ollama } from "./ollama.js";
import { sglang } from "./sglang.js";
import { tei } from "./tei.js";
import { tgi } from "./tgi.js";
import { trtllm } from "./trtllm.js";
import { vllm } from "./vllm.js";

/** The registry, in the order commands and images are tried. */
const PROFILES = [vllm, sglang, tgi, llamaCpp, ollama, trtllm, lmdeploy, tei] as const;

/** An engine id: `vllm`, `sglang`, `tgi`, `llama.cpp`, `ollama`, `trtllm`, `lmdeploy`, `tei`. */
export type Engine = (typeof PROFILES)[number]["id"];

export const ENGINE_IDS: readonly Engine[] = PROFILES.map((profile) => profile.id);

export { ALL_LAYERS, parseFlagValue } from "./common.js";
export type { ActivationPeak, BudgetKind, CommandStart, ConfigFieldSpec, EngineBudget, EngineProfile, FlagField, FlagSpec, ValueKind, Word } from "./common.js";

const byId = new Map<string, EngineProfile<Engine>>(PROFILES.map((profile) => [profile.id, profile]));

/** The profile of an engine id. */
export function engineById(id: Engine): EngineProfile<Engine> {
  return byId.get(id)!;
}

/** A written engine name as compared: lower case, letters and digits only (`TRT-LLM` → `trtllm`, `llama.cpp` → `llamacpp`). */
function nameKey(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "");
}

const byName = new Map<string, Engine>();
for (const profile of PROFILES) {
  for (const name of [profile.id, profile.displayName, ...profile.aliases]) byName.set(nameKey(name), profile.id);
}

/**
 * The engine a written name means (`vLLM`, `VLLM`, `llamacpp`, `Text Generation Inference`,
 * `tensorrt-llm`, `TRT-LLM`, `LMDeploy`); undefined for names of no LLM engine.
 */
export function engineByName(written: string | undefined): Engine | undefined {
  if (written === undefined) return undefined;
  return byName.get(nameKey(written));
}

/** The engine a script's path names in one of its words (`vllm/server-mila.sh`, `start_sglang.sh`). */
export function engineNamedInPath(path: string): Engine | undefined {
  for (const word of path.split(/[/\\_.\s-]+/)) {
    const engine = engineByName(word);
    if (engine) return engine;
  }
  return undefined;
}

/** Every name `engineByName` accepts for an engine, for messages (`vllm, sglang, tgi, trtllm (tensorrt-llm), …`). */
export function engineNameList(): string {
  return PROFILES.map((profile: EngineProfile<Engine>) => (profile.listedAlias ? `${profile.id} (${profile.listedAlias})` : profile.id)).join(", ");
}

// --- images --------------------------------------------------------------------------------------

/** Routers, gateways and sidecars of an engine's project (`vllm-router`, `sglang-router`, `llm-d-routing-sidecar`) serve no model. */
const NOT_A_SERVER = /router|routing|gateway|proxy|scheduler|sidecar|exporter|operator|controller/;

/** NVIDIA NIM for LLMs: `nvcr.io/nim/<publisher>/<model>`, including the generic `nvcr.io/nim/nvidia/llm-nim`. */
const NIM_IMAGE = /(^|\/)nvcr\.io\/nim\/|^nim\/|(^|\/)llm-nim(:|@|$)/;

export interface ImageFacts {
  /** The engine the image's entrypoint runs, when the name says it. */
  engine?: Engine;
  /** A NIM image: it serves an LLM with the engine its profile selects (`NIM_MODEL_PROFILE`). */
  nim?: boolean;
  /** The tag (`v0.10.1` of `vllm/vllm-openai:v0.10.1`), for version-dependent semantics. */
  tag?: string;
}

/** Images repeat across a repository's manifests; each name is classified once per process. */
const imageFacts = new BoundedCache<ImageFacts | undefined>(1024);

/** What an image name reveals: the engine it runs, whether it is a NIM, its tag. Undefined for images that serve no LLM. */
export function describeImage(image: string | undefined): ImageFacts | undefined {
  return image ? imageFacts.get(image, () => classifyImage(image)) : undefined;
}

function classifyImage(image: string): ImageFacts | undefined {
  const name = image.toLowerCase();
  const lastSegment = image.slice(image.lastIndexOf("/") + 1);
  const tagAt = lastSegment.search(/[:@]/);
  const repository = (tagAt < 0 ? lastSegment : lastSegment.slice(0, tagAt)).toLowerCase();
  if (NOT_A_SERVER.test(repository)) return undefined;
  const written = /:([^:@]+)/.exec(lastSegment)?.[1];
  const tag = written ? { tag: written } : {};
  const profile = PROFILES.find((candidate) => candidate.image(name));
  if (profile) {
    // Cloud images name the engine's release inside the name or a longer tag (`…-tgi2.0.2-gpu…`).
    const release = profile.imageRelease?.(name);
    return { engine: profile.id, ...(release ? { tag: release } : tag) };
  }
  if (NIM_IMAGE.test(name)) return { nim: true, ...tag };
  return undefined;
}

/** The engine an image name reveals when the args are flags only (the image's entrypoint runs the engine). */
export function engineFromImage(image: string | undefined): Engine | undefined {
  return describeImage(image)?.engine;
}

/**
 * The engine a pip requirement installs (`vllm==0.6.3`, `sglang[all]>=0.4`, `tensorrt_llm`): names
 * compared as PyPI normalizes them (case, `_` and `.` as `-`, PEP 503).
 */
export function engineFromPackage(requirement: string): Engine | undefined {
  const name = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(requirement)?.[1]?.toLowerCase().replace(/[._]+/g, "-");
  return name === undefined ? undefined : PROFILES.find((profile) => profile.pythonPackage === name)?.id;
}

/**
 * Variables that name the model to one engine alone (llama.cpp's `LLAMA_ARG_MODEL`,
 * `LLAMA_ARG_HF_REPO`), by the profiles' env tables: a container that sets one runs that engine,
 * whatever its image (a build of the project's own, a ROCm or Vulkan image of another name).
 * `MODEL_ID`, which several engines read, names none; nor does `HF_MODEL_ID`, which SageMaker's
 * serving containers all read (TGI's, and LMI's vLLM and DJL), whatever the one profile here that lists it.
 */
const SHARED_MODEL_VARIABLES = new Set(["HF_MODEL_ID"]);

const OWN_MODEL_VARIABLES: ReadonlyMap<string, Engine> = (() => {
  const owners = new Map<string, Engine[]>();
  for (const profile of PROFILES) {
    for (const [name, spec] of Object.entries(profile.env)) if (spec.field === "model" && !SHARED_MODEL_VARIABLES.has(name)) owners.set(name, [...(owners.get(name) ?? []), profile.id]);
  }
  return new Map([...owners].filter(([, engines]) => engines.length === 1).map(([name, engines]) => [name, engines[0]!]));
})();

/** The engine whose own model variable a container's environment sets, if any. */
export function engineOfModelVariable(names: Iterable<string>): Engine | undefined {
  for (const name of names) {
    const engine = OWN_MODEL_VARIABLES.get(name);
    if (engine) return engine;
  }
  return undefined;
}

/** The engine whose own way of naming models a name is written in (an Ollama tag), if any. */
export function engineOfModelName(name: string): Engine | undefined {
  for (const profile of PROFILES as ReadonlyArray<EngineProfile<Engine>>) if (profile.ownModelName?.test(name)) return profile.id;
  return undefined;
}

/** The engine assumed wherever none is named (app configs, `vram estimate`, deployments without an engine). */
export const DEFAULT_ENGINE: Engine = "vllm";

/** Which engines take each long flag (`--tensor-parallel-size`: vLLM and SGLang). */
const enginesByFlag = new Map<string, Engine[]>();
for (const profile of PROFILES as ReadonlyArray<EngineProfile<Engine>>) {
  for (const spec of profile.flags) {
    for (const name of spec.names) {
      if (!name.startsWith("--")) continue;
      const engines = enginesByFlag.get(name) ?? [];
      if (!engines.includes(profile.id)) engines.push(profile.id);
      enginesByFlag.set(name, engines);
    }
  }
}

/**
 * The engine whose flags the words are, for a container with no image or command that names one (a
 * kustomize patch: `--model=…`, `--tensor-parallel-size=1`, `--quantization=awq`). Each known flag
 * counts for the engines that take it, shared ones less (1 / how many take it); the engine with the
 * highest score wins when it matches at least two flags; a tie that includes vLLM is vLLM.
 */
export function engineFromFlags(words: readonly string[]): Engine | undefined {
  const score = new Map<Engine, number>();
  const matched = new Map<Engine, number>();
  for (const word of words) {
    if (!word.startsWith("--")) continue;
    const engines = enginesByFlag.get(word.split("=", 1)[0]!) ?? [];
    for (const engine of engines) {
      score.set(engine, (score.get(engine) ?? 0) + 1 / engines.length);
      matched.set(engine, (matched.get(engine) ?? 0) + 1);
    }
  }
  const ranked = [...score].sort((a, b) => b[1] - a[1]);
  const best = ranked[0];
  if (!best || (matched.get(best[0]) ?? 0) < 2) return undefined;
  const tied = ranked.filter(([, value]) => value >= best[1]).map(([engine]) => engine);
  if (tied.length === 1) return best[0];
  // Flags vLLM and SGLang both take: vLLM, the default wherever no engine is named (app configs, `vram estimate`).
  return tied.includes(DEFAULT_ENGINE) ? DEFAULT_ENGINE : undefined;
}

// --- commands ------------------------------------------------------------------------------------

/** The engine whose command starts at `words[index]`, and where its flags begin. */
export function engineCommandAt(words: readonly Word[], index: number): (CommandStart & { engine: Engine }) | undefined {
  const word = words[index];
  if (!word || word.operator) return undefined;
  for (const profile of PROFILES) {
    const start = profile.command(words, index);
    if (start) return { ...start, engine: profile.id };
  }
  return undefined;
}

/** The engine REST request a URL path makes that loads a model as a command does (`/api/pull`: `ollama pull`). */
export function modelPullRequestAt(path: string): NonNullable<EngineProfile<Engine>["modelPullRequest"]> | undefined {
  for (const profile of PROFILES) {
    const request = (profile as EngineProfile<Engine>).modelPullRequest;
    if (request && (path === request.path || path === `${request.path}/`)) return request;
  }
  return undefined;
}

/**
 * Commands whose arguments name a program without running it (`pkill -f llama-server`, `which vllm`,
 * `echo "starting vllm serve"`): an engine named there starts nothing.
 */
const NAMES_WITHOUT_RUNNING = new Set(["pkill", "pgrep", "killall", "pidof", "which", "whereis", "type", "command", "echo", "printf", "grep"]);

/** The first engine command among the words (`vllm serve`, `python -m sglang.launch_server`, `trtllm-serve`). */
export function findEngineCommand(words: readonly Word[]): (CommandStart & { engine: Engine }) | undefined {
  let commandWord: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word.operator) {
      commandWord = undefined;
      continue;
    }
    const named = commandWord !== undefined && NAMES_WITHOUT_RUNNING.has(commandWord.slice(commandWord.lastIndexOf("/") + 1));
    commandWord ??= word.text;
    if (named) continue;
    const found = engineCommandAt(words, i);
    if (found) return found;
  }
  return undefined;
}

/**
 * The engine a container runs, from its image and its command and args as plain strings (a list item
 * holding a whole command line is split at whitespace). For walkers that need to know whether a
 * container serves a model before reading it in full.
 */
export function engineOfContainer(container: { image?: string; command?: readonly string[]; args?: readonly string[] }): Engine | undefined {
  const words = [...(container.command ?? []), ...(container.args ?? [])]
    .flatMap((item) => item.split(/\s+|(;|&&|\|\|?)/))
    .filter((text): text is string => text !== undefined && text !== "")
    .map((text) => ({ text, ...(/^(;|&&|\|\|?)$/.test(text) ? { operator: true } : {}) }));
  return findEngineCommand(words)?.engine ?? engineFromImage(container.image);
}

// --- weights -------------------------------------------------------------------------------------

/**
 * Whether a format needs weights already stored in it: the catalog says so, or the engine has no flag
 * that quantizes 16-bit weights to it while loading (TensorRT-LLM reads every format from the checkpoint).
 */
export function needsCheckpoint(engine: Engine, format: QuantizationFormat): boolean {
  return format.needsPrequantizedCheckpoint || engineById(engine).quantizationFlag(format) === undefined;
}

/** The vendors of GPUs proper: an engine that names no `vendors` runs on these, and not on TPUs or Neuron devices. */
export const GPU_VENDORS: readonly GpuEntry["vendor"][] = ["nvidia", "amd", "intel", "apple"];

/** Whether the engine has a build for the vendor's accelerators at all (llama.cpp has none for TPUs). */
export function engineRunsOnVendor(engine: Engine, vendor: GpuEntry["vendor"]): boolean {
  return (engineById(engine).vendors ?? GPU_VENDORS).includes(vendor);
}

/** Whether the engine runs on a GPU at all, whatever the format (its vendor; `minCudaCapability`: vLLM not on Pascal). */
export function engineRunsOn(engine: Engine, gpu: GpuEntry): boolean {
  const minimum = engineById(engine).minCudaCapability;
  return engineRunsOnVendor(engine, gpu.vendor) && (minimum === undefined || gpu.computeCapability === null || gpu.computeCapability >= minimum);
}

/** Whether a format's kernels run on a GPU in this engine (AMD GPUs, which have no compute capability: vLLM's ROCm kernels). */
export function formatRunsOn(engine: Engine, format: QuantizationFormat, gpu: GpuEntry): boolean {
  const minimum = engineById(engine).minComputeCapability(format, gpu);
  if (minimum === null) return true;
  if (gpu.computeCapability === null) return gpu.vendor === "amd" && format.vllmQuantization !== null && format.id !== "awq";
  return gpu.computeCapability >= minimum;
}

/**
 * How a written data-parallel size lays out: replicas with GPUs of their own, and the attention
 * data-parallel groups within each replica's tensor-parallel ranks (attention runs at tensor
 * parallel / groups). SGLang's `--dp` under `--enable-dp-attention` makes groups and no replicas
 * when it divides `--tp` (SGLang refuses it otherwise, and at `--dp 1` turns DP attention off, so
 * both are left as replicas); TensorRT-LLM's `enable_attention_dp` makes one group per rank.
 */
export function dataParallelLayout(
  engine: Engine,
  layout: { tensorParallel: number; dataParallel: number; attentionDataParallel: boolean },
): { replicas: number; attentionGroups: number | undefined } {
  const { tensorParallel, dataParallel, attentionDataParallel } = layout;
  if (!attentionDataParallel) return { replicas: dataParallel, attentionGroups: undefined };
  if (!engineById(engine).attentionGroupsFromDataParallel) return { replicas: dataParallel, attentionGroups: tensorParallel };
  if (dataParallel > 1 && tensorParallel % dataParallel === 0) return { replicas: 1, attentionGroups: dataParallel };
  return { replicas: dataParallel, attentionGroups: undefined };
}

// --- flags ---------------------------------------------------------------------------------------

/** The flag to write for a field in an engine's command line (its first long spelling). */
export function flagFor(engine: Engine, field: FieldName): string | undefined {
  return engineById(engine).flags.find((spec) => spec.field === field)?.names.find((name) => name.startsWith("--"));
}

// --- settings ------------------------------------------------------------------------------------

/** How an engine's config documents read: its own table, or its long flags as keys (vLLM `--config` YAML). */
export function configFieldsOf(engine: Engine): readonly ConfigFieldSpec[] {
  const profile = engineById(engine);
  if (profile.configFields) return profile.configFields;
  const fields: ConfigFieldSpec[] = [];
  for (const flag of [...profile.flags, ...(profile.settingNames ?? [])]) {
    if (flag.field === "configFile" || flag.field === "modelFile") continue;
    for (const name of flag.names) if (name.startsWith("--")) fields.push({ path: [name.slice(2)], field: flag.field, kind: flag.kind });
  }
  return fields;
}

/**
 * The KV cache an engine whose CPU cache is the size written (`onCpu.kvCacheAsWritten`: vLLM's CPU
 * build) is given on the CPU: `VLLM_CPU_KVCACHE_SPACE` over `--kv-cache-memory-bytes`, as
 * vllm/platforms/cpu.py applies them. Undefined when neither is written.
 */
export function cpuKvCacheOf(values: { cpuKvCacheBytes?: number; kvCacheMemoryBytes?: number }): number | undefined {
  return values.cpuKvCacheBytes ?? values.kvCacheMemoryBytes;
}

/** Whether a deployment on `engine`'s CPU image `image` leaves unwritten the KV cache size that engine needs written there. */
export function cpuKvCacheUnset(engine: Engine, image: string | undefined, values: { cpuKvCacheBytes?: number; kvCacheMemoryBytes?: number }): boolean {
  const onHost = engineById(engine).onCpu;
  return onHost?.kvCacheAsWritten === true && onHost.runsFromImage(image) && cpuKvCacheOf(values) === undefined;
}
