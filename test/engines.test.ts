import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseYAML } from "yaml-eslint-parser";
import { bundledCatalog } from "../src/catalog/load.js";
import { type DocNode, documentsOf } from "../src/extract/doc.js";
import { commandTokens, namedArgTokens, parseEngineCall, valuesOf } from "../src/extract/engine-args.js";
import {
  configFieldsOf,
  describeImage,
  ENGINE_IDS,
  engineById,
  engineByName,
  engineFromImage,
  engineOfContainer,
  flagFor,
  formatRunsOn,
  needsCheckpoint,
} from "../src/engines/index.js";
import { resolveDeployment } from "../src/resolve.js";
import { estimateMemory } from "../src/sizing/estimate.js";
import { GIB } from "../src/sizing/runtime.js";

const catalog = bundledCatalog();

/** The engine call of a container snippet (command + args, image for args-only containers). */
function callOf(yaml: string) {
  const [container] = documentsOf(parseYAML(yaml) as never) as DocNode[];
  const items = [...(container!.get("command")?.items() ?? []), ...(container!.get("args")?.items() ?? [])];
  const { tokens } = commandTokens(items, yaml, new Map());
  const imageEngine = engineFromImage(container!.get("image")?.value as string | undefined);
  return parseEngineCall(tokens, imageEngine ? { imageEngine } : {});
}

