/**
 * What each engine does with memory, release by release: the semantics src/engines models, each
 * checked on a deployment whose numbers follow from the sources the modules cite.
 */
import { describe, expect, it } from "vitest";
import { bundledCatalog } from "../src/catalog/load.js";
import { engineRunsOnVendor } from "../src/engines/index.js";
import { hostEmbeddingBytes } from "../src/engines/llama-cpp.js";
import { ollamaDefaultContext } from "../src/engines/ollama.js";
import { sglangDefaults } from "../src/engines/sglang.js";
import { tgiDefaultPrefillTokens, tgiReserve, tgiWarmupBytes } from "../src/engines/tgi.js";
import { atLeast, compareReleases, parseRelease } from "../src/engines/versions.js";
import { checkParallelism } from "../src/judge/parallelism.js";
import { checkQuantization } from "../src/judge/quantization.js";
import { type DeploymentValues, resolveDeployment } from "../src/resolve.js";
import { readSettings } from "../src/settings.js";
import { estimateMemory } from "../src/sizing/estimate.js";
import { GIB, MIB } from "../src/sizing/runtime.js";
import type { MemoryEstimate } from "../src/sizing/types.js";

const catalog = bundledCatalog();

function resolved(values: DeploymentValues) {
  const resolution = resolveDeployment(catalog, { gpuCount: 1, ...values });
  if (!resolution.ok) throw new Error(`unresolved: ${JSON.stringify(resolution.unresolved)}`);
  return resolution.resolved;
}

function estimate(values: DeploymentValues): MemoryEstimate {
  return estimateMemory(resolved(values).request);
}

const LLAMA_8B_Q4_K_M = "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF/Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf";

describe("engine releases", () => {
  it("reads the versions tags and pip builds write", () => {
    expect(parseRelease("v0.10.1", "semver")).toEqual([0, 10, 1]);
    expect(parseRelease("0.4.6.post1-cu124", "semver")).toEqual([0, 4, 6]);
    expect(parseRelease("1.0.0rc6", "semver")).toEqual([1, 0, 0]);
    expect(parseRelease("3.3", "semver")).toEqual([3, 3, 0]);
    expect(parseRelease("v0.11.0-rocm", "semver")).toEqual([0, 11, 0]);
    expect(parseRelease("server-cuda-b6000", "build")).toEqual([6000]);
    expect(parseRelease("b4023", "build")).toEqual([4023]);
    // Moving tags, commit builds and source builds without tags name no release: the current one applies.
    for (const moving of ["latest", "nightly", "sha-3f2a1b0", "0.1.dev7548+gbaba038", "server-cuda"]) expect(parseRelease(moving, moving.includes("server") ? "build" : "semver")).toBeUndefined();
    expect(compareReleases([0, 10, 1], [0, 9, 9])).toBeGreaterThan(0);
    expect(atLeast(undefined, [9, 9, 9])).toBe(true);
  });

  it("takes the release from settings.vram.engineVersions when the file names none, and says so when it names none it knows", () => {
    const settings = readSettings({ engineVersions: { vllm: "0.7.2" } });
    const resolution = resolveDeployment(settings.catalog, { engine: "vllm", model: "meta-llama/Llama-3.1-8B-Instruct", gpuType: "L4", gpuCount: 1 }, settings.defaults);
    expect(resolution.ok && resolution.resolved.request.engineVersion).toBe("0.7.2");
    const tagged = resolveDeployment(settings.catalog, { engine: "vllm", engineVersion: "v0.11.0", model: "meta-llama/Llama-3.1-8B-Instruct", gpuType: "L4", gpuCount: 1 }, settings.defaults);
    expect(tagged.ok && tagged.resolved.request.engineVersion).toBe("v0.11.0");
    const unknown = resolved({ engine: "vllm", engineVersion: "sha-3f2a1b0", model: "meta-llama/Llama-3.1-8B-Instruct", gpuType: "L4" });
    expect(unknown.assumptions).toContain('"sha-3f2a1b0" names no vLLM release, so the current one is assumed');
    expect(resolved({ engine: "vllm", engineVersion: "latest", model: "meta-llama/Llama-3.1-8B-Instruct", gpuType: "L4" }).assumptions).toEqual([]);
  });
});

