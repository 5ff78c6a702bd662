import { describe, expect, it } from "vitest";
import { expectFindings, expectSuggestionsResolve, fixtureValues } from "./serving-crds.support.js";

describe("production-stack VLLMRuntime", () => {
  it("reads the CRD's field table and reports Llama 3.1 70B on one L4", () => {
    const file = "production-stack/vllmruntime-llama-3.1-70b-l4.yaml";
    expect(fixtureValues(file)).toEqual([
      {
        kind: "VLLMRuntime",
        name: "llama-70b-runtime",
        gpuType: "nvidia-l4",
        model: "meta-llama/Llama-3.1-70B-Instruct",
        maxModelLen: 8192,
        dtype: "bfloat16",
        maxNumSeqs: 32,
        tensorParallel: 1,
        gpuMemoryUtilization: 0.9,
        gpuCount: 1,
        engine: "vllm",
        unresolved: [],
      },
    ]);
    // Line 34: `      gpu: "1"` in deploymentConfig.resources.
    const result = expectFindings(file, ["vram/weights-fit 34:12 weightsExceed"]);
    const fixed = expectSuggestionsResolve(file, result);
    expect(fixed.some((text) => text.includes("tensorParallelSize: 8") && text.includes('gpu: "8"'))).toBe(true);
  });
});