describe("the engine registry", () => {
  it("looks engines up by id and by the names people and platforms write", () => {
    expect(ENGINE_IDS).toEqual(["vllm", "sglang", "tgi", "llama.cpp", "ollama", "trtllm", "lmdeploy", "tei"]);
    for (const [written, engine] of [
      ["VLLM", "vllm"],
      ["vLLM", "vllm"],
      ["SGLang", "sglang"],
      ["text-generation-inference", "tgi"],
      ["Text Generation Inference", "tgi"],
      ["llamacpp", "llama.cpp"],
      ["llama.cpp", "llama.cpp"],
      ["OLlama", "ollama"],
      ["tensorrt-llm", "trtllm"],
      ["TensorRT-LLM", "trtllm"],
      ["TRT-LLM", "trtllm"],
      ["tensorrt_llm", "trtllm"],
      ["LMDeploy", "lmdeploy"],
      ["turbomind", "lmdeploy"],
      ["lorax", "tgi"],
      ["text-embeddings-inference", "tei"],
      ["TEI", "tei"],
    ] as const) {
      expect(engineByName(written), written).toBe(engine);
    }
    for (const written of ["triton", "FasterWhisper", "Infinity", "", "constructor", "__proto__"]) expect(engineByName(written), written).toBeUndefined();
    expect(engineById("trtllm").displayName).toBe("TensorRT-LLM");
  });

  it("recognises each engine's images, NIM images and the engine's release in the tag", () => {
    for (const [image, engine] of [
      ["vllm/vllm-openai:v0.10.1", "vllm"],
      ["lmsysorg/sglang:v0.5.2-cu126", "sglang"],
      ["ghcr.io/huggingface/text-generation-inference:3.3.4", "tgi"],
      ["ghcr.io/predibase/lorax:main", "tgi"],
      ["ghcr.io/ggml-org/llama.cpp:server-cuda", "llama.cpp"],
      ["ollama/ollama:0.11.4", "ollama"],
      ["nvcr.io/nvidia/tensorrt-llm/release:1.0.0", "trtllm"],
      ["nvcr.io/nvidia/tritonserver:25.01-trtllm-python-py3", "trtllm"],
      ["nvcr.io/nvidia/ai-dynamo/tensorrtllm-runtime:0.4.1", "trtllm"],
      ["nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.4.1", "vllm"],
      ["openmmlab/lmdeploy:v0.9.2-cu12", "lmdeploy"],
      ["ghcr.io/huggingface/text-embeddings-inference:1.8", "tei"],
      ["ghcr.io/huggingface/text-embeddings-inference:turing-1.8", "tei"],
    ] as const) {
      expect(engineFromImage(image), image).toBe(engine);
    }
    expect(describeImage("vllm/vllm-openai:v0.10.1")).toEqual({ engine: "vllm", tag: "v0.10.1" });
    expect(describeImage("registry.local:5000/vllm/vllm-openai")).toEqual({ engine: "vllm" });
    expect(describeImage("nvcr.io/nim/meta/llama-3.1-8b-instruct:1.8.4")).toEqual({ nim: true, tag: "1.8.4" });
    expect(describeImage("nvcr.io/nim/nvidia/llm-nim:1.12.0")).toEqual({ nim: true, tag: "1.12.0" });
    // Text Embeddings Inference names its build before the release: a GPU's, or `cpu-`, which serves from host memory.
    expect(describeImage("ghcr.io/huggingface/text-embeddings-inference:hopper-1.8.2")).toEqual({ engine: "tei", tag: "1.8.2" });
    expect(describeImage("ghcr.io/huggingface/text-embeddings-inference:cpu-1.8")).toEqual({ engine: "tei", tag: "1.8" });
    // Triton without an LLM backend, routers and gateways serve no model of their own.
    for (const image of ["nvcr.io/nvidia/tritonserver:25.01-py3", "lmsysorg/sglang-router:v0.2.1", "nginx:1.27"]) expect(describeImage(image), image).toBeUndefined();
  });

  it("finds the engine a container runs from plain strings (for walkers)", () => {
    expect(engineOfContainer({ image: "busybox", command: ["sh", "-c", "trtllm-serve serve nvidia/Llama-3.1-8B-Instruct-FP8 --tp_size 1"] })).toBe("trtllm");
    expect(engineOfContainer({ command: ["python3", "-m", "dynamo.sglang"], args: ["--model-path", "Qwen/Qwen3-8B"] })).toBe("sglang");
    expect(engineOfContainer({ command: ["python3", "-m", "fastchat.serve.vllm_worker", "--model-path", "x"] })).toBe("vllm");
    expect(engineOfContainer({ args: ["lmdeploy serve api_server Qwen/Qwen2.5-7B-Instruct --tp 1"] })).toBe("lmdeploy");
    expect(engineOfContainer({ image: "ghcr.io/predibase/lorax:main" })).toBe("tgi");
    expect(engineOfContainer({ command: ["text-embeddings-router", "--model-id", "BAAI/bge-m3"] })).toBe("tei");
    // Mozilla's llamafile is llama.cpp's server in server mode; a word in a test is no command, and without --server it chats.
    expect(engineOfContainer({ command: ["./llamafile-0.8.17", "--server", "-m", "tinyllama-1.1b-chat-v1.0-q4_k_m.gguf", "-ngl", "9999"] })).toBe("llama.cpp");
    expect(engineOfContainer({ command: ["sh", "-c", 'if [ "$TARGET" = "llamafile" ]; then echo --server; fi'] })).toBeUndefined();
    expect(engineOfContainer({ command: ["llamafile", "-m", "model.gguf", "-p", "hello"] })).toBeUndefined();
    expect(engineOfContainer({ image: "python:3.12", command: ["python", "app.py"] })).toBeUndefined();
    // The router of LMDeploy serves no model.
    expect(engineOfContainer({ command: ["lmdeploy", "serve", "proxy", "--server-port", "8000"] })).toBeUndefined();
  });

  it("writes each engine's own spelling of a setting", () => {
    expect(flagFor("vllm", "tensorParallel")).toBe("--tensor-parallel-size");
    expect(flagFor("sglang", "tensorParallel")).toBe("--tp-size");
    expect(flagFor("tgi", "tensorParallel")).toBe("--num-shard");
    expect(flagFor("trtllm", "tensorParallel")).toBe("--tp_size");
    expect(flagFor("trtllm", "maxModelLen")).toBe("--max_seq_len");
    expect(flagFor("lmdeploy", "maxModelLen")).toBe("--session-len");
    expect(flagFor("lmdeploy", "gpuMemoryUtilization")).toBe("--cache-max-entry-count");
    // Ollama takes no flags: `num_ctx` is a setting of its API and Modelfile, never written into a command line.
    expect(flagFor("ollama", "maxModelLen")).toBeUndefined();
    expect(configFieldsOf("ollama")).toContainEqual({ path: ["num-ctx"], field: "maxModelLen", kind: "int" });
    expect(configFieldsOf("trtllm").map((spec) => spec.path.join("."))).toContain("kv_cache_config.free_gpu_memory_fraction");
    expect(configFieldsOf("vllm")).toContainEqual({ path: ["max-model-len"], field: "maxModelLen", kind: "size" });
  });

  it("gates formats by compute capability per engine", () => {
    const [nvfp4, fp8, awq] = [catalog.format("nvfp4"), catalog.format("fp8"), catalog.format("awq")];
    const [h100, b200, a100, t4] = ["h100-80gb", "b200", "a100-80gb", "t4"].map((id) => catalog.gpu(id)!);
    // vLLM has a weight-only fallback for NVFP4 before Blackwell; SGLang's ModelOpt FP4 path needs SM100.
    expect(formatRunsOn("vllm", nvfp4, h100!)).toBe(true);
    expect(formatRunsOn("sglang", nvfp4, h100!)).toBe(false);
    expect(formatRunsOn("sglang", nvfp4, b200!)).toBe(true);
    // TensorRT-LLM: FP8 from Ada, 4-bit AWQ from Ampere; vLLM runs FP8 weight-only on A100.
    expect(formatRunsOn("trtllm", fp8, a100!)).toBe(false);
    expect(formatRunsOn("vllm", fp8, a100!)).toBe(true);
    expect(formatRunsOn("trtllm", awq, t4!)).toBe(false);
    expect(formatRunsOn("lmdeploy", awq, t4!)).toBe(true);
    // TensorRT-LLM has no quantization flag: every quantized format comes as a checkpoint.
    expect(needsCheckpoint("vllm", fp8)).toBe(false);
    expect(needsCheckpoint("trtllm", fp8)).toBe(true);
  });
});

