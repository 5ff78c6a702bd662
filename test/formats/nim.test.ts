import { describe, expect, it } from "vitest";
import { readFixture } from "../support/lint.js";
import { expectFindings, expectSuggestionsResolve, extractedValues, fixtureValues, statuses } from "./serving-crds.support.js";

describe("NVIDIA NIMService", () => {
  it("names the model by its image and accepts Llama 3 8B on one L4", () => {
    expectFindings("nim/nimservice-llama3-8b-l4.yaml", []);
    expect(fixtureValues("nim/nimservice-llama3-8b-l4.yaml")).toEqual([
      {
        kind: "NIMService",
        name: "meta-llama3-8b-instruct",
        gpuType: "nvidia-l4",
        model: "nvcr.io/nim/meta/llama3-8b-instruct",
        gpuCount: 1,
        unresolved: [],
      },
    ]);
    expect(statuses("nim/nimservice-llama3-8b-l4.yaml")).toEqual(["NIMService meta-llama3-8b-instruct: judged"]);
  });

  it("reads precision, TP and PP from a readable NIM_MODEL_PROFILE", () => {
    const file = "nim/nimservice-llama-3.1-70b-profile-2xl40s.yaml";
    expect(fixtureValues(file)[0]).toMatchObject({ quantization: "bf16", tensorParallel: 2, pipelineParallel: 1, engine: "vllm", maxModelLen: 16384, gpuCount: 2 });
    // Line 26: `      nvidia.com/gpu: 2`. The image and profile are NIM's: nothing to rewrite in place.
    const result = expectFindings(file, ["vram/weights-fit 26:23 weightsExceed"]);
    expectSuggestionsResolve(file, result);
  });

  it("ignores profile hashes", () => {
    const text = readFixture("nim/nimservice-llama-3.1-70b-profile-2xl40s.yaml").replace("vllm-bf16-tp2-pp1", "07cd4f2bddd7a14ca84bab0a32602889fd0ae0eb76dc2eb0fc32594d065011a4");
    const values = extractedValues(text)[0]!;
    expect(values.tensorParallel).toBeUndefined();
    expect(values.quantization).toBeUndefined();
  });
});

describe("NIM on KServe", () => {
  it("takes the model from the ClusterServingRuntime's image and reports Mixtral 8x7B on 2 × L4", () => {
    const file = "nim/kserve-nim-mixtral-8x7b-2xl4.yaml";
    expect(fixtureValues(file)).toEqual([
      {
        kind: "InferenceService",
        name: "mixtral-8x7b-instruct-v01-2xl4",
        gpuType: "nvidia-l4",
        gpuCount: 2,
        model: "nvcr.io/nim/mistralai/mixtral-8x7b-instruct-v01:1.0.0",
        unresolved: [],
      },
    ]);
    const result = expectFindings(file, ["vram/weights-fit 43:27 moeResident"]);
    expectSuggestionsResolve(file, result);
  });

  it("falls back to the model format name when the runtime is in another file", () => {
    const text = readFixture("nim/kserve-nim-mixtral-8x7b-2xl4.yaml").split("---\n")[1]!;
    expect(extractedValues(text)[0]).toMatchObject({ model: "nvcr.io/nim/mistralai/mixtral-8x7b-instruct-v01" });
  });
});
