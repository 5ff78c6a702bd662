import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { explainFile } from "../../src/explain.js";
import { findings, lint, readFixture } from "../support/lint.js";
import { deploymentsOf, expectSuggestionsFix, finding, judgedOf, lintFixture, writtenAt } from "./helpers.js";

describe("Helm values: vLLM production-stack (vllm-stack)", () => {
  it("reports Mixtral on one L4 at requestGPU, and every suggestion fixes it", () => {
    const { text, filename, messages } = lintFixture("helm/vllm-stack-mixtral-l4.yaml");
    expect(messages.map(finding)).toEqual([{ ruleId: "vram/weights-fit", messageId: "moeResident", line: 17, column: 17 }]);
    expect(messages[0]!.suggestions?.length).toBeGreaterThan(0);
    expect(expectSuggestionsFix(text, filename, messages)).toBe(messages[0]!.suggestions!.length);
  });

  it("reads modelURL, requestGPU, vllmConfig, extraArgs and nodeSelectorTerms", () => {
    const text = readFixture("helm/vllm-stack-mixtral-l4.yaml");
    const [deployment] = deploymentsOf(text, "values.yaml");
    expect(deployment).toMatchObject({ format: "helm-values", kind: "vllm-stack modelSpec", name: "mixtral" });
    expect(writtenAt(text, deployment!, "model")).toBe('"mistralai/Mixtral-8x7B-Instruct-v0.1"');
    expect(writtenAt(text, deployment!, "gpuCount")).toBe("1");
    expect(writtenAt(text, deployment!, "gpuType")).toBe('"nvidia-l4"');
    expect(deployment!.fields.maxModelLen?.value).toBe(8192);
    expect(deployment!.fields.dtype?.value).toBe("bfloat16");
    expect(deployment!.args).toMatchObject({ kind: "list", equals: false });
    expect(deployment!.disabled).toBeUndefined();
  });

  it("keeps an `enabled: false` modelSpec, marked disabled", () => {
    const text = readFixture("helm/vllm-stack-two-models.yaml");
    const { messages } = lintFixture("helm/vllm-stack-two-models.yaml");
    expect(messages).toEqual([]);
    const deployments = deploymentsOf(text, "values.yaml");
    expect(deployments.map((deployment) => [deployment.name, deployment.disabled?.source])).toEqual([
      ["llama3-8b", undefined],
      ["qwen-14b", "enabled"],
    ]);
    expect(deployments[1]!.fields.tensorParallel?.value).toBe(2);
    expect(judgedOf(text, "values.yaml").map((judged) => judged.status)).toEqual(["judged", "judged"]);
  });

  it("skips a switched-off entry in the rules until `enabled` flips; explain still sizes it", () => {
    // Qwen2.5-14B at bf16 (27.5 GiB of weights) on one L4 does not fit, but the chart renders nothing for it.
    const text = readFixture("helm/vllm-stack-two-models.yaml").replace("requestGPU: 2", "requestGPU: 1").replace("tensorParallelSize: 2", "tensorParallelSize: 1");
    expect(findings(lint(text, "values.yaml")).map(finding)).toEqual([]);
    const explained = explainFile("values.yaml", text).file.deployments[1]!;
    expect(explained).toMatchObject({ name: "qwen-14b", disabledBy: "enabled", estimate: { verdict: "weights-exceed-memory" } });
    const enabled = text.replace("enabled: false", "enabled: true");
    // Line 30 is `    requestGPU: 1`.
    expect(findings(lint(enabled, "values.yaml")).map(finding)).toEqual([{ ruleId: "vram/weights-fit", messageId: "weightsExceed", line: 30, column: 17 }]);
  });

  it("lets extraArgs override vllmConfig, as the rendered command line does", () => {
    const text = `servingEngineSpec:
  modelSpec:
  - name: m
    modelURL: meta-llama/Llama-3.1-8B-Instruct
    requestGPU: 1
    vllmConfig:
      gpuMemoryUtilization: 0.95
      extraArgs: ["--gpu-memory-utilization", "0.4", "--max-model-len=4096"]
`;
    const [deployment] = deploymentsOf(text, "values.yaml");
    expect(deployment!.fields.gpuMemoryUtilization?.value).toBe(0.4);
    expect(deployment!.fields.maxModelLen?.value).toBe(4096);
    expect(deployment!.args).toMatchObject({ kind: "list", equals: false });
  });

  it("counts a Ray-spanning modelSpec as head plus workers", () => {
    const text = `servingEngineSpec:
  modelSpec:
  - name: pp
    modelURL: meta-llama/Llama-3.1-8B-Instruct
    replicaCount: 1
    requestGPU: 1
    vllmConfig:
      tensorParallelSize: 1
      pipelineParallelSize: 2
    raySpec:
      enabled: true
      headNode:
        requestGPU: 1
`;
    const [deployment] = deploymentsOf(text, "values.yaml");
    expect(deployment!.fields.nodes).toMatchObject({ value: 2, readonly: true });
    expect(deployment!.fields.pipelineParallel?.value).toBe(2);
  });

  it("leaves templated values unresolved, and says a CPU-only spec requests no GPU", () => {
    const text = `servingEngineSpec:
  modelSpec:
  - name: templated
    modelURL: "{{ .Values.model }}"
    requestGPU: 1
  - name: cpu
    modelURL: facebook/opt-125m
    requestGPU: 0
`;
    const deployments = deploymentsOf(text, "values.yaml");
    expect(deployments).toHaveLength(2);
    expect(deployments[0]!.unresolved.model).toMatchObject({ reason: "template" });
    // A GPU build of vLLM with no GPU: found, and said so rather than dropped.
    expect(findings(lint(text, "values.yaml")).map((message) => message.message)).toContain("No GPU is requested (requestGPU: 0), so this deployment was not checked.");
  });

  it("judges a requestGPU: 0 entry of vLLM's CPU build within its limitMemory", () => {
    const text = `servingEngineSpec:
  modelSpec:
    - name: qwen-cpu
      repository: public.ecr.aws/q9t5s3a7/vllm-cpu-release-repo
      tag: v0.11.0
      modelURL: Qwen/Qwen2.5-7B-Instruct
      requestCPU: 8
      requestMemory: 16Gi
      limitMemory: 16Gi
      requestGPU: 0
      vllmConfig:
        maxModelLen: 8192
      env:
        - name: VLLM_CPU_KVCACHE_SPACE
          value: "4"
`;
    expect(findings(lint(text, "values.yaml")).map((message) => [message.ruleId, message.message.split(". ")[0]])).toEqual([
      ["vram/host-memory-fit", "Qwen2.5-7B-Instruct needs about 20.5 GiB of memory on the CPU, more than its 16.0 GiB limit"],
    ]);
  });
});

