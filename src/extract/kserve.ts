/**
 * KServe. `InferenceService` (serving.kserve.io/v1beta1): the Hugging Face runtime's
 * `predictor.model` (`storageUri: hf://…` or `--model_id`, vLLM flags in `args`, `resources`) or a
 * custom `predictor.containers[]`, the predictor's node selector, the multi-node `workerSpec`, and
 * NVIDIA NIM runtimes (the model named only by `modelFormat.name` / the runtime's image).
 * `LLMInferenceService` (v1alpha1/v1alpha2): `spec.model.uri`/`name`, `spec.parallelism`, the
 * `main` container of `spec.template` (vLLM; extra flags in `VLLM_ADDITIONAL_ARGS` or `args`),
 * `spec.worker` for multi-node layouts, and the `spec.prefill` stage of P/D disaggregation.
 */
import type { ExtractContext } from "./context.js";
import { kubernetesObjects } from "./context.js";
import type { DocNode } from "./doc.js";
import { str } from "./doc.js";
import { commandTokens, flagValue, parseEngineCall } from "./engine-seam.js";
import { nimModelFromName } from "./nim.js";
import { engineFromFlags } from "../engines/index.js";
import { type ContainerOptions, containerGpus, nodePlacement, type OwnerInfo, podDeployments } from "./pod.js";
import { apiGroup, crdDeployment, freezePlacement, holders, modelReference, podGpus, type Unresolved } from "./crd-kit.js";
import { locate, mergeFields, plainEnv, readEnv, readField, readScalar } from "./kit.js";
import type { Deployment, Located, LocatedFields } from "./types.js";
import { printable } from "../text.js";

/** Model formats of the LLM runtimes (KServe's Hugging Face server runs vLLM unless `--backend=huggingface`). */
const LLM_FORMATS = new Set(["huggingface", "vllm"]);

/** KServe's model formats and runtimes of classical ML and vision frameworks, which serve no LLM. */
const CLASSICAL_ML = /sklearn|xgboost|lightgbm|pmml|paddle|tensorflow|pytorch|torchserve|onnx|mlflow/i;

