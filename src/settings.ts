/**
 * `settings.vram`: catalog additions (private and fine-tuned models, GPUs, instance types) and
 * defaults. Validated once per settings object; a bad entry is a configuration error whose message
 * names the key (`settings.vram.models[0].layers must be integer`).
 */
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import type { Ajv as AjvClass, ErrorObject, ValidateFunction } from "ajv";
import { Catalog } from "./catalog/catalog.js";
import { ConfigImportError } from "./catalog/import-config.js";
import { importModelFiles } from "./catalog/read-model-files.js";
import { bundledCatalog, bundledCatalogData } from "./catalog/load.js";
import { gpuSchema, instanceSchema, modelSchema } from "./catalog/schema.js";
import type { GpuEntry, InstanceEntry, ModelEntry } from "./catalog/types.js";
import type { ResolveDefaults } from "./resolve.js";
import { ENGINE_IDS, engineById, engineByName } from "./engines/index.js";
import { parseRelease } from "./engines/versions.js";
import type { PriceOverrides } from "./catalog/prices.js";
import { parseTarget, type ServingTarget } from "./judge/targets.js";
import { isRecord } from "./lookup.js";

export interface VramSettings {
  catalog: Catalog;
  defaults: ResolveDefaults;
  /** `settings.vram.prices`: USD per hour by instance type and per GPU, over the bundled snapshot. */
  prices: PriceOverrides;
  /** `settings.vram.targets`: what every deployment without a `vram.lint/target` annotation must serve. */
  targets?: ServingTarget;
  /** `settings.vram.denseEquivalentParams`: the dense size a user holds quality-equivalent to a MoE model, by model name. */
  denseEquivalentParams: Map<string, number>;
  /** `settings.vram.cluster`: the GPUs the user's cluster has, the range a deployment naming none is judged on. */
  cluster?: { gpus: GpuEntry[] };
}

export class SettingsError extends Error {
  override name = "SettingsError";
}

const SETTINGS_KEYS = new Set(["models", "gpus", "instanceTypes", "defaults", "prices", "targets", "denseEquivalentParams", "engineVersions", "cluster"]);
const NO_PRICES: PriceOverrides = {};
const DEFAULT_KEYS = new Set(["engine", "gpu", "gpuMemoryUtilization"]);

let validators: { model: ValidateFunction; gpu: ValidateFunction; instance: ValidateFunction } | undefined;

/** Ajv loads (and compiles) only when settings add catalog entries: most runs never pay for it. */
function compiled() {
  if (!validators) {
    const { Ajv } = createRequire(import.meta.url)("ajv") as { Ajv: typeof AjvClass };
    const ajv = new Ajv({ allErrors: false, strict: false });
    validators = {
      model: ajv.compile(modelSchema),
      gpu: ajv.compile(gpuSchema),
      instance: ajv.compile(instanceSchema),
    };
  }
  return validators;
}

