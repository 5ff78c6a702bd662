/**
 * Caches are bounded: entries not read since they were put in out first (second chance), a bound on entries and on key text, and keys
 * built from megabyte values are not kept at all. Results do not depend on what is cached: see
 * order.test.ts.
 */
import { describe, expect, it } from "vitest";
import { cachedEstimates } from "../../src/analysis.js";
import { BoundedCache } from "../../src/memo.js";
import { findings, lint } from "../support/lint.js";
import { deployment } from "../support/manifest.js";

describe("BoundedCache", () => {
  it("keeps entries read since they were put in over ones that were not", () => {
    const cache = new BoundedCache<number>(3);
    let computed = 0;
    const get = (key: string) => cache.get(key, () => ++computed);
    get("a");
    get("b");
    get("c");
    get("a"); // a is read again
    get("d"); // evicts b, the oldest not read since; a gets a second chance
    expect(cache.size).toBe(3);
    const before = computed;
    get("a");
    get("c");
    get("d");
    expect(computed).toBe(before);
    get("b");
    expect(computed).toBe(before + 1);
  });

  it("does not keep values under keys longer than its key bound, and bounds the key text it holds", () => {
    const cache = new BoundedCache<string>(100, 64);
    let computed = 0;
    const long = "x".repeat(65);
    cache.get(long, () => String(++computed));
    cache.get(long, () => String(++computed));
    expect(computed).toBe(2);
    expect(cache.size).toBe(0);
    for (let i = 0; i < 100; i++) cache.get(`${i}`.padEnd(64, "-"), () => "v");
    // 100 entries × 64 characters is more than the key budget (100 × 64 / 8): older keys went.
    expect(cache.size).toBeLessThanOrEqual(13);
  });
});

describe("the estimate cache", () => {
  it("stays within its bound however many distinct requests a run makes", () => {
    for (let length = 1024; length < 1024 + 2_600; length++) {
      findings(lint(deployment(`"--model", "meta-llama/Llama-3.1-8B-Instruct", "--max-model-len", "${length}"`), "d.yaml"));
    }
    expect(cachedEstimates()).toBeGreaterThan(1_000);
    expect(cachedEstimates()).toBeLessThanOrEqual(2_048);
  });
});
