/**
 * Formats outside Kubernetes serving CRDs: dstack, LocalAI, RunPod Hub templates, compose NIM
 * images and `${VAR:-default}`, generic chart values (nested engine args, `.Values` references), and
 * the generic walker over resources nobody has an adapter for.
 */
import { describe, expect, it } from "vitest";
import { explainFile } from "../../src/explain.js";
import { findings, lint, readFixture } from "../support/lint.js";
import { deploymentsOf, judgedOf, lintFixture } from "./helpers.js";
import { expectFindings, expectSuggestionsResolve, extractedValues, fixtureValues } from "./serving-crds.support.js";

describe("dstack", () => {
  it("reads the commands with $DSTACK_GPUS_NUM and a named GPU", () => {
    expect(fixtureValues("dstack/deepseek-r1-distill-70b-4xh100.dstack.yml")).toEqual([
      { kind: "dstack service", name: "r1-distill-70b", model: "deepseek-ai/DeepSeek-R1-Distill-Llama-70B", tensorParallel: 4, maxModelLen: 32768, engine: "sglang", gpuType: "H100", gpuCount: 4, unresolved: [] },
    ]);
    expectFindings("dstack/deepseek-r1-distill-70b-4xh100.dstack.yml", []);
  });

  it("judges a memory range on the GPUs it allows: silent when every one of them fits", () => {
    const text = readFixture("dstack/llama-3.1-8b-service.dstack.yml");
    expect(deploymentsOf(text, "a.dstack.yml")[0]!.gpuMemoryRange).toEqual({ minGiB: 24, maxGiB: 80 });
    expectFindings("dstack/llama-3.1-8b-service.dstack.yml", []);
    // 16 GB cards are in a 16GB..80GB range, and do not hold a 32K context with the weights.
    const wider = text.replace("gpu: 24GB..80GB:1", "gpu: 16GB..80GB:1");
    expect(findings(lint(wider, "a.dstack.yml")).map((message) => message.ruleId)).toEqual(["vram/pin-gpu-type"]);
  });

  it("reads a service that runs its image's entrypoint (a NIM with NIM_MAX_MODEL_LEN) on its named GPU", () => {
    const text = "type: service\nname: nim\nimage: nvcr.io/nim/meta/llama-3.1-8b-instruct:1.3.3\nenv:\n  - NGC_API_KEY\n  - NIM_MAX_MODEL_LEN=4096\nport: 8000\nresources:\n  gpu: L4\n";
    expect(extractedValues(text)).toEqual([
      { kind: "dstack service", name: "nim", model: "nvcr.io/nim/meta/llama-3.1-8b-instruct:1.3.3", maxModelLen: 4096, gpuType: "L4", gpuCount: 1, unresolved: [] },
    ]);
  });

  it("judges each replica group on its own commands and GPUs, with the service's env, and skips the router group", () => {
    const text = [
      "type: service",
      "name: pd",
      "image: lmsysorg/sglang:v0.5.4",
      "env:",
      "  - MODEL_ID=Qwen/Qwen3-32B",
      "replicas:",
      "  - count: 1",
      "    commands: [python -m sglang_router.launch_router --pd-disaggregation]",
      "    router: {type: sglang}",
      "  - count: 1..2",
      "    commands: [python -m sglang.launch_server --model-path $MODEL_ID --tp 2 --disaggregation-mode prefill]",
      "    resources: {gpu: H100:2}",
      "  - count: 1..4",
      "    commands: [python -m sglang.launch_server --model-path $MODEL_ID --disaggregation-mode decode]",
      "    resources: {gpu: L4}",
      "",
    ].join("\n");
    expect(extractedValues(text).map(({ name, model, engine, gpuType, gpuCount, tensorParallel }) => ({ name, model, engine, gpuType, gpuCount, tensorParallel }))).toEqual([
      { name: "pd replica group 2", model: "Qwen/Qwen3-32B", engine: "sglang", gpuType: "H100", gpuCount: 2, tensorParallel: 2 },
      { name: "pd replica group 3", model: "Qwen/Qwen3-32B", engine: "sglang", gpuType: "L4", gpuCount: 1, tensorParallel: undefined },
    ]);
    // 32B in bf16 does not fit one L4: the decode group is reported, the prefill group is not.
    expect(findings(lint(text, "pd.dstack.yml")).map((message) => `${message.ruleId} ${message.line}`)).toEqual(["vram/weights-fit 15"]);
  });
});

describe("LocalAI", () => {
  it("reads a GGUF model definition as llama.cpp, and judges it on the GPUs it could run on", () => {
    expect(fixtureValues("localai/phi-3.5-mini-gguf.yaml")).toEqual([
      { kind: "LocalAI model", name: "phi-3.5-mini", engine: "llama.cpp", model: "Phi-3.5-mini-instruct-Q4_K_M.gguf", maxModelLen: 16384, gpuLayers: 99, unresolved: [] },
    ]);
    expectFindings("localai/phi-3.5-mini-gguf.yaml", ["vram/pin-gpu-type 9:10 someGpusFit"]);
  });
});

