import { describe, expect, it } from "vitest";
import { expectFindings, extractedValues, fixtureValues } from "./serving-crds.support.js";

/** A Deployment whose pod has these init containers and serves `--model <path>` with vLLM. */
function pod(initContainers: string, path: string, extraEnv = ""): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: server
spec:
  template:
    spec:
      initContainers:
${initContainers}
      containers:
        - name: vllm
          image: vllm/vllm-openai:v0.11.0
          args: ["--model", "${path}", "--max-model-len", "8192"]${extraEnv}
          resources:
            limits:
              nvidia.com/gpu: "1"
`;
}

const modelOf = (text: string) => extractedValues(text).map((values) => values.model ?? `unresolved: ${String(values.unresolved)}`);

describe("models downloaded into the folder the engine serves", () => {
  it("reads the repository an init container's huggingface-cli download puts in the folder", () => {
    expect(fixtureValues("kubernetes/qwen2.5-32b-init-download-l4.yaml")).toMatchObject([{ model: "Qwen/Qwen2.5-32B-Instruct", gpuType: "nvidia-l4", gpuCount: 1 }]);
    // The error stands at the GPU count; no fix edits the model, which is written in the download.
    expectFindings("kubernetes/qwen2.5-32b-init-download-l4.yaml", ["vram/weights-fit 51:31 weightsExceed"]);
  });

  it("reads hf download, snapshot_download, Kthena's downloader and KServe's storage initializer", () => {
    const hf = `        - name: fetch\n          image: python:3.12\n          command: ["hf", "download", "--revision", "main", "Qwen/Qwen3-8B", "--local-dir=/data/qwen3/"]`;
    expect(modelOf(pod(hf, "/data/qwen3"))).toEqual(["Qwen/Qwen3-8B"]);
    const python = `        - name: fetch\n          image: python:3.12\n          command: ["python", "-c", "from huggingface_hub import snapshot_download; snapshot_download(repo_id='google/gemma-3-12b-it', local_dir='/cache/gemma')"]`;
    expect(modelOf(pod(python, "/cache/gemma"))).toEqual(["google/gemma-3-12b-it"]);
    const kthena = `        - name: downloader\n          image: ghcr.io/volcano-sh/downloader:v0.2.0\n          args: ["--source", "hf://Qwen/Qwen3-0.6B", "--output-dir", "/tmp/cache/Qwen3"]`;
    expect(modelOf(pod(kthena, "/tmp/cache/Qwen3"))).toEqual(["hf://Qwen/Qwen3-0.6B"]);
    const kserve = `        - name: storage-initializer\n          image: kserve/storage-initializer:v0.15.0\n          args: ["hf://meta-llama/Llama-3.1-8B-Instruct", "/mnt/models"]`;
    expect(modelOf(pod(kserve, "/mnt/models"))).toEqual(["hf://meta-llama/Llama-3.1-8B-Instruct"]);
    // KServe downloads a custom container's STORAGE_URI to /mnt/models.
    const storageUri = `\n          env:\n            - name: STORAGE_URI\n              value: hf://Qwen/Qwen2.5-7B-Instruct`;
    expect(modelOf(pod(`        - name: noop\n          image: busybox`, "/mnt/models", storageUri))).toEqual(["hf://Qwen/Qwen2.5-7B-Instruct"]);
  });

  it("reads a download earlier in the serving container's own script", () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: server
spec:
  template:
    spec:
      containers:
        - name: vllm
          image: vllm/vllm-openai:v0.11.0
          command: ["/bin/bash", "-c"]
          args:
            - huggingface-cli download mistralai/Mistral-7B-Instruct-v0.3 --local-dir /models/mistral && vllm serve /models/mistral --max-model-len 16384
          resources:
            limits:
              nvidia.com/gpu: "1"
`;
    expect(extractedValues(text)).toMatchObject([{ model: "mistralai/Mistral-7B-Instruct-v0.3", maxModelLen: 16384 }]);
  });

  it("links nothing it cannot be sure of: another folder, a bucket, two repositories into one folder", () => {
    const other = `        - name: fetch\n          image: python:3.12\n          command: ["huggingface-cli", "download", "Qwen/Qwen3-8B", "--local-dir", "/data/other"]`;
    expect(modelOf(pod(other, "/data/qwen3"))).toEqual(["/data/qwen3"]);
    const bucket = `        - name: storage-initializer\n          image: kserve/storage-initializer:v0.15.0\n          args: ["s3://models/team-a/", "/mnt/models"]`;
    expect(modelOf(pod(bucket, "/mnt/models"))).toEqual(["/mnt/models"]);
    const two = `${other.replace("/data/other", "/data/qwen3")}\n        - name: fetch-2\n          image: python:3.12\n          command: ["huggingface-cli", "download", "Qwen/Qwen3-14B", "--local-dir", "/data/qwen3"]`;
    expect(modelOf(pod(two, "/data/qwen3"))).toEqual(["/data/qwen3"]);
  });

  it("serves spec.model where an LLMInferenceService's main container serves the storage mount", () => {
    expect(fixtureValues("kserve/llmisvc-qwen3-8b-serves-mount.yaml")).toMatchObject([
      { kind: "LLMInferenceService", model: "hf://Qwen/Qwen3-8B", gpuCount: 1, maxModelLen: 32768 },
      { kind: "InferenceService", model: "hf://meta-llama/Llama-3.1-8B-Instruct", gpuCount: 1, maxModelLen: 8192 },
    ]);
    expectFindings("kserve/llmisvc-qwen3-8b-serves-mount.yaml", []);
  });
});
