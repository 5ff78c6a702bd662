import { describe, expect, it } from "vitest";
import { readFixture } from "../support/lint.js";
import { expectFindings, expectSuggestionsResolve, extractedValues, fixtureValues } from "./serving-crds.support.js";

describe("LeaderWorkerSet", () => {
  it("spans TP × PP over size pods and reports a group that is too small", () => {
    const file = "lws/qwen3-235b-a22b-2x4xl40s.yaml";
    expect(fixtureValues(file)).toEqual([
      {
        kind: "LeaderWorkerSet",
        name: "qwen3-235b",
        model: "Qwen/Qwen3-235B-A22B",
        engine: "vllm",
        gpuType: "l40s",
        gpuCount: 4,
        nodes: 2,
        tensorParallel: 4,
        pipelineParallel: 2,
        maxModelLen: 32768,
        unresolved: [],
      },
    ]);
    // Line 30 is the leader's `nvidia.com/gpu: "4"`.
    const result = expectFindings(file, ["vram/weights-fit 30:33 moeResident"]);
    const fixed = expectSuggestionsResolve(file, result);
    // Leader and worker templates both carry GPUs and node selectors: no fix edits only one of them.
    for (const text of fixed) {
      expect(text.match(/nvidia\.com\/gpu: "4"/g)).toHaveLength(2);
      expect(text.match(/instance-gpu-name: l40s/g)).toHaveLength(2);
    }
  });

  it("accepts Llama 3.1 405B FP8 on 2 × 8 × H100 (model from $(MODEL_ID), underscore flag)", () => {
    expectFindings("lws/llama-3.1-405b-fp8-2x8xh100.yaml", []);
    expect(fixtureValues("lws/llama-3.1-405b-fp8-2x8xh100.yaml")[0]).toMatchObject({
      model: "meta-llama/Llama-3.1-405B-Instruct-FP8",
      gpuCount: 8,
      nodes: 2,
      tensorParallel: 8,
      pipelineParallel: 2,
    });
  });

  it("reads the worker template when there is no leader template", () => {
    expectFindings("lws/sglang-workers-only.yaml", []);
    expect(fixtureValues("lws/sglang-workers-only.yaml")[0]).toMatchObject({ engine: "sglang", tensorParallel: 16, gpuCount: 8, nodes: 2, gpuType: "nvidia-h200-141gb" });
  });

  it("does not judge a templated group size", () => {
    const text = readFixture("lws/llama-3.1-405b-fp8-2x8xh100.yaml").replace("size: 2", 'size: "{{ .Values.groupSize }}"');
    expect(extractedValues(text)[0]).toMatchObject({ unresolved: ["nodes"] });
  });
});
