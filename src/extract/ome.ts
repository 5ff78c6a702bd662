/**
 * OME (ome.io/v1beta1; sgl-project/ome). Three kinds refer to each other by name:
 * - `ClusterBaseModel`/`BaseModel`: the weights — `storage.storageUri` (`hf://org/name`), else
 *   `storage.path`; `modelParameterSize` ("685B") and `maxTokens` when declared.
 * - `ClusterServingRuntime`/`ServingRuntime`: how models are served — the engine container
 *   `engineConfig.runner` (`--tp-size`, `--mem-frac`, `--served-model-name`, resources), the P/D
 *   `decoderConfig.runner`, multi-node `engineConfig.leader`/`worker` (`worker.size` pods), and
 *   `modelSizeRange {min, max}`: the model sizes it claims to serve.
 * - `InferenceService`: `spec.model.name` (a base model) and optionally `spec.runtime.name`; without
 *   one, OME picks the runtime whose supported size range holds the model.
 * An InferenceService is judged on its base model and runtime when the file holds them; a runtime
 * alone (most runtime files) is judged on the model it names (`--served-model-name`).
 */
import type { ExtractContext } from "./context.js";
import { kubernetesObjects } from "./context.js";
import type { DocNode } from "./doc.js";
import { str } from "./doc.js";
import { apiGroup, crdDeployment, holders, modelReference } from "./crd-kit.js";
import { servedModelName } from "./dynamo.js";
import { locate, mergeFields, newSink, setLocated, setUnresolved } from "./kit.js";
import { nodePlacement, servingContainer } from "./pod.js";
import type { Deployment } from "./types.js";

function omeObjects(ctx: ExtractContext, kinds: string[]): Map<string, DocNode> {
  const found = new Map<string, DocNode>();
  for (const document of ctx.documents) {
    for (const object of kubernetesObjects(document)) {
      if (apiGroup(object) !== "ome.io" || !kinds.includes(str(object.get("kind")) ?? "")) continue;
      const name = str(object.get("metadata")?.get("name"));
      if (name) found.set(name, object);
    }
  }
  return found;
}

/** "685B" → 685e9; "700M" → 7e8; undefined when unreadable. */
export function parameterCount(written: string | undefined): number | undefined {
  const match = written ? /^\s*(\d+(?:\.\d+)?)\s*([KMBT])\s*$/i.exec(written) : null;
  if (!match) return undefined;
  const scale: Record<string, number> = { K: 1e3, M: 1e6, B: 1e9, T: 1e12 };
  return Number(match[1]) * scale[match[2]!.toUpperCase()]!;
}

/** The base model's weights as the catalog can name them. */
function baseModelWeights(model: DocNode) {
  const storage = model.get("spec")?.get("storage");
  const uri = modelReference(storage?.get("storageUri"), "storage.storageUri");
  if (uri.located) return uri;
  const path = modelReference(storage?.get("path"), "storage.path");
  return path.located ? path : uri;
}

/** The runtime's engine containers: the runner (or leader), and the P/D decoder when it has one. */
function runners(runtime: DocNode): Array<{ stage: string | undefined; runner: DocNode; podSpec: DocNode | undefined; workers: DocNode | undefined }> {
  const spec = runtime.get("spec");
  const result = [];
  for (const [stage, key] of [[undefined, "engineConfig"], ["decoder", "decoderConfig"]] as const) {
    const config = spec?.get(key);
    if (config?.type !== "map") continue;
    const runner = config.get("runner") ?? config.get("leader")?.get("runner");
    if (runner?.type === "map") result.push({ stage, runner, podSpec: config, workers: config.get("worker") });
  }
  return result;
}

