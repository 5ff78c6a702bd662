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
import { gpuNameTokens, modelKey, modelNameKey, normalizeGpuName, stripModelUri } from "./names.js";
import { FormatSpellings } from "./format-names.js";

export interface ModelResolution {
  model: ModelEntry;
  /** The stored format the written name implies (pre-quantized repo, GGUF Q-type); null: the model's native format. */
  format: QuantizationFormat | null;
  /** How the name was recognised. */
  via: "id" | "alias" | "checkpoint" | "name" | "gguf";
  /** The model's name as the user wrote it, without organisation or wrappers (`Mixtral-8x7B-Instruct-v0.1`). */
  displayName: string;
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
 * Name suffixes of pre-quantized repositories, longest first. The base name before the suffix is
 * looked up like any other name (`neuralmagic/Meta-Llama-3.1-70B-Instruct-FP8` → Llama-3.1-70B-Instruct).
 */
const QUANTIZED_NAME_SUFFIXES: ReadonlyArray<readonly [RegExp, string]> = [
  [/-unsloth-bnb-4bit$/, "bnb-nf4"],
  [/-bnb-4bit$/, "bnb-nf4"],
  [/-bnb-8bit$/, "bnb-int8"],
  [/-awq-int4$/, "awq"],
  [/-int4-awq$/, "awq"],
  [/-awq$/, "awq"],
  [/-gptq-int4$/, "gptq"],
  [/-gptq-int8$/, "gptq-int8"],
  [/-gptq-4bit$/, "gptq"],
  [/-gptq$/, "gptq"],
  [/-fp8-dynamic$/, "fp8"],
  [/-fp8-block$/, "fp8-block"],
  [/-fp8$/, "fp8"],
  [/-(?:quantized\.)?w4a16$/, "w4a16"],
  [/-(?:quantized\.)?w8a8$/, "int8"],
  [/-int8$/, "int8"],
  [/-nvfp4$/, "nvfp4"],
  [/-fp4$/, "nvfp4"],
  [/-mxfp4$/, "mxfp4"],
  // Upcasts of natively FP8/FP4 models (`unsloth/DeepSeek-R1-BF16`): twice the native weights.
  [/-bf16$/, "bf16"],
  [/-fp16$/, "fp16"],
];

/** GGUF quant types as they appear in file names (`…Q4_K_M.gguf`, `…-q8_0.gguf`). */
const GGUF_TYPE = /(?:^|[-_.:])(q[2-8]_k_[sml]|q[2-8]_k|q[4-8]_[01]|f16|bf16|f32)(?=[-_.]|$)/i;

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
  private readonly modelByNameKey = new Map<string, ModelEntry | null>();
  private readonly checkpointByKey = new Map<string, CheckpointEntry>();
  private readonly formatByKey = new Map<string, QuantizationFormat>();
  private formatSpellingIndex: FormatSpellings | undefined;
  private readonly gpuById = new Map<string, GpuEntry>();
  private readonly gpuByName = new Map<string, GpuEntry>();
  /** Spellings as written (lowercase), checked first: `nvidia-tesla-a100` is GKE's exact name for the 40 GB A100. */
  private readonly gpuByExactName = new Map<string, GpuEntry>();
  private readonly ambiguousGpuByName = new Map<string, AmbiguousGpuName>();
  private readonly gpuTokens: Array<{ gpu: GpuEntry; tokens: string[] }> = [];
  private readonly instanceByKey = new Map<string, InstanceEntry>();

  constructor(data: CatalogData) {
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
      for (const name of [model.id, ...model.aliases]) this.indexNameKey(modelNameKey(name), model);
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
    }
    for (const instance of data.instances) {
      for (const name of [instance.id, ...instance.aliases]) this.instanceByKey.set(name.toLowerCase(), instance);
    }
  }

  private indexNameKey(key: string, model: ModelEntry): void {
    const existing = this.modelByNameKey.get(key);
    if (existing === undefined) this.modelByNameKey.set(key, model);
    else if (existing !== null && existing !== model) this.modelByNameKey.set(key, null);
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

    const gguf = this.resolveGguf(name);
    if (gguf) return { ...gguf, displayName };

    let base = modelNameKey(name);
    let format: QuantizationFormat | null = null;
    for (const [suffix, formatId] of QUANTIZED_NAME_SUFFIXES) {
      if (suffix.test(base)) {
        base = base.replace(suffix, "");
        format = this.format(formatId);
        break;
      }
    }
    const byName = this.modelByNameKey.get(base);
    if (byName) return { model: byName, format, via: "name", displayName };
    return undefined;
  }

  /** Ollama tags, NIM images (registry tag dropped), KAITO presets and named pre-quantized repositories. */
  private lookupCheckpoint(name: string): CheckpointEntry | undefined {
    const key = modelKey(name).replace(/^ollama:\/\//, "");
    const exact = this.checkpointByKey.get(key);
    if (exact) return exact;
    // `nvcr.io/nim/meta/llama3-8b-instruct:1.0.3` and `mixtral:8x7b` without `:latest`.
    const withoutTag = key.replace(/:(?:latest|[\d.]+(?:-[\w.]+)?)$/, "");
    if (withoutTag !== key) return this.checkpointByKey.get(withoutTag);
    return undefined;
  }

  /** `mixtral-8x7b-instruct-v0.1.Q4_K_M.gguf` (possibly inside a path or a `…-GGUF` repository). */
  private resolveGguf(name: string): Omit<ModelResolution, "displayName"> | undefined {
    if (!/gguf/i.test(name)) return undefined;
    const file = name.slice(name.lastIndexOf("/") + 1);
    const typeMatch = GGUF_TYPE.exec(file);
    const format = typeMatch ? this.resolveFormat(`gguf-${typeMatch[1]!.toLowerCase()}`) ?? null : null;
    let base = file.replace(/\.gguf$/i, "");
    if (typeMatch) base = base.slice(0, typeMatch.index);
    base = base.replace(/[-_.]gguf$/i, "").replace(/[-_.]+$/, "");
    const model = this.modelByNameKey.get(modelNameKey(base));
    if (!model) return undefined;
    return { model, format, via: "gguf" };
  }

  /**
   * Catalog models whose names are nearest the written one. `nearOnly` (lint messages) keeps those
   * within half the name's length: in a finding, a list of strangers helps nobody.
   */
  closestModelNames(written: string, count = 3, nearOnly = true): string[] {
    const target = modelNameKey(stripModelUri(written));
    const candidates = this.models.map((model) => ({
      id: model.id,
      score: Math.min(...[model.id, ...model.aliases].map((name) => distance(target, modelNameKey(name)))),
    }));
    // More edits than half the name is a different name, not a misspelling or a variant.
    const nearEnough = Math.max(3, Math.ceil(target.length / 2));
    return candidates
      .filter((candidate) => !nearOnly || candidate.score <= nearEnough)
      .sort((a, b) => a.score - b.score || byCodePoint(a.id, b.id))
      .slice(0, count)
      .map((candidate) => candidate.id);
  }

  resolveGpu(written: string): GpuResolution | undefined {
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
    const target = normalizeGpuName(written);
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
  let key = modelNameKey(stripModelUri(name));
  for (const [suffix] of QUANTIZED_NAME_SUFFIXES) {
    if (suffix.test(key)) {
      key = key.replace(suffix, "");
      break;
    }
  }
  return key;
}

function displayNameOf(name: string): string {
  const slash = name.lastIndexOf("/");
  return slash >= 0 ? name.slice(slash + 1) : name;
}
