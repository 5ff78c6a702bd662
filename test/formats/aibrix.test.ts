import { describe, expect, it } from "vitest";
import { expectFindings, expectSuggestionsResolve, fixtureValues } from "./serving-crds.support.js";

describe("AIBrix StormService", () => {
  it("judges each serving role and skips the router", () => {
    const file = "aibrix/stormservice-qwen3-32b-1p1d.yaml";
    expect(fixtureValues(file).map((values) => [values.name, values.model, values.gpuCount, values.maxModelLen])).toEqual([
      ["qwen3-32b-1p1d/prefill", "Qwen/Qwen3-32B", 1, 32768],
      ["qwen3-32b-1p1d/decode", "Qwen/Qwen3-32B", 1, 32768],
    ]);
    // 32K tokens of Qwen3-32B KV cache do not fit next to bf16 weights on one H100 (lines 51 and 75: `--max-model-len 32768`).
    const result = expectFindings(file, ["vram/kv-cache-headroom 51:39 kvTooSmall", "vram/kv-cache-headroom 75:39 kvTooSmall"]);
    const fixed = expectSuggestionsResolve(file, result);
    // Flags appended to a command whose last argument is shell-quoted go after the closing quote.
    expect(fixed.some((text) => text.includes(`"kv_role":"kv_both"}' --kv-cache-dtype fp8`))).toBe(true);
  });
});