describe("Helm values: KubeAI models chart (catalog.*)", () => {
  it("reports Qwen3-30B-A3B on nvidia-gpu-l4:1 at the profile's count, and every suggestion fixes it", () => {
    const { text, filename, messages } = lintFixture("helm/kubeai-models.yaml");
    expect(messages.map(finding)).toEqual([{ ruleId: "vram/weights-fit", messageId: "moeResident", line: 13, column: 36 }]);
    expect(expectSuggestionsFix(text, filename, messages)).toBe(messages[0]!.suggestions!.length);
    const applied = messages[0]!.suggestions!.map((suggestion) => suggestion.fix.text);
    expect(applied.some((edit) => edit.includes("resourceProfile: nvidia-gpu-l4:4") && edit.includes("--tensor-parallel-size=4"))).toBe(true);
  });

  it("reads url, engine, args and resourceProfile; skips CPU profiles and non-LLM engines", () => {
    const text = readFixture("helm/kubeai-models.yaml");
    const deployments = deploymentsOf(text, "values.yaml");
    expect(deployments.map((deployment) => deployment.name)).toEqual(["qwen3-30b-a3b-l4", "llama-3.1-8b-instruct-l4", "llama-3.1-70b-instruct-fp8-h100"]);
    const [qwen] = deployments;
    expect(writtenAt(text, qwen!, "gpuType")).toBe("nvidia-gpu-l4");
    expect(writtenAt(text, qwen!, "gpuCount")).toBe("1");
    expect(qwen!.fields.model?.value).toBe("hf://Qwen/Qwen3-30B-A3B");
    expect(qwen!.fields.maxModelLen?.value).toBe(8192);
    expect(qwen!.args).toMatchObject({ kind: "list", equals: true });
    expect(deployments[2]!.disabled).toMatchObject({ source: "enabled" });
    expect(deployments[2]!.fields).toMatchObject({ tensorParallel: { value: 2 }, kvCacheDtype: { value: "fp8" }, gpuCount: { value: 2 } });
  });

  it("treats every entry as enabled under `all.enabled: true`", () => {
    const text = `all:
  enabled: true
catalog:
  gemma:
    url: ollama://gemma3:27b
    engine: OLlama
    resourceProfile: nvidia-gpu-l4:1
`;
    const [deployment] = deploymentsOf(text, "values.yaml");
    expect(deployment).toMatchObject({ name: "gemma", fields: { engine: { value: "ollama" } } });
    expect(deployment!.disabled).toBeUndefined();
  });
});

