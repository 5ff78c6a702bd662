/**
 * Reading a Kubernetes pod spec: the serving container, its engine flags and env, its GPU count, and
 * the GPU type from the node selector or required node affinity. Shared by every adapter that embeds
 * a pod template (Deployments, LeaderWorkerSets, KServe, Ray worker groups…).
 */
import { describeImage, engineById, engineFromFlags } from "../engines/index.js";
import type { Engine } from "../sizing/types.js";
import type { DocNode } from "./doc.js";
import { str } from "./doc.js";
import { applyEnvFields, commandTokens, engineCall, type EngineCall, engineFromImage, imageOnlyCall, mayRunUnsizedServer, LLAMA_SWAP, mayStartEngine, shellTokens, swapConfigPath, unsizedServer, unsizedServerNote, valuesOf } from "./engine-seam.js";
import type { ExtractContext } from "./context.js";
import { applyMountedConfig, mountedConfigMapFile } from "./engine-config.js";
import { downloadInto } from "./downloads.js";
import { readTritonVllmBackend, TRITON } from "./triton.js";
import { isLlmNimImage, nimContainerFields } from "./nim.js";
import { deferredReason, type EnvMap, type FieldSink, locate, mergeFields, MIG_RESOURCE, onCpuOf, modelFromMount, type Mount, namesNoGpuType, newSink, plainEnv, serverElsewhere, setLocated, setCommandAtDeployTime, setUnresolved, setUnseenScript, setModelInUnseenConfig, setUnknownServerModel, isScriptFile, MODEL_ENV_NAMES, sliceOf } from "./kit.js";
import { printable } from "../text.js";
import type { Deployment, Located, LocatedFields, UnresolvedValue } from "./types.js";

/**
 * Device-plugin resources that count accelerators sized here: GPUs of NVIDIA, AMD and Intel, and
 * GKE's TPU chips (`google.com/tpu`, one per chip: GKE docs, "Plan TPUs in GKE").
 */
// `nvidia.com/gpu.shared`: the device plugin's time-sliced GPUs (`renameByDefault`), each a share of a whole GPU's time and memory.
// `gpu.intel.com/i915` and `gpu.intel.com/xe`: Intel's GPU device plugin, one GPU each (its `sharedDevNum` default of 1).
export const GPU_RESOURCES = ["nvidia.com/gpu", "amd.com/gpu", "nvidia.com/gpu.shared", "gpu.intel.com/i915", "gpu.intel.com/xe", "google.com/tpu"];

