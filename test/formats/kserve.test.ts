import { describe, expect, it } from "vitest";
import { readFixture } from "../support/lint.js";
import { judgedOf } from "./helpers.js";
import { expectFindings, expectSuggestionsResolve, extractedValues, fixtureValues, statuses } from "./serving-crds.support.js";

describe("KServe InferenceService", () => {
  it("reports Llama-3.1-70B on one A100 80GB at the GPU count", () => {
    const file = "kserve/llama-3.1-70b-a100.yaml";
    // Line 27: `          nvidia.com/gpu: "1"` under limits.
    const result = expectFindings(file, ["vram/weights-fit 27:27 weightsExceed"]);
    const fixed = expectSuggestionsResolve(file, result);
    // The quantized checkpoint keeps the hf:// scheme of storageUri.
    expect(fixed.some((text) => text.includes("storageUri: hf://hugging-quants/Meta-Llama-3.1-70B-Instruct-AWQ-INT4"))).toBe(true);
    expect(fixed.some((text) => text.includes("- --tensor-parallel-size=2") && text.includes('nvidia.com/gpu: "2"'))).toBe(true);
  });

  it("reads storageUri, vLLM flags, the GPU count and the node selector", () => {
    expect(fixtureValues("kserve/llama-3.1-70b-a100.yaml")).toEqual([
      {
        kind: "InferenceService",
        name: "llama-31-70b-instruct",
        model: "hf://meta-llama/Llama-3.1-70B-Instruct",
        engine: "vllm",
        gpuType: "nvidia-a100-80gb",
        gpuCount: 1,
        maxModelLen: 8192,
        unresolved: [],
      },
    ]);
  });

  it("takes the model from --model_id and reads underscore flags", () => {
    expectFindings("kserve/qwen2.5-7b-model-id-l4.yaml", []);
    expect(fixtureValues("kserve/qwen2.5-7b-model-id-l4.yaml")[0]).toMatchObject({
      model: "Qwen/Qwen2.5-7B-Instruct",
      maxModelLen: 16384,
      gpuMemoryUtilization: 0.92,
      gpuType: "nvidia-l4",
      gpuCount: 1,
    });
    expect(statuses("kserve/qwen2.5-7b-model-id-l4.yaml")).toEqual(["InferenceService qwen25-7b-instruct: judged"]);
  });

  it("does not judge a model behind a PVC that does not name it, a template, or a non-LLM model format", () => {
    const base = readFixture("kserve/llama-3.1-70b-a100.yaml");
    expect(extractedValues(base.replace("hf://meta-llama/Llama-3.1-70B-Instruct", "pvc://models/checkpoint"))[0]).toMatchObject({ unresolved: ["model"] });
    // A storage path whose last part names a model by its size is looked up by that name, read-only.
    expect(extractedValues(base.replace("hf://meta-llama/Llama-3.1-70B-Instruct", "pvc://models/Llama-3.1-70B-Instruct"))[0]).toMatchObject({ model: "pvc://models/Llama-3.1-70B-Instruct", unresolved: [] });
    expect(extractedValues(base.replace("- --model_name=llama-31-70b", "- --model_id={{ .Values.model }}"))[0]).toMatchObject({ unresolved: ["model"] });
    const sklearn = base.replace("name: huggingface", "name: sklearn").replace("hf://meta-llama/Llama-3.1-70B-Instruct", "gs://kfserving-examples/models/sklearn/1.0/model");
    expect(extractedValues(sklearn)).toEqual([]);
  });

  it("reads a custom predictor container through the pod reader", () => {
    const text = `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: vllm-custom
spec:
  predictor:
    nodeSelector:
      cloud.google.com/gke-accelerator: nvidia-l4
    containers:
      - name: kserve-container
        image: vllm/vllm-openai:v0.10.1
        args: ["--model", "meta-llama/Llama-3.1-8B-Instruct", "--max-model-len", "8192"]
        resources:
          limits:
            nvidia.com/gpu: "1"
`;
    expect(extractedValues(text)).toEqual([
      { kind: "InferenceService", name: "vllm-custom", model: "meta-llama/Llama-3.1-8B-Instruct", engine: "vllm", gpuType: "nvidia-l4", gpuCount: 1, maxModelLen: 8192, unresolved: [] },
    ]);
  });
});