describe("Helm values: llm-d modelservice", () => {
  it("reports Qwen3-32B at TP 1 on an L4 at the accelerator label value", () => {
    const { messages } = lintFixture("helm/llm-d-qwen3-32b-l4.yaml");
    expect(messages.map(finding)).toEqual([{ ruleId: "vram/weights-fit", messageId: "weightsExceed", line: 30, column: 9 }]);
  });

  it("reads modelArtifacts.uri, decode.parallelism, acceleratorTypes and the vLLM args", () => {
    const text = readFixture("helm/llm-d-qwen3-32b-l4.yaml");
    const deployments = deploymentsOf(text, "values.yaml");
    expect(deployments).toHaveLength(1); // prefill.create: false
    const [decode] = deployments;
    expect(decode).toMatchObject({ kind: "llm-d modelservice decode", fields: { model: { value: "hf://Qwen/Qwen3-32B" }, tensorParallel: { value: 1 }, maxModelLen: { value: 16384 }, engine: { value: "vllm" } } });
    expect(writtenAt(text, decode!, "gpuType")).toBe("NVIDIA-L4");
  });

  it("derives data parallelism and workers as the chart does", () => {
    const text = `modelArtifacts:
  uri: hf://Qwen/Qwen3-32B
decode:
  parallelism:
    tensor: 2
    data: 4
    dataLocal: 2
  containers:
    - name: vllm
      image: ghcr.io/llm-d/llm-d-cuda:v0.3.0
      modelCommand: vllmServe
`;
    const [decode] = deploymentsOf(text, "values.yaml");
    expect(decode!.fields).toMatchObject({ tensorParallel: { value: 2 }, dataParallel: { value: 4 }, nodes: { value: 2 } });
  });
});

describe("Helm values: NVIDIA nim-llm", () => {
  it("reports the Llama 3 70B NIM on 2 × L4 at the GPU limit; the 8B NIM on one L4 fits", () => {
    expect(lintFixture("helm/nim-llama3-70b-l4.yaml").messages.map(finding)).toEqual([{ ruleId: "vram/weights-fit", messageId: "weightsExceed", line: 22, column: 21 }]);
    expect(lintFixture("helm/nim-llama3-8b-l4.yaml").messages).toEqual([]);
  });

  it("names the model by the NIM image and reads NIM_* env", () => {
    const text = readFixture("helm/nim-llama3-70b-l4.yaml");
    const [deployment] = deploymentsOf(text, "values.yaml");
    expect(deployment!.fields).toMatchObject({ model: { value: "nvcr.io/nim/meta/llama3-70b-instruct" }, gpuCount: { value: 2 }, maxModelLen: { value: 8192 }, gpuType: { value: "nvidia-l4" } });
  });

  it("reads tp/pp from a readable NIM_MODEL_PROFILE, and leaves Terraform-templated values unresolved", () => {
    const profiled = `image:
  repository: nvcr.io/nim/meta/llama-3.1-70b-instruct
resources:
  limits:
    nvidia.com/gpu: 4
env:
  - name: NIM_MODEL_PROFILE
    value: vllm-bf16-tp4-pp1
`;
    expect(deploymentsOf(profiled, "values.yaml")[0]!.fields).toMatchObject({ tensorParallel: { value: 4, readonly: true }, pipelineParallel: { value: 1 } });
    const templated = "image:\n  repository: ${model_id}\nmodel:\n  ngcAPISecret: ngc-api\nresources:\n  limits:\n    nvidia.com/gpu: ${num_gpu}\n";
    expect(judgedOf(templated, "values.yaml")[0]).toMatchObject({ status: "incomplete", field: "model" });
  });
});

