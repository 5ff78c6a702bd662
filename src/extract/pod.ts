/**
 * Reading a Kubernetes pod spec: the serving container, its engine flags and env, its GPU count, and
 * the GPU type from the node selector or required node affinity. Shared by every adapter that embeds
 * a pod template (Deployments, LeaderWorkerSets, KServe, Ray worker groups…).
 */
import { describeImage } from "../engines/index.js";
import type { Engine } from "../sizing/types.js";
import type { DocNode } from "./doc.js";
import { str } from "./doc.js";
import { applyEnvFields, commandTokens, type EngineCall, engineFromImage, imageOnlyCall, parseEngineCall, shellTokens, valuesOf } from "./engine-args.js";
import type { ExtractContext } from "./context.js";
import { applyMountedConfig } from "./engine-config.js";
import { deferredReason, type EnvMap, plainEnv } from "./kit.js";
import type { Deployment, FieldName, Located, LocatedFields, UnresolvedValue } from "./types.js";

/** Extended resources that count GPUs (device plugins of NVIDIA and AMD). */
export const GPU_RESOURCES = ["nvidia.com/gpu", "amd.com/gpu"];

/** Node labels that name a GPU type, a GPU memory size or an instance type. */
const GPU_TYPE_LABELS = [
  "nvidia.com/gpu.product",
  "cloud.google.com/gke-accelerator",
  "karpenter.k8s.aws/instance-gpu-name",
  "machine.cluster.vke.volcengine.com/gpu-name",
  "accelerator",
  "gpu-type",
  "gpuType",
];
const GPU_MEMORY_LABELS = ["nvidia.com/gpu.memory", "karpenter.k8s.aws/instance-gpu-memory"];
const INSTANCE_TYPE_LABELS = ["node.kubernetes.io/instance-type", "beta.kubernetes.io/instance-type"];

export interface OwnerInfo {
  format: string;
  kind: string;
  name: string | undefined;
  anchor: DocNode;
  annotationHolders: DocNode[];
}

/** A literal env map of a container: name → value (undefined for `valueFrom` and missing references). */
export function containerEnv(container: DocNode, ctx: ExtractContext): EnvMap {
  const env: EnvMap = new Map();
  for (const source of container.get("envFrom")?.items() ?? []) {
    const name = str(source.get("configMapRef")?.get("name"));
    const data = name ? ctx.configMaps.get(name) : undefined;
    if (!data) continue;
    for (const [key, value] of data) env.set(key, { value: str(value), node: value });
  }
  for (const entry of container.get("env")?.items() ?? []) {
    const name = str(entry.get("name"));
    if (!name) continue;
    const value = entry.get("value");
    const reference = entry.get("valueFrom")?.get("configMapKeyRef");
    if (reference) {
      const data = ctx.configMaps.get(str(reference.get("name")) ?? "");
      const referenced = data?.get(str(reference.get("key")) ?? "");
      env.set(name, { value: str(referenced), node: referenced ?? entry });
    } else {
      env.set(name, { value: value ? (str(value) ?? (value.type === "scalar" ? String(value.value) : undefined)) : undefined, node: value ?? entry });
    }
  }
  return env;
}


/** How an adapter reads the containers of a platform whose pods run a known engine. */
export interface ContainerOptions {
  /**
   * The engine the platform's image runs when neither the image name nor the command names one
   * (KServe's `huggingfaceserver` and LLMInferenceService images run vLLM): args-only flags are
   * that engine's, and a container without flags still counts as serving it.
   */
  defaultEngine?: Engine;
}

/** The engine a container runs, with its flags; undefined for containers that serve no model. */
export function containerEngineCall(container: DocNode, ctx: ExtractContext, options: ContainerOptions = {}): EngineCall | undefined {
  const image = str(container.get("image"));
  const imageEngine = engineFromImage(image) ?? options.defaultEngine;
  const env = containerEnv(container, ctx);
  const command = container.get("command")?.items() ?? [];
  const args = container.get("args")?.items() ?? [];
  const { tokens, shell } = commandTokens([...command, ...args], ctx.text, plainEnv(env));
  // KServe's LLMInferenceService passes extra vLLM flags in one env string.
  const additional = env.get("VLLM_ADDITIONAL_ARGS");
  if (additional?.value) tokens.push(...shellTokens(additional.node, ctx.text, plainEnv(env)));
  const argsList = !shell && args.length > 0 ? container.get("args") : !shell && command.length > 0 ? container.get("command") : undefined;
  let call = parseEngineCall(tokens, { ...(imageEngine ? { imageEngine } : {}), ...(argsList ? { argsList } : {}) });
  if (!call && imageOnlyCall(imageEngine)) {
    call = imageOnlyCall(imageEngine);
  } else if (!call && options.defaultEngine && imageEngine === options.defaultEngine) {
    call = { engine: imageEngine, fields: {}, unresolved: {} };
    if (argsList?.type === "seq" && !argsList.embedded) call.args = { kind: "list", node: argsList, equals: false };
  }
  if (!call) return undefined;
  applyEnvFields(call, env);
  return call;
}

