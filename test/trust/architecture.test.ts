/**
 * The estimator, the judges, the reports and the rule kit sit in no import cycle: the pipeline's
 * stages depend one way (extract → resolve → sizing → judge → rules/report), and leaf modules
 * (number and name wording, lookups, caches) depend on nothing above them. Imports are read with
 * TypeScript's own pre-processor; type-only imports count too, since a cycle of types is a cycle of
 * design.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { ROOT } from "../support/lint.js";

function sources(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith(".ts") && !name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Each module's imports of other project modules (relative specifiers, `.js` → `.ts`). */
function importGraph(files: string[]): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    const targets = importedFiles
      .map((imported) => imported.fileName)
      .filter((specifier) => specifier.startsWith("."))
      .map((specifier) => resolve(dirname(file), specifier.replace(/\.js$/, ".ts")))
      .filter((target) => known.has(target));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Strongly connected components with more than one module (Tarjan): the import cycles. */
export function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    indices.set(node, index);
    low.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, indices.get(next)!));
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component);
    }
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  return found;
}

describe("module graph", () => {
  const files = [...sources(join(ROOT, "src")), ...sources(join(ROOT, "rules"))];
  const graph = importGraph(files);

  it("reads the imports of every module", () => {
    expect(files.length).toBeGreaterThan(50);
    expect(graph.get(join(ROOT, "src/sizing/estimate.ts"))!.length).toBeGreaterThan(0);
  });

  /**
   * The modules that must stay out of every cycle. (`sizing/types.ts` shares a cycle of types with the
   * engine registry, whose engine ids are the registered modules' own: the registry's design.)
   */
  const LAYERED = ["src/sizing/estimate.ts", "src/sizing/recommend.ts", "src/sizing/model-shape.ts", "src/judge/", "src/report/", "src/rule-kit/", "src/analysis.ts", "src/memo.ts", "src/text.ts", "src/parse-text.ts", "src/lookup.ts", "rules/"];

  it("has no import cycle through the estimator, judges, reports or rule kit (sizing/estimate no longer reaches report/wording)", () => {
    const named = cycles(graph).map((component) => component.map((file) => relative(ROOT, file)).sort());
    expect(named.filter((component) => component.some((file) => LAYERED.some((prefix) => file.startsWith(prefix))))).toEqual([]);
    expect(graph.get(join(ROOT, "src/sizing/estimate.ts"))!.map((file) => relative(ROOT, file))).not.toContain("src/report/wording.ts");
  });

  it("finds a cycle when there is one", () => {
    expect(cycles(new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]], ["d", ["a"]]]))).toEqual([["c", "b", "a"]]);
  });
});
