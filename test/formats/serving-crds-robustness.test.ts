/**
 * Odd input never throws: every serving kind with missing keys, wrong types, nulls and random
 * shapes in the places the adapters read.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lint } from "../support/lint.js";
import { extractedValues } from "./serving-crds.support.js";

const KINDS: Array<[string, string]> = [
  ["serving.kserve.io/v1beta1", "InferenceService"],
  ["serving.kserve.io/v1alpha2", "LLMInferenceService"],
  ["kubeai.org/v1", "Model"],
  ["kaito.sh/v1beta1", "Workspace"],
  ["kaito.sh/v1beta1", "InferenceSet"],
  ["kaito.sh/v1alpha1", "MultiRoleInference"],
  ["leaderworkerset.x-k8s.io/v1", "LeaderWorkerSet"],
  ["ray.io/v1", "RayService"],
  ["ray.io/v1", "RayCluster"],
  ["ray.io/v1", "RayJob"],
  ["orchestration.aibrix.ai/v1alpha1", "RayClusterFleet"],
  ["orchestration.aibrix.ai/v1alpha1", "StormService"],
  ["apps.nvidia.com/v1alpha1", "NIMService"],
  ["production-stack.vllm.ai/v1alpha1", "VLLMRuntime"],
  ["nvidia.com/v1alpha1", "DynamoGraphDeployment"],
  ["workloads.x-k8s.io/v1alpha2", "RoleBasedGroup"],
  ["ome.io/v1beta1", "InferenceService"],
  ["ome.io/v1beta1", "ClusterServingRuntime"],
  ["llmaz.io/v1alpha1", "OpenModel"],
  ["inference.llmaz.io/v1alpha1", "Playground"],
  ["arks.ai/v1", "ArksApplication"],
  ["arks.ai/v1", "ArksDisaggregatedApplication"],
  ["workload.serving.volcano.sh/v1alpha1", "ModelServing"],
  ["workload.serving.volcano.sh/v1alpha1", "ModelBooster"],
  ["airunway.ai/v1alpha1", "ModelDeployment"],
  ["inference.llmkube.dev/v1alpha1", "InferenceService"],
  ["template.openshift.io/v1", "Template"],
  ["apps/v1", "Deployment"],
  // Nobody's adapter: the generic walker reads it.
  ["example.dev/v1", "InferenceEndpoint"],
];

const ODD_VALUES: unknown[] = [null, [], {}, 0, -1, 2.5, "", "{{ .Values.x }}", "$(VAR)", true, [null], [{ a: null }], { toString: 0 }, { valueOf: {} }, JSON.parse('{"__proto__": {"x": 1}, "constructor": 1, "hasOwnProperty": 2}'), 1e308, 2 ** 54, "9".repeat(40), "toString"];

/** JSON is YAML: the documents are written as JSON text and parsed by the YAML parser. */
const stringify = (value: unknown): string => JSON.stringify(value, null, 2);

