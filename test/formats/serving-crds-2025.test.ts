/**
 * The serving CRDs of 2025–26: NVIDIA Dynamo, SGLang RoleBasedGroup, OME, llmaz, Arks, LLMKube,
 * Volcano Kthena. Fixtures are written from each project's CRD types and examples; each test states the
 * values read and the exact findings, and applies every suggestion.
 */
import { describe, expect, it } from "vitest";
import { applySuggestion, brief, findings, lint, readFixture } from "../support/lint.js";
import { expectFindings, expectSuggestionsResolve, extractedValues, fixtureValues, statuses } from "./serving-crds.support.js";
import { explainFile } from "../../src/explain.js";

describe("NVIDIA Dynamo DynamoGraphDeployment", () => {
  it("reads each worker (not the frontend), its service GPUs and the served model of a mounted path", () => {
    expect(fixtureValues("dynamo/qwen3-32b-disagg-h100.yaml")).toEqual([
      { kind: "DynamoGraphDeployment", name: "qwen3-32b-disagg/prefill", gpuType: "NVIDIA-H100-80GB-HBM3", model: "Qwen/Qwen3-32B", tensorParallel: 2, maxModelLen: 32768, gpuMemoryUtilization: 0.9, engine: "vllm", gpuCount: 2, unresolved: [] },
      { kind: "DynamoGraphDeployment", name: "qwen3-32b-disagg/decode", gpuType: "NVIDIA-H100-80GB-HBM3", model: "Qwen/Qwen3-32B", tensorParallel: 2, maxModelLen: 32768, gpuMemoryUtilization: 0.9, engine: "vllm", gpuCount: 2, unresolved: [] },
    ]);
    expectFindings("dynamo/qwen3-32b-disagg-h100.yaml", []);
  });

  it("spans an SGLang worker over multinode.nodeCount pods and judges it on the GPUs it could land on", () => {
    expect(fixtureValues("dynamo/deepseek-r1-sglang-multinode.yaml")).toEqual([
      { kind: "DynamoGraphDeployment", name: "dsr1-sglang-agg/worker", model: "deepseek-ai/DeepSeek-R1", tensorParallel: 16, maxModelLen: 32768, gpuMemoryUtilization: 0.85, engine: "sglang", gpuCount: 8, nodes: 2, unresolved: [] },
    ]);
    const result = expectFindings("dynamo/deepseek-r1-sglang-multinode.yaml", ["vram/pin-gpu-type 24:16 someGpusFit"]);
    const fixed = expectSuggestionsResolve("dynamo/deepseek-r1-sglang-multinode.yaml", result);
    expect(fixed[0]).toContain("      extraPodSpec:\n        mainContainer:");
    expect(fixed[0]).toMatch(/extraPodSpec:\n[\s\S]*nodeSelector:\n\s+nvidia\.com\/gpu\.product: NVIDIA-A100-SXM4-80GB/);
  });

  it("sizes a TensorRT-LLM worker with its own flags", () => {
    const text = readFixture("dynamo/qwen3-32b-disagg-h100.yaml")
      .replace("backendFramework: vllm", "backendFramework: trtllm")
      .replaceAll("python3 -m dynamo.vllm", "python3 -m dynamo.trtllm")
      .replaceAll("vllm-runtime", "tensorrtllm-runtime")
      .replaceAll("--model /opt/models/Qwen3-32B", "--model-path Qwen/Qwen3-32B")
      .replaceAll("--tensor-parallel-size 2", "--tp_size 2")
      .replaceAll("--max-model-len", "--max_seq_len")
      .replaceAll("--gpu-memory-utilization 0.9", "--kv_cache_free_gpu_memory_fraction 0.9")
      .replace("--is-prefill-worker", "--disaggregation-mode prefill");
    const values = { kind: "DynamoGraphDeployment", gpuType: "NVIDIA-H100-80GB-HBM3", model: "Qwen/Qwen3-32B", tensorParallel: 2, maxModelLen: 32768, gpuMemoryUtilization: 0.9, engine: "trtllm", gpuCount: 2, unresolved: [] };
    expect(extractedValues(text)).toEqual([
      { ...values, name: "qwen3-32b-disagg/prefill" },
      { ...values, name: "qwen3-32b-disagg/decode" },
    ]);
  });

  it("reads the v1beta1 components list: each worker's pod template, its main container's GPUs and node selector", () => {
    expect(fixtureValues("dynamo/llama-70b-disagg-v1beta1.yaml")).toEqual([
      { kind: "DynamoGraphDeployment", name: "llama3-70b-disagg/VllmPrefillWorker", gpuType: "NVIDIA-H100-80GB-HBM3", model: "meta-llama/Llama-3.3-70B-Instruct", tensorParallel: 4, maxModelLen: 32768, engine: "vllm", gpuCount: 4, unresolved: [] },
      { kind: "DynamoGraphDeployment", name: "llama3-70b-disagg/VllmDecodeWorker", gpuType: "NVIDIA-H100-80GB-HBM3", model: "meta-llama/Llama-3.3-70B-Instruct", tensorParallel: 4, maxModelLen: 32768, engine: "vllm", gpuCount: 4, unresolved: [] },
    ]);
    expectFindings("dynamo/llama-70b-disagg-v1beta1.yaml", []);
  });

  it("judges a v1beta1 SGLang worker by all its experts, and every fix edits its pod template", () => {
    expect(fixtureValues("dynamo/qwen3-235b-sglang-v1beta1.yaml")).toEqual([
      { kind: "DynamoGraphDeployment", name: "qwen3-235b-agg/decode", gpuType: "NVIDIA-L40S", model: "Qwen/Qwen3-235B-A22B", tensorParallel: 8, maxModelLen: 32768, gpuMemoryUtilization: 0.85, engine: "sglang", gpuCount: 8, unresolved: [] },
    ]);
    const result = expectFindings("dynamo/qwen3-235b-sglang-v1beta1.yaml", ["vram/parallelism-efficiency 34:24 kvReplicated", "vram/weights-fit 39:35 moeResident"]);
    expect(result.messages[1]!.message).toBe(
      "Qwen3-235B-A22B needs 437.9 GiB at bf16; 8 × L40S have 299.1 GiB usable. Only 22.2B of its 235B parameters are active per token, but every expert must be resident. Fits with FP8 weights.",
    );
    const fixed = expectSuggestionsResolve("dynamo/qwen3-235b-sglang-v1beta1.yaml", result);
    expect(fixed).toHaveLength(3);
    expect(fixed[0]).toContain("--mem-fraction-static 0.85 --quantization fp8");
    expect(fixed[1]).toContain("--model-path Qwen/Qwen3-235B-A22B-GPTQ-Int4");
    expect(fixed[2]).toContain("          nodeSelector:\n            nvidia.com/gpu.product: NVIDIA-A100-SXM4-80GB\n");
  });

  it("spans a v1beta1 worker over multinode.nodeCount pods and pins a GPU type in its pod template", () => {
    const text = readFixture("dynamo/qwen3-235b-sglang-v1beta1.yaml")
      .replace("          nodeSelector:\n            nvidia.com/gpu.product: NVIDIA-L40S\n", "")
      .replace("      replicas: 1\n      podTemplate:\n        spec:\n          containers:\n            - name: main\n              image: nvcr.io/nvidia/ai-dynamo/sglang-runtime:0.8.0\n              workingDir", "      replicas: 1\n      multinode:\n        nodeCount: 2\n      podTemplate:\n        spec:\n          containers:\n            - name: main\n              image: nvcr.io/nvidia/ai-dynamo/sglang-runtime:0.8.0\n              workingDir")
      .replace("--tp 8", "--tp 16");
    expect(extractedValues(text)).toEqual([
      { kind: "DynamoGraphDeployment", name: "qwen3-235b-agg/decode", model: "Qwen/Qwen3-235B-A22B", tensorParallel: 16, maxModelLen: 32768, gpuMemoryUtilization: 0.85, engine: "sglang", gpuCount: 8, nodes: 2, unresolved: [] },
    ]);
    const messages = findings(lint(text, "dgd.yaml"));
    expect(messages.map(brief)).toEqual(["vram/parallelism-efficiency 34:24 kvReplicated", "vram/pin-gpu-type 39:35 someGpusFit"]);
    for (const suggestion of messages[1]!.suggestions ?? []) {
      const fixed = applySuggestion(text, suggestion);
      // The pod template's spec gets the node selector, after its containers.
      expect(fixed).toMatch(/nvidia\.com\/gpu: "8"\n {10}nodeSelector:\n {12}nvidia\.com\/gpu\.product: NVIDIA-/);
      expect(findings(lint(fixed, "dgd.yaml")).map((message) => message.ruleId)).toEqual(["vram/parallelism-efficiency"]);
    }
  });

  it("finds a DynamoGraphDeploymentRequest and says its GPUs are the profiler's to pick, so it is not checked", () => {
    const text = `apiVersion: nvidia.com/v1beta1
kind: DynamoGraphDeploymentRequest
metadata:
  name: qwen3-32b-sla
spec:
  model: Qwen/Qwen3-32B
  backend: vllm
  sla:
    ttft: 200
    itl: 20
  autoApply: true
`;
    expect(extractedValues(text)).toEqual([{ kind: "DynamoGraphDeploymentRequest", name: "qwen3-32b-sla", model: "Qwen/Qwen3-32B", unresolved: ["gpuCount"] }]);
    const messages = findings(lint(text, "dgdr.yaml"));
    expect(messages.map(brief)).toEqual(["vram/unchecked-deployment 6:10 unsupported"]);
    expect(messages[0]!.message).toBe("Dynamo's profiler picks the GPUs and the layout when it runs, so this deployment was not checked.");
  });

  it("reads a standalone DynamoComponentDeployment as one component", () => {
    const text = readFixture("dynamo/llama-70b-disagg-v1beta1.yaml");
    const worker = text.slice(text.indexOf("    - name: VllmDecodeWorker"));
    const component = worker.replace("    - name: VllmDecodeWorker\n", "").replace(/^ {4}/gm, "");
    const standalone = `apiVersion: nvidia.com/v1beta1\nkind: DynamoComponentDeployment\nmetadata:\n  name: llama3-70b-decode\nspec:\n  backendFramework: vllm\n${component}`;
    expect(extractedValues(standalone)).toEqual([
      { kind: "DynamoComponentDeployment", name: "llama3-70b-decode", gpuType: "NVIDIA-H100-80GB-HBM3", model: "meta-llama/Llama-3.3-70B-Instruct", tensorParallel: 4, maxModelLen: 32768, engine: "vllm", gpuCount: 4, unresolved: [] },
    ]);
  });
});