describe("Helm values: vLLM example chart", () => {
  it("reads image.command, resources and a single gpuModels entry", () => {
    const text = `image:
  repository: vllm/vllm-openai
  command: ["vllm", "serve", "Qwen/Qwen2.5-7B-Instruct", "--max-model-len", "8192"]
resources:
  limits:
    nvidia.com/gpu: 1
gpuModels:
  - "NVIDIA-L4"
`;
    const [deployment] = deploymentsOf(text, "values.yaml");
    expect(deployment!.fields).toMatchObject({ model: { value: "Qwen/Qwen2.5-7B-Instruct" }, gpuCount: { value: 1 }, gpuType: { value: "NVIDIA-L4" }, maxModelLen: { value: 8192 } });
    expect(deploymentsOf(text.replace('"NVIDIA-L4"', '"TYPE_GPU_USED"'), "values.yaml")[0]!.fields.gpuType).toBeUndefined();
  });
});

describe("Helm: rendered output goes through the Kubernetes adapter", () => {
  it("reports the rendered vllm-stack Deployment at its GPU limit", () => {
    const { text, filename, messages } = lintFixture("helm/rendered-vllm-stack.yaml");
    expect(messages.map(finding)).toEqual([{ ruleId: "vram/weights-fit", messageId: "moeResident", line: 80, column: 31 }]);
    expect(deploymentsOf(text, filename).map((deployment) => [deployment.format, deployment.kind])).toEqual([["kubernetes", "Deployment"]]);
  });
});

describe("Helm values: Triton's TensorRT-LLM charts", () => {
  it("builds the model at tensor × pipeline GPUs per pod on the one GPU product listed, and fixes the tensor size", () => {
    const { text, filename, messages } = lintFixture("helm/triton-trtllm-llama-3-70b-a10g-values.yaml");
    const [deployment] = deploymentsOf(text, filename);
    expect(deployment!.fields.engine?.value).toBe("trtllm");
    expect(deployment!.fields.dtype?.value).toBe("float16");
    expect(writtenAt(text, deployment!, "gpuType")).toBe("NVIDIA-A10G");
    expect(deployment!.fields.gpuCount?.value).toBe(2);
    // Line 11 is `tensor: 2`: the GPU count follows it.
    expect(messages.map(finding)).toEqual([{ ruleId: "vram/weights-fit", messageId: "weightsExceed", line: 11, column: 7 }]);
    expect(messages[0]!.suggestions!.map((suggestion) => suggestion.desc)).toEqual([
      "Use 8 × NVIDIA A10G at TP 8: 101,056 KV tokens, 12 × 8,192-token sequences",
      "Use 2 × NVIDIA A100 80GB: 65,184 KV tokens, 7.9 × 8,192-token sequences",
    ]);
    expect(expectSuggestionsFix(text, filename, messages)).toBe(messages[0]!.suggestions!.length);
  });

  it("spreads pipeline stages over nodes past one node's GPUs, and judges several GPU products as any of them", () => {
    const values = (gpu: string, parallelism: string) => `gpu:\n${gpu}\nmodel:\n  name: llama-2-70b\n  tensorrtLlm:\n    parallelism:\n${parallelism}\n`;
    const [wide] = deploymentsOf(values("- NVIDIA-A10G", "      tensor: 8\n      pipeline: 2"), "values.yaml");
    expect([wide!.fields.gpuCount?.value, wide!.fields.nodes?.value, wide!.fields.pipelineParallel?.value]).toEqual([8, 2, 2]);
    const [any] = deploymentsOf(values("- NVIDIA-A10G\n- Tesla-T4", "      tensor: 4"), "values.yaml");
    expect(any!.fields.gpuType).toBeUndefined();
    expect(any!.fields.gpuCount?.value).toBe(4);
  });
});

