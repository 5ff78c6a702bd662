import { distance } from "fastest-levenshtein";
import type {
  AmbiguousGpuName,
  CatalogData,
  CheckpointEntry,
  GpuEntry,
  InstanceEntry,
  ModelEntry,
  QuantizationFormat,
} from "./types.js";
import {
  containsWords,
  gpuNameTokens,
  hubCacheModel,
  isSizeWord,
  modelKey,
  modelNameKey,
  nameShape,
  nameWords,
  normalizeGpuName,
  statedSizes,
  stripModelUri,
} from "./names.js";
import { FormatSpellings } from "./format-names.js";
import { type MigName, migSliceEntry, parseMigName } from "./mig.js";

export interface ModelResolution {
  model: ModelEntry;
  /** The stored format the written name implies (pre-quantized repo, GGUF Q-type); null: the model's native format. */
  format: QuantizationFormat | null;
  /**
   * How the name was recognised. `family` means only the family and size in the name matched a
   * catalog model (a fine-tune or re-upload nobody catalogued): `assumption` then says so.
   */
  via: "id" | "alias" | "checkpoint" | "name" | "gguf" | "family";
  /** The model's name as the user wrote it, without organisation or wrappers (`Mixtral-8x7B-Instruct-v0.1`). */
  displayName: string;
  /** What was assumed to size it, for the finding to repeat (`the architecture of … from the name`). */
  assumption?: string;
  /** A quantization the name states that the catalog does not size (`UD-Q8_K_XL`): the weights stay unsized. */
  unknownFormat?: string;
}

export interface GpuResolution {
  gpu: GpuEntry;
  via: "name" | "ambiguous" | "fuzzy";
  /** Set when the name could mean several GPUs: which one was assumed and why. */
  assumption?: string;
  /** The other GPUs an ambiguous name could mean. */
  alternatives?: GpuEntry[];
}

/**
 * Name suffixes of pre-quantized repositories (lowercase), longest first. The base name before the
 * suffix is looked up like any other name (`neuralmagic/Meta-Llama-3.1-70B-Instruct-FP8` →
 * Llama-3.1-70B-Instruct). Matched with `endsWith`, so hostile names cost linear time.
 */
const QUANTIZED_NAME_SUFFIXES: ReadonlyArray<readonly [string, string]> = [
  ["-unsloth-bnb-4bit", "bnb-nf4"],
  ["-quantized.w4a16", "w4a16"],
  ["-quantized.w8a8", "int8"],
  ["-quantized.w8a16", "int8"],
  ["-gptq-int4-int8mix", "gptq"],
  ["-fp8-dynamic", "fp8"],
  ["-fp8-static", "fp8"],
  ["-fp8-block", "fp8-block"],
  ["-fp8-kv", "fp8"],
  ["-bnb-4bit", "bnb-nf4"],
  ["-bnb-8bit", "bnb-int8"],
  ["-4bit-bnb", "bnb-nf4"],
  ["-awq-int4", "awq"],
  ["-int4-awq", "awq"],
  ["-awq-4bit", "awq"],
  ["-gptq-int4", "gptq"],
  ["-gptq-int8", "gptq-int8"],
  ["-gptq-4bit", "gptq"],
  ["-gptq-8bit", "gptq-int8"],
  ["-int4-gptq", "gptq"],
  ["-w4a16-g128", "w4a16"],
  ["-w4a16", "w4a16"],
  ["-w8a8", "int8"],
  ["-w8a16", "int8"],
  ["-nvfp4", "nvfp4"],
  ["-mxfp4", "mxfp4"],
  ["-awq", "awq"],
  ["-gptq", "gptq"],
  ["-fp8", "fp8"],
  ["-int8", "int8"],
  ["-fp4", "nvfp4"],
  // Upcasts of natively FP8/FP4 models (`unsloth/DeepSeek-R1-BF16`): twice the native weights.
  ["-bf16", "bf16"],
  ["-fp16", "fp16"],
];

/** The name without a pre-quantized suffix, and the format the suffix names. */
/** A name word for layers kept at a wider type beside the quantized ones (`fp16mix`, `int8mix`). */
const MIXED_WIDTH = /^(?:b?f16|fp16|fp8|int8|w8a8)mix$/;

function splitQuantizedSuffix(key: string): { base: string; formatId: string | null } {
  for (const [suffix, formatId] of QUANTIZED_NAME_SUFFIXES) {
    if (key.length > suffix.length && key.endsWith(suffix)) return { base: key.slice(0, -suffix.length), formatId };
  }
  return { base: key, formatId: null };
}

/**
 * The quant type in a GGUF file name or an Ollama tag (`…Q4_K_M.gguf`, `…-IQ4_XS.gguf`,
 * `UD-Q8_K_XL`, `:3b-instruct-fp16`), as one token: a type the catalog has no format for stays
 * unsized rather than read as a shorter one it does (`Q8_K_XL` is not `Q8_K`).
 */
const GGUF_TYPE = /(?:^|[-_.:])((?:ud-)?(?:i?q[1-8]_[a-z0-9_]*[a-z0-9]|q[2-8]k(?:xl|[sml])?|q[2-8]|tq[12]_0|mxfp4(?:_moe)?|b?f16|f32|fp16|fp32))(?=[-.]|$)/i;

/**
 * Whether `prefix_rest` is an owner no catalog model has glued with `_` to a model's name
 * (bartowski's `deepreinforce-ai_Ornith-1.0-35B-Q4_K_M.gguf`): the name, with its size, is after the
 * `_`, and none before it (`Qwen3VL-8B-Instruct-Q4_K_M`: that `_` is the quant type's).
 */
function gluedOwner(prefix: string, rest: string): boolean {
  const size = /\d(?:\.\d+)?[bm](?![a-z])/i;
  return !size.test(prefix) && size.test(rest);
}

/** `owner/repo:Q4_K_M`: a repository pulled at the GGUF type its whole tag names. */
function taggedGgufRepository(name: string): boolean {
  const tag = /\/[^/:]+:([^/:]+)$/.exec(name)?.[1];
  const type = tag === undefined ? null : GGUF_TYPE.exec(tag);
  return type !== null && type.index === 0 && type[0].length === tag!.length;
}

/** The unknown format of a GGUF file whose name states no quantization type (`/models/mistral-7b-instruct.gguf`). */
export const GGUF_WITHOUT_TYPE = "GGUF (no quant type in the file name)";

/**
 * A file in llama.cpp's own download cache (`-hf`, before it used the Hugging Face cache layout):
 * `<owner>_<repository>_<file>.gguf`, the repository's `/` written as `_`
 * (`unsloth_GLM-4.7-Flash-GGUF_GLM-4.7-Flash-Q4_K_M.gguf`).
 */
const LLAMA_CPP_CACHE_FILE = /^[A-Za-z0-9][A-Za-z0-9.-]*_[A-Za-z0-9.-]*GGUF_([^/]+\.gguf)$/i;

/** Unsloth's `Q8_K_XL`: Q8_0 with some layers kept at BF16, by an amount that varies per model (docs.unsloth.ai, "Dynamic 2.0"). */
export function isGgufQ8WithWideLayers(type: string): boolean {
  return /^(?:ud-)?q8_k_xl$/i.test(type);
}

/**
 * GGUF file names that name no model: `model.gguf`, llama.cpp's converter's `ggml-model-f16.gguf`,
 * and a type alone in a folder named for the model (`Qwen3.6-27B\UD-Q2_K_XL.gguf`, `…\QAT-Q4_0.gguf`).
 */
const GGUF_GENERIC = /^(?:(?:ggml-)?models?|ud|qat|)$/i;

