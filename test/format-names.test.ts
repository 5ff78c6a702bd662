/**
 * Quantization and precision spellings as people write them resolve in one place (the catalog), for
 * the rules and the CLI alike; an unknown spelling names the nearest formats.
 */
import { describe, expect, it } from "vitest";
import { bundledCatalog } from "../src/catalog/load.js";
import { runCli } from "./support/cli.js";
import { findings, lint } from "./support/lint.js";

const catalog = bundledCatalog();

describe("quantization spellings", () => {
  it.each([
    ["gptq-4bit", "gptq"],
    ["GPTQ 4-bit", "gptq"],
    ["gptq_int4", "gptq"],
    ["gptq-8bit", "gptq-int8"],
    ["awq-4bit", "awq"],
    ["awq-int4", "awq"],
    ["AWQ (4-bit)", "awq"],
    ["4bit-awq", "awq"],
    ["int8", "int8"],
    ["8-bit", "int8"],
    ["int4", "gptq"],
    ["4-bit", "gptq"],
    ["fp16", "fp16"],
    ["bf16", "bf16"],
    ["BFloat16", "bf16"],
    ["float8_e4m3fn", "fp8"],
    ["fp8-e4m3", "fp8"],
    ["q4_k_m", "gguf-q4_k_m"],
    ["Q4_K_M", "gguf-q4_k_m"],
    ["Q8_0", "gguf-q8_0"],
    ["nf4", "bnb-nf4"],
    ["bnb_4bit", "bnb-nf4"],
    ["bitsandbytes-8bit", "bnb-int8"],
  ])("%s → %s", (written, id) => {
    expect(catalog.resolveFormat(written)?.id).toBe(id);
  });

  it("names the nearest formats for a spelling nobody knows, and reads nothing into a huge one", () => {
    expect(catalog.resolveFormat("gtpq")).toBeUndefined();
    expect(catalog.closestFormatNames("gtpq")[0]).toBe("gptq");
    expect(catalog.closestFormatNames("awk-4bit")[0]).toBe("awq");
    const huge = "gptq-4bit".repeat(40_000);
    const started = performance.now();
    expect(catalog.resolveFormat(huge)).toBeUndefined();
    expect(catalog.closestFormatNames(huge)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(200);
  });

  it("the seed app config {model: Mixtral-8x7B-Instruct, gpu: A10G, quant: gptq-4bit} is judged: it does not fit one A10G", () => {
    const text = "model: mistralai/Mixtral-8x7B-Instruct-v0.1\ngpu: A10G\nquant: gptq-4bit\n";
    expect(findings(lint(text, "llm.yaml")).map((message) => `${message.ruleId} ${message.line}:${message.column} ${message.messageId}`)).toEqual([
      "vram/weights-fit 2:6 moeResident",
    ]);
  });

  it("the CLI reads the same spellings and names the nearest ones", async () => {
    const judged = await runCli(["estimate", "--model", "mistralai/Mixtral-8x7B-Instruct-v0.1", "--gpu", "A10G", "--quantization", "gptq-4bit", "--json"]);
    expect(judged.code).toBe(1);
    expect(JSON.parse(judged.stdout)).toMatchObject({ verdict: "weights-exceed-memory", model: { weightFormat: "gptq" } });
    const unknown = await runCli(["estimate", "--model", "mistralai/Mixtral-8x7B-Instruct-v0.1", "--gpu", "A10G", "--quantization", "gtpq"]);
    expect(unknown.stderr).toBe('vram: unknown quantization or dtype "gtpq"; closest known formats: gptq\n');
  });
});
