/**
 * `settings.vram`: catalog additions (private and fine-tuned models, GPUs, instance types) and
 * defaults. Validated once per settings object; a bad entry is a configuration error whose message
 * names the key (`settings.vram.models[0].layers must be integer`).
 */
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { Catalog } from "./catalog/catalog.js";
import { ConfigImportError } from "./catalog/import-config.js";
import { importModelFiles } from "./catalog/read-model-files.js";
import { bundledCatalog, bundledCatalogData } from "./catalog/load.js";
import { gpuSchema, instanceSchema, modelSchema } from "./catalog/schema.js";
import type { GpuEntry, InstanceEntry, ModelEntry } from "./catalog/types.js";
import type { ResolveDefaults } from "./resolve.js";
import { ENGINE_IDS, engineByName } from "./engines/index.js";
import { isRecord } from "./lookup.js";

export interface VramSettings {
  catalog: Catalog;
  defaults: ResolveDefaults;
}

export class SettingsError extends Error {
  override name = "SettingsError";
}

const SETTINGS_KEYS = new Set(["models", "gpus", "instanceTypes", "defaults"]);
const DEFAULT_KEYS = new Set(["engine", "gpu", "gpuMemoryUtilization"]);

let validators: { model: ValidateFunction; gpu: ValidateFunction; instance: ValidateFunction } | undefined;

function compiled() {
  if (!validators) {
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
    merged = { ...parent, aliases: [], names: [], labels: {}, ...overrides, sources: [`settings.vram (extends ${raw.extends})`, ...parent.sources] };
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
  if (raw === undefined || raw === null) return { catalog: bundledCatalog(), defaults: {} };
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

  const bundled = bundledCatalog();
  const { model, gpu, instance } = compiled();
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
  const settings = { catalog, defaults };
  if (!byBase) parsed.set(raw, (byBase = new Map()));
  byBase.set(baseDir, settings);
  return settings;
}
