/**
 * The speed, cost and double-penalty output of `vram estimate` and `vram explain`: the flags, the
 * `performance` JSON shape docs/cli.md documents, and "what if" quantization that is never an error.
 */
import { describe, expect, it } from "vitest";
import type { EstimateJson } from "../src/report/json.js";
import { runCli } from "./support/cli.js";

const run = (...argv: string[]) => runCli(argv);
const json = async (...argv: string[]) => JSON.parse((await run(...argv, "--json")).stdout) as EstimateJson;

describe("vram estimate: serving speed", () => {
  it("adds performance to --json at the stated workload", async () => {
    const out = await json("estimate", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--gpu", "L4", "--max-model-len", "8192", "--concurrency", "8", "--input-len", "2000", "--output-len", "500");
    expect(out.performance).toMatchObject({
      workload: { inputTokens: 2000, outputTokens: 500 },
      concurrency: 8,
      concurrencyLimit: "set",
      bound: "weights-bound",
      decode: { expertsTouchedPerLayer: null, weightShareRead: 1 },
      cost: { usdPerHour: 0.8048, priceSource: expect.stringMatching(/^github:tsaol\/aws-gpu@/) },
      moe: null,
      calibratedOn: "vllm",
    });
    const perf = out.performance!;
    expect(perf.decode.msPerTokenRange[0]).toBeLessThan(perf.decode.msPerToken);
    expect(perf.decode.msPerTokenRange[1]).toBeGreaterThan(perf.decode.msPerToken);
    expect(perf.decode.outputTokensPerSecond).toBeCloseTo((8 / perf.decode.msPerToken) * 1000, 6);
    expect(perf.cost!.usdPerMillionOutputTokens).toBeCloseTo((0.8048 / (3600 * perf.decode.outputTokensPerSecond)) * 1e6, 6);
    expect(perf.prefill.timeToFirstTokenMs).toBeGreaterThan(0);
  });

  it("shows MoE experts touched and the double penalty beside a named dense size", async () => {
    const out = await json("estimate", "--model", "mistralai/Mixtral-8x7B-Instruct-v0.1", "--gpu", "A100-80GB:4", "--max-model-len", "4096", "--concurrency", "16", "--dense-equivalent-params", "70B");
    expect(out.performance!.decode.expertsTouchedPerLayer).toBeCloseTo(7.9, 1);
    expect(out.performance!.moe).toMatchObject({ denseSource: "--dense-equivalent-params", dense: { totalParams: 70e9, fits: true } });
    const text = (await run("estimate", "--model", "mistralai/Mixtral-8x7B-Instruct-v0.1", "--gpu", "A100-80GB:4", "--max-model-len", "4096")).stdout;
    expect(text).toContain("Mixture-of-Experts double penalty");
    expect(text).toContain("Name the dense size you hold equal in quality (--dense-equivalent-params 70B, or settings.vram.denseEquivalentParams)");
  });

  it("says why when the speed cannot be estimated, and prices each remedy's hardware", async () => {
    const out = await json("estimate", "--model", "mistralai/Mixtral-8x7B-Instruct-v0.1", "--gpu", "A10G");
    expect(out.performance).toBeNull();
    expect(out.performanceUnknown).toBe("the weights do not fit, so nothing is served");
    // A10G at $1.006 per GPU-hour (g5.xlarge), H200 at $7.912 (p5en.48xlarge ÷ 8): AWS us-east-1, 2026-08-26.
    // Least change first (the same GPU type, then the same checkpoint: FP8 on the fly before an AWQ repository), then cost.
    expect(out.suggestions.map((suggestion) => [suggestion.gpuCount, suggestion.usdPerHour])).toEqual([
      [4, 4.024],
      [8, 8.048],
      [2, 2.012],
      [1, 7.912],
    ]);
  });

  it("sizes --quantization for a model stored otherwise as that format's checkpoint, without an error", async () => {
    const { code, stdout } = await run("estimate", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--gpu", "L4", "--quantization", "awq", "--max-model-len", "8192");
    expect(code).toBe(0);
    expect(stdout).not.toContain("Does not start");
    expect(stdout).toContain("assumes a checkpoint stored as AWQ 4-bit (group 128) (--quantization awq; Llama-3.1-8B-Instruct itself is stored as BF16)");
  });

  it("rejects bad speed flags as usage errors", async () => {
    expect(await run("estimate", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--gpu", "L4", "--concurrency", "0")).toMatchObject({ code: 2, stderr: 'vram: --concurrency must be a whole number of at least 1, got "0"\n' });
    expect(await run("estimate", "--model", "mistralai/Mixtral-8x7B-Instruct-v0.1", "--gpu", "H100", "--dense-equivalent-params", "huge")).toMatchObject({
      code: 2,
      stderr: 'vram: --dense-equivalent-params must be a parameter count such as 70B or 70e9, got "huge"\n',
    });
  });
});

describe("vram explain: serving speed per deployment", () => {
  it("uses the deployment's vram.lint/target as the workload", async () => {
    const { stdout } = await run("explain", "--json", "fixtures/kubernetes/llama-3.3-70b-fp8-2xh100-target.yaml");
    const [deployment] = (JSON.parse(stdout) as { files: Array<{ deployments: Array<{ estimate: EstimateJson }> }> }).files[0]!.deployments;
    expect(deployment!.estimate.performance).toMatchObject({ workload: { inputTokens: 2000, outputTokens: 500 }, concurrency: 64, concurrencyLimit: "set" });
    const text = (await run("explain", "fixtures/kubernetes/llama-3.3-70b-fp8-2xh100-target.yaml")).stdout;
    expect(text).toContain("Serving speed (2,000 input + 500 output tokens, 64 sequences at once: as stated)");
  });
});