describe("TensorRT-LLM commands", () => {
  it("reads `trtllm-serve serve MODEL` with its underscore flags", () => {
    const call = callOf(`
command: ["trtllm-serve", "serve"]
args: ["nvidia/Llama-3.1-70B-Instruct-FP8", "--backend", "pytorch", "--tp_size", "2", "--pp_size", "1", "--ep_size", "2", "--max_batch_size", "64", "--max_num_tokens", "8192", "--max_seq_len", "32768", "--kv_cache_free_gpu_memory_fraction", "0.85", "--trust_remote_code", "--extra_llm_api_options", "/etc/trtllm/extra.yaml"]
`)!;
    expect(call.engine).toBe("trtllm");
    expect(valuesOf(call.fields)).toEqual({
      model: "nvidia/Llama-3.1-70B-Instruct-FP8",
      tensorParallel: 2,
      pipelineParallel: 1,
      expertParallel: true,
      maxNumSeqs: 64,
      maxNumBatchedTokens: 8192,
      maxModelLen: 32768,
      gpuMemoryUtilization: 0.85,
    });
    expect(call.fields.gpuMemoryUtilization!.source).toBe("--kv_cache_free_gpu_memory_fraction");
    expect(call.configFile).toMatchObject({ value: "/etc/trtllm/extra.yaml" });
  });

  it("reads the long aliases, `python -m tensorrt_llm.commands.serve` and Dynamo's worker; no prefix abbreviations (click)", () => {
    const aliases = callOf(`command: ["python3", "-m", "tensorrt_llm.commands.serve", "Qwen/Qwen3-8B", "--tensor_parallel_size", "2", "--free_gpu_memory_fraction", "0.7", "--max_seq", "4096"]`)!;
    expect(valuesOf(aliases.fields)).toEqual({ model: "Qwen/Qwen3-8B", tensorParallel: 2, gpuMemoryUtilization: 0.7 });
    const dynamo = callOf(`command: ["python3", "-m", "dynamo.trtllm", "--model-path", "deepseek-ai/DeepSeek-R1", "--extra-engine-args", "/config/agg.yaml", "--tensor-parallel-size", "8"]`)!;
    expect(dynamo.engine).toBe("trtllm");
    expect(valuesOf(dynamo.fields)).toEqual({ model: "deepseek-ai/DeepSeek-R1", tensorParallel: 8 });
    expect(dynamo.configFile?.value).toBe("/config/agg.yaml");
    // `disaggregated` starts a router, not a model server.
    expect(callOf(`command: ["trtllm-serve", "disaggregated", "-c", "disagg.yaml"]`)).toBeUndefined();
  });
});

