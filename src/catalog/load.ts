import checkpoints from "./data/checkpoints.json" with { type: "json" };
import gpuData from "./data/gpus.json" with { type: "json" };
import instances from "./data/instances.json" with { type: "json" };
import meta from "./data/meta.json" with { type: "json" };
import models from "./data/models.json" with { type: "json" };
import quantization from "./data/quantization.json" with { type: "json" };
import { Catalog } from "./catalog.js";
import type { CatalogData } from "./types.js";

/** The bundled data as plain objects; `test/catalog-schema.test.ts` validates it against `types.ts`. */
export const bundledCatalogData: CatalogData = {
  date: meta.date,
  models: models as unknown as CatalogData["models"],
  checkpoints: checkpoints as unknown as CatalogData["checkpoints"],
  quantization: quantization as unknown as CatalogData["quantization"],
  gpus: gpuData.gpus as unknown as CatalogData["gpus"],
  ambiguousGpuNames: gpuData.ambiguousNames as unknown as CatalogData["ambiguousGpuNames"],
  instances: instances as unknown as CatalogData["instances"],
};

let bundled: Catalog | undefined;

/** The bundled catalog, indexed on first use and shared by every file and rule in the process. */
export function bundledCatalog(): Catalog {
  bundled ??= new Catalog(bundledCatalogData);
  return bundled;
}
