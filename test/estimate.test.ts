import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bundledCatalog } from "../src/catalog/load.js";
import { type DeploymentValues, resolveDeployment } from "../src/resolve.js";
import { estimateMemory, keepsNoKvCache, SizingInputError } from "../src/sizing/estimate.js";
import { pipelineStages } from "../src/sizing/model-shape.js";
import { GIB } from "../src/sizing/runtime.js";
import type { SizingRequest } from "../src/sizing/types.js";

const catalog = bundledCatalog();

function request(values: DeploymentValues): SizingRequest {
  const resolution = resolveDeployment(catalog, { engine: "vllm", ...values });
  if (!resolution.ok) throw new Error(JSON.stringify(resolution.unresolved));
  return resolution.resolved.request;
}

const gib = (bytes: number) => bytes / GIB;

describe("weights", () => {
  it("counts every Mixtral expert: 87.0 GiB at bf16, not the 24 GiB of the active share", () => {
    const estimate = estimateMemory(request({ model: "mistralai/Mixtral-8x7B-Instruct-v0.1", gpuType: "A10G" }));
    expect(gib(estimate.totalWeightBytes)).toBeCloseTo(87.0, 1);
    expect(gib(estimate.activeWeightBytes)).toBeCloseTo(24.0, 1);
    expect(estimate.verdict).toBe("weights-exceed-memory");
    expect(gib(estimate.perGpu.budgetBytes)).toBeCloseTo(20.2, 1); // 0.90 × 22.5 GiB
  });

  it("sizes a gpt-oss GGUF file of any type with its experts in MXFP4: Unsloth's F16 file of the 20B is 13.8 GB, not 42 GB", () => {
    const f16 = estimateMemory(request({ engine: "llama.cpp", model: "unsloth/gpt-oss-20b-GGUF:F16", gpuType: "rtx-4090", maxModelLen: 8192 }));
    expect(f16.totalWeightBytes / 1e9).toBeCloseTo(13.7, 1);
    expect(f16.verdict).toBe("fits");
    // A dense model's F16 file stays 16-bit throughout: Qwen3-8B's 8.2B parameters are 16.4 GB.
    expect(estimateMemory(request({ engine: "llama.cpp", model: "Qwen3-8B-F16.gguf", gpuType: "rtx-4090", maxModelLen: 8192 })).totalWeightBytes / 1e9).toBeCloseTo(16.4, 0);
  });

  it("splits weights across tensor-parallel ranks (vocab padded to 64 per rank, norms replicated)", () => {
    const tp1 = estimateMemory(request({ model: "mistralai/Mixtral-8x7B-Instruct-v0.1", gpuType: "H100" }));
    const tp2 = estimateMemory(request({ model: "mistralai/Mixtral-8x7B-Instruct-v0.1", gpuType: "H100", tensorParallel: 2 }));
    expect(tp2.perGpu.weightBytes).toBeGreaterThan(tp1.perGpu.weightBytes / 2);
    expect(tp2.perGpu.weightBytes).toBeLessThan(tp1.perGpu.weightBytes / 2 + 0.01 * GIB);
    expect(tp2.verdict).toBe("fits");
  });

  it("stores quantized linear layers at their bits and keeps embeddings and the LM head 16-bit", () => {
    const bf16 = estimateMemory(request({ model: "meta-llama/Llama-3.1-8B-Instruct", gpuType: "L4", maxModelLen: 8192 }));
    const awq = estimateMemory(request({ model: "hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4", gpuType: "L4", maxModelLen: 8192 }));
    // 8.03B params: ~1.05B of embeddings + head stay at 2 bytes; the rest at 4.156 bits.
    expect(gib(bf16.totalWeightBytes)).toBeCloseTo(14.96, 1);
    expect(gib(awq.totalWeightBytes)).toBeGreaterThan(5.2);
    expect(gib(awq.totalWeightBytes)).toBeLessThan(5.6);
  });

  it("reads --quantization as the engine means it: vLLM's experts_int8 as int8, marlin as GPTQ, TGI's bitsandbytes as LLM.int8", () => {
    const formatOf = (values: DeploymentValues) => request({ gpuType: "H100", ...values }).weightFormat.id;
    expect(formatOf({ model: "mistralai/Mixtral-8x7B-Instruct-v0.1", quantization: "experts_int8" })).toBe("int8");
    expect(formatOf({ model: "TheBloke/Mistral-7B-Instruct-v0.2-GPTQ", quantization: "marlin" })).toBe("gptq");
    expect(formatOf({ model: "meta-llama/Llama-3.1-8B-Instruct", quantization: "bitsandbytes" })).toBe("bnb-nf4");
    expect(formatOf({ engine: "tgi", model: "meta-llama/Llama-3.1-8B-Instruct", quantization: "bitsandbytes" })).toBe("bnb-int8");
    expect(formatOf({ model: "hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4", quantization: "compressed-tensors" })).toBe("awq");
  });

  it("uses the checkpoint's native format when none is asked for (DeepSeek-V3 FP8, gpt-oss MXFP4 experts)", () => {
    const v3 = estimateMemory(request({ model: "deepseek-ai/DeepSeek-V3", gpuType: "H200", gpuCount: 8, tensorParallel: 8 }));
    expect(v3.settings.weightFormat).toBe("fp8-block");
    expect(gib(v3.totalWeightBytes)).toBeGreaterThan(620);
    expect(gib(v3.totalWeightBytes)).toBeLessThan(640);
    const oss = estimateMemory(request({ model: "openai/gpt-oss-120b", gpuType: "H100", maxModelLen: 16000 }));
    expect(oss.settings.weightFormat).toBe("mxfp4");
    // Logged: 64.4 GiB (llm-d, vLLM 0.11) and 66.0 GiB (vLLM 0.10.1) — padding of the MXFP4 kernels included.
    expect(gib(oss.perGpu.weightBytes)).toBeGreaterThan(64.0);
    expect(gib(oss.perGpu.weightBytes)).toBeLessThan(66.5);
  });

  it("shards experts over TP × DP ranks with expert parallelism", () => {
    const values: DeploymentValues = { model: "Qwen/Qwen3-235B-A22B-FP8", gpuType: "H100", tensorParallel: 1, dataParallel: 8 };
    const withoutEp = estimateMemory(request(values));
    const withEp = estimateMemory(request({ ...values, expertParallel: true }));
    expect(withEp.parallel.expert).toBe(8);
    expect(withEp.perGpu.weightBytes).toBeLessThan(withoutEp.perGpu.weightBytes / 5);
  });

  it("takes --cpu-offload-gb off every GPU", () => {
    const estimate = estimateMemory(request({ model: "mistralai/Mixtral-8x7B-Instruct-v0.1", gpuType: "A10G", cpuOffloadGiB: 72, maxModelLen: 4096 }));
    expect(gib(estimate.offloadedWeightBytesPerGpu)).toBeCloseTo(72, 5);
    expect(gib(estimate.perGpu.weightBytes)).toBeCloseTo(15.0, 0);
    expect(estimate.verdict).toBe("fits");
  });

  it("sizes a GGUF MXFP4_MOE file as llama.cpp writes it: MXFP4 experts, Q8_0 elsewhere", () => {
    // lmstudio-community/gpt-oss-20b-GGUF gpt-oss-20b-MXFP4.gguf: 12,109,565,632 bytes (its size in
    // the Hub listing copied by a downloader's POPULAR_MODELS table); the file adds its tokenizer and metadata.
    const estimate = estimateMemory(request({ engine: "llama.cpp", model: "lmstudio-community/gpt-oss-20b-GGUF/gpt-oss-20b-MXFP4.gguf", gpuType: "L4" }));
    expect(estimate.totalWeightBytes / 12_109_565_632).toBeGreaterThan(0.99);
    expect(estimate.totalWeightBytes / 12_109_565_632).toBeLessThan(1);
  });

  it("sizes GGUF files with Q8_0 embeddings and output (bartowski's _L) within 1 % of the files", () => {
    // bartowski/Nemotron-Mini-4B-Instruct-GGUF model card: a 256,000-token vocabulary makes the
    // embeddings and output a third of the model, so Q4_K_L is 21 % larger than Q4_K_M.
    for (const [type, gigabytes] of [["Q6_K_L", 3.83], ["Q5_K_L", 3.55], ["Q4_K_L", 3.28]] as const) {
      const estimate = estimateMemory(request({ engine: "llama.cpp", model: `bartowski/Nemotron-Mini-4B-Instruct-GGUF/Nemotron-Mini-4B-Instruct-${type}.gguf`, gpuType: "L4" }));
      expect(Math.abs(estimate.totalWeightBytes / 1e9 / gigabytes - 1)).toBeLessThan(0.01);
    }
  });

  it("splits layers over pipeline stages as vLLM does (remainder to the stages before the last)", () => {
    expect(pipelineStages(61, 2)).toEqual([{ start: 0, end: 31 }, { start: 31, end: 61 }]);
    expect(pipelineStages(80, 3)).toEqual([{ start: 0, end: 27 }, { start: 27, end: 54 }, { start: 54, end: 80 }]);
    const pp = estimateMemory(request({ model: "meta-llama/Llama-3.1-405B-Instruct", gpuType: "H100", tensorParallel: 8, pipelineParallel: 2, maxModelLen: 4096 }));
    expect(pp.gpuCount).toBe(16);
    expect(pp.verdict).toBe("fits");
  });
});

