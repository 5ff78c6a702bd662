/**
 * Helm values of the common LLM serving charts — linted where the knobs live, before rendering:
 * - vLLM production-stack (`vllm-stack`): `servingEngineSpec.modelSpec[]`;
 * - KubeAI models chart: `catalog.<name>` with `url`, `engine`, `args`, `resourceProfile`;
 * - llm-d modelservice: `modelArtifacts.uri` + `decode`/`prefill` (`parallelism`, `containers[].args`);
 * - NVIDIA `nim-llm`: `image.repository` (a NIM image names the model), `resources.limits`, `env`;
 * - vLLM's example chart (`examples/online_serving/chart-helm`): `image.command`, `resources`, `gpuModels`;
 * - otwld/ollama-helm: `ollama.models` (pulled or run at start) on `ollama.gpu`;
 * - Triton's TensorRT-LLM tutorial charts: `model.name`, `model.tensorrtLlm`, `gpu` (GPU products).
 *
 * Each chart is recognised by a key or two at the top of the document, so files that are none of
 * these cost a few lookups. Rendered output (`helm template …`) is plain Kubernetes and goes through
 * the Kubernetes adapters instead.
 */
import { engineById, engineByName } from "../engines/index.js";
import type { Engine } from "../sizing/types.js";
import type { ExtractContext } from "./context.js";
import type { DocNode } from "./doc.js";
import { follow, str } from "./doc.js";
import { applyEnvFields, type EngineCall, flagListCall } from "./engine-seam.js";
import { deferredReason, type FieldSink, locate, mergeFields, MIG_RESOURCE, newSink, onCpuOf, readEnv, readField, setLocated, setUnresolved, virtualMap } from "./kit.js";
import { parseValue } from "./engine-seam.js";
import { TEMPLATE_MARK } from "./go-template.js";
import { FIELD_KINDS } from "./validity.js";
import { containerEngineCall, containerGpus, nodePlacement } from "./pod.js";
import { crdDeployment, modelReference } from "./crd-kit.js";
import { readResourceProfile } from "./kubeai.js";
import { readNimProfile } from "./nim.js";
import type { Deployment, FieldName, LocatedFields, UnresolvedValue } from "./types.js";

interface Chart {
  detect(document: DocNode): boolean;
  extract(document: DocNode, ctx: ExtractContext): Deployment[];
}

const CHARTS: Chart[] = [
  { detect: (document) => document.get("servingEngineSpec")?.type === "map", extract: productionStack },
  { detect: isKubeAiCatalog, extract: kubeAiCatalog },
  { detect: (document) => document.get("modelArtifacts")?.type === "map" && (document.get("decode") ?? document.get("prefill"))?.type === "map", extract: llmD },
  { detect: isNimValues, extract: nimLlm },
  { detect: isVllmExampleChart, extract: vllmExampleChart },
  { detect: isOllamaChart, extract: ollamaChart },
  { detect: (document) => document.get("model")?.get("tensorrtLlm")?.type === "map" || (document.get("triton")?.get("image") !== undefined && document.get("model")?.get("name") !== undefined), extract: tritonTrtllmChart },
];

/** Deployments of a Helm values document of a known chart; undefined when it is none of them. */
export function extractHelmValues(document: DocNode, ctx: ExtractContext): Deployment[] | undefined {
  if (document.type !== "map") return undefined;
  for (const chart of CHARTS) if (chart.detect(document)) return chart.extract(document, ctx);
  return undefined;
}

/**
 * An umbrella chart's values: each dependency's values sit under its name or alias (`vllm-stack:
 * {servingEngineSpec: …}`), as Helm passes them to the subchart. The keys whose values are a known
 * chart's, unless their `enabled` condition turns the dependency off. Kubernetes objects are not values.
 */
export function chartDependencies(document: DocNode): string[] {
  if (document.type !== "map" || document.get("apiVersion") !== undefined || document.get("kind") !== undefined) return [];
  return document
    .entries()
    .filter(([, values]) => values.type === "map" && values.get("enabled")?.value !== false && CHARTS.some((chart) => chart.detect(values)))
    .map(([key]) => key);
}