describe("SGLang RoleBasedGroup", () => {
  it("reads roles whose pod comes from roleTemplates by templateRef: the patch's command over the template's GPUs and node selector", () => {
    expect(fixtureValues("rbg/qwen3-32b-pd-role-templates.yaml")).toEqual([
      { kind: "RoleBasedGroup", name: "qwen3-32b-pd/prefill", gpuType: "nvidia-l40s", model: "Qwen/Qwen3-32B", tensorParallel: 2, maxModelLen: 32768, engine: "sglang", gpuCount: 2, unresolved: [] },
      { kind: "RoleBasedGroup", name: "qwen3-32b-pd/decode", gpuType: "nvidia-l40s", model: "Qwen/Qwen3-32B", tensorParallel: 4, maxModelLen: 32768, nodes: 2, engine: "sglang", gpuCount: 2, unresolved: [] },
    ]);
    expectFindings("rbg/qwen3-32b-pd-role-templates.yaml", []);
  });

  it("judges a patch that overrides the template's GPUs, and its fixes edit the patch, not the shared template", () => {
    const template = '              resources:\n                limits:\n                  nvidia.com/gpu: "2"\n              volumeMounts:';
    const text = readFixture("rbg/qwen3-32b-pd-role-templates.yaml")
      .replace('                    - --tp-size\n                    - "2"\n', '                    - --tp-size\n                    - "1"\n')
      .replace('                    - prefill\n                    - --port\n                    - "8000"\n', '                    - prefill\n                    - --port\n                    - "8000"\n                  resources:\n                    limits:\n                      nvidia.com/gpu: "1"\n');
    const messages = findings(lint(text, "rbg.yaml"));
    expect(messages.map(brief)).toEqual(["vram/weights-fit 67:39 weightsExceed"]);
    expect(messages[0]!.message).toBe("Qwen3-32B needs 61.0 GiB at bf16; 1 × L40S has 37.9 GiB usable. Fits with 2 × NVIDIA L40S at TP 2.");
    expect(messages[0]!.suggestions?.map((suggestion) => suggestion.desc.split(":")[0])).toEqual([
      "Use 2 × NVIDIA L40S at TP 2",
      "Use FP8 (per-tensor/per-channel scales) weights on 2 × NVIDIA L40S at TP 2",
      "Use AWQ 4-bit (group 128) weights (Qwen/Qwen3-32B-AWQ)",
    ]);
    for (const suggestion of messages[0]!.suggestions!) {
      const fixed = applySuggestion(text, suggestion);
      expect(fixed).toContain(template);
      expect(findings(lint(fixed, "rbg.yaml")).map(brief)).toEqual([]);
    }
    expect(applySuggestion(text, messages[0]!.suggestions![0]!)).toContain('                  resources:\n                    limits:\n                      nvidia.com/gpu: "2"\n');
  });

  it("reads engine roles of a standalone pattern and skips the router", () => {
    expect(statuses("rbg/qwen3-8b-pd-standalone.yaml")).toEqual(["RoleBasedGroup qwen3-8b-pd/prefill: judged", "RoleBasedGroup qwen3-8b-pd/decode: judged"]);
    expect(fixtureValues("rbg/qwen3-8b-pd-standalone.yaml")[0]).toMatchObject({ model: "Qwen/Qwen3-8B", engine: "sglang", gpuType: "l40s", gpuCount: 1, tensorParallel: 1, maxModelLen: 32768 });
    expectFindings("rbg/qwen3-8b-pd-standalone.yaml", []);
  });

  it("spans a leader/worker instance over its size, with $(RBG_LWP_GROUP_SIZE) known from it", () => {
    expect(fixtureValues("rbg/llama-70b-leader-worker-l4.yaml")).toEqual([
      { kind: "RoleBasedGroup", name: "llama-70b/backend", gpuType: "nvidia-l4", model: "meta-llama/Llama-3.1-70B-Instruct", tensorParallel: 2, nodes: 2, maxModelLen: 8192, engine: "sglang", gpuCount: 1, unresolved: [] },
    ]);
    expectFindings("rbg/llama-70b-leader-worker-l4.yaml", ["vram/weights-fit 38:37 weightsExceed"]);
  });
});