function quantity(node: DocNode | undefined): Located<number> | UnresolvedValue | undefined {
  if (!node || node.type !== "scalar") return undefined;
  const raw = String(node.value);
  if (/^\s*\d+\s*$/.test(raw)) return { value: Number(raw), node: node.node, source: "", ...(node.embedded ? { readonly: true } : {}) };
  return { raw, node: node.node, reason: deferredReason(raw) ?? "invalid" };
}

/** GPUs a container requests (limits first, as the device plugin requires them). */
export function containerGpus(container: DocNode): { located?: Located<number>; unresolved?: UnresolvedValue } {
  for (const section of ["limits", "requests"]) {
    const resources = container.get("resources")?.get(section);
    for (const resource of GPU_RESOURCES) {
      const found = quantity(resources?.get(resource));
      if (!found) continue;
      if (!("value" in found)) return { unresolved: found };
      // Kubernetes requires GPU requests to equal limits: an edit of one must change the other.
      const request = section === "limits" ? quantity(container.get("resources")?.get("requests")?.get(resource)) : undefined;
      const mirrors = request && "value" in request ? [{ ...request, source: resource }] : [];
      return { located: { ...found, source: resource, ...(mirrors.length > 0 ? { mirrors } : {}) } };
    }
  }
  return {};
}

/** GPU type, memory and instance type from `nodeSelector` and required node affinity `In` terms. */
export function nodePlacement(podSpec: DocNode): LocatedFields {
  const fields: LocatedFields = {};
  const consider = (key: string, valueNode: DocNode) => {
    const value = str(valueNode);
    if (!value || valueNode.type !== "scalar") return;
    const located = { value, node: valueNode.node, source: key, ...(valueNode.embedded ? { readonly: true } : {}) };
    if (GPU_TYPE_LABELS.includes(key) && !fields.gpuType) fields.gpuType = located;
    else if (GPU_MEMORY_LABELS.includes(key) && /^\d+$/.test(value)) fields.gpuMemoryMiB = { ...located, value: Number(value) };
    else if (INSTANCE_TYPE_LABELS.includes(key) && !fields.instanceType) fields.instanceType = located;
  };
  for (const [key, value] of podSpec.get("nodeSelector")?.entries() ?? []) consider(key, value);
  const terms = podSpec.get("affinity")?.get("nodeAffinity")?.get("requiredDuringSchedulingIgnoredDuringExecution")?.get("nodeSelectorTerms")?.items() ?? [];
  for (const term of terms) {
    for (const expression of term.get("matchExpressions")?.items() ?? []) {
      const key = str(expression.get("key"));
      const values = expression.get("values")?.items() ?? [];
      // One value pins the type; several mean "any of them", which cannot be judged as one GPU.
      if (key && str(expression.get("operator")) === "In" && values.length === 1) consider(key, values[0]!);
    }
  }
  return fields;
}

/** Every serving container of a pod spec, as deployments. */
export function podDeployments(podSpec: DocNode, owner: OwnerInfo, ctx: ExtractContext, extra: LocatedFields = {}, options: ContainerOptions = {}): Deployment[] {
  const placement = nodePlacement(podSpec);
  const deployments: Deployment[] = [];
  for (const container of podSpec.get("containers")?.items() ?? []) {
    const call = containerEngineCall(container, ctx, options);
    if (!call) continue;
    applyMountedConfig(call, container, podSpec, ctx);
    const fields: LocatedFields = { ...placement, ...extra, ...call.fields };
    const unresolved: Partial<Record<FieldName, UnresolvedValue>> = { ...call.unresolved };
    fields.engine = { value: call.engine, node: (container.get("image") ?? container).node, source: "image" } satisfies Located<Engine>;
    const image = describeImage(str(container.get("image")));
    const gpus = containerGpus(container);
    if (gpus.located && !fields.gpuCount) fields.gpuCount = gpus.located;
    else if (gpus.unresolved) unresolved.gpuCount = gpus.unresolved;
    deployments.push({
      format: owner.format,
      kind: owner.kind,
      name: owner.name,
      fields,
      unresolved,
      anchor: container.node,
      // The tag is the engine's release only when the image is the engine's own.
      ...(image?.tag && image.engine === call.engine ? { engineVersion: image.tag } : {}),
      ...(call.args ? { args: call.args } : {}),
      resourceTarget: container,
      annotationHolders: owner.annotationHolders,
    });
  }
  return deployments;
}

export { valuesOf };
