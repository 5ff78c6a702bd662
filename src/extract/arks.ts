/**
 * Arks (arks.scitix.ai/v1, arks.ai/v1; scitix/arks api/v1). `ArksApplication`: `runtime`
 * (vllm — the default — or sglang; dynamo), `model.name` → the `ArksModel` of that name, whose
 * `spec.model` is the Hugging Face id, `tensorParallelSize`, `size` pods per instance,
 * `runtimeCommonArgs` (engine flags) and `instanceSpec` (`resources`, `nodeSelector`, `affinity`,
 * `env` of every pod). `ArksDisaggregatedApplication` has the same for its `prefill` and `decode`
 * workloads. A model defined in another file is a reference the deployment cannot be judged without.
 */
import type { ExtractContext } from "./context.js";
import { kubernetesObjects } from "./context.js";
import type { DocNode } from "./doc.js";
import { str } from "./doc.js";
import { flagListCall } from "./engine-seam.js";
import { crdDeployment, engineNamed, holders, modelReference } from "./crd-kit.js";
import { locate, mergeFields, newSink, readEnv, plainEnv, readField, readNodes, setLocated, setUnresolved } from "./kit.js";
import { nodePlacement, resourceGpus } from "./pod.js";
import type { Deployment } from "./types.js";

/** The Hugging Face id of the `ArksModel` named `name` in the same file. */
function arksModel(name: string, ctx: ExtractContext): DocNode | undefined {
  for (const document of ctx.documents) {
    for (const object of kubernetesObjects(document)) {
      if (str(object.get("kind")) === "ArksModel" && str(object.get("metadata")?.get("name")) === name) return object.get("spec")?.get("model");
    }
  }
  return undefined;
}

interface Workload {
  name: string | undefined;
  instance: DocNode | undefined;
  args: DocNode | undefined;
  size: DocNode | undefined;
}

function arksDeployment(object: DocNode, spec: DocNode, workload: Workload, ctx: ExtractContext, kind: string): Deployment {
  const sink = newSink();
  const runtimeNode = spec.get("runtime");
  const runtime = str(runtimeNode) ?? "vllm";
  const engine = engineNamed(runtime);
  if (engine) setLocated(sink, "engine", locate(runtimeNode ?? spec, engine, "runtime"));
  else setUnresolved(sink, "engine", { raw: runtime, node: (runtimeNode ?? spec).node, reason: "unsupported", source: "runtime", note: `It runs ${runtime}, which this version finds but does not size yet` });

  const modelRef = spec.get("model")?.get("name");
  const modelName = str(modelRef);
  const named = modelName ? arksModel(modelName, ctx) : undefined;
  const model = modelReference(named, "ArksModel spec.model");
  if (model.located) setLocated(sink, "model", model.located);
  else if (model.unresolved) setUnresolved(sink, "model", model.unresolved);
  else if (modelRef && modelName) setUnresolved(sink, "model", { raw: modelName, node: modelRef.node, reason: "reference", source: "model.name" });

  const instance = workload.instance;
  if (instance?.type === "map") mergeFields(sink, { fields: nodePlacement(instance) });
  const env = readEnv(instance?.get("env"));
  if (engine) {
    const call = flagListCall(engine, workload.args, ctx.text, plainEnv(env));
    delete call.fields.model;
    mergeFields(sink, call);
  }
  readField(sink, "tensorParallel", spec.get("tensorParallelSize"), "int", "tensorParallelSize");
  const gpus = resourceGpus(instance?.get("resources"));
  if (gpus.located) setLocated(sink, "gpuCount", gpus.located);
  else if (gpus.unresolved) setUnresolved(sink, "gpuCount", gpus.unresolved);
  readNodes(sink, workload.size, "size");
  const appName = str(object.get("metadata")?.get("name"));
  return crdDeployment("arks", kind, workload.name && appName ? `${appName}/${workload.name}` : appName, (modelRef ?? spec).node, sink.fields, sink.unresolved, {
    annotationHolders: holders(object.get("metadata")),
    ...(instance?.type === "map" ? { placementTargets: [instance] } : {}),
  });
}

export function arksApplication(object: DocNode, ctx: ExtractContext, kind: string): Deployment[] {
  const spec = object.get("spec");
  if (!spec || spec.type !== "map") return [];
  return [arksDeployment(object, spec, { name: undefined, instance: spec.get("instanceSpec"), args: spec.get("runtimeCommonArgs"), size: spec.get("size") }, ctx, kind)];
}

export function arksDisaggregatedApplication(object: DocNode, ctx: ExtractContext, kind: string): Deployment[] {
  const spec = object.get("spec");
  if (!spec || spec.type !== "map") return [];
  const deployments: Deployment[] = [];
  for (const stage of ["prefill", "decode"]) {
    const workload = spec.get(stage);
    if (workload?.type !== "map") continue;
    deployments.push(arksDeployment(object, spec, { name: stage, instance: workload.get("instanceSpec"), args: workload.get("runtimeCommonArgs"), size: workload.get("size") }, ctx, kind));
  }
  return deployments;
}