function describe(path: string, error: ErrorObject | undefined): string {
  if (!error) return `${path} is invalid`;
  const where = path + error.instancePath.replace(/\/(\d+)(?=\/|$)/g, "[$1]").replace(/\//g, ".");
  if (error.keyword === "required") return `${where} is missing "${String(error.params.missingProperty)}"`;
  if (error.keyword === "additionalProperties") return `${where} has an unknown key "${String(error.params.additionalProperty)}"`;
  if (error.keyword === "enum") return `${where} must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
  return `${where} ${error.message ?? "is invalid"}`;
}

/** The first source of a user entry that `extends` a catalog entry (what it does not override is the base's). */
export const EXTENDS_SOURCE = "settings.vram (extends ";

/** A user entry: complete, or `extends` of a catalog entry with overrides. */
function userEntry<T extends { sources: string[] }>(
  raw: unknown,
  path: string,
  base: (id: string) => T | undefined,
  validate: ValidateFunction,
  complete: (entry: Record<string, unknown>) => Record<string, unknown>,
): T {
  if (!isRecord(raw)) throw new SettingsError(`${path} must be an object`);
  let merged: Record<string, unknown>;
  if (raw.extends !== undefined) {
    if (typeof raw.extends !== "string") throw new SettingsError(`${path}.extends must be a catalog id (string)`);
    const parent = base(raw.extends);
    if (!parent) throw new SettingsError(`${path}.extends names "${raw.extends}", which is not in the catalog`);
    const { extends: _extends, ...overrides } = raw;
    // Names and scheduler labels identify the parent, so an extension starts without them.
    merged = { ...parent, aliases: [], names: [], labels: {}, ...overrides, sources: [`${EXTENDS_SOURCE}${raw.extends})`, ...parent.sources] };
    if (!("labels" in parent)) delete merged.labels;
    if (!("aliases" in parent)) delete merged.aliases;
    if (!("names" in parent)) delete merged.names;
  } else {
    merged = complete({ sources: ["settings.vram"], ...raw });
  }
  if (!validate(merged)) throw new SettingsError(describe(path, validate.errors?.[0]));
  return merged as unknown as T;
}

/**
 * A model entry written as `{ id, config: "./models/bot" }`: the importer reads that folder's
 * config.json (or the config.json named), with model.safetensors.index.json and hf_quant_config.json
 * beside it when present; other keys override what it derives. A relative path is resolved against
 * `baseDir`, which the rules set to ESLint's working directory (`context.cwd`).
 */
function importedEntry(raw: Record<string, unknown>, path: string, baseDir: string): Record<string, unknown> {
  const { config, ...overrides } = raw;
  let location: string;
  if (config instanceof URL) location = fileURLToPath(config);
  else if (typeof config === "string" && config.trim() !== "") location = config.startsWith("file:") ? fileURLToPath(config) : config;
  else throw new SettingsError(`${path}.config must be the path of a model folder or its config.json`);
  if (overrides.extends !== undefined) throw new SettingsError(`${path} has both "config" and "extends": the config.json describes the model, so drop "extends"`);
  if (typeof overrides.id !== "string") throw new SettingsError(`${path} is missing "id" (the repository id files name, as owner/name)`);
  const absolute = isAbsolute(location) ? location : resolve(baseDir, location);
  try {
    const imported = importModelFiles(absolute, overrides.id, [`settings.vram (config ${String(config)})`]);
    return { ...imported, ...overrides, sources: [`settings.vram (config ${String(config)})`] };
  } catch (error) {
    if (error instanceof ConfigImportError) throw new SettingsError(`${path}.config: ${error.message}`);
    throw error;
  }
}

const parsed = new WeakMap<object, Map<string, VramSettings>>();

/**
 * The catalog and defaults for `settings.vram` (bundled catalog alone when there are none). `baseDir`
 * resolves relative `models[].config` paths; read once per settings object and base directory.
 */
export function readSettings(raw: unknown, baseDir: string = process.cwd()): VramSettings {
  if (raw === undefined || raw === null) return { catalog: bundledCatalog(), defaults: {}, prices: NO_PRICES, denseEquivalentParams: new Map() };
  if (!isRecord(raw)) throw new SettingsError("settings.vram must be an object");
  let byBase = parsed.get(raw);
  const cached = byBase?.get(baseDir);
  if (cached) return cached;

  for (const key of Object.keys(raw)) {
    if (!SETTINGS_KEYS.has(key)) throw new SettingsError(`settings.vram has an unknown key "${key}" (expected ${[...SETTINGS_KEYS].join(", ")})`);
  }
  const defaults: ResolveDefaults = {};
  if (raw.defaults !== undefined) {
    if (!isRecord(raw.defaults)) throw new SettingsError("settings.vram.defaults must be an object");
    for (const key of Object.keys(raw.defaults)) {
      if (!DEFAULT_KEYS.has(key)) throw new SettingsError(`settings.vram.defaults has an unknown key "${key}" (expected ${[...DEFAULT_KEYS].join(", ")})`);
    }
    const { engine, gpu, gpuMemoryUtilization } = raw.defaults;
    if (engine !== undefined) {
      const named = typeof engine === "string" ? engineByName(engine) : undefined;
      if (!named) throw new SettingsError(`settings.vram.defaults.engine must be one of ${ENGINE_IDS.join(", ")}`);
      defaults.engine = named;
    }
    if (gpu !== undefined) {
      if (typeof gpu !== "string" || gpu.trim() === "") throw new SettingsError("settings.vram.defaults.gpu must be a GPU name");
      defaults.gpu = gpu;
    }
    if (gpuMemoryUtilization !== undefined) {
      if (typeof gpuMemoryUtilization !== "number" || !(gpuMemoryUtilization > 0 && gpuMemoryUtilization <= 1)) {
        throw new SettingsError("settings.vram.defaults.gpuMemoryUtilization must be a number above 0 and at most 1");
      }
      defaults.gpuMemoryUtilization = gpuMemoryUtilization;
    }
  }

  if (raw.engineVersions !== undefined) defaults.engineVersions = readEngineVersions(raw.engineVersions);

  const bundled = bundledCatalog();
  const additions = ["models", "gpus", "instanceTypes"].some((key) => raw[key] !== undefined);
  const { model, gpu, instance } = additions ? compiled() : ({} as ReturnType<typeof compiled>);
  const listOf = (key: string): unknown[] => {
    const value = raw[key];
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw new SettingsError(`settings.vram.${key} must be an array`);
    return value;
  };
  const models = listOf("models").map((entry, index) => {
    const path = `settings.vram.models[${index}]`;
    const raw = isRecord(entry) && entry.config !== undefined ? importedEntry(entry, path, baseDir) : entry;
    return userEntry<ModelEntry>(raw, path, (id) => bundled.model(id), model, (e) => ({ aliases: [], checkpointBytes: null, windowedAttention: null, recurrent: null, moe: null, ...e }));
  });
  const gpus = listOf("gpus").map((entry, index) =>
    userEntry<GpuEntry>(entry, `settings.vram.gpus[${index}]`, (id) => bundled.gpu(id), gpu, (e) => ({ names: [], labels: {}, interconnect: null, hostLinkGBps: null, memoryBandwidthGBps: null, ...e })),
  );
  const knownGpu = (id: string) => gpus.some((entry) => entry.id === id) || bundled.gpu(id) !== undefined;
  const instances = listOf("instanceTypes").map((entry, index) => {
    const path = `settings.vram.instanceTypes[${index}]`;
    const result = userEntry<InstanceEntry>(entry, path, () => undefined, instance, (e) => ({ aliases: [], cloud: "aws", ...e }));
    if (!knownGpu(result.gpu)) throw new SettingsError(`${path}.gpu names "${result.gpu}", which is not a catalog GPU id`);
    return result;
  });
  for (const [index, entry] of models.entries()) {
    if (!bundled.formats.some((format) => format.id === entry.nativeFormat)) {
      throw new SettingsError(`settings.vram.models[${index}].nativeFormat "${entry.nativeFormat}" is not a quantization format id (${bundled.formats.map((f) => f.id).join(", ")})`);
    }
  }

  const catalog =
    models.length + gpus.length + instances.length === 0
      ? bundled
      : new Catalog({
          ...bundledCatalogData,
          // User entries first: they win where names collide.
          models: [...models, ...bundledCatalogData.models],
          gpus: [...gpus, ...bundledCatalogData.gpus],
          instances: [...instances, ...bundledCatalogData.instances],
        });
  const settings: VramSettings = { catalog, defaults, prices: readPrices(raw.prices), denseEquivalentParams: readDenseEquivalents(catalog, raw.denseEquivalentParams) };
  if (raw.targets !== undefined) settings.targets = readTargets(raw.targets);
  const cluster = readCluster(raw.cluster, catalog);
  if (cluster) settings.cluster = cluster;
  if (!byBase) parsed.set(raw, (byBase = new Map()));
  byBase.set(baseDir, settings);
  return settings;
}

/** `prices: { instanceTypes: { "g6e.12xlarge": 9.8 }, gpus: { "H100": 2.49 } }`, USD per hour. */
function readPrices(raw: unknown): PriceOverrides {
  if (raw === undefined) return NO_PRICES;
  if (!isRecord(raw)) throw new SettingsError("settings.vram.prices must be an object with instanceTypes and/or gpus");
  const prices: PriceOverrides = {};
  for (const key of Object.keys(raw)) {
    if (key !== "instanceTypes" && key !== "gpus") throw new SettingsError(`settings.vram.prices has an unknown key "${key}" (expected instanceTypes, gpus)`);
    const table = raw[key];
    if (!isRecord(table)) throw new SettingsError(`settings.vram.prices.${key} must map names to USD per hour`);
    const read: Record<string, number> = {};
    for (const [name, value] of Object.entries(table)) {
      if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value)) throw new SettingsError(`settings.vram.prices.${key}["${name}"] must be a positive number of USD per hour`);
      read[name] = value;
    }
    prices[key] = read;
  }
  return prices;
}

/** `targets: "concurrency=64, input=2000, output=500, itl-ms=50"`, or the same as an object. */
function readTargets(raw: unknown): ServingTarget {
  const text = typeof raw === "string" ? raw : isRecord(raw) ? Object.entries(raw).map(([key, value]) => `${key}=${String(value)}`).join(", ") : undefined;
  if (text === undefined) throw new SettingsError('settings.vram.targets must be a string such as "concurrency=64, input=2000, output=500, itl-ms=50" or an object of those keys');
  const parsed = parseTarget(text);
  if ("error" in parsed) throw new SettingsError(`settings.vram.targets cannot be read: ${parsed.error}`);
  return parsed.target;
}

/** `denseEquivalentParams: { "mistralai/Mixtral-8x7B-Instruct-v0.1": "70B" }` → catalog model id → parameters. */
function readDenseEquivalents(catalog: Catalog, raw: unknown): Map<string, number> {
  const map = new Map<string, number>();
  if (raw === undefined) return map;
  if (!isRecord(raw)) throw new SettingsError("settings.vram.denseEquivalentParams must map model names to a parameter count (70e9 or \"70B\")");
  for (const [name, value] of Object.entries(raw)) {
    const params = parseParams(value);
    if (params === undefined) throw new SettingsError(`settings.vram.denseEquivalentParams["${name}"] must be a parameter count such as 70e9 or "70B"`);
    const model = catalog.resolveModel(name)?.model;
    if (!model) throw new SettingsError(`settings.vram.denseEquivalentParams names "${name}", which is not a catalog model`);
    map.set(model.id, params);
  }
  return map;
}

/** 70e9, "70B", "70b", "1.2T", "500M" → parameters; undefined for anything else. */
export function parseParams(value: unknown): number | undefined {
  if (typeof value === "number") return value > 0 && Number.isFinite(value) ? value : undefined;
  if (typeof value !== "string") return undefined;
  const match = /^(\d+(?:\.\d+)?)\s*([kmbt]?)$/i.exec(value.trim());
  if (!match) return undefined;
  const factor: Record<string, number> = { "": 1, k: 1e3, m: 1e6, b: 1e9, t: 1e12 };
  const params = Number(match[1]) * factor[match[2]!.toLowerCase()]!;
  return params > 0 ? params : undefined;
}

/**
 * `settings.vram.engineVersions`: the release of each engine to assume where a file names none
 * (`{ vllm: "0.11", "llama.cpp": "b6000" }`), for semantics that changed between releases. An image
 * tag or `--engine-version` still wins.
 */
function readEngineVersions(raw: unknown): NonNullable<ResolveDefaults["engineVersions"]> {
  if (!isRecord(raw)) throw new SettingsError('settings.vram.engineVersions must be an object of engine names to releases, such as { "vllm": "0.11.0" }');
  const versions: NonNullable<ResolveDefaults["engineVersions"]> = {};
  for (const [name, value] of Object.entries(raw)) {
    const engine = engineByName(name);
    if (!engine) throw new SettingsError(`settings.vram.engineVersions has an unknown engine "${name}" (expected ${ENGINE_IDS.join(", ")})`);
    const numbering = engineById(engine).versionNumbering;
    if (typeof value !== "string" || parseRelease(value, numbering) === undefined) {
      const example = numbering === "build" ? '"b6000"' : '"0.11.0"';
      throw new SettingsError(`settings.vram.engineVersions.${name} must be a release such as ${example}, got ${JSON.stringify(value)}`);
    }
    versions[engine] = value.trim();
  }
  return versions;
}

/** `cluster: { gpus: ["l4", "a100-80gb"] }`: every name must be a GPU the catalog (with the settings' own) knows. */
function readCluster(raw: unknown, catalog: Catalog): VramSettings["cluster"] {
  if (raw === undefined) return undefined;
  if (!isRecord(raw)) throw new SettingsError("settings.vram.cluster must be an object such as { gpus: [\"l4\", \"a100-80gb\"] }");
  for (const key of Object.keys(raw)) {
    if (key !== "gpus") throw new SettingsError(`settings.vram.cluster has an unknown key "${key}" (expected gpus)`);
  }
  if (!Array.isArray(raw.gpus) || raw.gpus.length === 0) throw new SettingsError("settings.vram.cluster.gpus must be a non-empty array of GPU names");
  const gpus: GpuEntry[] = [];
  raw.gpus.forEach((name: unknown, index: number) => {
    const where = `settings.vram.cluster.gpus[${index}]`;
    if (typeof name !== "string" || name.trim() === "") throw new SettingsError(`${where} must be a GPU name`);
    const resolved = catalog.resolveGpu(name);
    if (!resolved) throw new SettingsError(`${where} names "${name}", which is not a catalog GPU (closest: ${catalog.closestGpuNames(name).join(", ")})`);
    if (resolved.via === "ambiguous") throw new SettingsError(`${where} "${name}" names several GPUs (${[resolved.gpu, ...(resolved.alternatives ?? [])].map((gpu) => gpu.id).join(", ")}); write one id`);
    if (!gpus.includes(resolved.gpu)) gpus.push(resolved.gpu);
  });
  return { gpus };
}