describe("KV cache", () => {
  it("DeepSeek-V3 on 8 × H200 at TP 8: MLA caches 61 × 576 × 2 = 70,272 bytes per token on every GPU", () => {
    const estimate = estimateMemory(request({ model: "deepseek-ai/DeepSeek-V3", gpuType: "H200", gpuCount: 8, tensorParallel: 8 }));
    expect(estimate.kvBytesPerToken).toBe(61 * 576 * 2);
    expect(estimate.kvBytesPerToken).toBe(70_272);
    const tp4 = estimateMemory(request({ model: "deepseek-ai/DeepSeek-V3", gpuType: "H200", tensorParallel: 4, maxModelLen: 8192 }));
    expect(tp4.kvBytesPerToken).toBe(70_272); // not divided by TP
  });

  it("GQA: 2 × layers × KV heads per rank × head_dim × bytes, divided by TP", () => {
    const tp1 = estimateMemory(request({ model: "meta-llama/Llama-3.1-8B-Instruct", gpuType: "H100", maxModelLen: 8192 }));
    expect(tp1.kvBytesPerToken).toBe(2 * 32 * 8 * 128 * 2); // 131,072
    const tp2 = estimateMemory(request({ model: "meta-llama/Llama-3.1-8B-Instruct", gpuType: "H100", tensorParallel: 2, maxModelLen: 8192 }));
    expect(tp2.kvBytesPerToken).toBe(2 * 32 * 4 * 128 * 2);
  });

  it("replicates KV heads when TP exceeds them, and warns", () => {
    const estimate = estimateMemory(request({ model: "Qwen/Qwen3-235B-A22B", gpuType: "H200", tensorParallel: 8, maxModelLen: 8192 }));
    expect(estimate.kvBytesPerToken).toBe(2 * 94 * 1 * 128 * 2); // 4 KV heads → 1 per rank at TP 8
    expect(estimate.warnings.join(" ")).toMatch(/replicating the cache 2×/);
  });

  it("halves KV with an fp8 cache", () => {
    const auto = estimateMemory(request({ model: "meta-llama/Llama-3.1-8B-Instruct", gpuType: "L4", maxModelLen: 8192 }));
    const fp8 = estimateMemory(request({ model: "meta-llama/Llama-3.1-8B-Instruct", gpuType: "L4", maxModelLen: 8192, kvCacheDtype: "fp8" }));
    expect(fp8.kvBytesPerToken).toBe(auto.kvBytesPerToken / 2);
    expect(fp8.kvCapacityTokens).toBeGreaterThan(auto.kvCapacityTokens * 1.9);
  });

  it("bounds sliding-window layers by the window (gpt-oss: 128-token window on half the layers)", () => {
    const estimate = estimateMemory(request({ model: "openai/gpt-oss-20b", gpuType: "H100", maxModelLen: 131072 }));
    const fullLayers = 12;
    // One full-length sequence: full layers hold 131,072 tokens; window layers only window + batch.
    expect(estimate.requestKvBytes).toBeLessThan(2 * fullLayers * 131072 * estimate.kvBytesPerToken / 24);
    expect(estimate.maxConcurrency).toBeGreaterThan(estimate.kvCapacityTokens / 131072);
  });


  it("caches each layer type at its own KV geometry (Gemma 4 12B: 40 sliding layers of 8 × 256, 8 full-attention layers of 1 × 512)", () => {
    const estimate = estimateMemory(request({ model: "google/gemma-4-12B-it", gpuType: "RTX-3090", maxModelLen: 262144, quantization: "awq" }));
    expect(estimate.kvBytesPerToken).toBe(40 * 2 * 8 * 256 * 2 + 8 * 2 * 1 * 512 * 2);
    // One 262,144-token sequence: the full-attention layers hold every token (4 GiB), the sliding ones a window.
    // A sliding layer holds window − 1 + max_num_batched_tokens (2,048 on this GPU), in 16-token blocks, and one block more.
    const window = Math.ceil((1024 - 1 + 2048) / 16) * 16 + 16;
    expect(estimate.requestKvBytes).toBe(8 * 262144 * 2 * 512 * 2 + 40 * window * 2 * 8 * 256 * 2);
    expect(estimate.verdict).toBe("fits");
  });
  it("Llama-3.1-8B on one L4 cannot hold the default 131,072-token context; 8,192 fits", () => {
    const unset = estimateMemory(request({ model: "meta-llama/Llama-3.1-8B-Instruct", gpuType: "L4" }));
    expect(unset.verdict).toBe("kv-cache-too-small");
    expect(unset.maxModelLen).toBe(131072);
    expect(unset.maxModelLenSource).toBe("model-default");
    expect(unset.largestFittingMaxModelLen).toBeGreaterThan(30_000);
    expect(unset.largestFittingMaxModelLen).toBeLessThan(45_000);
    const set = estimateMemory(request({ model: "meta-llama/Llama-3.1-8B-Instruct", gpuType: "L4", maxModelLen: 8192 }));
    expect(set.verdict).toBe("fits");
    expect(set.maxConcurrency).toBeGreaterThan(3);
  });

  it("reports capacity in whole 16-token blocks and concurrency at max_model_len", () => {
    const estimate = estimateMemory(request({ model: "Qwen/Qwen3-8B", gpuType: "A100-80GB", maxModelLen: 32768 }));
    expect(estimate.kvCapacityTokens % 16).toBe(0);
    expect(estimate.maxConcurrency).toBeCloseTo(estimate.perGpu.kvCacheBytes / estimate.requestKvBytes, 6);
  });
});

