import { describe, expect, it } from "vitest";
import plugin from "../../src/index.js";
import { findings, lint } from "../support/lint.js";
import { JSON_ROUTES, testers, YAML_ROUTES } from "../support/rule-tester.js";

const rule = plugin.rules["weights-fit"] as never;

const MIXTRAL_ON_L4 = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: mixtral
spec:
  template:
    spec:
      nodeSelector:
        cloud.google.com/gke-accelerator: nvidia-l4
      containers:
        - name: vllm
          image: vllm/vllm-openai:v0.11.0
          args: ["--model", "mistralai/Mixtral-8x7B-Instruct-v0.1", "--max-model-len", "8192"]
          resources:
            limits:
              nvidia.com/gpu: 1
`;

const MIXTRAL_ON_2_H100 = MIXTRAL_ON_L4.replace("nvidia-l4", "nvidia-h100-80gb")
  .replace(`"--max-model-len", "8192"]`, `"--max-model-len", "8192", "--tensor-parallel-size", "2"]`)
  .replace("nvidia.com/gpu: 1", "nvidia.com/gpu: 2");

const MIXTRAL_APP_CONFIG = `{
  "model": "mistralai/Mixtral-8x7B-Instruct-v0.1",
  "gpu": "A10G",
  "gpu_count": 1,
  "max_model_len": 8192
}
`;

describe("vram/weights-fit", () => {
  for (const [route, tester] of testers(YAML_ROUTES)) {
    describe(route, () => {
      tester.run("weights-fit", rule, {
        valid: [
          { code: MIXTRAL_ON_2_H100, filename: "mixtral.yaml" },
          // The model is unknown: nothing can be checked, so this rule stays silent (known-model says why).
          { code: MIXTRAL_ON_L4.replace("mistralai/Mixtral-8x7B-Instruct-v0.1", "acme/private-moe"), filename: "private.yaml" },
          // The GPU count is a template value: not judged rather than guessed.
          { code: MIXTRAL_ON_L4.replace("nvidia.com/gpu: 1", 'nvidia.com/gpu: "${GPUS}"'), filename: "templated.yaml" },
          { code: "name: release\non: [push]\njobs: {}\n", filename: "workflow.yaml" },
          { code: "", filename: "empty.yaml" },
        ],
        invalid: [
          {
            code: MIXTRAL_ON_L4,
            filename: "mixtral.yaml",
            errors: [
              {
                messageId: "moeResident",
                line: 16,
                column: 31,
                endLine: 16,
                endColumn: 32,
                data: {
                  model: "Mixtral-8x7B-Instruct-v0.1",
                  needed: "87.5",
                  perGpu: "",
                  format: "bf16",
                  usable: "20.2",
                  gpus: "1 × L4",
                  has: "has",
                  beside: "",
                  engine: "vLLM",
                  detail: " Only 12.9B of its 46.7B parameters are active per token, but every expert must be resident.",
                  assumption: "",
                  // Least change first: the same checkpoint on more L4s before a new checkpoint or another GPU.
                  remedy: " Fits with FP8 weights on 4 × NVIDIA L4 at TP 4.",
                },
                suggestions: [
                  {
                    messageId: "applyRemedy",
                    data: { remedy: "FP8 (per-tensor/per-channel scales) weights on 4 × NVIDIA L4 at TP 4: 282,224 KV tokens, 34 × 8,192-token sequences" },
                    output: MIXTRAL_ON_L4.replace(`"8192"]`, `"8192", "--quantization", "fp8", "--tensor-parallel-size", "4"]`).replace("nvidia.com/gpu: 1", "nvidia.com/gpu: 4"),
                  },
                  {
                    messageId: "applyRemedy",
                    data: { remedy: "8 × NVIDIA L4 at TP 8: 569,936 KV tokens, 69 × 8,192-token sequences" },
                    output: MIXTRAL_ON_L4.replace(`"8192"]`, `"8192", "--tensor-parallel-size", "8"]`).replace("nvidia.com/gpu: 1", "nvidia.com/gpu: 8"),
                  },
                  {
                    messageId: "applyRemedy",
                    data: { remedy: "AWQ 4-bit (group 128) weights (TheBloke/Mixtral-8x7B-Instruct-v0.1-AWQ) on 2 × NVIDIA L4 at TP 2: 130,864 KV tokens, 15 × 8,192-token sequences" },
                    output: MIXTRAL_ON_L4.replace(
                      `"--model", "mistralai/Mixtral-8x7B-Instruct-v0.1", "--max-model-len", "8192"]`,
                      `"--model", "TheBloke/Mixtral-8x7B-Instruct-v0.1-AWQ", "--max-model-len", "8192", "--tensor-parallel-size", "2"]`,
                    ).replace("nvidia.com/gpu: 1", "nvidia.com/gpu: 2"),
                  },
                  {
                    // GKE's own name for the H200.
                    messageId: "applyRemedy",
                    data: { remedy: "1 × NVIDIA H200 141GB: 308,656 KV tokens, 37 × 8,192-token sequences" },
                    output: MIXTRAL_ON_L4.replace("nvidia-l4", "nvidia-h200-141gb"),
                  },
                ],
              },
            ],
          },
        ],
      });
    });
  }

  for (const [route, tester] of testers(JSON_ROUTES)) {
    describe(route, () => {
      tester.run("weights-fit", rule, {
        valid: [{ code: MIXTRAL_APP_CONFIG.replace('"A10G"', '"H200"'), filename: "app.json" }],
        invalid: [
          {
            code: MIXTRAL_APP_CONFIG,
            filename: "app.json",
            errors: [
              {
                messageId: "moeResident",
                line: 4,
                column: 16,
                endLine: 4,
                endColumn: 17,
                suggestions: [
                  {
                    messageId: "applyRemedy",
                    data: { remedy: "FP8 (per-tensor/per-channel scales) weights on 4 × NVIDIA A10G at TP 4: 269,760 KV tokens, 32 × 8,192-token sequences" },
                    output: MIXTRAL_APP_CONFIG.replace('"gpu_count": 1', '"gpu_count": 4').replace(
                      '"max_model_len": 8192',
                      '"max_model_len": 8192,\n  "quantization": "fp8",\n  "tensor_parallel_size": 4',
                    ),
                  },
                  {
                    messageId: "applyRemedy",
                    data: { remedy: "8 × NVIDIA A10G at TP 8: 547,408 KV tokens, 66 × 8,192-token sequences" },
                    output: MIXTRAL_APP_CONFIG.replace('"gpu_count": 1', '"gpu_count": 8').replace('"max_model_len": 8192', '"max_model_len": 8192,\n  "tensor_parallel_size": 8'),
                  },
                  {
                    messageId: "applyRemedy",
                    data: { remedy: "AWQ 4-bit (group 128) weights (TheBloke/Mixtral-8x7B-Instruct-v0.1-AWQ) on 2 × NVIDIA A10G at TP 2: 123,776 KV tokens, 15 × 8,192-token sequences" },
                    output: MIXTRAL_APP_CONFIG.replace("mistralai/Mixtral-8x7B-Instruct-v0.1", "TheBloke/Mixtral-8x7B-Instruct-v0.1-AWQ")
                      .replace('"gpu_count": 1', '"gpu_count": 2')
                      .replace('"max_model_len": 8192', '"max_model_len": 8192,\n  "tensor_parallel_size": 2'),
                  },
                  {
                    messageId: "applyRemedy",
                    data: { remedy: "1 × NVIDIA H200 141GB: 304,560 KV tokens, 37 × 8,192-token sequences" },
                    output: MIXTRAL_APP_CONFIG.replace('"A10G"', '"H200"'),
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

describe("vram/weights-fit on an ambiguous GPU name", () => {
  const onA100 = (selector: string) =>
    MIXTRAL_ON_2_H100.replace("cloud.google.com/gke-accelerator: nvidia-h100-80gb", selector);

  it("says the verdict rests on the smaller part and names the one where it fits", () => {
    // Karpenter's `a100` covers the 40 GB (p4d) and 80 GB (p4de) parts.
    const [message] = findings(lint(onA100("karpenter.k8s.aws/instance-gpu-name: a100"), "mixtral.yaml"));
    expect(message!.messageId).toBe("moeResident");
    expect(message!.message).toBe(
      "Mixtral-8x7B-Instruct-v0.1 needs 88.5 GiB at bf16; 2 × A100 40GB have 70.9 GiB usable. " +
        'Assumes "a100" is the A100 40GB, the smallest it names (also the A100 80GB). ' +
        "It fits the A100 80GB; a karpenter.k8s.aws/instance-gpu-memory label says which. " +
        "Fits with FP8 weights.",
    );
    // Within its limit: the assumption stays (the verdict rests on it); the MoE sentence gives way.
    expect(message!.message.length).toBeLessThanOrEqual(320);
    expect(message!.suggestions?.length).toBeGreaterThan(0);
  });

  it("judges the named part once a memory label settles it", () => {
    const settled = onA100("karpenter.k8s.aws/instance-gpu-name: a100\n        karpenter.k8s.aws/instance-gpu-memory: \"81920\"");
    expect(findings(lint(settled, "mixtral.yaml"))).toEqual([]);
  });
});
