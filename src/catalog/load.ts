import meta from "./data/meta.json" with { type: "json" };
import quantization from "./data/quantization.json" with { type: "json" };
import { gpuFiles, instanceFiles, modelFiles } from "./data/index.js";
import { Catalog } from "./catalog.js";
import type { CatalogData } from "./types.js";

/**
 * The bundled data as plain objects, one list per kind gathered from the per-organisation, per-vendor
 * and per-cloud files; the test suite validates every file against `schema.json`.
 */
export const bundledCatalogData: CatalogData = {
  date: meta.date,
  models: modelFiles.flatMap((file) => file.models),
  checkpoints: modelFiles.flatMap((file) => file.checkpoints),
  quantization: quantization as unknown as CatalogData["quantization"],
  gpus: gpuFiles.flatMap((file) => file.gpus),
  ambiguousGpuNames: gpuFiles.flatMap((file) => file.ambiguousNames),
  instances: instanceFiles.flatMap((file) => file.instances),
};

let bundled: Catalog | undefined;

/** The bundled catalog, indexed on first use and shared by every file and rule in the process. */
export function bundledCatalog(): Catalog {
  bundled ??= new Catalog(bundledCatalogData);
  return bundled;
}