function runtimeDeployments(owner: DocNode, runtime: DocNode, kind: string, name: string | undefined, model: DocNode | undefined, ctx: ExtractContext): Deployment[] {
  const deployments: Deployment[] = [];
  for (const { stage, runner, podSpec, workers } of runners(runtime)) {
    const serving = servingContainer(runner, ctx);
    if (!serving) continue;
    const sink = newSink();
    if (podSpec) mergeFields(sink, { fields: nodePlacement(podSpec) });
    mergeFields(sink, serving);
    // `$(MODEL_PATH)` is where OME mounts the base model: the base model names it, else the served name does.
    if (sink.unresolved.model || !sink.fields.model || /^(\/|\$)/.test(sink.fields.model.value)) {
      const weights = model ? baseModelWeights(model) : undefined;
      if (weights?.located) setLocated(sink, "model", { ...weights.located, readonly: true });
      else {
        const probe = { fields: { ...sink.fields } };
        delete probe.fields.model;
        servedModelName(runner, ctx, probe);
        if (probe.fields.model) setLocated(sink, "model", probe.fields.model);
        else if (weights?.unresolved) setUnresolved(sink, "model", weights.unresolved);
      }
    }
    const claimed = runtime.get("spec")?.get("modelSizeRange")?.get("max");
    const parameters = parameterCount(str(claimed));
    const sizeClaim = claimed && parameters !== undefined ? { sizeClaim: { parameters, written: str(claimed)!.trim(), node: claimed.node } } : {};
    const size = workers?.get("size");
    if (typeof size?.value === "number" && size.value >= 1) setLocated(sink, "nodes", locate(size, size.value + 1, "worker.size + leader", { readonly: true }));
    deployments.push(
      crdDeployment("ome", kind, [name, stage].filter(Boolean).join("/") || undefined, runner.node, sink.fields, sink.unresolved, {
        ...(serving.args ? { args: serving.args } : {}),
        ...sizeClaim,
        annotationHolders: holders(owner.get("metadata")),
      }),
    );
  }
  return deployments;
}

/** A runtime that serves `model`: named, else the one whose `modelSizeRange` holds its size, else the only one. */
function runtimeFor(spec: DocNode, model: DocNode | undefined, ctx: ExtractContext): DocNode | undefined {
  const runtimes = omeObjects(ctx, ["ClusterServingRuntime", "ServingRuntime"]);
  const named = str(spec.get("runtime")?.get("name"));
  if (named) return runtimes.get(named);
  const size = parameterCount(str(model?.get("spec")?.get("modelParameterSize")));
  if (size !== undefined) {
    for (const runtime of runtimes.values()) {
      const range = runtime.get("spec")?.get("modelSizeRange");
      const min = parameterCount(str(range?.get("min")));
      const max = parameterCount(str(range?.get("max")));
      if ((min === undefined || size >= min) && (max === undefined || size <= max)) return runtime;
    }
  }
  return runtimes.size === 1 ? [...runtimes.values()][0] : undefined;
}

export function omeInferenceService(object: DocNode, ctx: ExtractContext, kind: string): Deployment[] {
  const spec = object.get("spec");
  if (!spec || spec.type !== "map") return [];
  const name = str(object.get("metadata")?.get("name"));
  const modelRef = spec.get("model")?.get("name") ?? spec.get("predictor")?.get("model")?.get("baseModel");
  const modelName = str(modelRef);
  const model = modelName ? omeObjects(ctx, ["ClusterBaseModel", "BaseModel"]).get(modelName) : undefined;
  const runtime = runtimeFor(spec, model, ctx);
  if (runtime) {
    const found = runtimeDeployments(object, runtime, kind, name, model, ctx);
    if (found.length > 0) return found;
  }
  // The runtime (and often the model) live elsewhere: what the service names is all there is.
  const sink = newSink();
  const weights = model ? baseModelWeights(model) : undefined;
  if (weights?.located) setLocated(sink, "model", weights.located);
  else if (modelRef && modelName) setUnresolved(sink, "model", { raw: modelName, node: modelRef.node, reason: "reference", source: "model.name" });
  return [crdDeployment("ome", kind, name, (modelRef ?? spec).node, sink.fields, sink.unresolved, { annotationHolders: holders(object.get("metadata")) })];
}

/** A runtime that no InferenceService in the file uses is judged on the model it names. */
export function omeServingRuntime(object: DocNode, ctx: ExtractContext, kind: string): Deployment[] {
  const name = str(object.get("metadata")?.get("name"));
  for (const service of omeObjects(ctx, ["InferenceService"]).values()) {
    if (str(service.get("spec")?.get("runtime")?.get("name")) === name) return [];
  }
  if (omeObjects(ctx, ["InferenceService"]).size > 0) return [];
  return runtimeDeployments(object, object, kind, name, undefined, ctx);
}