describe("vLLM across releases", () => {
  const llama = { engine: "vllm", model: "meta-llama/Llama-3.1-8B-Instruct", gpuType: "RTX 3090", maxModelLen: 16384 } as const;

  it("V0 (before 0.8) profiles the whole context at once below 32k, 512 tokens with chunked prefill above", () => {
    expect(estimate({ ...llama, engineVersion: "0.6.4" }).settings).toMatchObject({ maxNumBatchedTokens: 16384, maxNumSeqs: 256 });
    expect(estimate({ ...llama, engineVersion: "0.7.2", maxModelLen: 65536 }).settings.maxNumBatchedTokens).toBe(512);
    expect(estimate({ ...llama, engineVersion: "0.10.1" }).settings.maxNumBatchedTokens).toBe(2048);
  });

  it("before 0.6.4 the CUDA context counted against the budget; from 0.21 the profiled CUDA graphs do", () => {
    const [old, v020, current] = ["0.6.3", "0.20.0", undefined].map((engineVersion) => estimate({ ...llama, ...(engineVersion ? { engineVersion } : {}), maxNumBatchedTokens: 2048 }));
    expect(old!.perGpu.overheadBytes - v020!.perGpu.overheadBytes).toBeCloseTo(0.5 * GIB, -3);
    expect(current!.perGpu.overheadBytes).toBeGreaterThan(v020!.perGpu.overheadBytes + 0.25 * GIB);
    expect(current!.perGpu.kvCacheBytes).toBeLessThan(v020!.perGpu.kvCacheBytes);
  });

  it("sizes gpt-oss-120b's MXFP4 experts on one H100 for the Triton kernels from 0.11 (64.4 GiB logged), Marlin before (66.0)", () => {
    const weights = (engineVersion?: string) => estimate({ engine: "vllm", model: "openai/gpt-oss-120b", gpuType: "H100", maxModelLen: 16000, ...(engineVersion ? { engineVersion } : {}) }).perGpu.weightBytes / GIB;
    expect(weights()).toBeCloseTo(64.4, 0);
    expect(weights("0.10.1")).toBeCloseTo(65.9, 0);
    // The A100 has no native MXFP4 path: Marlin pads there in every release.
    expect(estimate({ engine: "vllm", model: "openai/gpt-oss-120b", gpuType: "A100-80GB", gpuCount: 4, tensorParallel: 4 }).perGpu.weightBytes / GIB).toBeCloseTo(17.2, 0);
  });
});

