import { describe, expect, it } from "vitest";
import { findings, lint, readFixture } from "../support/lint.js";
import { judgedOf } from "./helpers.js";
import { expectFindings, expectSuggestionsResolve, explainText, extractedValues, fixtureValues, statuses } from "./serving-crds.support.js";

describe("RayService", () => {
  it("parses serveConfigV2 and judges a Ray Serve LLM app against the worker group's GPUs", () => {
    const file = "ray/rayservice-qwen3-30b-a3b-l4.yaml";
    expect(fixtureValues(file)).toEqual([
      {
        kind: "RayService",
        name: "qwen3-moe/llms",
        model: "Qwen/Qwen3-30B-A3B",
        gpuType: "L4",
        engine: "vllm",
        maxModelLen: 8192,
        tensorParallel: 1,
        gpuCount: 1,
        unresolved: [],
      },
    ]);
    // Reported at the worker group's GPU count (line 61); values inside the string cannot be edited in place.
    const result = expectFindings(file, ["vram/weights-fit 61:37 moeResident"]);
    expectSuggestionsResolve(file, result);
  });

  it("reads custom apps from runtime_env.env_vars; a context set elsewhere is judged where every context agrees", () => {
    expect(fixtureValues("ray/rayservice-custom-app.yaml")).toEqual([
      {
        kind: "RayService",
        name: "mistral-7b/mistral",
        model: "mistralai/Mistral-7B-Instruct-v0.3",
        tensorParallel: 1,
        engine: "vllm",
        gpuCount: 1,
        gpuType: "a10g",
        unresolved: ["maxModelLen"],
      },
    ]);
    // Mistral 7B holds its whole 32,768 tokens on an A10G, and vLLM refuses a longer context: it fits whatever $MAX_LEN is.
    expectFindings("ray/rayservice-custom-app.yaml", []);
    expect(statuses("ray/rayservice-custom-app.yaml")).toEqual(["RayService mistral-7b/mistral: judged"]);
    expect(JSON.stringify(explainText(readFixture("ray/rayservice-custom-app.yaml")))).toContain("the context is $MAX_LEN, set outside this file; judged at the model's whole 32,768 tokens, where it fits");
  });

  it("finds a custom app with no sign of vLLM and says its code loads the model (found, never sized as vLLM)", () => {
    const text = `apiVersion: ray.io/v1
kind: RayService
metadata:
  name: transformers-app
spec:
  serveConfigV2: |
    applications:
      - name: chat
        import_path: model_nf4:app
        runtime_env:
          pip: [bitsandbytes==0.42.0]
          env_vars:
            MODEL_ID: meta-llama/Llama-2-70b-chat-hf
`;
    expect(extractedValues(text)).toEqual([expect.objectContaining({ model: "meta-llama/Llama-2-70b-chat-hf", unresolved: ["engine"] })]);
    expect(explainText(text).deployments.map((deployment) => deployment.status)).toEqual(["incomplete"]);
  });

  it("reads the model a custom app's builder is given (args) on vLLM's image, judged at the code's most favourable reading", () => {
    const text = `apiVersion: ray.io/v1
kind: RayService
metadata:
  name: gemma
spec:
  serveConfigV2: |
    applications:
      - name: llm
        import_path: main:build_app
        args:
          model: google/gemma-2b-it
          dtype: float16
  rayClusterConfig:
    headGroupSpec:
      template:
        spec:
          containers:
            - name: ray-head
              image: registry.example.com/vllm-openai:ray
    workerGroupSpecs:
      - replicas: 1
        groupName: gpu-group
        template:
          spec:
            nodeSelector:
              cloud.google.com/gke-accelerator: nvidia-l4
            containers:
              - name: ray-worker
                image: registry.example.com/vllm-openai:ray
                resources:
                  limits:
                    nvidia.com/gpu: "1"
`;
    expect(extractedValues(text)).toEqual([expect.objectContaining({ model: "google/gemma-2b-it", gpuType: "nvidia-l4", unresolved: ["engine"] })]);
    expect(findings(lint(text, "rayservice.yaml")).map((message) => message.message)).toEqual([
      "Custom Ray Serve app main:build_app loads the model itself, so its flags were not checked. At vLLM's defaults, gemma-2b-it fits 1 × L4.",
    ]);
  });
});

describe("RayService custom apps that install an engine", () => {
  const service = (pip: string) => `apiVersion: ray.io/v1
kind: RayService
metadata:
  name: falcon
spec:
  serveConfigV2: |
    applications:
      - name: falcon
        import_path: serve_falcon:deployment
        runtime_env:
          working_dir: "https://github.com/example/serve-falcon/archive/main.zip"
          pip: ${pip}
  rayClusterConfig:
    headGroupSpec:
      rayStartParams: {}
      template:
        spec:
          containers:
            - name: ray-head
              image: rayproject/ray:2.9.0-py310-cu121
    workerGroupSpecs:
      - groupName: gpu
        replicas: 1
        rayStartParams: {}
        template:
          spec:
            containers:
              - name: ray-worker
                image: rayproject/ray:2.9.0-py310-cu121
                resources:
                  limits:
                    nvidia.com/gpu: 1
`;

  it("finds an app whose runtime_env pip-installs vLLM (a list, or packages) on a plain Ray image, and says its code loads the model", () => {
    for (const pip of [`["vllm==0.6.3", "transformers"]`, `{packages: ["sglang[all]>=0.4.0"]}`]) {
      expect(explainText(service(pip), "rayservice.yaml").deployments.map((entry) => [entry.kind, entry.status, entry.reason]), pip).toEqual([
        ["RayService", "incomplete", "custom Ray Serve app serve_falcon:deployment loads the model itself, so this deployment was not checked."],
      ]);
    }
    // An app that installs no engine (an image classifier) is not a model deployment here.
    expect(extractedValues(service(`["torch", "torchvision"]`))).toEqual([]);
  });
});

