import { describe, expect, it } from "vitest";
import { findings, lint } from "../support/lint.js";
import { expectFindings, expectSuggestionsResolve, extractedValues, fixtureValues } from "./serving-crds.support.js";

describe("AI Runway ModelDeployment", () => {
  const file = "airunway/qwen3-30b-a3b-l4-and-llama-70b-pd.yaml";

  it("reads the model, engine settings and GPUs, and judges the prefill and decode stages apart", () => {
    expect(fixtureValues(file)).toEqual([
      { kind: "ModelDeployment", name: "qwen3-30b-chat", model: "Qwen/Qwen3-30B-A3B", engine: "vllm", maxModelLen: 32768, gpuMemoryUtilization: 0.92, gpuType: "nvidia-l4", gpuCount: 1, unresolved: [] },
      { kind: "ModelDeployment", name: "llama-70b-pd/prefill", model: "meta-llama/Llama-3.3-70B-Instruct", engine: "vllm", maxModelLen: 16384, tensorParallel: 4, gpuType: "NVIDIA-H100-80GB-HBM3", gpuCount: 4, unresolved: [] },
      { kind: "ModelDeployment", name: "llama-70b-pd/decode", model: "meta-llama/Llama-3.3-70B-Instruct", engine: "vllm", maxModelLen: 16384, tensorParallel: 4, gpuType: "NVIDIA-H100-80GB-HBM3", gpuCount: 4, unresolved: [] },
    ]);
    // Line 27 is `count: 1`: the resident experts of the MoE do not fit one L4.
    const result = expectFindings(file, ["vram/weights-fit 27:14 moeResident"]);
    const fixed = expectSuggestionsResolve(file, result);
    // Tensor parallel follows the GPU count (llm-d provider): a fix raises the count, and writes no flag.
    expect(fixed.some((text) => /count: 2\n/.test(text) && !/tensor-parallel-size/.test(text.split("---")[0]!))).toBe(true);
  });

  it("runs Dynamo's workers at the flags written (TP 1 when none), skips CPU deployments and AMD resources say AMD", () => {
    const text = `apiVersion: airunway.ai/v1alpha1
kind: ModelDeployment
metadata:
  name: dynamo-tp1
spec:
  model: {id: Qwen/Qwen2.5-7B-Instruct}
  provider: {name: dynamo}
  engine: {type: sglang, extraArgs: ["--mem-fraction-static", "0.8"]}
  resources:
    gpu: {count: 2, type: amd.com/gpu}
---
apiVersion: airunway.ai/v1alpha1
kind: ModelDeployment
metadata:
  name: on-cpu
spec:
  model: {id: google/gemma-3-1b-it}
  engine: {type: llamacpp}
  resources: {cpu: "8", memory: 16Gi}
`;
    expect(extractedValues(text)).toEqual([
      { kind: "ModelDeployment", name: "dynamo-tp1", model: "Qwen/Qwen2.5-7B-Instruct", engine: "sglang", gpuMemoryUtilization: 0.8, gpuCount: 2, unresolved: [] },
      { kind: "ModelDeployment", name: "on-cpu", model: "google/gemma-3-1b-it", engine: "llama.cpp", unresolved: ["gpuCount"] },
    ]);
    const messages = findings(lint(text, "model-deployments.yaml")).map((message) => `${message.ruleId} ${message.line}: ${message.message}`);
    expect(messages.filter((message) => message.startsWith("vram/parallelism-efficiency"))).toEqual([
      "vram/parallelism-efficiency 10: 2 GPUs are requested but SGLang runs 1 rank (tensor parallel 1): 1 GPU sits idle. Set --tensor-parallel-size 2 to use them, or request 1.",
    ]);
    // `amd.com/gpu` lands on AMD GPUs only; the CPU deployment is said to be unchecked.
    expect(messages.filter((message) => message.startsWith("vram/pin-gpu-type"))).toEqual([
      "vram/pin-gpu-type 10: Qwen2.5-7B-Instruct on 1 GPU fits only some of the GPUs it could land on, and no GPU type is named. It fits the Radeon RX 7900 XT, Radeon RX 7900 XTX, Instinct MI300X… (20.0 GiB or more); those of 16.0 GiB or less (Instinct MI50 16GB, Radeon RX 6800…) cannot hold it. Pin one.",
    ]);
    expect(messages.filter((message) => message.startsWith("vram/unchecked-deployment"))).toEqual([
      "vram/unchecked-deployment 19: No GPU is requested (gpu.count is 0 or unset), so this deployment was not checked.",
    ]);
  });
});
