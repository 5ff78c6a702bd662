/**
 * KAITO (kaito.sh/v1alpha1, v1beta1). A `Workspace` keeps `resource` and `inference` at the top
 * level: `inference.preset.name` (a KAITO preset name, which the catalog resolves),
 * `resource.instanceType` (a cloud SKU → GPU × count per node), `resource.count` (nodes), and
 * `inference.config`, a ConfigMap whose `inference_config.yaml` has a `vllm:` map of engine flags
 * (kebab-case). `InferenceSet` wraps the same under `spec.template`; `MultiRoleInference` names an
 * HF model (`spec.model.name`) and one instance type per P/D role.
 *
 * What KAITO does at run time, from its source (github:kaito-project/kaito@056b828
 * pkg/model/interface.go `buildVLLMInferenceCommand`, `configureParallelism`):
 * - vLLM runs with `--gpu-memory-utilization=0.84` (0.82 on A10) and `--max-model-len=auto`;
 *   the ConfigMap's `vllm:` values are appended after them and win (inference_api.py).
 * - TP = the GPUs of one node; with several nodes PP = node count. A model under half of one GPU
 *   runs data parallel instead, which only makes a fit easier. The adapter leaves TP unwritten so
 *   the resolver spreads the model over all GPUs, and states PP = count for multi-node layouts.
 * - `resource.count` is a lower bound: KAITO's node estimator may raise it. It is judged as
 *   written, so a Workspace that needs more nodes than it asks for is reported.
 * - `--max-model-len=auto` lets vLLM fit the context to memory; the KV-cache check uses 2,048
 *   tokens, the context KAITO's own estimator sizes nodes for, unless the ConfigMap sets one.
 */
import { readSettingsMapping } from "./app-config.js";
import type { ExtractContext } from "./context.js";
import type { DocNode } from "./doc.js";
import { parseEmbedded, str } from "./doc.js";
import { podDeployments } from "./pod.js";
import { crdDeployment, holders, modelReference, type Unresolved } from "./crd-kit.js";
import { locate, mergeFields, readField, readScalar } from "./kit.js";
import type { Deployment, Located, LocatedFields } from "./types.js";

/** KAITO's default `--gpu-memory-utilization` (pkg/model/interface.go `defaultGPUMemoryUtilization`, A10 override). */
const KAITO_GPU_MEMORY_UTILIZATION = 0.84;
const KAITO_A10_GPU_MEMORY_UTILIZATION = 0.82;
/** Context KAITO's node estimator assumes when none is set (website/docs/memory-estimator.md). */
const KAITO_SIZING_CONTEXT = 2048;

/** The `vllm:` settings of the ConfigMap named by `inference.config`, when it is in the same file. */
function configSettings(inference: DocNode, ctx: ExtractContext): { fields: LocatedFields; unresolved: Unresolved } | undefined {
  const name = str(inference.get("config"));
  if (!name) return undefined;
  const file = ctx.configMaps.get(name)?.get("inference_config.yaml");
  const text = str(file);
  if (!file || text === undefined) return undefined;
  const vllm = parseEmbedded(text, file.node)[0]?.get("vllm");
  if (!vllm || vllm.type !== "map") return undefined;
  return readSettingsMapping(vllm, { settingsOnly: true });
}