describe("RunPod Hub templates", () => {
  it("judges each preset on each GPU pool", () => {
    const text = readFixture("runpod/hub.json");
    const judged = judgedOf(text, "hub.json");
    expect(judged.map((entry) => [entry.deployment.name, entry.status === "judged" ? entry.estimate.verdict : entry.status])).toEqual([
      ["vLLM Qwen/Qwen2.5-14B-Instruct ADA_24", "weights-exceed-memory"],
      ["vLLM Qwen/Qwen2.5-14B-Instruct AMPERE_80", "fits"],
    ]);
    const { messages } = lintFixture("runpod/hub.json");
    expect(messages.map((message) => `${message.ruleId} ${message.line}:${message.column}`)).toEqual(["vram/weights-fit 9:17"]);
  });
});

describe("docker-compose: NIM images and ${VAR:-default}", () => {
  it("reads a NIM image as its model, and defaults as written, saying so", () => {
    expect(fixtureValues("compose/nim-llama-defaults.yaml")).toEqual([
      { kind: "compose service", name: "nim", model: "nvcr.io/nim/meta/llama-3.1-8b-instruct:1.3.3", maxModelLen: 16384, gpuCount: 1, unresolved: [] },
      { kind: "compose service", name: "vllm", model: "Qwen/Qwen2.5-7B-Instruct", maxModelLen: 32768, engine: "vllm", unresolved: [] },
    ]);
    const [nim] = deploymentsOf(readFixture("compose/nim-llama-defaults.yaml"), "compose.yaml");
    expect(nim!.assumptions).toEqual(["NIM_MAX_MODEL_LEN at its default (16384)", "NIM_GPUS at its default (1)"]);
    const [judged] = judgedOf(readFixture("compose/nim-llama-defaults.yaml"), "compose.yaml");
    expect(judged?.status === "judged" && judged.resolved.assumptions).toContain("NIM_MAX_MODEL_LEN at its default (16384)");
    expect(explainFile("compose.yaml", readFixture("compose/nim-llama-defaults.yaml")).file.deployments[0]!.status).toBe("judged");
  });

  it("says a service with no GPU reserved gets none, and reads `count: ${N:-all}` as every GPU", () => {
    const none = "services:\n  llm:\n    image: vllm/vllm-openai:v0.10.2\n    command: [--model, Qwen/Qwen2.5-7B-Instruct]\n";
    expect(findings(lint(none, "compose.yaml")).map((message) => message.message)).toEqual([
      "No GPU is reserved for it (deploy.resources devices or gpus:), so this deployment was not checked.",
    ]);
    const all = readFixture("compose/nim-llama-defaults.yaml").replace("${NIM_GPUS:-1}", "${NIM_GPUS:-all}");
    expect(extractedValues(all)[0]).toMatchObject({ unresolved: ["gpuCount"] });
    expect(findings(lint(all, "compose.yaml")).map((message) => message.message)).toContain(
      "count: all gives it every GPU of the host, which the NIM shards the model over, so this deployment was not checked.",
    );
    // An empty setting reads as one.
    const empty = "services:\n  tgi:\n    image: ghcr.io/huggingface/text-generation-inference:3.3.4\n    command: --model-id meta-llama/Llama-3.2-3B-Instruct\n    environment:\n      - QUANTIZE=\n    deploy:\n      resources:\n        reservations:\n          devices:\n            - driver: nvidia\n              count: 1\n              capabilities: [gpu]\n";
    expect(findings(lint(empty, "compose.yaml")).map((message) => message.message)).toEqual([
      'QUANTIZE: "" is not a valid value, so this deployment was not checked. It must be a value the engine accepts.',
    ]);
    // Every GPU of the host is no value set at deploy time: the message says what it is. A model that
    // fits one GPU of any type fits every count; one that does not leaves the count to decide.
    const tgi = "services:\n  tgi:\n    image: ghcr.io/huggingface/text-generation-inference:3.3.4\n    command: --model-id meta-llama/Llama-3.2-3B-Instruct\n    deploy:\n      resources:\n        reservations:\n          devices:\n            - driver: nvidia\n              count: all\n              capabilities: [gpu]\n";
    // (Llama-3.2-1B: the 3B model's bf16 weights and TGI's runtime overflow the 8 GB Tesla P4 of the catalog's range.)
    const small = tgi.replace("Llama-3.2-3B-Instruct", "Llama-3.2-1B-Instruct");
    expect(findings(lint(small, "compose.yaml"))).toEqual([]);
    const [fewest] = judgedOf(small, "compose.yaml");
    expect(fewest?.status === "judged" && fewest.resolved.assumptions).toContain("count: all gives it every GPU of the host; judged on 1, the fewest, where it fits (more shards hold less each)");
    const large = tgi.replace("Llama-3.2-3B-Instruct", "Llama-3.3-70B-Instruct");
    expect(findings(lint(large, "compose.yaml")).map((message) => message.message)).toEqual([
      "count: all gives it every GPU of the host, which TGI shards the model over, so this deployment was not checked.",
    ]);
    // An engine's image started by a script the file does not hold: found on GPUs, and said to be unchecked.
    const script = tgi.replace("command: --model-id meta-llama/Llama-3.2-3B-Instruct", "command: bash /app/start.sh");
    expect(findings(lint(script, "compose.yaml")).map((message) => message.message)).toEqual([
      "It starts /app/start.sh, a script this file does not show, so this deployment was not checked.",
    ]);
    // vLLM uses tensor × pipeline parallel of them (1 here), whatever the host has: judged, on the GPUs it could be.
    const vllm = tgi.replace("ghcr.io/huggingface/text-generation-inference:3.3.4", "vllm/vllm-openai:v0.10.2").replace("--model-id", "--model");
    expect(findings(lint(vllm, "compose.yaml")).map((message) => message.ruleId)).toEqual(["vram/pin-gpu-type"]);
  });
});

