import { describe, expect, it } from "vitest";
import { lint, findings, readFixture } from "../support/lint.js";
import { expectFindings, expectSuggestionsResolve, extractedValues, fixtureValues, statuses } from "./serving-crds.support.js";
import { deploymentsOf } from "./helpers.js";

describe("KubeAI Model", () => {
  it("reports Qwen3-30B-A3B on nvidia-gpu-l4:1 at the profile's count, and offers nvidia-gpu-l4:4", () => {
    const file = "kubeai/qwen3-30b-a3b-l4.yaml";
    // Line 22 is `  resourceProfile: nvidia-gpu-l4:1`; column 34 is the `1`.
    const result = expectFindings(file, ["vram/weights-fit 22:34 moeResident"]);
    const [finding] = result.messages;
    expect(finding!.endColumn).toBe(35);
    const fixed = expectSuggestionsResolve(file, result);
    expect(fixed.some((text) => text.includes("resourceProfile: nvidia-gpu-l4:4") && text.includes("- --tensor-parallel-size=4"))).toBe(true);
    // A larger GPU is written in KubeAI's own profile spelling, keeping the count.
    expect(fixed.some((text) => text.includes("resourceProfile: nvidia-gpu-a100-80gb:1"))).toBe(true);
  });

  it("reads url, engine, args and the profile's GPU type and count", () => {
    expect(fixtureValues("kubeai/qwen3-30b-a3b-l4.yaml")).toEqual([
      {
        kind: "Model",
        name: "qwen3-30b-a3b-l4",
        model: "hf://Qwen/Qwen3-30B-A3B",
        engine: "vllm",
        gpuType: "nvidia-gpu-l4",
        gpuCount: 1,
        maxModelLen: 8192,
        unresolved: [],
      },
    ]);
  });

  it("locates the profile name and the count as two parts of one scalar", () => {
    const text = readFixture("kubeai/qwen3-30b-a3b-l4.yaml")
      .replace("nvidia-gpu-l4:1", "nvidia-gpu-h100:4")
      .replace("- --max-model-len=8192", "- --max-model-len=8192\n    - --tensor-parallel-size=4");
    const values = extractedValues(text)[0]!;
    expect(values).toMatchObject({ gpuType: "nvidia-gpu-h100", gpuCount: 4, tensorParallel: 4 });
    expect(findings(lint(text, "model.yaml"))).toEqual([]);
  });

  it("accepts fitting models (vLLM and Ollama)", () => {
    expectFindings("kubeai/llama-3.1-8b-instruct-l4.yaml", []);
    expectFindings("kubeai/gemma-3-27b-ollama-l4.yaml", []);
    expect(statuses("kubeai/llama-3.1-8b-instruct-l4.yaml")).toEqual(["Model llama-3.1-8b-instruct-l4: judged"]);
    expect(fixtureValues("kubeai/gemma-3-27b-ollama-l4.yaml")[0]).toMatchObject({ model: "ollama://gemma3:27b", engine: "ollama", gpuType: "nvidia-gpu-l4", gpuCount: 1 });
  });

  it("says why custom profiles, CPU profiles and bucket URLs are not judged, and ignores embedding engines", () => {
    const { messages } = expectFindings("kubeai/profiles-not-judged.yaml", [
      "vram/unchecked-deployment 12:20 definedElsewhere",
      "vram/unchecked-deployment 23:20 cpuNoLimit",
      "vram/unchecked-deployment 32:8 modelElsewhere",
    ]);
    expect(messages[0]!.message).toBe('resourceProfile refers to "team-a100-pool:2", defined outside this file, so this deployment was not checked.');
    expect(messages[1]!.message).toBe(
      "No memory limit is set, so this CPU deployment was not checked. qwen2.5:0.5b needs about 0.6 GiB of memory without a GPU; set a memory limit in its resourceProfile to have it checked.",
    );
    expect(statuses("kubeai/profiles-not-judged.yaml")).toEqual([
      "Model mixtral-8x7b-custom-profile: incomplete",
      "Model qwen2.5-0.5b-cpu: cpu",
      "Model finetuned-from-s3: incomplete",
    ]);
  });

  it("treats a profile without a count as one unit", () => {
    const text = readFixture("kubeai/llama-3.1-8b-instruct-l4.yaml").replace("nvidia-gpu-l4:1", "nvidia-gpu-l4");
    expect(extractedValues(text)[0]).toMatchObject({ gpuType: "nvidia-gpu-l4", gpuCount: 1 });
  });

  it("reads a cluster's own profile named as KubeAI names GPU profiles as one GPU per unit, and says so", () => {
    const text = readFixture("kubeai/llama-3.1-8b-instruct-l4.yaml").replace("nvidia-gpu-l4:1", "nvidia-gpu-rtx8000:2");
    expect(extractedValues(text)[0]).toMatchObject({ gpuType: "nvidia-gpu-rtx8000", gpuCount: 2 });
    const [deployment] = deploymentsOf(text, "model.yaml");
    expect(deployment!.assumptions).toEqual(["resourceProfile nvidia-gpu-rtx8000, defined in the cluster's values, gives one GPU per unit, as KubeAI's own GPU profiles do"]);
    // A name of another shape says nothing of its devices.
    expect(extractedValues(text.replace("nvidia-gpu-rtx8000:2", "team-a100-pool:2"))[0]).toMatchObject({ unresolved: ["gpuCount"] });
  });
});