describe("OME", () => {
  it("resolves InferenceService → ClusterBaseModel → ClusterServingRuntime by name and size range within the file", () => {
    expect(fixtureValues("ome/qwen3-30b-a3b-isvc.yaml")).toEqual([
      { kind: "InferenceService", name: "qwen3-30b-a3b", gpuType: "NVIDIA-L40S", tensorParallel: 2, gpuMemoryUtilization: 0.88, maxModelLen: 32768, engine: "sglang", gpuCount: 2, model: "hf://Qwen/Qwen3-30B-A3B", unresolved: [] },
    ]);
    expectFindings("ome/qwen3-30b-a3b-isvc.yaml", []);
  });

  it("judges a runtime alone on the model it serves, and reports one that cannot hold it", () => {
    expect(fixtureValues("ome/llama-70b-runtime-a10g.yaml")[0]).toMatchObject({ kind: "ClusterServingRuntime", model: "meta-llama/Llama-3.3-70B-Instruct", gpuType: "a10g", gpuCount: 1 });
    const result = expectFindings("ome/llama-70b-runtime-a10g.yaml", ["vram/weights-fit 31:27 weightsExceed"]);
    expectSuggestionsResolve("ome/llama-70b-runtime-a10g.yaml", result);
  });

  it("checks a runtime's modelSizeRange claim against its GPUs at the served model's format", () => {
    // 35B at bf16 (65 GiB) fits 2 × L40S at 0.88 (79 GiB): silent, as above. 75B (140 GiB) does not.
    const text = readFixture("ome/qwen3-30b-a3b-isvc.yaml").replace("max: 35B", "max: 75B");
    const messages = findings(lint(text, "ome.yaml"));
    expect(messages.map((message) => `${message.ruleId} ${message.line}:${message.column}`)).toEqual(["vram/weights-fit 29:10"]);
    expect(messages[0]!.message).toBe(
      "Models of 75B do not fit: 139.7 GiB of weights at bf16 vs 77.4 GiB usable on 2 × L40S. modelSizeRange.max claims them; Qwen3-30B-A3B fits, models above 41.6B cannot. Lower it or give the runtime more GPUs.",
    );
  });

  it("says why an InferenceService whose model and runtime live elsewhere is not checked", () => {
    const text = "apiVersion: ome.io/v1beta1\nkind: InferenceService\nmetadata:\n  name: llama\nspec:\n  model:\n    name: llama-3-3-70b-instruct\n  engine:\n    minReplicas: 1\n";
    expect(extractedValues(text)).toEqual([{ kind: "InferenceService", name: "llama", unresolved: ["model"] }]);
  });
});

