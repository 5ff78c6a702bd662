/**
 * `.gitignore` files as ESLint ignore configs, so `vram lint` skips what Git skips (rendered charts
 * in `out/`, `.terraform/` module caches, vendored folders) as kube-linter and checkov users expect.
 * ESLint itself reads no `.gitignore`; its own default ignores (`node_modules/`, `.git/`) still apply.
 *
 * Read: every `.gitignore` from the repository root (the nearest folder above with a `.git`) down to
 * the working folder, and every one below it. Each file's patterns are relative to its own folder,
 * as in Git (`includeIgnoreFile` of `@eslint/config-helpers`, ESLint's own, converts the syntax and
 * anchors each file's config at its folder with `basePath`; ESLint 9.38's `eslint/config` does not
 * export it yet, hence the direct dependency). Not read:
 * `.git/info/exclude` and the global `core.excludesFile`, which belong to one clone, not the repository.
 */
import { existsSync, type Dirent, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { includeIgnoreFile } from "@eslint/config-helpers";
import type { Linter } from "eslint";

/** Folders never searched for `.gitignore` files: Git's own, and installs ESLint ignores anyway. */
const SKIPPED_FOLDERS = new Set([".git", "node_modules"]);

/** A bound on folders visited, so a huge tree costs a bounded walk (ESLint walks it again to lint). */
const MAX_FOLDERS = 20_000;

/** The folder holding `.git` at or above `folder`, if any. */
function repositoryRoot(folder: string): string | undefined {
  for (let current = folder; ; current = dirname(current)) {
    if (existsSync(join(current, ".git"))) return current;
    if (dirname(current) === current) return undefined;
  }
}

/** `.gitignore` files that govern `folder`: from the repository root down to it, then below it. */
export function gitignoreFiles(folder: string): string[] {
  const files: string[] = [];
  const root = repositoryRoot(folder);
  if (root && root !== folder) {
    const above: string[] = [];
    for (let current = dirname(folder); ; current = dirname(current)) {
      above.unshift(current);
      if (current === root || dirname(current) === current) break;
    }
    for (const ancestor of above) if (existsSync(join(ancestor, ".gitignore"))) files.push(join(ancestor, ".gitignore"));
  }
  const queue = [folder];
  for (let visited = 0; queue.length > 0 && visited < MAX_FOLDERS; visited++) {
    const current = queue.shift()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch {
      continue; // unreadable folders are ESLint's to report, if it is asked to lint them
    }
    for (const entry of entries) {
      if (entry.isFile() && entry.name === ".gitignore") files.push(join(current, entry.name));
      else if (entry.isDirectory() && !SKIPPED_FOLDERS.has(entry.name)) queue.push(join(current, entry.name));
    }
  }
  return files;
}

/** One ignore config per `.gitignore` that governs `folder`, each anchored at its own folder. */
export function gitignoreConfigs(folder: string): Linter.Config[] {
  return gitignoreFiles(folder).map((file) => includeIgnoreFile(file, { gitignoreResolution: true, name: `vram lint: ${file}` }) as Linter.Config);
}