describe("chart values of in-house charts", () => {
  it("reads the model beside `gpus`, a nested engine-args map and the chart's node selector", () => {
    expect(fixtureValues("generic/chart-values-vllm-engine-args.yaml")).toEqual([
      // The chart's `image: {repository: vllm/vllm-openai}` names the engine.
      { kind: "app config", name: undefined, engine: "vllm", model: "Qwen/Qwen3-14B", gpuCount: 1, maxModelLen: 32768, gpuMemoryUtilization: 0.92, tensorParallel: 1, gpuType: "nvidia-l4", unresolved: [] },
    ]);
    expectFindings("generic/chart-values-vllm-engine-args.yaml", ["vram/weights-fit 7:7 weightsExceed"]);
  });

  it("resolves `{{ .Values.x }}` references to keys of the same file, also through the lint route's template masking", () => {
    expect(fixtureValues("generic/chart-values-self-reference.yaml")[0]).toMatchObject({ model: "hf://Qwen/Qwen2.5-32B-Instruct", gpuCount: 2, tensorParallel: 2, maxModelLen: 65536, unresolved: [] });
    expectFindings("generic/chart-values-self-reference.yaml", ["vram/pin-gpu-type 6:7 someGpusFit"]);
    // Quotes around a reference inside a plain scalar are the chart's, not the value's.
    const quoted = readFixture("generic/chart-values-self-reference.yaml").replace('uri: "hf://{{ .Values.modelArtifacts.name }}"', 'uri: hf://"{{ .Values.modelArtifacts.name }}"');
    expect(extractedValues(quoted)[0]).toMatchObject({ model: "hf://Qwen/Qwen2.5-32B-Instruct" });
  });

  it("reads a model mapping with the engine settings of a sibling mapping and the pod's GPUs at the top", () => {
    const file = "generic/chart-values-model-mapping.yaml";
    expect(fixtureValues(file)).toEqual([
      { kind: "app config", name: "model", model: "Qwen/Qwen2.5-14B-Instruct", engine: "vllm", maxModelLen: 16384, gpuMemoryUtilization: 0.9, gpuCount: 1, gpuType: "nvidia-tesla-t4", unresolved: [] },
    ]);
    // Line 23 is `nvidia.com/gpu: 1`.
    expectSuggestionsResolve(file, expectFindings(file, ["vram/weights-fit 23:21 weightsExceed"]));
    // Without GPUs anywhere, a model mapping alone is no deployment.
    expect(extractedValues("model:\n  name: Qwen/Qwen2.5-14B-Instruct\nservice:\n  port: 80\n")).toEqual([]);
  });

  it("reads a server command line written as one string (`cli:`) with the GPUs straight under `resources`", () => {
    const file = "generic/chart-values-cli-qwen3-32b-2xl4.yaml";
    expect(fixtureValues(file)).toEqual([
      { kind: "container", name: undefined, engine: "vllm", model: "Qwen/Qwen3-32B", tensorParallel: 2, maxModelLen: 32768, gpuCount: 2, gpuType: "nvidia-l4", unresolved: [] },
    ]);
    // Line 15 is `nvidia.com/gpu: "2"`; the suggestions edit it with the TP inside the command string.
    const [moreGpus] = expectSuggestionsResolve(file, expectFindings(file, ["vram/weights-fit 15:19 weightsExceed"]));
    expect(moreGpus).toContain('nvidia.com/gpu: "4"');
    expect(moreGpus).toContain("--tensor-parallel-size 4");
    // Fewer GPUs than the command's ranks fails to start.
    const short = readFixture(file).replace('nvidia.com/gpu: "2"', 'nvidia.com/gpu: "1"');
    expect(findings(lint(short, "values.yaml")).map((message) => message.ruleId)).toContain("vram/parallelism-matches-gpus");
  });

  it("reads the command a chart keeps in a section of its own, beside the image at the top", () => {
    const file = "generic/chart-values-image-and-server-section.yaml";
    expect(fixtureValues(file)).toEqual([
      { kind: "container", name: undefined, engine: "vllm", model: "Qwen/Qwen3-30B-A3B-Instruct-2507-FP8", maxModelLen: 32768, gpuMemoryUtilization: 0.9, gpuCount: 1, gpuType: "nvidia-l4", unresolved: [] },
    ]);
    // Line 31 is `nvidia.com/gpu: 1`; the fixes edit the command inside the section's folded string.
    const [moreGpus] = expectSuggestionsResolve(file, expectFindings(file, ["vram/weights-fit 31:21 moeResident"]));
    expect(moreGpus).toContain("--tool-call-parser hermes --tensor-parallel-size 2\n");
    // Two sections with commands: which one the chart runs is not in the values, so neither is taken for the image's.
    const two = readFixture(file).replace("service:\n", "sidecar:\n  args: [\"--port\", \"9000\"]\nservice:\n");
    expect(extractedValues(two)).toEqual([{ kind: "container", name: undefined, engine: "vllm", gpuCount: 1, gpuType: "nvidia-l4", unresolved: [] }]);
  });

  it("reads llama-swap's models: each `cmd` over several lines, with its macros filled in, or the image a `docker run` starts", () => {
    const file = "generic/llama-swap-macros.yaml";
    const server = { kind: "container", engine: "llama.cpp", flashAttention: true, gpuLayers: 999, unresolved: [] };
    expect(fixtureValues(file)).toEqual([
      { ...server, name: "qwen2.5-7b", model: "/models/gguf/Qwen2.5-7B-Instruct-Q4_K_M.gguf", maxModelLen: 32768 },
      { ...server, name: "llama-3.3-70b", model: "/models/gguf/Llama-3.3-70B-Instruct-Q4_K_M.gguf", maxModelLen: 16384 },
      // `--gpus all`: vLLM runs its tensor parallel size, 1 here, whatever the host has.
      { kind: "container", name: "qwen3-30b-a3b", engine: "vllm", model: "Qwen/Qwen3-30B-A3B-Instruct-2507-FP8", maxModelLen: 32768, unresolved: [] },
    ]);
    expectFindings(file, ["vram/pin-gpu-type 23:10 someGpusFit", "vram/pin-gpu-type 34:10 someGpusFit"]);
  });

  it("reads a chart's `image: {repository, tag}` as its engine, and that engine's settings from its env", () => {
    const values = `image:
  repository: ghcr.io/huggingface/text-embeddings-inference
  tag: "turing-1.8"
env:
  - name: MODEL_ID
    value: BAAI/bge-large-en-v1.5
  - name: MAX_BATCH_TOKENS
    value: "32768"
resources:
  limits:
    nvidia.com/gpu: 1
nodeSelector:
  nvidia.com/gpu.product: Tesla-T4
`;
    expect(extractedValues(values)).toMatchObject([{ model: "BAAI/bge-large-en-v1.5", engine: "tei", maxNumBatchedTokens: 32768, gpuCount: 1, gpuType: "Tesla-T4" }]);
    expect(findings(lint(values, "values.yaml"))).toEqual([]);
  });

  it("reads the model from a chart's env beside its GPUs", () => {
    const text = "replicaCount: 1\ngpus: 1\nenv:\n  - name: MODEL\n    value: Qwen/Qwen2.5-7B-Instruct\nnodeSelector:\n  nvidia.com/gpu.product: NVIDIA-L4\n";
    expect(extractedValues(text)).toEqual([{ kind: "app config", name: undefined, model: "Qwen/Qwen2.5-7B-Instruct", gpuCount: 1, gpuType: "NVIDIA-L4", unresolved: [] }]);
  });

  it("reads an empty setting in chart values as unset, and a label that names only a vendor as no GPU type", () => {
    const values = `model:\n  name: Qwen/Qwen3-4B-AWQ\n  quantization: ""\n  maxModelLen: 8192\nresources:\n  limits:\n    nvidia.com/gpu: 1\nnodeSelector:\n  accelerator: nvidia\n`;
    expect(extractedValues(values)).toEqual([{ kind: "app config", name: "model", model: "Qwen/Qwen3-4B-AWQ", maxModelLen: 8192, gpuCount: 1, unresolved: [] }]);
    // Judged on the NVIDIA GPUs it could land on, not reported as an unknown GPU "nvidia".
    expect(findings(lint(values, "values.yaml")).map((message) => message.ruleId)).not.toContain("vram/known-model");
  });
});