describe("llmaz", () => {
  it("judges a Playground on each flavor of its OpenModel, the flavor name naming the GPU", () => {
    expect(statuses("llmaz/qwen2.5-7b-playground.yaml")).toEqual(["Playground qwen2-5-7b/t4: judged", "Playground qwen2-5-7b/a10g: judged"]);
    const result = expectFindings("llmaz/qwen2.5-7b-playground.yaml", ["vram/weights-fit 16:27 weightsExceed"]);
    // The playground's args are shared by both flavors: only the flavor's own GPU count is edited.
    const fixed = expectSuggestionsResolve("llmaz/qwen2.5-7b-playground.yaml", result);
    expect(fixed).toHaveLength(1);
    expect(fixed[0]).toContain("      - name: t4\n        limits:\n          nvidia.com/gpu: 2");
  });

  it("judges an OpenModel no playground claims on its flavor, over all the flavor's GPUs", () => {
    expect(fixtureValues("llmaz/llama3-405b-openmodel.yaml")).toEqual([
      { kind: "OpenModel", name: "llama3-405b-instruct/a100-80gb", model: "meta-llama/Llama-3.1-405B-Instruct", engine: "vllm", gpuType: "a100-80gb", gpuCount: 8, unresolved: [] },
    ]);
    expectFindings("llmaz/llama3-405b-openmodel.yaml", ["vram/weights-fit 16:27 weightsExceed"]);
  });
});