describe("encoders and embeddings-only engines: no KV cache", () => {
  it("an encoder (BGE-M3 on vLLM) keeps nothing per token: weights and activations decide, concurrency is unbounded", () => {
    const estimate = estimateMemory(request({ model: "BAAI/bge-m3", gpuType: "T4" }));
    expect(estimate).toMatchObject({ verdict: "fits", kvBytesPerToken: 0, requestKvBytes: 0, kvCapacityTokens: 0, maxConcurrency: Number.POSITIVE_INFINITY, maxModelLen: 8192 });
    expect(keepsNoKvCache(estimate)).toBe(true);
    // What is left after weights, activations and runtime memory is room for batches, not a cache.
    const { budgetBytes, weightBytes, activationBytes, overheadBytes, kvCacheBytes } = estimate.perGpu;
    expect(kvCacheBytes).toBeCloseTo(budgetBytes - weightBytes - activationBytes - overheadBytes, 0);
    expect(gib(weightBytes)).toBeCloseTo((567_754_752 * 2) / GIB, 1);
  });

  it("Text Embeddings Inference: any model, decoder or not, reads its input in one pass on the whole GPU, beside the warm-up batch of --max-batch-tokens", () => {
    const tei = (maxNumBatchedTokens?: number) =>
      estimateMemory(request({ engine: "tei", model: "Qwen/Qwen3-Embedding-4B", gpuType: "L4", ...(maxNumBatchedTokens ? { maxNumBatchedTokens } : {}) }));
    const byDefault = tei();
    expect(byDefault).toMatchObject({ verdict: "fits", kvBytesPerToken: 0, maxConcurrency: Number.POSITIVE_INFINITY });
    expect(byDefault.perGpu.budgetBytes).toBe(byDefault.perGpu.memoryBytes);
    expect(byDefault.settings.maxNumBatchedTokens).toBe(16_384);
    expect(tei(65_536).perGpu.activationBytes).toBeGreaterThan(3 * byDefault.perGpu.activationBytes);
    // The same decoder under vLLM keeps a KV cache.
    expect(estimateMemory(request({ model: "Qwen/Qwen3-Embedding-4B", gpuType: "L4" })).kvBytesPerToken).toBeGreaterThan(0);
  });
});

