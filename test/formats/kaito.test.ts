import { describe, expect, it } from "vitest";
import { findings, lint, readFixture } from "../support/lint.js";
import { expectFindings, expectSuggestionsResolve, extractedValues, fixtureValues, statuses } from "./serving-crds.support.js";

describe("KAITO Workspace", () => {
  it("reports Llama 3.3 70B on Standard_NC24ads_A100_v4 (1 × A100 80GB) at the instance type", () => {
    // Line 9: `  instanceType: "Standard_NC24ads_A100_v4"`.
    const result = expectFindings("kaito/workspace-llama-3.3-70b-nc24.yaml", ["vram/weights-fit 9:17 weightsExceed"]);
    expect(result.messages[0]!.message).toContain("Standard_NC24ads_A100_v4");
    // KAITO's own --gpu-memory-utilization default is what the budget uses: 0.84 × 79.1 GiB.
    expect(result.messages[0]!.message).toContain("has 66.5 GiB usable");
    // KAITO runs tensor parallel over every GPU of the node: more GPUs is only a bigger instance type.
    const fixed = expectSuggestionsResolve("kaito/workspace-llama-3.3-70b-nc24.yaml", result);
    // Two A100 80GB leave under 1 GiB of KV cache per GPU at KAITO's 0.84 (79.1 GiB as PyTorch reports it), and none once vLLM (0.21 on) charges its CUDA graphs to the budget: four, an NC96.
    expect(fixed).toContain(result.text.replace('instanceType: "Standard_NC24ads_A100_v4"', 'instanceType: "Standard_NC96ads_A100_v4"'));
  });

  it("reads the preset, instance type, count and KAITO's runtime defaults", () => {
    expect(fixtureValues("kaito/workspace-llama-3.3-70b-nc24.yaml")).toEqual([
      {
        kind: "Workspace",
        name: "workspace-llama-3-3-70b-instruct",
        model: "llama-3.3-70b-instruct",
        instanceType: "Standard_NC24ads_A100_v4",
        gpuMemoryUtilization: 0.84,
        maxModelLen: 2048,
        unresolved: [],
      },
    ]);
  });

  it("judges count as written: several nodes are pipeline stages of one replica", () => {
    const text = readFixture("kaito/workspace-llama-3.3-70b-nc24.yaml").replace("count: 1", "count: 2").replace("Standard_NC24ads_A100_v4", "Standard_NC48ads_A100_v4");
    expect(extractedValues(text)[0]).toMatchObject({ nodes: 2, pipelineParallel: 2, instanceType: "Standard_NC48ads_A100_v4" });
    expect(statuses("kaito/workspace-llama-3.3-70b-nc24.yaml")).toEqual(["Workspace workspace-llama-3-3-70b-instruct: judged"]);
  });

  it("reads the vllm: map of the inference_config.yaml ConfigMap named by inference.config", () => {
    const file = "kaito/workspace-phi-4-custom-config.yaml";
    expect(fixtureValues(file)).toEqual([
      {
        kind: "Workspace",
        name: "workspace-phi-4",
        model: "phi-4",
        instanceType: "Standard_NV36ads_A10_v5",
        gpuMemoryUtilization: 0.9,
        maxModelLen: 16384,
        cpuOffloadGiB: 0,
        unresolved: [],
      },
    ]);
    // phi-4 (14.7B, bf16) does not fit a 24 GB A10; the instance type is what a fix can change.
    const result = expectFindings(file, ["vram/weights-fit 22:17 weightsExceed"]);
    const fixed = expectSuggestionsResolve(file, result);
    expect(fixed.some((text) => text.includes('instanceType: "Standard_NC24ads_A100_v4"'))).toBe(true);
  });

  it("sizes an Azure partial A10 as its partition, and offers the whole A10 of the same family", () => {
    const text = `apiVersion: kaito.sh/v1beta1
kind: Workspace
metadata:
  name: workspace-phi-3-mini
resource:
  instanceType: Standard_NV12ads_A10_v5
  labelSelector:
    matchLabels:
      apps: phi-3
inference:
  preset:
    name: phi-3-mini-4k-instruct
`;
    expect(findings(lint(text, "workspace.yaml")).map((message) => message.message)).toEqual([
      "phi-3-mini-4k-instruct needs 7.8 GiB at bf16; 1 × A10 1/3 partition (Standard_NV12ads_A10_v5) has 6.1 GiB usable. Fits with 1 × NVIDIA A10 (Standard_NV36ads_A10_v5).",
    ]);
  });

  it("uses KAITO's A10 memory fraction when no config overrides it", () => {
    expect(fixtureValues("kaito/inferenceset-gpt-oss-20b.yaml")[0]).toMatchObject({ gpuMemoryUtilization: 0.82, model: "gpt-oss-20b" });
  });
});

describe("KAITO InferenceSet and MultiRoleInference", () => {
  it("reads the InferenceSet template", () => {
    expectFindings("kaito/inferenceset-gpt-oss-20b.yaml", []);
    expect(statuses("kaito/inferenceset-gpt-oss-20b.yaml")).toEqual(["InferenceSet gpt-oss-20b: judged"]);
  });

  it("judges every role on its own instance type", () => {
    const file = "kaito/multirole-deepseek-v3.yaml";
    expect(statuses(file)).toEqual(["MultiRoleInference deepseek-v3-pd/prefill: judged", "MultiRoleInference deepseek-v3-pd/decode: judged"]);
    // DeepSeek-V3 (FP8, 671B) fits 8 × H200 but not 8 × H100 at KAITO's 0.84.
    const result = expectFindings(file, ["vram/weights-fit 19:21 moeResident"]);
    expectSuggestionsResolve(file, result);
  });

  it("leaves partitions without a GPU type unjudged", () => {
    const text = `apiVersion: kaito.sh/v1beta1
kind: Workspace
metadata:
  name: byo-nodes
resource:
  partition:
    mode: accelerator
    count: 2
inference:
  preset:
    name: llama-3.1-8b-instruct
`;
    expect(extractedValues(text)[0]).toMatchObject({ gpuCount: 2, model: "llama-3.1-8b-instruct" });
  });
});