describe("KServe as OpenShift AI writes it", () => {
  const isvc = (model: string, extra = "") => `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: llm
spec:
  predictor:
    model:
${model}      args:
        - --tensor-parallel-size=4
        - --max-model-len=4096${extra}
      resources:
        limits:
          nvidia.com/gpu: "4"
`;

  it("reads a patch that leaves the model format to its base from its vLLM flags, and the storage URI over --model=/mnt/models", () => {
    expect(extractedValues(isvc("      storageUri: s3://models/Meta-Llama-3-70B-Instruct/Meta-Llama-3-70B-Instruct\n"))).toMatchObject([
      { model: "s3://models/Meta-Llama-3-70B-Instruct/Meta-Llama-3-70B-Instruct", tensorParallel: 4, maxModelLen: 4096, gpuCount: 4 },
    ]);
    const modelcar = isvc("      modelFormat:\n        name: vLLM\n      runtime: vllm-runtime\n      storageUri: oci://registry.example.com/rhelai1/modelcar-granite-3-1-8b-instruct:1.5\n", "\n        - --model=/mnt/models");
    expect(extractedValues(modelcar)).toMatchObject([{ model: "oci://registry.example.com/rhelai1/modelcar-granite-3-1-8b-instruct:1.5" }]);
    // A catalog image tagged by model names it in the tag; a version tag names nothing.
    const tagged = modelcar.replace("rhelai1/modelcar-granite-3-1-8b-instruct:1.5", "ai-services/modelcar-catalog:llama-3.2-1b-instruct");
    expect(judgedOf(tagged, "isvc.yaml")[0]).toMatchObject({ status: "judged", resolved: { model: { model: { id: "meta-llama/Llama-3.2-1B" } } } });
    expect(extractedValues(modelcar.replace("rhelai1/modelcar-granite-3-1-8b-instruct:1.5", "ai-services/tinyllama:1.0"))).toMatchObject([{ unresolved: ["model"] }]);
  });

  it("finds a predictor on a runtime named for vLLM, defined in another file, and says what its storage leaves unknown", () => {
    const text = "apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata:\n  name: demo-llm\nspec:\n  predictor:\n    model:\n      runtime: vllm\n      storageUri: s3://models/llm-demo/\n      resources:\n        limits:\n          nvidia.com/gpu: \"1\"\n";
    expect(extractedValues(text)).toMatchObject([{ engine: "vllm", gpuCount: 1, unresolved: ["model"] }]);
    // Any other runtime name says nothing about the engine: no deployment.
    expect(extractedValues(text.replace("runtime: vllm", "runtime: sklearn-server"))).toEqual([]);
  });

  it("reads the objects of an OpenShift Template as Kubernetes objects: a runtime template alone is no deployment", () => {
    const template = `apiVersion: template.openshift.io/v1
kind: Template
metadata:
  name: vllm-cuda-runtime-template
objects:
  - apiVersion: serving.kserve.io/v1alpha1
    kind: ServingRuntime
    metadata:
      name: vllm-cuda-runtime
    spec:
      supportedModelFormats:
        - name: vLLM
          autoSelect: true
      containers:
        - name: kserve-container
          image: quay.io/modh/vllm:rhoai-2.25-cuda
          args: ["--port=8080", "--model=/mnt/models", "--served-model-name={{.Name}}"]
`;
    expect(extractedValues(template)).toEqual([]);
    const withService = `${template}  - ${isvc("      modelFormat:\n        name: vLLM\n      storageUri: hf://Qwen/Qwen2.5-7B-Instruct\n").replace(/\n/g, "\n    ").trimEnd()}\n`;
    expect(extractedValues(withService)).toMatchObject([{ kind: "InferenceService", model: "hf://Qwen/Qwen2.5-7B-Instruct", gpuCount: 4 }]);
  });
});