/** `{{.Name}}`-style and shell placeholders that only the runtime fills in. */
const PLACEHOLDER = /\{\{|\$|\u0000/;

/** The multi-node Hugging Face runtime's `workerSpec`: TP within a pod, PP = pods. */
function workerLayout(predictor: DocNode, fields: LocatedFields, unresolved: Unresolved): void {
  const worker = predictor.get("workerSpec");
  if (!worker || worker.type !== "map") return;
  readField({ fields, unresolved }, "tensorParallel", worker.get("tensorParallelSize"), "int", "workerSpec.tensorParallelSize");
  readField({ fields, unresolved }, "pipelineParallel", worker.get("pipelineParallelSize"), "int", "workerSpec.pipelineParallelSize");
  if (fields.pipelineParallel && fields.pipelineParallel.value > 1) fields.nodes = { ...fields.pipelineParallel, readonly: true };
  const tp = fields.tensorParallel;
  // Each pod gets `tensorParallelSize` GPUs unless its containers say otherwise.
  if (tp) fields.gpuCount = { ...tp, readonly: true, source: "workerSpec.tensorParallelSize" };
}

function nimRuntimeImage(runtime: string | undefined, ctx: ExtractContext): DocNode | undefined {
  if (!runtime) return undefined;
  for (const document of ctx.documents) {
    for (const object of kubernetesObjects(document)) {
      const kind = str(object.get("kind"));
      if ((kind !== "ServingRuntime" && kind !== "ClusterServingRuntime") || str(object.get("metadata")?.get("name")) !== runtime) continue;
      for (const container of object.get("spec")?.get("containers")?.items() ?? []) {
        const image = container.get("image");
        if (str(image)) return image;
      }
    }
  }
  return undefined;
}

/** `predictor.model` of the Hugging Face (vLLM) runtime or a NIM runtime. */
function modelPredictor(object: DocNode, predictor: DocNode, model: DocNode, ctx: ExtractContext, owner: OwnerInfo): Deployment[] {
  const format = str(model.get("modelFormat")?.get("name")) ?? "";
  const fields: LocatedFields = { ...nodePlacement(predictor) };
  const unresolved: Unresolved = {};
  workerLayout(predictor, fields, unresolved);
  const gpus = containerGpus(model);
  if (gpus.located) fields.gpuCount = gpus.located;
  else if (gpus.unresolved) unresolved.gpuCount = gpus.unresolved;
  const deployment = (rest: Partial<Deployment> = {}): Deployment =>
    crdDeployment("kserve", owner.kind, owner.name, model.node, fields, unresolved, { resourceTarget: model, annotationHolders: owner.annotationHolders, ...rest });

  const nim = /^nvidia-nim-(.+)$/i.exec(format);
  if (nim) {
    // NIM chooses precision and TP from its profiles; the image (or the format name) names the model.
    const image = nimRuntimeImage(str(model.get("runtime")), ctx);
    if (image) fields.model = locate(image, str(image)!, "runtime image", { readonly: true });
    else fields.model = locate(model.get("modelFormat")!.get("name")!, nimModelFromName(nim[1]!), "modelFormat.name", { readonly: true });
    return [deployment()];
  }

  const env = readEnv(model.get("env"));
  const variables = plainEnv(env);
  const args = model.get("args");
  const { tokens, shell } = commandTokens([...(model.get("command")?.items() ?? []), ...(args?.items() ?? [])], ctx.text, variables);
  const modelId = flagValue(tokens, ["--model_id", "--model-id"]);
  const backend = flagValue(tokens, ["--backend"])?.text;
  // `storage: {key, path}` (a storage-config secret and a path in it) instead of a URI.
  const storagePath = model.get("storage")?.get("path");
  const storageUri = model.get("storageUri") ?? predictor.get("storageUri") ?? storagePath;
  const storageReference = () => modelReference(storageUri, storageUri === storagePath ? "storage.path" : "storageUri");
  // A kustomize patch may leave the format to its base: vLLM's own flags say the runtime.
  const flagged = engineFromFlags(tokens.map((token) => token.text)) === "vllm";
  // A GGUF model (KServe has no runtime of its own for one: OpenShift AI users add a llama.cpp
  // ServingRuntime) is served by llama.cpp from the file the storage names.
  if (format.toLowerCase() === "gguf" || /\.gguf$/i.test(str(storageUri) ?? "")) {
    const reference = storageReference();
    if (reference.located) fields.model = reference.located;
    else if (reference.unresolved) unresolved.model = reference.unresolved;
    fields.engine = locate(model.get("modelFormat") ?? model, "llama.cpp", "modelFormat");
    return [deployment()];
  }
  // A runtime named for vLLM or KServe's Hugging Face server (`runtime: vllm`, defined in another file) serves an LLM too.
  const vllmRuntime = /vllm|huggingface/i.test(str(model.get("runtime")) ?? "");
  const isLlm = LLM_FORMATS.has(format.toLowerCase()) || modelId !== undefined || /^hf:\/\//i.test(str(storageUri) ?? "") || flagged || vllmRuntime;
  if (!isLlm) {
    // Another runtime on GPUs (Triton's, an in-house one), not one of classical ML: found, and said to be unchecked.
    const runtimeNode = model.get("runtime") ?? model.get("modelFormat")?.get("name");
    const runtime = str(runtimeNode);
    if (!runtime || !runtimeNode || CLASSICAL_ML.test(`${format} ${runtime}`) || !((gpus.located?.value ?? 0) > 0 || gpus.unresolved)) return [];
    unresolved.engine = { raw: runtime, node: runtimeNode.node, reason: "unsupported", source: "runtime", note: `Its runtime ${printable(runtime, 40)} runs no engine this version knows` };
    const reference = storageReference();
    if (reference.located) fields.model = reference.located;
    return [deployment()];
  }

  const call = parseEngineCall(tokens, { imageEngine: "vllm", ...(args?.type === "seq" && !shell ? { argsList: args } : {}) }) ?? { engine: "vllm" as const, fields: {}, unresolved: {} };
  // `--model=/mnt/models` serves what the storage initializer put there: the storage URI names it.
  if (call.fields.model && STORAGE_MOUNT.test(String(call.fields.model.value)) && storageUri) delete call.fields.model;
  mergeFields({ fields, unresolved }, call);
  if (modelId) {
    if (PLACEHOLDER.test(modelId.text)) unresolved.model = { raw: modelId.text.replace(/\u0000+/g, "$…"), node: modelId.token.from.node, reason: "variable" };
    else fields.model = { value: modelId.text, node: modelId.token.from.node, source: "--model_id", ...(modelId.range ? { range: modelId.range } : { readonly: true }) };
  } else if (!fields.model && !unresolved.model) {
    const reference = storageReference();
    if (reference.located) fields.model = reference.located;
    else if (reference.unresolved) unresolved.model = reference.unresolved;
  }
  // `--backend=huggingface` serves through Transformers, not vLLM: no engine flags or defaults apply.
  if (backend !== "huggingface") fields.engine = locate(model.get("modelFormat") ?? model, "vllm", "modelFormat");
  let argsTarget = call.args;
  if (!argsTarget && args?.type === "seq" && !args.embedded && args.items().length > 0) argsTarget = { kind: "list", node: args, equals: true };
  return [deployment(argsTarget ? { args: argsTarget } : {})];
}

export function inferenceService(object: DocNode, ctx: ExtractContext, kind: string): Deployment[] {
  const predictor = object.get("spec")?.get("predictor");
  if (!predictor || predictor.type !== "map") return [];
  const owner: OwnerInfo = {
    format: "kserve",
    kind,
    name: str(object.get("metadata")?.get("name")),
    anchor: object,
    annotationHolders: holders(object.get("metadata"), predictor),
  };
  const model = predictor.get("model");
  if (model?.type === "map") return modelPredictor(object, predictor, model, ctx, owner);
  // The older framework keys of the predictor (`huggingface:`) have the same shape as `model:`.
  const framework = predictor.get("huggingface");
  if (framework?.type === "map") return modelPredictor(object, predictor, framework, ctx, owner);
  const containers = predictor.get("containers")?.items() ?? [];
  if (containers.length === 0) return [];
  const layout: LocatedFields = {};
  const unresolved: Unresolved = {};
  workerLayout(predictor, layout, unresolved);
  const options: ContainerOptions = containers.some((container) => /huggingfaceserver/i.test(str(container.get("image")) ?? "")) ? { defaultEngine: "vllm" } : {};
  const found = podDeployments(predictor, { ...owner, format: "kserve" }, ctx, layout, options);
  for (const deployment of found) mergeFields(deployment, { unresolved }, "fill");
  return found;
}

/** Where KServe's storage initializer puts the model an InferenceService names (`--model=/mnt/models`). */
const STORAGE_MOUNT = /^\/mnt\/models(\/|$)/;

/**
 * A `ServingRuntime` / `ClusterServingRuntime` is a template an InferenceService fills in: judged
 * through the InferenceService that uses it when one in the file does. Alone, it deploys a model
 * only when it names one itself (a NIM image such as `nvcr.io/nim/meta/llama-3.1-8b-instruct`, a
 * pinned `--model` repository) and requests GPUs; a runtime that serves `/mnt/models` or
 * `{{.Name}}` names none, and one without GPUs gets them from the InferenceService.
 */
export function servingRuntime(object: DocNode, ctx: ExtractContext, kind: string): Deployment[] {
  const name = str(object.get("metadata")?.get("name"));
  const spec = object.get("spec");
  if (!spec || spec.type !== "map" || usedByInferenceService(object, ctx)) return [];
  const owner: OwnerInfo = { format: "kserve", kind, name, anchor: object, annotationHolders: holders(object.get("metadata"), spec) };
  return podDeployments(spec, owner, ctx).filter((deployment) => {
    const model = deployment.fields.model?.value;
    // GPUs left to the InferenceService (its resources are merged over the runtime's): a template too.
    const requestsGpus = deployment.fields.gpuCount !== undefined || deployment.unresolved.gpuCount !== undefined;
    return requestsGpus && typeof model === "string" && !STORAGE_MOUNT.test(model) && !PLACEHOLDER.test(model);
  });
}

/** Whether an InferenceService of the file uses this runtime: by name, or by a model format it supports (`autoSelect`). */
function usedByInferenceService(runtime: DocNode, ctx: ExtractContext): boolean {
  const name = str(runtime.get("metadata")?.get("name"));
  const formats = new Set((runtime.get("spec")?.get("supportedModelFormats")?.items() ?? []).map((format) => str(format.get("name"))?.toLowerCase()));
  for (const document of ctx.documents) {
    for (const object of kubernetesObjects(document)) {
      if (str(object.get("kind")) !== "InferenceService" || apiGroup(object) !== "serving.kserve.io") continue;
      const predictor = object.get("spec")?.get("predictor");
      const model = predictor?.get("model") ?? predictor?.get("huggingface");
      const named = str(model?.get("runtime"));
      if (named !== undefined ? named === name : formats.has(str(model?.get("modelFormat")?.get("name"))?.toLowerCase())) return true;
    }
  }
  return false;
}

/** `spec.parallelism` of an LLMInferenceService (or its `prefill` stage). */
const PARALLELISM = [
  { field: "tensorParallel", key: "tensor", kind: "int" },
  { field: "pipelineParallel", key: "pipeline", kind: "int" },
  { field: "dataParallel", key: "data", kind: "int" },
  { field: "expertParallel", key: "expert", kind: "bool" },
] as const;

/** Whether a storage location's last name (its image tag dropped) holds the served name and says more. */
function storageNameExtends(uri: string, served: string): boolean {
  const last = uri.slice(uri.lastIndexOf("/") + 1);
  const colon = last.lastIndexOf(":");
  const name = (colon > 0 ? last.slice(0, colon) : last).toLowerCase();
  const wanted = served.trim().toLowerCase();
  return wanted.length > 0 && name.length > wanted.length && name.includes(wanted);
}

function llmisvcStage(object: DocNode, spec: DocNode, stage: DocNode, name: string | undefined, kind: string, ctx: ExtractContext): Deployment[] {
  const fields: LocatedFields = {};
  const unresolved: Unresolved = {};
  // The model: `hf://` URI, else the served name when the weights come from a PVC or a bucket.
  const model = stage.get("model") ?? spec.get("model");
  const uri = modelReference(model?.get("uri"), "model.uri");
  // A repository id names the model surest, in either place. Else the served name, which names the
  // model more surely than a storage folder, unless the storage's name extends it: the modelcar
  // `oci://…/modelcar-nvidia-nemotron-3-nano-30b-a3b-fp8:3.0` says how the weights of the served
  // `nemotron-3-nano-30b-a3b` are stored.
  const fromName = modelReference(model?.get("name"), "model.name");
  if (uri.located && !uri.located.readonly) fields.model = uri.located;
  else if (fromName.located && !fromName.located.readonly) fields.model = { ...fromName.located, readonly: true };
  else if (uri.located && fromName.located && storageNameExtends(uri.located.value, fromName.located.value)) fields.model = uri.located;
  else if (fromName.located) fields.model = { ...fromName.located, readonly: true };
  else if (uri.located) fields.model = uri.located;
  else if (uri.unresolved) unresolved.model = uri.unresolved;

  const parallelism = stage.get("parallelism");
  for (const { field, key, kind: valueKind } of PARALLELISM) readField({ fields, unresolved }, field, parallelism?.get(key), valueKind, `parallelism.${key}`);
  // Pods per replica (the LWS group size KServe creates): data / dataLocal, else pipeline.
  const data = readScalar(parallelism?.get("data"), "int", "parallelism.data");
  const dataLocal = readScalar(parallelism?.get("dataLocal"), "int", "parallelism.dataLocal");
  if (data && "value" in data) {
    const local = dataLocal && "value" in dataLocal ? Math.max(1, dataLocal.value as number) : 1;
    fields.nodes = { ...(data as Located<number>), value: Math.max(1, Math.floor((data.value as number) / local)), readonly: true };
  } else if (dataLocal && "value" in dataLocal) {
    fields.nodes = { ...(dataLocal as Located<number>), value: 1, readonly: true };
  } else if (fields.pipelineParallel && fields.pipelineParallel.value > 1) {
    fields.nodes = { ...fields.pipelineParallel, readonly: true };
  }

  const owner: OwnerInfo = { format: "kserve", kind, name, anchor: object, annotationHolders: holders(object.get("metadata")) };
  const template = stage.get("template");
  const containers = template?.get("containers")?.items() ?? [];
  const main = containers.find((container) => str(container.get("name")) === "main") ?? (containers.length === 1 ? containers[0] : undefined);
  const workerGpus = podGpus(stage.get("worker") ?? undefined, ctx);
  const found = template && main ? podDeployments(template, owner, ctx, fields, { defaultEngine: "vllm" }).filter((deployment) => deployment.anchor === main.node) : [];
  for (const deployment of found) {
    // A container that serves the storage mount (`vllm serve /mnt/models`) serves `spec.model`.
    const served = deployment.fields.model?.value;
    if (served !== undefined && STORAGE_MOUNT.test(served)) {
      if (fields.model) deployment.fields.model = fields.model;
      else if (unresolved.model) delete deployment.fields.model;
    }
    for (const [field, value] of Object.entries(unresolved)) if (!deployment.fields[field as keyof LocatedFields]) (deployment.unresolved as Record<string, unknown>)[field] = value;
    // The worker template carries its own GPU count: both would have to change together.
    const gpuCount = deployment.fields.gpuCount;
    if (gpuCount && workerGpus.located) deployment.fields.gpuCount = { ...gpuCount, readonly: true };
    if (stage.get("worker")?.type === "map") freezePlacement(deployment.fields);
  }
  if (found.length > 0) return found;
  // No container in this file (a shared LLMInferenceServiceConfig supplies it): the spec alone.
  fields.engine = locate(model ?? stage, "vllm", "LLMInferenceService");
  return [crdDeployment("kserve", kind, name, (model ?? stage).node, fields, unresolved, { annotationHolders: owner.annotationHolders })];
}

export function llmInferenceService(object: DocNode, ctx: ExtractContext, kind: string): Deployment[] {
  const spec = object.get("spec");
  if (!spec || spec.type !== "map" || apiGroup(object) !== "serving.kserve.io") return [];
  const name = str(object.get("metadata")?.get("name"));
  const deployments = llmisvcStage(object, spec, spec, name, kind, ctx);
  const prefill = spec.get("prefill");
  if (prefill?.type === "map") deployments.push(...llmisvcStage(object, spec, prefill, name ? `${name}/prefill` : "prefill", kind, ctx));
  return deployments;
}
