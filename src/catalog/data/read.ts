/**
 * Reads the bundled catalog's data files (listed in ./index.ts) from beside this module — or, once
 * the package is built, from dist/src/catalog/data/ beside the chunk this module is bundled into
 * (dist/src/chunks/: test/tools/bundle.mjs). Called once, on the first lookup; bundles without a
 * file system use ./bundled.ts, which has the same signature.
 */
import { existsSync, readFileSync } from "node:fs";
import type { GpuFile, InstanceFile, ModelFile, PriceFile, QuantizationFile } from "../types.js";
import { gpuFiles, instanceFiles, modelFiles, priceFiles } from "./index.js";

export interface CatalogFiles {
  models: ModelFile[];
  gpus: GpuFile[];
  instances: InstanceFile[];
  /** On-demand price snapshots, one per cloud (src/catalog/prices.ts). */
  prices: PriceFile[];
  quantization: QuantizationFile;
}

let dataFolder: URL | undefined;

function readData<T>(path: string): T {
  dataFolder ??= existsSync(new URL("./meta.json", import.meta.url)) ? new URL("./", import.meta.url) : new URL("../catalog/data/", import.meta.url);
  return JSON.parse(readFileSync(new URL(path, dataFolder), "utf8")) as T;
}

/** Every data file, parsed. */
export function readCatalogFiles(): CatalogFiles {
  return {
    models: modelFiles.map((file) => readData<ModelFile>(`models/${file}`)),
    gpus: gpuFiles.map((file) => readData<GpuFile>(`gpus/${file}`)),
    instances: instanceFiles.map((file) => readData<InstanceFile>(`instances/${file}`)),
    prices: priceFiles.map((file) => readData<PriceFile>(`prices/${file}`)),
    quantization: readData<QuantizationFile>("quantization.json"),
  };
}