/** An engine's flags given as a list of tokens (the image's entrypoint runs the engine). */
function listCall(engine: Engine, list: DocNode | undefined, ctx: ExtractContext): EngineCall {
  return flagListCall(engine, list, ctx.text);
}

/** A pod spec standing in for a chart's own placement keys (`nodeSelectorTerms` of a modelSpec…). */
function placementView(anchor: DocNode, nodeSelector: DocNode | undefined, nodeSelectorTerms: DocNode | undefined, affinity?: DocNode) {
  const required = nodeSelectorTerms ? virtualMap({ nodeSelectorTerms }, anchor.node) : undefined;
  const nodeAffinity = required ? virtualMap({ requiredDuringSchedulingIgnoredDuringExecution: required }, anchor.node) : undefined;
  return virtualMap({ nodeSelector, affinity: affinity ?? (nodeAffinity ? virtualMap({ nodeAffinity }, anchor.node) : undefined) }, anchor.node);
}

function deployment(format: string, kind: string, name: string | undefined, sink: FieldSink, anchor: DocNode, extra: Partial<Deployment> = {}): Deployment {
  return crdDeployment(format, kind, name, anchor.node, sink.fields, sink.unresolved, extra);
}

// --- vLLM production-stack -------------------------------------------------------------------

/**
 * `servingEngineSpec.modelSpec[]` of the vllm-stack chart. The template renders
 * `vllm serve <modelURL>` with `--max-model-len`, `--dtype`, `--tensor-parallel-size`,
 * `--gpu_memory_utilization` from `vllmConfig` and then `vllmConfig.extraArgs` (so the latter win),
 * and `resources[requestGPUType]: requestGPU`. With `raySpec.enabled` one replica is a RayCluster:
 * a head with `raySpec.headNode.requestGPU` GPUs plus `replicaCount` workers with `requestGPU` each.
 */