describe("platform configs that spread a deployment over sibling mappings", () => {
  it("joins a BentoML recipe's service_config.resources with its engine_config", () => {
    const recipe = `"deepseek:v3-671b":
  project: vllm-chat
  service_config:
    name: deepseek
    resources:
      gpu: 8
      gpu_type: nvidia-h200-141gb
  engine_config:
    model: deepseek-ai/DeepSeek-V3
    max_model_len: 8192
    tensor_parallel_size: 8
`;
    expect(extractedValues(recipe)).toMatchObject([{ model: "deepseek-ai/DeepSeek-V3", gpuCount: 8, gpuType: "nvidia-h200-141gb", tensorParallel: 8, maxModelLen: 8192 }]);
    expect(findings(lint(recipe, "recipe.yaml"))).toEqual([]);
  });

  it("reads a module manifest's `parameters` list of name/value pairs as its settings: model, instance type and serving image", () => {
    // A SeedFarmer module manifest of a SageMaker endpoint (parameters the module passes on).
    const manifest = `name: hugging-face-mistral-endpoint
path: modules/fmops/sagemaker-hugging-face-endpoint
targetAccount: primary
parameters:
  - name: hugging-face-model-id
    value: mistralai/Mistral-7B-Instruct-v0.1
  - name: instance-type
    value: ml.g5.2xlarge
  - name: deep-learning-container-image
    value: huggingface-pytorch-tgi-inference:2.0.1-tgi1.1.0-gpu-py39-cu118-ubuntu20.04
  - name: vpc_id
    valueFrom:
      moduleMetadata:
        group: networking
        key: VpcId
`;
    expect(extractedValues(manifest)).toMatchObject([{ name: "parameters", model: "mistralai/Mistral-7B-Instruct-v0.1", instanceType: "ml.g5.2xlarge", engine: "tgi" }]);
    expect(findings(lint(manifest, "manifest.yaml"))).toEqual([]);
    // A list of anything else is no settings mapping: a container's env is read by its pod.
    expect(extractedValues("parameters:\n  - name: instance-type\n    value: ml.g5.2xlarge\n    default: x\n  - name: model\n    value: mistralai/Mistral-7B-Instruct-v0.1\n")).toEqual([]);
  });

  it("reads a built Bento's model through its services list, on the service's resources", () => {
    const bento = `service: service:LLM
name: qwen2.5
services:
- name: qwen2.5
  models:
  - tag: qwen--qwen2.5-72b-instruct-awq:fc1b940c
    registry: huggingface
    metadata:
      model_id: qwen/qwen2.5-72b-instruct-awq
  config:
    resources:
      gpu: 1
      gpu_type: nvidia-l4
`;
    expect(extractedValues(bento)).toMatchObject([{ name: "services.0.models.0.metadata", model: "qwen/qwen2.5-72b-instruct-awq", gpuCount: 1, gpuType: "nvidia-l4" }]);
    // 72B at 4 bits is ~39 GiB: more than one L4.
    expect(findings(lint(bento, "bento.yaml")).map((message) => message.ruleId)).toEqual(["vram/weights-fit"]);
  });

  it("reads an Azure ML online deployment's model from environment_variables or an azureml reference, on its instance type", () => {
    const azure = (model: string) => `$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json
name: vllm
endpoint_name: chat
${model}
instance_type: Standard_NC24ads_A100_v4
instance_count: 1
`;
    expect(extractedValues(azure("environment_variables:\n  MODEL_NAME: meta-llama/Llama-3.1-70B-Instruct\n  VLLM_ARGS: --max-num-seqs 16"))).toMatchObject([
      { model: "meta-llama/Llama-3.1-70B-Instruct", instanceType: "Standard_NC24ads_A100_v4" },
    ]);
    // 70B in bf16 on one A100 80GB: an error, stated at the model.
    expect(findings(lint(azure("environment_variables:\n  MODEL_NAME: meta-llama/Llama-3.1-70B-Instruct"), "deployment.yml")).map((message) => message.ruleId)).toEqual(["vram/weights-fit"]);
    // A workspace model reference is a name, never an Ollama tag sized at Q4_K_M.
    const [judged] = judgedOf(azure("model: azureml:Qwen2.5-7B-Instruct@latest"), "deployment.yml");
    expect(judged).toMatchObject({ status: "judged", resolved: { model: { model: { id: "Qwen/Qwen2.5-7B-Instruct" } }, request: { weightFormat: { id: "bf16" } } } });
  });

  it("says an Azure ML online deployment on GPUs whose file names no model is unchecked (the model is set when it is created)", () => {
    const deploy = (instance: string) => `$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json
name: demo
instance_type: ${instance}
instance_count: 1
request_settings:
  request_timeout_ms: 180000
`;
    expect(findings(lint(deploy("Standard_NC48ads_A100_v4"), "deploy.yml")).map((message) => [message.line, message.message])).toEqual([
      [1, "The model is set at deploy time (az ml online-deployment create --set model=…), so this deployment was not checked. Write the value here to have it checked."],
    ]);
    // A CPU SKU serves no LLM on GPUs: nothing to say.
    expect(deploymentsOf(deploy("Standard_DS3_v2"), "deploy.yml")).toEqual([]);
  });

  it("reads a model mapping with an `instance: {type}` sibling and engine settings beside it", () => {
    const recipe = "deployment:\n  model:\n    id: Qwen/Qwen3-32B\n  instance:\n    type: ml.g5.12xlarge\n    count: 1\n  vllm:\n    tensor_parallel_size: 4\n    max_model_len: 4096\n";
    expect(extractedValues(recipe)).toMatchObject([{ model: "Qwen/Qwen3-32B", instanceType: "ml.g5.12xlarge", tensorParallel: 4, maxModelLen: 4096 }]);
    // Engine settings beside a model and no hardware anywhere: still a deployment, judged on the GPUs it could land on.
    expect(extractedValues("model:\n  id: Qwen/Qwen3-32B\nvllm:\n  max_model_len: 4096\n")).toMatchObject([{ model: "Qwen/Qwen3-32B", maxModelLen: 4096 }]);
  });

  it("reads a Hugging Face endpoint's instance type and size as its GPUs; `accelerator: gpu` names none", () => {
    const endpoint = "model_parameters:\n  model_name: meta-llama/Llama-2-7b-chat-hf\n  dtype: float16\n  accelerator: gpu\n  instance_type: nvidia-a10g\n  instance_size: x4\n";
    expect(extractedValues(endpoint)).toMatchObject([{ model: "meta-llama/Llama-2-7b-chat-hf", gpuType: "nvidia-a10g", gpuCount: 4 }]);
    expect(extractedValues(endpoint.replace("  instance_type: nvidia-a10g\n  instance_size: x4\n", ""))).toEqual([]);
  });
});