describe("LMDeploy commands", () => {
  it("reads `lmdeploy serve api_server MODEL` with its flags; --quant-policy is the KV cache's precision", () => {
    const call = callOf(`args: ["lmdeploy", "serve", "api_server", "Qwen/Qwen2.5-72B-Instruct-AWQ", "--model-format", "awq", "--tp", "2", "--cache-max-entry-count", "0.5", "--session-len", "16384", "--quant-policy", "8", "--max-batch-size", "64"]`)!;
    expect(call.engine).toBe("lmdeploy");
    expect(valuesOf(call.fields)).toEqual({
      model: "Qwen/Qwen2.5-72B-Instruct-AWQ",
      quantization: "awq",
      tensorParallel: 2,
      gpuMemoryUtilization: 0.5,
      maxModelLen: 16384,
      kvCacheDtype: "int8",
      maxNumSeqs: 64,
    });
    const invalid = callOf(`args: ["lmdeploy", "serve", "api_server", "m/x", "--quant-policy", "6"]`)!;
    expect(invalid.unresolved.kvCacheDtype).toMatchObject({ raw: "6", reason: "invalid" });
  });

  it("treats `--model-format hf` as 16-bit weights and AWQ as a checkpoint format", () => {
    const base = { engine: "lmdeploy" as const, gpuType: "L4", gpuCount: 1 };
    const hf = resolveDeployment(catalog, { ...base, model: "Qwen/Qwen2.5-7B-Instruct", quantization: "hf" });
    expect(hf.ok && hf.resolved.request.weightFormat.id).toBe("bf16");
    const awq = resolveDeployment(catalog, { ...base, model: "Qwen/Qwen2.5-7B-Instruct-AWQ", quantization: "awq" });
    expect(awq.ok && awq.resolved.request.weightFormat.id).toBe("awq");
  });
});

describe("wrappers of an engine", () => {
  it("reads FastChat's vLLM worker: vLLM flags plus its model path and GPU count", () => {
    const call = callOf(`command: ["python3", "-m", "fastchat.serve.vllm_worker", "--model-path", "lmsys/vicuna-7b-v1.5", "--num-gpus", "2", "--gpu-memory-utilization", "0.8"]`)!;
    expect(call.engine).toBe("vllm");
    expect(valuesOf(call.fields)).toEqual({ model: "lmsys/vicuna-7b-v1.5", tensorParallel: 2, gpuMemoryUtilization: 0.8 });
  });

  it("reads Dynamo's vLLM and SGLang workers with their engine's flags", () => {
    expect(valuesOf(callOf(`command: ["python3", "-m", "dynamo.vllm", "--model", "Qwen/Qwen3-0.6B", "--tensor-parallel-size", "2"]`)!.fields)).toEqual({ model: "Qwen/Qwen3-0.6B", tensorParallel: 2 });
    const sglang = callOf(`command: ["python3", "-m", "dynamo.sglang", "--model-path", "Qwen/Qwen3-8B", "--tp", "4", "--mem-fraction-static", "0.8"]`)!;
    expect(sglang.engine).toBe("sglang");
    expect(valuesOf(sglang.fields)).toEqual({ model: "Qwen/Qwen3-8B", tensorParallel: 4, gpuMemoryUtilization: 0.8 });
  });

  it("reads LoRAX's `{name, value}` argument pairs with TGI's flags, each value editable in place", () => {
    const text = `args:
  - name: --model-id
    value: mistralai/Mistral-7B-Instruct-v0.1
  - name: --num-shard
    value: "2"
  - name: --max-total-tokens
    value: 8192
  - name: --trust-remote-code
`;
    const [values] = documentsOf(parseYAML(text) as never) as DocNode[];
    const call = parseEngineCall(namedArgTokens(values!.get("args")), { imageEngine: engineFromImage("ghcr.io/predibase/lorax:main")! })!;
    expect(call.engine).toBe("tgi");
    expect(valuesOf(call.fields)).toEqual({ model: "mistralai/Mistral-7B-Instruct-v0.1", tensorParallel: 2, maxModelLen: 8192 });
    expect(call.fields.tensorParallel!.readonly).toBeUndefined();
    expect(text.slice(...call.fields.tensorParallel!.node.range)).toBe('"2"');
  });
});

