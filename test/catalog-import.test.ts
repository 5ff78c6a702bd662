/**
 * The config.json importer against real configs, one or more per architecture family, each checked
 * against the parameter count its publisher (or the Hugging Face Hub's safetensors metadata) states.
 * The configs under fixtures/hf-configs/ are the real files, trimmed to their architecture keys.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigImportError, importModelConfig } from "../src/catalog/import-config.js";
import { bundledCatalog } from "../src/catalog/load.js";
import { importModelFiles, parseConfigJson } from "../src/catalog/read-model-files.js";
import type { ModelEntry } from "../src/catalog/types.js";
import { estimateMemory, shapeOf } from "../src/sizing/estimate.js";
import { FIXTURES } from "./support/lint.js";

const AIC = "ai-dynamo/aiconfigurator@095f58a51c4ca8e61b66ec108d86f223f8d559ce:aic-core/src/aiconfigurator_core/model_configs";
const MLC = "mlc-ai/mlc-llm@79d603f085f50500e9509fa01785ffa7ecfaaa93:python/mlc_llm/model/model_preset.py";
const MAXTEXT = "AI-Hypercomputer/maxtext@e591f30cbbf217ed67ef71263ec0538239f9c3b8:src/maxtext/checkpoint_conversion/utils/hf_model_configs.py";
/** Hub safetensors parameter counts as scraped from the Hugging Face API. */
const HUB_COUNTS = "AlexsJones/llmfit@a3e0eb27c57fe05298292f4c61699b9aed2824ea:llmfit-core/data/hf_models.json";

interface Case {
  folder: string;
  family: string;
  /** Where the config values come from. */
  config: string;
  /** The published total, and where it is stated. */
  published: number;
  publishedSource: string;
  /** What else the entry must say. */
  expect?: Record<string, unknown>;
}

