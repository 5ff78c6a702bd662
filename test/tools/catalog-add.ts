/**
 * `npm run catalog:add -- <model folder | config.json> --source <url or owner/repo@commit:path> [options]`
 *
 * Imports a Hugging Face config.json (with model.safetensors.index.json and hf_quant_config.json when
 * they sit beside it) through the same importer the plugin uses, and writes the entry into the bundled
 * catalog: src/catalog/data/models/<organisation>.json, replacing an entry with the same id.
 *
 * Options:
 *   --id owner/name        the repository id (default: `_name_or_path`, else the folder name `owner--name`)
 *   --source S             where the config was read; repeat for more (at least one is required)
 *   --alias owner/name     another repository with the same weights (repeatable)
 *   --note TEXT            a note for the reader (repeatable)
 *   --max-position N       the context to record when config.json's is not what engines use
 *   --dry-run              print the entry instead of writing it
 */
import { existsSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ConfigImportError, importModelConfig } from "../../src/catalog/import-config.js";
import { readModelFiles } from "../../src/catalog/read-model-files.js";
import type { ModelEntry, ModelFile } from "../../src/catalog/types.js";
import { DATA_DIR, readModelFile, writeDataIndex, writeModelFile } from "./catalog-data.js";

export interface AddOptions {
  path: string;
  id?: string;
  sources: string[];
  aliases?: string[];
  notes?: string[];
  maxPositionEmbeddings?: number;
}

/** The organisation file an id belongs in: its owner, lowercased. */
export function modelFileFor(id: string): string {
  return `${id.slice(0, id.indexOf("/")).toLowerCase()}.json`;
}

function idOf(options: AddOptions, config: unknown): string {
  if (options.id) return options.id;
  const named = typeof config === "object" && config !== null ? (config as Record<string, unknown>)._name_or_path : undefined;
  if (typeof named === "string" && /^[^\s/]+\/[^\s/]+$/.test(named)) return named;
  const folder = basename(options.path.endsWith(".json") ? dirname(options.path) : options.path);
  if (folder.includes("--")) return folder.replace("--", "/");
  throw new ConfigImportError(`cannot tell the repository id of ${options.path}: pass --id owner/name`);
}

/** The entry the options describe (not yet written). */
export function entryFor(options: AddOptions): ModelEntry {
  if (options.sources.length === 0) throw new ConfigImportError("every catalog entry needs --source (a URL or owner/repo@commit:path a reader can open)");
  const files = readModelFiles(options.path);
  const entry = importModelConfig({
    id: idOf(options, files.config),
    config: files.config,
    ...(files.safetensorsIndex !== undefined ? { safetensorsIndex: files.safetensorsIndex } : {}),
    ...(files.hfQuantConfig !== undefined ? { hfQuantConfig: files.hfQuantConfig } : {}),
    sources: options.sources,
    aliases: options.aliases ?? [],
  });
  if (options.maxPositionEmbeddings !== undefined) entry.maxPositionEmbeddings = options.maxPositionEmbeddings;
  if (options.notes?.length) entry.notes = [...options.notes, ...(entry.notes ?? [])];
  return entry;
}

/** Writes the entry into its organisation's file (replacing one with the same id); returns the file. */
export function writeEntry(entry: ModelEntry, dataDir = DATA_DIR): { file: string; replaced: ModelEntry | undefined } {
  const file = modelFileFor(entry.id);
  const exists = existsSync(join(dataDir, "models", file));
  const content: ModelFile = exists ? readModelFile(file, dataDir) : { models: [], checkpoints: [] };
  const at = content.models.findIndex((model) => model.id.toLowerCase() === entry.id.toLowerCase());
  const replaced = at >= 0 ? content.models[at] : undefined;
  if (replaced) content.models[at] = entry;
  else content.models.push(entry);
  content.models.sort((a, b) => (a.id.toLowerCase() < b.id.toLowerCase() ? -1 : 1));
  writeModelFile(file, content, dataDir);
  if (!exists && dataDir === DATA_DIR) writeDataIndex();
  return { file, replaced };
}

function billions(count: number): string {
  return `${(count / 1e9).toFixed(2)}B`;
}

function main(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      id: { type: "string" },
      source: { type: "string", multiple: true },
      alias: { type: "string", multiple: true },
      note: { type: "string", multiple: true },
      "max-position": { type: "string" },
      "dry-run": { type: "boolean" },
    },
  });
  const [path] = positionals;
  if (!path) {
    console.error("usage: npm run catalog:add -- <model folder | config.json> --source <url> [--id owner/name] [--alias id] [--note text] [--dry-run]");
    return 2;
  }
  try {
    const entry = entryFor({
      path,
      ...(values.id ? { id: values.id } : {}),
      sources: values.source ?? [],
      aliases: values.alias ?? [],
      notes: values.note ?? [],
      ...(values["max-position"] ? { maxPositionEmbeddings: Number(values["max-position"]) } : {}),
    });
    const summary = `${entry.id}: ${billions(entry.params.total)} parameters (${billions(entry.params.active)} active), ${entry.nativeFormat}, context ${entry.maxPositionEmbeddings}`;
    if (values["dry-run"]) {
      console.log(JSON.stringify(entry, null, 2));
      console.log(summary);
      return 0;
    }
    const { file, replaced } = writeEntry(entry);
    console.log(`${replaced ? "replaced" : "added"} ${summary} in src/catalog/data/models/${file}`);
    if (replaced && replaced.params.total !== entry.params.total) console.log(`  total was ${billions(replaced.params.total)}`);
    return 0;
  } catch (error) {
    if (error instanceof ConfigImportError) {
      console.error(`catalog:add: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
