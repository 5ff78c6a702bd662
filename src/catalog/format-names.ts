/**
 * Quantization and precision spellings as people write them in deployment files and app configs:
 * `gptq-4bit`, `GPTQ 4-bit`, `awq_int4`, `4bit-awq`, `Q4_K_M`, `float8_e4m3fn`, `bnb-8bit`. One index
 * serves the rules and the CLI (through `Catalog.resolveFormat`), so both read a spelling the same way.
 */
import { distance } from "fastest-levenshtein";
import type { QuantizationFormat } from "./types.js";

/** Spellings longer than this are not format names; they are never matched (linear work on any input). */
const MAX_SPELLING_LENGTH = 64;

/** Case and separators do not matter: `GPTQ 4-bit`, `gptq_4bit`, `gptq-4bit` → `gptq4bit`; dots stay (`llm.int8`). */
export function compactFormatKey(written: string): string {
  return written.slice(0, MAX_SPELLING_LENGTH + 1).toLowerCase().replace(/[^a-z0-9.]+/g, "");
}

/**
 * Method + bit-width spellings that are not in the catalog's alias lists but mean one of its
 * formats: a method name with `4bit`, `4-bit`, `int4`, `w4`, `4` on either side. Methods without a
 * width (`awq`, `gptq`, `bitsandbytes`) keep their catalog aliases.
 */
const METHOD_BITS: ReadonlyArray<{ methods: string[]; bits: Record<number, string> }> = [
  { methods: ["awq"], bits: { 4: "awq" } },
  { methods: ["gptq"], bits: { 4: "gptq", 8: "gptq-int8" } },
  { methods: ["bnb", "bitsandbytes"], bits: { 4: "bnb-nf4", 8: "bnb-int8" } },
];

function widthSpellings(bits: number): string[] {
  return [`${bits}bit`, `${bits}bits`, `int${bits}`, `w${bits}`, `w${bits}a16`, `${bits}`, `q${bits}`];
}

/** The index: every alias and id compacted, plus the method + width spellings; a key two formats share is dropped. */
export class FormatSpellings {
  private readonly byKey = new Map<string, QuantizationFormat | null>();
  private readonly spellings: Array<{ key: string; format: QuantizationFormat }> = [];

  constructor(formats: readonly QuantizationFormat[]) {
    const byId = new Map(formats.map((format) => [format.id, format]));
    for (const format of formats) {
      for (const name of [format.id, ...format.aliases]) this.add(compactFormatKey(name), format);
      // GGUF types are written without the prefix (`Q4_K_M`).
      if (format.id.startsWith("gguf-")) this.add(compactFormatKey(format.id.slice(5)), format);
    }
    for (const { methods, bits } of METHOD_BITS) {
      for (const [width, id] of Object.entries(bits)) {
        const format = byId.get(id);
        if (!format) continue;
        for (const method of methods) {
          for (const spelling of widthSpellings(Number(width))) {
            this.add(`${method}${spelling}`, format);
            this.add(`${spelling}${method}`, format);
          }
        }
      }
    }
  }

  private add(key: string, format: QuantizationFormat): void {
    if (!key) return;
    const existing = this.byKey.get(key);
    if (existing === undefined) {
      this.byKey.set(key, format);
      this.spellings.push({ key, format });
    } else if (existing !== null && existing !== format) {
      this.byKey.set(key, null);
    }
  }

  resolve(written: string): QuantizationFormat | undefined {
    if (written.length > MAX_SPELLING_LENGTH) return undefined;
    return this.byKey.get(compactFormatKey(written)) ?? undefined;
  }

  /** Format ids nearest a spelling nobody knows, for "unknown quantization" messages. */
  closest(written: string, count = 3): string[] {
    const target = compactFormatKey(written);
    if (!target || target.length > MAX_SPELLING_LENGTH) return [];
    const best = new Map<string, number>();
    for (const { key, format } of this.spellings) {
      if (this.byKey.get(key) === null) continue;
      const score = distance(target, key);
      const previous = best.get(format.id);
      if (previous === undefined || score < previous) best.set(format.id, score);
    }
    return [...best.entries()]
      .filter(([, score]) => score <= Math.max(2, Math.ceil(target.length / 2)))
      .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, count)
      .map(([id]) => id);
  }
}
