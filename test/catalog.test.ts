import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { Catalog } from "../src/catalog/catalog.js";
import { bundledCatalog, bundledCatalogData } from "../src/catalog/load.js";
import { ambiguousGpuNameSchema, checkpointSchema, gpuSchema, instanceSchema, modelSchema, quantizationSchema } from "../src/catalog/schema.js";
import { shapeOf } from "../src/sizing/estimate.js";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gpuFileSchema, instanceFileSchema, metaSchema, modelFileSchema, quantizationFileSchema } from "../src/catalog/schema.js";
import { BUNDLED_FILE, DATA_DIR, generateBundledData, generateDataIndex, INDEX_FILE } from "./tools/catalog-data.js";
import { generateCatalogSchema, SCHEMA_FILE } from "./tools/catalog-schema.js";

const ajv = new Ajv({ allErrors: true, strict: false });
const catalog = bundledCatalog();

function validateAll(schema: object, entries: readonly unknown[], label: (entry: unknown) => string): string[] {
  const validate = ajv.compile(schema);
  const problems: string[] = [];
  for (const entry of entries) {
    if (!validate(entry)) problems.push(`${label(entry)}: ${ajv.errorsText(validate.errors)}`);
  }
  return problems;
}

const id = (entry: unknown) => String((entry as { id?: string; name?: string }).id ?? (entry as { name?: string }).name);

describe("catalog data against its schema", () => {
  it("models", () => expect(validateAll(modelSchema, bundledCatalogData.models, id)).toEqual([]));
  it("checkpoints", () => expect(validateAll(checkpointSchema, bundledCatalogData.checkpoints, id)).toEqual([]));
  it("quantization formats", () => expect(validateAll(quantizationSchema, bundledCatalogData.quantization, id)).toEqual([]));
  it("GPUs", () => expect(validateAll(gpuSchema, bundledCatalogData.gpus, id)).toEqual([]));
  it("ambiguous GPU names", () => expect(validateAll(ambiguousGpuNameSchema, bundledCatalogData.ambiguousGpuNames, id)).toEqual([]));
  it("instances", () => expect(validateAll(instanceSchema, bundledCatalogData.instances, id)).toEqual([]));
  it("has a date", () => expect(bundledCatalogData.date).toMatch(/^\d{4}-\d{2}-\d{2}$/));
});