/** A GGUF type as written, with a K-quant written without separators spelled out (`q4km` → `q4_k_m`). */
function ggufTypeOf(match: RegExpExecArray): string {
  const written = match[1]!;
  const compact = /^(ud-)?q([2-8])k(xl|[sml])?$/i.exec(written);
  return compact ? `${compact[1] ?? ""}q${compact[2]}_k${compact[3] ? `_${compact[3]}` : ""}` : written;
}

/** A GGUF type as the catalog names its formats (`fp16` → `gguf-f16`). */
function ggufFormatId(type: string): string {
  const lower = type.toLowerCase();
  return `gguf-${lower === "fp16" ? "f16" : lower === "fp32" ? "f32" : lower}`;
}

/**
 * Names longer than this are not repository names (the Hub caps a repo name at 96 characters): the
 * family heuristic and the nearest-name search skip them, so a pasted blob costs nothing.
 */
const MAX_NAME_LENGTH = 256;

/**
 * Words in a written name that change what a family-and-size match would mean: a vision or audio
 * model, a pruned or distilled derivative, an embedding or reward head, a coder or math variant
 * (`qwen-coder-14b` is no Qwen 1 chat model of 14B). A name with one of them resolves by family
 * only to a catalog model whose own name has it too.
 */
const STRUCTURAL_WORDS = new Set([
  "vl", "vision", "omni", "audio", "moe", "mamba", "hybrid", "embed", "embedding", "reranker", "rm", "reward", "prm",
  "distill", "minitron", "pruned", "nas", "upscaled", "draft", "eagle", "eagle3", "medusa", "mtp",
  "speculator", "dflash", "embedqa", "rerank", "rerankqa", "tts", "asr", "speech", "blip", "ultravox", "coder", "math",
]);

/** Words that say what kind of model a name is, never which family: an owner prefix is kept before them alone. */
const KIND_WORDS = new Set(["chat", "instruct", "base", "it", "llm", "lm", "oss", "lite", "sft", "hf", "model", "preview", "code"]);

/** The version word right after `family` in `words` (`3` of `qwen 3 72b`, `3.1` of `llama 3.1 8b`); undefined when a size or nothing follows. */
function versionAfter(words: readonly string[], family: readonly string[]): string | undefined {
  for (let start = 0; start + family.length < words.length; start++) {
    if (!family.every((word, i) => words[start + i] === word)) continue;
    const next = words[start + family.length]!;
    return /^\d+(?:\.\d+)?$/.test(next) ? next : undefined;
  }
  return undefined;
}

/**
 * A family that starts with its owner's name without that brand prefix, as people write it
 * (`nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B` → `nemotron 3 nano`, `meta-llama/Meta-Llama-3-8B` →
 * `llama 3`); never down to a bare version (`ibm-granite/granite-3.1-8b` keeps `granite 3.1`).
 */
function withoutOwnerPrefix(name: string, family: readonly string[]): string[] | undefined {
  const slash = name.indexOf("/");
  if (slash <= 0) return undefined;
  const owner = new Set(name.slice(0, slash).toLowerCase().split(/[-_.]/));
  // What is left must name a family, not only say what kind of model it is (`internlm-chat` is no family `chat`).
  const namesFamily = (word: string) => /^[a-z]{2}/.test(word) && !STRUCTURAL_WORDS.has(word) && !KIND_WORDS.has(word);
  let start = 0;
  while (start < family.length && owner.has(family[start]!) && family.slice(start + 1).some(namesFamily)) start++;
  return start > 0 ? family.slice(start) : undefined;
}

/** Edits a nearest-name candidate of another stated size pays, so same-size names rank first. */
const OTHER_SIZE_PENALTY = 4;

/** Candidates of one family and size whose totals differ by more than this are too different to pick among. */
const FAMILY_TOTAL_SPREAD = 0.03;