describe("Arks", () => {
  it("reads the ArksModel named by the application, its runtime args and instance resources", () => {
    expect(fixtureValues("arks/qwen2.5-7b-vllm.yaml")).toEqual([
      { kind: "ArksApplication", name: "app-qwen-vllm", engine: "vllm", model: "Qwen/Qwen2.5-7B-Instruct", gpuType: "nvidia-l4", maxModelLen: 32768, gpuMemoryUtilization: 0.9, tensorParallel: 2, gpuCount: 2, unresolved: [] },
    ]);
    expectFindings("arks/qwen2.5-7b-vllm.yaml", []);
  });

  it("leaves an application whose ArksModel is elsewhere unchecked, and says so", () => {
    const text = readFixture("arks/qwen2.5-7b-vllm.yaml").split("---\n")[1]!;
    expect(extractedValues(text)[0]).toMatchObject({ unresolved: ["model"] });
  });
});

describe("LLMKube", () => {
  const file = "llmkube/qwen3-30b-a3b-vllm-and-gguf-chat.yaml";

  it("reads the Model each InferenceService names, the runtime's settings and the flags the operator writes", () => {
    expect(fixtureValues(file)).toEqual([
      { kind: "InferenceService", name: "qwen3-30b-a3b", engine: "vllm", model: "hf://Qwen/Qwen3-30B-A3B-Instruct-2507", gpuCount: 2, gpuType: "NVIDIA-GeForce-RTX-4060-Ti", gpuMemoryMiB: 16384, maxModelLen: 32768, gpuMemoryUtilization: 0.92, maxNumSeqs: 8, unresolved: [] },
      { kind: "InferenceService", name: "chat", engine: "llama.cpp", model: "https://huggingface.co/bartowski/Meta-Llama-3.1-8B-Instruct-GGUF/resolve/main/Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf", gpuCount: 1, gpuLayers: 99, maxModelLen: 16384, maxNumSeqs: 2, flashAttention: true, kvCacheDtype: "q8_0", kvCacheValueDtype: "q8_0", unresolved: [] },
    ]);
    // The MoE model's experts do not fit two 16 GB cards; the fix swaps the Model's source, in its own document.
    const result = expectFindings(file, ["vram/weights-fit 16:14 moeResident"]);
    expect(expectSuggestionsResolve(file, result)[0]).toContain("  source: hf://cpatonn/Qwen3-30B-A3B-Instruct-2507-AWQ\n");
  });

  it("judges an AMD Model with no GPU type on the AMD GPUs of at least its memory, and leaves a Model elsewhere unchecked", () => {
    const amd = readFixture(file)
      .replace("accelerator: cuda", "accelerator: rocm")
      .replace("  nodeSelector:\n    nvidia.com/gpu.product: NVIDIA-GeForce-RTX-4060-Ti\n", "")
      .replace("memory: 16Gi", "memory: 48Gi");
    // Every AMD GPU of the catalog with 48 GB or more holds it (the smallest, the Radeon PRO W7900); an NVIDIA range would not.
    expect(findings(lint(amd, "llmkube.yaml"))).toEqual([]);
    expect(explainFile("llmkube.yaml", amd).file.deployments[0]).toMatchObject({ status: "judged", estimate: { gpu: { id: "radeon-pro-w7900" } } });
    const alone = readFixture(file).split("---\n")[2]!;
    expect(extractedValues(alone)[0]).toMatchObject({ engine: "vllm", unresolved: ["model"] });
  });
});

