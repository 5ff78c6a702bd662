/**
 * GPUs claimed through Dynamic Resource Allocation (resource.k8s.io): a pod's `resourceClaims`
 * naming a ResourceClaimTemplate or ResourceClaim, whose device requests give the GPUs.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findings, lint, readFixture } from "../support/lint.js";
import { deploymentsOf, expectSuggestionsFix, lintFixture, writtenAt } from "./helpers.js";

const FIXTURE = "kubernetes/qwen2.5-32b-dra-2xl4.yaml";

describe("Dynamic Resource Allocation", () => {
  it("reads the GPU count and product from the claim template the pod references, and every suggestion fixes it", () => {
    const { text, filename, messages } = lintFixture(FIXTURE);
    const [deployment] = deploymentsOf(text, filename);
    expect(deployment!.fields).toMatchObject({ gpuCount: { value: 2, source: "count" }, gpuType: { value: "NVIDIA L4", readonly: true } });
    expect(writtenAt(text, deployment!, "gpuCount")).toBe("2");
    expect(messages.map((message) => [message.ruleId, message.line])).toEqual([["vram/weights-fit", 16]]);
    expect(expectSuggestionsFix(text, filename, messages)).toBe(3);
  });

  it("says what it cannot count instead of 'no GPU is requested'", () => {
    const text = readFixture(FIXTURE);
    const messagesOf = (edited: string) => findings(lint(edited, "claims.yaml")).map((message) => message.message);
    const [, deploymentOnly] = text.split("---\n");
    expect(messagesOf(deploymentOnly!)).toEqual(['resourceClaimTemplateName refers to "two-l4", defined outside this file, so this deployment was not checked.']);
    expect(messagesOf(text.replace("allocationMode: ExactCount", "allocationMode: All"))).toEqual([
      "The claim takes every GPU of the node it lands on (allocationMode: All), so this deployment was not checked.",
    ]);
    expect(messagesOf(text.replace("deviceClassName: gpu.nvidia.com", "deviceClassName: mig.nvidia.com"))).toEqual([
      "Its claim's mig.nvidia.com devices are MIG slices, which are not sized here, so this deployment was not checked.",
    ]);
  });

  it("reads v1beta1 requests (count on the request) and a ResourceClaim by name; a count of one by default", () => {
    const text = readFixture(FIXTURE)
      .replace("resource.k8s.io/v1\nkind: ResourceClaimTemplate", "resource.k8s.io/v1beta1\nkind: ResourceClaim")
      .replace("spec:\n  spec:\n    devices:", "spec:\n    devices:")
      .replace("          exactly:\n", "")
      .replace(/^ {2}(\s{10}(?:deviceClassName|allocationMode|count|selectors|- cel|expression))/gm, "$1")
      .replace("resourceClaimTemplateName: two-l4", "resourceClaimName: two-l4");
    const [deployment] = deploymentsOf(text, "claim.yaml");
    expect(deployment!.fields).toMatchObject({ gpuCount: { value: 2 }, gpuType: { value: "NVIDIA L4" } });
    const [single] = deploymentsOf(text.replace("          count: 2\n", ""), "claim.yaml");
    expect(single!.fields.gpuCount).toMatchObject({ value: 1, readonly: true });
  });

  it("reads an image it does not know, given only engine flags and claimed GPUs, as that engine", () => {
    const text = readFixture(FIXTURE).replace("image: vllm/vllm-openai:v0.11.0", "image: registry.example.com/ml/llm-server:2025.11");
    expect(deploymentsOf(text, "vendor.yaml")[0]!.fields).toMatchObject({ engine: { value: "vllm" }, gpuCount: { value: 2 } });
  });

  it("counts claimed GPUs on every pod of a multi-pod group (a LeaderWorkerSet of two 8-GPU pods)", () => {
    const text = `apiVersion: resource.k8s.io/v1
kind: ResourceClaimTemplate
metadata:
  name: eight-h100
spec:
  spec:
    devices:
      requests:
        - name: gpus
          exactly:
            deviceClassName: gpu.nvidia.com
            count: 8
---
apiVersion: leaderworkerset.x-k8s.io/v1
kind: LeaderWorkerSet
metadata:
  name: deepseek
spec:
  replicas: 1
  leaderWorkerTemplate:
    size: 2
    leaderTemplate:
      spec:
        resourceClaims:
          - name: gpus
            resourceClaimTemplateName: eight-h100
        containers:
          - name: vllm
            image: vllm/vllm-openai:v0.11.0
            command: ["sh", "-c", "vllm serve deepseek-ai/DeepSeek-V3 --tensor-parallel-size 8 --pipeline-parallel-size 2"]
            resources:
              claims:
                - name: gpus
    workerTemplate:
      spec:
        resourceClaims:
          - name: gpus
            resourceClaimTemplateName: eight-h100
        containers:
          - name: vllm-worker
            image: vllm/vllm-openai:v0.11.0
            command: ["sh", "-c", "ray start --block --address=$(LWS_LEADER_ADDRESS):6379"]
            resources:
              claims:
                - name: gpus
`;
    const [deployment] = deploymentsOf(text, "lws.yaml");
    expect(deployment!.fields).toMatchObject({ gpuCount: { value: 8 }, nodes: { value: 2 }, tensorParallel: { value: 8 }, pipelineParallel: { value: 2 } });
    // 16 ranks on 2 pods of 8 claimed GPUs start: no parallelism error.
    expect(findings(lint(text, "lws.yaml")).map((message) => message.ruleId)).toEqual(["vram/pin-gpu-type"]);
  });

  it("never throws on odd claims", () => {
    const text = readFixture(FIXTURE);
    const odd = fc.oneof(fc.constant("null"), fc.constant("[]"), fc.constant("{}"), fc.constant("-1"), fc.constant("abc"), fc.constant("[1, {a: 2}]"), fc.constant('"{{ .Values.x }}"'));
    const places = ["count: 2", "deviceClassName: gpu.nvidia.com", "allocationMode: ExactCount", "resourceClaimTemplateName: two-l4", "- name: gpus\n          resourceClaimTemplateName"];
    fc.assert(
      fc.property(fc.constantFrom(...places), odd, (place, value) => {
        const key = place.split(":")[0]!;
        findings(lint(text.replace(place, `${key}: ${value}`), "odd.yaml"));
      }),
      { numRuns: 60 },
    );
  });
});
