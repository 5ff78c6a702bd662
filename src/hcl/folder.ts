/**
 * A `.tf` file in its module: Terraform merges every `.tf` file of a folder and loads
 * `terraform.tfvars` and `*.auto.tfvars` beside them, so a deployment's `var.x` and `local.x` may be
 * defined in a sibling. The file being linted is read from the text given (an editor's unsaved
 * buffer); siblings from disk, cached by path, modification time and size, so the result for a file
 * never depends on which other files are linted in the same run. Nothing outside the folder is read.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join } from "node:path";
import type { DocNode } from "../extract/doc.js";
import { type HCLProgram, LineIndex } from "./ast.js";
import { bodyDoc } from "./document.js";
import { blockLabels, HclModule, type HclSource } from "./evaluate.js";
import { parseHcl } from "./parser.js";

/** Siblings larger than this are not read (generated files; a module's own files are far smaller). */
const MAX_SIBLING_BYTES = 2 * 1024 * 1024;
/** Folders with more `.tf` files than this are read only up to it (in name order). */
const MAX_SIBLINGS = 256;

/** Parsed siblings kept at once (insertion order: the oldest is dropped first). */
const MAX_CACHED = 1024;

const cache = new Map<string, { mtimeMs: number; size: number; source: HclSource | undefined }>();

function readSibling(path: string): HclSource | undefined {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return undefined;
  }
  if (!stats.isFile() || stats.size > MAX_SIBLING_BYTES) return undefined;
  const cached = cache.get(path);
  if (cached && cached.mtimeMs === stats.mtimeMs && cached.size === stats.size) return cached.source;
  let source: HclSource | undefined;
  try {
    const text = readFileSync(path, "utf8");
    source = { path, text, program: parseHcl(text), lines: new LineIndex(text) };
  } catch {
    source = undefined;
  }
  cache.delete(path);
  cache.set(path, { mtimeMs: stats.mtimeMs, size: stats.size, source });
  // A long editor session visits many folders: keep the most recently parsed files only.
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
  return source;
}

function siblingNames(folder: string): string[] {
  try {
    return readdirSync(folder).sort();
  } catch {
    return [];
  }
}

/** Variable files Terraform loads by itself from the module's folder (`terraform.tfvars`, `*.auto.tfvars`). */
function loadedByModule(name: string): boolean {
  return name === "terraform.tfvars" || name.endsWith(".auto.tfvars");
}

/**
 * Whether a variable file sets a variable a `.tf` file of its folder declares: then it is that
 * module's input. One that sets none (a preset kept beside unrelated files) is read on its own.
 */
function setsModuleVariable(program: HCLProgram, folder: string): boolean {
  const set = new Set(program.body.flatMap((item) => (item.type === "HCLAttribute" ? [item.key.name] : [])));
  if (set.size === 0) return false;
  return siblingNames(folder)
    .filter((name) => name.endsWith(".tf"))
    .slice(0, MAX_SIBLINGS)
    .some((name) => readSibling(join(folder, name))?.program.body.some((item) => item.type === "HCLBlock" && item.blockType.name === "variable" && set.has(blockLabels(item)?.[0] ?? "")));
}

/** The module a file belongs to: siblings only when the file has a real path on disk. */
export function moduleOf(file: HclSource): HclModule {
  const path = file.path;
  if (!path || !isAbsolute(path)) return new HclModule([file]);
  const folder = dirname(path);
  const self = basename(path);
  const names = siblingNames(folder);
  const files: HclSource[] = [file];
  for (const name of names) {
    if (files.length > MAX_SIBLINGS) break;
    if (name === self || !name.endsWith(".tf")) continue;
    const sibling = readSibling(join(folder, name));
    if (sibling) files.push(sibling);
  }
  const variableFiles: HclSource[] = [];
  for (const name of ["terraform.tfvars", ...names.filter((entry) => entry.endsWith(".auto.tfvars"))]) {
    if (!names.includes(name)) continue;
    const source = name === self ? file : readSibling(join(folder, name));
    if (source) variableFiles.push(source);
  }
  return new HclModule(files, variableFiles);
}

/** The file in Terraform-JSON shape, evaluated in its module (built on first use). */
export function fileDocuments(path: string | undefined, text: string, program: HCLProgram): DocNode[] {
  // Values Terraform loads into the module beside it are read where the module's `.tf` files use them, not twice.
  if (path && isAbsolute(path) && loadedByModule(basename(path)) && setsModuleVariable(program, dirname(path))) return [];
  const file: HclSource = { path, text, program, lines: new LineIndex(text) };
  const module = moduleOf(file);
  return [bodyDoc(program.body, module.evaluator(file), program)];
}

/** Forgets cached siblings (tests that rewrite files within one clock tick). */
export function clearSiblingCache(): void {
  cache.clear();
}
