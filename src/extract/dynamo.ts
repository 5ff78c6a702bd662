/**
 * NVIDIA Dynamo `DynamoGraphDeployment` and `DynamoComponentDeployment` (nvidia.com; ai-dynamo/dynamo
 * deploy/operator/api `DynamoComponentDeploymentSharedSpec`). Each component is a worker unless its
 * type or name says it routes, plans or picks endpoints; the workers run
 * `python3 -m dynamo.vllm|dynamo.sglang|dynamo.trtllm` with the engine's own flags.
 * - v1beta1 (the storage version): `spec.components[]`, each a native `podTemplate` whose container
 *   `main` runs the engine, with its GPUs in that container's `resources` like any pod.
 * - v1alpha1: `spec.services.<name>`, the command in `extraPodSpec.mainContainer`, the GPUs per pod in
 *   the service's `resources.limits.gpu`.
 *
 * Both span `multinode.nodeCount` pods, and `spec.backendFramework` names the engine. The model is
 * often a mounted path (`--model /model-cache/deepseek-r1`) whose public id is only in
 * `--served-model-name`: then that id names the weights. A `DynamoGraphDeploymentRequest` names a
 * model and leaves the GPUs and the layout to Dynamo's profiler: it is found and said to be unchecked.
 */
import type { ExtractContext } from "./context.js";
import type { DocNode } from "./doc.js";
import { str } from "./doc.js";
import { commandTokens, flagValue } from "./engine-seam.js";
import { crdDeployment, engineNamed, holders } from "./crd-kit.js";
import { mergeFields, newSink, plainEnv, readField, readNodes, setLocated, setUnresolved } from "./kit.js";
import { containerEnv, nodePlacement, podDeployments, resourceGpus, servingContainer } from "./pod.js";
import type { Deployment } from "./types.js";

/** Components that route, plan or cache but serve no model. */
const NOT_WORKERS = /^(frontend|planner|router|processor|prometheus|epp|encoder)$/i;

/**
 * `--served-model-name org/name` stands for the weights when `--model` is a mounted path: Dynamo's
 * recipes download `org/name` into the model cache and serve it under that name.
 */
export function servedModelName(container: DocNode, ctx: ExtractContext, sink: { fields: Deployment["fields"] }): void {
  const model = sink.fields.model;
  if (model && !/^(\/|\.\/|~)/.test(model.value)) return;
  const env = containerEnv(container, ctx);
  const { tokens } = commandTokens([...(container.get("command")?.items() ?? []), ...(container.get("args")?.items() ?? [])], ctx.text, plainEnv(env));
  const served = flagValue(tokens, ["--served-model-name"]);
  if (!served || !/^[\w.-]+\/[\w.-]+$/.test(served.text)) return;
  sink.fields.model = { value: served.text, node: served.token.from.node, source: "--served-model-name", readonly: true, ...(served.range ? { range: served.range } : {}) };
}

/** The graph a component belongs to: what its deployments are named after and which engine it runs. */
interface Graph {
  object: DocNode;
  kind: string;
  name: string | undefined;
  spec: DocNode;
  backend: ReturnType<typeof engineNamed>;
}

export function dynamoGraphDeployment(object: DocNode, ctx: ExtractContext, kind: string): Deployment[] {
  const spec = object.get("spec");
  if (!spec || spec.type !== "map") return [];
  const graph: Graph = { object, kind, name: str(object.get("metadata")?.get("name")), spec, backend: engineNamed(str(spec.get("backendFramework"))) };
  const deployments: Deployment[] = [];
  for (const component of spec.get("components")?.items() ?? []) {
    if (component.type === "map") deployments.push(...componentDeployments(component, str(component.get("name")) ?? "", graph, ctx));
  }
  for (const [serviceName, service] of spec.get("services")?.entries() ?? []) {
    if (service.type === "map") deployments.push(...componentDeployments(service, serviceName, graph, ctx));
  }
  return deployments;
}