describe("Helm values handed over by GitOps tools", () => {
  it("sets an Argo CD Application's helm.parameters over its valuesObject, and reports at the parameters", () => {
    const { text, filename, messages } = lintFixture("gitops/argocd-application-parameters.yaml");
    const [deployment] = deploymentsOf(text, filename);
    expect([deployment!.fields.model?.value, deployment!.fields.maxModelLen?.value, deployment!.fields.gpuCount?.value, deployment!.fields.gpuType?.value]).toEqual(["Qwen/Qwen2.5-14B-Instruct", 32768, 1, "nvidia-l4"]);
    // Line 25 opens `parameters`: the values are assembled, so nothing in them is edited in place.
    expect(messages.map(finding)).toEqual([{ ruleId: "vram/weights-fit", messageId: "weightsExceed", line: 25, column: 9 }]);
    expect(messages[0]!.suggestions ?? []).toEqual([]);
  });

  it("finds a serving engine's chart whose values are in files the object only names, and says so", () => {
    const { messages } = lintFixture("gitops/argocd-ollama-value-files.yaml");
    expect(messages.map((message) => `${message.line}:${message.column} ${message.message}`)).toEqual([
      "16:13 Its values are in apps/ollama/values.yaml, which this file does not show, so this deployment was not checked.",
    ]);
    const flux = "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: vllm\nspec:\n  chart:\n    spec:\n      chart: vllm-stack\n  valuesFrom:\n    - kind: ConfigMap\n      name: vllm-values\n";
    expect(findings(lint(flux, "release.yaml")).map((message) => message.message)).toEqual(["Its values are in ConfigMap vllm-values, which this file does not show, so this deployment was not checked."]);
    // A chart that serves nothing, with its values elsewhere, is nothing read here.
    expect(findings(lint(flux.replace("vllm-stack", "ingress-nginx"), "release.yaml"))).toEqual([]);
  });
});

describe("app configs whose keys share a prefix", () => {
  it("reads past the prefix every key carries (an OCI AI Blueprints recipe), the engine's arguments beside its image naming the model", () => {
    const [deployment, ...rest] = deploymentsOf(readFixture("app-config/oci-blueprint-recipe.json"), "recipe.json");
    expect(rest).toEqual([]);
    expect([deployment!.fields.engine?.value, deployment!.fields.model?.value, deployment!.fields.instanceType?.value, deployment!.fields.gpuCount?.value, deployment!.fields.tensorParallel?.value, deployment!.fields.maxModelLen?.value]).toEqual(["vllm", "meta-llama/Llama-3.3-70B-Instruct", "BM.GPU.A10.4", 4, 4, 16384]);
    // A key that is a setting whole is never cut (`max_model_len` among `max_…` keys).
    const [config] = deploymentsOf('{"model": "Qwen/Qwen3-8B", "max_model_len": 8192, "max_num_seqs": 64, "max_num_batched_tokens": 4096, "gpu": "L4"}', "config.json");
    expect([config!.fields.maxModelLen?.value, config!.fields.maxNumSeqs?.value]).toEqual([8192, 64]);
  });
});

describe("Helm values: odd input", () => {
  const shapes = [
    (value: unknown) => ({ servingEngineSpec: value }),
    (value: unknown) => ({ servingEngineSpec: { modelSpec: [value, { modelURL: "meta-llama/Llama-3.1-8B-Instruct", requestGPU: value, vllmConfig: value, nodeSelectorTerms: value, raySpec: value }] } }),
    (value: unknown) => ({ catalog: { a: value, b: { url: value, resourceProfile: value, args: value, engine: value, enabled: value } } }),
    (value: unknown) => ({ modelArtifacts: { uri: value }, decode: { parallelism: value, containers: [value, { modelCommand: "vllmServe", args: value }], acceleratorTypes: value } }),
    (value: unknown) => ({ image: { repository: "nvcr.io/nim/meta/llama3-8b-instruct" }, model: { ngcAPISecret: "x" }, resources: value, env: value, nodeSelector: value }),
    (value: unknown) => ({ image: { command: [value] }, resources: value, gpuModels: value }),
    (value: unknown) => ({ gpu: value, model: { name: value, tensorrtLlm: { dataType: value, parallelism: value } }, triton: value }),
  ];

  it("never throws on missing keys, wrong types and nulls", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), fc.integer({ min: 0, max: shapes.length - 1 }), (value, shape) => {
        const text = JSON.stringify(shapes[shape]!(value));
        expect(() => deploymentsOf(text, "values.yaml")).not.toThrow();
        expect(() => deploymentsOf(text, "values.json")).not.toThrow();
      }),
      { numRuns: 300 },
    );
    for (const text of ["", "---\n", "servingEngineSpec:\n", "catalog: []\n", "modelArtifacts: {}\ndecode: {}\n"]) {
      expect(() => deploymentsOf(text, "values.yaml")).not.toThrow();
    }
  });
});