describe("Volcano Kthena", () => {
  it("spans a ModelServing role over its entry pod and worker pods", () => {
    expect(fixtureValues("kthena/llama-405b-multinode.yaml")).toEqual([
      {
        kind: "ModelServing",
        name: "llama-405b/llama-405b",
        gpuType: "NVIDIA-H100-80GB-HBM3",
        model: "meta-llama/Llama-3.1-405B-Instruct-FP8",
        tensorParallel: 8,
        pipelineParallel: 2,
        maxModelLen: 32768,
        engine: "vllm",
        gpuCount: 8,
        nodes: 2,
        unresolved: [],
      },
    ]);
    expectFindings("kthena/llama-405b-multinode.yaml", []);
  });

  it("finds a ModelBooster on Ascend NPUs and says it is not judged as a GPU deployment", () => {
    const { messages } = expectFindings("kthena/qwen-coder-ascend-booster.yaml", ["vram/unchecked-deployment 27:39 unsupported"]);
    expect(messages[0]!.message).toBe("huawei.com/ascend-1980 requests Huawei Ascend NPUs, which are not judged as GPUs, so this deployment was not checked.");
  });

  it("reads the same kinds under Kthena's current group, workload.kthena.io, with the same verdicts", () => {
    for (const fixture of ["kthena/llama-405b-multinode.yaml", "kthena/qwen-coder-ascend-booster.yaml"]) {
      const text = readFixture(fixture);
      const renamed = text.replaceAll("apiVersion: workload.serving.volcano.sh/v1alpha1", "apiVersion: workload.kthena.io/v1alpha1");
      expect(renamed).not.toBe(text);
      expect(extractedValues(renamed)).toEqual(extractedValues(text));
      expect(findings(lint(renamed, fixture)).map(brief)).toEqual(findings(lint(text, fixture)).map(brief));
    }
  });
});
