import { RuleTester } from "eslint";
import { describe } from "vitest";
import plugin from "../../src/index.js";
import { deployment, spanOf } from "../support/manifest.js";
import "../support/rule-tester.js";

const tester = new RuleTester({ plugins: { vram: plugin as never }, language: "vram/yaml" });
const rule = plugin.rules["quantization-supported"] as never;
const llama = (flags: string, model = "meta-llama/Llama-3.1-8B-Instruct") => `"--model", "${model}"${flags}, "--max-model-len", "8192"`;
const T4 = { selector: "nvidia-tesla-t4" };

describe("vram/quantization-supported", () => {
  tester.run("quantization-supported", rule, {
    valid: [
      { code: deployment(llama(`, "--quantization", "fp8"`), { selector: "nvidia-h100-80gb" }), filename: "a.yaml" },
      // FP8 on Ampere runs weight-only through FP8 Marlin: slower, not an error.
      { code: deployment(llama(`, "--quantization", "fp8"`), { selector: "nvidia-a100-80gb" }), filename: "a.yaml" },
      // The checkpoint is AWQ and the flag says so (vLLM's awq_marlin spelling too).
      { code: deployment(llama(`, "--quantization", "awq_marlin"`, "hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4"), T4), filename: "a.yaml" },
      // experts_int8 quantizes a 16-bit checkpoint's experts while loading: no stored format to match.
      { code: deployment(llama(`, "--quantization", "experts_int8"`, "mistralai/Mixtral-8x7B-Instruct-v0.1"), { selector: "nvidia-h100-80gb" }), filename: "a.yaml" },
      // --dtype auto: vLLM casts the bf16 checkpoint to float16 on a T4 by itself.
      { code: deployment(llama(`, "--dtype", "auto"`, "meta-llama/Llama-3.2-3B-Instruct"), T4), filename: "a.yaml" },
      { code: deployment(llama(`, "--dtype", "float16"`, "meta-llama/Llama-3.2-3B-Instruct"), T4), filename: "a.yaml" },
    ],
    invalid: [
      {
        // vLLM runs on compute capability 7.0 and up, whatever the format: not on a Pascal Tesla P40.
        code: deployment(llama(`, "--dtype", "half"`), { selector: "nvidia-tesla-p40" }),
        filename: "a.yaml",
        errors: [
          {
            messageId: "capabilityUnsupported",
            ...spanOf(deployment(llama(`, "--dtype", "half"`), { selector: "nvidia-tesla-p40" }), "cloud.google.com/gke-accelerator: nvidia-tesla-p40", "nvidia-tesla-p40"),
            data: { engine: "vLLM", gpu: "NVIDIA Tesla P40", capability: "6.1", minimum: "7.0" },
          },
        ],
      },
      {
        code: deployment(llama(`, "--quantization", "fp8"`), T4),
        filename: "a.yaml",
        errors: [
          {
            messageId: "belowMinimum",
            ...spanOf(deployment(llama(`, "--quantization", "fp8"`), T4), `"--quantization", "fp8"`, "fp8"),
            data: {
              format: "FP8 (per-tensor/per-channel scales)",
              minimum: "8.0",
              native: "native kernels from 8.9, a weight-only fallback from 8.0",
              gpu: "NVIDIA T4",
              capability: "7.5",
              engine: "vLLM",
              alternatives: "",
            },
            suggestions: [
              {
                messageId: "useFormat",
                data: { remedy: "AWQ 4-bit (group 128) weights (hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4): 59,968 KV tokens, 7.3 × 8,192-token sequences" },
                output: deployment(llama(`, "--quantization", "awq"`, "hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4"), T4),
              },
              {
                messageId: "useFormat",
                data: { remedy: "GPTQ 4-bit (group 128) weights (hugging-quants/Meta-Llama-3.1-8B-Instruct-GPTQ-INT4): 59,968 KV tokens, 7.3 × 8,192-token sequences" },
                output: deployment(llama(`, "--quantization", "gptq"`, "hugging-quants/Meta-Llama-3.1-8B-Instruct-GPTQ-INT4"), T4),
              },
              {
                messageId: "useFormat",
                data: {
                  remedy:
                    "INT4 W4A16 (compressed-tensors, group 128, symmetric) weights (RedHatAI/Meta-Llama-3.1-8B-Instruct-quantized.w4a16): 60,176 KV tokens, 7.3 × 8,192-token sequences",
                },
                output: deployment(llama(`, "--quantization", "compressed-tensors"`, "RedHatAI/Meta-Llama-3.1-8B-Instruct-quantized.w4a16"), T4),
              },
            ],
          },
        ],
      },
      {
        code: deployment(llama(`, "--dtype", "bfloat16"`, "meta-llama/Llama-3.2-3B-Instruct"), T4),
        filename: "a.yaml",
        errors: [
          {
            messageId: "bf16Unsupported",
            ...spanOf(deployment(llama(`, "--dtype", "bfloat16"`, "meta-llama/Llama-3.2-3B-Instruct"), T4), `"--dtype", "bfloat16"`, "bfloat16"),
            data: { gpu: "NVIDIA T4", capability: "7.5" },
            suggestions: [{ messageId: "useFloat16", output: deployment(llama(`, "--dtype", "float16"`, "meta-llama/Llama-3.2-3B-Instruct"), T4) }],
          },
        ],
      },
      {
        code: deployment(llama(`, "--kv-cache-dtype", "fp8"`, "meta-llama/Llama-3.2-3B-Instruct"), T4),
        filename: "a.yaml",
        errors: [
          {
            messageId: "fp8KvUnsupported",
            data: { kvCacheDtype: "fp8", gpu: "NVIDIA T4", capability: "7.5" },
            suggestions: [
              {
                messageId: "useAutoKv",
                data: { headroom: ": 62,448 KV tokens, 7.6 × 8,192-token sequences" },
                output: deployment(llama(`, "--kv-cache-dtype", "auto"`, "meta-llama/Llama-3.2-3B-Instruct"), T4),
              },
            ],
          },
        ],
      },
      {
        // An AWQ flag on a repository stored in bf16.
        code: deployment(llama(`, "--quantization", "awq"`)),
        filename: "a.yaml",
        errors: [
          {
            messageId: "flagMismatch",
            ...spanOf(deployment(llama(`, "--quantization", "awq"`)), `"--quantization", "awq"`, "awq"),
            data: { flag: "awq", flagFormat: "AWQ 4-bit (group 128)", model: "Llama-3.1-8B-Instruct", stored: "bf16", engine: "vLLM", alternatives: "" },
            suggestions: [
              { messageId: "useFormat", data: { remedy: "bf16 weights as stored (no --quantization): 38,224 KV tokens, 4.6 × 8,192-token sequences" }, output: deployment(llama("")) },
              {
                messageId: "useFormat",
                data: { remedy: "FP8 (per-tensor/per-channel scales) weights: 91,472 KV tokens, 11 × 8,192-token sequences" },
                output: deployment(llama(`, "--quantization", "fp8"`)),
              },
              {
                messageId: "useFormat",
                data: { remedy: "AWQ 4-bit (group 128) weights (hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4): 117,072 KV tokens, 14 × 8,192-token sequences" },
                output: deployment(llama(`, "--quantization", "awq"`, "hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4")),
              },
            ],
          },
        ],
      },
      {
        // An AWQ repository run with a GPTQ flag.
        code: deployment(llama(`, "--quantization", "gptq"`, "TheBloke/Mixtral-8x7B-Instruct-v0.1-AWQ"), { selector: "nvidia-a100-80gb" }),
        filename: "a.yaml",
        errors: [
          {
            messageId: "flagMismatch",
            data: { flag: "gptq", flagFormat: "GPTQ 4-bit (group 128)", model: "Mixtral-8x7B-Instruct-v0.1-AWQ", stored: "AWQ 4-bit (group 128)", engine: "vLLM", alternatives: "" },
            suggestions: [
              {
                messageId: "useFormat",
                data: { remedy: "--quantization awq (as stored): 391,136 KV tokens, 47 × 8,192-token sequences" },
                output: deployment(llama(`, "--quantization", "awq"`, "TheBloke/Mixtral-8x7B-Instruct-v0.1-AWQ"), { selector: "nvidia-a100-80gb" }),
              },
              {
                messageId: "useFormat",
                data: { remedy: "GPTQ 4-bit (group 128) weights (TheBloke/Mixtral-8x7B-Instruct-v0.1-GPTQ): 391,136 KV tokens, 47 × 8,192-token sequences" },
                output: deployment(llama(`, "--quantization", "gptq"`, "TheBloke/Mixtral-8x7B-Instruct-v0.1-GPTQ"), { selector: "nvidia-a100-80gb" }),
              },
            ],
          },
        ],
      },
    ],
  });
});
