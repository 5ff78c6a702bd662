import { describe, expect, it } from "vitest";
import { findings, lint } from "../support/lint.js";
import { expectFindings, expectSuggestionsResolve, extractedValues, fixtureValues } from "./serving-crds.support.js";

describe("Baseten Truss config.yaml", () => {
  it("reads the TensorRT-LLM engine builder's checkpoint, tensor parallel, context and FP8 format on the accelerator", () => {
    const file = "truss/qwen3-32b-trtllm/config.yaml";
    expect(fixtureValues(file)).toEqual([
      {
        kind: "Truss config",
        name: "Qwen3 32B TRT-LLM",
        engine: "trtllm",
        model: "Qwen/Qwen3-32B",
        maxModelLen: 32768,
        quantization: "fp8",
        kvCacheDtype: "fp8",
        tensorParallel: 1,
        gpuType: "L4",
        gpuCount: 1,
        unresolved: [],
      },
    ]);
    // Line 8 is `accelerator: L4:1`: a fix rewrites the count in place and the tensor parallel count with it.
    const fixed = expectSuggestionsResolve(file, expectFindings(file, ["vram/weights-fit 8:19 weightsExceed"]));
    expect(fixed.some((text) => text.includes("accelerator: L4:2") && text.includes("tensor_parallel_count: 2"))).toBe(true);
  });

  it("reads a custom server's start_command inside sh -c, and says when the Truss's own Python model serves it", () => {
    const server = `model_name: Llama 3.1 70B SGLang
base_image:
  image: lmsysorg/sglang:v0.4.6
docker_server:
  start_command: sh -c "HF_TOKEN=$(cat /secrets/hf_access_token) python3 -m sglang.launch_server --model-path meta-llama/Llama-3.1-70B-Instruct --port 8000 --tp 4 --context-length 32768"
  server_port: 8000
resources:
  accelerator: H100:4
  use_gpu: true
`;
    expect(extractedValues(server)).toEqual([
      { kind: "Truss config", name: "Llama 3.1 70B SGLang", engine: "sglang", model: "meta-llama/Llama-3.1-70B-Instruct", tensorParallel: 4, maxModelLen: 32768, gpuType: "H100", gpuCount: 4, unresolved: [] },
    ]);
    expect(findings(lint(server, "config.yaml"))).toEqual([]);
    const python = "model_name: Phi 3\nmodel_metadata:\n  repo_id: microsoft/Phi-3-mini-4k-instruct\nrequirements:\n  - transformers\nresources:\n  accelerator: A10G\n  use_gpu: true\n";
    expect(findings(lint(python, "config.yaml")).map((message) => message.message)).toEqual([
      "The Truss's own Python model serves it, which this file does not show, so this deployment was not checked.",
    ]);
    // Its model named only in model.py: the same, at the accelerator; a Truss on no GPU is nothing to size.
    const unnamed = "model_name: Mistral 7B\nrequirements:\n  - transformers\nresources:\n  accelerator: A10G\n  use_gpu: true\n";
    expect(findings(lint(unnamed, "config.yaml")).map((message) => `${message.line}:${message.column} ${message.message}`)).toEqual([
      "5:16 The Truss's own Python model serves it, which this file does not show, so this deployment was not checked.",
    ]);
    expect(extractedValues("model_name: Mistral 7B\nrequirements:\n  - transformers\nresources:\n  cpu: '4'\n  use_gpu: false\n")).toEqual([]);
  });
});