/** A standalone component: its `spec` is one component of the shared spec, named by the object. */
export function dynamoComponentDeployment(object: DocNode, ctx: ExtractContext, kind: string): Deployment[] {
  const spec = object.get("spec");
  if (!spec || spec.type !== "map") return [];
  const name = str(spec.get("name")) ?? str(object.get("metadata")?.get("name"));
  return componentDeployments(spec, "", { object, kind, name, spec, backend: engineNamed(str(spec.get("backendFramework"))) }, ctx);
}

/** The deployments of one component (none for frontends, routers and planners). */
function componentDeployments(component: DocNode, componentName: string, graph: Graph, ctx: ExtractContext): Deployment[] {
  const componentType = str(component.get("type")) ?? str(component.get("componentType")) ?? "";
  if (NOT_WORKERS.test(componentType) || NOT_WORKERS.test(componentName)) return [];
  const name = [graph.name, componentName].filter(Boolean).join("/") || undefined;
  const nodeCount = component.get("multinode")?.get("nodeCount");
  const annotationHolders = holders(graph.object.get("metadata"), component.get("annotations") ? component : undefined);
  const options = graph.backend ? { defaultEngine: graph.backend } : {};
  const podSpec = component.get("podTemplate")?.get("spec");
  if (podSpec?.type === "map") {
    // v1beta1: a pod like any other; the container `main` runs the engine (other containers are sidecars, read too when they serve).
    return podDeployments(podSpec, { format: "dynamo", kind: graph.kind, name, anchor: component, annotationHolders }, ctx, {}, options).map((deployment) => {
      servedModelName(deployment.resourceTarget!, ctx, deployment);
      readNodes(deployment, nodeCount, "multinode.nodeCount");
      return deployment;
    });
  }
  const extraPodSpec = component.get("extraPodSpec");
  const main = extraPodSpec?.get("mainContainer");
  if (!main || main.type !== "map") return [];
  const serving = servingContainer(main, ctx, options);
  if (!serving) return [];
  const sink = newSink();
  mergeFields(sink, { fields: nodePlacement(extraPodSpec!) });
  mergeFields(sink, serving);
  servedModelName(main, ctx, sink);
  // GPUs per pod: the service's `resources` (`gpu`), else the container's own.
  const gpus = resourceGpus(component.get("resources"), ["gpu"]);
  if (gpus.located) setLocated(sink, "gpuCount", gpus.located);
  else if (gpus.unresolved) setUnresolved(sink, "gpuCount", gpus.unresolved);
  readNodes(sink, nodeCount, "multinode.nodeCount");
  return [
    crdDeployment("dynamo", graph.kind, name, main.node, sink.fields, sink.unresolved, {
      ...(serving.args ? { args: serving.args } : {}),
      ...(extraPodSpec?.type === "map" ? { placementTargets: [extraPodSpec] } : {}),
      annotationHolders,
    }),
  ];
}

/**
 * A `DynamoGraphDeploymentRequest` (v1alpha1, v1beta1: `spec.model`) has Dynamo's profiler choose the
 * GPUs and the layout from SLA targets and deploy the result: nothing in the file says what it will
 * run on. The generated DynamoGraphDeployment (the request's `status.generatedDeployment`) is what
 * can be judged.
 */
export function dynamoDeploymentRequest(object: DocNode, ctx: ExtractContext, kind: string): Deployment[] {
  const spec = object.get("spec");
  const model = spec?.get("model");
  if (!spec || spec.type !== "map" || !model) return [];
  const sink = newSink();
  readField(sink, "model", model, "string", "model");
  setUnresolved(sink, "gpuCount", {
    raw: "profiler",
    node: model.node,
    reason: "unsupported",
    source: "profiler",
    note: "Dynamo's profiler picks the GPUs and the layout when it runs",
  });
  return [crdDeployment("dynamo", kind, str(object.get("metadata")?.get("name")), model.node, sink.fields, sink.unresolved, { annotationHolders: holders(object.get("metadata")) })];
}