function productionStack(document: DocNode, ctx: ExtractContext): Deployment[] {
  const spec = document.get("servingEngineSpec")!;
  const engineOff = spec.get("enableEngine");
  const deployments: Deployment[] = [];
  for (const model of spec.get("modelSpec")?.items() ?? []) {
    if (model.type !== "map") continue;
    const sink = newSink();
    readField(sink, "model", model.get("modelURL"), "string", "modelURL");
    const repository = model.get("repository");
    sink.fields.engine = locate<Engine>(repository ?? model, "vllm", "repository");

    const requestGpu = model.get("requestGPU");
    readField(sink, "gpuCount", requestGpu, "int", "requestGPU");
    if (sink.fields.gpuCount?.value === 0) {
      // `requestGPU: 0` renders no GPU request: the pod runs on the CPU within `limitMemory` (the
      // chart's `resources.limits.memory`), judged there when the image is vLLM's CPU build.
      const image = [str(repository), str(model.get("tag"))].filter(Boolean).join(":");
      const onCpu = onCpuOf(image || undefined, [{ node: model.get("limitMemory"), setting: "limitMemory", style: "kubernetes" }]);
      delete sink.fields.gpuCount;
      setUnresolved(sink, "gpuCount", { raw: "none", node: requestGpu!.node, reason: "unsupported", source: "requestGPU", note: "No GPU is requested (requestGPU: 0)", onCpu });
    }
    const gpuResource = str(model.get("requestGPUType"));
    // A MIG resource names the slice each replica gets (the GPU it is a slice of, if a selector names it).
    if (gpuResource && MIG_RESOURCE.test(gpuResource) && sink.fields.gpuCount) sink.fields.gpuCount = { ...sink.fields.gpuCount, source: gpuResource };

    const config = model.get("vllmConfig");
    readField(sink, "tensorParallel", config?.get("tensorParallelSize"), "int", "tensorParallelSize");
    readField(sink, "pipelineParallel", config?.get("pipelineParallelSize"), "int", "pipelineParallelSize");
    readField(sink, "maxModelLen", config?.get("maxModelLen"), "size", "maxModelLen");
    readField(sink, "dtype", config?.get("dtype"), "string", "dtype");
    readField(sink, "gpuMemoryUtilization", config?.get("gpuMemoryUtilization"), "float", "gpuMemoryUtilization");
    readField(sink, "maxNumSeqs", config?.get("maxNumSeqs"), "int", "maxNumSeqs");
    const extraArgs = config?.get("extraArgs");
    const call = listCall("vllm", extraArgs, ctx);
    // `env` becomes the container's environment: vLLM's own variables (VLLM_CPU_KVCACHE_SPACE) count.
    applyEnvFields(call, readEnv(model.get("env")));
    mergeFields(sink, call);
    if (!sink.fields.model && !sink.unresolved.model) {
      // No modelURL: an entry without GPUs deploys nothing here; one on GPUs is found and said to be unchecked.
      if (!sink.fields.gpuCount?.value && (!sink.unresolved.gpuCount || sink.unresolved.gpuCount.raw === "none")) continue;
      // The model named in a vLLM `--config` file the chart mounts from elsewhere.
      const config = call.configFile;
      if (config) setUnresolved(sink, "model", { raw: config.value, node: config.node, reason: "unsupported", source: "--config", note: `--config ${config.value} holds the model` });
    }

    const ray = model.get("raySpec");
    if (ray?.get("enabled")?.value === true && sink.fields.gpuCount) {
      const replicas = Number(str(model.get("replicaCount")) ?? 1);
      const headGpus = Number(str(ray.get("headNode")?.get("requestGPU")) ?? sink.fields.gpuCount.value);
      if (Number.isInteger(replicas) && headGpus === sink.fields.gpuCount.value) {
        setLocated(sink, "nodes", { ...locate(model.get("replicaCount") ?? ray, replicas + 1, "replicaCount + head"), readonly: true });
      } else {
        setUnresolved(sink, "gpuCount", { raw: "raySpec", node: ray.node, reason: "invalid" });
      }
    }

    mergeFields(sink, { fields: nodePlacement(placementView(model, model.get("nodeSelector"), model.get("nodeSelectorTerms"))) }, "fill");

    const enabled = model.get("enabled");
    const off = enabled?.value === false ? enabled : engineOff?.value === false ? engineOff : undefined;
    deployments.push(
      deployment("helm-values", "vllm-stack modelSpec", str(model.get("name")), sink, model, {
        ...(call.args ? { args: call.args } : {}),
        ...(off ? { disabled: { node: off.node, source: off === enabled ? "enabled" : "servingEngineSpec.enableEngine" } } : {}),
      }),
    );
  }
  return deployments;
}

// --- KubeAI models chart ---------------------------------------------------------------------

function isKubeAiCatalog(document: DocNode): boolean {
  const catalog = document.get("catalog");
  if (catalog?.type !== "map") return false;
  return catalog.entries().some(([, entry]) => entry.type === "map" && (entry.get("resourceProfile") !== undefined || (entry.get("url") !== undefined && entry.get("engine") !== undefined)));
}

/**
 * `catalog.<name>` of KubeAI's models chart: rendered into `kind: Model` when `enabled` (or
 * `all.enabled`) is true. Only LLM engines (VLLM, OLlama) are sized; Infinity and FasterWhisper
 * serve embeddings and speech.
 */
