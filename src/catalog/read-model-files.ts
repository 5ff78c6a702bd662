/**
 * Reading a model's files from disk for the importer: `config.json`, and beside it (when present)
 * `model.safetensors.index.json` and NVIDIA's `hf_quant_config.json`. Nothing else is read and nothing
 * is fetched. Used by `settings.vram.models[].config`, `vram estimate --model ./dir` and
 * `npm run catalog:add`.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { ConfigImportError, importModelConfig } from "./import-config.js";
import type { ModelEntry } from "./types.js";

export interface ModelFiles {
  /** The config.json that was read. */
  configPath: string;
  config: unknown;
  safetensorsIndex?: unknown;
  hfQuantConfig?: unknown;
}

/**
 * JSON as Python's `json.dump` writes it: transformers configs may hold `NaN` and `Infinity`, which
 * `JSON.parse` rejects. Those bare words (outside strings) become `null`; one pass over the text.
 */
export function parseConfigJson(text: string): unknown {
  let out = "";
  let copiedUpTo = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 92 /* \ */) i++;
      else if (code === 34 /* " */) inString = false;
      continue;
    }
    if (code === 34) {
      inString = true;
      continue;
    }
    for (const word of ["-Infinity", "Infinity", "NaN"]) {
      if (text.startsWith(word, i)) {
        out += `${text.slice(copiedUpTo, i)}null`;
        i += word.length - 1;
        copiedUpTo = i + 1;
        break;
      }
    }
  }
  return JSON.parse(out + text.slice(copiedUpTo));
}

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigImportError(`cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    return parseConfigJson(text);
  } catch (error) {
    throw new ConfigImportError(`${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** A model folder (or its `config.json`): the config and the optional files beside it. */
export function readModelFiles(path: string): ModelFiles {
  let configPath = path;
  if (existsSync(path) && statSync(path).isDirectory()) configPath = join(path, "config.json");
  if (!existsSync(configPath)) {
    throw new ConfigImportError(existsSync(path) ? `${path} has no config.json` : `${path} does not exist`);
  }
  const folder = dirname(configPath);
  const files: ModelFiles = { configPath, config: readJson(configPath, "config file") };
  const index = join(folder, "model.safetensors.index.json");
  if (basename(configPath) === "config.json" && existsSync(index)) files.safetensorsIndex = readJson(index, "safetensors index");
  const quant = join(folder, "hf_quant_config.json");
  if (existsSync(quant)) files.hfQuantConfig = readJson(quant, "quantization config");
  return files;
}

/** The catalog entry for the model at `path` (a folder with config.json, or the file itself). */
export function importModelFiles(path: string, id: string, sources: string[]): ModelEntry {
  const files = readModelFiles(path);
  return importModelConfig({
    id,
    config: files.config,
    ...(files.safetensorsIndex !== undefined ? { safetensorsIndex: files.safetensorsIndex } : {}),
    ...(files.hfQuantConfig !== undefined ? { hfQuantConfig: files.hfQuantConfig } : {}),
    sources,
  });
}