/** Paths the adapters read, to plant odd values at. */
const PATHS = [
  ["spec"],
  ["spec", "predictor"],
  ["spec", "predictor", "model"],
  ["spec", "predictor", "model", "args"],
  ["spec", "predictor", "model", "resources", "limits", "nvidia.com/gpu"],
  ["spec", "predictor", "workerSpec"],
  ["spec", "model"],
  ["spec", "model", "uri"],
  ["spec", "parallelism"],
  ["spec", "parallelism", "data"],
  ["spec", "template"],
  ["spec", "template", "containers"],
  ["spec", "worker"],
  ["spec", "prefill"],
  ["spec", "url"],
  ["spec", "args"],
  ["spec", "env"],
  ["spec", "engine"],
  ["spec", "resourceProfile"],
  ["resource"],
  ["resource", "count"],
  ["resource", "instanceType"],
  ["inference"],
  ["inference", "preset"],
  ["inference", "config"],
  ["spec", "roles"],
  ["spec", "leaderWorkerTemplate"],
  ["spec", "leaderWorkerTemplate", "size"],
  ["spec", "leaderWorkerTemplate", "leaderTemplate", "spec", "containers"],
  ["spec", "serveConfigV2"],
  ["spec", "rayClusterConfig"],
  ["spec", "rayClusterConfig", "workerGroupSpecs"],
  ["spec", "headGroupSpec"],
  ["spec", "workerGroupSpecs"],
  ["spec", "entrypoint"],
  ["spec", "template", "spec", "roles"],
  ["spec", "image"],
  ["spec", "image", "repository"],
  ["spec", "resources"],
  ["spec", "multiNode"],
  ["spec", "vllmConfig"],
  ["spec", "vllmConfig", "extraArgs"],
  ["spec", "deploymentConfig"],
  ["spec", "deploymentConfig", "nodeSelectorTerms"],
  ["spec", "services"],
  ["spec", "services", "worker", "resources", "limits", "gpu"],
  ["spec", "services", "worker", "multinode", "nodeCount"],
  ["spec", "services", "worker", "extraPodSpec", "mainContainer"],
  ["spec", "services", "worker", "extraPodSpec", "mainContainer", "args"],
  ["spec", "backendFramework"],
  ["spec", "roles", "0", "leaderWorkerPattern", "size"],
  ["spec", "roles", "0", "standalonePattern", "template", "spec", "containers"],
  ["spec", "engineConfig", "runner"],
  ["spec", "engineConfig", "runner", "command"],
  ["spec", "modelSizeRange"],
  ["spec", "inferenceConfig", "flavors"],
  ["spec", "source", "modelHub", "modelID"],
  ["spec", "modelClaim"],
  ["spec", "backendRuntimeConfig", "args"],
  ["spec", "instanceSpec", "resources"],
  ["spec", "runtimeCommonArgs"],
  ["spec", "tensorParallelSize"],
  ["spec", "backends"],
  ["spec", "backends", "0", "workers"],
  ["spec", "template", "roles", "0", "workerReplicas"],
  ["spec", "workload", "podTemplate", "spec", "containers"],
  ["spec", "engine", "args"],
  ["spec", "engine", "extraArgs"],
  ["spec", "resources", "gpu"],
  ["spec", "scaling", "prefill", "gpu", "count"],
  ["spec", "provider", "overrides", "spec", "services"],
  ["spec", "serving", "mode"],
  ["objects"],
  ["spec", "template", "spec", "initContainers"],
  ["spec", "template", "spec", "containers", "0", "env"],
  ["spec", "modelRef"],
  ["spec", "runtime"],
  ["spec", "contextSize"],
  ["spec", "extraArgs"],
  ["spec", "sglangConfig"],
];

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let current = target;
  for (const key of path.slice(0, -1)) {
    const next = current[key];
    if (next === null || typeof next !== "object" || Array.isArray(next)) current[key] = {};
    current = current[key] as Record<string, unknown>;
  }
  current[path[path.length - 1]!] = value;
}

/** An LLMKube InferenceService beside the Model it names, with odd values planted in the Model. */
function llmkubePair(path: string[], value: unknown): string {
  const model: Record<string, unknown> = { apiVersion: "inference.llmkube.dev/v1alpha1", kind: "Model", metadata: { name: "m" }, spec: { source: "hf://Qwen/Qwen3-8B", hardware: { gpu: { count: 1 } } } };
  setPath(model, path, value);
  const service = { apiVersion: "inference.llmkube.dev/v1alpha1", kind: "InferenceService", metadata: { name: "s" }, spec: { modelRef: "m", runtime: "vllm" } };
  return `${stringify(model)}\n---\n${stringify(service)}`;
}