/** Node labels that name a GPU type, a GPU memory size or an instance type. */
const GPU_TYPE_LABELS = [
  "nvidia.com/gpu.product",
  "cloud.google.com/gke-accelerator",
  // GKE's TPU node pools: `tpu-v5-lite-podslice`, `tpu-v6e-slice` (GKE docs, "Plan TPUs in GKE").
  "cloud.google.com/gke-tpu-accelerator",
  "karpenter.k8s.aws/instance-gpu-name",
  "machine.cluster.vke.volcengine.com/gpu-name",
  // Cloud Run's (a Knative Service's `nodeSelector`, Cloud Run docs "Configure GPU").
  "run.googleapis.com/accelerator",
  // ROCm's node labeller: `amd.com/gpu.product-name=AMD_Instinct_MI300X_OAM` (and its `beta.` twin).
  "amd.com/gpu.product-name",
  "beta.amd.com/gpu.product-name",
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

/**
 * A literal env map of a container: name → value (undefined for `valueFrom` and missing
 * references), over what the platform sets in every pod (`platformEnv`: LWS's `LWS_GROUP_SIZE`).
 */
export function containerEnv(container: DocNode, ctx: ExtractContext, platformEnv?: ReadonlyMap<string, string>): EnvMap {
  const env: EnvMap = new Map();
  for (const [name, value] of platformEnv ?? []) env.set(name, { value, node: container });
  for (const source of container.get("envFrom")?.items() ?? []) {
    const name = str(source.get("configMapRef")?.get("name"));
    const data = name ? ctx.configMaps.get(name) : undefined;
    if (!data) continue;
    for (const [key, value] of data) env.set(key, { value: str(value), node: value });
  }
  // A list of `{name, value}` as Kubernetes writes it, or a map of name → value (or → `{value}` /
  // `{valueFrom}`) as chart values write it (bjw-s app-template's `env:`).
  const written = container.get("env");
  const entries: Array<{ name: string | undefined; entry: DocNode }> =
    written?.type === "map" ? written.entries().map(([name, entry]) => ({ name, entry })) : (written?.items() ?? []).map((entry) => ({ name: str(entry.get("name")), entry }));
  for (const { name, entry } of entries) {
    if (!name) continue;
    const value = entry.type === "map" ? entry.get("value") : entry.type === "scalar" ? entry : undefined;
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
  /** Variables the platform sets in every pod (LeaderWorkerSet's `LWS_GROUP_SIZE`), for `$(VAR)` in flags. */
  platformEnv?: ReadonlyMap<string, string>;
  /**
   * A container that requests no GPU gets none (plain pods, LeaderWorkerSets): say so rather than
   * judge it. Off where the platform adds GPUs itself (KServe's shared configs, Ray worker groups).
   */
  requireGpuResource?: boolean;
}

/** The text of command or args items as written (numbers and booleans as text). */
function writtenWords(items: readonly DocNode[]): string[] {
  const words: string[] = [];
  for (const item of items) if (item.type === "scalar") words.push(String(item.value));
  return words;
}

/** The engine a container runs, with its flags; undefined for containers that serve no model. */
export function containerEngineCall(container: DocNode, ctx: ExtractContext, options: ContainerOptions = {}): EngineCall | undefined {
  const image = str(container.get("image"));
  const command = container.get("command")?.items() ?? [];
  const args = container.get("args")?.items() ?? [];
  // A strategic-merge patch (kustomize overlays) leaves the image to the base: the container's name
  // says the engine (`name: vllm`), or its flags do (`--tensor-parallel-size=1`, `--quantization=awq`).
  const patchEngine = container.get("image") === undefined ? (engineFromImage(str(container.get("name"))) ?? engineFromFlags(writtenWords([...command, ...args]))) : undefined;
  // An image this plugin does not know (a vendor build, `registry/acme/llm-server`) given only engine
  // flags (`--model=…`, `--tensor-parallel-size`, `--max-model-len`) on accelerators: its entrypoint
  // is that engine. Without accelerators, flags alone say too little (a gateway also takes `--model`).
  const entrypointEngine =
    image !== undefined && command.length === 0 && args[0]?.type === "scalar" && String(args[0].value).startsWith("--") && !engineFromImage(image) && requestsAccelerator(container)
      ? engineFromFlags(writtenWords(args))
      : undefined;
  const imageEngine = engineFromImage(image) ?? patchEngine ?? entrypointEngine ?? options.defaultEngine;
  // Most containers of a repository run no engine: tell from the written words before expanding them.
  if (!imageEngine && !mayStartEngine(image, writtenWords([...command, ...args]))) return undefined;
  const env = containerEnv(container, ctx, options.platformEnv);
  const { tokens, shell } = commandTokens([...command, ...args], ctx.text, plainEnv(env));
  // KServe's LLMInferenceService passes extra vLLM flags in one env string.
  const additional = env.get("VLLM_ADDITIONAL_ARGS");
  if (additional?.value) tokens.push(...shellTokens(additional.node, ctx.text, plainEnv(env)));
  const argsList = !shell && args.length > 0 ? container.get("args") : !shell && command.length > 0 ? container.get("command") : undefined;
  let call = engineCall(tokens, { ...(imageEngine ? { imageEngine } : {}), ...(argsList ? { argsList } : {}) });
  if (!call && imageOnlyCall(imageEngine)) {
    call = imageOnlyCall(imageEngine);
  } else if (!call && imageEngine && tokens.length === 0 && engineFromImage(image) === imageEngine) {
    // The engine's own image with nothing to run but its entrypoint: a server that names no model here.
    call = { engine: imageEngine, fields: {}, unresolved: {} };
  } else if (!call && options.defaultEngine && imageEngine === options.defaultEngine) {
    call = { engine: imageEngine, fields: {}, unresolved: {} };
    if (argsList?.type === "seq" && !argsList.embedded) call.args = { kind: "list", node: argsList, equals: false };
  }
  if (!call) return undefined;
  // `ollama pull` against another pod's server (OLLAMA_HOST names it) is a client, not a deployment.
  const addressEnv = engineById(call.engine).serverAddressEnv;
  if (addressEnv && serverElsewhere(env.get(addressEnv)?.value, tokens)) return undefined;
  applyEnvFields(call, env);
  if (!call.fields.model && !call.unresolved.model) modelFromPostStart(call, container, ctx, env);
  return call;
}

/**
 * The model a postStart hook loads into the server (`ollama pull llama3.1:70b` once Ollama is up),
 * when the container's own command names none.
 */
function modelFromPostStart(call: EngineCall, container: DocNode, ctx: ExtractContext, env: EnvMap): void {
  const hook = container.get("lifecycle")?.get("postStart")?.get("exec")?.get("command")?.items() ?? [];
  if (hook.length === 0) return;
  const found = engineCall(commandTokens(hook, ctx.text, plainEnv(env)).tokens);
  if (found?.engine === call.engine) takeModel(call, found);
}

/** The model (or why it is unknown) of another call of the same server, where `call` names none. */
function takeModel(call: Pick<EngineCall, "fields" | "unresolved">, from: EngineCall): void {
  mergeFields(call, { fields: { model: from.fields.model }, unresolved: { model: from.unresolved.model } }, "fill");
}

/**
 * Lists of the containers that share a server's pod: a pod spec's own, and those chart values add
 * to the pod beside the server's keys (`initContainers`, `extraInitContainers`, `sidecars`…).
 */
const POD_CONTAINER_LISTS = ["initContainers", "containers", "extraInitContainers", "sidecars", "extraContainers"];

/**
 * The model another container of the pod loads into this server (an init container that starts
 * Ollama and runs `ollama pull "$MODEL"` into the shared volume), when this one names none: the
 * first such container's model, for the same engine. `holder` is the pod spec, or chart values that
 * list the pod's other containers beside the server's.
 */
export function modelPulledInPod(call: Pick<EngineCall, "fields" | "unresolved">, engine: string, container: DocNode, holder: DocNode, ctx: ExtractContext, options: ContainerOptions = {}): void {
  for (const other of POD_CONTAINER_LISTS.flatMap((key) => holder.get(key)?.items() ?? [])) {
    if (other === container || other.node === container.node || other.type !== "map") continue;
    const pulled = containerEngineCall(other, ctx, options);
    if (pulled?.engine !== engine || !(pulled.fields.model || pulled.unresolved.model)) continue;
    takeModel(call, pulled);
    return;
  }
}

/**
 * Extended resources of accelerators this plugin does not size as GPUs: a deployment that asks for
 * them is found and said to be unchecked, never judged against GPU memory.
 */
const OTHER_ACCELERATORS: Array<[RegExp, string]> = [
  [/^huawei\.com\/ascend/i, "Huawei Ascend NPUs, which are not judged as GPUs"],
  [/^aws\.amazon\.com\/neuron/, "AWS Neuron devices, which are not judged as GPUs"],
  [/^habana\.ai\/gaudi$/, "Intel Gaudi accelerators, which are not judged as GPUs"],
  // Intel's other device-plugin resources (`gpu.intel.com/millicores`, `/memory.max`, `/tiles`) share a GPU by a measure not sized here.
  [/^gpu\.intel\.com\//, "a share of an Intel GPU, which is not sized here"],
];

/** A resource quantity that counts devices: a whole number as Kubernetes reads it (`"2"`, `2`), else why not. */
export function deviceQuantity(node: DocNode | undefined, source: string): Located<number> | UnresolvedValue | undefined {
  if (!node || node.type !== "scalar") return undefined;
  const raw = String(node.value);
  if (/^\s*\d+\s*$/.test(raw)) return { value: Number(raw), node: node.node, source, ...(node.embedded ? { readonly: true } : {}) };
  return { raw, node: node.node, reason: deferredReason(raw) ?? "invalid", source };
}

/** Whether a container asks for accelerators: a device-plugin resource, or devices claimed through DRA. */
function requestsAccelerator(container: DocNode): boolean {
  const { located, unresolved } = containerGpus(container);
  return (located?.value ?? 0) > 0 || unresolved !== undefined || (container.get("resources")?.get("claims")?.items().length ?? 0) > 0;
}

/** GPUs a container requests (limits first, as the device plugin requires them). */
export function containerGpus(container: DocNode): { located?: Located<number>; unresolved?: UnresolvedValue } {
  return resourceGpus(container.get("resources"));
}

/**
 * GPUs a `resources` map requests: `limits`/`requests` of `nvidia.com/gpu` or `amd.com/gpu` (or,
 * with `bareKeys`, the plain `gpu` key of serving CRDs such as Dynamo's), else an accelerator that
 * is not sized as a GPU.
 */
export function resourceGpus(resources: DocNode | undefined, bareKeys: readonly string[] = []): { located?: Located<number>; unresolved?: UnresolvedValue } {
  if (resources?.type !== "map") return {};
  for (const section of ["limits", "requests"]) {
    const requested = resources.get(section);
    for (const resource of [...GPU_RESOURCES, ...bareKeys]) {
      const found = deviceQuantity(requested?.get(resource), resource);
      if (!found) continue;
      if (!("value" in found)) return { unresolved: found };
      // Kubernetes requires GPU requests to equal limits: an edit of one must change the other.
      const request = section === "limits" ? deviceQuantity(resources.get("requests")?.get(resource), resource) : undefined;
      const mirrors = request && "value" in request ? [request] : [];
      return { located: { ...found, ...(mirrors.length > 0 ? { mirrors } : {}) } };
    }
  }
  // Chart values that write the GPU count straight under `resources` (`nvidia.com/gpu: "1"`), for their templates to place.
  for (const resource of GPU_RESOURCES) {
    const found = deviceQuantity(resources.get(resource), resource);
    if (found) return "value" in found ? { located: found } : { unresolved: found };
  }
  for (const section of ["limits", "requests"]) {
    for (const [resource, value] of resources.get(section)?.entries() ?? []) {
      // A MIG slice of the device plugin's mixed strategy counts as the GPU its name states (see migSliceType).
      if (MIG_RESOURCE.test(resource)) {
        const found = deviceQuantity(value, resource);
        if (found) return "value" in found ? { located: found } : { unresolved: found };
      }
      const other = OTHER_ACCELERATORS.find(([pattern]) => pattern.test(resource));
      if (other) return { unresolved: { raw: `${resource}: ${String(value.value ?? "")}`, node: value.node, reason: "unsupported", source: resource, note: `${resource} requests ${other[1]}` } };
    }
  }
  return {};
}

/**
 * GKE's MIG partition a pod asks for (it requests `nvidia.com/gpu: 1`, and the node pool's MIG
 * instances are its GPUs): GKE docs, "Multi-instance GPU": "specifying the
 * `cloud.google.com/gke-gpu-partition-size` label in the Pod spec `nodeSelector` field".
 */
const GKE_PARTITION_LABEL = "cloud.google.com/gke-gpu-partition-size";

/** GPU type, memory and instance type from `nodeSelector` and required node affinity `In` terms. */
export function nodePlacement(podSpec: DocNode): LocatedFields {
  const fields: LocatedFields = {};
  let partition: Located<string> | undefined;
  const consider = (key: string, valueNode: DocNode) => {
    const value = str(valueNode);
    if (!value || valueNode.type !== "scalar") return;
    const located = { value, node: valueNode.node, source: key, ...(valueNode.embedded ? { readonly: true } : {}) };
    if (key === GKE_PARTITION_LABEL) partition ??= located;
    else if (GPU_TYPE_LABELS.includes(key) && !fields.gpuType && !namesNoGpuType(value)) fields.gpuType = located;
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
  // The slice of the accelerator the pool has (`nvidia-tesla-a100` + `1g.5gb`), read-only as it joins two texts.
  if (partition) fields.gpuType = sliceOf(fields.gpuType, `mig-${partition.value}`, { ...partition, value: `mig-${partition.value}` });
  return fields;
}

/** What a serving container states: its engine and flags, and the GPUs it requests. */
export interface ServingContainer extends FieldSink {
  args?: EngineCall["args"];
  /** Who settles the layout when the container does not (a NIM runs TP over all its GPUs). */
  layoutOwner?: Deployment["layoutOwner"];
  /** The image tag, when the image is the engine's own (its release, for version-dependent semantics). */
  engineVersion?: string;
  /** A llama-swap server's config, mounted from a ConfigMap of the same file. */
  swapConfig?: DocNode;
  /** What reading it took for granted (the host folder a mounted model path is). */
  assumptions?: string[];
}

/**
 * A container that serves a model: an engine the parser reads (its flags, env and GPUs), or a
 * server this version finds but does not size (TensorRT-LLM, LMDeploy…), which is then a deployment
 * left unchecked with that reason. Undefined for containers that serve no model.
 */
export function servingContainer(container: DocNode, ctx: ExtractContext, options: ContainerOptions = {}, podSpec?: DocNode): ServingContainer | undefined {
  const sink: ServingContainer = newSink();
  const imageNode = container.get("image");
  if (imageNode && isLlmNimImage(str(imageNode))) {
    // A NIM: the image is the model; NIM picks TP over every GPU of the pod unless a profile pins it.
    nimContainerFields(imageNode, containerEnv(container, ctx, options.platformEnv), ctx, sink);
    sink.layoutOwner = "tensor-from-gpus";
    addGpus(sink, container, imageNode, options, true, podSpec, ctx);
    return sink;
  }
  const call = containerEngineCall(container, ctx, options);
  if (call) {
    // A config file the engine is told to read, mounted from a ConfigMap of the same file.
    if (podSpec) applyMountedConfig(call, container, podSpec, ctx);
    if (podSpec && !call.fields.model && !call.unresolved.model) modelPulledInPod(call, call.engine, container, podSpec, ctx, options);
    setModelInUnseenConfig(call);
    mergeFields(sink, call);
    // A local folder another container (or this one's script) downloads a repository into.
    const model = sink.fields.model;
    const downloaded = model && downloadInto(model.value, container, podSpec, ctx, (each) => containerEnv(each, ctx, options.platformEnv));
    if (downloaded) setLocated(sink, "model", { ...downloaded, source: `${downloaded.source} → ${model.value}` });
    const mounted = podSpec && !downloaded ? modelFromMount(sink, podMounts(container, podSpec)) : undefined;
    if (mounted) sink.assumptions = [mounted];
    const image = describeImage(str(imageNode));
    if (image?.tag && image.engine === call.engine) sink.engineVersion = image.tag;
    sink.fields.engine = { value: call.engine, node: (imageNode ?? container).node, source: "image" } satisfies Located<Engine>;
    if (call.args) sink.args = call.args;
  } else if (!customEntrypoint(sink, container, imageNode, ctx, options)) {
    const items = [...(container.get("command")?.items() ?? []), ...(container.get("args")?.items() ?? [])];
    // The whole command set at deploy time (`args: ["$(VLLM_ARGS)"]` from a ConfigMap) for an engine's image on accelerators: its model with it.
    const imageServer = engineFromImage(str(imageNode));
    if (imageServer && items.length > 0 && requestsAccelerator(container)) {
      const { tokens } = commandTokens(items, ctx.text, plainEnv(containerEnv(container, ctx, options.platformEnv)));
      const command = { tokens, raw: items.map((item) => str(item) ?? "").join(" "), node: items[0]!.node, source: container.get("args") ? "args" : "command" };
      if (setCommandAtDeployTime(sink, imageServer, imageNode!, command)) {
        addGpus(sink, container, imageNode, options, true, podSpec, ctx);
        return sink;
      }
    }
    if (!mayRunUnsizedServer([str(imageNode), ...items.map((item) => str(item))])) {
      // An image of its own on accelerators, given an LLM by a variable.
      if (!imageNode || !requestsAccelerator(container) || !setUnknownServerModel(sink, containerEnv(container, ctx, options.platformEnv), imageNode)) return undefined;
      addGpus(sink, container, imageNode, options, false, podSpec, ctx);
      return sink;
    }
    const env = containerEnv(container, ctx, options.platformEnv);
    const { tokens } = commandTokens(items, ctx.text, plainEnv(env));
    const server = unsizedServer(tokens, str(imageNode));
    if (!server) return undefined;
    // Triton's vLLM backend: the engine arguments are the model.json a ConfigMap of this file holds.
    if (server === TRITON && podSpec && readTritonVllmBackend(sink, podSpec, ctx, imageNode ?? container)) {
      addGpus(sink, container, imageNode, options, sink.fields.engine !== undefined || sink.unresolved.engine !== undefined, podSpec, ctx);
      return sink;
    }
    // llama-swap's models are in its config: where a ConfigMap of this file holds it, they are read from there.
    const config = server === LLAMA_SWAP && podSpec ? mountedConfigMapFile(swapConfigPath(tokens), container, podSpec, ctx) : undefined;
    if (config) sink.swapConfig = config;
    setUnresolved(sink, "engine", { raw: server, node: (imageNode ?? container).node, reason: "unsupported", source: "image", note: unsizedServerNote(server, tokens) });
  }
  addGpus(sink, container, imageNode, options, sink.fields.engine !== undefined, podSpec, ctx);
  return sink;
}

/** The container's mounts of the pod's `hostPath` volumes: host folders it sees. */
function podMounts(container: DocNode, podSpec: DocNode): Mount[] {
  const volumes = podSpec.get("volumes")?.items() ?? [];
  return (container.get("volumeMounts")?.items() ?? []).flatMap((mount) => {
    const name = str(mount.get("name"));
    const containerPath = str(mount.get("mountPath"));
    const hostPath = str(volumes.find((volume) => str(volume.get("name")) === name)?.get("hostPath")?.get("path"));
    return hostPath !== undefined && containerPath !== undefined && mount.get("subPath") === undefined ? [{ source: hostPath, containerPath }] : [];
  });
}

/**
 * An engine's image (`…/mal-vllm-opt125m`) started on GPUs by a script of its own (`command:
 * [/entrypoint.sh]`) with the model in its env: a deployment whose launch the file does not show,
 * found with its model and GPUs and said to be unchecked.
 */
function customEntrypoint(sink: ServingContainer, container: DocNode, imageNode: DocNode | undefined, ctx: ExtractContext, options: ContainerOptions): boolean {
  const image = str(imageNode);
  const command = container.get("command")?.items() ?? [];
  // Clients and benchmarks built on the same image request no GPU.
  if (!imageNode || !engineFromImage(image) || !requestsAccelerator(container)) return false;
  const env = containerEnv(container, ctx, options.platformEnv);
  const name = MODEL_ENV_NAMES.find((variable) => env.get(variable)?.value !== undefined);
  if (name && command.length > 0 && containerGpus(container).located) {
    setLocated(sink, "model", { ...locate(env.get(name)!.node, env.get(name)!.value!, name), readonly: true });
    setUnseenScript(sink, command.map((item) => str(item) ?? ""), command[0]!.node, undefined, engineFromImage(image));
    return true;
  }
  // A script of the image's own on accelerators (`bash -c "cd /workspace && ./prefill.sh"`): found, and said to be unchecked.
  const items = [...command, ...(container.get("args")?.items() ?? [])];
  const { tokens } = commandTokens(items, ctx.text, plainEnv(env));
  const runs = tokens.filter((token) => !token.operator).map((token) => token.text);
  if (!runs.some(isScriptFile)) return false;
  setUnseenScript(sink, items.map((item) => str(item) ?? ""), items[0]!.node, undefined, engineFromImage(image));
  return true;
}

/** The container's GPUs; with `requireGpuResource`, a serving container that requests none is said to get none. */
function addGpus(sink: FieldSink, container: DocNode, imageNode: DocNode | undefined, options: ContainerOptions, serves: boolean, podSpec: DocNode | undefined, ctx: ExtractContext): void {
  const gpus = containerGpus(container);
  const claimed = gpus.located || gpus.unresolved || !podSpec ? undefined : claimedGpus(container, podSpec, ctx);
  if (gpus.located) setLocated(sink, "gpuCount", gpus.located);
  else if (gpus.unresolved) setUnresolved(sink, "gpuCount", gpus.unresolved);
  else if (claimed) {
    if ("value" in claimed.count) setLocated(sink, "gpuCount", claimed.count);
    else setUnresolved(sink, "gpuCount", claimed.count);
    if (claimed.type) setLocated(sink, "gpuType", claimed.type);
  } else if (options.requireGpuResource && serves) {
    const runtimeClass = podSpec?.get("runtimeClassName");
    const visible = containerEnv(container, ctx, options.platformEnv).get("NVIDIA_VISIBLE_DEVICES");
    if (/nvidia/i.test(str(runtimeClass) ?? "") || (visible?.value !== undefined && /^(all|[\d,\s]+|GPU-)/i.test(visible.value))) {
      // The NVIDIA container runtime hands it the node's GPUs without a device-plugin request: how many is the node's.
      const where = visible?.node ?? runtimeClass!;
      const how = visible?.value !== undefined ? `NVIDIA_VISIBLE_DEVICES=${printable(visible.value, 30)}` : `runtimeClassName: ${str(runtimeClass)}`;
      setUnresolved(sink, "gpuCount", { raw: how, node: where.node, reason: "unsupported", source: "resources", note: `${how} gives it the node's GPUs without requesting any` });
      return;
    }
    const where = container.get("resources") ?? imageNode ?? container;
    const onCpu = onCpuOf(str(imageNode), [{ node: container.get("resources")?.get("limits")?.get("memory"), setting: "resources.limits.memory", style: "kubernetes" }]);
    setUnresolved(sink, "gpuCount", { raw: "none", node: where.node, reason: "unsupported", source: "resources", note: "No GPU is requested (no nvidia.com/gpu in its resources)", onCpu });
  }
}

/**
 * Device classes of the GPU DRA drivers (NVIDIA's k8s-dra-driver-gpu: `gpu.nvidia.com`, MIG slices
 * `mig.nvidia.com`; AMD's: `gpu.amd.com`), and what a claim of another accelerator class is.
 */
const DRA_GPU_CLASSES = new Set(["gpu.nvidia.com", "gpu.amd.com"]);
const DRA_OTHER_CLASSES: Array<[RegExp, string]> = [
  [/^mig\.nvidia\.com$/, "MIG slices, which are not sized here"],
  [/^gpu\.intel\.com$/, "Intel GPUs, which are not sized here"],
  [/neuron/, "AWS Neuron devices, not judged as GPUs"],
  [/tpu/, "Google TPUs, not judged as GPUs"],
];

/** `device.attributes["gpu.nvidia.com"].productName == "NVIDIA L4"` in a CEL selector: the product name. */
const PRODUCT_SELECTOR = /\.productName\s*==\s*["']([^"']+)["']/;

/**
 * GPUs claimed through Dynamic Resource Allocation (resource.k8s.io, GA in Kubernetes 1.34): the
 * container's `resources.claims[].name` → the pod's `resourceClaims[]` entry → a
 * ResourceClaimTemplate or ResourceClaim of the same file, whose device requests give the count
 * (`exactly.count` of a GPU device class, 1 by default; v1beta1 writes it on the request itself) and
 * whose CEL selector on `productName` gives the type. A claim defined in another file is a reference;
 * `allocationMode: All` and prioritized lists (`firstAvailable`) are settled by the scheduler.
 */
export function claimedGpus(container: DocNode, podSpec: DocNode, ctx: ExtractContext): { count: Located<number> | UnresolvedValue; type?: Located<string> } | undefined {
  const claims = container.get("resources")?.get("claims")?.items() ?? [];
  if (claims.length === 0) return undefined;
  let total = 0;
  let countAt: Located<number> | undefined;
  let type: Located<string> | undefined;
  for (const claim of claims) {
    const name = str(claim.get("name"));
    const entry = podSpec.get("resourceClaims")?.items().find((item) => str(item.get("name")) === name);
    if (!entry) continue;
    const templateName = entry.get("resourceClaimTemplateName");
    const claimName = entry.get("resourceClaimName");
    const key = templateName ? `ResourceClaimTemplate/${str(templateName)}` : `ResourceClaim/${str(claimName)}`;
    const devices = ctx.resourceClaims.get(key);
    const reference = templateName ?? claimName;
    if (!devices) {
      if (!reference) continue;
      return { count: { raw: str(reference) ?? "", node: reference.node, reason: "reference", source: templateName ? "resourceClaimTemplateName" : "resourceClaimName" } };
    }
    const only = str(claim.get("request"));
    for (const request of devices.get("requests")?.items() ?? []) {
      if (only !== undefined && str(request.get("name")) !== only) continue;
      if (request.get("firstAvailable")) {
        return { count: { raw: "firstAvailable", node: request.get("firstAvailable")!.node, reason: "unsupported", source: "firstAvailable", note: "The claim takes whichever of several device requests the scheduler finds first (firstAvailable)" } };
      }
      const exactly = request.get("exactly") ?? request;
      const deviceClass = str(exactly.get("deviceClassName")) ?? "";
      const other = DRA_OTHER_CLASSES.find(([pattern]) => pattern.test(deviceClass));
      if (other) return { count: { raw: deviceClass, node: exactly.get("deviceClassName")!.node, reason: "unsupported", source: "deviceClassName", note: `Its claim's ${deviceClass} devices are ${other[1]}` } };
      if (!DRA_GPU_CLASSES.has(deviceClass)) continue;
      if (str(exactly.get("allocationMode")) === "All") {
        return { count: { raw: "All", node: exactly.get("allocationMode")!.node, reason: "unsupported", source: "allocationMode", note: "The claim takes every GPU of the node it lands on (allocationMode: All)" } };
      }
      const countNode = exactly.get("count");
      const count = countNode ? deviceQuantity(countNode, "count") : { value: 1, node: exactly.node, source: deviceClass, readonly: true as const };
      if (!count) continue;
      if (!("value" in count)) return { count };
      total += count.value;
      countAt = countAt ? { ...countAt, value: total, readonly: true } : count;
      for (const selector of exactly.get("selectors")?.items() ?? []) {
        const expression = selector.get("cel")?.get("expression");
        const product = PRODUCT_SELECTOR.exec(str(expression) ?? "")?.[1];
        if (expression && product) type ??= { value: product, node: expression.node, source: "productName", readonly: true };
      }
    }
  }
  return countAt ? { count: countAt, ...(type ? { type } : {}) } : undefined;
}

/** Every serving container of a pod spec, as deployments. */
export function podDeployments(podSpec: DocNode, owner: OwnerInfo, ctx: ExtractContext, extra: LocatedFields = {}, options: ContainerOptions = {}): Deployment[] {
  let placement: LocatedFields | undefined;
  const deployments: Deployment[] = [];
  for (const container of podSpec.get("containers")?.items() ?? []) {
    const serving = servingContainer(container, ctx, options, podSpec);
    if (!serving) continue;
    placement ??= nodePlacement(podSpec);
    // The engine's flags and the container's GPUs, then what the platform says, then the pod's node selector.
    const sink = newSink();
    mergeFields(sink, { fields: placement });
    mergeFields(sink, { fields: extra });
    mergeFields(sink, { fields: serving.fields, unresolved: serving.unresolved });
    // A platform's own GPU count (KServe's worker spec: TP GPUs per pod) decides over the container's.
    if (extra.gpuCount && !sink.unresolved.gpuCount) setLocated(sink, "gpuCount", extra.gpuCount);
    deployments.push({
      format: owner.format,
      kind: owner.kind,
      name: owner.name,
      fields: sink.fields,
      unresolved: sink.unresolved,
      anchor: container.node,
      ...(serving.engineVersion ? { engineVersion: serving.engineVersion } : {}),
      ...(serving.args ? { args: serving.args } : {}),
      ...(serving.layoutOwner ? { layoutOwner: serving.layoutOwner } : {}),
      ...(serving.swapConfig ? { swapConfig: serving.swapConfig } : {}),
      ...(serving.assumptions ? { assumptions: serving.assumptions } : {}),
      resourceTarget: container,
      placementTargets: [podSpec],
      annotationHolders: owner.annotationHolders,
    });
  }
  return deployments;
}

export { valuesOf };