function kubeAiCatalog(document: DocNode, ctx: ExtractContext): Deployment[] {
  const all = document.get("all")?.get("enabled");
  const deployments: Deployment[] = [];
  for (const [name, entry] of document.get("catalog")!.entries()) {
    if (entry.type !== "map") continue;
    const engineNode = entry.get("engine");
    const engine = engineByName(str(engineNode) ?? "VLLM");
    if (!engine) continue;
    const profile = readResourceProfile(entry.get("resourceProfile"), ctx);
    // The chart's catalog lists CPU variants beside the GPU ones (`qwen2-500m-cpu`); they are not deployments on GPUs.
    if (profile?.unresolved.gpuCount?.raw === "none") continue;
    const sink = newSink();
    const model = modelReference(entry.get("url"), "url");
    if (model.located) sink.fields.model = model.located;
    else if (model.unresolved) sink.unresolved.model = model.unresolved;
    else continue;
    sink.fields.engine = locate(engineNode ?? entry, engine, "engine");
    mergeFields(sink, profile);
    const args = entry.get("args");
    // Ollama's `args` are not engine flags (KubeAI passes them to `ollama run`).
    const call = engineById(engine).flags.length > 0 ? listCall(engine, args, ctx) : undefined;
    if (call) {
      // The model is KubeAI's `url`; KubeAI passes `--model` itself.
      delete call.fields.model;
      delete call.unresolved.model;
      mergeFields(sink, call);
    }
    const enabled = entry.get("enabled");
    const on = enabled?.value === true || all?.value === true;
    deployments.push(
      deployment("helm-values", "KubeAI catalog entry", name, sink, entry, {
        ...(call?.args ? { args: call.args } : {}),
        ...(profile?.assumptions ? { assumptions: profile.assumptions } : {}),
        ...(!on ? { disabled: { node: (enabled ?? entry).node, source: enabled ? "enabled" : "all.enabled" } } : {}),
      }),
    );
  }
  return deployments;
}

// --- llm-d modelservice ----------------------------------------------------------------------

/**
 * llm-d-modelservice values. Per role (`decode`, `prefill`), the chart computes
 * (templates/_helpers.tpl): TP = `parallelism.tensor` (1), DP local = `dataLocal` | `data/workers` |
 * `data`, workers = `workers` | `data/dataLocal` | 1, and requests `tensor × dataLocal` accelerators
 * per pod unless the container's `resources.limits` names them. `modelCommand: vllmServe` runs
 * `vllm serve <model>` with `--tensor-parallel-size`/`--data-parallel-size` and the container's args.
 */
function llmD(document: DocNode, ctx: ExtractContext): Deployment[] {
  const artifacts = document.get("modelArtifacts")!;
  const deployments: Deployment[] = [];
  for (const role of ["decode", "prefill"]) {
    const spec = document.get(role);
    if (spec?.type !== "map") continue;
    const create = spec.get("create");
    if (create?.value === false || (create === undefined && role === "prefill" && !spec.get("containers"))) continue;
    const containers = spec.get("containers")?.items() ?? [];
    const container = containers.find((item) => ["vllmServe", "imageDefault"].includes(str(item.get("modelCommand")) ?? "")) ?? containers.find((item) => str(item.get("name")) === "vllm") ?? containers[0];
    if (!container) continue;
    const sink = newSink();
    readModelUri(sink, artifacts.get("uri"));

    const parallelism = spec.get("parallelism");
    readField(sink, "tensorParallel", parallelism?.get("tensor"), "int", "parallelism.tensor");
    const data = intOf(parallelism?.get("data"));
    const dataLocalWritten = intOf(parallelism?.get("dataLocal"));
    const workersWritten = intOf(parallelism?.get("workers"));
    const dataLocal = dataLocalWritten ?? (data && workersWritten ? data / workersWritten : (data ?? 1));
    const workers = workersWritten ?? (data && dataLocalWritten ? data / dataLocalWritten : 1);
    const dataParallel = data ?? dataLocal * workers;
    if (dataParallel > 1 && parallelism) readField(sink, "dataParallel", parallelism.get("data") ?? parallelism.get("dataLocal"), "int", "parallelism.data");
    if (sink.fields.dataParallel) sink.fields.dataParallel = { ...sink.fields.dataParallel, value: dataParallel };
    if (Number.isInteger(workers) && workers > 1) setLocated(sink, "nodes", { ...locate(parallelism!, workers, "parallelism"), readonly: true });

    const command = str(container.get("modelCommand")) ?? "custom";
    let call: EngineCall | undefined;
    if (command === "vllmServe" || command === "imageDefault") call = listCall("vllm", container.get("args"), ctx);
    else call = containerEngineCall(container, ctx);
    if (!call) continue;
    mergeFields(sink, call);
    sink.fields.engine = locate(container.get("image") ?? container, call.engine, "image");
    const gpus = containerGpus(container);
    if (gpus.located) sink.fields.gpuCount = gpus.located;
    else if (gpus.unresolved) sink.unresolved.gpuCount = gpus.unresolved;

    const extra = spec.get("extraConfig");
    const types = spec.get("acceleratorTypes");
    mergeFields(sink, { fields: nodePlacement(placementView(spec, extra?.get("nodeSelector") ?? spec.get("nodeSelector"), undefined, extra?.get("affinity"))) }, "fill");
    // `acceleratorTypes: {labelKey, labelValues}` renders a required node affinity; one value pins the type.
    const labelKey = str(types?.get("labelKey"));
    const labelValues = types?.get("labelValues")?.items() ?? [];
    if (types && labelKey && labelValues.length === 1 && !sink.fields.gpuType) {
      mergeFields(sink, { fields: nodePlacement(virtualMap({ nodeSelector: virtualMap({ [labelKey]: labelValues[0] }, types.node) }, types.node)) }, "fill");
    }
    // The chart requests TP × local DP GPUs per pod when the container does not set its own.
    deployments.push(deployment("helm-values", `llm-d modelservice ${role}`, str(artifacts.get("name")), sink, spec, { ...(call.args ? { args: call.args } : {}), layoutOwner: "gpus-from-tensor" }));
  }
  return deployments;
}