describe("serving CRDs on odd input", () => {
  it("never throw for odd values in the document another one refers to (an LLMKube Model)", () => {
    const paths = [["spec"], ["spec", "source"], ["spec", "hardware"], ["spec", "hardware", "gpu"], ["spec", "hardware", "gpu", "count"], ["spec", "hardware", "gpu", "memory"], ["spec", "hardware", "gpu", "layers"], ["metadata", "name"]];
    for (const path of paths) {
      for (const value of ODD_VALUES) expect(() => lint(llmkubePair(path, value), "llmkube.yaml"), `${path.join(".")} = ${JSON.stringify(value)}`).not.toThrow();
    }
  });

  // Every kind × path × value: about 23 s alone on a 2-core machine, so it gets more than the default 30 s.
  it("never throw for odd values at every path they read", () => {
    for (const [apiVersion, kind] of KINDS) {
      for (const path of PATHS) {
        for (const value of ODD_VALUES) {
          const object: Record<string, unknown> = { apiVersion, kind, metadata: { name: "odd" } };
          setPath(object, path, value);
          const text = stringify(object);
          expect(() => extractedValues(text), `${kind} ${path.join(".")} = ${JSON.stringify(value)}`).not.toThrow();
        }
      }
    }
  }, 120_000);

  it("never throw for random documents of these kinds (rules included)", () => {
    const leaf = fc.oneof(fc.constant(null), fc.integer({ min: -3, max: 100 }), fc.double({ noNaN: true }), fc.boolean(), fc.constantFrom("", "hf://Qwen/Qwen3-8B", "nvidia-gpu-l4:2", "vllm serve x --tp 2", "{{ x }}", "L4", "8"));
    const keys = fc.constantFrom("spec", "model", "predictor", "template", "containers", "args", "env", "resources", "limits", "nvidia.com/gpu", "parallelism", "tensor", "data", "dataLocal", "url", "resourceProfile", "serveConfigV2", "applications", "llm_configs", "engine_kwargs", "workerGroupSpecs", "headGroupSpec", "roles", "inference", "preset", "name", "resource", "instanceType", "count", "leaderWorkerTemplate", "size", "image", "repository", "nodeSelector", "services", "extraPodSpec", "mainContainer", "gpu", "multinode", "nodeCount", "engineConfig", "runner", "flavors", "inferenceConfig", "modelClaim", "modelName", "backends", "workers", "instanceSpec", "runtimeCommonArgs", "leaderWorkerPattern", "entryTemplate", "workerReplicas", "command", "modelRef", "runtime", "vllmConfig", "hardware", "contextSize", "extraArgs");
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: "small", withCrossShrink: true }, leaf, fc.array(tie("node"), { maxLength: 3 }), fc.dictionary(keys, tie("node"), { maxKeys: 4 })),
    })).node;
    fc.assert(
      fc.property(fc.constantFrom(...KINDS), fc.dictionary(keys, tree, { maxKeys: 5 }), ([apiVersion, kind], body) => {
        const text = stringify({ apiVersion, kind, metadata: { name: "random" }, ...body });
        lint(text, "random.yaml");
      }),
      { numRuns: 300 },
    );
  });

  it("never throw for random documents of the document formats (dstack, LocalAI, RunPod, compose, Truss, chart values, app configs)", () => {
    const leaf = fc.oneof(fc.constant(null), fc.integer({ min: -3, max: 100 }), fc.double({ noNaN: true }), fc.boolean(), fc.constantFrom("", "service", "GPU", "H100:2", "24GB..80GB:1", "${X:-1}", "{{ .Values.model }}", "vllm serve x", "hf://Qwen/Qwen3-8B", "ADA_24,AMPERE_80", "nvcr.io/nim/meta/llama-3.1-8b-instruct:1.3", 'sh -c "vllm serve x --tp 2"', "L4:1", "x4", "nvidia-a10g", "ml.g5.2xlarge", "fp8_kv", "/bin/sh", "-c", "docker run --gpus all vllm/vllm-openai --model x", "${m}", "llama-server\n-m ${m}\n-ngl -1", "/dev/dri"));
    const keys = fc.constantFrom(
      "type", "commands", "resources", "gpu", "env", "model", "name", "parameters", "backend", "context_size", "gpu_layers", "config", "runsOn", "presets", "defaults", "gpuIds", "gpuCount", "services", "image", "command", "deploy", "reservations", "devices", "count", "gpus", "vllm_engine_args", "extraArgs", "modelArtifacts", "uri", "nodeSelector",
      // Truss, Triton chart values, dstack replicas, BentoML and Azure ML shapes.
      "accelerator", "docker_server", "start_command", "trt_llm", "build", "checkpoint_repository", "tensor_parallel_count", "quantization_type", "tensorrtLlm", "parallelism", "replicas", "router", "service_config", "engine_config", "environment_variables", "instance_type", "instance_size", "instance", "entrypoint",
      // llama-swap configs.
      "macros", "models", "cmd",
    );
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: "small", withCrossShrink: true }, leaf, fc.array(tie("node"), { maxLength: 3 }), fc.dictionary(keys, tie("node"), { maxKeys: 4 })),
    })).node;
    fc.assert(
      fc.property(fc.dictionary(keys, tree, { maxKeys: 6 }), (body) => {
        lint(stringify(body), "random.yaml");
      }),
      { numRuns: 300 },
    );
  });

  it("never throw on a serveConfigV2 that is not YAML, or is YAML of the wrong shape", () => {
    for (const serve of ["applications: [", "- 1\n- 2", "applications: 5", "applications:\n  - args: {llm_configs: [5, null, {model_loading_config: 3}]}", "{{ .Values.serve }}"]) {
      const text = stringify({ apiVersion: "ray.io/v1", kind: "RayService", metadata: { name: "s" }, spec: { serveConfigV2: serve } });
      expect(() => lint(text, "svc.yaml")).not.toThrow();
    }
  });
});