describe("the generic engine-container walker", () => {
  it("finds the vLLM container of a resource nobody has an adapter for, with its GPUs and node selector", () => {
    expect(fixtureValues("generic/unknown-crd-vllm.yaml")).toEqual([
      { kind: "LLMEndpoint", name: "support-bot/server", model: "meta-llama/Llama-3.1-70B-Instruct", tensorParallel: 2, maxModelLen: 16384, engine: "vllm", gpuCount: 2, gpuType: "NVIDIA-A100-SXM4-80GB", unresolved: [] },
    ]);
    expectFindings("generic/unknown-crd-vllm.yaml", []);
  });

  it("takes GPUs from the nearest enclosing resources and offers a node selector where the pod spec is", () => {
    const text = readFixture("generic/unknown-crd-vllm.yaml").replace("        nodeSelector:\n          nvidia.com/gpu.product: NVIDIA-A100-SXM4-80GB\n", "");
    const messages = findings(lint(text, "endpoint.yaml"));
    expect(messages.map((message) => message.ruleId)).toEqual(["vram/pin-gpu-type"]);
    const fixed = expectSuggestionsResolve("generic/unknown-crd-vllm.yaml", { text, messages });
    expect(fixed[0]).toMatch(/ {12}nvidia\.com\/gpu: "2"\n {8}nodeSelector:\n {10}nvidia\.com\/gpu\.product: NVIDIA-A100-SXM4-80GB\n$/);
  });

  it("does not count a container twice, and leaves kinds known to run nothing alone", () => {
    const runtime = "apiVersion: serving.kserve.io/v1alpha1\nkind: ClusterServingRuntime\nmetadata: {name: vllm}\nspec:\n  containers:\n    - name: kserve-container\n      image: vllm/vllm-openai:v0.10.2\n      args: [--model, \"{{.Name}}\"]\n";
    expect(extractedValues(runtime)).toEqual([]);
  });

  it("does not judge a layout wider than its pod in a resource that runs several pods, and says why", () => {
    const profile = (multinode: string) => `apiVersion: fusioninfer.io/v1alpha1
kind: RuntimeProfile
metadata:
  name: deepseek-v3-4node
spec:
  backend: vllm
  aggregated:
${multinode}    podTemplate:
      spec:
        containers:
          - name: engine
            image: vllm/vllm-openai:v0.11.0
            args: [--model, deepseek-ai/DeepSeek-V3, --tensor-parallel-size, "8", --pipeline-parallel-size, "4"]
            resources:
              limits:
                nvidia.com/gpu: "8"
`;
    // The pods are counted elsewhere (nodeCount): the walker cannot say the 32 ranks lack GPUs.
    const spread = findings(lint(profile("    multinode:\n      nodeCount: 4\n"), "profile.yaml"));
    expect(spread.map((message) => [message.ruleId, message.message])).toEqual([
      ["vram/unchecked-deployment", "It starts 32 ranks on 8 GPUs per pod, over pods this RuntimeProfile does not count, so this deployment was not checked."],
    ]);
    // One GPU per pod reads as one.
    const single = profile("    multinode:\n      nodeCount: 2\n").replace('"8", --pipeline-parallel-size, "4"', '"1", --pipeline-parallel-size, "2"').replace('nvidia.com/gpu: "8"', 'nvidia.com/gpu: "1"');
    expect(findings(lint(single, "profile.yaml")).map((message) => message.message)).toEqual([
      "It starts 2 ranks on 1 GPU per pod, over pods this RuntimeProfile does not count, so this deployment was not checked.",
    ]);
    // Nothing says there are other pods: one pod of 8 GPUs cannot start 32 ranks.
    const alone = findings(lint(profile(""), "profile.yaml"));
    expect(alone.map((message) => message.ruleId)).toEqual(["vram/parallelism-matches-gpus"]);
  });
});