describe("catalog data declared once", () => {
  it("schema.json is what types.ts generates (npm run catalog:schema)", () => {
    expect(readFileSync(SCHEMA_FILE, "utf8")).toBe(generateCatalogSchema());
  }, 20_000);

  it("the data index lists every data file and its bundler twin imports each (npm run catalog:add regenerates both)", () => {
    expect(readFileSync(INDEX_FILE, "utf8")).toBe(generateDataIndex());
    expect(readFileSync(BUNDLED_FILE, "utf8")).toBe(generateBundledData());
  });

  it.each([
    ["models", modelFileSchema],
    ["gpus", gpuFileSchema],
    ["instances", instanceFileSchema],
  ])("every file of data/%s validates against its schema", (folder, schema) => {
    const validate = ajv.compile(schema);
    const problems: string[] = [];
    for (const file of readdirSync(join(DATA_DIR, folder))) {
      if (!validate(JSON.parse(readFileSync(join(DATA_DIR, folder, file), "utf8")))) problems.push(`${file}: ${ajv.errorsText(validate.errors)}`);
    }
    expect(problems).toEqual([]);
  });

  it("quantization.json and meta.json validate against their schemas", () => {
    for (const [file, schema] of [["quantization.json", quantizationFileSchema], ["meta.json", metaSchema]] as const) {
      const validate = ajv.compile(schema);
      expect(validate(JSON.parse(readFileSync(join(DATA_DIR, file), "utf8"))), `${file}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
  });

  it("files each organisation's models under its own file", () => {
    for (const file of readdirSync(join(DATA_DIR, "models"))) {
      const content = JSON.parse(readFileSync(join(DATA_DIR, "models", file), "utf8")) as { models: Array<{ id: string }> };
      for (const model of content.models) expect(`${model.id.slice(0, model.id.indexOf("/")).toLowerCase()}.json`, model.id).toBe(file);
    }
  });
});

describe("catalog integrity", () => {
  it("has unique ids", () => {
    for (const list of [bundledCatalogData.models, bundledCatalogData.gpus, bundledCatalogData.instances, bundledCatalogData.quantization]) {
      const ids = list.map((entry) => entry.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it("references only entries that exist", () => {
    const formats = new Set(bundledCatalogData.quantization.map((format) => format.id));
    for (const model of bundledCatalogData.models) expect(formats, model.id).toContain(model.nativeFormat);
    for (const checkpoint of bundledCatalogData.checkpoints) {
      expect(catalog.model(checkpoint.model), checkpoint.name).toBeDefined();
      if (checkpoint.format) expect(formats, checkpoint.name).toContain(checkpoint.format);
    }
    for (const instance of bundledCatalogData.instances) expect(catalog.gpu(instance.gpu), instance.id).toBeDefined();
    for (const ambiguous of bundledCatalogData.ambiguousGpuNames) {
      const gpu = catalog.gpu(ambiguous.gpu)!;
      expect(gpu, ambiguous.name).toBeDefined();
      // The assumed GPU is the smallest of the alternatives, so a verdict is never optimistic.
      for (const alternative of ambiguous.alternatives) {
        expect(catalog.gpu(alternative)!.memoryBytes, `${ambiguous.name} → ${alternative}`).toBeGreaterThanOrEqual(gpu.memoryBytes);
      }
    }
  });

  it("keeps the active parameter count at or below the total", () => {
    for (const model of bundledCatalogData.models) expect(model.params.active, model.id).toBeLessThanOrEqual(model.params.total);
  });

  it("derives parameter totals within 6 % of the published ones (embeddings, attention, MLP and every expert)", () => {
    const off: string[] = [];
    for (const model of bundledCatalogData.models) {
      const shape = shapeOf(model);
      const derived = shape.derivedTotal + shape.vision;
      const error = derived / model.params.total - 1;
      if (Math.abs(error) > 0.06) off.push(`${model.id}: ${(error * 100).toFixed(1)} %`);
    }
    expect(off).toEqual([]);
  });
});

describe("facts checked against their sources", () => {
  it("Mixtral-8x7B: 46.7B total, 12.9B active, 8 experts top-2, 32 layers", () => {
    const mixtral = catalog.resolveModel("mistralai/Mixtral-8x7B-Instruct-v0.1")!.model;
    expect(mixtral.params.total / 1e9).toBeCloseTo(46.7, 1);
    expect(mixtral.params.active / 1e9).toBeCloseTo(12.9, 1);
    expect(mixtral.moe).toMatchObject({ experts: 8, expertsPerToken: 2, expertIntermediateSize: 14336, moeLayers: 32 });
    expect(mixtral.layers).toBe(32);
    expect(mixtral.kvHeads).toBe(8);
  });

  it("DeepSeek-V3: MLA with kv_lora_rank 512 + qk_rope_head_dim 64, 61 layers, 256 experts, FP8 checkpoint", () => {
    const v3 = catalog.resolveModel("deepseek-ai/DeepSeek-V3")!.model;
    expect(v3.attention).toMatchObject({ kind: "mla", kvLoraRank: 512, qkRopeHeadDim: 64 });
    expect(v3.layers).toBe(61);
    expect(v3.moe).toMatchObject({ experts: 256, expertsPerToken: 8, sharedExperts: 1 });
    expect(v3.nativeFormat).toBe("fp8-block");
    expect(v3.params.total / 1e9).toBeCloseTo(671, 0);
  });

  it("gpt-oss-120b stores MXFP4 experts; Llama-3.1-8B is dense with 8 KV heads and 131,072 context", () => {
    expect(catalog.resolveModel("openai/gpt-oss-120b")!.model.nativeFormat).toBe("mxfp4");
    const llama = catalog.resolveModel("meta-llama/Llama-3.1-8B-Instruct")!.model;
    expect(llama).toMatchObject({ kvHeads: 8, headDim: 128, maxPositionEmbeddings: 131072, moe: null });
  });

  it("GPU memory is what the driver reports", () => {
    const gib = (id: string) => catalog.gpu(id)!.memoryBytes / 2 ** 30;
    expect(catalog.gpu("h100-80gb")!.memoryBytes).toBe(81559 * 2 ** 20);
    expect(gib("a100-40gb")).toBeCloseTo(39.38, 2);
    expect(gib("a100-80gb")).toBeCloseTo(79.14, 2);
    expect(gib("a800-80gb")).toBeCloseTo(79.25, 2);
    expect(catalog.gpu("l4")!.memoryBytes).toBe(23034 * 2 ** 20);
    expect(catalog.gpu("t4")!.computeCapability).toBe(7.5);
  });

  it("every GPU states its memory bandwidth and dense tensor throughput (the speed model reads them)", () => {
    const missing = bundledCatalogData.gpus.filter(
      (gpu) => gpu.memoryBandwidthGBps === null || !gpu.denseTflops || Object.values(gpu.denseTflops).every((value) => value === null),
    );
    expect(missing.map((gpu) => gpu.id)).toEqual([]);
    // The formats a part runs and the throughput it lists agree.
    for (const gpu of bundledCatalogData.gpus) {
      if (gpu.denseTflops!.fp8 !== null) expect(gpu.fp8 || gpu.vendor !== "nvidia", gpu.id).toBe(true);
      if (gpu.denseTflops!.fp4 !== null) expect(gpu.fp4, gpu.id).toBe(true);
    }
  });

  it("every entry names a source", () => {
    for (const list of [bundledCatalogData.models, bundledCatalogData.gpus, bundledCatalogData.instances, bundledCatalogData.quantization, bundledCatalogData.checkpoints]) {
      for (const entry of list) expect((entry as { sources: string[] }).sources.length).toBeGreaterThan(0);
    }
  });
});

describe("names people write", () => {
  it.each([
    ["mistralai/Mixtral-8x7B-Instruct-v0.1", "mistralai/Mixtral-8x7B-v0.1", null],
    ["MISTRALAI/mixtral-8x7b-instruct-v0.1", "mistralai/Mixtral-8x7B-v0.1", null],
    ["hf://mistralai/Mixtral-8x7B-Instruct-v0.1", "mistralai/Mixtral-8x7B-v0.1", null],
    ["https://huggingface.co/mistralai/Mixtral-8x7B-Instruct-v0.1", "mistralai/Mixtral-8x7B-v0.1", null],
    ["TheBloke/Mixtral-8x7B-Instruct-v0.1-AWQ", "mistralai/Mixtral-8x7B-v0.1", "awq"],
    ["neuralmagic/Meta-Llama-3.1-70B-Instruct-FP8", "meta-llama/Llama-3.1-70B", "fp8"],
    ["hugging-quants/Meta-Llama-3.1-70B-Instruct-AWQ-INT4", "meta-llama/Llama-3.1-70B", "awq"],
    ["Qwen/Qwen2.5-7B-Instruct-GPTQ-Int4", "Qwen/Qwen2.5-7B-Instruct", "gptq"],
    ["unsloth/phi-4-bnb-4bit", "microsoft/phi-4", "bnb-nf4"],
    ["mixtral-8x7b-instruct-v0.1.Q4_K_M.gguf", "mistralai/Mixtral-8x7B-v0.1", "gguf-q4_k_m"],
    ["/models/llama-3.1-8b-instruct-q8_0.gguf", "meta-llama/Llama-3.1-8B", "gguf-q8_0"],
    ["TheBloke/Mixtral-8x7B-Instruct-v0.1-GGUF:Q4_K_M", "mistralai/Mixtral-8x7B-v0.1", "gguf-q4_k_m"],
    ["mixtral:8x7b", "mistralai/Mixtral-8x7B-v0.1", "gguf-q4_0"],
    ["ollama://llama3.1:70b", "meta-llama/Llama-3.1-70B", "gguf-q4_k_m"],
    // An Ollama tag the catalog does not list: Ollama's default Q4_K_M, not the 16-bit family weights.
    ["mistral-small:24b", "mistralai/Mistral-Small-24B-Instruct-2501", "gguf-q4_k_m"],
    // The library's entry of that size (`qwen2.5:14b`), at the quantization the tag states.
    ["qwen2.5:14b-instruct-q8_0", "Qwen/Qwen2.5-14B-Instruct", "gguf-q8_0"],
    ["nvcr.io/nim/meta/llama3-8b-instruct:1.0.3", "meta-llama/Meta-Llama-3-8B", null],
    // A NIM image the catalog does not list: the repository it is named after, exactly.
    ["nvcr.io/nim/microsoft/phi-3-mini-4k-instruct:latest", "microsoft/Phi-3-mini-4k-instruct", null],
    ["nvcr.io/nim/qwen/qwen2.5-7b-instruct:1.8.2", "Qwen/Qwen2.5-7B-Instruct", null],
    // Ollama's default embedding model, and an encoder published as an F32 GGUF file.
    ["nomic-embed-text", "nomic-ai/nomic-embed-text-v1.5", "gguf-f16"],
    ["/models/nomic-embed-text-v1.5.f32.gguf", "nomic-ai/nomic-embed-text-v1.5", "gguf-f32"],
    // Qwen3-Coder-Next has Qwen3-Next-80B-A3B's architecture (its model card).
    ["unsloth/Qwen3-Coder-Next-GGUF:UD-Q4_K_XL", "Qwen/Qwen3-Next-80B-A3B-Instruct", "gguf-q4_k_l"],
    ["deepseek-ai/DeepSeek-R1-0528", "deepseek-ai/DeepSeek-R1", null],
    ["Qwen/Qwen3-235B-A22B-FP8", "Qwen/Qwen3-235B-A22B-FP8", null],
    ["unsloth/DeepSeek-R1-BF16", "deepseek-ai/DeepSeek-R1", "bf16"],
    // A GGUF file in a Hub URL is the weights served: its quant type decides, not the repository's default.
    ["https://huggingface.co/bartowski/Meta-Llama-3.1-8B-Instruct-GGUF/resolve/main/Meta-Llama-3.1-8B-Instruct-Q6_K.gguf?download=true", "meta-llama/Llama-3.1-8B", "gguf-q6_k"],
    ["Qwen2.5-7B-Instruct-IQ3_M.gguf", "Qwen/Qwen2.5-7B-Instruct", "gguf-iq3_m"],
    // A name written with other separators, and no size to match by family.
    ["phi35-mini-instruct", "microsoft/Phi-3.5-mini-instruct", null],
    ["phi35-mini-instruct-q6_k.gguf", "microsoft/Phi-3.5-mini-instruct", "gguf-q6_k"],
    // A Mixture-of-Experts total written without its active size is that family's MoE of that total.
    ["nemotron-3-nano:30b", "nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-BF16", "gguf-q4_k_m"],
    ["Qwen/Qwen3-30B", "Qwen/Qwen3-30B-A3B", null],
    // A K-quant written without separators (`q4km`) is that type.
    ["/models/qwen2.5-7b-instruct-q4km.gguf", "Qwen/Qwen2.5-7B-Instruct", "gguf-q4_k_m"],
    // A catalogued fine-tune re-uploaded as GGUF is its base's architecture at the file's type.
    ["https://huggingface.co/TheBloke/zephyr-7B-beta-GGUF/resolve/main/zephyr-7b-beta.Q5_K_M.gguf", "mistralai/Mistral-7B-v0.1", "gguf-q5_k_m"],
    ["TheBloke/zephyr-7B-beta-GGUF", "mistralai/Mistral-7B-v0.1", "gguf-q4_k_m"],
    ["llama3.1:8b-instruct-fp16", "meta-llama/Llama-3.1-8B", "gguf-f16"],
    // Versions joined by `-` or `_` read as dotted; a size after `_` too.
    ["meta-llama/llama-3-1-70b-instruct", "meta-llama/Llama-3.1-70B", null],
    ["qwen2_5-7b-instruct-q5_k_m.gguf", "Qwen/Qwen2.5-7B-Instruct", "gguf-q5_k_m"],
    // Two digits glued to the family read as its dotted version, as image and registry names write it.
    ["oci://quay.io/acme/llama32-3b-instruct-fp8:latest", "meta-llama/Llama-3.2-3B", "fp8"],
    ["qwen25-7b-instruct-q4_k_m.gguf", "Qwen/Qwen2.5-7B-Instruct", "gguf-q4_k_m"],
    // Azure ML references: a registry model by its registry and name, a workspace model by its name.
    ["azureml://registries/azureml/models/Phi-3-mini-4k-instruct/versions/7", "microsoft/Phi-3-mini-4k-instruct", null],
    ["azureml:Qwen2.5-7B-Instruct:3", "Qwen/Qwen2.5-7B-Instruct", null],
    // A re-upload that states its width in a word of its own.
    ["someorg/Llama-3.1-8B-Instruct-4bit-mlx-export", "meta-llama/Llama-3.1-8B", "gptq"],
    // Ollama's library tags as Ollama lists them: `qwen` is Qwen 1.5 Chat at Q4_0, `mistral` (= v0.3) is Q4_0.
    ["qwen:0.5b", "Qwen/Qwen1.5-0.5B-Chat", "gguf-q4_0"],
    ["qwen", "Qwen/Qwen1.5-4B-Chat", "gguf-q4_0"],
    ["qwen:1.8b", "Qwen/Qwen1.5-1.8B-Chat", "gguf-q4_0"],
    ["wizardlm2:8x22b", "mistralai/Mixtral-8x22B-v0.1", "gguf-q4_0"],
    ["dolphin-llama3:70b", "meta-llama/Meta-Llama-3-70B", "gguf-q4_0"],
    ["mistral:latest", "mistralai/Mistral-7B-v0.3", "gguf-q4_0"],
    ["gemma4", "google/gemma-4-E4B-it", "gguf-q4_k_m"],
    // Docker Model Runner's `ai/` names: `latest` as each model card states it, a tag by its size and type.
    ["ai/smollm2", "HuggingFaceTB/SmolLM2-360M-Instruct", "gguf-q4_k_m"],
    ["ai/mistral:latest", "mistralai/Mistral-7B-Instruct-v0.2", "gguf-q4_k_m"],
    ["ai/llama3.2:1B-Q8_0", "meta-llama/Llama-3.2-1B", "gguf-q8_0"],
    // Ministral 3: the Instruct checkpoints are published in FP8, the Base and Reasoning ones in BF16.
    ["mistralai/Ministral-3-8B-Instruct-2512", "mistralai/Ministral-3-8B-Instruct-2512", null],
    ["mistralai/Ministral-3-8B-Reasoning-2512", "mistralai/Ministral-3-8B-Instruct-2512", "bf16"],
    ["mistralai/Ministral-3-14B-Instruct-2512", "mistralai/Ministral-3-14B-Instruct-2512", null],
    // LiteLLM's `huggingface/` provider before a repository.
    ["huggingface/BAAI/bge-m3", "BAAI/bge-m3", null],
    // Models added from config.json snapshots.
    ["intfloat/multilingual-e5-small", "intfloat/multilingual-e5-small", null],
    ["ibm-granite/granite-4.0-h-small", "ibm-granite/granite-4.0-h-small", null],
    // ModelScope's cache writes a `.` of the name as `___`.
    ["/root/.cache/modelscope/hub/Qwen/Qwen2___5-7B-Instruct", "Qwen/Qwen2.5-7B-Instruct", null],
    ["/models/llm/Qwen/Qwen2___5-Coder-32B-Instruct-AWQ", "Qwen/Qwen2.5-Coder-32B-Instruct", "awq"],
  ])("%s → %s (%s)", (written, model, format) => {
    const resolved = catalog.resolveModel(written);
    expect(resolved?.model.id).toBe(model);
    expect(resolved?.format?.id ?? null).toBe(format);
  });

  it("never sizes a name as a model of another version, or a quant type the catalog lacks as 16-bit", () => {
    // Another version of the family is another model: unknown, not the first Qwen at 72B.
    expect(catalog.resolveModel("Qwen/Qwen3-72B")).toBeUndefined();
    expect(catalog.resolveModel("mistralai/Ministral-4-14B-Instruct")).toBeUndefined();
    expect(catalog.resolveModel("OpenGVLab/InternVL3_5-8B")).toBeUndefined();
    // A dense model of the stated size wins over an MoE of that total; an MoE of another total is no match.
    expect(catalog.resolveModel("Qwen/Qwen3-32B")?.model.id).toBe("Qwen/Qwen3-32B");
    expect(catalog.resolveModel("someorg/Qwen3-31B-Instruct")).toBeUndefined();
    // A glued two-digit version the family does not have reads as no other version.
    expect(catalog.resolveModel("llama37-8b-instruct")).toBeUndefined();
    // Speech, retrieval, draft and vision-language models of an LLM family are not that LLM.
    expect(catalog.resolveModel("Qwen/Qwen3-TTS-12Hz-1.7B-Base")).toBeUndefined();
    expect(catalog.resolveModel("RedHatAI/Llama-3.1-8B-Instruct-speculator.eagle3")).toBeUndefined();
    expect(catalog.resolveModel("Salesforce/blip2-opt-2.7b")).toBeUndefined();
    // An audio encoder in front of the LLM (Whisper in Ultravox) is memory the LLM alone leaves out.
    expect(catalog.resolveModel("fixie-ai/ultravox-v0_5-llama-3_1-8b")).toBeUndefined();
    // A family of several words carries its version already: a re-upload may add one (the R1 distill of Qwen2.5).
    expect(catalog.resolveModel("rinna/deepseek-r1-distill-qwen2.5-bakeneko-32b-gguf")?.model.id).toBe("deepseek-ai/DeepSeek-R1-Distill-Qwen-32B");
    // A GGUF file that states no type the catalog sizes is never sized as 16-bit.
    expect(catalog.resolveModel("Qwen3.6-27B-PRISM-PRO-DQ.gguf")).toMatchObject({ format: null, unknownFormat: "GGUF (no quant type in the file name)" });
    // NVIDIA's Llama-based retrievers are their own bidirectional encoders, never the Llama 3.2 1B chat model.
    expect(catalog.resolveModel("nvidia/llama-3.2-nv-embedqa-1b-v2")?.model).toMatchObject({ id: "nvidia/llama-3.2-nv-embedqa-1b-v2", attention: { kind: "encoder" } });
    expect(catalog.resolveModel("nvidia/llama-3.2-nv-rerankqa-1b-v2")).toBeUndefined();
    // A version written after the size picks that version among the family's entries of that size (Azure's registry writes `v01`).
    expect(catalog.resolveModel("mistralai-Mistral-7B-Instruct-v0.1")?.model.id).toBe("mistralai/Mistral-7B-v0.1");
    expect(catalog.resolveModel("azureml://registries/azureml/models/mistralai-Mistral-7B-Instruct-v01/versions/14")?.model.id).toBe("mistralai/Mistral-7B-v0.1");
    expect(catalog.resolveModel("Mistral-7B-Instruct")?.model.id).toBe("mistralai/Mistral-7B-v0.3");
    // Unsloth's Q8_K_XL (BF16 layers beside Q8_0, by an amount that varies) and types without a catalog format stay unsized, with the type named.
    for (const [written, type] of [["unsloth/Qwen3-8B-GGUF/Qwen3-8B-UD-Q8_K_XL.gguf", "UD-Q8_K_XL"], ["qwen3:8b-q8_k_xl", "q8_k_xl"], ["Qwen3-8B-UD-TQ1_0.gguf", "UD-TQ1_0"]] as const) {
      expect(catalog.resolveModel(written)).toMatchObject({ model: { id: "Qwen/Qwen3-8B" }, format: null, unknownFormat: type });
    }
    // Its other dynamic quants are sized as the layout they build on (XL: Q8_0 embeddings and output), and say so.
    for (const [written, type, format] of [
      ["unsloth/Qwen3-8B-GGUF:Q4_K_XL", "Q4_K_XL", "gguf-q4_k_l"],
      ["unsloth/Qwen3-8B-GGUF/Qwen3-8B-UD-Q6_K_XL.gguf", "UD-Q6_K_XL", "gguf-q6_k_l"],
      ["unsloth/Qwen3-8B-GGUF:UD-Q3_K_XL", "UD-Q3_K_XL", "gguf-q3_k_xl"],
      ["unsloth/Qwen3-8B-GGUF:UD-IQ2_M", "UD-IQ2_M", "gguf-iq2_m"],
      // A compact spelling is named as written out.
      ["/models/qwen3-8b-ud-q5kxl.gguf", "ud-q5_k_xl", "gguf-q5_k_l"],
    ] as const) {
      const resolved = catalog.resolveModel(written);
      expect(resolved).toMatchObject({ model: { id: "Qwen/Qwen3-8B" }, format: { id: format } });
      expect(resolved?.unknownFormat).toBeUndefined();
      expect(resolved?.assumption).toMatch(new RegExp(`^${type} sized as GGUF .+: Unsloth picks higher types for some layers per model, so it may be a few percent larger$`));
    }
    // bartowski's _L files (and his Q3_K_XL) are the base type with Q8_0 embeddings and output, as his cards say: no assumption.
    for (const [written, format] of [["bartowski/Qwen3-8B-GGUF/Qwen3-8B-Q4_K_L.gguf", "gguf-q4_k_l"], ["/models/qwen3-8b-q3kxl.gguf", "gguf-q3_k_xl"]] as const) {
      const resolved = catalog.resolveModel(written);
      expect(resolved).toMatchObject({ model: { id: "Qwen/Qwen3-8B" }, format: { id: format } });
      expect(resolved?.assumption).toBeUndefined();
    }
    // A catalog of modelcar images tagged by model: the tag is the name.
    expect(catalog.resolveModel("oci://quay.io/redhat-ai-services/modelcar-catalog:granite-3.1-8b-instruct")).toMatchObject({ model: { id: "ibm-granite/granite-3.1-8b-instruct" }, via: "name" });
    // mradermacher's imatrix quants mark the type with `i1`; an abliterated model (huihui-ai's `Huihui-…`) has its base's shapes.
    expect(catalog.resolveModel("/models/Qwen3-8B.i1-IQ3_XS.gguf")).toMatchObject({ model: { id: "Qwen/Qwen3-8B" }, format: { id: "gguf-iq3_xs" } });
    expect(catalog.resolveModel("mradermacher/Qwen3-8B-i1-GGUF:IQ3_XS")).toMatchObject({ model: { id: "Qwen/Qwen3-8B" }, format: { id: "gguf-iq3_xs" } });
    // bartowski glues the original owner with `_`, catalogued or not.
    expect(catalog.resolveModel("bartowski/deepreinforce-ai_Ornith-1.0-35B-GGUF/deepreinforce-ai_Ornith-1.0-35B-Q4_K_M.gguf")).toMatchObject({ model: { id: "Qwen/Qwen3.5-35B-A3B" }, format: { id: "gguf-q4_k_m" } });
    expect(catalog.resolveModel("/models/Models/coder-next-q4/Huihui-Qwen3-Coder-Next-abliterated.i1-Q4_K_M.gguf")).toMatchObject({ model: { id: "Qwen/Qwen3-Next-80B-A3B-Instruct" }, format: { id: "gguf-q4_k_m" } });
    // A file named apart from its GGUF repository (Menlo's `jan-nano-4b-Q8_0.gguf` in `Menlo/Jan-nano-gguf`): the repository names the model, the file its type.
    expect(catalog.resolveModel("/models/Menlo/Jan-nano-gguf/jan-nano-4b-Q8_0.gguf")).toMatchObject({ model: { id: "Qwen/Qwen3-4B" }, format: { id: "gguf-q8_0" } });
    expect(catalog.resolveModel("acme/unknown-gguf/jan-nano-4b-Q8_0.gguf")).toBeUndefined();
    // An Ollama tag at another quantization of a catalogued tag: that tag's model, at the type written.
    expect(catalog.resolveModel("magistral:24b-small-2506-q8_0")).toMatchObject({ model: { id: "mistralai/Devstral-Small-2505" }, format: { id: "gguf-q8_0" } });
    // A folder named for what it holds.
    expect(catalog.resolveModel("/gemini/pretrain/Phi-4-mini-instruct-model")).toMatchObject({ model: { id: "microsoft/Phi-4-mini-instruct" } });
    // A trainer's step folder: the run's folder above it names the model; a run named for nothing stays unknown.
    expect(catalog.resolveModel("/root/outputs/dapo-Qwen3-0.6B/checkpoint-4660")).toMatchObject({ model: { id: "Qwen/Qwen3-0.6B" } });
    expect(catalog.resolveModel("./out/Meta-Llama-3.1-8B-Instruct/global_step_100/")).toMatchObject({ model: { id: "meta-llama/Llama-3.1-8B" } });
    expect(catalog.resolveModel("LLaMA-Factory/saves/lora/sft_r_16/checkpoint-411")).toBeUndefined();
    expect(catalog.resolveModel("checkpoint-411")).toBeUndefined();
    // Tabby's registry serves Q8_0 GGUF files of the models its names stand for; Ollama's llava tags by size.
    expect(catalog.resolveModel("TabbyML/StarCoder-1B")).toMatchObject({ model: { id: "bigcode/starcoderbase-1b" }, format: { id: "gguf-q8_0" } });
    expect(catalog.resolveModel("TabbyML/DeepseekCoder-6.7B")).toMatchObject({ model: { id: "deepseek-ai/deepseek-coder-6.7b-instruct" }, format: { id: "gguf-q8_0" } });
    expect(catalog.resolveModel("llava:34b")).toMatchObject({ model: { id: "llava-hf/llava-v1.6-34b-hf" }, format: { id: "gguf-q4_0" } });
    // A file of llama.cpp's own download cache: `<owner>_<repository>_<file>`.
    expect(catalog.resolveModel("/models/unsloth_GLM-4.7-Flash-GGUF_GLM-4.7-Flash-Q4_K_M.gguf")).toMatchObject({ model: { id: "zai-org/GLM-4.7-Flash" }, format: { id: "gguf-q4_k_m" }, via: "gguf" });
    expect(catalog.resolveModel("ggml-org_gpt-oss-20b-GGUF_gpt-oss-20b-mxfp4.gguf")).toMatchObject({ model: { id: "openai/gpt-oss-20b" }, format: { id: "gguf-mxfp4" } });
    // A re-upload that glues its owner to the name, or adds `qat`, is the catalogued model.
    expect(catalog.resolveModel("bartowski/google_gemma-4-E4B-it-GGUF/google_gemma-4-E4B-it-Q8_0.gguf")).toMatchObject({ model: { id: "google/gemma-4-E4B-it" }, format: { id: "gguf-q8_0" } });
    expect(catalog.resolveModel("DevQuasar/Qwen.Qwen3-Reranker-0.6B-GGUF:Q8_0")).toMatchObject({ model: { id: "Qwen/Qwen3-Reranker-0.6B" }, format: { id: "gguf-q8_0" } });
    expect(catalog.resolveModel("/data/models/baai-bge-large-en-v1.5")).toMatchObject({ model: { id: "BAAI/bge-large-en-v1.5" }, via: "name" });
    // A prefix that is no catalogued owner is part of the name.
    expect(catalog.resolveModel("/data/models/acme-bge-large-en-v1.5")?.via).not.toBe("name");
    expect(catalog.resolveModel("unsloth/gemma-4-E4B-it-qat-GGUF:UD-Q4_K_XL")).toMatchObject({ model: { id: "google/gemma-4-E4B-it" }, format: { id: "gguf-q4_k_l" } });
    expect(catalog.resolveModel("Qwen/Qwen3-VL-8B-Instruct-GGUF/Qwen3VL-8B-Instruct-Q4_K_M.gguf")).toMatchObject({ model: { id: "Qwen/Qwen3-VL-8B-Instruct" }, format: { id: "gguf-q4_k_m" } });
    // A folder of the Hugging Face cache names its repository; a Windows path reads like any other.
    expect(catalog.resolveModel("/root/.cache/huggingface/hub/models--Qwen--Qwen2.5-7B-Instruct/snapshots/a09a35458c702b33eeacc393d103063234e8bc28")?.model.id).toBe("Qwen/Qwen2.5-7B-Instruct");
    expect(catalog.resolveModel("/data/models--nothing-here")).toBeUndefined();
    // A local copy kept per revision: the folder above the revision's names the model.
    expect(catalog.resolveModel("/models/microsoft/Phi-3-mini-4k-instruct/main")?.model.id).toBe("microsoft/Phi-3-mini-4k-instruct");
    expect(catalog.resolveModel("/models/Qwen3-8B/a09a35458c702b33eeacc393d103063234e8bc28")?.model.id).toBe("Qwen/Qwen3-8B");
    // Download folders named the cache's way without its prefix: `<owner>--<name>`.
    expect(catalog.resolveModel("/models/BAAI--bge-m3")?.model.id).toBe("BAAI/bge-m3");
    expect(catalog.resolveModel("/data/Qwen--Qwen2.5-7B-Instruct/")).toMatchObject({ via: "id", model: { id: "Qwen/Qwen2.5-7B-Instruct" } });
    expect(catalog.resolveModel("/models/one--two--three")).toBeUndefined();
    expect(catalog.resolveModel("BAAI--bge-m3")).toBeUndefined();
    // LiteLLM's provider prefixes for a server of one's own.
    expect(catalog.resolveModel("ollama/llama3.3:latest")?.model.id).toBe("meta-llama/Llama-3.3-70B-Instruct");
    expect(catalog.resolveModel("hosted_vllm/Qwen/Qwen3-8B")?.model.id).toBe("Qwen/Qwen3-8B");
    // A GGUF file named for nothing is the model its folder names, of no stated type.
    expect(catalog.resolveModel("/models/models--unsloth--gemma-4-E4B-it-GGUF/model.gguf")).toMatchObject({ model: { id: "google/gemma-4-E4B-it" }, unknownFormat: "GGUF (no quant type in the file name)" });
    expect(catalog.resolveModel("E:\\llama.cpp\\Qwen3.6-27B\\UD-Q2_K_XL.gguf")?.model.id).toBe("Qwen/Qwen3.6-27B");
    // A NIM image of a repository the catalog lacks, or with a tag that is no image version, stays unresolved.
    expect(catalog.resolveModel("nvcr.io/nim/acme/house-model-7b-instruct:latest")).toBeUndefined();
    expect(catalog.resolveModel("nvcr.io/nim/microsoft/phi-3-mini-4k-instruct:q4_K_M")?.via).not.toBe("name");
    expect(catalog.resolveModel("F:\\models\\lmstudio-community\\gpt-oss-20b-GGUF\\gpt-oss-20b-MXFP4.gguf")).toMatchObject({ model: { id: "openai/gpt-oss-20b" }, format: { id: "gguf-mxfp4" } });
    // Ollama tags of a size with variant words and a quantization, also saved as files (`:` written `_`).
    for (const [written, model, format] of [
      ["deepseek-r1:32b-qwen-distill-q4_K_M", "deepseek-ai/DeepSeek-R1-Distill-Qwen-32B", "gguf-q4_k_m"],
      ["phi4:14b-q8_0", "microsoft/phi-4", "gguf-q8_0"],
      ["/models/deepseek-r1_8b-llama-distill-q4_K_M.gguf", "deepseek-ai/DeepSeek-R1-Distill-Llama-8B", "gguf-q4_k_m"],
    ] as const) {
      expect(catalog.resolveModel(written)).toMatchObject({ model: { id: model }, format: { id: format }, via: "checkpoint" });
    }
    // A variant word the size's model does not have is another model.
    expect(catalog.resolveModel("deepseek-r1:32b-llama-distill-q4_K_M")).toBeUndefined();
    // Ollama tags that restate the library default's flavour or size; another size is another model.
    for (const tag of ["mistral:instruct", "mistral:latest", "mistral-small:24b", "phi3.5:3.8b", "llama3:text"]) expect(catalog.resolveModel(tag)?.via).toBe("checkpoint");
    expect(catalog.resolveModel("mistral-small:22b")).toBeUndefined();
    // GGUF MXFP4_MOE (gpt-oss): the experts in MXFP4, the rest in Q8_0.
    expect(catalog.resolveModel("ggml-org/gpt-oss-20b-GGUF/gpt-oss-20b-mxfp4.gguf")).toMatchObject({ model: { id: "openai/gpt-oss-20b" }, format: { id: "gguf-mxfp4" } });
    expect(catalog.resolveModel("gpt-oss-120b.MXFP4_MOE.gguf")).toMatchObject({ model: { id: "openai/gpt-oss-120b" }, format: { id: "gguf-mxfp4" } });
    // gpt-oss GGUF files of any other type keep the experts in MXFP4 (Unsloth's F16 file of the 20B is
    // 13.8 GB, not the 42 GB of 16-bit weights); a dense model's F16 file is 16-bit throughout.
    const f16 = catalog.resolveModel("unsloth/gpt-oss-20b-GGUF:F16")!;
    expect(f16).toMatchObject({ model: { id: "openai/gpt-oss-20b" }, format: { id: "gguf-f16", bitsPerWeight: 16, expertBitsPerWeight: 4.25 }, assumption: "its MoE experts are MXFP4 in a GGUF file of any type; the other tensors GGUF F16" });
    expect(catalog.resolveModel("Qwen3-8B-F16.gguf")!.format).not.toHaveProperty("expertBitsPerWeight");
    // Two widths named at once: not sized as either.
    expect(catalog.resolveModel("someorg/Qwen3-8B-w4a16-fp8-mix")?.unknownFormat).toBe("w4a16 + fp8");
    // Some layers kept wider beside the quantized ones, by an amount per model (QuantTrio's FP16Mix): not sized as 4-bit.
    expect(catalog.resolveModel("QuantTrio/Qwen3-235B-A22B-Instruct-2507-AWQ-FP16Mix")).toMatchObject({ format: null, unknownFormat: "awq mixed with fp16" });
  });

  it("keeps the name as written for messages", () => {
    expect(catalog.resolveModel("hf://mistralai/Mixtral-8x7B-Instruct-v0.1")!.displayName).toBe("Mixtral-8x7B-Instruct-v0.1");
  });

  it("does not resolve unknown names, and offers the closest", () => {
    expect(catalog.resolveModel("acme/support-bot-13b")).toBeUndefined();
    expect(catalog.closestModelNames("mistralai/Mixtrall-8x7B")[0]).toBe("mistralai/Mixtral-8x7B-v0.1");
  });

  it.each([
    ["A10G", "a10g"],
    ["NVIDIA A10G", "a10g"],
    ["NVIDIA-A100-SXM4-80GB", "a100-80gb"],
    ["A100-80GB", "a100-80gb"],
    ["nvidia-a100-80gb", "a100-80gb"],
    ["nvidia-tesla-a100", "a100-40gb"],
    ["Tesla-T4", "t4"],
    ["nvidia-tesla-t4", "t4"],
    ["nvidia-l4", "l4"],
    ["nvidia-gpu-l4", "l4"],
    ["H100", "h100-80gb"],
    ["H100 NVL", "h100-nvl"],
    ["RTX 4090", "rtx-4090"],
    ["V100-16GB", "v100-16gb"],
    ["A800-80GB", "a800-80gb"],
    ["H20", "h20"],
    ["l40s", "l40s"],
    ["RTX 3070", "rtx-3070"],
    ["NVIDIA GeForce GTX 1080", "gtx-1080"],
    ["Radeon 8060S", "radeon-8060s"],
    ["nvidia-gpu-a16", "a16"],
    ["GB10", "gb10"],
    ["B300", "b300"],
    ["GB200", "gb200"],
    ["GB300", "gb300"],
    ["MI355X", "mi355x"],
    ["RTX 5090", "rtx5090"],
    ["RTX 4060", "rtx4060"],
  ])("GPU %s → %s", (written, gpu) => {
    expect(catalog.resolveGpu(written)?.gpu.id).toBe(gpu);
  });

  it("resolves an ambiguous bare name to the smaller GPU and says so", () => {
    const a100 = catalog.resolveGpu("A100")!;
    expect(a100.gpu.id).toBe("a100-40gb");
    expect(a100.via).toBe("ambiguous");
    expect(a100.assumption).toMatch(/40/);
    expect(a100.alternatives?.map((gpu) => gpu.id)).toContain("a100-80gb");
  });

  it("matches label variants nobody catalogued by their tokens", () => {
    expect(catalog.resolveGpu("NVIDIA-H100-SXM4-80GB")).toMatchObject({ gpu: { id: "h100-80gb" }, via: "fuzzy" });
    expect(catalog.resolveGpu("quantum-accelerator-9000")).toBeUndefined();
  });

  it.each([
    ["g5.2xlarge", "a10g", 1],
    ["g5.12xlarge", "a10g", 4],
    ["ml.g5.12xlarge", "a10g", 4],
    ["ml.p4d.24xlarge", "a100-40gb", 8],
    ["p5.48xlarge", "h100-80gb", 8],
    ["a3-highgpu-8g", "h100-80gb", 8],
    ["Standard_ND96asr_v4", "a100-40gb", 8],
    ["standard_nc24ads_a100_v4", "a100-80gb", 1],
    // Azure's partial A10s are partitions with their own memory, not the whole A10.
    ["Standard_NV12ads_A10_v5", "a10-partition-1-3", 1],
    ["Standard_NV36ads_A10_v5", "a10", 1],
    // Oracle Cloud's GPU shapes.
    ["BM.GPU.A10.4", "a10", 4],
    ["BM.GPU.H100.8", "h100-80gb", 8],
  ])("instance %s → %s × %d", (written, gpu, count) => {
    expect(catalog.resolveInstance(written)).toMatchObject({ gpu, gpuCount: count });
  });

  it.each([
    ["awq", "awq"],
    ["AWQ-INT4", "awq"],
    ["fp8", "fp8"],
    ["float16", "fp16"],
    ["bfloat16", "bf16"],
    ["Q4_K_M", "gguf-q4_k_m"],
    ["bitsandbytes-nf4", "bnb-nf4"],
  ])("quantization %s → %s", (written, format) => {
    expect(catalog.resolveFormat(written)?.id).toBe(format);
  });
});

describe("lookups", () => {
  it("use the indexes built once, never a walk over the catalog", () => {
    let walks = 0;
    const counted = <T extends object>(list: readonly T[]): T[] =>
      new Proxy(list as T[], {
        get(target, property, receiver) {
          if (property === Symbol.iterator || property === "map" || property === "find" || property === "filter" || property === "forEach" || property === "some") walks++;
          return Reflect.get(target, property, receiver);
        },
      });
    const indexed = new Catalog({
      ...bundledCatalogData,
      models: counted(bundledCatalogData.models),
      gpus: counted(bundledCatalogData.gpus),
      instances: counted(bundledCatalogData.instances),
      checkpoints: counted(bundledCatalogData.checkpoints),
    });
    // The name-part and family-and-size indexes are built by the first name no id or alias matches.
    expect(indexed.resolveModel("acme/unknown-model-7b")).toBeUndefined();
    walks = 0;
    expect(indexed.resolveModel("TheBloke/Mixtral-8x7B-Instruct-v0.1-AWQ")?.model.id).toBe("mistralai/Mixtral-8x7B-v0.1");
    expect(indexed.resolveModel("neuralmagic/Meta-Llama-3.1-70B-Instruct-FP8")?.model.id).toBe("meta-llama/Llama-3.1-70B");
    expect(indexed.resolveModel("mixtral-8x7b-instruct-v0.1.Q4_K_M.gguf")?.model.id).toBe("mistralai/Mixtral-8x7B-v0.1");
    expect(indexed.resolveGpu("NVIDIA-A100-SXM4-80GB")?.gpu.id).toBe("a100-80gb");
    expect(indexed.resolveGpu("A100")?.gpu.id).toBe("a100-40gb");
    expect(indexed.resolveInstance("ml.g5.12xlarge")?.gpuCount).toBe(4);
    expect(indexed.resolveModel("allenai/Llama-3.1-Tulu-3-8B")?.model.id).toBe("meta-llama/Llama-3.1-8B");
    expect(indexed.resolveModel("acme/Llama-3.1-8B-legal-sft")?.via).toBe("family");
    expect(walks).toBe(0);
  });

  it("reads Gemma's effective sizes (E2B, E4B) as sizes: a fine-tune of Gemma 4 E4B is that model, never E2B", () => {
    const catalog = bundledCatalog();
    expect(catalog.resolveModel("/models/Gemma-4-E4B-Uncensored-Q8_0.gguf")).toMatchObject({ model: { id: "google/gemma-4-E4B-it" }, via: "family", format: { id: "gguf-q8_0" } });
    expect(catalog.resolveModel("acme/gemma-4-E2B-support-sft")).toMatchObject({ model: { id: "google/gemma-4-E2B-it" }, via: "family" });
    // A size the family has no model of is no model.
    expect(catalog.resolveModel("acme/gemma-4-E8B-sft")).toBeUndefined();
    // Gemma 4 12B (Gemma4UnifiedForConditionalGeneration): its tags and re-uploads.
    expect(catalog.resolveModel("gemma4:12b")).toMatchObject({ model: { id: "google/gemma-4-12B-it" }, format: { id: "gguf-q4_k_m" } });
    expect(catalog.resolveModel("unsloth/gemma-4-12b-it-GGUF:Q8_0")).toMatchObject({ model: { id: "google/gemma-4-12B-it" }, format: { id: "gguf-q8_0" } });
  });

  it("reads a repository tagged with a GGUF type as a GGUF repository at that type, whatever its name", () => {
    const catalog = bundledCatalog();
    // llama.cpp's `-hf owner/repo:TYPE` and Ollama's `hf.co/owner/repo:TYPE`: never the 16-bit weights.
    expect(catalog.resolveModel("acme/Llama-3.1-8B-Instruct-abliterated:Q8_0")).toMatchObject({ model: { id: "meta-llama/Llama-3.1-8B" }, format: { id: "gguf-q8_0" } });
    expect(catalog.resolveModel("hf.co/acme/Qwen2.5-7B-Instruct-tuned:Q4_K_M")).toMatchObject({ format: { id: "gguf-q4_k_m" } });
    // A tag that is no GGUF type is not one.
    expect(catalog.resolveModel("acme/Llama-3.1-8B-Instruct-abliterated:latest")?.format ?? null).toBeNull();
  });

  it("matches a family written without its owner's brand prefix, and never down to a bare version", () => {
    const catalog = bundledCatalog();
    expect(catalog.resolveModel("nemotron-3-nano-30b-a3b")).toMatchObject({ model: { id: "nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-BF16" }, via: "family" });
    // `deepseek-ai/DeepSeek-…`, `ibm-granite/granite-3.1-…`: the owner's word is the family, not a prefix to drop.
    expect(catalog.resolveModel("acme/3.1-8b")).toBeUndefined();
    // A coder or math variant is never another generation's general model of that size (Qwen-14B-Chat is Qwen 1, with no GQA).
    expect(catalog.resolveModel("qwen-coder-14b-q4_k_m.gguf")).toBeUndefined();
    expect(catalog.resolveModel("qwen-14b-q4_k_m.gguf")?.model.id).toBe("Qwen/Qwen-14B-Chat");
    // Without its owner's prefix a family must still name one: `internlm-chat-7b` is no family `chat`,
    // `deepseek-coder-7b` no family `coder`, `Qwen2-VL-7B` no family `2 vl`.
    expect(catalog.resolveModel("acme-chat:7b")).toBeUndefined();
    // A family a catalogued fine-tune names (Intel/neural-chat-7b-v3-1, of Mistral 7B) is one.
    expect(catalog.resolveModel("neural-chat:7b")).toMatchObject({ model: { id: "mistralai/Mistral-7B-v0.1" }, via: "family" });
    expect(catalog.resolveModel("models/vicuna-13b")).toMatchObject({ model: { params: { total: expect.any(Number) } }, via: "family" });
    expect(catalog.resolveModel("acme-coder-7b")).toBeUndefined();
    expect(catalog.resolveModel("minicpm-2-vl-7b")).toBeUndefined();
    expect(catalog.resolveModel("internlm-chat-7b-q4_k_m.gguf")?.model.id).toBe("internlm/internlm-chat-7b");
    // `VL` glued to the version (Ollama's `qwen2.5vl` tags) is still a VL model, never Qwen 1's 72B chat model.
    expect(catalog.resolveModel("qwen2.5vl:72b")?.model.id).toBe("Qwen/Qwen2.5-VL-72B-Instruct");
    expect(catalog.resolveModel("qwen2.5vl:3b")?.model.id).toBe("Qwen/Qwen2.5-VL-3B-Instruct");
    // An Ollama tag that is only a quantization, of a name the catalog holds whole.
    expect(catalog.resolveModel("qwen3-coder-next:q4_K_M")).toMatchObject({ model: { id: "Qwen/Qwen3-Next-80B-A3B-Instruct" }, format: { id: "gguf-q4_k_m" } });
  });

  it("sizes a checkpoint that keeps its multi-token-prediction layers with them, and only for a model whose MTP layers it counts", async () => {
    const catalog = bundledCatalog();
    const mtp = catalog.resolveModel("unsloth/Qwen3.6-27B-MTP-GGUF:Q6_K")!;
    const plain = catalog.resolveModel("unsloth/Qwen3.6-27B-GGUF:Q6_K")!;
    expect(mtp).toMatchObject({ model: { id: "Qwen/Qwen3.6-27B+MTP", loadsMtp: true }, format: { id: "gguf-q6_k" }, displayName: "Qwen3.6-27B-MTP-GGUF:Q6_K" });
    expect(mtp.assumption).toBe("its 0.42B parameters of multi-token-prediction layers, which an MTP checkpoint keeps, loaded as weights");
    // One model object per base model, so estimates and caches key on it; the base model is untouched.
    expect(catalog.resolveModel("/models/Qwen3.6-27B-MTP-Q6_K.gguf")!.model).toBe(mtp.model);
    expect(plain.model.loadsMtp).toBeUndefined();
    const { estimateMemory } = await import("../src/sizing/estimate.js");
    const gpu = catalog.resolveGpu("H100")!.gpu;
    const request = { gpu, weightFormat: mtp.format!, engine: "llama.cpp" as const, tensorParallel: 1, pipelineParallel: 1, dataParallel: 1, expertParallel: false, maxModelLen: 8192, activationBytes: 2 as const };
    const extra = estimateMemory({ ...request, model: mtp.model }).perGpu.weightBytes - estimateMemory({ ...request, model: plain.model }).perGpu.weightBytes;
    // 424,698,880 MTP parameters at Q6_K's 6.5625 bits.
    expect(extra / ((424_698_880 * 6.5625) / 8)).toBeCloseTo(1, 2);
    expect(catalog.resolveModel("meta-llama/Llama-3.1-8B-MTP")).toBeUndefined();
  });

  it("builds the bundled catalog once per process", () => {
    expect(bundledCatalog()).toBe(bundledCatalog());
    expect(new Catalog(bundledCatalogData)).not.toBe(bundledCatalog());
  });
});
