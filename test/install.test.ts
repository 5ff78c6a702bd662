/**
 * Installs cannot drift: every dependency spec in the installed tree that a registry can move under
 * the lockfile — a dist-tag (`latest`), any version (`*`, `x`, ``), a URL or git/GitHub source —
 * must be pinned to an exact version in package.json `overrides`. (`@microsoft/eslint-formatter-sarif`
 * once declared `"jschardet": "latest"`; when the tag moved, `npm ci` failed on every fresh clone.)
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support/lint.js";

interface Manifest {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  overrides?: Record<string, unknown>;
}

/** Why a spec can resolve to something else tomorrow, or undefined when a lockfile holds it still. */
function driftReason(spec: string): string | undefined {
  const value = spec.trim();
  if (value.startsWith("npm:")) return driftReason(value.slice(value.lastIndexOf("@") + 1 || 4));
  if (value === "" || value === "*" || /^[xX]$/.test(value)) return "any version";
  if (/^(git(\+\w+)?|https?|github|gitlab|bitbucket|file|link):/i.test(value) || /^[\w.-]+\/[\w.-]+(#.*)?$/.test(value)) return "a URL or repository";
  // A dist-tag is a name, not a range (`latest`, `next`, `beta`); ranges start with a digit, an operator or `v`.
  if (/^[A-Za-z][\w.-]*$/.test(value) && !/^v?\d/.test(value)) return `the dist-tag "${value}"`;
  return undefined;
}

function pinnedOverrides(manifest: Manifest): Map<string, string> {
  const pinned = new Map<string, string>();
  for (const [name, version] of Object.entries(manifest.overrides ?? {})) {
    if (typeof version === "string" && /^\d+\.\d+\.\d+(-[\w.]+)?$/.test(version)) pinned.set(name, version);
  }
  return pinned;
}

/** `name@spec` declared by `where` that can drift and is not pinned. */
function unpinned(where: string, manifest: Manifest, pinned: Map<string, string>): string[] {
  const found: string[] = [];
  for (const [name, spec] of Object.entries({ ...manifest.dependencies, ...manifest.optionalDependencies })) {
    const reason = driftReason(spec);
    if (reason && !pinned.has(name)) found.push(`${where} -> ${name}@${spec} (${reason})`);
  }
  return found;
}

/** Every package.json under node_modules (scoped and nested included). */
function installedManifests(folder: string, out: Array<[string, Manifest]> = []): Array<[string, Manifest]> {
  if (!existsSync(folder)) return out;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
    const path = join(folder, entry.name);
    if (entry.name.startsWith("@")) {
      installedManifests(path, out);
      continue;
    }
    const manifest = join(path, "package.json");
    if (existsSync(manifest)) out.push([path.slice(ROOT.length + 1), JSON.parse(readFileSync(manifest, "utf8")) as Manifest]);
    installedManifests(join(path, "node_modules"), out);
  }
  return out;
}

describe("installs cannot drift", () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as Manifest & { devDependencies?: Record<string, string> };
  const pinned = pinnedOverrides(manifest);

  it("recognises specs that move under a lockfile", () => {
    expect(["latest", "next", "*", "x", "", "git+https://github.com/a/b.git", "github:a/b", "a/b", "https://example.com/x.tgz", "npm:other@latest"].map(driftReason).every(Boolean)).toBe(true);
    expect(["^1.2.3", "~4.1.0", "1.x", ">=2 <3", "4.0.2", "v1.0.0", "npm:other@^2.0.0", "1.2.3 - 2.0.0"].map(driftReason)).toEqual(Array(8).fill(undefined));
  });

  it("the project's own dependencies are ranges a lockfile holds", () => {
    expect(unpinned("package.json", { dependencies: { ...manifest.dependencies, ...manifest.devDependencies } }, new Map())).toEqual([]);
  });

  it("no package in the lockfile declares a moving spec that overrides do not pin", () => {
    const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, Manifest> };
    const found = Object.entries(lock.packages).flatMap(([where, entry]) => unpinned(where || "(root)", entry, pinned));
    expect(found).toEqual([]);
  });

  it("no installed package declares a moving spec that overrides do not pin, and each pin is what is installed", () => {
    const installed = installedManifests(join(ROOT, "node_modules"));
    expect(installed.length).toBeGreaterThan(50);
    expect(installed.flatMap(([where, entry]) => unpinned(where, entry, pinned))).toEqual([]);
    for (const [name, version] of pinned) {
      const copies = installed.filter(([, entry]) => entry.name === name);
      expect(copies.map(([, entry]) => entry.version), name).toEqual(copies.map(() => version));
    }
  });
});
