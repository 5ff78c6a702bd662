import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_FILE_BYTES } from "../src/explain.js";
import type { EstimateJson } from "../src/report/json.js";
import { runCli } from "./support/cli.js";
import { FIXTURES } from "./support/lint.js";

const run = (...argv: string[]) => runCli(argv);

describe("vram estimate", () => {
  it("explains that all 46.7B Mixtral parameters must be resident although 12.9B are active, exits 1, lists remedies that fit", async () => {
    const { code, stdout, stderr } = await run("estimate", "--model", "mistralai/Mixtral-8x7B-Instruct-v0.1", "--gpu", "A10G");
    expect(code).toBe(1);
    expect(stderr).toBe("");
    expect(stdout).toContain("12.9B parameters are active per token but all 46.7B must be resident (87.0 GiB of weights");
    expect(stdout).toContain("✗ Does not fit");
    // Least change first: the same checkpoint on more A10Gs, then the AWQ checkpoint, then a larger GPU.
    expect(stdout).toMatch(
      /Remedies \(each re-estimated\):\n {2}1\. FP8 \(per-tensor\/per-channel scales\) weights on 4 × NVIDIA A10G at TP 4: [\d,]+ KV tokens.*\n {2}2\. 8 × NVIDIA A10G at TP 8: .*\n {2}3\. AWQ 4-bit \(group 128\) weights \(TheBloke\/Mixtral-8x7B-Instruct-v0\.1-AWQ\) on 2 × NVIDIA A10G at TP 2: [\d,]+ KV tokens/,
    );
  });

  it("sizes a local model folder from its config.json (--model ./dir), as vLLM accepts one", async () => {
    const { code, stdout } = await runCli(["estimate", "--model", "./hf-configs/Qwen--Qwen3-VL-8B-Instruct", "--gpu", "L4", "--max-model-len", "8192", "--json"], FIXTURES);
    expect(code).toBe(0);
    const json = JSON.parse(stdout) as EstimateJson;
    expect(json.model).toMatchObject({ id: "local/Qwen--Qwen3-VL-8B-Instruct", totalParams: 8_767_086_832, weightFormat: "bf16" });
    const missing = await runCli(["estimate", "--model", "./hf-configs/nothing-here", "--gpu", "L4"], FIXTURES);
    expect(missing).toMatchObject({ code: 2, stdout: "" });
    expect(missing.stderr).toMatch(/^vram: --model \.\/hf-configs\/nothing-here: .*does not exist\n$/);
    const stored = await runCli(["estimate", "--model", "./hf-configs/nvidia--Qwen3-235B-A22B-NVFP4", "--gpu", "B200:4", "--json"], FIXTURES);
    expect((JSON.parse(stored.stdout) as EstimateJson).model.weightFormat).toBe("nvfp4");
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
    expect(stdout).toContain("✗ Too few sequences at once: the KV cache (34,128 tokens) holds 1.0 × 32,768-token sequences, fewer than the 8 required.");
    expect(stdout).not.toContain("✓");
  });

  it("prints the documented JSON", async () => {
    const { code, stdout } = await run("estimate", "--model", "deepseek-ai/DeepSeek-V3", "--gpu", "H200:8", "--tensor-parallel-size", "8", "--json");
    expect(code).toBe(0);
    const json = JSON.parse(stdout) as EstimateJson;
    expect(json).toMatchObject({
      verdict: "fits",
      model: { id: "deepseek-ai/DeepSeek-V3", moe: true, totalParams: 671_026_404_352, activeParams: 37_552_282_624 },
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
    [["estimate", "--model", "meta-llama/Lama-3.1-8B-Instruct", "--gpu", "L4"], /^vram: unknown model "meta-llama\/Lama-3.1-8B-Instruct"; closest catalog names: meta-llama\/Llama-3.1-8B, /],
    [["estimate", "--model", "acme/unknown-13b", "--gpu", "L4"], /^vram: unknown model "acme\/unknown-13b"; closest catalog names: \S+, \S+, \S+\n$/],
    [["estimate", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--gpu", "Quantum-9000"], /^vram: unknown GPU "Quantum-9000"; closest catalog names: /],
    [["estimate", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--gpu", "L4", "--tensor-parallel-size", "0"], /^vram: --tensor-parallel-size must be a whole number of at least 1, got "0"/],
    [["estimate", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--gpu", "L4", "--gpu-memory-utilization", "1.5"], /^vram: --gpu-memory-utilization must be a number above 0 and at most 1, got "1.5"/],
    [["estimate", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--gpu", "L4", "--max-model-len", "-5"], /^vram: /],
    [["estimate", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--gpu", "L4", "--gpu-count", "two"], /^vram: --gpu-count must be a whole number of at least 1, got "two"/],
    [["estimate", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--gpu", "L4", "--quantization", "magic"], /^vram: unknown quantization or dtype "magic"/],
    [["estimate", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--gpu", "L4", "--pipeline-parallel-size", "64", "--gpu-count", "64"], /^vram: pipeline parallel size 64 exceeds the model's 32 layers/],
    [["estimate", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--gpu", "L4", "--bogus"], /^vram: Unknown option '--bogus'\n$/],
    [["estimate", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--gpu", "L4", "--gpus", "2"], /^vram: Unknown option '--gpus'\. Did you mean --gpu or --gpu-count\? \(vram --help\)\n$/],
    [["estimate", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--gpu", "L4", "--max_model_len", "8k"], /^vram: Unknown option '--max_model_len'\. Did you mean --max-model-len\? /],
    [["estimate", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--gpu", "L4", "--modle", "x"], /^vram: Unknown option '--modle'\. Did you mean --model\? /],
    [["estimate", "--gpu", "L4"], /^vram: vram estimate needs --model/],
    [["frobnicate"], /^vram: unknown command "frobnicate"/],
    [["toString"], /^vram: unknown command "toString"/],
    [["estimate", "--model", "constructor", "--gpu", "__proto__"], /^vram: unknown model "constructor"/],
    // Terminal escape sequences in a value are shown escaped, never sent to the terminal (issue 10).
    [["estimate", "--model", "acme/\u001b[31mred", "--gpu", "L4"], /^vram: unknown model "acme\/\\u001b\[31mred"; closest/],
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
    expect(stdout).toMatch(/Deployment support-bot \(fixtures\/kubernetes\/unknown-model\.yaml:\d+:\d+\): not judged — "acme-corp\/support-bot-13b-v4" is not in the catalog/);
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

  it("reports unreadable and unparsable files in one line each and exits 2", async () => {
    const missing = await run("explain", "fixtures/does-not-exist.yaml");
    expect(missing.code).toBe(2);
    expect(missing.stdout).toContain("cannot read: ENOENT");
    const folder = mkdtempSync(join(tmpdir(), "vram-explain-"));
    // A broken file whose parser error would quote a long line of it.
    writeFileSync(join(folder, "broken.yaml"), `kind: Deployment\nspec: [${"x, ".repeat(2000)}\n  nope: : :\n`);
    const broken = await runCli(["explain", "broken.yaml"], folder);
    expect(broken.code).toBe(2);
    expect(broken.stdout).toMatch(/^broken\.yaml\n {2}cannot parse: .{1,170} \(line \d+, column \d+\)\n$/);
  });

  it("refuses files that are not regular files or are too large, in one line, without reading them", async () => {
    const devZero = await run("explain", "/dev/zero");
    expect(devZero.code).toBe(2);
    expect(devZero.stdout).toContain("not read: not a regular file");
    const folder = mkdtempSync(join(tmpdir(), "vram-explain-"));
    writeFileSync(join(folder, "huge.yaml"), Buffer.alloc(MAX_FILE_BYTES + 1, 0x20));
    const huge = await runCli(["explain", "huge.yaml"], folder);
    expect(huge.code).toBe(2);
    expect(huge.stdout).toContain("not read: 10.0 MiB is more than the 10 MiB a deployment file can be");
  });

  it("reads a file with a UTF-8 byte-order mark as ESLint does", async () => {
    const folder = mkdtempSync(join(tmpdir(), "vram-explain-"));
    writeFileSync(join(folder, "bom.yaml"), `\uFEFF${readFileSync("fixtures/kubernetes/mixtral-8x7b-a10g.yaml", "utf8")}`);
    const { code, stdout } = await runCli(["explain", "bom.yaml"], folder);
    expect(code).toBe(1);
    expect(stdout).toContain("12.9B parameters are active per token but all 46.7B must be resident");
  });

  it("reads token counts as files write them: --max-model-len 32k is 32,000 (issue 10: the CLI and files accept the same syntax)", async () => {
    const short = await run("estimate", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--gpu", "L4", "--max-model-len", "32k", "--json");
    expect(short.code).toBe(0);
    expect((JSON.parse(short.stdout) as { maxModelLen: number }).maxModelLen).toBe(32000);
    const binary = await run("estimate", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--gpu", "L4", "--max-model-len", "1K", "--json");
    expect((JSON.parse(binary.stdout) as { maxModelLen: number }).maxModelLen).toBe(1024);
  });

  it("reads --max-model-len auto and -1 as files do: the largest context the KV cache holds, with the same figure as vram explain (issue 10)", async () => {
    const folder = mkdtempSync(join(tmpdir(), "vram-auto-"));
    const manifest = (written: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc\nspec:\n  template:\n    spec:\n      nodeSelector:\n        cloud.google.com/gke-accelerator: nvidia-l4\n      containers:\n        - name: vllm\n          image: vllm/vllm-openai:v0.11.0\n          args: ["--model", "meta-llama/Llama-3.1-8B-Instruct", "--max-model-len", "${written}"]\n          resources:\n            limits:\n              nvidia.com/gpu: 1\n`;
    writeFileSync(join(folder, "auto.yaml"), manifest("auto"));
    const explained = await runCli(["explain", "auto.yaml", "--json"], folder);
    const fromFile = (JSON.parse(explained.stdout) as { files: Array<{ deployments: Array<{ estimate: { maxModelLen: number } }> }> }).files[0]!.deployments[0]!.estimate.maxModelLen;
    expect(fromFile).toBeLessThan(131072);
    for (const written of [["--max-model-len", "auto"], ["--max-model-len", "-1"], ["--max-model-len=-1"]]) {
      const { code, stdout } = await run("estimate", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--gpu", "L4", "--engine-version", "0.11.0", ...written, "--json");
      expect(code, written.join(" ")).toBe(0);
      expect((JSON.parse(stdout) as { maxModelLen: number }).maxModelLen).toBe(fromFile);
    }
  });

  it("reads a Helm chart template and says it judges only the rendered output (exit 0: nothing is stated as fact)", async () => {
    const { code, stdout } = await run("explain", "fixtures/helm-chart/llm-server/templates/deployment.yaml", "fixtures/helm-chart/llm-server/templates/service.yaml");
    expect(code).toBe(0);
    expect(stdout).toContain("not judged — it sits in a Go template ({{- range .Values.model.extraArgs }}) that may add or drop settings");
    expect(stdout).toContain("fixtures/helm-chart/llm-server/templates/service.yaml\n  no model deployments found");
  });
});

describe("one answer from the CLI and the rules", () => {
  it("vram estimate exits 1 for bfloat16 on a T4, as vram/quantization-supported reports", async () => {
    const { code, stdout } = await run("estimate", "--model", "meta-llama/Llama-3.2-3B-Instruct", "--gpu", "T4", "--dtype", "bfloat16", "--max-model-len", "4096");
    expect(code).toBe(1);
    expect(stdout).toContain("✗ Does not start: bfloat16 needs compute capability 8.0; NVIDIA T4 is 7.5 (float16 takes the same memory and runs there) (vram/quantization-supported).");
    // Memory alone is stated, never as "fits": the deployment does not start.
    expect(stdout).toContain("  Memory alone: the KV cache would hold ");
    expect(stdout).not.toMatch(/fits/i);
  });

  it("vram explain on TGI with NUM_SHARD 4 on 2 GPUs and no GPU type: does not start, and 'fits' is nowhere", async () => {
    const folder = mkdtempSync(join(tmpdir(), "vram-explain-"));
    const manifest = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: tgi}\nspec:\n  template:\n    spec:\n      containers:\n        - name: tgi\n          image: ghcr.io/huggingface/text-generation-inference:2.2.0\n          env:\n            - {name: MODEL_ID, value: meta-llama/Llama-3.1-8B-Instruct}\n            - {name: NUM_SHARD, value: \"4\"}\n          resources: {limits: {nvidia.com/gpu: 2}}\n";
    writeFileSync(join(folder, "tgi.yaml"), manifest);
    const { code, stdout } = await runCli(["explain", "tgi.yaml"], folder);
    expect(code).toBe(1);
    expect(stdout).toContain("no GPU type is named; as written it starts on none of the catalog's NVIDIA GPUs\n");
    expect(stdout).toContain("✗ Does not start: the engine starts 4 ranks but 2 GPUs are requested");
    expect(stdout).not.toMatch(/fits/i);
  });

  it("vram estimate exits 1 for tensor parallel 3 with 64 attention heads, as vram/parallelism-matches-gpus reports", async () => {
    const { code, stdout } = await run("estimate", "--model", "meta-llama/Llama-3.1-70B-Instruct", "--gpu", "H100", "--gpu-count", "3", "--tensor-parallel-size", "3");
    expect(code).toBe(1);
    expect(stdout).toContain(
      "✗ Does not start: tensor parallel 3 does not divide Llama-3.1-70B-Instruct's 64 attention heads, so the engine refuses to start; sizes that do: 1, 2, 4, 8 (vram/parallelism-matches-gpus).",
    );
    const json = JSON.parse((await run("estimate", "--model", "meta-llama/Llama-3.1-70B-Instruct", "--gpu", "H100", "--gpu-count", "3", "--tensor-parallel-size", "3", "--json")).stdout) as EstimateJson;
    expect(json.checks).toEqual([expect.objectContaining({ rule: "vram/parallelism-matches-gpus", severity: "error" })]);
  });

  it("vram estimate warns about offloaded experts with the decode bound vram/expert-offload gives", async () => {
    const { code, stdout } = await run("estimate", "--model", "mistralai/Mixtral-8x7B-Instruct-v0.1", "--gpu", "T4", "--cpu-offload-gb", "80", "--max-model-len", "4096", "--dtype", "float16");
    // The arithmetic the rule's message leaves to the CLI: what each token reads, over which link, how fast.
    expect(stdout).toMatch(
      /\n {2}! experts offloaded: [\d.]+ GiB of weights per GPU stay in CPU memory; each token reads [\d.]+ GiB of them over the host link at about \d+ GB\/s, so one sequence decodes at (?:about|most) [\d.]+ tokens\/s( \(about [\d.]+ with every weight on the GPUs\))? \(vram\/expert-offload\)/,
    );
    expect(code).toBe(0);
  });

  it("vram estimate and vram explain read settings.vram and the KV option from the ESLint config of the folder (or --config)", async () => {
    const folder = mkdtempSync(join(tmpdir(), "vram-settings-"));
    const config = `// A stand-in for the plugin: only its rule names are needed to hold options.
const vram = { rules: { "kv-cache-headroom": { meta: { schema: false }, create: () => ({}) } } };
export default [{
  files: ["**/*.yaml"],
  plugins: { vram },
  settings: { vram: { models: [{ id: "acme/support-bot-8b", extends: "meta-llama/Llama-3.1-8B-Instruct" }] } },
  rules: { "vram/kv-cache-headroom": ["error", { minConcurrentSequences: 8 }] },
}];
`;
    writeFileSync(join(folder, "eslint.config.mjs"), config);
    const args = ["estimate", "--model", "acme/support-bot-8b", "--gpu", "L4", "--max-model-len", "32768"];
    const configured = await runCli(args, folder);
    expect(configured.stderr).toBe("");
    expect(configured.code).toBe(1);
    expect(configured.stdout).toContain("fewer than the 8 required");
    // Elsewhere the model is unknown…
    const elsewhere = mkdtempSync(join(tmpdir(), "vram-settings-"));
    expect((await runCli(args, elsewhere)).stderr).toMatch(/^vram: unknown model "acme\/support-bot-8b"/);
    // …unless --config points at the config.
    expect((await runCli([...args, "--config", join(folder, "eslint.config.mjs")], elsewhere)).code).toBe(1);
    writeFileSync(join(folder, "bot.yaml"), "model: acme/support-bot-8b\ngpu: L4\nmax_model_len: 32768\n");
    const explained = await runCli(["explain", "bot.yaml"], folder);
    expect(explained.code).toBe(1);
    expect(explained.stdout).toContain("fewer than the 8 required");
  });

  it("a bad settings.vram is one line and exit 2", async () => {
    const folder = mkdtempSync(join(tmpdir(), "vram-settings-"));
    writeFileSync(join(folder, "eslint.config.mjs"), `export default [{ files: ["**/*.yaml"], settings: { vram: { models: [{ id: "x/y" }] } } }];\n`);
    const { code, stderr } = await runCli(["estimate", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--gpu", "L4"], folder);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^vram: settings\.vram\.models\[0\] is missing "\w+"\n$/);
  });
});