describe("SGLang", () => {
  it("starts when the pool is shorter than the context and serves requests as long as the pool holds", () => {
    const result = estimate({ engine: "sglang", model: "meta-llama/Llama-3.1-8B-Instruct", gpuType: "L4", maxModelLen: 131072 });
    expect(result.verdict).toBe("fits");
    expect(result.contextCappedFrom).toBe(131072);
    expect(result.maxModelLen).toBeLessThan(131072);
    expect(result.maxModelLen).toBe(result.kvCapacityTokens);
    expect(result.assumptions.at(-1)).toMatch(/^SGLang starts and serves requests of up to [\d,]+ tokens, what its KV pool holds, not the 131,072 set$/);
  });

  it("defaults --mem-fraction-static by tensor parallel size before 0.5.3, by GPU memory and layout after", () => {
    const h100 = catalog.gpu("h100-80gb")!;
    expect(sglangDefaults(h100, 4, 1, [0, 4, 6]).memFractionStatic).toBe(0.85);
    expect(sglangDefaults(h100, 8, 1, [0, 4, 6]).memFractionStatic).toBe(0.81);
    expect(sglangDefaults(catalog.gpu("l4")!, 1, 1, [0, 4, 6])).toMatchObject({ memFractionStatic: 0.88, chunkedPrefillSize: 2048, cudaGraphMaxBs: 8 });
    // 512 + 8192 × 1.5 + 256 × 2 + 128 = 13,440 MiB, below the 10 GiB floor of large GPUs? No: above it.
    expect(sglangDefaults(h100, 1, 1).memFractionStatic).toBeCloseTo(1 - 13440 / (h100.memoryBytes / MIB), 3);
  });

  it("gives hybrid linear-attention models a separate state pool: 0.9 / 1.9 of what the weights leave from 0.5.4, 0.2 / 1.2 before", () => {
    const next = { engine: "sglang", model: "Qwen/Qwen3-Next-80B-A3B-Instruct", gpuType: "H100", gpuCount: 4, tensorParallel: 4, maxModelLen: 32768, gpuMemoryUtilization: 0.8 } as const;
    const current = estimate(next);
    const old = estimate({ ...next, engineVersion: "0.5.2" });
    expect(current.perGpu.kvCacheBytes / old.perGpu.kvCacheBytes).toBeCloseTo(1.2 / 1.9, 2);
    expect(current.assumptions).toContain("SGLang gives 47 % of the memory after the weights to its Mamba state pool");
    // vLLM keeps the states in its KV blocks instead.
    expect(estimate({ ...next, engine: "vllm" }).assumptions.join(" ")).not.toMatch(/state pool/);
  });

  it("runs --dp inside the TP group under --enable-dp-attention: tp GPUs, attention at tp / dp on each", () => {
    const r1 = { engine: "sglang", model: "deepseek-ai/DeepSeek-R1", gpuType: "H200", gpuCount: 8, tensorParallel: 8 } as const;
    const grouped = resolved({ ...r1, dataParallel: 8, attentionDataParallel: true });
    expect(grouped.request).toMatchObject({ tensorParallel: 8, dataParallel: 1, attentionDataParallel: 8 });
    expect(grouped.requestedGpus).toBe(8);
    expect(checkParallelism(grouped, { ...r1, dataParallel: 8, attentionDataParallel: true })).toEqual([]);
    // Each GPU holds all of MLA attention (its latent KV is on every rank either way) and 1/8 of the experts.
    const plain = estimate(r1);
    const dpAttention = estimateMemory(grouped.request);
    expect(dpAttention.kvBytesPerToken).toBe(plain.kvBytesPerToken);
    expect(dpAttention.perGpu.weightBytes).toBeGreaterThan(plain.perGpu.weightBytes);
    expect(estimateMemory(resolved({ ...r1, dataParallel: 2, attentionDataParallel: true }).request).perGpu.weightBytes).toBeLessThan(dpAttention.perGpu.weightBytes);
    // Without DP attention, each --dp rank is a replica with GPUs of its own; SGLang refuses a --dp that does not divide --tp.
    expect(resolved({ ...r1, dataParallel: 8 }).request.dataParallel).toBe(8);
    expect(checkParallelism(resolved({ ...r1, dataParallel: 3, attentionDataParallel: true }), { ...r1, dataParallel: 3 })).toEqual([{ kind: "ranks-exceed-gpus", ranks: 24, gpus: 8 }]);
    // TensorRT-LLM's enable_attention_dp keeps its data-parallel size as replicas.
    expect(resolved({ ...r1, engine: "trtllm", attentionDataParallel: true }).request).toMatchObject({ dataParallel: 1, attentionDataParallel: 8 });
  });
});

