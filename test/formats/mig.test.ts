/**
 * MIG slices: a GPU instance holds a fraction of its GPU's memory, so a deployment placed on one is
 * never judged as the whole GPU, however the slice is named (GPU feature discovery's single-strategy
 * product label, a mixed-strategy resource, a chart's GPU resource setting).
 */
import { describe, expect, it } from "vitest";
import { findings, lint } from "../support/lint.js";

const messagesOf = (text: string, filename = "deployment.yaml") => findings(lint(text, filename)).map((message) => [message.ruleId, message.message]);

const deployment = (placement: string, resources: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: qwen
spec:
  template:
    spec:
${placement}      containers:
        - name: vllm
          image: vllm/vllm-openai:v0.11.0
          args: ["--model", "Qwen/Qwen2.5-7B-Instruct", "--max-model-len", "8192"]
          resources:
            limits:
${resources}`;

describe("MIG slices", () => {
  it("does not read a single-strategy product label as the whole GPU it is a slice of", () => {
    const onSlice = deployment("      nodeSelector:\n        nvidia.com/gpu.product: NVIDIA-A100-SXM4-40GB-MIG-1g.5gb\n", "              nvidia.com/gpu: 1\n");
    expect(messagesOf(onSlice)).toEqual([
      ["vram/unchecked-deployment", "NVIDIA-A100-SXM4-40GB-MIG-1g.5gb names a MIG slice, which is not sized here, so this deployment was not checked."],
    ]);
    // The whole GPU is judged (and fits).
    expect(messagesOf(onSlice.replace("-MIG-1g.5gb", ""))).toEqual([]);
  });

  it("says so for a mixed-strategy resource and for a chart's GPU resource setting", () => {
    expect(messagesOf(deployment("", "              nvidia.com/mig-3g.40gb: 1\n"))).toEqual([
      ["vram/unchecked-deployment", "nvidia.com/mig-3g.40gb requests a MIG slice, which is not sized here, so this deployment was not checked."],
    ]);
    const values = `servingEngineSpec:
  modelSpec:
  - name: mistral
    modelURL: mistralai/Mistral-7B-Instruct-v0.2
    requestGPU: 1
    requestGPUType: "nvidia.com/mig-4g.71gb"
`;
    expect(messagesOf(values, "values.yaml")).toEqual([
      ["vram/unchecked-deployment", "nvidia.com/mig-4g.71gb requests a MIG slice, which is not sized here, so this deployment was not checked."],
    ]);
  });
});