describe("llama-swap in Kubernetes", () => {
  it("judges each model of a config mounted from a ConfigMap of the same file on the server's GPU, and says when it starts none", () => {
    const text = readFixture("kubernetes/llama-swap-configmap.yaml");
    expect(judgedOf(text, "swap.yaml").map((judged) => [judged.deployment.name, judged.status === "judged" && `${judged.estimate.gpuCount} × ${judged.resolved.request.gpu.id}`])).toEqual([
      ["llama-swap/qwen3-8b", "1 × rtx-4090"],
      ["llama-swap/gemma3-27b", "1 × rtx-4090"],
    ]);
    const empty = text.replace(/ {4}models:[\s\S]*?-ngl 99\n(?=---)/, "");
    expect(findings(lint(empty, "swap.yaml")).map((message) => message.message)).toEqual([
      "It runs llama-swap, whose config in this file starts no model this version reads, so this deployment was not checked.",
    ]);
  });
});

describe("llama-swap configs apart from their server", () => {
  it("reads a ConfigMap's config when no pod of its file mounts it, once when one does, and a `cmd` wrapped in `bash -c`", () => {
    const alone = readFixture("kubernetes/llama-swap-configmap-alone.yaml");
    expect(deploymentsOf(alone, "configmap.yaml").map((deployment) => [deployment.kind, deployment.name, deployment.fields.model?.value])).toEqual([
      ["ConfigMap", "llama-swap-config/coder", "/models/Qwen3-Coder-30B-A3B-Instruct-Q4_K_M.gguf"],
      ["ConfigMap", "llama-swap-config/chat", "/models/gemma-3-12b-it-Q4_K_M.gguf"],
    ]);
    // The same file with the server that mounts it: its models once, on the server's GPU.
    const mounted = readFixture("kubernetes/llama-swap-configmap.yaml");
    expect(deploymentsOf(mounted, "swap.yaml").map((deployment) => deployment.kind)).toEqual(["Deployment", "Deployment"]);
    const wrapped = `models:
  qwen3-8b:
    proxy: http://127.0.0.1:9000
    cmd: >
      bash -c "source /opt/intel/oneapi/setvars.sh > /dev/null && exec /opt/llama.cpp/build/bin/llama-server
      -m /models/Qwen3-8B-Q4_K_M.gguf -ngl 999 -c 32768 --port 9000"
`;
    expect(deploymentsOf(wrapped, "llama-swap.yaml").map((deployment) => [deployment.fields.engine?.value, deployment.fields.model?.value, deployment.fields.maxModelLen?.value])).toEqual([["llama.cpp", "/models/Qwen3-8B-Q4_K_M.gguf", 32768]]);
    // A `docker run` of a ROCm image given `--device /dev/kfd`: the engine command inside it, on the host's AMD GPUs.
    const rocm = `models:
  qwen3-32b:
    proxy: http://127.0.0.1:\${PORT}
    cmd: |
      docker run --rm --device /dev/kfd --device /dev/dri -p \${PORT}:8000
      rocm/vllm:rocm6.4.1_vllm_0.10.1_20250909 vllm serve Qwen/Qwen3-32B --max-model-len 16384
`;
    expect(deploymentsOf(rocm, "llama-swap.yaml").map((deployment) => [deployment.fields.engine?.value, deployment.fields.model?.value, deployment.gpuVendor])).toEqual([["vllm", "Qwen/Qwen3-32B", "amd"]]);
  });
});