/** Tie-break order of names; not localeCompare, whose collator costs ICU start-up in a cold CLI. */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class Catalog {
  readonly date: string;
  readonly models: readonly ModelEntry[];
  readonly gpus: readonly GpuEntry[];
  readonly instances: readonly InstanceEntry[];
  readonly formats: readonly QuantizationFormat[];
  readonly checkpoints: readonly CheckpointEntry[];

  private readonly modelByKey = new Map<string, { model: ModelEntry; via: "id" | "alias" }>();
  /** Name part → model, or null when two different models share it. */
  private modelByNameKeyIndex: Map<string, ModelEntry | null> | undefined;
  /** Name words (`phi 3.5 mini instruct`) → model, or null when two different models share them. */
  private modelByWordsKeyIndex: Map<string, ModelEntry | null> | undefined;
  /** Size word (`8b`, `30b-a3b`) → the catalog models whose names state that size, with their family words. */
  private modelsBySizeIndex: Map<string, Array<{ family: string[]; model: ModelEntry; name: string }>> | undefined;
  /** A Mixture-of-Experts total alone (`30b`) → the MoE models of that total (see `moeByTotal`). */
  private moeByTotalIndex: Map<string, Array<{ family: string[]; model: ModelEntry; name: string }>> | undefined;
  private readonly checkpointByKey = new Map<string, CheckpointEntry>();
  /** Owners of the catalog's models, lowercase (see `owners`). */
  private ownerIndex: Set<string> | undefined;
  /** Name part of a repository checkpoint (`zephyr-7b-beta`) → the checkpoint, or null when two share it. */
  private checkpointByNameKeyIndex: Map<string, CheckpointEntry | null> | undefined;
  private readonly formatByKey = new Map<string, QuantizationFormat>();
  private formatSpellingIndex: FormatSpellings | undefined;
  private readonly gpuById = new Map<string, GpuEntry>();
  private readonly gpuByName = new Map<string, GpuEntry>();
  /** Spellings as written (lowercase), checked first: `nvidia-tesla-a100` is GKE's exact name for the 40 GB A100. */
  private readonly gpuByExactName = new Map<string, GpuEntry>();
  private readonly ambiguousGpuByName = new Map<string, AmbiguousGpuName>();
  private readonly gpuTokens: Array<{ gpu: GpuEntry; tokens: string[] }> = [];
  /** `parentId|profile` → the MIG slice as a GPU; profile → the slices of every GPU that has it, smallest first. */
  private readonly migSlice = new Map<string, GpuEntry>();
  private readonly migSlicesByProfile = new Map<string, GpuEntry[]>();
  private readonly instanceByKey = new Map<string, InstanceEntry>();

  /** The data this catalog indexes, to build a catalog with more entries (a local model, settings). */
  readonly data: CatalogData;

  constructor(data: CatalogData) {
    this.data = data;
    this.date = data.date;
    this.models = data.models;
    this.gpus = data.gpus;
    this.instances = data.instances;
    this.formats = data.quantization;
    this.checkpoints = data.checkpoints;

    for (const format of data.quantization) {
      this.formatByKey.set(format.id, format);
      for (const alias of format.aliases) {
        if (!this.formatByKey.has(alias.toLowerCase())) this.formatByKey.set(alias.toLowerCase(), format);
      }
    }
    for (const model of data.models) {
      this.modelByKey.set(modelKey(model.id), { model, via: "id" });
      for (const alias of model.aliases) {
        if (!this.modelByKey.has(modelKey(alias))) this.modelByKey.set(modelKey(alias), { model, via: "alias" });
      }
    }
    for (const checkpoint of data.checkpoints) this.checkpointByKey.set(modelKey(checkpoint.name), checkpoint);
    for (const ambiguous of data.ambiguousGpuNames) {
      this.ambiguousGpuByName.set(normalizeGpuName(ambiguous.name), ambiguous);
    }
    for (const gpu of data.gpus) {
      this.gpuById.set(gpu.id, gpu);
      for (const name of [gpu.id, gpu.name, ...gpu.names]) {
        const exact = name.trim().toLowerCase();
        if (!this.gpuByExactName.has(exact)) this.gpuByExactName.set(exact, gpu);
        const key = normalizeGpuName(name);
        // A spelling that normalises to an ambiguous bare name only counts when written exactly.
        if (key && !this.gpuByName.has(key) && !this.ambiguousGpuByName.has(key)) this.gpuByName.set(key, gpu);
      }
      for (const key of new Set([gpu.id, ...gpu.names].map(normalizeGpuName))) {
        this.gpuTokens.push({ gpu, tokens: gpuNameTokens(key) });
      }
      // Slices are found by their parent and profile only (resolveGpu), never in `gpus`: no deployment
      // that names no GPU lands on one, and no remedy proposes one.
      for (const profile of gpu.migProfiles ?? []) {
        const slice = migSliceEntry(gpu, profile);
        this.gpuById.set(slice.id, slice);
        this.migSlice.set(`${gpu.id}|${profile.profile}`, slice);
        const sameProfile = this.migSlicesByProfile.get(profile.profile) ?? [];
        sameProfile.push(slice);
        this.migSlicesByProfile.set(profile.profile, sameProfile);
      }
    }
    for (const slices of this.migSlicesByProfile.values()) slices.sort((a, b) => a.memoryBytes - b.memoryBytes || byCodePoint(a.id, b.id));
    for (const instance of data.instances) {
      for (const name of [instance.id, ...instance.aliases]) this.instanceByKey.set(name.toLowerCase(), instance);
    }
  }

  /*
   * The name-part and family-and-size indexes serve only names no id, alias or checkpoint matches, so
   * they are built on the first such name rather than when the catalog loads.
   */

  /** Every model by a key of its id and aliases, or null under a key two different models share. */
  private modelsByKey(keyOf: (name: string) => string): Map<string, ModelEntry | null> {
    const index = new Map<string, ModelEntry | null>();
    for (const model of this.models) {
      for (const name of [model.id, ...model.aliases]) {
        const key = keyOf(name);
        const existing = index.get(key);
        if (existing === undefined) index.set(key, model);
        else if (existing !== null && existing !== model) index.set(key, null);
      }
    }
    return index;
  }

  /** Name part (`llama-3.1-8b`) → model, or null when two different models share it. */
  private get modelByNameKey(): Map<string, ModelEntry | null> {
    return (this.modelByNameKeyIndex ??= this.modelsByKey(modelNameKey));
  }

  /**
   * The words of a name part (`phi 3.5 mini instruct`) → model, or null when two models share them:
   * the same name written with other separators (`phi3.5-mini-instruct`, `phi35-mini-instruct`).
   */
  private get modelByWordsKey(): Map<string, ModelEntry | null> {
    return (this.modelByWordsKeyIndex ??= this.modelsByKey((name) => nameWords(name).join(" ")));
  }

  /** A name by its words, when it is short enough to split (see `modelByWordsKey`). */
  private modelByWords(key: string): ModelEntry | null | undefined {
    return key.length <= MAX_NAME_LENGTH ? this.modelByWordsKey.get(nameWords(key).join(" ")) : undefined;
  }

  /**
   * Size word → the models whose names state that size, with their family words: the names of the
   * models and of the fine-tunes catalogued as their checkpoints at the same format
   * (`lmsys/vicuna-13b-v1.5` of Llama-2-13b, so `models/vicuna-13b` is sized as that architecture).
   */
  private get modelsBySize(): Map<string, Array<{ family: string[]; model: ModelEntry; name: string }>> {
    if (this.modelsBySizeIndex) return this.modelsBySizeIndex;
    const index = new Map<string, Array<{ family: string[]; model: ModelEntry; name: string }>>();
    const fineTunes = new Map<ModelEntry, string[]>();
    for (const checkpoint of this.checkpoints) {
      const model = checkpoint.kind === "hf-repo" && checkpoint.format === null ? this.model(checkpoint.model) : undefined;
      if (model) fineTunes.set(model, [...(fineTunes.get(model) ?? []), checkpoint.name]);
    }
    for (const model of this.models) {
      for (const name of [model.id, ...model.aliases, ...(fineTunes.get(model) ?? [])]) {
        const shape = nameShape(name);
        if (!shape) continue;
        let list = index.get(shape.size);
        if (!list) index.set(shape.size, (list = []));
        for (const family of [shape.family, withoutOwnerPrefix(name, shape.family)]) {
          if (family && !list.some((entry) => entry.model === model && entry.family.join(" ") === family.join(" "))) list.push({ family, model, name });
        }
      }
    }
    return (this.modelsBySizeIndex = index);
  }

  /** Total size word of MoE names (`30b` of `30b-a3b`) → those models, for names that state the total alone. */
  private get moeByTotal(): Map<string, Array<{ family: string[]; model: ModelEntry; name: string }>> {
    if (this.moeByTotalIndex) return this.moeByTotalIndex;
    const index = new Map<string, Array<{ family: string[]; model: ModelEntry; name: string }>>();
    for (const [size, entries] of this.modelsBySize) {
      const dash = size.indexOf("-");
      if (dash <= 0) continue;
      const total = size.slice(0, dash);
      index.set(total, [...(index.get(total) ?? []), ...entries.filter((entry) => entry.model.moe !== null)]);
    }
    return (this.moeByTotalIndex = index);
  }

  /** Catalogued Ollama tags that end in a quantization (`magistral:24b-small-2506-q4_K_M`), by the tag without it. */
  private ollamaTagsByStemIndex: Map<string, CheckpointEntry> | undefined;

  private get ollamaTagsByStem(): Map<string, CheckpointEntry> {
    if (this.ollamaTagsByStemIndex) return this.ollamaTagsByStemIndex;
    const index = new Map<string, CheckpointEntry>();
    for (const checkpoint of this.checkpoints) {
      if (checkpoint.kind !== "ollama") continue;
      const key = modelKey(checkpoint.name);
      const colon = key.lastIndexOf(":");
      const typed = colon > 0 ? GGUF_TYPE.exec(key.slice(colon + 1)) : null;
      if (typed && typed.index > 0 && typed.index + typed[0].length === key.length - colon - 1) index.set(`${key.slice(0, colon)}:${trimSeparators(key.slice(colon + 1, colon + 1 + typed.index))}`, checkpoint);
    }
    return (this.ollamaTagsByStemIndex = index);
  }

  /** Name part of a repository checkpoint (`zephyr-7b-beta`) → the checkpoint, or null when two share it. */
  private get checkpointByNameKey(): Map<string, CheckpointEntry | null> {
    if (this.checkpointByNameKeyIndex) return this.checkpointByNameKeyIndex;
    const index = new Map<string, CheckpointEntry | null>();
    for (const checkpoint of this.checkpoints) {
      // A fine-tune re-uploaded quantized (`TheBloke/zephyr-7B-beta-AWQ`) keeps its name part.
      if (checkpoint.kind !== "hf-repo" || checkpoint.format !== null) continue;
      const key = modelNameKey(checkpoint.name);
      const existing = index.get(key);
      index.set(key, existing === undefined || existing?.model === checkpoint.model ? checkpoint : null);
    }
    return (this.checkpointByNameKeyIndex = index);
  }

  /** The format with this catalog id; throws for ids that are not in the catalog (a programming error). */
  format(id: string): QuantizationFormat {
    const format = this.formatByKey.get(id);
    if (!format || format.id !== id) throw new Error(`unknown quantization format id ${id}`);
    return format;
  }

  /**
   * A quantization or precision as people write it (`awq`, `AWQ-INT4`, `gptq-4bit`, `GPTQ 4-bit`,
   * `float16`, `Q4_K_M`, `bitsandbytes-nf4`): exact aliases first, then any case and separators.
   */
  resolveFormat(written: string): QuantizationFormat | undefined {
    const key = written.trim().toLowerCase();
    return this.formatByKey.get(key) ?? this.formatByKey.get(`gguf-${key}`) ?? this.formatSpellings().resolve(key);
  }

  /** Format ids nearest an unknown spelling (`gtpq` → gptq). */
  closestFormatNames(written: string, count = 3): string[] {
    return this.formatSpellings().closest(written, count);
  }

  private formatSpellings(): FormatSpellings {
    return (this.formatSpellingIndex ??= new FormatSpellings(this.formats));
  }

  gpu(id: string): GpuEntry | undefined {
    return this.gpuById.get(id);
  }

  model(id: string): ModelEntry | undefined {
    return this.modelByKey.get(modelKey(id))?.model;
  }

  resolveModel(written: string): ModelResolution | undefined {
    const resolved = this.resolvePackaged(written) ?? this.resolveWithMtp(written);
    const format = resolved?.format ? this.withNativeExperts(resolved.model, resolved.format) : undefined;
    if (!resolved || !format || format === resolved.format) return resolved;
    const kept = `its MoE experts are MXFP4 in a GGUF file of any type; the other tensors ${resolved.format!.label}`;
    return { ...resolved, format, assumption: resolved.assumption ? `${resolved.assumption}; ${kept}` : kept };
  }

  /** Formats as a model whose experts ship in MXFP4 stores them in a GGUF file, by the file's type. */
  private readonly mxfp4ExpertFormats = new Map<QuantizationFormat, QuantizationFormat>();

  /**
   * A GGUF file of a model whose experts ship in MXFP4 (gpt-oss: `nativeFormat` mxfp4) keeps them in
   * MXFP4 at every type (llama.cpp's converter writes them as MXFP4, and its quantizer leaves
   * `ffn_*_exps` at MXFP4: bartowski/openai_gpt-oss-20b-GGUF README, "All quants keep the feed forward
   * networks at mxfp4 … the size differences are negligible"; Unsloth's `F16` file is 13.8 GB for
   * the 20B, not 42 GB): only the other tensors take the type the file names.
   */
  private withNativeExperts(model: ModelEntry, format: QuantizationFormat): QuantizationFormat {
    const mxfp4 = this.formatByKey.get("gguf-mxfp4");
    if (model.nativeFormat !== "mxfp4" || !model.moe || !format.id.startsWith("gguf-") || format === mxfp4 || mxfp4?.expertBitsPerWeight === undefined) return format;
    let derived = this.mxfp4ExpertFormats.get(format);
    if (!derived) {
      derived = { ...format, label: `${format.label}, MoE experts MXFP4`, expertBitsPerWeight: mxfp4.expertBitsPerWeight };
      this.mxfp4ExpertFormats.set(format, derived);
    }
    return derived;
  }

  /** The name as written, else without what a re-upload packages around a catalogued name (`google_gemma-4-E4B-it-Q8_0.gguf`, `…-it-qat-GGUF`). */
  private resolvePackaged(written: string): ModelResolution | undefined {
    const resolved = this.resolveWritten(written);
    if (resolved) return resolved;
    const unpackaged = this.withoutPackaging(written);
    const again = unpackaged === undefined ? undefined : this.resolveWritten(unpackaged);
    return again ? { ...again, displayName: displayNameOf(stripModelUri(written)) } : undefined;
  }

  /**
   * A checkpoint that keeps the model's multi-token-prediction layers (unsloth's
   * `Qwen3.6-27B-MTP-GGUF:Q6_K`, `…-MTP-IQ4_KS.gguf`): the model without `MTP` in its name, with
   * those layers counted as weights. Only for a model whose MTP layers the catalog counts.
   */
  private resolveWithMtp(written: string): ModelResolution | undefined {
    if (written.length > MAX_NAME_LENGTH) return undefined;
    const withoutMtp = written.replace(/[-_.]mtp(?=[-_.:/]|$)/gi, "");
    if (withoutMtp === written) return undefined;
    const resolved = this.resolvePackaged(withoutMtp);
    const mtp = resolved?.model.params.mtp ?? 0;
    if (!resolved || mtp <= 0) return undefined;
    let model = this.mtpModels.get(resolved.model);
    if (!model) this.mtpModels.set(resolved.model, (model = { ...resolved.model, id: `${resolved.model.id}+MTP`, loadsMtp: true }));
    const kept = `its ${(mtp / 1e9).toFixed(2)}B parameters of multi-token-prediction layers, which an MTP checkpoint keeps`;
    return { ...resolved, model, displayName: displayNameOf(stripModelUri(written)), assumption: resolved.assumption ? `${resolved.assumption}, with ${kept}` : `${kept}, loaded as weights` };
  }

  /** Models with their MTP layers loaded (`resolveWithMtp`), one object per model so estimates and caches key on it. */
  private readonly mtpModels = new Map<ModelEntry, ModelEntry>();

  /** Owners of catalog models (`google`, `qwen`), lowercase: re-uploads glue them to the name. */
  private get owners(): ReadonlySet<string> {
    return (this.ownerIndex ??= new Set(this.models.map((model) => model.id.slice(0, model.id.indexOf("/")).toLowerCase())));
  }

  /**
   * The name without what a re-upload adds around a catalogued one, or undefined when it adds none:
   * - its owner glued on with `_` or `.` (bartowski's `google_gemma-4-E4B-it-Q8_0.gguf`, DevQuasar's
   *   `Qwen.Qwen3-Reranker-0.6B-GGUF`) or `-` (a folder `baai-bge-large-en-v1.5`), when that owner's
   *   models are catalogued;
   * - `qat`: Google's quantization-aware-trained checkpoints keep the model's architecture
   *   (`gemma-3-27b-it-qat-q4_0-gguf`), and their stored format is read from the rest of the name;
   * - `VL` glued to Qwen's version in its own GGUF files (`Qwen3VL-8B-Instruct-Q8_0.gguf`);
   * - `-model` at the end of a folder named for what it holds (`/pretrain/Phi-4-mini-instruct-model`);
   * - `abliterated`, and huihui-ai's `Huihui-` before such a model (`Huihui-Qwen3-Coder-Next-abliterated`);
   * - a trainer's step folder (Hugging Face Trainer's `checkpoint-4660`, `global_step_200`): the run's
   *   folder above it names the model (`outputs/dapo-Qwen3-0.6B/checkpoint-4660`).
   */
  private withoutPackaging(original: string): string | undefined {
    if (original.length > MAX_NAME_LENGTH) return undefined;
    let written = original.endsWith("/") ? original.slice(0, -1) : original;
    let slash = written.lastIndexOf("/");
    if (slash > 0 && /^(?:checkpoint|global_step)[-_]?\d+$/i.test(written.slice(slash + 1))) {
      written = written.slice(0, slash);
      slash = written.lastIndexOf("/");
    }
    const prefix = written.slice(0, slash + 1);
    let last = written.slice(slash + 1);
    const glued = /^([A-Za-z0-9-]+)([_.])(?=[A-Za-z])/.exec(last);
    if (glued && (this.owners.has(glued[1]!.toLowerCase()) || (glued[2] === "_" && gluedOwner(glued[1]!, last.slice(glued[0].length))))) last = last.slice(glued[0].length);
    else last = this.withoutDashedOwner(last);
    // Abliteration edits a model's weights in place (its refusal direction projected out): the same
    // architecture and shapes. huihui-ai names these `Huihui-<model>-abliterated`, GGUF files included.
    last = last.replace(/^huihui[-_](?=[A-Za-z])/i, "").replace(/[-_.]abliterated(?=[-_.:]|$)/i, "");
    last = last.replace(/[-_.]qat(?=[-_.:]|$)/i, "");
    last = last.replace(/(?<=[a-z0-9])[-_]model$/i, "");
    // Qwen's own GGUF files glue `VL` to the version (Qwen/Qwen3-VL-8B-Instruct-GGUF holds `Qwen3VL-8B-Instruct-Q4_K_M.gguf`), and so do Ollama's tags (`qwen2.5vl:3b`).
    last = last.replace(/^(qwen\d+(?:\.\d+)?)vl(?=[-_:])/i, "$1-VL");
    // An Ollama model saved as a file, `:` written `_` (`llama3.1_8b-instruct-q4_K_M.gguf`): the tag it names.
    const exported = /^([a-z][a-z0-9.-]*)_(\d+(?:\.\d+)?[bm](?:-[\w.-]+)?)\.gguf$/i.exec(last);
    if (exported) return `${exported[1]}:${exported[2]}`;
    const result = prefix + last;
    return result === original ? undefined : result;
  }

  /**
   * A folder named `<owner>-<name>` (`/data/models/baai-bge-large-en-v1.5`, `qwen-qwen2.5-7b-instruct`):
   * the name after the shortest prefix that is a catalogued owner (`meta-llama` is one, `meta` is not).
   */
  private withoutDashedOwner(last: string): string {
    for (let dash = last.indexOf("-"); dash > 0; dash = last.indexOf("-", dash + 1)) {
      if (this.owners.has(last.slice(0, dash).toLowerCase()) && /^[A-Za-z]/.test(last.slice(dash + 1))) return last.slice(dash + 1);
    }
    return last;
  }

  /** `resolveModel` of the name as written. */
  private resolveWritten(written: string): ModelResolution | undefined {
    const name = stripModelUri(written);
    if (!name) return undefined;
    const displayName = displayNameOf(name);

    const direct = this.modelByKey.get(modelKey(name));
    if (direct) return { model: direct.model, format: null, via: direct.via, displayName };

    const checkpoint = this.lookupCheckpoint(name);
    if (checkpoint) {
      const model = this.model(checkpoint.model);
      if (model) {
        const format = checkpoint.format ? this.format(checkpoint.format) : null;
        return { model, format, via: "checkpoint", displayName };
      }
    }

    const nimRepository = this.nimRepository(name);
    if (nimRepository) return { model: nimRepository, format: null, via: "name", displayName };

    const gguf = this.resolveGguf(name);
    if (gguf) return { ...gguf, displayName };

    const { base, formatId } = splitQuantizedSuffix(modelNameKey(name));
    const format = formatId ? this.format(formatId) : null;
    // Words compare only names without a tag: `family:tag` is an Ollama tag, whose weights are its own.
    const byName = this.modelByNameKey.get(base) ?? (base.includes(":") ? undefined : this.modelByWords(base));
    if (byName) return { model: byName, format, via: "name", displayName };
    const fineTune = this.checkpointByNameKey.get(base);
    const fineTuneModel = fineTune ? this.model(fineTune.model) : undefined;
    if (fineTuneModel) return { model: fineTuneModel, format, via: "checkpoint", displayName };

    // An Ollama tag (`mistral-small:24b`) before the family alone: its weights are Ollama's default Q4_K_M, not 16-bit.
    const ollamaTag = this.resolveOllamaTag(name, displayName);
    if (ollamaTag) return ollamaTag;
    const byFamily = this.resolveByFamily(base);
    if (!byFamily) return undefined;
    // A re-upload that says how it is quantized in a word of its own (`…-chat-4bit`, `…-autoround`).
    const stated = format ? undefined : this.quantizationInName(base);
    if (stated && "unknown" in stated) return { ...byFamily, format: null, unknownFormat: stated.unknown, displayName };
    return { ...byFamily, format: format ?? stated?.format ?? null, displayName };
  }

  /**
   * A fine-tune or re-upload nobody catalogued (`allenai/Llama-3.1-Tulu-3-8B`,
   * `mlabonne/Meta-Llama-3.1-8B-Instruct-abliterated`): the catalog model whose family words and
   * size both appear in the name. Never a model of another size; nothing when the name adds a
   * structural word the candidate lacks (`-VL-`, `-Minitron-`), or when equally specific candidates
   * differ in size by more than a few percent.
   */
  private resolveByFamily(key: string): Pick<ModelResolution, "model" | "via" | "assumption"> | undefined {
    if (key.length > MAX_NAME_LENGTH) return undefined;
    const words = nameWords(key);
    // Structural words also count after a dot (`…-speculator.eagle3`).
    // A structural word glued to a version counts too (Ollama's `qwen2.5vl:72b` is a VL model).
    const structural = [...words, ...key.split(".").slice(1).flatMap((part) => nameWords(part))]
      .map((word) => word.replace(/^\d+(?:\.\d+)*(?=[a-z])/, ""))
      .filter((word) => STRUCTURAL_WORDS.has(word));
    let best: Array<{ family: string[]; model: ModelEntry; name: string }> = [];
    let bestLength = 0;
    const sizes = new Set(statedSizes(words));
    const consider = (candidates: ReadonlyArray<{ family: string[]; model: ModelEntry; name: string }>) => {
      for (const candidate of candidates) {
        if (candidate.family.length < bestLength || !containsWords(words, candidate.family)) continue;
        const candidateWords = new Set(nameWords(candidate.name));
        if (structural.some((word) => !candidateWords.has(word))) continue;
        // A version after a one-word family (`qwen3-72b`, `ministral-3-8b`) is the model's: another version is another model.
        const version = candidate.family.length === 1 ? versionAfter(words, candidate.family) : undefined;
        if (version !== undefined && !candidateWords.has(version)) continue;
        if (candidate.family.length > bestLength) {
          best = [candidate];
          bestLength = candidate.family.length;
        } else if (!best.some((entry) => entry.model === candidate.model)) {
          best.push(candidate);
        }
      }
    };
    for (const size of sizes) consider(this.modelsBySize.get(size) ?? []);
    // A Mixture-of-Experts total written without its active size (`qwen3:30b`, `nemotron-3-nano-30b`):
    // that family's MoE of that total, only when no model of the family states the size alone.
    if (best.length === 0) for (const size of sizes) if (!size.includes("-")) consider(this.moeByTotal.get(size) ?? []);
    if (best.length === 0) return undefined;
    // A version the name states after its size (`Mistral-7B-Instruct-v0.1`, Azure's `…-v01`) picks the
    // entry of that version among those of the family and size.
    const versions = words.flatMap((word) => (/^v\d+(?:\.\d+)*$/.test(word) ? [word.replace(/^v0(\d)$/, "v0.$1")] : []));
    if (versions.length > 0 && best.length > 1) {
      const stated = best.filter(({ model }) => [model.id, ...model.aliases].some((name) => versions.some((version) => nameWords(name).includes(version))));
      if (stated.length > 0) best = stated;
    }
    // Same family and size, different entries (Mistral-7B v0.1/v0.2/v0.3): the largest, if they are alike.
    const totals = best.map((entry) => entry.model.params.total);
    if (Math.max(...totals) > Math.min(...totals) * (1 + FAMILY_TOTAL_SPREAD)) return undefined;
    const chosen = best.reduce((a, b) => (b.model.params.total > a.model.params.total || (b.model.params.total === a.model.params.total && byCodePoint(b.model.id, a.model.id) < 0) ? b : a));
    return {
      model: chosen.model,
      via: "family",
      assumption: `the architecture of ${chosen.model.id}, from the name; add it to settings.vram.models to make sure`,
    };
  }

  /**
   * The quantized weight format a name states in words of its own, where no suffix names it: one
   * width (`h2ogpt-4096-llama2-70b-chat-4bit` → 4-bit), or an unknown one when its words name two
   * widths (`…-w4-fp8-…`), which is then not sized rather than sized as 16-bit.
   */
  private quantizationInName(key: string): { format: QuantizationFormat } | { unknown: string } | undefined {
    if (key.length > MAX_NAME_LENGTH) return undefined;
    const found = new Map<string, QuantizationFormat>();
    let mixedWith: string | undefined;
    for (const word of nameWords(key)) {
      const format = word === "autoround" ? this.format("w4a16") : this.formatByKey.get(word);
      if (format && format.kind !== "float" && !format.id.startsWith("gguf-")) found.set(format.id, format);
      // QuantTrio's `AWQ-FP16Mix`, `Int4-Int8Mix`: some layers kept wider, by an amount per model.
      if (MIXED_WIDTH.test(word)) mixedWith = word;
    }
    if (found.size === 0) return undefined;
    if (mixedWith) return { unknown: `${[...found.keys()].join(" + ")} mixed with ${mixedWith.slice(0, -"mix".length)}` };
    // Words for one width (`awq` and `int4`) name one format: the wider, to err on the large side.
    const formats = [...found.values()].sort((a, b) => b.bitsPerWeight - a.bitsPerWeight);
    if (formats[0]!.bitsPerWeight - formats.at(-1)!.bitsPerWeight <= 1) return { format: formats[0]! };
    return { unknown: [...found.keys()].join(" + ") };
  }

  /**
   * An Ollama or Docker Model Runner tag the catalog does not list (`qwen2.5:7b`,
   * `ollama://llama3.1:8b-instruct-q8_0`, `ai/llama3.2:1B-Q8_0`):
   * family from the name, size from the tag, and the quantization the tag names or else Ollama's
   * default for its library tags, Q4_K_M.
   */
  private resolveOllamaTag(name: string, displayName: string): ModelResolution | undefined {
    const written = modelKey(name).replace(/^ollama:\/\//, "");
    // Docker Model Runner names its GGUF models the same way under Docker Hub's `ai/` namespace (`ai/llama3.2:1B-Q8_0`).
    const docker = written.startsWith("ai/");
    const key = docker ? written.slice("ai/".length) : written;
    const colon = key.indexOf(":");
    if (colon <= 0 || key.indexOf("/") >= 0 || key.length > MAX_NAME_LENGTH) return undefined;
    const tag = key.slice(colon + 1);
    const typeMatch = GGUF_TYPE.exec(tag);
    const typed = typeMatch ? this.ggufFormat(ggufTypeOf(typeMatch)) : undefined;
    const format = typed ?? (typeMatch ? null : (this.formatByKey.get("gguf-q4_k_m") ?? null));
    // A tag that is only a quantization (`qwen3-coder-next:q4_K_M`) of a name the catalog holds whole.
    const quantOnly = typeMatch !== null && typeMatch.index === 0 && typeMatch[0].length === tag.length;
    const named = quantOnly ? this.modelByNameKey.get(modelNameKey(key.slice(0, colon))) : undefined;
    const byFamily = this.resolveByFamily(`${key.slice(0, colon)}-${tag}`) ?? (named ? { model: named } : undefined);
    if (!byFamily) return undefined;
    const registry = docker ? "Docker Model Runner" : "Ollama";
    const quantization = typeMatch ? "" : ` with ${registry}'s default ${format?.label ?? "Q4_K_M"} weights`;
    return {
      model: byFamily.model,
      format,
      ...(typeMatch && !typed ? { unknownFormat: ggufTypeOf(typeMatch) } : {}),
      via: "family",
      displayName,
      assumption: `the architecture of ${byFamily.model.id}${quantization}, from the ${registry} tag; add it to settings.vram.models to make sure`,
    };
  }

  /**
   * A NIM image the catalog does not list, by the Hugging Face repository it is named after:
   * NVIDIA names LLM NIMs `nvcr.io/nim/<publisher>/<model>` with the model's repository name
   * (`microsoft/phi-3-mini-4k-instruct`, `qwen/qwen2.5-7b-instruct`; Meta's publisher is `meta`
   * for the hub's `meta-llama`). Only a repository the catalog holds under that exact name; the
   * image's default profile may pick a smaller precision, so the model's own weights are the bound.
   */
  private nimRepository(name: string): ModelEntry | undefined {
    const image = /^(?:nvcr\.io\/)?nim\/([a-z0-9_.-]+)\/([a-z0-9_.-]+)(?::([\w.-]+))?$/i.exec(name);
    if (!image || (image[3] !== undefined && !isImageTag(image[3]))) return undefined;
    const publisher = image[1]!.toLowerCase() === "meta" ? "meta-llama" : image[1]!;
    return this.modelByKey.get(modelKey(`${publisher}/${image[2]}`))?.model;
  }

  /** Ollama tags, NIM images (registry tag dropped), KAITO presets and named pre-quantized repositories. */
  private lookupCheckpoint(name: string): CheckpointEntry | undefined {
    let key = modelKey(name);
    if (key.startsWith("ollama://")) key = key.slice("ollama://".length);
    const exact = this.checkpointByKey.get(key);
    if (exact) return exact;
    // `nvcr.io/nim/meta/llama3-8b-instruct:1.0.3` and `mixtral:8x7b` without `:latest`.
    const colon = key.lastIndexOf(":");
    if (colon <= 0) return undefined;
    const tag = key.slice(colon + 1);
    if (isImageTag(tag)) return this.checkpointByKey.get(key.slice(0, colon));
    // An Ollama library tag that restates its default's flavour or size (`mistral:instruct`, `phi3.5:3.8b`).
    const bare = key.slice(0, colon);
    const library = this.checkpointByKey.get(bare) ?? this.checkpointByKey.get(`${bare}:latest`);
    if (library?.kind === "ollama" && OLLAMA_FLAVOUR_TAGS.has(tag)) return library;
    const sized = this.ollamaSized(bare, library, tag);
    if (sized) return sized;
    // `<size>[-<words>]-<quant>` (`phi4:14b-q4_K_M`, `deepseek-r1:32b-qwen-distill-q4_K_M`): the library's
    // entry of that size at the quantization the tag states, when its words are flavours or words of that model's name.
    const typed = GGUF_TYPE.exec(tag);
    const format = typed && typed.index > 0 ? this.ggufFormat(ggufTypeOf(typed)) : undefined;
    if (!typed || !format) return undefined;
    // A catalogued tag at another quantization (`magistral:24b-small-2506-q8_0` beside `…-q4_K_M`): its model, at the type written.
    const sibling = this.ollamaTagsByStem.get(`${bare}:${trimSeparators(tag.slice(0, typed.index))}`);
    if (sibling) return { ...sibling, format: format.id };
    const [size, ...words] = tag.slice(0, typed.index).split("-").filter((word) => word.length > 0);
    const entry = size === undefined ? undefined : this.ollamaSized(bare, library, size);
    if (!entry) return undefined;
    const modelWords = new Set(nameWords(entry.model));
    return words.every((word) => OLLAMA_FLAVOUR_TAGS.has(word) || modelWords.has(word)) ? { ...entry, format: format.id } : undefined;
  }

  /**
   * The Ollama library entry of one size (`deepseek-r1:32b`), or the library's default when the size
   * is within 5 % of its parameters (`phi3.5:3.8b`; `mistral-small:22b` is an older 22B model, not the 24B default).
   */
  private ollamaSized(bare: string, library: CheckpointEntry | undefined, size: string): CheckpointEntry | undefined {
    const entry = this.checkpointByKey.get(`${bare}:${size}`);
    if (entry?.kind === "ollama") return entry;
    const stated = /^(\d+(?:\.\d+)?)b$/.exec(size);
    const total = stated && library?.kind === "ollama" ? this.model(library.model)?.params.total : undefined;
    return total !== undefined && Math.abs(Number(stated![1]) * 1e9 - total) <= 0.05 * total ? library : undefined;
  }

  /** The catalog format of a GGUF type as file names write it (`Q4_K_M`, `IQ4_XS`, `fp16`, the bare `q4`). */
  private ggufFormat(type: string): QuantizationFormat | undefined {
    const format = this.resolveFormat(ggufFormatId(type)) ?? this.formatByKey.get(type.toLowerCase());
    return format?.id.startsWith("gguf-") ? format : undefined;
  }

  /**
   * Unsloth's dynamic quants (`UD-Q4_K_XL`, `Q6_K_XL`, `UD-IQ2_M`) as the layout they build on, and
   * what that assumes. Unsloth keeps embeddings and output at higher precision, as the `_L` files do,
   * and picks "the quantization type of every possible layer" per model
   * (docs.unsloth.ai/basics/unsloth-dynamic-2.0-ggufs: "our Gemma 3 Q3_K_XL quant … increasing in only
   * 2% of disk space"), so the base layout is close but not exact, and the finding says so. `Q8_K_XL`
   * keeps layers in BF16 beside Q8_0, by an amount that varies: unsized.
   */
  private dynamicGgufFormat(type: string): { format: QuantizationFormat; assumption: string } | undefined {
    const lower = type.toLowerCase();
    const plain = lower.replace(/^ud-/, "");
    const extraLarge = /^q([2-6])_k_xl$/.exec(plain);
    if (!extraLarge && plain === lower) return undefined;
    const level = extraLarge?.[1];
    const format = this.ggufFormat(level === undefined ? plain : level === "3" ? "q3_k_xl" : `q${level}_k_l`);
    if (!format) return undefined;
    return { format, assumption: `${type} sized as ${format.label}: Unsloth picks higher types for some layers per model, so it may be a few percent larger` };
  }

  /** `mixtral-8x7b-instruct-v0.1.Q4_K_M.gguf` (possibly inside a path or a `…-GGUF` repository). */
  private resolveGguf(name: string): Omit<ModelResolution, "displayName"> | undefined {
    // A repository named with a GGUF type as its tag (`owner/repo:Q4_K_M`, llama.cpp's `-hf` and
    // Ollama's `hf.co/`) is a GGUF repository even when its name does not say so.
    if (!name.toLowerCase().includes("gguf") && !taggedGgufRepository(name)) return undefined;
    const written = name.slice(name.lastIndexOf("/") + 1);
    // llama.cpp's download cache names a file `<owner>_<repository>_<file>`: the file part names the model.
    const file = LLAMA_CPP_CACHE_FILE.exec(written)?.[1] ?? written;
    const typeMatch = GGUF_TYPE.exec(file);
    const typed = typeMatch ? this.ggufFormat(ggufTypeOf(typeMatch)) : undefined;
    const dynamic = typeMatch && !typed ? this.dynamicGgufFormat(ggufTypeOf(typeMatch)) : undefined;
    const format = typed ?? dynamic?.format ?? null;
    const otherMatch = typeMatch && !format ? typeMatch : null;
    let base = file;
    if (base.toLowerCase().endsWith(".gguf")) base = base.slice(0, -".gguf".length);
    if (typeMatch) base = base.slice(0, typeMatch.index);
    // mradermacher's imatrix quants mark the type with `i1` (`Qwen3-8B.i1-Q4_K_M.gguf`, repo `…-i1-GGUF`).
    base = trimSeparators(base.replace(/[.-]i1$/i, ""));
    // A file named for nothing (`…/Qwen3.6-27B-MTP-GGUF/model.gguf`, a download renamed): its folder names the model.
    if (GGUF_GENERIC.test(base)) {
      const folders = name.slice(0, name.lastIndexOf("/")).split("/");
      const folder = hubCacheModel(folders.at(-1) ?? "");
      base = trimSeparators(folder.slice(folder.lastIndexOf("/") + 1));
    }
    if (base.toLowerCase().endsWith("gguf")) base = trimSeparators(base.slice(0, -"gguf".length).replace(/[.-]i1[-_.]?$/i, ""));
    // A GGUF repository named without a file: llama.cpp's `-hf` and Ollama's `hf.co/` pull Q4_K_M by default.
    const repositoryDefault = !typeMatch && !file.toLowerCase().endsWith(".gguf") ? this.formatByKey.get("gguf-q4_k_m") : undefined;
    const assumption = repositoryDefault ? `${repositoryDefault.label} weights, the file llama.cpp and Ollama pull from a GGUF repository by default` : dynamic?.assumption;
    // A GGUF file whose name states no type we size (`…-PRISM-PRO-DQ.gguf`) is not sized as 16-bit.
    const unknownFormat = otherMatch ? { unknownFormat: ggufTypeOf(otherMatch) } : !typeMatch && file.toLowerCase().endsWith(".gguf") ? { unknownFormat: GGUF_WITHOUT_TYPE } : {};
    // The model itself, or a catalogued fine-tune re-uploaded as GGUF (`TheBloke/zephyr-7B-beta-GGUF`).
    const modelOf = (key: string) => {
      const fineTune = this.checkpointByNameKey.get(key);
      return this.modelByNameKey.get(key) ?? this.modelByWords(key) ?? (fineTune ? this.model(fineTune.model) : undefined);
    };
    let key = modelNameKey(base);
    let model = modelOf(key);
    // A file its uploader named apart from its repository (`Menlo/Jan-nano-gguf/jan-nano-4b-Q8_0.gguf`): the repository names the model.
    const folder = name.includes("/") ? name.slice(0, name.lastIndexOf("/")) : "";
    const repository = folder.slice(folder.lastIndexOf("/") + 1);
    if (!model && /gguf$/i.test(repository)) {
      const repositoryKey = modelNameKey(trimSeparators(repository.slice(0, -"gguf".length)));
      const byRepository = modelOf(repositoryKey);
      if (byRepository) [key, model] = [repositoryKey, byRepository];
    }
    if (model) return { model, format: format ?? repositoryDefault ?? null, via: "gguf", ...unknownFormat, ...(assumption ? { assumption } : {}) };
    const byFamily = this.resolveByFamily(key);
    if (!byFamily) return undefined;
    return { ...byFamily, format: format ?? repositoryDefault ?? null, ...unknownFormat, ...(assumption ? { assumption: `${byFamily.assumption}; ${assumption}` } : {}) };
  }

  /**
   * Catalog models whose names are nearest the written one. `nearOnly` (lint messages) keeps those
   * within half the name's length: in a finding, a list of strangers helps nobody. A candidate whose
   * name states another size than the written one ranks behind those of the same size.
   */
  closestModelNames(written: string, count = 3, nearOnly = true): string[] {
    const target = modelNameKey(stripModelUri(written)).slice(0, MAX_NAME_LENGTH);
    const targetWords = nameWords(target);
    const targetSizes = new Set(statedSizes(targetWords));
    const targetFamily = new Set(targetWords.filter((word) => !isSizeWord(word)));
    const candidates = this.models.map((model) => {
      let score = Infinity;
      let related = false;
      for (const name of [model.id, ...model.aliases]) {
        const key = modelNameKey(name);
        const words = nameWords(key);
        const sizes = statedSizes(words);
        const otherSize = targetSizes.size > 0 && sizes.length > 0 && !sizes.some((size) => targetSizes.has(size));
        const edits = distance(target, key);
        score = Math.min(score, edits + (otherSize ? OTHER_SIZE_PENALTY : 0));
        // A misspelling (a couple of edits) or a name sharing a family word; a size alone relates nothing.
        related ||= edits <= 2 || words.some((word) => !isSizeWord(word) && (targetFamily.has(word) || nearWord(word, targetFamily)));
      }
      return { id: model.id, score, related };
    });
    // More edits than half the name is a different name, not a misspelling or a variant.
    const nearEnough = Math.max(3, Math.ceil(target.length / 2));
    return candidates
      .filter((candidate) => !nearOnly || (candidate.score <= nearEnough && candidate.related))
      .sort((a, b) => a.score - b.score || byCodePoint(a.id, b.id))
      .slice(0, count)
      .map((candidate) => candidate.id);
  }

  /**
   * The catalog model a fine-tune named `written` could extend: one of the nearest names whose own
   * name states the same size as the written one. Never a model of another size (that would size a
   * 110B model as a 72B one); nothing when the written name states no size.
   */
  sameSizeBase(written: string): string | undefined {
    const sizes = new Set(statedSizes(nameWords(modelNameKey(stripModelUri(written)).slice(0, MAX_NAME_LENGTH))));
    if (sizes.size === 0) return undefined;
    return this.closestModelNames(written, 10, true).find((id) => {
      const model = this.model(id)!;
      return [model.id, ...model.aliases].some((name) => statedSizes(nameWords(name)).some((size) => sizes.has(size)));
    });
  }

  resolveGpu(written: string): GpuResolution | undefined {
    const mig = written.length <= MAX_NAME_LENGTH ? parseMigName(written) : undefined;
    if (mig) return this.resolveMigSlice(mig);
    const exactMatch = this.gpuByExactName.get(written.trim().toLowerCase());
    if (exactMatch) return { gpu: exactMatch, via: "name" };
    const key = normalizeGpuName(written);
    if (!key) return undefined;
    const exact = this.gpuByName.get(key);
    if (exact) return { gpu: exact, via: "name" };
    const ambiguous = this.ambiguousGpuByName.get(key);
    if (ambiguous) {
      const gpu = this.gpuById.get(ambiguous.gpu);
      const alternatives = ambiguous.alternatives.map((id) => this.gpuById.get(id)).filter((entry): entry is GpuEntry => entry !== undefined);
      if (gpu) return { gpu, via: "ambiguous", assumption: ambiguous.reason, alternatives };
    }
    return this.fuzzyGpu(key);
  }

  /**
   * A MIG slice: the profile of the GPU the name writes, else of every GPU that has the profile (a
   * mixed-strategy resource names none), the smallest first. Never the whole GPU.
   */
  private resolveMigSlice({ parent, profile }: MigName): GpuResolution | undefined {
    if (parent) {
      const whole = this.resolveGpu(parent);
      const slice = whole ? this.migSlice.get(`${whole.gpu.id}|${profile}`) : undefined;
      if (!whole || !slice) return undefined;
      const alternatives = (whole.alternatives ?? []).map((gpu) => this.migSlice.get(`${gpu.id}|${profile}`)).filter((entry): entry is GpuEntry => entry !== undefined);
      return alternatives.length > 0 ? { gpu: slice, via: "ambiguous", assumption: whole.assumption, alternatives } : { gpu: slice, via: whole.via === "ambiguous" ? "name" : whole.via };
    }
    const [smallest, ...others] = this.migSlicesByProfile.get(profile) ?? [];
    if (!smallest) return undefined;
    if (others.length === 0) return { gpu: smallest, via: "name" };
    return { gpu: smallest, via: "ambiguous", assumption: `the MIG profile ${profile} is a slice of several GPUs`, alternatives: others };
  }

  /**
   * Label variants nobody catalogued (`NVIDIA-H100-SXM4-80GB`): the GPU whose name tokens are all
   * present in the written name, preferring the most specific match. Only a unique best match counts.
   */
  private fuzzyGpu(key: string): GpuResolution | undefined {
    const written = new Set(gpuNameTokens(key));
    if (written.size < 2) return undefined;
    let best: GpuEntry[] = [];
    let bestSize = 1;
    for (const { gpu, tokens } of this.gpuTokens) {
      if (tokens.length < bestSize || !tokens.every((token) => written.has(token))) continue;
      if (tokens.length > bestSize) {
        best = [gpu];
        bestSize = tokens.length;
      } else if (!best.includes(gpu)) {
        best.push(gpu);
      }
    }
    return best.length === 1 ? { gpu: best[0]!, via: "fuzzy" } : undefined;
  }

  closestGpuNames(written: string, count = 3): string[] {
    const target = normalizeGpuName(written.slice(0, MAX_NAME_LENGTH));
    return this.gpus
      .map((gpu) => ({
        name: gpu.names[0] ?? gpu.id,
        score: Math.min(...[gpu.id, ...gpu.names].map((name) => distance(target, normalizeGpuName(name)))),
      }))
      .sort((a, b) => a.score - b.score || byCodePoint(a.name, b.name))
      .slice(0, count)
      .map((candidate) => candidate.name);
  }

  /** Cloud instance type (`g5.12xlarge`, SageMaker `ml.g5.12xlarge`, `Standard_ND96asr_v4`), case-insensitive. */
  resolveInstance(written: string): InstanceEntry | undefined {
    const key = written.trim().toLowerCase();
    return this.instanceByKey.get(key) ?? this.instanceByKey.get(key.replace(/^ml\./, ""));
  }
}

/**
 * The name part without organisation and quantization suffix (`TheBloke/Mixtral-8x7B-Instruct-v0.1-AWQ`
 * → `mixtral-8x7b-instruct-v0.1`): two repositories hold the same model when these agree.
 */
export function baseModelKey(name: string): string {
  return splitQuantizedSuffix(modelNameKey(stripModelUri(name))).base;
}

/** Whether a family word is a misspelling of one of `words` (`lama` of `llama`): at most 2 edits, 4+ letters. */
function nearWord(word: string, words: ReadonlySet<string>): boolean {
  if (word.length < 4) return false;
  for (const other of words) if (other.length >= 4 && Math.abs(other.length - word.length) <= 2 && distance(word, other) <= 2) return true;
  return false;
}

/**
 * Ollama tags that name the library's default weights in another word: the instruct or chat model
 * (`mistral:instruct` is `mistral:latest`, ollama.com/library/mistral) or the base model of the same
 * architecture (`llama3:text`), at the library's default quantization.
 */
const OLLAMA_FLAVOUR_TAGS = new Set(["instruct", "chat", "text"]);

/** An image or Ollama tag after `:`: `latest`, or a version (`1.0.3`, `1.8.0-rtx`). */
function isImageTag(tag: string): boolean {
  if (tag === "latest") return true;
  const dash = tag.indexOf("-");
  const version = dash >= 0 ? tag.slice(0, dash) : tag;
  if (version.length === 0) return false;
  for (let i = 0; i < version.length; i++) {
    const code = version.charCodeAt(i);
    if (!(code === 46 || (code >= 48 && code <= 57))) return false;
  }
  return true;
}

/** The text without separators (`-`, `_`, `.`) at either end. */
function trimSeparators(text: string): string {
  const separator = (code: number) => code === 45 || code === 95 || code === 46;
  let start = 0;
  let end = text.length;
  while (start < end && separator(text.charCodeAt(start))) start++;
  while (end > start && separator(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

function displayNameOf(name: string): string {
  const slash = name.lastIndexOf("/");
  return slash >= 0 ? name.slice(slash + 1) : name;
}
