import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ENGINE_IDS, engineById } from "../src/engines/index.js";
import type { EstimateJson } from "../src/report/json.js";
import { runCli } from "./support/cli.js";

const LLAMA_8B = ["--model", "meta-llama/Llama-3.1-8B-Instruct"];
const run = (...argv: string[]) => runCli(["estimate", ...LLAMA_8B, ...argv]);
const json = async (...argv: string[]) => {
  const result = await run(...argv, "--json");
  expect(result.stderr).toBe("");
  return JSON.parse(result.stdout) as EstimateJson;
};

describe("vram estimate --engine", () => {
  it("takes every engine of the registry and TensorRT-LLM's long name", async () => {
    for (const [written, engine] of [
      ["vllm", "vllm"],
      ["sglang", "sglang"],
      ["tgi", "tgi"],
      ["llama.cpp", "llama.cpp"],
      ["ollama", "ollama"],
      ["trtllm", "trtllm"],
      ["tensorrt-llm", "trtllm"],
      ["TensorRT-LLM", "trtllm"],
      ["lmdeploy", "lmdeploy"],
      ["tei", "tei"],
      ["text-embeddings-inference", "tei"],
    ] as const) {
      expect((await json("--gpu", "H100", "--engine", written)).engine, written).toBe(engine);
    }
    const unknown = await run("--gpu", "H100", "--engine", "mlc");
    expect(unknown).toMatchObject({ code: 2, stdout: "" });
    expect(unknown.stderr).toBe('vram: --engine must be one of vllm, sglang, tgi, llama.cpp, ollama, trtllm (tensorrt-llm), lmdeploy, tei, got "mlc"\n');
  });

  it("reads TensorRT-LLM's own flags and sizes its KV cache as a fraction of what is free", async () => {
    const estimate = await json("--gpu", "H100", "--engine", "tensorrt-llm", "--kv_cache_free_gpu_memory_fraction", "0.8", "--max_batch_size", "64", "--max_num_tokens", "4096");
    expect(estimate.settings).toMatchObject({ budgetKind: "fraction-of-free", memoryFraction: 0.8, maxNumSeqs: 64, maxNumBatchedTokens: 4096 });
    const { perGpu } = estimate;
    expect(perGpu.kvCacheBytes).toBeCloseTo(0.8 * (perGpu.budgetBytes - perGpu.weightBytes - perGpu.activationBytes - perGpu.overheadBytes), 0);
    // The portable spelling of the same knob gives the same answer.
    expect((await json("--gpu", "H100", "--engine", "trtllm", "--gpu-memory-utilization", "0.8", "--max_batch_size", "64", "--max_num_tokens", "4096")).perGpu).toEqual(perGpu);
  });

  it("labels the KV row by the engine's fraction and says TensorRT-LLM lowers max_seq_len instead of refusing", async () => {
    const { code, stdout } = await run("--gpu", "L4", "--engine", "trtllm", "--max_seq_len", "131072");
    // It starts: the deployment passes, judged at the shorter context it serves.
    expect(code).toBe(0);
    expect(stdout).toContain("  KV cache (90 % of the rest)   5.3\n");
    expect(stdout).toContain("  assumes TensorRT-LLM starts with max_seq_len lowered to 43,808 tokens, what its KV cache holds, not the 131,072 set\n");
  });

  it("reads LMDeploy's flags; --quant-policy 8 is an int8 KV cache", async () => {
    const estimate = await json("--gpu", "L4", "--engine", "lmdeploy", "--cache-max-entry-count", "0.5", "--session-len", "16384", "--quant-policy", "8");
    expect(estimate).toMatchObject({ engine: "lmdeploy", maxModelLen: 16384, kvBytesPerToken: 65536 });
    expect(estimate.settings).toMatchObject({ memoryFraction: 0.5, kvCacheElementBytes: 1 });
  });

  it("reads SGLang's and TGI's flags", async () => {
    const sglang = await json("--gpu", "L4:2", "--engine", "sglang", "--mem-fraction-static", "0.8", "--tp-size", "2", "--context-length", "8192");
    expect(sglang).toMatchObject({ parallel: { tensor: 2 }, maxModelLen: 8192, settings: { gpuMemoryUtilization: 0.8 } });
    const tgi = await json("--gpu", "L4", "--engine", "tgi", "--num-shard", "1", "--max-total-tokens", "8192", "--max-batch-prefill-tokens", "4096", "--cuda-memory-fraction", "0.9");
    expect(tgi).toMatchObject({ parallel: { tensor: 1 }, maxModelLen: 8192, settings: { maxNumBatchedTokens: 4096 } });
  });

  it("reads llama.cpp's short flags, -ctv included", async () => {
    const estimate = await json("--gpu", "L4", "--engine", "llama.cpp", "-c", "8192", "-ngl", "99", "--parallel", "4", "-ctk", "q8_0", "-ctv", "q8_0");
    expect(estimate).toMatchObject({ maxModelLen: 8192, settings: { kvCacheElementBytes: 34 / 32 } });
    // Keys in q8_0, values in f16: the mean of the two. (`-ctk` alone still sizes both, as before.)
    expect((await json("--gpu", "L4", "--engine", "llama.cpp", "-c", "8192", "-ctk", "q8_0", "-ctv", "f16")).settings.kvCacheElementBytes).toBe((34 / 32 + 2) / 2);
  });

  it("names the engine a flag belongs to and this engine's spelling", async () => {
    expect(await run("--gpu", "L4", "--engine", "tgi", "--mem-fraction-static", "0.8")).toEqual({
      code: 2,
      stdout: "",
      stderr: "vram: --mem-fraction-static is a flag of SGLang (--engine sglang); TGI takes --cuda-memory-fraction\n",
    });
    expect((await run("--gpu", "L4", "--kv_cache_free_gpu_memory_fraction", "0.8")).stderr).toBe(
      "vram: --kv_cache_free_gpu_memory_fraction is a flag of TensorRT-LLM (--engine trtllm); vLLM takes --gpu-memory-utilization\n",
    );
    expect((await run("--gpu", "L4", "--engine", "trtllm", "--gpu-memory-utilization", "0.8", "--kv_cache_free_gpu_memory_fraction", "0.7")).stderr).toBe(
      "vram: gpu memory utilization is given twice, with different values\n",
    );
  });

  it("accepts --engine-version (kept for engine-specific behaviour)", async () => {
    expect((await run("--gpu", "L4", "--engine", "vllm", "--engine-version", "v0.10.1", "--max-model-len", "8192")).code).toBe(0);
  });
});

describe("docs/cli.md", () => {
  it("lists every flag of every engine's table that vram estimate takes", () => {
    const markdown = readFileSync("docs/cli.md", "utf8");
    const section = markdown.slice(markdown.indexOf("### Each engine's own flags"), markdown.indexOf("### Exit codes"));
    // vLLM's spellings (and --tp, --pp, --dp) are the portable options of the table above.
    const portable = new Set(["--tp", "--pp", "--dp", ...engineById("vllm").flags.flatMap((spec) => spec.names)]);
    const missing: string[] = [];
    for (const id of ENGINE_IDS) {
      for (const spec of engineById(id).flags) {
        if (spec.field === "model" || spec.field === "modelFile" || spec.field === "configFile") continue;
        for (const name of spec.names) if (!portable.has(name) && !section.includes(`\`${name}\``)) missing.push(`${id} ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