const CASES: Case[] = [
  { folder: "meta-llama--Llama-3.1-8B", family: "dense GQA", config: `${AIC}/meta-llama--Meta-Llama-3.1-8B_config.json`, published: 8_030_261_248, publishedSource: HUB_COUNTS, expect: { kvHeads: 8, attention: { kind: "gqa" }, maxPositionEmbeddings: 131072 } },
  { folder: "meta-llama--Llama-2-7b-hf", family: "dense MHA", config: `${MLC} (llama2_7b)`, published: 6_738_415_616, publishedSource: "keras-team/keras-hub@71453d08f59edc90d276e999319fc51e61cbf82c:keras_hub/src/models/llama/llama_presets.py (llama2_7b_en params)", expect: { attention: { kind: "mha" }, nativeFormat: "fp16" } },
  { folder: "mistralai--Mistral-7B-v0.1", family: "sliding window on every layer", config: `${MLC} (mistral_7b)`, published: 7_241_732_096, publishedSource: HUB_COUNTS, expect: { windowedAttention: { kind: "sliding", window: 4096, layers: 32 } } },
  { folder: "google--gemma-2-9b", family: "alternating sliding window, tied embeddings", config: `${MLC} (gemma2_9b)`, published: 9_241_705_984, publishedSource: `${HUB_COUNTS} (google/gemma-2-9b-it)`, expect: { windowedAttention: { kind: "sliding", window: 4096, layers: 21 }, tieWordEmbeddings: true, headDim: 256 } },
  { folder: "google--gemma-3-4b-it", family: "vision tower (SigLIP), 5:1 sliding pattern", config: `${MAXTEXT} (gemma3_4b_config)`, published: 4_300_079_472, publishedSource: HUB_COUNTS, expect: { windowedAttention: { kind: "sliding", window: 1024, layers: 29 } } },
  { folder: "Qwen--Qwen3-VL-8B-Instruct", family: "vision tower (Qwen3-VL, deepstack mergers)", config: `${AIC}/Qwen--Qwen3-VL-8B-Instruct_config.json`, published: 8_767_123_696, publishedSource: HUB_COUNTS },
  { folder: "llava-hf--llava-1.5-7b-hf", family: "vision tower (CLIP) over a partial text_config", config: `${MLC} (llava)`, published: 7_063_427_072, publishedSource: HUB_COUNTS, expect: { layers: 32, hiddenSize: 4096 } },
  { folder: "deepseek-ai--DeepSeek-V2-Lite", family: "MLA without q_lora, shared experts, first-k-dense", config: `${MLC} (deepseek_v2_lite)`, published: 15_706_484_224, publishedSource: HUB_COUNTS, expect: { attention: { kind: "mla", kvLoraRank: 512, qLoraRank: null }, moe: { experts: 64, expertsPerToken: 6, sharedExperts: 2, moeLayers: 26 } } },
  { folder: "deepseek-ai--DeepSeek-V3", family: "MLA + MoE + MTP, block FP8", config: `${AIC}/deepseek-ai--DeepSeek-V3_config.json`, published: 671e9, publishedSource: "https://huggingface.co/deepseek-ai/DeepSeek-V3 (671B total, 37B activated; the checkpoint's 685B adds the 14B MTP module)", expect: { nativeFormat: "fp8-block", moe: { experts: 256, moeLayers: 58, sharedExperts: 1 } } },
  { folder: "moonshotai--Kimi-K2-Instruct", family: "MLA + MoE (DeepSeek-V3 layout), block FP8", config: `${AIC}/moonshotai--Kimi-K2-Instruct_config.json`, published: 1_026_470_731_056, publishedSource: HUB_COUNTS, expect: { nativeFormat: "fp8-block", moe: { experts: 384 } } },
  { folder: "Qwen--Qwen1.5-MoE-A2.7B", family: "MoE with one wide shared expert", config: `${MLC} (qwen2moe)`, published: 14_315_784_192, publishedSource: HUB_COUNTS, expect: { moe: { experts: 60, expertsPerToken: 4, sharedExperts: 1, sharedExpertIntermediateSize: 5632 } } },
  { folder: "mistralai--Mixtral-8x7B-v0.1", family: "MoE, exact bytes from the safetensors index", config: `${AIC}/mistralai--Mixtral-8x7B-v0.1_config.json`, published: 46_702_792_704, publishedSource: `${HUB_COUNTS} (mistralai/Mixtral-8x7B-Instruct-v0.1)`, expect: { checkpointBytes: 93_405_585_408, moe: { experts: 8, expertsPerToken: 2 } } },
  { folder: "meta-llama--Llama-4-Maverick-17B-128E-Instruct", family: "interleaved MoE with a shared expert, chunked attention", config: `${AIC}/meta-llama--Llama-4-Maverick-17B-128E-Instruct_config.json (text_config only)`, published: 401_583_781_376, publishedSource: `${HUB_COUNTS} (includes the vision tower, absent from this config)`, expect: { moe: { experts: 128, moeLayers: 24, sharedExperts: 1 }, windowedAttention: { kind: "chunked", window: 8192, layers: 36 } } },
  { folder: "openai--gpt-oss-20b", family: "MoE with MXFP4 experts, alternating 128-token window", config: `${AIC}/openai--gpt-oss-20b_config.json`, published: 20.9e9, publishedSource: "https://huggingface.co/openai/gpt-oss-20b (21B parameters, 3.6B active; the model card table: 20.9B)", expect: { nativeFormat: "mxfp4", windowedAttention: { kind: "sliding", window: 128, layers: 12 } } },
  { folder: "Qwen--Qwen3-Next-80B-A3B-Instruct", family: "hybrid Gated DeltaNet linear attention + MoE", config: `${MAXTEXT} (qwen3_next_80b_a3b_dict)`, published: 80e9, publishedSource: "https://huggingface.co/Qwen/Qwen3-Next-80B-A3B-Instruct (80B total, 3B activated)", expect: { recurrent: { kind: "linear-attention", layers: 36 } } },
  { folder: "nvidia--Nemotron-H-56B-Base-8K", family: "hybrid Mamba-2 (single-component layers regrouped)", config: `${AIC}/nvidia--Nemotron-H-56B-Base-8K_config.json`, published: 56e9, publishedSource: "https://huggingface.co/nvidia/Nemotron-H-56B-Base-8K (56B)", expect: { layers: 64, recurrent: { kind: "mamba", layers: 54 } } },
  { folder: "nvidia--NVIDIA-Nemotron-3-Nano-30B-A3B-BF16", family: "hybrid Mamba-2 + ungated MoE", config: `${AIC}/nvidia--NVIDIA-Nemotron-3-Nano-30B-A3B-BF16_config.json`, published: 31_577_937_344, publishedSource: HUB_COUNTS, expect: { recurrent: { kind: "mamba", layers: 23 }, moe: { experts: 128, moeLayers: 23 } } },
  { folder: "nvidia--Llama-3_3-Nemotron-Super-49B-v1", family: "per-block widths (DeciLM block_configs)", config: `${AIC}/nvidia--Llama-3_3-Nemotron-Super-49B-v1_config.json`, published: 49_867_145_216, publishedSource: HUB_COUNTS, expect: { layers: 49, kvHeads: 8 } },
  { folder: "LiquidAI--LFM2-1.2B", family: "hybrid short convolutions (LFM2, full_attn_idxs), auto-adjusted MLP width", config: "lorinefeng/LiquidRAG@2dcc735c3d85fd07df83922e5948428f6f783091:models/LiquidAI_LFM2-1.2B/config.json", published: 1_170_340_608, publishedSource: "https://aifasthub.com/LiquidAI/LFM2-1.2B/blob/refs%2Fpr%2F2/README.md (a mirror of the model card)", expect: { intermediateSize: 8192, kvHeads: 8, headDim: 64, tieWordEmbeddings: true, recurrent: { kind: "short-convolution", layers: 10, stateBytesPerSequencePerLayer: 8192 } } },
  { folder: "LiquidAI--LFM2-2.6B", family: "hybrid short convolutions (LFM2, layer_types), MLP width as written", config: "Cmerrill1713/neuroforge-ai-platform@ab1eaf7530f6ed59987c033587c3f80ecbacc564:mlx_models/lfm2-2.6b-mlx/config.json (an mlx-lm conversion's config, its sizing keys as LiquidAI's)", published: 2_569_272_320, publishedSource: "https://worker-huggingface.ww6410.workers.dev/LiquidAI/LFM2-2.6B-Exp (the LFM2 family table)", expect: { layers: 30, intermediateSize: 10752, recurrent: { kind: "short-convolution", layers: 22 } } },
  { folder: "microsoft--phi-2", family: "ungated MLP (phi-msft keys)", config: `${MLC} (phi-2)`, published: 2_779_683_840, publishedSource: HUB_COUNTS },
  { folder: "openai-community--gpt2", family: "ungated MLP, learned positions, tied, fp32 checkpoint", config: `${MLC} (gpt2)`, published: 124e6, publishedSource: "https://huggingface.co/openai-community/gpt2 (the smallest GPT-2, 124M parameters)", expect: { nativeFormat: "fp32", tieWordEmbeddings: true } },
  { folder: "BAAI--bge-base-en-v1.5", family: "BERT encoder with pooler (embedding), fp32 checkpoint", config: "KalikaML/KalikaChatRAG@5aa02410f8f3e5f4191aad9842fb82dc10f5c999:bge-base-en-v1.5/config.json", published: 109_482_752, publishedSource: `${HUB_COUNTS} (the Hub's count includes the 512-entry position_ids buffer)`, expect: { attention: { kind: "encoder" }, maxPositionEmbeddings: 512, nativeFormat: "fp32" } },
  { folder: "mixedbread-ai--mxbai-embed-large-v1", family: "BERT-large encoder, fp16 checkpoint", config: "https://huggingface.co/mixedbread-ai/mxbai-embed-large-v1/blob/refs%2Fpr%2F13/config.json", published: 335_141_888, publishedSource: HUB_COUNTS, expect: { attention: { kind: "encoder" }, nativeFormat: "fp16" } },
  { folder: "Qwen--Qwen3-32B-FP8", family: "block FP8 quantization_config", config: `${AIC}/Qwen--Qwen3-32B-FP8_config.json`, published: 32.8e9, publishedSource: "https://huggingface.co/Qwen/Qwen3-32B (32.8B)", expect: { nativeFormat: "fp8-block" } },
  { folder: "nvidia--Llama-3.1-70B-Instruct-FP8", family: "ModelOpt FP8 (hf_quant_config.json)", config: `${AIC}/nvidia--Llama-3.1-70B-Instruct-FP8_config.json + _hf_quant_config.json`, published: 70.6e9, publishedSource: "https://huggingface.co/meta-llama/Llama-3.1-70B (70.6B)", expect: { nativeFormat: "fp8" } },
  { folder: "nvidia--Qwen3-235B-A22B-NVFP4", family: "ModelOpt NVFP4 (hf_quant_config.json)", config: `${AIC}/nvidia--Qwen3-235B-A22B-NVFP4_config.json + _hf_quant_config.json`, published: 235_093_634_560, publishedSource: `${HUB_COUNTS} (Qwen/Qwen3-235B-A22B)`, expect: { nativeFormat: "nvfp4", moe: { experts: 128, expertsPerToken: 8 } } },
];