/** One KAITO inference workload: `inference` + `resource` (a Workspace, an InferenceSet template). */
function readInference(object: DocNode, root: DocNode, kind: string, name: string | undefined, ctx: ExtractContext): Deployment[] {
  const inference = root.get("inference");
  const resource = root.get("resource");
  if (!inference || inference.type !== "map") return [];
  const fields: LocatedFields = {};
  const unresolved: Unresolved = {};
  const annotationHolders = holders(object.get("metadata"));

  readField({ fields, unresolved }, "instanceType", resource?.get("instanceType"), "string", "instanceType");
  const count = readScalar(resource?.get("count"), "int", "resource.count");
  if (count && "reason" in count) unresolved.nodes = count;
  else if (count && (count.value as number) > 1) {
    fields.nodes = count as Located<number>;
    fields.pipelineParallel = { ...(count as Located<number>), readonly: true, source: "resource.count (KAITO sets PP = nodes)" };
  }
  // `partition: {mode: accelerator, count: N}` on your own nodes: N GPUs of a type the file does not name.
  const partition = resource?.get("partition");
  if (str(partition?.get("mode")) === "accelerator") readField({ fields, unresolved }, "gpuCount", partition?.get("count"), "int", "partition.count");

  const template = inference.get("template");
  if (template?.type === "map" && !inference.get("preset")) {
    // A custom pod template: its own engine command, on the Workspace's nodes.
    return podDeployments(template.get("spec") ?? template, { format: "kaito", kind, name, anchor: object, annotationHolders }, ctx, fields);
  }

  const preset = inference.get("preset")?.get("name");
  const model = modelReference(preset, "preset.name");
  if (model.located) fields.model = { ...model.located, readonly: true };
  else if (model.unresolved) {
    // Preset names have no organisation; anything readable that is not a template is a name to look up.
    const raw = str(preset);
    if (preset && raw && model.unresolved.reason === "reference") fields.model = locate(preset, raw, "preset.name", { readonly: true });
    else unresolved.model = model.unresolved;
  }
  const anchorNode = preset ?? inference;
  const a10 = /_A10_/i.test(fields.instanceType?.value ?? "");
  fields.gpuMemoryUtilization = locate(anchorNode, a10 ? KAITO_A10_GPU_MEMORY_UTILIZATION : KAITO_GPU_MEMORY_UTILIZATION, "KAITO default --gpu-memory-utilization", {
    readonly: true,
  });
  fields.maxModelLen = locate(anchorNode, KAITO_SIZING_CONTEXT, "KAITO --max-model-len=auto (sized for 2,048 tokens)", { readonly: true });

  const config = configSettings(inference, ctx);
  if (config) {
    mergeFields({ fields, unresolved }, config);
  }
  // The preset decides the model; a `model` key in the vLLM map would not change the weights.
  if (config?.fields.model && model.located) fields.model = { ...model.located, readonly: true };
  return [crdDeployment("kaito", kind, name, (resource?.get("instanceType") ?? anchorNode).node, fields, unresolved, { annotationHolders, layoutOwner: "tensor-from-gpus" })];
}

export function kaitoWorkspace(object: DocNode, ctx: ExtractContext, kind: string): Deployment[] {
  return readInference(object, object, kind, str(object.get("metadata")?.get("name")), ctx);
}

export function kaitoInferenceSet(object: DocNode, ctx: ExtractContext, kind: string): Deployment[] {
  const template = object.get("spec")?.get("template");
  if (!template || template.type !== "map") return [];
  return readInference(object, template, kind, str(object.get("metadata")?.get("name")), ctx);
}

/** One deployment per role (prefill, decode), each on its own instance type. */
export function kaitoMultiRoleInference(object: DocNode, ctx: ExtractContext, kind: string): Deployment[] {
  void ctx;
  const spec = object.get("spec");
  if (!spec || spec.type !== "map") return [];
  const name = str(object.get("metadata")?.get("name"));
  const model = modelReference(spec.get("model")?.get("name"), "model.name");
  const deployments: Deployment[] = [];
  for (const role of spec.get("roles")?.items() ?? []) {
    const fields: LocatedFields = {};
    const unresolved: Unresolved = {};
    if (model.located) fields.model = model.located;
    else if (model.unresolved) unresolved.model = model.unresolved;
    readField({ fields, unresolved }, "instanceType", role.get("instanceType"), "string", "instanceType");
    const anchor = role.get("instanceType") ?? role;
    fields.gpuMemoryUtilization = locate(anchor, KAITO_GPU_MEMORY_UTILIZATION, "KAITO default --gpu-memory-utilization", { readonly: true });
    fields.maxModelLen = locate(anchor, KAITO_SIZING_CONTEXT, "KAITO --max-model-len=auto (sized for 2,048 tokens)", { readonly: true });
    const type = str(role.get("type"));
    deployments.push(crdDeployment("kaito", kind, name && type ? `${name}/${type}` : (name ?? type), anchor.node, fields, unresolved, { annotationHolders: holders(object.get("metadata")), layoutOwner: "tensor-from-gpus" }));
  }
  return deployments;
}