function intOf(node: DocNode | undefined): number | undefined {
  const raw = str(node);
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
}

/** `hf://org/model` (the catalog reads it), `pvc+hf://claim/…/org/model` → `org/model`; `pvc://`, `oci://` are opaque. */
function readModelUri(sink: FieldSink, node: DocNode | undefined): void {
  const raw = str(node);
  // The claim and any folders, then `org/model`: the last two segments.
  const pvcHf = raw?.startsWith("pvc+hf://") ? raw.slice("pvc+hf://".length).replace(/\/$/, "").split("/").slice(-2) : undefined;
  if (node && pvcHf && pvcHf.length === 2 && pvcHf[0] && pvcHf[1]) {
    setLocated(sink, "model", { ...locate(node, `${pvcHf[0]}/${pvcHf[1]}`, "modelArtifacts.uri"), readonly: true });
    return;
  }
  const model = modelReference(node, "modelArtifacts.uri");
  if (model.located) setLocated(sink, "model", model.located);
  else if (model.unresolved) setUnresolved(sink, "model", model.unresolved);
}

// --- NVIDIA nim-llm chart --------------------------------------------------------------------

function isNimValues(document: DocNode): boolean {
  const model = document.get("model");
  if (model?.type === "map" && (model.get("ngcAPISecret") ?? model.get("ngcAPIKey") ?? model.get("nimCache")) !== undefined) return true;
  return /(^|\/)nim\//.test(str(document.get("image")?.get("repository")) ?? "");
}

/**
 * nim-llm values: the NIM image names the model (`nvcr.io/nim/meta/llama3-8b-instruct`, resolved
 * through the catalog's NIM names); a multi-LLM NIM (`…/llm-nim`) takes it from `NIM_MODEL_NAME` or
 * `model.name`. NIM picks TP and precision from its profile; unless `NIM_MODEL_PROFILE` pins them,
 * every GPU of the pod serves the model.
 */