describe("TensorRT-LLM and LMDeploy memory", () => {
  const estimate = (engine: "trtllm" | "lmdeploy" | "vllm", extra: Record<string, unknown> = {}) => {
    const resolution = resolveDeployment(catalog, { engine, model: "meta-llama/Llama-3.1-8B-Instruct", gpuType: "H100", gpuCount: 1, ...extra });
    if (!resolution.ok) throw new Error("unresolved");
    return estimateMemory(resolution.resolved.request);
  };

  it("gives the KV cache a fraction of what is free after weights, activations and runtime memory", () => {
    const trtllm = estimate("trtllm");
    const { perGpu } = trtllm;
    const rest = perGpu.budgetBytes - perGpu.weightBytes - perGpu.activationBytes - perGpu.overheadBytes;
    expect(perGpu.budgetBytes).toBe(perGpu.memoryBytes);
    expect(perGpu.kvCacheBytes).toBeCloseTo(0.9 * rest, 0);
    expect(trtllm.settings).toMatchObject({ budgetKind: "fraction-of-free", memoryFraction: 0.9, gpuMemoryUtilization: 1, maxNumBatchedTokens: 8192, maxNumSeqs: 2048 });
    const lower = estimate("trtllm", { gpuMemoryUtilization: 0.5 });
    expect(lower.perGpu.kvCacheBytes).toBeCloseTo(0.5 * rest, 0);
    // LMDeploy: 80 % of the memory left after the weights; activations come after, out of the rest.
    const lmdeploy = estimate("lmdeploy");
    expect(lmdeploy.perGpu.activationBytes).toBe(0);
    expect(lmdeploy.perGpu.kvCacheBytes / GIB).toBeCloseTo(0.8 * (lmdeploy.perGpu.memoryBytes - lmdeploy.perGpu.weightBytes - lmdeploy.perGpu.overheadBytes) / GIB, 5);
    expect(lmdeploy.settings).toMatchObject({ budgetKind: "fraction-of-free", memoryFraction: 0.8, maxNumSeqs: 1024 });
    expect(estimate("vllm").settings).toMatchObject({ budgetKind: "fraction-of-total", memoryFraction: 0.9, gpuMemoryUtilization: 0.9 });
  });

  it("starts with a context lowered to the pool instead of refusing, and says so", () => {
    const resolution = resolveDeployment(catalog, { engine: "trtllm", model: "meta-llama/Llama-3.1-8B-Instruct", gpuType: "L4", gpuCount: 1, maxModelLen: 131072 });
    if (!resolution.ok) throw new Error("unresolved");
    const result = estimateMemory(resolution.resolved.request);
    // It starts, and serves requests as long as the pool holds: the estimate is judged at that length.
    expect(result.verdict).toBe("fits");
    expect(result.refusesWhenKvTooSmall).toBe(false);
    expect(result.contextCappedFrom).toBe(131072);
    expect(result.maxModelLen).toBe(result.kvCapacityTokens);
    expect(result.maxConcurrency).toBeCloseTo(1, 2);
    expect(result.assumptions).toContain(`TensorRT-LLM starts with max_seq_len lowered to ${result.maxModelLen.toLocaleString("en-US")} tokens, what its KV cache holds, not the 131,072 set`);
    // Only an empty pool stops them.
    expect(engineById("trtllm").whenKvTooSmall(result)).toBe("TensorRT-LLM does not start: its KV cache has no room for a request.");
    expect(engineById("lmdeploy").whenKvTooSmall(result)).toBe('LMDeploy does not start ("No enough gpu memory for kv cache").');
  });

  it("warns when LMDeploy leaves too little outside the KV cache for a prefill", () => {
    const warned = estimate("lmdeploy", { gpuMemoryUtilization: 0.99, maxNumBatchedTokens: 65536 });
    expect(warned.warnings.join("\n")).toMatch(/^LMDeploy leaves 1 % of the free memory \(at most 0\.\d GiB\) outside the KV cache, below the ≈ \d+\.\d GiB a 65536-token prefill needs/m);
    expect(estimate("lmdeploy").warnings).toEqual([]);
  });
});

