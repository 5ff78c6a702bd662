/**
 * A model named by a local folder (`vram estimate --model ./models/bot`), as vLLM accepts one: when the
 * path exists, its config.json is imported and the catalog gains that entry for this run.
 */
import { existsSync } from "node:fs";
import { basename, isAbsolute, resolve } from "node:path";
import { Catalog } from "./catalog.js";
import { ConfigImportError } from "./import-config.js";
import { importModelFiles } from "./read-model-files.js";
import type { ModelEntry } from "./types.js";

/** Whether what was written is meant as a path rather than a repository id. */
function looksLikePath(written: string): boolean {
  return written.startsWith("./") || written.startsWith("../") || written.startsWith("/") || written.startsWith("~") || written.endsWith(".json");
}

/**
 * `catalog` with the local model at `written` (relative to `cwd`), or undefined when `written` is
 * not a local folder (a name `catalog` resolves, even when written as a path). Throws
 * `ConfigImportError` when it is a path that neither exists nor names a catalog model, or one the
 * importer cannot read.
 */
export function withLocalModel(written: string, cwd: string, catalog: Catalog): { catalog: Catalog; model: ModelEntry } | undefined {
  const path = isAbsolute(written) ? written : resolve(cwd, written);
  if (!existsSync(path)) {
    // `/models/llama-3.1-8b-instruct-q4_k_m.gguf` on another machine: its name still says what it is.
    if (looksLikePath(written) && !catalog.resolveModel(written)) throw new ConfigImportError(`${written} does not exist`);
    return undefined;
  }
  const folder = basename(path.endsWith(".json") ? resolve(path, "..") : path) || "model";
  const model = importModelFiles(path, `local/${folder}`, [`config.json read from ${written}`]);
  return { catalog: new Catalog({ ...catalog.data, models: [model, ...catalog.data.models] }), model };
}