describe("Intel GPUs", () => {
  it("judges a pod on Intel's device plugin on the Intel range, and leaves a share of one unchecked", () => {
    const text = readFixture("kubernetes/vllm-intel-arc-xpu.yaml");
    const [judged] = judgedOf(text, "intel.yaml");
    expect(judged?.status === "judged" && [judged.range?.vendor, judged.resolved.request.gpu.id]).toEqual(["intel", "intel-arc-pro-b60"]);
    const shared = text.replaceAll("gpu.intel.com/i915: 1", "gpu.intel.com/millicores: 500");
    expect(deploymentsOf(shared, "intel.yaml")[0]!.unresolved.gpuCount?.note).toBe("gpu.intel.com/millicores requests a share of an Intel GPU, which is not sized here");
  });
});

describe("KServe and LeaderWorkerSet details", () => {
  it("reads an InferenceService model from storage.path when it names the model", () => {
    const text = readFixture("kserve/llama-3.1-70b-a100.yaml").replace("storageUri: hf://meta-llama/Llama-3.1-70B-Instruct", "storage:\n        key: localMinIO\n        path: models/meta-llama/Llama-3.1-70B-Instruct");
    expect(extractedValues(text)[0]).toMatchObject({ model: "models/meta-llama/Llama-3.1-70B-Instruct", unresolved: [] });
  });

  it("knows $(LWS_GROUP_SIZE) from the group size", () => {
    const text = readFixture("lws/llama-3.1-405b-fp8-2x8xh100.yaml");
    const withVariable = text.replace(/--pipeline[-_]parallel[-_]size[ =]"?2"?/, "--pipeline-parallel-size $(LWS_GROUP_SIZE)");
    expect(withVariable).not.toBe(text);
    expect(extractedValues(withVariable)[0]).toMatchObject({ pipelineParallel: 2, unresolved: [] });
  });
});

describe("a layout with more ranks than GPUs", () => {
  // TGI shards over NUM_SHARD GPUs; two are requested. No GPU type is named, so the range is judged too.
  const text = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: tgi-llama
spec:
  template:
    spec:
      containers:
        - name: tgi
          image: ghcr.io/huggingface/text-generation-inference:2.2.0
          env:
            - name: MODEL_ID
              value: meta-llama/Llama-3.1-8B-Instruct
            - name: NUM_SHARD
              value: "4"
          resources:
            limits:
              nvidia.com/gpu: 2
`;

  it("never reads 'fits': not in the findings, not in vram explain's text or JSON", () => {
    const messages = findings(lint(text, "tgi.yaml"));
    expect(messages.map((message) => message.ruleId)).toEqual(["vram/parallelism-matches-gpus"]);
    expect(messages.map((message) => message.message).join("\n")).not.toMatch(/\bfits?\b/i);
    const [explained] = explainFile("tgi.yaml", text).file.deployments;
    expect(explained).toMatchObject({ status: "judged", estimate: { outcome: "does-not-start" }, gpuRange: { fits: [] } });
    expect(explained!.estimate!.assumptions.join("\n")).not.toMatch(/\bfits\b/i);
  });
});

describe("the GPUs a deployment could land on", () => {
  it("searches each family of batch defaults on its own: an A100 80GB holds what an 80 GB H100's larger default batch leaves no room for", () => {
    // vLLM's default max_num_batched_tokens is larger on 70 GiB GPUs other than the A100, so more memory does not always fit more.
    const text = readFixture("generic/unknown-crd-vllm.yaml").replace("        nodeSelector:\n          nvidia.com/gpu.product: NVIDIA-A100-SXM4-80GB\n", "");
    const [judged] = judgedOf(text, "endpoint.yaml");
    const range = judged!.status === "judged" ? judged!.range! : undefined;
    const fits = new Set(range!.fitting.map((gpu) => gpu.id));
    expect(fits.has("a100-80gb")).toBe(true);
    expect(fits.has("h100-80gb")).toBe(false);
    expect(fits.has("h100-nvl")).toBe(true);
    expect(range!.failing.find((entry) => entry.gpu.id === "h100-80gb")).toMatchObject({ why: "memory" });
  });

  it("counts a GPU as holding it only when the engine serves the context the file sets, as kv-cache-headroom judges a named one", () => {
    const sglang = `services:
  sglang:
    image: lmsysorg/sglang:v0.5.4
    command: python3 -m sglang.launch_server --model-path Qwen/Qwen3.6-27B-FP8 --context-length 32768 --mem-fraction-static 0.90
    deploy:
      resources:
        reservations:
          devices:
            - driver: nvidia
              count: 1
              capabilities: [gpu]
`;
    // On a 32 GB GPU SGLang would start and serve 6,923-token requests only: that GPU does not hold it, and no error is stated on it.
    expect(findings(lint(sglang, "compose.yaml")).map((message) => `${message.ruleId}: ${message.message}`)).toEqual([
      "vram/pin-gpu-type: Qwen3.6-27B-FP8 on 1 GPU fits only some of the GPUs it could land on, and no GPU type is named. It fits the A100 40GB, A100 80GB, H100 80GB… (38.8 GiB or more); those of 32.0 GiB or less (L4, T4…) cannot hold it; the Quadro RTX 8000 has no kernels for its format. List its GPUs in settings.vram.cluster.",
    ]);
  });

  it("counts a GPU as holding it only when the engine keeps every layer on it", () => {
    const ollama = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ollama
spec:
  template:
    spec:
      containers:
        - name: ollama
          image: ollama/ollama:0.12.6
          lifecycle:
            postStart:
              exec:
                command: ["ollama", "pull", "qwen2.5:14b"]
          resources:
            limits:
              nvidia.com/gpu: "1"
`;
    // Ollama would load qwen2.5:14b on an 8 GB GPU with a third of its layers on the CPU: not a GPU that holds it.
    expect(findings(lint(ollama, "ollama.yaml")).map((message) => message.message)).toEqual([
      "qwen2.5:14b on 1 GPU fits only some of the GPUs it could land on, and no GPU type is named. It fits the T4, L4, A100 40GB… (10.7 GiB or more); those of 9.7 GiB or less (GeForce GTX 1080, Tesla P4…) cannot hold it. Pin one, or list your cluster's GPUs in settings.vram.cluster.",
    ]);
  });
});

