/**
 * The speed model's arithmetic and the seed checks: experts touched per batch, the Mixtral against
 * Llama 2 70B figures the article measured, offloaded experts on a T4, and speed that is never
 * guessed for a GPU the catalog has no figures for.
 */
import { describe, expect, it } from "vitest";
import { bundledCatalog } from "../src/catalog/load.js";
import { type DeploymentValues, resolveDeployment } from "../src/resolve.js";
import { estimateMemory } from "../src/sizing/estimate.js";
import { estimateSpeed, expertsTouched, type SpeedEstimate, type Workload } from "../src/sizing/speed.js";
import { doublePenalty } from "../src/sizing/double-penalty.js";

function speedOf(values: DeploymentValues, workload: Partial<Workload>): SpeedEstimate {
  const resolution = resolveDeployment(bundledCatalog(), values);
  if (!resolution.ok) throw new Error(JSON.stringify(resolution.unresolved));
  const memory = estimateMemory(resolution.resolved.request);
  const result = estimateSpeed(resolution.resolved.request, memory, workload);
  if (!result.known) throw new Error(result.reason);
  return result.speed;
}

const onA100x4 = (model: string): DeploymentValues => ({ engine: "vllm", model, gpuType: "A100-80GB", gpuCount: 4, tensorParallel: 4, maxModelLen: 4096 });
const MIXTRAL = "mistralai/Mixtral-8x7B-Instruct-v0.1";
const LLAMA2 = "meta-llama/Llama-2-70b-chat-hf";

describe("experts touched per layer, E · (1 − (1 − k/E)^B)", () => {
  it("matches the figures of facts/speed.md for DeepSeek-V3 (256 experts, top 8) and Mixtral (8, top 2)", () => {
    expect([1, 4, 16, 64, 128].map((b) => Math.round(expertsTouched(256, 8, b)))).toEqual([8, 31, 102, 222, 252]);
    expect([1, 2, 4, 8, 16].map((b) => Number(expertsTouched(8, 2, b).toFixed(1)))).toEqual([2, 3.5, 5.5, 7.2, 7.9]);
  });
});

describe("seed checks: Mixtral 8x7B against Llama 2 70B on 4 × A100 with vLLM", () => {
  const workload = { inputTokens: 512, outputTokens: 512 };
  const at = (model: string, concurrency: number) => speedOf(onA100x4(model), { ...workload, concurrency });

  it("at batch 1 Mixtral decodes several times faster (it reads 2 of 8 experts)", () => {
    const mixtral = at(MIXTRAL, 1);
    const llama = at(LLAMA2, 1);
    expect(mixtral.decode.expertsTouchedPerLayer).toBe(2);
    expect(llama.decode.msPerToken / mixtral.decode.msPerToken).toBeGreaterThan(3);
    expect([mixtral.decode.msPerToken, llama.decode.msPerToken].map((value) => Number(value.toFixed(2)))).toEqual([7.37, 29.73]);
  });

  it("under load (16 and 64 sequences) the advantage shrinks to 1.5–2×, as the article measured (~3,500 against ~2,000 tokens/s)", () => {
    for (const concurrency of [16, 64]) {
      const ratio = at(MIXTRAL, concurrency).decode.outputTokensPerSecond / at(LLAMA2, concurrency).decode.outputTokensPerSecond;
      expect(ratio, `at ${concurrency}`).toBeGreaterThanOrEqual(1.5);
      expect(ratio, `at ${concurrency}`).toBeLessThanOrEqual(2.05);
    }
    expect(at(MIXTRAL, 16).decode.expertsTouchedPerLayer).toBeCloseTo(7.9, 1);
    expect([16, 64].map((c) => Math.round(at(MIXTRAL, c).decode.outputTokensPerSecond))).toEqual([806, 2781]);
    expect([16, 64].map((c) => Math.round(at(LLAMA2, c).decode.outputTokensPerSecond))).toEqual([475, 1379]);
  });

  it("shows the double penalty beside a named 70B dense equivalent, without a verdict", () => {
    const resolution = resolveDeployment(bundledCatalog(), onA100x4(MIXTRAL));
    if (!resolution.ok) throw new Error("unresolved");
    const memory = estimateMemory(resolution.resolved.request);
    const speed = at(MIXTRAL, 16);
    const penalty = doublePenalty(resolution.resolved.request, memory, speed, { ...workload, concurrency: 16 }, { params: 70e9, source: "--dense-equivalent-params" })!;
    expect(penalty.activeShare).toBeCloseTo(12.9 / 46.7, 2);
    expect(penalty.moe.weightShareRead).toBeGreaterThan(0.95);
    expect(penalty.dense).toMatchObject({ fits: true, totalParams: 70e9, weightShareRead: 1 });
    expect(penalty.dense!.weightBytes / memory.totalWeightBytes).toBeCloseTo(1.5, 1);
    expect(penalty.dense!.msPerToken!).toBeGreaterThan(penalty.moe.msPerToken!);
  });
});

