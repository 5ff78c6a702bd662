/**
 * NVIDIA Dynamo `DynamoGraphDeployment` (nvidia.com/v1alpha1; ai-dynamo/dynamo
 * deploy/cloud/operator/api/v1alpha1 `DynamoComponentDeploymentSharedSpec`). Each entry of
 * `spec.services` is a component; the workers (`componentType: worker`, P/D stages by
 * `subComponentType: prefill|decode`) run `python3 -m dynamo.vllm|dynamo.sglang|dynamo.trtllm` with
 * the engine's own flags in `extraPodSpec.mainContainer`. Their GPUs are the service's
 * `resources.limits.gpu` per pod, over `multinode.nodeCount` pods; `spec.backendFramework` names the
 * engine. The model is often a mounted path (`--model /model-cache/deepseek-r1`) whose public id is
 * only in `--served-model-name`: then that id names the weights.
 */
import type { ExtractContext } from "./context.js";
import type { DocNode } from "./doc.js";
import { str } from "./doc.js";
import { commandTokens, flagValue } from "./engine-seam.js";
import { crdDeployment, engineNamed, holders } from "./crd-kit.js";
import { locate, mergeFields, newSink, plainEnv, readField, setLocated, setUnresolved } from "./kit.js";
import { containerEnv, nodePlacement, resourceGpus, servingContainer } from "./pod.js";
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

export function dynamoGraphDeployment(object: DocNode, ctx: ExtractContext, kind: string): Deployment[] {
  const spec = object.get("spec");
  if (!spec || spec.type !== "map") return [];
  const name = str(object.get("metadata")?.get("name"));
  const backend = engineNamed(str(spec.get("backendFramework")));
  const deployments: Deployment[] = [];
  for (const [serviceName, service] of spec.get("services")?.entries() ?? []) {
    if (service.type !== "map") continue;
    const componentType = str(service.get("componentType")) ?? "";
    if (NOT_WORKERS.test(componentType) || NOT_WORKERS.test(serviceName)) continue;
    const podSpec = service.get("extraPodSpec");
    const main = podSpec?.get("mainContainer");
    if (!main || main.type !== "map") continue;
    const serving = servingContainer(main, ctx, backend ? { defaultEngine: backend } : {});
    if (!serving) continue;
    const sink = newSink();
    mergeFields(sink, { fields: nodePlacement(podSpec!) });
    mergeFields(sink, serving);
    servedModelName(main, ctx, sink);
    // GPUs per pod: the service's `resources` (`gpu`), else the container's own.
    const gpus = resourceGpus(service.get("resources"), ["gpu"]);
    if (gpus.located) setLocated(sink, "gpuCount", gpus.located);
    else if (gpus.unresolved) setUnresolved(sink, "gpuCount", gpus.unresolved);
    const nodeCount = service.get("multinode")?.get("nodeCount");
    if (nodeCount) readField(sink, "nodes", nodeCount, "int", "multinode.nodeCount");
    if (sink.fields.nodes?.value === 1) delete sink.fields.nodes;
    if (!sink.fields.engine && !sink.unresolved.engine && backend) sink.fields.engine = locate(spec.get("backendFramework")!, backend, "backendFramework");
    deployments.push(
      crdDeployment("dynamo", kind, name ? `${name}/${serviceName}` : serviceName, main.node, sink.fields, sink.unresolved, {
        ...(serving.args ? { args: serving.args } : {}),
        ...(podSpec?.type === "map" ? { placementTargets: [podSpec] } : {}),
        annotationHolders: holders(object.get("metadata"), service.get("annotations") ? service : undefined),
      }),
    );
  }
  return deployments;
}