describe("Helm values: production-stack entries without a modelURL", () => {
  it("says where the model is when a --config file names it, and passes over entries without GPUs", () => {
    const values = `servingEngineSpec:
  modelSpec:
    - name: deepseek-h200
      repository: vllm/vllm-openai
      tag: v0.11.0
      requestGPU: 8
      vllmConfig:
        extraArgs:
          - --config
          - /profiles/deepseek-h200.yaml
    - name: embeddings-cpu
      repository: vllm/vllm-openai
      tag: v0.11.0
      requestGPU: 0
`;
    expect(findings(lint(values, "values.yaml")).map((message) => message.message)).toEqual([
      "--config /profiles/deepseek-h200.yaml holds the model, so this deployment was not checked.",
    ]);
  });
});

describe("Helm values: the ollama chart as a subchart", () => {
  const values = (enabled: string) => `# Open WebUI with its bundled Ollama
ollama:
  enabled: ${enabled}
  fullnameOverride: open-webui-ollama
  ollama:
    gpu:
      enabled: true
      type: nvidia
      number: 1
    models:
      pull:
        - llama3.1:70b
        - qwen2.5:7b
  nodeSelector:
    cloud.google.com/gke-accelerator: nvidia-l4
nodeSelector:
  kubernetes.io/os: linux
`;

  it("reads the models, GPUs and node selector it passes to the ollama chart (not its own pod's), each model judged on its own", () => {
    expect(deploymentsOf(values("true"), "values.yaml").map((deployment) => [deployment.kind, deployment.name, deployment.fields.gpuCount?.value])).toEqual([
      ["ollama values", "llama3.1:70b", 1],
      ["ollama values", "qwen2.5:7b", 1],
    ]);
    // The subchart's node selector places its pods; the top-level one places Open WebUI's.
    expect(judgedOf(values("true"), "values.yaml").map((judged) => [judged.status, judged.status === "judged" ? judged.values.gpuType : undefined])).toEqual([
      ["judged", "nvidia-l4"],
      ["judged", "nvidia-l4"],
    ]);
    // A disabled subchart deploys nothing.
    expect(deploymentsOf(values("false"), "values.yaml")).toEqual([]);
  });
});

describe("Helm values of in-house charts: the model beside the image", () => {
  it("reads `model`, `model: {name | repoId}` and an Ollama chart's `models` list; each pulled model is a deployment of its own", () => {
    const read = (relative: string) => deploymentsOf(readFixture(relative), relative).map((deployment) => [deployment.fields.model?.value, deployment.fields.model?.source, deployment.fields.gpuCount?.value ?? deployment.unresolved.gpuCount?.raw]);
    expect(read("generic/chart-values-model-beside-image-no-gpu.yaml")).toEqual([["Qwen/Qwen2.5-1.5B-Instruct", "model", "none"]]);
    expect(read("generic/chart-values-model-repo-id-h200.yaml")).toEqual([["Qwen/Qwen2.5-VL-72B-Instruct", "repoId", 1]]);
    expect(read("generic/chart-values-ollama-model-beside-image.yaml")).toEqual([["qwen2.5:7b", "modelName", "none"]]);
    expect(read("generic/chart-values-ollama-models-list.yaml")).toEqual([
      ["llama3.2:3b", "models", 1],
      ["qwen2.5:32b", "models", 1],
    ]);
    // On the T4 the 32B does not fit whole: Ollama keeps 43 of its 65 layers on the GPU, the rest on the CPU.
    const [small, large] = judgedOf(readFixture("generic/chart-values-ollama-models-list.yaml"), "values.yaml");
    expect([small!.status === "judged" && small!.estimate.gpuLayers, large!.status === "judged" && large!.estimate.gpuLayers?.onGpu]).toEqual([undefined, 43]);
  });
});