function nimLlm(document: DocNode, ctx: ExtractContext): Deployment[] {
  const sink = newSink();
  const repository = document.get("image")?.get("repository");
  const env = readEnv(document.get("env"));
  const repositoryName = str(repository);
  if (repositoryName && !/(^|\/)llm-nim$/.test(repositoryName)) readField(sink, "model", repository, "string", "image.repository");
  else {
    const named = env.get("NIM_MODEL_NAME");
    if (named) readField(sink, "model", named.node, "string", "NIM_MODEL_NAME");
    else readField(sink, "model", document.get("model")?.get("name"), "string", "model.name");
  }
  if (!sink.fields.model && !sink.unresolved.model) return [];
  const gpus = containerGpus(document);
  if (gpus.located) sink.fields.gpuCount = gpus.located;
  else if (gpus.unresolved) sink.unresolved.gpuCount = gpus.unresolved;
  const maxLen = env.get("NIM_MAX_MODEL_LEN");
  if (maxLen) readField(sink, "maxModelLen", maxLen.node, "int", "NIM_MAX_MODEL_LEN");
  const tp = env.get("NIM_TENSOR_PARALLEL_SIZE");
  if (tp) readField(sink, "tensorParallel", tp.node, "int", "NIM_TENSOR_PARALLEL_SIZE");
  const pp = env.get("NIM_PIPELINE_PARALLEL_SIZE");
  if (pp) readField(sink, "pipelineParallel", pp.node, "int", "NIM_PIPELINE_PARALLEL_SIZE");
  const profile = env.get("NIM_MODEL_PROFILE");
  if (profile) {
    const fromProfile: LocatedFields = {};
    readNimProfile(profile.node, ctx, fromProfile);
    for (const [field, located] of Object.entries(fromProfile)) if (located) (sink.fields as Record<string, unknown>)[field] ??= located;
  }
  mergeFields(sink, { fields: nodePlacement(document) }, "fill");
  return [deployment("helm-values", "nim-llm values", str(document.get("fullname")) ?? str(document.get("model")?.get("name")), sink, document, { resourceTarget: document, layoutOwner: "tensor-from-gpus" })];
}

// --- vLLM example chart ----------------------------------------------------------------------

function isVllmExampleChart(document: DocNode): boolean {
  return document.get("image")?.get("command")?.type === "seq" && document.get("resources")?.type === "map" && document.get("gpuModels") !== undefined;
}

/** vLLM's `examples/online_serving/chart-helm`: the whole command in `image.command`, GPUs in `resources`, types in `gpuModels`. */
function vllmExampleChart(document: DocNode, ctx: ExtractContext): Deployment[] {
  const image = document.get("image")!;
  const container = virtualMap({ image: image.get("repository"), command: image.get("command"), resources: document.get("resources"), env: document.get("env") }, document.node);
  const call = containerEngineCall(container, ctx);
  if (!call) return [];
  const sink = newSink();
  mergeFields(sink, call);
  sink.fields.engine = locate(image.get("repository") ?? image, call.engine, "image.repository");
  const gpus = containerGpus(container);
  if (gpus.located) sink.fields.gpuCount = gpus.located;
  else if (gpus.unresolved) sink.unresolved.gpuCount = gpus.unresolved;
  const models = document.get("gpuModels")?.items() ?? [];
  // `TYPE_GPU_USED` is the chart's placeholder; several types mean "any of them".
  if (models.length === 1 && str(models[0]) !== "TYPE_GPU_USED") readField(sink, "gpuType", models[0], "string", "gpuModels");
  return [deployment("helm-values", "vLLM chart values", undefined, sink, document, { ...(call.args ? { args: call.args } : {}), resourceTarget: container })];
}

// --- otwld/ollama-helm ---------------------------------------------------------------------------

/** Values of the ollama chart itself (`ollama.gpu`, `ollama.models`). */
function holdsOllamaValues(values: DocNode | undefined): boolean {
  const ollama = values?.get("ollama");
  return ollama?.type === "map" && (ollama.get("gpu")?.type === "map" || ollama.get("models") !== undefined);
}

/**
 * The ollama chart's values: the document's own, or those it passes to the chart as a subchart
 * (open-webui's `ollama: {enabled: true, ollama: {gpu, models}}`), unless the subchart is disabled.
 */
function ollamaValues(document: DocNode): DocNode | undefined {
  if (holdsOllamaValues(document)) return document;
  const subchart = document.get("ollama");
  return subchart?.type === "map" && subchart.get("enabled")?.value !== false && holdsOllamaValues(subchart) ? subchart : undefined;
}

function isOllamaChart(document: DocNode): boolean {
  return ollamaValues(document) !== undefined;
}

/**
 * otwld/ollama-helm values (its README's values table): `ollama.models` lists the Ollama tags pulled
 * at start — a list in the 0.x charts, `{pull: [...], run: [...]}` from 1.0 — and `ollama.gpu`
 * (`enabled`, `type: nvidia|amd`, `number`, 1 when unset) adds the GPU limit to the pod. Each model
 * is judged on its own (Ollama loads one at a time per GPU); without `gpu.enabled` or a GPU in
 * `resources`, Ollama runs on the CPU, judged against `resources.limits.memory`.
 */