describe("KServe LLMInferenceService", () => {
  it("reports Qwen3-30B-A3B on 2 × L4 and edits parallelism.tensor with the GPU count", () => {
    const file = "kserve/llmisvc-qwen3-30b-a3b-2xl4.yaml";
    const result = expectFindings(file, ["vram/weights-fit 30:29 moeResident"]);
    const fixed = expectSuggestionsResolve(file, result);
    expect(fixed.some((text) => /parallelism:\n {4}tensor: 4\n/.test(text) && text.includes('nvidia.com/gpu: "4"'))).toBe(true);
    // Flags go into VLLM_ADDITIONAL_ARGS, the string the runtime appends to `vllm serve`.
    expect(fixed.some((text) => text.includes('value: "--max-model-len 16384 --enable-prefix-caching --quantization fp8"'))).toBe(true);
  });

  it("reads the model URI, parallelism and VLLM_ADDITIONAL_ARGS", () => {
    expect(fixtureValues("kserve/llmisvc-qwen3-30b-a3b-2xl4.yaml")[0]).toMatchObject({
      model: "hf://Qwen/Qwen3-30B-A3B",
      engine: "vllm",
      tensorParallel: 2,
      gpuCount: 2,
      gpuType: "nvidia-l4",
      maxModelLen: 16384,
    });
  });

  it("spans data × expert parallelism over data/dataLocal pods, with the served name as the model behind a PVC", () => {
    expectFindings("kserve/llmisvc-deepseek-v2-lite-dp-ep.yaml", []);
    expect(fixtureValues("kserve/llmisvc-deepseek-v2-lite-dp-ep.yaml")).toEqual([
      {
        kind: "LLMInferenceService",
        name: "deepseek-v2-lite-dp-ep",
        model: "deepseek-ai/DeepSeek-V2-Lite-Chat",
        engine: "vllm",
        tensorParallel: 1,
        dataParallel: 16,
        expertParallel: true,
        nodes: 2,
        gpuType: "nvidia-h100-80gb",
        gpuCount: 8,
        gpuMemoryUtilization: 0.92,
        maxModelLen: 32768,
        unresolved: [],
      },
    ]);
  });

  it("takes the model from a modelcar image that names it over the served name, which says less (the FP8 weights)", () => {
    const text = readFixture("kserve/llmisvc-deepseek-v2-lite-dp-ep.yaml").replace(
      /uri: pvc:\/\/[^\n]*/,
      "uri: oci://registry.redhat.io/rhai/modelcar-nvidia-nemotron-3-nano-30b-a3b-fp8:3.0",
    ).replace(/name: deepseek-ai\/DeepSeek-V2-Lite-Chat/, "name: nemotron-3-nano-30b-a3b");
    expect(extractedValues(text)[0]).toMatchObject({ model: "oci://registry.redhat.io/rhai/modelcar-nvidia-nemotron-3-nano-30b-a3b-fp8:3.0" });
    // A served name that is a repository id still names the model surer than a folder of weights,
    // and so does a served name that a folder's name does not extend.
    expect(fixtureValues("kserve/llmisvc-deepseek-v2-lite-dp-ep.yaml")[0]).toMatchObject({ model: "deepseek-ai/DeepSeek-V2-Lite-Chat" });
    const folder = text.replace(/uri: oci:[^\n]*/, "uri: pvc://models/Llama-3.1-8B").replace("name: nemotron-3-nano-30b-a3b", "name: llama-3.1-8b-instruct-awq");
    expect(extractedValues(folder)[0]).toMatchObject({ model: "llama-3.1-8b-instruct-awq" });
  });

  it("reads a prefill stage as its own deployment", () => {
    const text = `${readFixture("kserve/llmisvc-qwen3-30b-a3b-2xl4.yaml")}  prefill:
    parallelism:
      tensor: 4
    template:
      nodeSelector:
        cloud.google.com/gke-accelerator: nvidia-l4
      containers:
        - name: main
          resources:
            limits:
              nvidia.com/gpu: "4"
`;
    const values = extractedValues(text);
    expect(values.map((value) => [value.name, value.tensorParallel, value.gpuCount])).toEqual([
      ["qwen3-30b-a3b", 2, 2],
      ["qwen3-30b-a3b/prefill", 4, 4],
    ]);
  });

  it("finds an InferenceService of another runtime on GPUs and says it is unchecked; one on the CPU is nothing to size", () => {
    const file = "kserve/triton-modelcar-gpu.yaml";
    expect(statuses(file)).toEqual(["InferenceService flan-t5-base-triton: incomplete"]);
    expectFindings(file, ["vram/unchecked-deployment 15:16 unsupported"]);
  });
});