describe("Azure Resource Manager templates", () => {
  it("judges each Azure ML online deployment on its instance type and catalog model, parameters at their defaults, and never edits a default its allowedValues constrain", () => {
    const file = "arm/ml-online-deployments.json";
    expect(fixtureValues(file)).toEqual([
      {
        kind: "Azure ML online deployment",
        model: "azureml://registries/azureml-meta/models/Llama-2-13b-chat/versions/22",
        instanceType: "Standard_NC6s_v3",
        unresolved: [],
      },
      {
        kind: "Azure ML online deployment",
        name: "support-ml/support-summary/green",
        instanceType: "Standard_NC24ads_A100_v4",
        model: "azureml://registries/azureml/models/Phi-3-mini-4k-instruct/versions/15",
        unresolved: [],
      },
    ]);
    // 13B at fp16 on one V100 16GB: no edit is offered (the instance type is a constrained default, quantization no property).
    expectFindings(file, ["vram/weights-fit 22:23 weightsExceed"]);
    const [chat] = deploymentsOf(readFixture(file), file);
    expect(chat!.assumptions).toEqual(["chatInstanceType at its default (Standard_NC6s_v3)", "chatModel at its default (azureml://registries/azureml-meta/models/Llama-2-13b-chat/versions/22)"]);
    expect(chat!.fields.instanceType?.readonly).toBe(true);
    // A template expression other than a parameter or plain variable is known only at deployment.
    const concat = readFixture(file).replace('"[variables(\'summaryModel\')]"', '"[concat(\'azureml://registries/azureml/models/\', parameters(\'endpointName\'))]"');
    expect(deploymentsOf(concat, file)[1]!.unresolved.model).toMatchObject({ reason: "variable" });
  });
});

describe("app configs with prefixed keys", () => {
  it("reads a setting after an engine's name, and hardware after the GPU nodes', not a client's model", () => {
    const values = extractedValues(`vllm_model: Qwen/Qwen3-32B\nvllm_gpu_count: 2\nvllm_max_model_len: 32768\ngpu_node_machine_type: g2-standard-24\n`);
    expect(values).toEqual([{ kind: "app config", name: undefined, model: "Qwen/Qwen3-32B", gpuCount: 2, maxModelLen: 32768, instanceType: "g2-standard-24", unresolved: [] }]);
    // A client's settings: no engine's prefix, and a GPU prefix names hardware only.
    expect(extractedValues(`llm_model: gpt-4o-mini\ngpu_model: l4\nmax_context_length: 8192\n`)).toEqual([]);
    // Written as a repository or a tag, `llm_model` is served here; a tag with no engine named is Ollama's.
    expect(extractedValues(`llm_model: qwen2.5:14b\ninstance_type: g5.xlarge\n`)).toEqual([{ kind: "app config", name: undefined, engine: "ollama", model: "qwen2.5:14b", instanceType: "g5.xlarge", unresolved: [] }]);
    expect(extractedValues(`gpu_max_model_len: 8192\nopenai_model: gpt-4o\n`)).toEqual([]);
  });

  it("reads a labels or tags map beside the settings as labels, not a second deployment", () => {
    const values = extractedValues(`model_name: google/gemma-3-27b-it\nmachine_type: a2-highgpu-1g\nlabels:\n  model: gemma3-27b\n  team: ml\n`);
    expect(values.map((entry) => entry.model)).toEqual(["google/gemma-3-27b-it"]);
  });
});