describe("offloaded experts", () => {
  it("reproduces the seed's ~1.7 tokens/s for Mixtral with offloaded experts on a T4 within 2×", () => {
    const speed = speedOf(
      { engine: "vllm", model: "TheBloke/Mixtral-8x7B-Instruct-v0.1-AWQ", gpuType: "T4", gpuCount: 1, maxModelLen: 4096, cpuOffloadGiB: 12 },
      { concurrency: 1, inputTokens: 128, outputTokens: 128 },
    );
    const ratio = 1.7 / speed.decode.outputTokensPerSecond;
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
    expect(speed.decode.breakdown.hostMs).toBeGreaterThan(speed.decode.breakdown.weightsMs);
  });
});

describe("concurrency and bounds", () => {
  it("defaults to what the KV cache holds at the stated lengths, capped by max_num_seqs, and says which binds", () => {
    const l4 = speedOf({ engine: "vllm", model: "meta-llama/Llama-3.1-8B-Instruct", gpuType: "L4", maxModelLen: 8192 }, { inputTokens: 2000, outputTokens: 500 });
    expect(l4.concurrencyLimit).toBe("kv-cache");
    expect(l4.concurrency).toBe(Math.floor(l4.kvLimitedConcurrency));
    const h200 = speedOf({ engine: "vllm", model: "meta-llama/Llama-3.1-8B-Instruct", gpuType: "H200", maxModelLen: 8192, maxNumSeqs: 64 }, { inputTokens: 200, outputTokens: 200 });
    expect(h200.concurrencyLimit).toBe("max-num-seqs");
    expect(h200.concurrency).toBe(64);
  });

  it("runs llama.cpp's --parallel slots at once within its one context, and one sequence without it", () => {
    const llama = (maxNumSeqs?: number) =>
      speedOf({ engine: "llama.cpp", model: "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF/Meta-Llama-3.1-8B-Instruct-Q8_0.gguf", gpuType: "T4", gpuLayers: 99, maxModelLen: 32768, ...(maxNumSeqs ? { maxNumSeqs } : {}) }, { inputTokens: 1000, outputTokens: 1000 });
    expect([llama(), llama(4)].map((speed) => [speed.concurrency, speed.concurrencyLimit])).toEqual([[1, "max-num-seqs"], [4, "max-num-seqs"]]);
    expect(llama(4).decode.msPerToken).toBeGreaterThan(llama().decode.msPerToken);
  });

  it("goes from weights-bound at batch 1 to compute-bound with long prompts under load", () => {
    const llama = (concurrency: number, inputTokens: number) =>
      speedOf({ engine: "vllm", model: "meta-llama/Llama-3.3-70B-Instruct", quantization: "fp8", gpuType: "H100", gpuCount: 2, tensorParallel: 2, maxModelLen: 16384 }, { concurrency, inputTokens, outputTokens: 200 });
    expect(llama(1, 500).bound).toBe("weights-bound");
    expect(llama(16, 8000).bound).toBe("compute-bound");
    expect(llama(16, 8000).decode.msPerToken).toBeGreaterThan(llama(4, 8000).decode.msPerToken);
  });

  it("chunks a long prompt by max_num_batched_tokens for the time to first token", () => {
    const ttft = (chunk: number) =>
      speedOf({ engine: "vllm", model: "meta-llama/Llama-3.1-8B-Instruct", gpuType: "H100", maxModelLen: 32768, maxNumBatchedTokens: chunk }, { concurrency: 1, inputTokens: 16000, outputTokens: 100 }).prefill.timeToFirstTokenMs;
    expect(ttft(2048)).toBeGreaterThan(ttft(16384));
  });

  it("never guesses: a GPU without bandwidth or TFLOPS in the catalog has no speed", () => {
    const catalog = bundledCatalog();
    const resolution = resolveDeployment(catalog, { engine: "vllm", model: "meta-llama/Llama-3.1-8B-Instruct", gpuType: "L4", maxModelLen: 8192 });
    if (!resolution.ok) throw new Error("unresolved");
    const { request } = resolution.resolved;
    const { denseTflops: _tflops, ...withoutTflops } = request.gpu;
    const bare = { ...request, gpu: withoutTflops };
    expect(estimateSpeed(bare, estimateMemory(bare))).toEqual({ known: false, reason: "the catalog has no tensor TFLOPS for the NVIDIA L4, so its speed is unknown" });
    const noBandwidth = { ...request, gpu: { ...request.gpu, memoryBandwidthGBps: null } };
    expect(estimateSpeed(noBandwidth, estimateMemory(noBandwidth))).toEqual({ known: false, reason: "the catalog has no memory bandwidth for the NVIDIA L4, so its speed is unknown" });
  });

  it("keeps the default requests within the context the deployment serves", () => {
    const speed = speedOf({ engine: "vllm", model: "meta-llama/Llama-3.1-8B-Instruct", gpuType: "L4", maxModelLen: 1024 }, {});
    expect(speed.workload).toEqual({ inputTokens: 512, outputTokens: 512 });
    expect(speed.assumptions).toContain("requests of 512 input and 512 output tokens, as none are stated");
  });

  it("states when an engine borrows another's calibration", () => {
    const speed = speedOf({ engine: "tgi", model: "meta-llama/Llama-3.1-8B-Instruct", gpuType: "L4", maxModelLen: 4096 }, {});
    expect(speed.calibratedOn).toBe("vllm");
    expect(speed.assumptions).toContain("speed calibrated on vLLM's measured runs; none of TGI's were available");
  });
});