describe("config.json importer on real configs", () => {
  it.each(CASES)("$folder ($family) counts within 2 % of the published total", ({ folder, published, expect: expected }) => {
    const entry = importModelFiles(`${FIXTURES}/hf-configs/${folder}`, folder.replace("--", "/"), ["test"]);
    const error = entry.params.total / published - 1;
    expect(Math.abs(error), `${entry.params.total} vs ${published}`).toBeLessThan(0.02);
    expect(entry.params.active).toBeLessThanOrEqual(entry.params.total);
    if (expected) expect(entry).toMatchObject(expected);
    // What the estimator derives is what the entry counts: an import sizes as it counts.
    const shape = shapeOf(entry);
    expect(shape.derivedTotal + shape.vision).toBe(entry.params.total);
  });

  it("counts Qwen3.5's gated q_proj (attn_output_gate) and its full-attention MTP layer: the checkpoint's 4,659,865,088 parameters", () => {
    // Safetensors header count of Qwen/Qwen3.5-4B, MTP tensors included:
    // KinChow/model-structure-viewer@442647cb0bdb5454431c545704bca7002c28e0cd:models/Qwen/Qwen3.5-4B/header-truth.json.
    const entry = importModelFiles(`${FIXTURES}/hf-configs/Qwen--Qwen3.5-4B`, "Qwen/Qwen3.5-4B", ["test"]);
    expect(entry.attention).toEqual({ kind: "gqa", outputGate: true });
    expect(Math.abs((entry.params.total + entry.params.mtp!) / 4_659_865_088 - 1)).toBeLessThan(1e-5);
    expect(shapeOf(entry).derivedTotal + shapeOf(entry).vision).toBe(entry.params.total);
    // Without the gate, q_proj is half as wide: 8 attention layers × 2560 × 16 heads × 256 fewer.
    const config = JSON.parse(readFileSync(`${FIXTURES}/hf-configs/Qwen--Qwen3.5-4B/config.json`, "utf8"));
    config.text_config.attn_output_gate = false;
    const ungated = importModelConfig({ id: "Qwen/Qwen3.5-4B", config, sources: ["test"] });
    expect(ungated.attention).toEqual({ kind: "gqa" });
    expect(entry.params.total - ungated.params.total).toBe(8 * 2560 * 16 * 256);
  });

  it("keeps DeepSeek-V3's MTP layer out of the total but reports it (671B + ~14B = the 685B checkpoint)", () => {
    const entry = importModelFiles(`${FIXTURES}/hf-configs/deepseek-ai--DeepSeek-V3`, "deepseek-ai/DeepSeek-V3", ["test"]);
    expect((entry.params.total + entry.params.mtp!) / 684_531_386_000 - 1).toBeLessThan(0.005);
    expect(entry.notes?.join(" ")).toMatch(/multi-token-prediction/);
  });

  it("subtracts the MTP share from a safetensors total", () => {
    const totalSize = 700_000_000_000; // a round total: this checks the arithmetic
    const entry = importModelConfig({ id: "x/y", config: readConfig("deepseek-ai--DeepSeek-V3"), safetensorsIndex: { metadata: { total_size: totalSize } }, sources: ["test"] });
    expect(entry.checkpointBytes! / totalSize).toBeCloseTo(entry.params.total / (entry.params.total + entry.params.mtp!), 6);
    expect(() => importModelConfig({ id: "x/y", config: readConfig("deepseek-ai--DeepSeek-V3"), safetensorsIndex: { weight_map: {} }, sources: ["test"] })).toThrow(/no metadata.total_size/);
  });

  it.each([
    [{ model_type: "t5", architectures: ["T5ForConditionalGeneration"], d_model: 512 }, /T5ForConditionalGeneration is an encoder-decoder model/],
    [{ model_type: "deberta-v2", architectures: ["DebertaV2Model"], hidden_size: 768 }, /DebertaV2Model is an encoder-only model with relative-position attention/],
    [{ model_type: "bert", architectures: ["BertModel"], hidden_size: 768 }, /config.json has no num_hidden_layers, num_attention_heads, vocab_size, so the encoder cannot be sized/],
    [{ model_type: "falcon_h1", architectures: ["FalconH1ForCausalLM"] }, /parallel hybrid/],
    [{ model_type: "mamba", architectures: ["MambaForCausalLM"] }, /pure state-space/],
    [{ model_type: "acme_llm", architectures: ["AcmeForCausalLM"], hidden_size: 4096 }, /model_type "acme_llm" \(AcmeForCausalLM\) is not an architecture the importer knows/],
    [{ model_type: "llama", architectures: ["LlamaForCausalLM"], hidden_size: 4096, num_attention_heads: 32 }, /config.json has no num_hidden_layers, vocab_size/],
    [{ model_type: "llama", num_hidden_layers: 2, hidden_size: 64, num_attention_heads: 4, vocab_size: 100, intermediate_size: 128, max_position_embeddings: 512, quantization_config: { quant_method: "hqq", bits: 4 } }, /quantization_config names hqq at 4 bits, which is not a format the catalog sizes/],
    [[1, 2, 3], /config.json must be a JSON object/],
  ])("refuses %j clearly", (config, message) => {
    expect(() => importModelConfig({ id: "acme/x", config, sources: ["test"] })).toThrow(ConfigImportError);
    expect(() => importModelConfig({ id: "acme/x", config, sources: ["test"] })).toThrow(message);
  });

  it.each([
    [{ quant_method: "awq", bits: 4, group_size: 128, version: "gemm", zero_point: true }, "awq"],
    [{ quant_method: "gptq", bits: 4, group_size: 128, desc_act: false, sym: true }, "gptq"],
    [{ quant_method: "gptq", bits: 8, group_size: 128 }, "gptq-int8"],
    [{ quant_method: "bitsandbytes", load_in_4bit: true, bnb_4bit_quant_type: "nf4" }, "bnb-nf4"],
    [{ quant_method: "bitsandbytes", load_in_8bit: true }, "bnb-int8"],
    [{ quant_method: "fp8", activation_scheme: "dynamic", weight_block_size: [128, 128] }, "fp8-block"],
    [{ quant_method: "compressed-tensors", format: "pack-quantized", config_groups: { group_0: { weights: { num_bits: 4, type: "int", strategy: "group", group_size: 128 } } } }, "w4a16"],
    [{ quant_method: "compressed-tensors", format: "float-quantized", config_groups: { group_0: { weights: { num_bits: 8, type: "float", strategy: "channel" } } } }, "fp8"],
    [{ quant_method: "compressed-tensors", format: "int-quantized", config_groups: { group_0: { weights: { num_bits: 8, type: "int", strategy: "channel" } } } }, "int8"],
    [{ quant_method: "compressed-tensors", format: "nvfp4-pack-quantized", config_groups: { group_0: { weights: { num_bits: 4, type: "float", group_size: 16 } } } }, "nvfp4"],
    [{ quant_method: "mxfp4" }, "mxfp4"],
  ])("reads the stored format from quantization_config %j", (quantization, format) => {
    const config = { ...readConfig("meta-llama--Llama-3.1-8B"), quantization_config: quantization };
    expect(importModelConfig({ id: "acme/x", config, sources: ["test"] }).nativeFormat).toBe(format);
  });

  it("sizes DeepSeek-V4's FP4 experts beside its block-FP8 linears (\"expert_dtype\": \"fp4\")", () => {
    const fp8 = { quant_method: "fp8", fmt: "e4m3", scale_fmt: "ue8m0", weight_block_size: [128, 128] };
    const config = { ...readConfig("meta-llama--Llama-3.1-8B"), quantization_config: fp8, expert_dtype: "fp4" };
    expect(importModelConfig({ id: "acme/x", config, sources: ["test"] }).nativeFormat).toBe("fp8-block-fp4-experts");
  });

  it("reads Python-style JSON (NaN, Infinity) as transformers writes it", () => {
    expect(parseConfigJson('{"a": Infinity, "b": -Infinity, "c": NaN, "d": "Infinity", "e": [1, NaN]}')).toEqual({ a: null, b: null, c: null, d: "Infinity", e: [1, null] });
  });

  it("reads Step 3.5's expert-layer list and counts attention windows over the model's own layers, not its MTP layers", () => {
    // yevvonlim/Megatron-Bridge@2023060258425968ad5401c99153723cee8cd114:tests/unit_tests/models/step3p5/_reference/config.json:
    // `moe_layers_enum` lists layers 3–44; `layer_types` lists 48 types for 45 layers and 3 MTP layers.
    const entry = importModelFiles(`${FIXTURES}/hf-configs/stepfun-ai--Step-3.5-Flash`, "stepfun-ai/Step-3.5-Flash", ["test"]);
    expect(entry).toMatchObject({ layers: 45, moe: { experts: 288, expertsPerToken: 8, moeLayers: 42 }, windowedAttention: { kind: "sliding", window: 512, layers: 33 } });
    expect(entry.params.mtp).toBeGreaterThan(0);
  });

  it("reads GLM-4.7-Flash (glm4_moe_lite) as the DeepSeek-V2/V3 layout it shares: MLA, shared and routed experts, a dense first layer", () => {
    // ai-dynamo/aiconfigurator@19d098add98ab8ba2366c94795e9e886cdcc915c:src/aiconfigurator/model_configs/zai-org--GLM-4.7-Flash_config.json
    const entry = importModelFiles(`${FIXTURES}/hf-configs/zai-org--GLM-4.7-Flash`, "zai-org/GLM-4.7-Flash", ["test"]);
    expect(entry).toMatchObject({
      layers: 47,
      attention: { kind: "mla", kvLoraRank: 512, qkRopeHeadDim: 64, qkNopeHeadDim: 192, vHeadDim: 256, qLoraRank: 768 },
      moe: { experts: 64, expertsPerToken: 4, sharedExperts: 1, moeLayers: 46 },
    });
  });

  it("counts BERT-family encoders exactly: every bias, the position and token-type embeddings, the pooler or a reranker's head", () => {
    const embedding = importModelFiles(`${FIXTURES}/hf-configs/BAAI--bge-base-en-v1.5`, "BAAI/bge-base-en-v1.5", ["test"]);
    // BERT-base with its pooler: 109,482,240 weights (the Hub's 109,482,752 adds the position_ids buffer).
    expect(embedding.params.total).toBe(109_482_240);
    expect(embedding).toMatchObject({ attention: { kind: "encoder" }, kvHeads: 12, tieWordEmbeddings: true });
    // XLM-RoBERTa base: no pooler, a one-label classification head; 514 positions serve 512 tokens.
    const reranker = importModelFiles(`${FIXTURES}/hf-configs/BAAI--bge-reranker-base`, "BAAI/bge-reranker-base", ["test"]);
    expect(reranker).toMatchObject({ architecture: "XLMRobertaForSequenceClassification", maxPositionEmbeddings: 512, nativeFormat: "fp32" });
    expect(reranker.params.total).toBe(278_043_648 - (768 * 768 + 768) + (768 * 768 + 768 + 768 + 1));
    expect(reranker.notes).toContain("XLMRobertaForSequenceClassification: a classification head of 1 label(s) (a reranker or classifier)");
  });

  it("counts JinaBERT's GeGLU MLP and ALiBi attention: no position embeddings, one bias-free up projection", () => {
    // jina-embeddings-v2-base-en's config (the keys that size it); its model card gives 137 million parameters.
    const config = {
      architectures: ["JinaBertForMaskedLM"], model_type: "bert", hidden_size: 768, intermediate_size: 3072, num_hidden_layers: 12, num_attention_heads: 12,
      vocab_size: 30528, type_vocab_size: 2, max_position_embeddings: 8192, position_embedding_type: "alibi", feed_forward_type: "geglu", torch_dtype: "float32",
    };
    const entry = importModelConfig({ id: "jinaai/jina-embeddings-v2-base-en", config, sources: ["test"] });
    // 30,528 × 768 word and 2 × 768 token-type embeddings and their LayerNorm; per layer Q, K, V, O with
    // biases, 768 → 2 × 3,072 (no bias), 3,072 → 768 with bias, two LayerNorms.
    const perLayer = 4 * (768 * 768 + 768) + 768 * 2 * 3072 + (3072 * 768 + 768) + 2 * 2 * 768;
    expect(entry.params.total).toBe(30528 * 768 + 2 * 768 + 2 * 768 + 12 * perLayer);
    expect(Math.round(entry.params.total / 1e6)).toBe(137);
    expect(entry).toMatchObject({ attention: { kind: "encoder" }, maxPositionEmbeddings: 8192 });
  });

  it("sizes GLM-V configs (text_config nested): GLM-OCR's biased, per-head-normalised vision blocks and GLM-4.6V's learned positions", () => {
    // The keys zai-org/GLM-OCR writes, at toy sizes: 2 text layers of 64 (4 heads of 32, 2 KV heads), one MTP layer.
    const text = {
      model_type: "glm_ocr_text", hidden_size: 64, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2, head_dim: 32, intermediate_size: 128,
      vocab_size: 1000, max_position_embeddings: 4096, tie_word_embeddings: false, num_nextn_predict_layers: 1, attention_bias: false, dtype: "bfloat16",
    };
    const vision = {
      model_type: "glm_ocr_vision", hidden_size: 32, depth: 2, num_heads: 4, attention_bias: true, intermediate_size: 64, out_hidden_size: 64,
      patch_size: 14, temporal_patch_size: 2, spatial_merge_size: 2, image_size: 336,
    };
    const ocr = importModelConfig({ id: "acme/ocr", config: { architectures: ["GlmOcrForConditionalGeneration"], model_type: "glm_ocr", text_config: text, vision_config: vision }, sources: ["test"] });
    // Text: untied 1000 × 64 embedding and head; per layer q, k, v, o (64·128 + 2·64·64 + 128·64), gated MLP 3·64·128, two norms; final norm.
    const textParams = 2 * 1000 * 64 + 2 * (3 * 64 * 128 + 24_576 + 2 * 64) + 64;
    // Vision: Conv3d patch embedding (3·2·14·14·32 + bias); per block two norms, qkv and proj with biases, q/k norms of 8,
    // a biased gated MLP of 64; post norm; the 2 × 2 downsample conv to 64; the merger (proj, LayerNorm, gated MLP of 64 · 3 channels).
    const block = 2 * 32 + (3 * 32 * 32 + 3 * 32) + (32 * 32 + 32) + 2 * 8 + (3 * 32 * 64 + 2 * 64 + 32);
    const visionParams = 3 * 2 * 14 * 14 * 32 + 32 + 2 * block + 32 + (32 * 64 * 4 + 64) + (64 * 64 + 2 * 64 + 3 * 64 * 192);
    expect(ocr.params).toMatchObject({ total: textParams + visionParams, vision: visionParams });
    expect(ocr.params.mtp).toBeGreaterThan(0);
    expect(kvBytesPerToken(ocr)).toBe(2 * 2 * 2 * 32 * 2); // 2 layers × K and V × 2 KV heads × 32 × bf16

    // GLM-4.1V/4.6V (glm4v): learned positions for (336 / 14)² patches and a post-conv norm, bias-free blocks whose MLP is
    // out_hidden_size wide, the merger's MLP intermediate_size wide.
    const glm4v = importModelConfig({
      id: "acme/glm4v",
      config: { model_type: "glm4v", text_config: { ...text, model_type: "glm4v_text" }, vision_config: { ...vision, model_type: "glm4v_vision", attention_bias: false } },
      sources: ["test"],
    });
    const plainBlock = 2 * 32 + 3 * 32 * 32 + 32 * 32 + 3 * 32 * 64;
    const glm4vVision = 3 * 2 * 14 * 14 * 32 + 32 + 24 * 24 * 32 + 32 + 2 * plainBlock + 32 + (32 * 64 * 4 + 64) + (64 * 64 + 2 * 64 + 3 * 64 * 64);
    expect(glm4v.params.vision).toBe(glm4vVision);
  });

  it("sizes LFM2-MoE: short-convolution layers keep a constant state, only attention layers cache KV; dense first layers, then experts", () => {
    // The keys LiquidAI/LFM2-8B-A1B writes, at toy sizes: 4 layers (3 conv, 1 attention), 2 dense then 2 MoE layers of 8 experts.
    const config = {
      architectures: ["Lfm2MoeForCausalLM"], model_type: "lfm2_moe", hidden_size: 64, num_hidden_layers: 4, num_attention_heads: 4, num_key_value_heads: 2,
      intermediate_size: 128, moe_intermediate_size: 32, num_experts: 8, num_experts_per_tok: 2, num_dense_layers: 2, vocab_size: 1000,
      max_position_embeddings: 4096, conv_L_cache: 3, conv_bias: false, layer_types: ["conv", "conv", "full_attention", "conv"], dtype: "bfloat16",
    };
    const entry = importModelConfig({ id: "acme/lfm2-moe", config, sources: ["test"] });
    // The MoE model's dense width is intermediate_size as written (LFM2's 2/3 auto-adjustment does not apply).
    expect(entry).toMatchObject({
      intermediateSize: 128,
      tieWordEmbeddings: true,
      recurrent: { kind: "short-convolution", layers: 3, stateBytesPerSequencePerLayer: 2 * 64 * 2 },
      moe: { experts: 8, expertsPerToken: 2, expertIntermediateSize: 32, sharedExperts: 0, moeLayers: 2 },
    });
    // Tied 1000 × 64 embedding; 3 conv mixers (in_proj 64 → 192, depthwise 64 × 3, out_proj 64 × 64); one attention layer
    // (head_dim 16); 2 dense MLPs of 128; 2 MoE layers of 8 experts of 32 and a router; two norms per layer; final norm.
    const experts = 8 * 3 * 64 * 32;
    const total = 1000 * 64 + 3 * (3 * 64 * 64 + 64 * 3 + 64 * 64) + (64 * 64 + 2 * 64 * 32 + 64 * 64) + 2 * 3 * 64 * 128 + 2 * (experts + 8 * 64) + 4 * 128 + 64;
    expect(entry.params).toEqual({ total, active: total - 2 * (6 / 8) * experts });
    expect(kvBytesPerToken(entry)).toBe(1 * 2 * 2 * 16 * 2); // the one attention layer × K and V × 2 KV heads × 16 × bf16
    expect(entry.notes?.join(" ")).toMatch(/3 of 4 layers are short convolutions: no KV cache, a constant 256-byte state per sequence each .*; only the 1 attention layers grow a KV cache/);
  });

  it("sizes MiniCPM-V 2.5+: the language model at the top level, a SigLIP tower and a perceiver resampler into its width", () => {
    // The keys openbmb/MiniCPM-V-4 writes, at toy sizes.
    const config = {
      architectures: ["MiniCPMV"], model_type: "minicpmv", version: 4.0, hidden_size: 64, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2,
      head_dim: 16, intermediate_size: 128, vocab_size: 1000, max_position_embeddings: 4096, tie_word_embeddings: false, query_num: 4,
      drop_vision_last_layer: false, torch_dtype: "bfloat16",
      vision_config: { model_type: "siglip_vision_model", hidden_size: 32, intermediate_size: 64, num_hidden_layers: 2, num_attention_heads: 2, patch_size: 14, image_size: 56 },
    };
    const entry = importModelConfig({ id: "acme/minicpm-v", config, sources: ["test"] });
    const language = 2 * 1000 * 64 + 2 * (64 * 64 + 2 * 64 * 32 + 64 * 64 + 3 * 64 * 128 + 2 * 64) + 64;
    // SigLIP: Conv2d 14 × 14 patches, 4 × 4 learned positions (no class token), per layer biased q/k/v/o, fc1, fc2 and two
    // LayerNorms, the post LayerNorm. Resampler: 4 queries of 64, kv_proj 32 → 64, attention (in/out projections with biases),
    // three LayerNorms, the 64 × 64 output projection.
    const tower = 3 * 14 * 14 * 32 + 32 + 16 * 32 + 2 * (4 * 32 * 32 + 4 * 32 + 2 * 32 * 64 + 64 + 32 + 4 * 32) + 2 * 32;
    const resampler = 4 * 64 + 32 * 64 + 4 * 64 * 64 + 4 * 64 + 6 * 64 + 64 * 64;
    expect(entry.params).toMatchObject({ total: language + tower + resampler, active: language, vision: tower + resampler });
    expect(kvBytesPerToken(entry)).toBe(2 * 2 * 2 * 16 * 2);
  });

  it("sizes Gemma 3n's language model as vLLM loads it: per-layer embeddings, AltUp, LAuReL and per-layer MLP widths", () => {
    const text = {
      model_type: "gemma3n_text", hidden_size: 64, num_hidden_layers: 4, num_attention_heads: 2, num_key_value_heads: 1, head_dim: 32,
      intermediate_size: [128, 128, 256, 256], vocab_size: 1000, vocab_size_per_layer_input: 500, hidden_size_per_layer_input: 8,
      altup_num_inputs: 4, laurel_rank: 4, num_kv_shared_layers: 2, sliding_window: 16, max_position_embeddings: 4096,
      layer_types: ["sliding_attention", "sliding_attention", "sliding_attention", "full_attention"],
    };
    const entry = importModelConfig({ id: "acme/gemma-3n", config: { architectures: ["Gemma3nForConditionalGeneration"], model_type: "gemma3n", text_config: text, torch_dtype: "bfloat16" }, sources: ["test"] });
    expect(entry).toMatchObject({ intermediateSize: 192, tieWordEmbeddings: true, windowedAttention: { kind: "sliding", window: 16, layers: 3 } });
    // The layer model: tied embedding, per layer q/k/v/o and a gated MLP of the mean width 192, two norms; final norm.
    const layers = 1000 * 64 + 4 * (64 * 64 + 2 * 64 * 32 + 64 * 64 + 3 * 64 * 192 + 2 * 64) + 64;
    // PLE: the 500 × (4 × 8) table, the 64 → 32 model projection and its norm, per layer the gate, the projection back and a norm.
    const ple = 500 * 4 * 8 + 64 * 4 * 8 + 8 + 4 * (2 * 64 * 8 + 64);
    // Per layer: AltUp (output scale, 4 × 4 correction, 4 × 16 prediction, 64 → 4 router, router norm), LAuReL (64 → 4 → 64,
    // norm), the pre/post feed-forward norms, q/k norms; and the 3 + 3 AltUp projections of 64 × 64.
    const perLayer = 64 + 16 + 64 + 64 * 4 + 64 + 2 * 64 * 4 + 64 + 2 * 64 + 2 * 32;
    expect(entry.params).toMatchObject({ total: layers + ple + 4 * perLayer + 6 * 64 * 64, vision: ple + 4 * perLayer + 6 * 64 * 64 });
    expect(entry.notes?.join(" ")).toMatch(/per-layer input embeddings \(PLE, 500 × 4 × 8 = 0\.00B parameters\) can be kept off the accelerator/);
    expect(entry.notes?.join(" ")).toMatch(/effective parameters \(without the PLE table\)/);
    // Every layer's K and V projections are counted, and cached: the 2 KV-sharing layers are an overestimate the notes name.
    expect(kvBytesPerToken(entry)).toBe(4 * 2 * 1 * 32 * 2);
  });

  it("says what it cannot read, naming the file", () => {
    expect(() => importModelFiles(`${FIXTURES}/hf-configs/no-such-model`, "acme/x", ["test"])).toThrow(/does not exist/);
    expect(() => importModelFiles(`${FIXTURES}/kubernetes`, "acme/x", ["test"])).toThrow(/has no config.json/);
  });
});

const catalog = bundledCatalog();

/** What the estimator caches per token for the entry: bf16 KV, one H100, vLLM. */
function kvBytesPerToken(model: ModelEntry): number {
  return estimateMemory({
    engine: "vllm", model, weightFormat: catalog.format("bf16"), activationBytes: 2, gpu: catalog.gpu("h100-80gb")!,
    tensorParallel: 1, pipelineParallel: 1, dataParallel: 1, expertParallel: false, maxModelLen: 4096,
  }).kvBytesPerToken;
}

function readConfig(folder: string): Record<string, unknown> {
  return parseConfigJson(readFileSync(`${FIXTURES}/hf-configs/${folder}/config.json`, "utf8")) as Record<string, unknown>;
}
