import { describe, expect, it } from "vitest";
import type { EstimateJson } from "../src/report/json.js";
import { runCli } from "./support/cli.js";

const run = (...argv: string[]) => runCli(argv);

describe("vram estimate", () => {
  it("explains that all 46.7B Mixtral parameters must be resident although 12.9B are active, exits 1, lists remedies that fit", async () => {
    const { code, stdout, stderr } = await run("estimate", "--model", "mistralai/Mixtral-8x7B-Instruct-v0.1", "--gpu", "A10G");
    expect(code).toBe(1);
    expect(stderr).toBe("");
    expect(stdout).toContain("12.9B parameters are active per token but all 46.7B must be resident (87.0 GiB of weights");
    expect(stdout).toContain("✗ Does not fit");
    expect(stdout).toMatch(/Remedies \(each re-estimated\):\n {2}1\. AWQ 4-bit \(group 128\) weights \(TheBloke\/Mixtral-8x7B-Instruct-v0\.1-AWQ\) on 2 × NVIDIA A10G at TP 2: [\d,]+ KV tokens/);
  });

  it("exits 0 when it fits (Mixtral on 2 × H100 at TP 2)", async () => {
    const { code, stdout } = await run("estimate", "--model", "mistralai/Mixtral-8x7B-Instruct-v0.1", "--gpu", "H100", "--tensor-parallel-size", "2");
    expect(code).toBe(0);
    expect(stdout).toContain("✓ Fits");
  });

  it("says why it exits 1 when the cache holds fewer sequences than --min-concurrent-sequences asks", async () => {
    const args = ["estimate", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--gpu", "L4", "--max-model-len", "32768"];
    expect((await run(...args)).code).toBe(0);
    const { code, stdout } = await run(...args, "--min-concurrent-sequences", "8");
    expect(code).toBe(1);
    expect(stdout).toContain("✗ Too few sequences at once: the KV cache (38,224 tokens) holds 1.1 × 32,768-token sequences, fewer than the 8 required.");
    expect(stdout).not.toContain("✓");
  });

  it("prints the documented JSON", async () => {
    const { code, stdout } = await run("estimate", "--model", "deepseek-ai/DeepSeek-V3", "--gpu", "H200:8", "--tensor-parallel-size", "8", "--json");
    expect(code).toBe(0);
    const json = JSON.parse(stdout) as EstimateJson;
    expect(json).toMatchObject({
      verdict: "fits",
      model: { id: "deepseek-ai/DeepSeek-V3", moe: true, totalParams: 671e9, activeParams: 37e9 },
      gpu: { id: "h200", count: 8 },
      kvBytesPerToken: 70_272,
      maxModelLen: 163_840,
      suggestions: [],
    });
    expect(Object.keys(json.perGpu).sort()).toEqual(["activationBytes", "budgetBytes", "kvCacheBytes", "memoryBytes", "overheadBytes", "weightBytes"]);
    expect(json.kvCapacityTokens).toBeGreaterThan(163_840);
    expect(json.maxConcurrency).toBeGreaterThan(1);
  });

  it("accepts instance types and SkyPilot-style counts for --gpu", async () => {
    const instance = JSON.parse((await run("estimate", "--model", "mistralai/Mixtral-8x7B-Instruct-v0.1", "--gpu", "ml.g5.48xlarge", "--json")).stdout) as EstimateJson;
    expect(instance.gpu).toMatchObject({ id: "a10g", count: 8 });
    expect(instance.parallel.tensor).toBe(8);
    const counted = JSON.parse((await run("estimate", "--model", "meta-llama/Llama-3.1-70B-Instruct", "--gpu", "A100-80GB:2", "--json")).stdout) as EstimateJson;
    expect(counted.gpu).toMatchObject({ id: "a100-80gb", count: 2 });
  });

  it.each([
    [["estimate", "--model", "meta-llama/Llama-3.1-8B-Instruc", "--gpu", "L4"], /^vram: unknown model "meta-llama\/Llama-3.1-8B-Instruc"; closest catalog names: meta-llama\/Llama-3.1-8B, /],
    [["estimate", "--model", "acme/unknown-13b", "--gpu", "L4"], /^vram: unknown model "acme\/unknown-13b"; closest catalog names: \S+, \S+, \S+\n$/],
    [["estimate", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--gpu", "Quantum-9000"], /^vram: unknown GPU "Quantum-9000"; closest catalog names: /],
    [["estimate", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--gpu", "L4", "--tensor-parallel-size", "0"], /^vram: --tensor-parallel-size must be a whole number of at least 1, got "0"/],
    [["estimate", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--gpu", "L4", "--gpu-memory-utilization", "1.5"], /^vram: --gpu-memory-utilization must be a number above 0 and at most 1, got "1.5"/],
    [["estimate", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--gpu", "L4", "--max-model-len", "-5"], /^vram: /],
    [["estimate", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--gpu", "L4", "--gpu-count", "two"], /^vram: --gpu-count must be a whole number of at least 1, got "two"/],
    [["estimate", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--gpu", "L4", "--quantization", "magic"], /^vram: unknown quantization or dtype "magic"/],
    [["estimate", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--gpu", "L4", "--pipeline-parallel-size", "64", "--gpu-count", "64"], /^vram: pipeline parallel size 64 exceeds the model's 32 layers/],
    [["estimate", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--gpu", "L4", "--bogus"], /^vram: Unknown option '--bogus'/],
    [["estimate", "--gpu", "L4"], /^vram: vram estimate needs --model/],
    [["frobnicate"], /^vram: unknown command "frobnicate"/],
    [["toString"], /^vram: unknown command "toString"/],
    [["estimate", "--model", "constructor", "--gpu", "__proto__"], /^vram: unknown model "constructor"/],
  ])("usage error %j: one clear line, exit 2", async (argv, message) => {
    const { code, stderr, stdout } = await run(...argv);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(message);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it("prints the version with the catalog date", async () => {
    const { code, stdout } = await run("--version");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^eslint-plugin-vram \d+\.\d+\.\d+ \(catalog \d{4}-\d{2}-\d{2}\)\n$/);
  });
});

describe("vram explain", () => {
  it("lists every deployment with its breakdown, or why it cannot be judged", async () => {
    const { code, stdout } = await run("explain", "fixtures/kubernetes/mixtral-8x7b-a10g.yaml", "fixtures/kubernetes/unknown-model.yaml");
    expect(code).toBe(1);
    expect(stdout).toContain("Deployment mixtral-chat (fixtures/kubernetes/mixtral-8x7b-a10g.yaml:");
    expect(stdout).toContain("12.9B parameters are active per token but all 46.7B must be resident");
    expect(stdout).toMatch(/Deployment support-bot \(fixtures\/kubernetes\/unknown-model\.yaml:\d+:\d+\): not judged — unknown model "acme-corp\/support-bot-13b-v4"/);
  });

  it("prints JSON with the estimate fields and where each deployment was found", async () => {
    const { code, stdout } = await run("explain", "--json", "fixtures/kubernetes/mixtral-8x7b-2xh100.yaml");
    expect(code).toBe(0);
    const json = JSON.parse(stdout) as { files: Array<{ path: string; deployments: Array<{ location: { line: number }; status: string; estimate: EstimateJson }> }> };
    expect(json.files[0]!.path).toBe("fixtures/kubernetes/mixtral-8x7b-2xh100.yaml");
    const [deployment] = json.files[0]!.deployments;
    expect(deployment!.status).toBe("judged");
    expect(deployment!.location.line).toBeGreaterThan(1);
    expect(deployment!.estimate).toMatchObject({ verdict: "fits", gpu: { id: "h100-80gb", count: 2 }, parallel: { tensor: 2 } });
  });

  it("reports unreadable and unparsable files and exits 2", async () => {
    const missing = await run("explain", "fixtures/does-not-exist.yaml");
    expect(missing.code).toBe(2);
    expect(missing.stdout).toContain("cannot read: ENOENT");
    const template = await run("explain", "fixtures/kubernetes/helm-template.yaml");
    expect(template.code).toBe(2);
    expect(template.stdout).toContain("cannot parse");
  });
});
