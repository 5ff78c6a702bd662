/**
 * Name normalisation and catalog lookups on hostile input: a 300 KB model or GPU name pasted into a
 * manifest costs milliseconds, never a quadratic backtrack, and nothing throws on any string.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bundledCatalog } from "../src/catalog/load.js";
import { gpuNameTokens, modelKey, modelNameKey, nameShape, nameWords, normalizeGpuName, statedSizes, stripModelUri } from "../src/catalog/names.js";
import { parseMigName } from "../src/mig-names.js";
import { ROOT } from "./support/lint.js";

const catalog = bundledCatalog();
const SIZE = 300_000;
const repeat = (unit: string) => unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);

/** Inputs shaped against each pattern the name code handles: runs that a backtracking regex would retry. */
const HOSTILE: Record<string, string> = {
  dashes: `${repeat("-")}x`,
  slashes: `${repeat("/")}x`,
  underscores: `${repeat("_")}!`,
  spaces: `${repeat(" ")}x`,
  "repo file path": `a/tree/${repeat("b")}\n`,
  revisions: `${repeat("@a")}!`,
  "gguf separators": `gguf${repeat("-")}x`,
  "gguf quant types": repeat("q4_k_m."),
  "size words": repeat("8b-"),
  "active sizes": repeat("30b-a3b-"),
  "family words": repeat("llama-3.1-"),
  "letters then digits": repeat("qwen2.5"),
  colons: repeat("llama3.1:8b:"),
  "quantized suffixes": repeat("-awq-int4-gptq"),
  "hf prefixes": repeat("hf://huggingface.co/"),
  "vendor words": repeat("nvidia-tesla-"),
  dots: `${repeat(".")}x`,
  "mixed separators": repeat("-_. /@:"),
  "NaN and Infinity": repeat("Infinity-NaN-"),
  "open GGUF types": `${repeat("-q1_a")}.gguf`,
  "dashed versions": repeat("llama-1-"),
  "azureml colons": `azureml:${repeat("a:")}`,
  "resolve paths": `https://huggingface.co/a/b/resolve/${repeat("m/")}x-q4_k_m.gguf?${repeat("/")}`,
  "MIG profiles": repeat("-MIG-1g.5gb"),
  "MIG digits": `nvidia.com/mig-1g.${repeat("1")}gb`,
};

/** Every name function and lookup a written name reaches. */
function exercise(text: string): void {
  normalizeGpuName(text);
  gpuNameTokens(normalizeGpuName(text));
  stripModelUri(text);
  modelKey(text);
  modelNameKey(text);
  const words = nameWords(text);
  statedSizes(words);
  nameShape(text);
  catalog.resolveModel(text);
  catalog.resolveModel(`ollama://${text}`);
  catalog.resolveModel(`${text}.gguf`);
  catalog.resolveGpu(text);
  catalog.resolveGpu(`${text.slice(0, 200)}-MIG-1g.5gb`);
  parseMigName(text);
  catalog.resolveInstance(text);
  catalog.resolveFormat(text);
  catalog.closestModelNames(text, 3, false);
  catalog.closestGpuNames(text);
  catalog.sameSizeBase(text);
}

describe("names on hostile input", () => {
  it.each(Object.entries(HOSTILE))("%s: 300 KB in milliseconds", (_name, text) => {
    const started = performance.now();
    exercise(text);
    // Linear work on 300 KB is a few milliseconds; a quadratic pattern takes minutes. The bound
    // leaves room for a loaded 2-core CI machine.
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it("never throws on any string", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.constantFrom("", "hf://", "ollama://", "TheBloke/", "nvidia-", "nvidia.com/mig-"), fc.constantFrom("", "-AWQ", ".Q4_K_M.gguf", ":8b", "@main", "/", "-MIG-3g.40gb.me"), (body, prefix, suffix) => {
        exercise(`${prefix}${body}${suffix}`);
      }),
      { numRuns: 300 },
    );
  });

  it("builds no regular expression from input in the name code", () => {
    for (const file of ["names.ts", "catalog.ts", "import-config.ts", "read-model-files.ts", "local-model.ts", "mig.ts"]) {
      const source = readFileSync(join(ROOT, "src/catalog", file), "utf8");
      expect(source, file).not.toMatch(/new RegExp\(|RegExp\(/);
    }
    expect(readdirSync(join(ROOT, "src/catalog")).filter((file) => file.endsWith(".ts")).length).toBeGreaterThan(0);
  });
});
