/**
 * Triton Inference Server's vLLM backend: the engine arguments are the `model.json` of the model
 * repository, written in a ConfigMap of the same file that the pod mounts.
 */
import { describe, expect, it } from "vitest";
import { findings, lint, readFixture } from "../support/lint.js";
import { deploymentsOf, expectSuggestionsFix, finding, lintFixture } from "./helpers.js";

const FIXTURE = "kubernetes/qwen3-30b-a3b-triton-vllm-2xl4.yaml";
const messagesOf = (text: string) => findings(lint(text, "triton.yaml")).map((message) => message.message);

describe("Triton's vLLM backend", () => {
  it("reads model.json from the ConfigMap the pod mounts as vLLM's engine arguments on the Triton container's GPUs", () => {
    const { text, filename, messages } = lintFixture(FIXTURE);
    const [deployment] = deploymentsOf(text, filename);
    expect(deployment!.fields).toMatchObject({
      engine: { value: "vllm", source: "Triton Inference Server vLLM backend (qwen3-moe-triton-repo/model.json)" },
      model: { value: "Qwen/Qwen3-30B-A3B", source: "model.json: model" },
      tensorParallel: { value: 2 },
      maxModelLen: { value: 32768 },
      gpuMemoryUtilization: { value: 0.9 },
      gpuCount: { value: 2 },
    });
    expect(messages.map(finding)).toEqual([{ ruleId: "vram/weights-fit", messageId: "moeResident", line: 75, column: 31 }]);
    expect(messages.map((message) => message.message)).toEqual([
      "Qwen3-30B-A3B needs 59.9 GiB at bf16; 2 × L4 have 40.5 GiB usable. Only 3.4B of its 30.5B parameters are active per token, but every expert must be resident. Fits with 2 × NVIDIA A100 40GB.",
    ]);
    expect(expectSuggestionsFix(text, filename, messages)).toBe(1);
  });

  it("says why it does not size a Triton pod whose engine arguments it cannot read as one vLLM engine", () => {
    const text = readFixture(FIXTURE);
    const unsized = "It runs Triton Inference Server, which this version finds but does not size yet, so this deployment was not checked.";
    // The ConfigMap is not mounted: the repository comes from elsewhere.
    expect(messagesOf(text.replace("name: qwen3-moe-triton-repo\n        - name: dshm", "name: other-repo\n        - name: dshm"))).toEqual([unsized]);
    // Another backend's repository (no model.json naming a model).
    expect(messagesOf(text.replace('"model": "Qwen/Qwen3-30B-A3B",', ""))).toEqual([unsized]);
    // A model.json that is not JSON, names no model by text, or holds a variable: each said as such, never judged.
    const withArgs = (json: string) => text.replace(/ {2}model\.json: \|\n(?: {4}.*\n)+/, `  model.json: |\n    ${json}\n`);
    expect(messagesOf(withArgs("{ not json"))).toEqual([unsized]);
    expect(messagesOf(withArgs('{"model": {"id": "x"}}'))).toEqual([expect.stringMatching(/^This vLLM deployment names no model in the file/)]);
    expect(messagesOf(withArgs('{"model": "${MODEL_ID}", "tensor_parallel_size": 2}'))).toEqual([
      "model.json: model is set at deploy time (${MODEL_ID}), so this deployment was not checked. Write the value here to have it checked.",
    ]);
    // A repository whose model config names another backend is not the vLLM engine.
    expect(messagesOf(text.replace('backend: "vllm"', 'backend: "python"'))).toEqual([unsized]);
    // Two vLLM models in one server share its GPUs.
    const twoModels = text.replace("  model.json: |", '  llama_model.json: |\n    {"model": "meta-llama/Llama-3.1-8B-Instruct"}\n  model.json: |');
    expect(messagesOf(twoModels)).toEqual([
      "It runs 2 vLLM models on the same GPUs (llama_model.json, model.json), so this deployment was not checked.",
    ]);
  });
});