function ollamaChart(values: DocNode, ctx: ExtractContext): Deployment[] {
  void ctx;
  const document = ollamaValues(values)!;
  const ollama = document.get("ollama")!;
  const models = ollama.get("models");
  const lists = models?.type === "seq" ? [models] : [models?.get("run"), models?.get("pull")];
  const entries = new Map<string, DocNode>();
  for (const list of lists) for (const item of list?.items() ?? []) if (str(item) && !entries.has(str(item)!)) entries.set(str(item)!, item);
  const hardware = newSink();
  const gpu = ollama.get("gpu");
  const gpus = containerGpus(document);
  if (gpus.located) setLocated(hardware, "gpuCount", gpus.located);
  else if (gpus.unresolved) setUnresolved(hardware, "gpuCount", gpus.unresolved);
  else if (gpu?.get("enabled")?.value === true) {
    if (!readField(hardware, "gpuCount", gpu.get("number"), "int", "ollama.gpu.number")) setLocated(hardware, "gpuCount", locate(gpu.get("enabled")!, 1, "ollama.gpu.enabled", { readonly: true }));
  } else {
    const where = gpu?.get("enabled") ?? gpu ?? ollama;
    const onCpu = onCpuOf(undefined, [{ node: document.get("resources")?.get("limits")?.get("memory"), setting: "resources.limits.memory", style: "kubernetes" }]);
    setUnresolved(hardware, "gpuCount", { raw: String(where.value ?? "unset"), node: where.node, reason: "unsupported", source: "ollama.gpu.enabled", note: "Ollama runs on the CPU here (ollama.gpu.enabled is not true)", onCpu });
  }
  mergeFields(hardware, { fields: nodePlacement(document) }, "fill");
  const one = (model?: DocNode): Deployment => {
    const sink = newSink();
    mergeFields(sink, hardware);
    sink.fields.engine = locate(ollama, "ollama" as Engine, "ollama");
    if (model) readField(sink, "model", model, "string", "ollama.models");
    return deployment("helm-values", "ollama values", model ? str(model) : undefined, sink, model ?? ollama);
  };
  // GPUs and no model: the models arrive through the API later, which is said rather than passed over.
  if (entries.size === 0) return gpu?.get("enabled")?.value === true ? [one()] : [];
  return [...entries.values()].map((model) => one(model));
}

// --- Triton TensorRT-LLM charts --------------------------------------------------------------------

/** GPUs of one node of the common 8-GPU boards: a wider layout spreads pipeline stages over nodes. */
const NODE_GPUS = 8;

/**
 * The Helm charts of triton-inference-server/tutorials (Deployment/Kubernetes/TensorRT-LLM_*):
 * `model.name` is built into a TensorRT-LLM engine at `model.tensorrtLlm.dataType` (float16 by
 * default) with `parallelism.tensor` × `parallelism.pipeline` ranks, and the pod requests that many
 * GPUs (templates/deployment.yaml `$model_gpus := mul $model_pp $model_tp`); `gpu` lists the
 * `nvidia.com/gpu.product` values the pod may land on (one pins the type; several mean any of them).
 */
