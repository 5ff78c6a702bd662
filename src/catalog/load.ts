import meta from "./data/meta.json" with { type: "json" };
import { readCatalogFiles } from "./data/read.js";
import { Catalog } from "./catalog.js";
import type { CatalogData, PriceFile } from "./types.js";

let loaded: (Omit<CatalogData, "date"> & { prices: PriceFile[] }) | undefined;

/** The data files, read and gathered once, on first use (nothing is parsed when the plugin is imported). */
function load(): Omit<CatalogData, "date"> & { prices: PriceFile[] } {
  if (loaded) return loaded;
  const { models, gpus, instances, prices, quantization } = readCatalogFiles();
  loaded = {
    models: models.flatMap((file) => file.models),
    checkpoints: models.flatMap((file) => file.checkpoints),
    quantization,
    gpus: gpus.flatMap((file) => file.gpus),
    ambiguousGpuNames: gpus.flatMap((file) => file.ambiguousNames),
    instances: instances.flatMap((file) => file.instances),
    prices,
  };
  return loaded;
}

/** The bundled on-demand price snapshots (`data/prices/`), read with the rest of the data. */
export function bundledPriceSnapshots(): readonly PriceFile[] {
  return load().prices;
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