describe("DeepSeek Sparse Attention", () => {
  it("adds the indexer's 132-byte key per token and layer to the MLA latent, 656 bytes in the FP8 layout", () => {
    const v32 = { engine: "vllm", model: "deepseek-ai/DeepSeek-V3.2", gpuType: "H200", gpuCount: 8, tensorParallel: 8, maxModelLen: 32768 } as const;
    expect(estimate(v32).kvBytesPerToken).toBe(61 * (576 * 2 + 132));
    expect(estimate({ ...v32, kvCacheDtype: "fp8" }).kvBytesPerToken).toBe(61 * (656 + 132));
    // DeepSeek-V3 (dense MLA) has no indexer.
    expect(estimate({ ...v32, model: "deepseek-ai/DeepSeek-V3" }).kvBytesPerToken).toBe(61 * 576 * 2);
  });
});

describe("TGI across releases", () => {
  it("holds back nothing before 1.4.1, a share of the free memory up to 2.4, a share of the GPU from 3.0", () => {
    expect(tgiReserve([1, 0, 0])).toEqual({ ofTotal: 1, ofFree: 1 });
    expect(tgiReserve([2, 0, 4])).toEqual({ ofTotal: 1, ofFree: 0.95 });
    expect(tgiReserve([2, 4, 1])).toEqual({ ofTotal: 1, ofFree: 0.9 });
    expect(tgiReserve([3, 0, 1])).toEqual({ ofTotal: 0.95, ofFree: 1 });
    expect(tgiReserve([3, 2, 3])).toEqual({ ofTotal: 0.93, ofFree: 1 });
    expect(tgiReserve(undefined)).toEqual({ ofTotal: 0.9, ofFree: 1 });
  });

  it("defaults max_total_tokens to 4,096 in 2.x (refusing when the cache holds fewer) and infers it from the cache in 3.x", () => {
    const llama = { engine: "tgi", model: "meta-llama/Llama-3.1-8B-Instruct", gpuType: "L4" } as const;
    expect(estimate({ ...llama, engineVersion: "2.4.1" })).toMatchObject({ maxModelLen: 4096, maxModelLenSource: "engine-default", refusesWhenKvTooSmall: true });
    expect(estimate({ ...llama, engineVersion: "1.4.5" }).maxModelLen).toBe(2048);
    const v3 = estimate(llama);
    expect(v3).toMatchObject({ verdict: "fits", contextCappedFrom: 131072, refusesWhenKvTooSmall: false });
    expect(v3.maxModelLen).toBe(v3.kvCapacityTokens);
    // An explicit --max-total-tokens above what warm-up finds stops every release.
    expect(estimate({ ...llama, maxModelLen: 131072 }).verdict).toBe("kv-cache-too-small");
  });

  it("warms up with 4,096 prefill tokens before 3.0 (4,145 in 2.0–2.3) and with the compute-optimal batch from 3.0", () => {
    const request = resolved({ engine: "tgi", model: "meta-llama/Llama-3.1-8B-Instruct", gpuType: "H100" }).request;
    expect(tgiDefaultPrefillTokens({ ...request, engineVersion: "1.4.5" })).toBe(4096);
    expect(tgiDefaultPrefillTokens({ ...request, engineVersion: "2.0.4" })).toBe(4145);
    expect(tgiDefaultPrefillTokens({ ...request, engineVersion: "2.4.1" })).toBe(4096);
    // 900 TFLOPS over ~15 GFLOP per token: about 60k tokens on an H100; an A10 is not in TGI's table.
    expect(tgiDefaultPrefillTokens(request)).toBeGreaterThan(50_000);
    expect(tgiDefaultPrefillTokens(resolved({ engine: "tgi", model: "meta-llama/Llama-3.1-8B-Instruct", gpuType: "A10" }).request)).toBe(4096);
    // Before 3.0 an unset prefill budget is --max-input-tokens + 50 (launcher/src/main.rs, v2.1.0–v2.4.0).
    expect(tgiDefaultPrefillTokens({ ...request, engineVersion: "2.1.0", maxInputTokens: 2048 })).toBe(2098);
    expect(tgiDefaultPrefillTokens({ ...request, maxInputTokens: 2048 })).toBeGreaterThan(50_000);
  });

  it("holds the warm-up's prefill log-probabilities before 3.0 (8 bytes per prefill token and vocabulary entry), not from 3.0", () => {
    const request = resolved({ engine: "tgi", model: "meta-llama/Llama-3.1-8B-Instruct", gpuType: "A10G", maxNumBatchedTokens: 4096 }).request;
    const forward = (tokens: number) => tokens * 1000;
    expect(tgiWarmupBytes({ ...request, engineVersion: "2.2.0" }, 4096, forward)).toBe(4096 * 1000 + 4096 * 128256 * 8);
    expect(tgiWarmupBytes({ ...request, engineVersion: "3.0.0" }, 4096, forward)).toBe(4096 * 1000);
  });
});