function tritonTrtllmChart(document: DocNode): Deployment[] {
  const model = document.get("model")!;
  const sink = newSink();
  setLocated(sink, "engine", locate(model.get("tensorrtLlm") ?? model, "trtllm" as Engine, "model.tensorrtLlm"));
  readField(sink, "model", model.get("name"), "string", "model.name");
  // The chart builds only the models its scripts list (`llama-3-70b-instruct`, `gpt2`…): no fix renames it.
  if (sink.fields.model) sink.fields.model = { ...sink.fields.model, readonly: true };
  const trtllm = model.get("tensorrtLlm");
  readField(sink, "dtype", trtllm?.get("dataType"), "string", "tensorrtLlm.dataType");
  const parallelism = trtllm?.get("parallelism");
  readField(sink, "tensorParallel", parallelism?.get("tensor"), "int", "parallelism.tensor");
  readField(sink, "pipelineParallel", parallelism?.get("pipeline"), "int", "parallelism.pipeline");
  const tp = sink.fields.tensorParallel?.value ?? 1;
  const pp = sink.fields.pipelineParallel?.value ?? 1;
  const where = parallelism ?? trtllm ?? model;
  if (sink.unresolved.tensorParallel || sink.unresolved.pipelineParallel) {
    setUnresolved(sink, "gpuCount", (sink.unresolved.tensorParallel ?? sink.unresolved.pipelineParallel)!);
  } else if (tp * pp <= NODE_GPUS || tp > NODE_GPUS) {
    setLocated(sink, "gpuCount", locate(where, tp * pp, "parallelism", { readonly: true }));
  } else {
    // The multi-node chart: tensor parallel within a node, pipeline stages across nodes.
    setLocated(sink, "gpuCount", locate(where, tp, "parallelism", { readonly: true }));
    setLocated(sink, "nodes", locate(where, pp, "parallelism.pipeline", { readonly: true }));
  }
  const gpu = document.get("gpu");
  const products = gpu?.type === "seq" ? gpu.items() : gpu ? [gpu] : [];
  if (products.length === 1) readField(sink, "gpuType", products[0], "string", "gpu");
  return [deployment("helm-values", "Triton TensorRT-LLM values", str(model.get("name")), sink, model, { layoutOwner: "gpus-from-tensor" })];
}

// --- `.Values` references inside a values file -------------------------------------------------

/**
 * `{{ .Values.a.b }}` (with Helm's optional `-` trims), as it appears inside a value, with the quotes
 * some charts put around it inside a plain scalar (`uri: hf://"{{ .Values.modelArtifacts.name }}"`).
 */
const VALUES_REFERENCE = /(["']?)\{\{-?\s*\.Values\.([\w.]+)\s*-?\}\}\1/g;

/**
 * A values file that refers to its own keys (`uri: "hf://{{ .Values.modelArtifacts.name }}"`, a
 * pattern of charts that template their values): each reference whose key holds a plain value in
 * the same document is that value, read-only (the fix belongs where the value is written).
 */
export function resolveValuesReferences(deployments: Deployment[], document: DocNode, source: string): void {
  for (const deployment of deployments) {
    for (const [field, value] of Object.entries(deployment.unresolved) as Array<[FieldName, UnresolvedValue | undefined]>) {
      if (!value || value.reason !== "template") continue;
      // The lint route masks `{{ }}` actions (go-template.ts): read the value as the file writes it.
      const raw = value.raw.includes(TEMPLATE_MARK) ? writtenScalar(value.range ?? value.node.range, source) : value.raw;
      if (!raw.includes(".Values.")) continue;
      const text = expandValues(raw, document, source, 0);
      if (text === undefined || deferredReason(text)) continue;
      const parsed = parseValue(FIELD_KINDS[field], text);
      if (parsed === undefined) continue;
      setLocated(deployment, field, { value: parsed, node: value.node, source: value.source ?? field, readonly: true, ...(value.range ? { range: value.range } : {}) });
    }
  }
}

/** `raw` with its `.Values` references replaced by the values they name (references within them too, three deep); undefined when one is missing. */
function expandValues(raw: string, document: DocNode, source: string, depth: number): string | undefined {
  let complete = true;
  const text = raw.replace(VALUES_REFERENCE, (_whole, _quote: string, path: string) => {
    const target = follow(document, path.split("."));
    const scalar = target?.type === "scalar" ? (str(target) ?? String(target.value)) : undefined;
    const written = scalar?.includes(TEMPLATE_MARK) ? writtenScalar(target!.node.range, source) : scalar;
    const expanded = written !== undefined && written.includes(".Values.") && depth < 3 ? expandValues(written, document, source, depth + 1) : written;
    if (expanded === undefined) complete = false;
    return expanded ?? "";
  });
  return complete ? text : undefined;
}

/** A scalar as the file writes it at `range`, without its quotes. */
function writtenScalar([start, end]: readonly [number, number], source: string): string {
  const written = source.slice(start, end);
  return /^(["']).*\1$/s.test(written) ? written.slice(1, -1) : written;
}