describe("RayCluster", () => {
  it("runs the head's engine command over the head's and workers' GPUs", () => {
    const file = "ray/raycluster-vllm-head-tp4.yaml";
    expect(fixtureValues(file)[0]).toMatchObject({ model: "mistralai/Mixtral-8x7B-Instruct-v0.1", tensorParallel: 4, gpuCount: 2, nodes: 2, gpuType: "nvidia-l4" });
    const result = expectFindings(file, ["vram/weights-fit 23:33 moeResident"]);
    const fixed = expectSuggestionsResolve(file, result);
    // Head and worker groups each select L4 nodes: no fix changes one selector alone.
    for (const text of fixed) expect(text.match(/gke-accelerator: nvidia-l4/g)).toHaveLength(2);
  });
});

describe("Ray Serve config files", () => {
  it("reads applications[].args.llm_configs[] and edits engine_kwargs and accelerator_type in place", () => {
    const file = "ray/serve-llama-3.1-70b-a10g.yaml";
    expect(fixtureValues(file)[0]).toMatchObject({ model: "meta-llama/Llama-3.1-70B-Instruct", gpuType: "A10G", tensorParallel: 4, maxModelLen: 8192, gpuMemoryUtilization: 0.9 });
    // Line 11 is `accelerator_type: A10G`.
    const result = expectFindings(file, ["vram/weights-fit 11:29 weightsExceed"]);
    const fixed = expectSuggestionsResolve(file, result);
    expect(fixed.some((text) => text.includes("model_source: hugging-quants/Meta-Llama-3.1-70B-Instruct-AWQ-INT4"))).toBe(true);
    expect(fixed.some((text) => /engine_kwargs:\n(?: {12}\S.*\n)+ {12}quantization: fp8/.test(text))).toBe(true);
    // Ray Serve LLM reserves TP × PP GPUs itself: more GPUs is only the tensor-parallel size.
    const moreGpus = result.messages[0]!.suggestions!.find((suggestion) => suggestion.desc.startsWith("Use 8 × NVIDIA A10G at TP 8"));
    expect(moreGpus?.fix.text).toBe("8");
    expect(fixed).toContain(result.text.replace("tensor_parallel_size: 4", "tensor_parallel_size: 8"));
  });

  it("reads a single LLMConfig file", () => {
    expectFindings("ray/llm-config-llama-3.1-8b-l4.yaml", []);
    expect(statuses("ray/llm-config-llama-3.1-8b-l4.yaml")).toEqual(["Ray Serve LLM config meta-llama/Llama-3.1-8B-Instruct: judged"]);
  });

  it("counts placement-group bundles as the replica's GPUs and leaves bucket sources unjudged", () => {
    const text = `model_loading_config:
  model_id: my-model
  model_source:
    bucket_uri: s3://models/llama-3-8b
accelerator_type: L4
placement_group_config:
  bundles:
    - GPU: 1
    - GPU: 1
engine_kwargs:
  tensor_parallel_size: 2
`;
    expect(extractedValues(text)[0]).toMatchObject({ gpuCount: 2, tensorParallel: 2, unresolved: ["model"] });
  });

  it("counts one rank's bundles per DP rank under the data-parallel builder, which runs each rank as a replica", () => {
    const app = (importPath: string) => `applications:
  - name: llm-endpoint
    import_path: ${importPath}
    route_prefix: /
    args:
      llm_config:
        model_loading_config:
          model_id: Qwen/Qwen3-30B-A3B
        accelerator_type: H100
        engine_kwargs:
          tensor_parallel_size: 1
          data_parallel_size: 4
          enable_expert_parallel: true
          max_model_len: 8192
        placement_group_config:
          bundles:
            - GPU: 1
              CPU: 4
`;
    // Four replicas of one GPU each: four ranks on four GPUs, not four ranks on one.
    expect(extractedValues(app("ray.serve.llm:build_dp_openai_app"))[0]).toMatchObject({ gpuCount: 4, tensorParallel: 1, dataParallel: 4 });
    expect(findings(lint(app("ray.serve.llm:build_dp_openai_app"), "serve.yaml"))).toEqual([]);
    // Any other builder runs the engine in one replica on the bundles it lists.
    expect(extractedValues(app("ray.serve.llm:build_openai_app"))[0]).toMatchObject({ gpuCount: 1, dataParallel: 4 });
  });

  it("judges one replica of a cluster whose GPUs several replicas share, and keeps the idle-GPU finding for one replica", () => {
    const service = (deploymentConfig: string) => `apiVersion: ray.io/v1
kind: RayService
metadata:
  name: ray-serve-llm
spec:
  serveConfigV2: |
    applications:
    - name: llms
      import_path: ray.serve.llm:build_openai_app
      args:
        llm_configs:
        - model_loading_config:
            model_id: qwen2.5-7b-instruct
            model_source: Qwen/Qwen2.5-7B-Instruct
          accelerator_type: L4
          engine_kwargs:
            max_model_len: 8192
${deploymentConfig}  rayClusterConfig:
    headGroupSpec:
      rayStartParams: {}
      template:
        spec:
          containers:
          - name: ray-head
            image: rayproject/ray-llm:2.52.0-py311-cu128
    workerGroupSpecs:
    - replicas: 1
      groupName: gpu-group
      rayStartParams: {}
      template:
        spec:
          containers:
          - name: ray-worker
            image: rayproject/ray-llm:2.52.0-py311-cu128
            resources:
              limits:
                nvidia.com/gpu: "4"
`;
    const autoscaled = service("          deployment_config:\n            autoscaling_config:\n              min_replicas: 1\n              max_replicas: 4\n");
    expect(extractedValues(autoscaled)[0]).toMatchObject({ gpuCount: 1, gpuType: "L4" });
    expect(findings(lint(autoscaled, "rayservice.yaml"))).toEqual([]);
    // One replica on four GPUs: three do sit idle.
    expect(findings(lint(service(""), "rayservice.yaml")).map((message) => message.ruleId)).toEqual(["vram/parallelism-efficiency"]);
  });

  it("leaves other YAML documents to the generic reader", () => {
    expect(extractedValues("applications:\n  - name: web\n    import_path: app:main\n")).toEqual([]);
    expect(readFixture("ray/llm-config-llama-3.1-8b-l4.yaml")).toContain("model_loading_config");
  });
});

