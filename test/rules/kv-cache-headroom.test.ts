import { describe } from "vitest";
import plugin from "../../src/index.js";
import { testers, YAML_ROUTES } from "../support/rule-tester.js";

const rule = plugin.rules["kv-cache-headroom"] as never;

const LLAMA_ON_L4 = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: llama
spec:
  template:
    spec:
      nodeSelector:
        cloud.google.com/gke-accelerator: nvidia-l4
      containers:
        - name: vllm
          image: vllm/vllm-openai:v0.11.0
          command: ["vllm", "serve", "meta-llama/Llama-3.1-8B-Instruct"]
          resources:
            limits:
              nvidia.com/gpu: 1
`;

const withContext = (length: number) =>
  LLAMA_ON_L4.replace(`"meta-llama/Llama-3.1-8B-Instruct"]`, `"meta-llama/Llama-3.1-8B-Instruct", "--max-model-len", "${length}"]`);

describe("vram/kv-cache-headroom", () => {
  for (const [route, tester] of testers(YAML_ROUTES)) {
    describe(route, () => {
      tester.run("kv-cache-headroom", rule, {
        valid: [
          { code: withContext(8192), filename: "llama.yaml" },
          { code: withContext(32768), filename: "llama.yaml" },
          // Weights that do not fit are weights-fit's finding, not this rule's.
          { code: LLAMA_ON_L4.replace("meta-llama/Llama-3.1-8B-Instruct", "meta-llama/Llama-3.1-70B-Instruct"), filename: "llama70.yaml" },
          // Unknown GPU: silence.
          { code: LLAMA_ON_L4.replace("nvidia-l4", "acme-npu-9000"), filename: "npu.yaml" },
        ],
        invalid: [
          {
            code: LLAMA_ON_L4,
            filename: "llama.yaml",
            errors: [
              {
                messageId: "kvTooSmall",
                line: 13,
                column: 39,
                endLine: 13,
                endColumn: 71,
                data: {
                  maxModelLen: "131,072",
                  lengthNote: " max_model_len is unset, so the model's full context counts.",
                  capacity: "38,224",
                  outcome: "vLLM refuses to start.",
                  remedy: " Fits with max_model_len 37,888.",
                  largest: "",
                  assumption: "",
                },
                suggestions: [
                  {
                    messageId: "applyRemedy",
                    data: { remedy: "max_model_len 37,888: 38,224 KV tokens, 1.0 × 37,888-token sequences" },
                    output: withContext(37888),
                  },
                  {
                    messageId: "applyRemedy",
                    data: { remedy: "2 × NVIDIA L4 at TP 2: 192,112 KV tokens, 1.4 × 131,072-token sequences" },
                    output: LLAMA_ON_L4.replace(`"meta-llama/Llama-3.1-8B-Instruct"]`, `"meta-llama/Llama-3.1-8B-Instruct", "--tensor-parallel-size", "2"]`).replace(
                      "nvidia.com/gpu: 1",
                      "nvidia.com/gpu: 2",
                    ),
                  },
                  {
                    messageId: "applyRemedy",
                    data: { remedy: "FP8 (per-tensor/per-channel scales) weights on 2 × NVIDIA L4 at TP 2: 245,360 KV tokens, 1.8 × 131,072-token sequences" },
                    output: LLAMA_ON_L4.replace(
                      `"meta-llama/Llama-3.1-8B-Instruct"]`,
                      `"meta-llama/Llama-3.1-8B-Instruct", "--quantization", "fp8", "--tensor-parallel-size", "2"]`,
                    ).replace("nvidia.com/gpu: 1", "nvidia.com/gpu: 2"),
                  },
                  {
                    messageId: "applyRemedy",
                    data: {
                      remedy:
                        "AWQ 4-bit (group 128) weights (hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4) on 2 × NVIDIA L4 at TP 2: 270,944 KV tokens, 2.0 × 131,072-token sequences",
                    },
                    output: LLAMA_ON_L4.replace(
                      `"meta-llama/Llama-3.1-8B-Instruct"]`,
                      `"hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4", "--tensor-parallel-size", "2"]`,
                    ).replace("nvidia.com/gpu: 1", "nvidia.com/gpu: 2"),
                  },
                  {
                    messageId: "applyRemedy",
                    data: { remedy: "1 × NVIDIA A100 40GB: 162,720 KV tokens, 1.2 × 131,072-token sequences" },
                    output: LLAMA_ON_L4.replace("nvidia-l4", "nvidia-tesla-a100"),
                  },
                ],
              },
            ],
          },
          {
            // minConcurrentSequences raises the bar: 32K fits once, not four times.
            code: withContext(32768),
            filename: "llama.yaml",
            options: [{ minConcurrentSequences: 4 }],
            errors: [
              {
                messageId: "lowConcurrency",
                line: 13,
                column: 94,
                endLine: 13,
                endColumn: 99,
                data: {
                  concurrency: "1.1",
                  required: 4,
                  maxModelLen: "32,768",
                  lengthNote: "",
                  remedy: " Fits with max_model_len 9,216.",
                  largest: "",
                  assumption: "",
                },
                suggestions: [
                  { messageId: "applyRemedy", data: { remedy: "max_model_len 9,216: 38,224 KV tokens, 4.1 × 9,216-token sequences" }, output: withContext(9216) },
                  {
                    messageId: "applyRemedy",
                    data: { remedy: "2 × NVIDIA L4 at TP 2: 192,112 KV tokens, 5.8 × 32,768-token sequences" },
                    output: withContext(32768).replace(`"32768"]`, `"32768", "--tensor-parallel-size", "2"]`).replace("nvidia.com/gpu: 1", "nvidia.com/gpu: 2"),
                  },
                  {
                    messageId: "applyRemedy",
                    data: { remedy: "FP8 (per-tensor/per-channel scales) weights on 2 × NVIDIA L4 at TP 2: 245,360 KV tokens, 7.4 × 32,768-token sequences" },
                    output: withContext(32768).replace(`"32768"]`, `"32768", "--quantization", "fp8", "--tensor-parallel-size", "2"]`).replace("nvidia.com/gpu: 1", "nvidia.com/gpu: 2"),
                  },
                  {
                    messageId: "applyRemedy",
                    data: {
                      remedy:
                        "AWQ 4-bit (group 128) weights (hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4) on 2 × NVIDIA L4 at TP 2: 270,944 KV tokens, 8.2 × 32,768-token sequences",
                    },
                    output: withContext(32768)
                      .replace("meta-llama/Llama-3.1-8B-Instruct", "hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4")
                      .replace(`"32768"]`, `"32768", "--tensor-parallel-size", "2"]`)
                      .replace("nvidia.com/gpu: 1", "nvidia.com/gpu: 2"),
                  },
                  {
                    messageId: "applyRemedy",
                    data: { remedy: "1 × NVIDIA A100 40GB: 162,720 KV tokens, 4.9 × 32,768-token sequences" },
                    output: withContext(32768).replace("nvidia-l4", "nvidia-tesla-a100"),
                  },
                ],
              },
            ],
          },
        ],
      });
    });
  }
});