describe("budget and runtime memory", () => {
  it("budgets utilisation × memory and charges activations and non-torch memory to it", () => {
    const estimate = estimateMemory(request({ model: "Qwen/Qwen3-8B", gpuType: "H100", maxModelLen: 16000, gpuMemoryUtilization: 0.8 }));
    const { perGpu } = estimate;
    expect(perGpu.budgetBytes).toBeCloseTo(0.8 * perGpu.memoryBytes, 0);
    expect(perGpu.weightBytes + perGpu.activationBytes + perGpu.overheadBytes + perGpu.kvCacheBytes).toBeCloseTo(perGpu.budgetBytes, 0);
    // vLLM serve defaults on an H100: 8,192 batched tokens, 1,024 sequences.
    expect(estimate.settings).toMatchObject({ maxNumBatchedTokens: 8192, maxNumSeqs: 1024 });
  });

  it("uses the small-GPU scheduler defaults on A100 and L4 (2,048 tokens, 256 sequences)", () => {
    for (const gpuType of ["A100-80GB", "L4"]) {
      const estimate = estimateMemory(request({ model: "Qwen/Qwen3-8B", gpuType, maxModelLen: 8192 }));
      expect(estimate.settings).toMatchObject({ maxNumBatchedTokens: 2048, maxNumSeqs: 256 });
    }
  });

  it("warns when the headroom outside the budget cannot hold the CUDA context and graphs", () => {
    const estimate = estimateMemory(request({ model: "Qwen/Qwen3-8B", gpuType: "L4", maxModelLen: 4096, gpuMemoryUtilization: 0.99 }));
    expect(estimate.warnings.join(" ")).toMatch(/outside the 99 % budget/);
  });

  it("vLLM --kv-cache-memory-bytes: a KV cache of that size, the rest beside it, and --gpu-memory-utilization ignored", () => {
    const fixed = (kvCacheMemoryBytes: number, values: DeploymentValues = {}) =>
      estimateMemory(request({ model: "Qwen/Qwen3-8B", gpuType: "L40S", maxModelLen: 32768, kvCacheMemoryBytes, gpuMemoryUtilization: 0.3, ...values }));
    const eight = fixed(8 * GIB);
    expect(eight.verdict).toBe("fits");
    expect(eight.perGpu.kvCacheBytes).toBe(8 * GIB);
    // Utilisation 0.3 would leave Qwen3-8B's 15.3 GiB of weights no room; with the cache set outright it plays no part.
    expect(fixed(8 * GIB, { gpuMemoryUtilization: 0.9 }).perGpu.budgetBytes).toBe(eight.perGpu.budgetBytes);
    expect(eight.perGpu.budgetBytes).toBeLessThan(eight.perGpu.memoryBytes - 8 * GIB);
    expect(eight.assumptions).toContain("--kv-cache-memory-bytes keeps 8.0 GiB for the KV cache, and vLLM ignores --gpu-memory-utilization");
    // Too small a cache for one full-length sequence: vLLM refuses to start (its ValueError at start-up).
    const four = fixed(4 * GIB);
    expect(four.verdict).toBe("kv-cache-too-small");
    expect(four.kvCapacityTokens).toBe(29_120);
    // Too large a cache leaves the weights no room.
    expect(fixed(40 * GIB).verdict).toBe("weights-exceed-memory");
  });

  it("SGLang: the default mem_fraction_static reserves room for activations and graphs", () => {
    const estimate = estimateMemory(request({ engine: "sglang", model: "Qwen/Qwen3-8B", gpuType: "H100", maxModelLen: 8192 }));
    expect(estimate.settings.gpuMemoryUtilization).toBeGreaterThan(0.8);
    expect(estimate.settings.gpuMemoryUtilization).toBeLessThan(0.9);
    expect(estimate.verdict).toBe("fits");
  });
});