describe("llama.cpp GPU layer counts", () => {
  const layersOn = (gpuLayers: number, engineVersion: string) => {
    const resolution = resolveDeployment(catalog, { engine: "llama.cpp", model: "Qwen/Qwen2.5-7B-Instruct-GGUF/qwen2.5-7b-instruct-q4_k_m.gguf", gpuType: "L4", gpuCount: 1, gpuLayers, engineVersion });
    if (!resolution.ok) throw new Error("unresolved");
    return resolution.resolved.request.gpuLayers;
  };

  it("reads -1 as auto in every build, and -2 or less as every layer since --fit but none before it", () => {
    // common.h: "-1 is auto, <= -2 is all"; before --fit, -1 used the library default (no layer) and a
    // negative count reached the loader, which put every layer on the CPU.
    expect([layersOn(-1, "b7500"), layersOn(-1, "b6500")]).toEqual([undefined, undefined]);
    expect([layersOn(-2, "b7500"), layersOn(-2, "b6500")]).toEqual([1_000_000, 0]);
    expect(layersOn(20, "b6500")).toBe(20);
    const auto = resolveDeployment(catalog, { engine: "llama.cpp", model: "Qwen/Qwen2.5-7B-Instruct-GGUF/qwen2.5-7b-instruct-q4_k_m.gguf", gpuType: "L4", gpuCount: 1, gpuLayers: -1, engineVersion: "b6500" });
    if (!auto.ok) throw new Error("unresolved");
    expect(estimateMemory(auto.resolved.request).assumptions).toContain("llama-server b6500 keeps every layer on the CPU without -ngl");
  });
});

describe("an unstated GPU count", () => {
  const assumptions = (values: Record<string, unknown>) => {
    const resolution = resolveDeployment(catalog, { model: "Qwen/Qwen2.5-7B-Instruct", gpuType: "L4", ...values });
    if (!resolution.ok) throw new Error("unresolved");
    return resolution.resolved.assumptions;
  };

  it("is said to be one GPU where the engine would spread over every GPU it sees, and nothing where it uses its written layout", () => {
    const said = "1 GPU, as the file states no GPU count";
    expect(assumptions({ engine: "llama.cpp" })).toContain(said);
    expect(assumptions({ engine: "tgi" })).toContain(said);
    expect(assumptions({ engine: "tgi", gpuCount: 2 })).not.toContain(said);
    // vLLM runs tensor × pipeline parallel GPUs, 1 unless written, whatever the host has.
    expect(assumptions({ engine: "vllm" })).not.toContain(said);
  });
});

describe("no engine names outside the registry", () => {
  it("keeps every `engine === …` and engine switch inside src/engines", () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) {
          if (path !== join("src", "engines")) walk(path);
        } else if (/\.ts$/.test(entry.name)) {
          const text = readFileSync(path, "utf8");
          const pattern = new RegExp(`(engine|Engine)\\S*\\s*[!=]==\\s*"(${ENGINE_IDS.map((id) => id.replace(".", "\\.")).join("|")})"|case "(${ENGINE_IDS.map((id) => id.replace(".", "\\.")).join("|")})":`, "g");
          for (const match of text.matchAll(pattern)) offenders.push(`${path}: ${match[0]}`);
        }
      }
    };
    walk("src");
    walk("rules");
    expect(offenders).toEqual([]);
  });
});