describe("Anyscale services", () => {
  const file = "ray/anyscale-service-llama-70b-l4.yaml";

  it("judges a Ray Serve LLM app on the workers' instance type, and offers a larger one or a wider TP", () => {
    expect(fixtureValues(file)).toEqual([
      expect.objectContaining({ kind: "Anyscale service", name: "llama-70b-chat/llm", model: "meta-llama/Llama-3.3-70B-Instruct", instanceType: "g6.12xlarge", tensorParallel: 4, maxModelLen: 16384 }),
    ]);
    // Line 10 is the worker nodes' `instance_type: g6.12xlarge`.
    const result = expectFindings(file, ["vram/weights-fit 10:22 weightsExceed"]);
    const fixed = expectSuggestionsResolve(file, result);
    expect(fixed).toContain(result.text.replace("instance_type: g6.12xlarge", "instance_type: g6.48xlarge").replace("tensor_parallel_size: 4", "tensor_parallel_size: 8"));
  });

  it("places a replica on the GPUs its placement group reserves: fewer than the instance has, or packed over several", () => {
    const text = readFixture(file);
    const tp2 = judgedOf(text.replace("tensor_parallel_size: 4", "tensor_parallel_size: 2"), "service.yaml")[0]!;
    expect(tp2).toMatchObject({ values: { instanceType: "g6.12xlarge", tensorParallel: 2 }, resolved: { requestedGpus: 2 } });
    const tp8 = judgedOf(text.replace("tensor_parallel_size: 4", "tensor_parallel_size: 8"), "service.yaml")[0]!;
    expect(tp8).toMatchObject({ status: "judged", resolved: { requestedGpus: 8 } });
    expect(tp8.status === "judged" && tp8.resolved.assumptions).toContain("each replica spans 2 g6.12xlarge instances, as its placement group packs 8 GPUs");
    // Workers of two types leave the GPU to the range of GPUs it could land on.
    const mixed = text.replace("      market_type: ON_DEMAND\n", "      market_type: ON_DEMAND\n    - name: big\n      instance_type: p4d.24xlarge\n");
    expect(extractedValues(mixed)[0]).not.toHaveProperty("instanceType");
  });

  it("says a custom app on the Ray LLM image is unchecked, and leaves custom apps on other images alone", () => {
    const custom = `name: qwen-naive
image_uri: anyscale/ray-llm:2.57.0-py312-cu130
compute_config:
  worker_nodes:
    - instance_type: g6.12xlarge
      min_nodes: 1
      max_nodes: 1
applications:
  - import_path: serve_qwen:app
`;
    expect(explainText(custom, "service.yaml").deployments.map((entry) => [entry.kind, entry.status, entry.reason])).toEqual([
      ["Anyscale service", "incomplete", "custom Ray Serve app serve_qwen:app loads the model itself, so this deployment was not checked."],
    ]);
    expect(extractedValues(custom.replace("anyscale/ray-llm:2.57.0-py312-cu130", "anyscale/ray:2.57.0-py312-cu128"))).toEqual([]);
  });
});
