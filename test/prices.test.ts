/**
 * The price snapshot and cost arithmetic: every price names an instance the catalog knows, the
 * snapshot validates against the catalog schema, settings override and add, and $/M tokens follow
 * from price and throughput.
 */
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import schema from "../src/catalog/schema.json" with { type: "json" };
import { bundledCatalog } from "../src/catalog/load.js";
import { PriceBook, priceBook, priceSnapshots } from "../src/catalog/prices.js";
import { costOf, priceOf, usdPerMillionTokens } from "../src/sizing/cost.js";
import { readSettings, SettingsError } from "../src/settings.js";

const catalog = bundledCatalog();

describe("price snapshot", () => {

  it("validates against the catalog schema and is dated, regional and sourced", () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addSchema(schema, "catalog");
    for (const snapshot of priceSnapshots()) {
      expect(ajv.validate("catalog#/definitions/PriceFile", snapshot), JSON.stringify(ajv.errors)).toBe(true);
      expect(snapshot).toMatchObject({ cloud: "aws", region: "us-east-1", date: "2026-08-26", kind: "on-demand", currency: "USD" });
      expect(snapshot.source).toMatch(/^github:tsaol\/aws-gpu@[0-9a-f]{40} /);
    }
  });

  it("prices only catalog instance types, and all of AWS's but the one without a public price", () => {
    const priced = priceSnapshots().flatMap((snapshot) => snapshot.prices.map((entry) => entry.instanceType));
    for (const id of priced) expect(catalog.resolveInstance(id)?.id, id).toBe(id);
    const aws = catalog.instances.filter((instance) => instance.cloud === "aws").map((instance) => instance.id);
    expect(aws.filter((id) => !priced.includes(id))).toEqual(["p5e.48xlarge"]);
  });
});

describe("priceOf and costOf", () => {
  const book = priceBook(catalog);
  const h100 = catalog.gpu("h100-80gb")!;

  it("prices a named instance as whole instances", () => {
    const p5 = catalog.resolveInstance("p5.48xlarge")!;
    expect(priceOf(book, { gpu: h100, gpuCount: 8, instance: p5 })).toMatchObject({ usdPerHour: 55.04, description: "1 × p5.48xlarge at $55.04/h, AWS us-east-1 on-demand, 2026-08-26" });
    expect(priceOf(book, { gpu: h100, gpuCount: 16, instance: p5 })?.usdPerHour).toBe(110.08);
  });

  it("prices bare GPUs per GPU from the cheapest snapshot instance carrying them", () => {
    const l4 = catalog.gpu("l4")!;
    const price = priceOf(book, { gpu: l4, gpuCount: 2 });
    expect(price?.usdPerHour).toBeCloseTo(2 * 0.8048, 6);
    expect(price?.description).toBe("2 × NVIDIA L4 at $0.805/h, per GPU of g6.xlarge, AWS us-east-1 on-demand, 2026-08-26");
  });

  it("returns no price when none is known, and the settings' prices when given", () => {
    const mi300x = catalog.gpu("mi300x")!;
    expect(priceOf(book, { gpu: mi300x, gpuCount: 8 })).toBeUndefined();
    const settings = readSettings({ prices: { gpus: { MI300X: 2.5 }, instanceTypes: { "p5.48xlarge": 40 } } });
    const custom = priceBook(settings.catalog, settings.prices);
    expect(priceOf(custom, { gpu: mi300x, gpuCount: 8 })).toMatchObject({ usdPerHour: 20, priceSource: "settings.vram.prices" });
    expect(priceOf(custom, { gpu: h100, gpuCount: 8, instance: catalog.resolveInstance("p5.48xlarge")! })?.usdPerHour).toBe(40);
    expect(new PriceBook(catalog, {}, []).gpu(h100)).toBeUndefined();
  });

  it("$ per million output tokens = price per hour ÷ (3,600 × tokens/s) × 10⁶", () => {
    expect(usdPerMillionTokens(36, 1000)).toBeCloseTo(10, 10);
    expect(usdPerMillionTokens(36, 0)).toBeNull();
    const cost = costOf(book, { gpu: h100, gpuCount: 1 }, { decode: { outputTokensPerSecond: 1000 } } as never);
    expect(cost?.usdPerMillionOutputTokens).toBeCloseTo((6.88 / 3600 / 1000) * 1e6, 10);
  });

  it("rejects bad settings.vram.prices with the key named", () => {
    expect(() => readSettings({ prices: { gpu: {} } })).toThrow(new SettingsError('settings.vram.prices has an unknown key "gpu" (expected instanceTypes, gpus)'));
    expect(() => readSettings({ prices: { gpus: { H100: -1 } } })).toThrow(new SettingsError('settings.vram.prices.gpus["H100"] must be a positive number of USD per hour'));
    expect(() => readSettings({ targets: "qps=3" })).toThrow(/settings\.vram\.targets cannot be read: "qps" is not a target key/);
    expect(() => readSettings({ denseEquivalentParams: { "mistralai/Mixtral-8x7B-Instruct-v0.1": "big" } })).toThrow(/must be a parameter count such as 70e9 or "70B"/);
  });
});
