/**
 * AI Runway `ModelDeployment` (airunway.ai/v1alpha1; the kaito-project/kubeairunway controller,
 * controller/api/v1alpha1/modeldeployment_types.go): `spec.model.id`, `spec.engine` (`type`,
 * `contextLength`, `enforceEager`, `args` as a map of flag names, `extraArgs`), the GPUs of
 * `spec.resources.gpu` (aggregated) or of `spec.scaling.prefill` / `decode` (disaggregated, judged as
 * two stages), and `spec.nodeSelector`. A provider turns it into its own resources: the llm-d and
 * KubeRay providers set tensor parallel to the GPU count, Dynamo's passes only the flags written
 * (providers/dynamo/transformer.go `buildEngineArgs`), so vLLM starts at TP 1 there; its
 * `provider.overrides` may spread a worker over `multinode.nodeCount` nodes.
 */
import type { ExtractContext } from "./context.js";
import type { DocNode } from "./doc.js";
import { follow, str } from "./doc.js";
import { commandTokens, parseEngineCall } from "./engine-seam.js";
import { readEngineConfig } from "./engine-config.js";
import { crdDeployment, engineNamed, holders, modelReference } from "./crd-kit.js";
import { deviceQuantity, nodePlacement } from "./pod.js";
import { locate, mergeFields, newSink, readField, readNodes, setLocated, setUnresolved } from "./kit.js";
import { DEFAULT_ENGINE } from "../engines/index.js";
import type { Deployment } from "./types.js";

/**
 * `gpu: {count, type}`: the count, or why it is not one; a count of 0 (the default) is a CPU
 * deployment. `type` names the device plugin's resource (`amd.com/gpu`), whose vendor the count's
 * source carries, as a pod's `resources` key does.
 */
function readGpu(sink: ReturnType<typeof newSink>, gpu: DocNode | undefined, holder: DocNode): void {
  const resource = str(gpu?.get("type"));
  const count = deviceQuantity(gpu?.get("count"), resource && /^amd\.com\//.test(resource) ? resource : "gpu.count");
  if (count && "value" in count && count.value > 0) setLocated(sink, "gpuCount", count);
  else if (count && !("value" in count)) setUnresolved(sink, "gpuCount", count);
  else setUnresolved(sink, "gpuCount", { raw: "none", node: (gpu ?? holder).node, reason: "unsupported", source: "gpu.count", note: "No GPU is requested (gpu.count is 0 or unset)" });
}

export function modelDeployment(object: DocNode, ctx: ExtractContext, kind: string): Deployment[] {
  const spec = object.get("spec");
  if (!spec || spec.type !== "map") return [];
  const name = str(object.get("metadata")?.get("name"));
  const engineSpec = spec.get("engine");
  const typeNode = engineSpec?.get("type");
  const engine = engineNamed(str(typeNode)) ?? (typeNode ? undefined : DEFAULT_ENGINE);
  const provider = str(spec.get("provider")?.get("name"))?.toLowerCase();

  const base = newSink();
  if (engine) setLocated(base, "engine", locate(typeNode ?? spec, engine, typeNode ? "engine.type" : "ModelDeployment"));
  else setUnresolved(base, "engine", { raw: str(typeNode) ?? "", node: typeNode!.node, reason: "unsupported", source: "engine.type", note: `It runs ${str(typeNode) ?? "an engine"}, which this version finds but does not size yet` });
  // `source: custom` serves weights baked into the image: the file does not say which.
  const model = spec.get("model");
  if (str(model?.get("source")) === "custom") setUnresolved(base, "model", { raw: "custom", node: (model?.get("source") ?? spec).node, reason: "reference", source: "model.source" });
  else {
    const reference = modelReference(model?.get("id"), "model.id");
    if (reference.located) setLocated(base, "model", reference.located);
    else if (reference.unresolved) setUnresolved(base, "model", reference.unresolved);
  }
  readField(base, "maxModelLen", engineSpec?.get("contextLength"), "size", "engine.contextLength");
  readField(base, "enforceEager", engineSpec?.get("enforceEager"), "bool", "engine.enforceEager");
  const args = engineSpec?.get("args");
  if (engine && args?.type === "map") mergeFields(base, readEngineConfig(args, engine, "engine.args."));
  const extraArgs = engineSpec?.get("extraArgs");
  if (engine && extraArgs?.type === "seq") {
    const call = parseEngineCall(commandTokens(extraArgs.items(), ctx.text, new Map()).tokens, { imageEngine: engine });
    if (call) {
      delete call.fields.model;
      delete call.unresolved.model;
      mergeFields(base, call);
    }
  }
  mergeFields(base, { fields: nodePlacement(spec) }, "fill");
  // Dynamo's override that spreads the worker over nodes (`services.<Worker>.multinode.nodeCount`).
  for (const [, service] of follow(spec, ["provider", "overrides", "spec", "services"])?.entries() ?? []) {
    const nodeCount = service.get("multinode")?.get("nodeCount");
    if (nodeCount) readNodes(base, nodeCount, "multinode.nodeCount");
  }

  const stages: Array<[string | undefined, DocNode | undefined, DocNode]> = str(spec.get("serving")?.get("mode")) === "disaggregated"
    ? (["prefill", "decode"] as const).flatMap((stage) => {
        const scaling = spec.get("scaling")?.get(stage);
        return scaling?.type === "map" ? [[stage, scaling.get("gpu"), scaling] as [string, DocNode | undefined, DocNode]] : [];
      })
    : [[undefined, spec.get("resources")?.get("gpu"), spec.get("resources") ?? spec]];
  return stages.map(([stage, gpu, holder]) => {
    const sink = newSink();
    mergeFields(sink, base);
    readGpu(sink, gpu, holder);
    const argsTarget = args?.type === "map" && !args.embedded ? { args: { kind: "map" as const, node: args, keyStyle: "kebab" as const } } : {};
    return crdDeployment("airunway", kind, stage ? `${name ?? "model"}/${stage}` : name, (gpu ?? holder).node, sink.fields, sink.unresolved, {
      ...argsTarget,
      // Every provider but Dynamo's sets tensor parallel to the GPUs when the flags do not.
      ...(provider === "dynamo" ? {} : { layoutOwner: "tensor-from-gpus" as const }),
      resourceTarget: holder,
      placementTargets: [spec],
      annotationHolders: holders(object.get("metadata")),
    });
  });
}