describe("llama.cpp", () => {
  const base = { engine: "llama.cpp", model: LLAMA_8B_Q4_K_M, gpuType: "RTX 3090", maxModelLen: 8192, gpuLayers: 99 } as const;

  it("keeps the token embedding table in host memory: the GPU holds the file minus it (4,403 MiB for Llama 3.1 8B Q4_K_M)", () => {
    const result = estimate(base);
    expect(hostEmbeddingBytes(resolved(base).request.model, catalog.format("gguf-q4_k_m")) / MIB).toBeCloseTo(281.8, 0);
    expect(result.perGpu.weightBytes / MIB).toBeCloseTo(4403, -2);
    // A tied LM head loads a GPU copy of the table, so the GPU holds the whole file.
    const tied = resolved({ ...base, model: "llama3.2:3b" }).request;
    expect(hostEmbeddingBytes(tied.model, tied.weightFormat)).toBe(0);
  });

  it("allocates exactly its context: -c cells of KV, f16 values unless -ctv says otherwise", () => {
    expect(estimate(base)).toMatchObject({ kvCapacityTokens: 8192, maxConcurrency: 1 });
    expect(estimate(base).perGpu.kvCacheBytes / MIB).toBe(1024);
    const keysOnly = estimate({ ...base, kvCacheDtype: "q8_0" });
    // Keys at q8_0 (34 bytes per 32 values), values at f16.
    expect(keysOnly.perGpu.kvCacheBytes / MIB).toBeCloseTo((512 * (34 / 32)) / 2 + 512, 5);
    expect(keysOnly.warnings).toEqual([]);
    const both = estimate({ ...base, kvCacheDtype: "q8_0", kvCacheValueDtype: "q8_0", flashAttention: false });
    expect(both.warnings.join(" ")).toMatch(/a quantized value cache needs flash attention/);
  });

  it("keeps the first layers on the CPU with -ngl below the layer count, and their KV cache with them", () => {
    const half = estimate({ ...base, gpuLayers: 16 });
    expect(half.gpuLayers).toEqual({ onGpu: 16, total: 33 });
    expect(half.perGpu.kvCacheBytes / MIB).toBe(512);
    expect(half.offloadedWeightBytesPerGpu).toBeGreaterThan(half.perGpu.weightBytes);
  });

  it("with --fit (b7400 on) shrinks an unset context to fit, then keeps layers on the CPU; before, 4,096 tokens and no layer on the GPU without -ngl", () => {
    const fitted = estimate({ engine: "llama.cpp", model: "bartowski/Meta-Llama-3.1-70B-Instruct-GGUF/Meta-Llama-3.1-70B-Instruct-Q4_K_M.gguf", gpuType: "L4" });
    expect(fitted.verdict).toBe("fits");
    expect(fitted.maxModelLen).toBe(4096);
    expect(fitted.gpuLayers!.onGpu).toBeLessThan(fitted.gpuLayers!.total);
    expect(fitted.assumptions.join(" | ")).toMatch(/llama\.cpp's --fit shrinks the context to 4,096 tokens \| llama\.cpp's --fit keeps \d+ of 81 layers on the CPU/);
    const old = estimate({ engine: "llama.cpp", engineVersion: "b4500", model: LLAMA_8B_Q4_K_M, gpuType: "L4" });
    expect(old).toMatchObject({ maxModelLen: 4096, gpuLayers: { onGpu: 0, total: 33 } });
    expect(old.assumptions).toContain("llama-server b4500 keeps every layer on the CPU without -ngl");
    // With -ngl and -c set, nothing adapts: a context that does not fit fails.
    expect(estimate({ ...base, gpuType: "RTX 4080", maxModelLen: 131072 }).verdict).toBe("kv-cache-too-small");
  });

  it("with -c set and -ngl not, --fit keeps layers on the CPU to make room for the context, keeping its 1 GiB margin while it chooses", () => {
    // Qwen3.6-27B Q6_K (20.5 GiB) on a 24 GiB card: with every layer on the GPU and the margin kept,
    // a 32,768-token context does not fit; --fit moves layers to the CPU until it does.
    const fitted = estimate({ engine: "llama.cpp", model: "unsloth/Qwen3.6-27B-GGUF:Q6_K", gpuType: "RTX 4090", maxModelLen: 32768 });
    expect(fitted).toMatchObject({ verdict: "fits", maxModelLen: 32768, kvCapacityTokens: 32768 });
    expect(fitted.gpuLayers!.onGpu).toBeLessThan(fitted.gpuLayers!.total);
    expect(fitted.assumptions.join(" | ")).toMatch(/llama\.cpp's --fit keeps \d+ of 65 layers on the CPU/);
    // What it chose leaves the margin free, as --fit does; a written -ngl of the same count does not keep it.
    const chosen = fitted.gpuLayers!.onGpu;
    const written = estimate({ engine: "llama.cpp", model: "unsloth/Qwen3.6-27B-GGUF:Q6_K", gpuType: "RTX 4090", maxModelLen: 32768, gpuLayers: chosen });
    expect(written.perGpu.kvCacheBytes).toBeGreaterThanOrEqual(fitted.perGpu.kvCacheBytes);
  });
});

describe("Ollama", () => {
  it("defaults the context by release and, from 0.16, by total VRAM", () => {
    const model = catalog.resolveModel("llama3.1:8b")!.model;
    expect(ollamaDefaultContext(24 * GIB, model, [0, 5, 4])).toBe(2048);
    expect(ollamaDefaultContext(24 * GIB, model, [0, 9, 0])).toBe(4096);
    expect(ollamaDefaultContext(24 * GIB, model)).toBe(32768);
    expect(ollamaDefaultContext(48 * GIB, model)).toBe(131072);
    expect(ollamaDefaultContext(16 * GIB, model)).toBe(4096);
  });

  it("before 0.10 loads four parallel slots of the context when they fit", () => {
    const old = estimate({ engine: "ollama", engineVersion: "0.5.4", model: "llama3.2:3b", gpuType: "RTX 3090" });
    expect(old).toMatchObject({ maxModelLen: 2048, kvCapacityTokens: 8192, maxConcurrency: 4 });
    expect(old.perGpu.kvCacheBytes / MIB).toBe(896);
    expect(estimate({ engine: "ollama", model: "llama3.2:3b", gpuType: "RTX 3090" }).maxConcurrency).toBe(1);
  });

  it("applies OLLAMA_KV_CACHE_TYPE only with flash attention", () => {
    const q8 = { engine: "ollama", model: "llama3.1:8b", gpuType: "RTX 3090", maxModelLen: 8192, kvCacheDtype: "q8_0" } as const;
    expect(estimate({ ...q8, flashAttention: true }).settings.kvCacheElementBytes).toBeCloseTo(34 / 32, 5);
    const off = estimate({ ...q8, flashAttention: false });
    expect(off.settings.kvCacheElementBytes).toBe(2);
    expect(off.warnings).toContain("OLLAMA_KV_CACHE_TYPE=q8_0 is ignored without flash attention: the cache stays f16");
  });

  it("loads what fits instead of failing: a shorter default context, then layers on the CPU", () => {
    const big = estimate({ engine: "ollama", model: "llama3.1:70b", gpuType: "RTX 4090" });
    expect(big.verdict).toBe("fits");
    expect(big.maxModelLen).toBe(4096);
    expect(big.gpuLayers!.onGpu).toBeLessThan(81);
    expect(big.assumptions.join(" | ")).toMatch(/Ollama steps its default context down to 4,096 tokens \| Ollama keeps \d+ of 81 layers on the CPU/);
    // On a GPU whose default context is already the smallest tier, only layers move to the CPU.
    const small = estimate({ engine: "ollama", model: "qwen2.5:14b", gpuType: "RTX 4060" });
    expect(small.maxModelLen).toBe(4096);
    expect(small.assumptions.filter((note) => note.startsWith("Ollama"))).toEqual(["Ollama's default context here is 4,096 tokens", "Ollama keeps 15 of 49 layers on the CPU"]);
  });
});

describe("TensorRT-LLM and LMDeploy", () => {
  it("TensorRT-LLM's attention data parallelism keeps all of attention and every KV head on each rank", () => {
    const layout = { engine: "trtllm", model: "Qwen/Qwen3-235B-A22B-FP8", gpuType: "H200", gpuCount: 8, tensorParallel: 8, maxModelLen: 8192 } as const;
    const tp = estimate(layout);
    const dp = estimate({ ...layout, attentionDataParallel: true });
    expect(dp.kvBytesPerToken).toBe(tp.kvBytesPerToken * 4 / 1);
    expect(dp.perGpu.weightBytes).toBeGreaterThan(tp.perGpu.weightBytes);
  });

  it("TensorRT-LLM runs on NVIDIA GPUs only", () => {
    const onAmd = resolved({ engine: "trtllm", model: "meta-llama/Llama-3.1-8B-Instruct", gpuType: "MI300X" });
    expect(checkQuantization(catalog, onAmd, { engine: "trtllm" })).toEqual([{ kind: "vendor-unsupported", engine: "TensorRT-LLM", gpu: onAmd.request.gpu, runsOn: "an NVIDIA GPU" }]);
    // vLLM and TGI have TPU builds; the rest run on GPUs only.
    expect(engineRunsOnVendor("vllm", "google")).toBe(true);
    expect(engineRunsOnVendor("tgi", "google")).toBe(true);
    expect(engineRunsOnVendor("llama.cpp", "google")).toBe(false);
    expect(engineRunsOnVendor("sglang", "google")).toBe(false);
    expect(engineRunsOnVendor("llama.cpp", "amd")).toBe(true);
    const onTpu = resolved({ engine: "ollama", model: "meta-llama/Llama-3.1-8B-Instruct", gpuType: "tpu-v6e" });
    expect(checkQuantization(catalog, onTpu, { engine: "ollama" })).toEqual([{ kind: "vendor-unsupported", engine: "Ollama", gpu: onTpu.request.gpu, runsOn: "a GPU" }]);
  });

  it("LMDeploy's PyTorch engine sets aside a prefill chunk's logits (tokens × vocab × 7 bytes) before the KV cache takes its share", () => {
    const llama = { engine: "lmdeploy", model: "meta-llama/Llama-3.1-8B-Instruct", gpuType: "H100" } as const;
    const turbomind = estimate(llama);
    const pytorch = estimate({ ...llama, backend: "pytorch" });
    expect(pytorch.perGpu.overheadBytes - turbomind.perGpu.overheadBytes).toBe(8192 * 128256 * 7);
    expect(pytorch.perGpu.kvCacheBytes).toBeCloseTo(turbomind.perGpu.kvCacheBytes - 0.8 * 8192 * 128256 * 7, -3);
  });
});
