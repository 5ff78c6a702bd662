import { readFileSync } from "node:fs";
import meta from "./data/meta.json" with { type: "json" };
import { gpuFiles, instanceFiles, modelFiles } from "./data/index.js";
import { Catalog } from "./catalog.js";
import type { CatalogData, GpuFile, InstanceFile, ModelFile, QuantizationFile } from "./types.js";

function readData<T>(path: string): T {
  return JSON.parse(readFileSync(new URL(`./data/${path}`, import.meta.url), "utf8")) as T;
}

let loaded: Omit<CatalogData, "date"> | undefined;

/** The data files, read and gathered once, on first use (nothing is parsed when the plugin is imported). */
function load(): Omit<CatalogData, "date"> {
  if (loaded) return loaded;
  const models = modelFiles.map((file) => readData<ModelFile>(`models/${file}`));
  const gpus = gpuFiles.map((file) => readData<GpuFile>(`gpus/${file}`));
  const instances = instanceFiles.map((file) => readData<InstanceFile>(`instances/${file}`));
  loaded = {
    models: models.flatMap((file) => file.models),
    checkpoints: models.flatMap((file) => file.checkpoints),
    quantization: readData<QuantizationFile>("quantization.json"),
    gpus: gpus.flatMap((file) => file.gpus),
    ambiguousGpuNames: gpus.flatMap((file) => file.ambiguousNames),
    instances: instances.flatMap((file) => file.instances),
  };
  return loaded;
}

/**
 * The bundled data as plain objects, one list per kind gathered from the per-organisation, per-vendor
 * and per-cloud files (read on first access); the test suite validates every file against `schema.json`.
 */
export const bundledCatalogData: CatalogData = {
  date: meta.date,
  get models() {
    return load().models;
  },
  get checkpoints() {
    return load().checkpoints;
  },
  get quantization() {
    return load().quantization;
  },
  get gpus() {
    return load().gpus;
  },
  get ambiguousGpuNames() {
    return load().ambiguousGpuNames;
  },
  get instances() {
    return load().instances;
  },
};

let bundled: Catalog | undefined;

/** The bundled catalog, indexed on first use and shared by every file and rule in the process. */
export function bundledCatalog(): Catalog {
  bundled ??= new Catalog(bundledCatalogData);
  return bundled;
}