describe("bad input", () => {
  const base = () => request({ model: "meta-llama/Llama-3.1-8B-Instruct", gpuType: "L4", maxModelLen: 4096 });

  it.each([
    [{ tensorParallel: 0 }, /tensor parallel size must be a whole number from 1/],
    [{ tensorParallel: 1.5 }, /tensor parallel size/],
    [{ gpuMemoryUtilization: 1.5 }, /GPU memory utilization must be a number from 0.01 to 1/],
    [{ maxModelLen: -5 }, /max model length/],
    [{ pipelineParallel: 64 }, /exceeds the model's 32 layers/],
    [{ kvCacheDtype: "fp7" }, /unknown KV cache dtype fp7/],
  ])("%o is rejected with a clear message", (change, message) => {
    expect(() => estimateMemory({ ...base(), ...change } as SizingRequest)).toThrow(SizingInputError);
    expect(() => estimateMemory({ ...base(), ...change } as SizingRequest)).toThrow(message);
  });

  it("never throws anything but SizingInputError, and never returns negative memory", () => {
    const models = catalog.models.slice(0, 40);
    const gpus = catalog.gpus.filter((gpu) => gpu.vendor === "nvidia");
    fc.assert(
      fc.property(
        fc.constantFrom(...models),
        fc.constantFrom(...gpus),
        fc.constantFrom("vllm", "sglang", "tgi", "llama.cpp", "ollama"),
        fc.integer({ min: -2, max: 64 }),
        fc.integer({ min: -2, max: 8 }),
        fc.option(fc.integer({ min: -10, max: 2_000_000 }), { nil: undefined }),
        fc.option(fc.double({ min: -1, max: 2, noNaN: true }), { nil: undefined }),
        fc.constantFrom("auto", "fp8", "bf16", "q8_0", "bogus"),
        (model, gpu, engine, tp, pp, maxModelLen, utilization, kv) => {
          const sizing: SizingRequest = {
            engine: engine as SizingRequest["engine"],
            model,
            weightFormat: catalog.format(model.nativeFormat),
            activationBytes: 2,
            gpu,
            tensorParallel: tp,
            pipelineParallel: pp,
            dataParallel: 1,
            expertParallel: false,
            kvCacheDtype: kv,
            ...(maxModelLen !== undefined ? { maxModelLen } : {}),
            ...(utilization !== undefined ? { gpuMemoryUtilization: utilization } : {}),
          };
          try {
            const estimate = estimateMemory(sizing);
            expect(estimate.perGpu.kvCacheBytes).toBeGreaterThanOrEqual(0);
            expect(estimate.kvCapacityTokens).toBeGreaterThanOrEqual(0);
            // Only an encoder, which keeps no KV cache, has a concurrency memory does not bound.
            expect(Number.isFinite(estimate.maxConcurrency) || (keepsNoKvCache(estimate) && model.attention.kind === "encoder")).toBe(true);
          } catch (error) {
            expect(error).toBeInstanceOf(SizingInputError);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
