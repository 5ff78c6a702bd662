/**
 * The generic engine-container walker: any container anywhere in a document — in the pod template
 * of a custom resource nobody has an adapter for (`containers`, `initContainers`, `mainContainer`,
 * `leaderTemplate`/`workerTemplate`, `roles[].template`…), or in a chart's values — whose image or
 * command runs a known engine is a deployment. Its GPU count comes from the nearest `resources`
 * (its own, else an enclosing one such as a Dynamo service's `resources.limits.gpu`), its GPU type
 * from the nearest node selector or required node affinity. Dedicated adapters keep precedence
 * where they know more (multi-pod layouts, the model named outside the container): the walker reads
 * only what no adapter found a deployment in. It cannot count a resource's pods: an engine that
 * starts more ranks than its pod's GPUs, in a resource that runs several pods (`nodeCount`,
 * `workerTemplate`, `workerReplicas`…), is found and said to be unchecked rather than judged as if
 * that pod were alone.
 */
import type { ExtractContext } from "./context.js";
import type { DocNode } from "./doc.js";
import { scalarView, str } from "./doc.js";
import { valuesOf } from "./engine-args.js";
import { dataParallelLayout, DEFAULT_ENGINE, engineById } from "../engines/index.js";
import type { Engine } from "../sizing/types.js";
import { modelEntryOf, pick, readSettingsMapping } from "./app-config.js";
import { isScriptFile, locate, mergeFields, newSink, onCpuOf, readField, scriptEngineCall, setLocated, setScriptGpus, setUnresolved, setUnseenScript, virtualMap, virtualSeq } from "./kit.js";
import { nimImageReader } from "./nim.js";
import { modelPulledInPod, nodePlacement, resourceGpus, type ServingContainer, servingContainer } from "./pod.js";
import { leaderWorkerDeployments } from "./lws.js";
import { shellTokens } from "./shell.js";
import { printable } from "../text.js";
import type { Deployment, FieldName, Located } from "./types.js";

/**
 * Keys under which chart values write the whole server command as one string (`cli: "vllm serve
 * openai/gpt-oss-20b --max-model-len 25000"`), read as the container's command line.
 */
const COMMAND_LINE_KEYS = ["cli", "cmd", "commandLine", "startCommand", "serveCommand", "launchCommand"];

/** The one-string command line of a chart's values, when one of COMMAND_LINE_KEYS holds a command with arguments. */
function commandLineOf(node: DocNode): DocNode | undefined {
  for (const key of COMMAND_LINE_KEYS) {
    const value = node.get(key);
    if (value?.type === "scalar" && typeof value.value === "string" && /\s/.test(value.value.trim())) return value;
  }
  return undefined;
}

/**
 * A command line written over several lines (llama-swap's `cmd: |`), which is one command and not a
 * script: its line breaks separate words, and whole-line `#` comments are dropped, as llama-swap
 * reads it. Read-only then, as its words are no longer where the file has them.
 */
function oneLine(commandLine: DocNode, macros: ReadonlyMap<string, string>): DocNode {
  const text = String(commandLine.value);
  const expanded = expandMacros(text, macros);
  if (!text.trim().includes("\n") && expanded === text) return commandLine;
  const joined = expanded
    .split("\n")
    .filter((line) => !line.trim().startsWith("#"))
    .map((line) => line.replace(/\\\s*$/, ""))
    .join(" ");
  return scalarView(joined, commandLine.node);
}

/** `${name}` of each macro replaced by its text (others, such as llama-swap's own `${PORT}`, kept). */
function expandMacros(text: string, macros: ReadonlyMap<string, string>): string {
  return macros.size === 0 ? text : text.replace(/\$\{([\w.-]+)\}/g, (whole, name: string) => macros.get(name) ?? whole);
}

/** Whether a mapping writes the container's command: `command`, `args` or a one-string command line. */
function writesCommand(node: DocNode): boolean {
  return node.get("command") !== undefined || node.get("args") !== undefined || commandLineOf(node) !== undefined;
}

/** Keys of a container-shaped mapping: an image, or a command line; or a machine's boot script. */
function looksLikeContainer(node: DocNode): boolean {
  const image = node.get("image");
  if (image && (image.type === "scalar" || image.get("repository") !== undefined)) return true;
  return writesCommand(node) || bootScriptOf(node) !== undefined;
}

/** Keys that hold the script a machine runs at boot (EC2 `userData`, GCE `startup-script`, Azure `customData`, cloud-init). */
const BOOT_SCRIPT_KEYS = ["userData", "user_data", "UserData", "startupScript", "startup_script", "startup-script", "customData", "custom_data", "cloudInit", "cloud_init"];

function bootScriptOf(node: DocNode): DocNode | undefined {
  for (const key of BOOT_SCRIPT_KEYS) {
    const value = node.get(key);
    if (value?.type === "scalar" && typeof value.value === "string" && value.value.includes("\n")) return value;
  }
  return undefined;
}

/**
 * A machine whose boot script starts a serving engine (a Crossplane or Pulumi EC2 instance's
 * `userData` running `docker run … vllm/vllm-openai --model …`): the engine and its flags, and the
 * machine's instance or machine type beside the script.
 */
function bootScript(node: DocNode, ctx: ExtractContext): ServingContainer | undefined {
  const script = bootScriptOf(node);
  const found = script ? scriptEngineCall(shellTokens(script, ctx.text, new Map()), nimImageReader(ctx)) : undefined;
  if (!script || !found) return undefined;
  const sink: ServingContainer = { ...newSink(), ...(found.assumptions ? { assumptions: found.assumptions } : {}) };
  mergeFields(sink, found.call);
  sink.fields.engine ??= { value: found.call.engine, node: script.node, source: "boot script", readonly: true };
  const hardware = readSettingsMapping(node, { settingsOnly: true });
  const machine: FieldName[] = ["instanceType", "gpuType", "gpuCount"];
  if (hardware) mergeFields(sink, { fields: pick(hardware.fields, machine), unresolved: pick(hardware.unresolved, machine) }, "fill");
  if (!sink.fields.gpuCount) setScriptGpus(sink, found);
  return sink;
}

/**
 * Chart values that keep the image at the top and the command in a section of their own (`image:
 * {repository: vllm/vllm-openai}` beside `vllm: {command: [sh, -c], args: ["vllm serve …"]}`): the
 * one section below an image-only container that writes a command and no image of its own.
 */
function commandSection(node: DocNode): DocNode | undefined {
  if (node.get("image") === undefined || writesCommand(node)) return undefined;
  let section: DocNode | undefined;
  for (const [key, value] of node.entries()) {
    if (SKIPPED_KEYS.has(key) || value.type !== "map" || value.get("image") !== undefined || !writesCommand(value)) continue;
    if (section) return undefined;
    section = value;
  }
  return section;
}

/**
 * A container as the container readers expect it: an image written as a chart writes it (`image:
 * {repository, tag}`) as the plain `image` string, a one-string command line (its macros filled in)
 * as its `args`, and a command kept in a section of the chart's own (`commandSection`) as its command.
 */
function asContainer(node: DocNode, macros: ReadonlyMap<string, string> = new Map()): DocNode {
  const section = commandSection(node);
  if (section) {
    const entries = entriesOf(node);
    for (const key of ["command", "args", ...COMMAND_LINE_KEYS]) entries[key] = section.get(key);
    return asContainer(virtualMap(entries, node.node), macros);
  }
  const image = node.get("image");
  const commandLine = node.get("command") === undefined && node.get("args") === undefined ? commandLineOf(node) : undefined;
  // `command: "vllm serve … --max-model-len 2048"`: one string where a container has a list.
  const oneString = ["command", "args"].filter((key) => node.get(key)?.type === "scalar" && typeof node.get(key)!.value === "string");
  if ((!image || image.type !== "map") && !commandLine && oneString.length === 0) return node;
  const entries = entriesOf(node);
  if (image?.type === "map") entries.image = image.get("repository");
  if (commandLine) entries.args = virtualSeq([oneLine(commandLine, macros)], commandLine.node);
  for (const key of oneString) entries[key] = virtualSeq([node.get(key)!], node.get(key)!.node);
  return virtualMap(entries, node.node);
}

/** A mapping's entries, to rewrite some of them into a view (`virtualMap`). */
function entriesOf(node: DocNode): Record<string, DocNode | undefined> {
  return Object.fromEntries(node.entries());
}

/**
 * Keys with which serving resources spread one engine over several pods (Kthena `workerReplicas` /
 * `workerTemplate`, LWS-style `leaderWorkerTemplate`, Dynamo/FusionInfer `multinode.nodeCount`,
 * Ray `workerGroupSpecs`): where one is written, a pod's GPUs are not the engine's GPUs.
 */
const MULTI_POD_KEYS = new Set(["multinode", "multiNode", "nodeCount", "numNodes", "workerReplicas", "workerTemplate", "leaderTemplate", "leaderWorkerTemplate", "workerGroupSpecs", "workers"]);

/** Whether a resource writes any key of MULTI_POD_KEYS (a bounded walk: depth as the container walk). */
function runsSeveralPods(node: DocNode, depth = 0): boolean {
  if (depth > 40) return false;
  if (node.type === "seq") return node.items().some((item) => runsSeveralPods(item, depth + 1));
  if (node.type !== "map") return false;
  for (const [key, value] of node.entries()) {
    if (MULTI_POD_KEYS.has(key)) return true;
    if (!SKIPPED_KEYS.has(key) && runsSeveralPods(value, depth + 1)) return true;
  }
  return false;
}

/** A KServe-style `storageUri` beside the image (an OpenShift AI chart's `runtime: {image, storageUri}`): where the weights come from. */
function storageUriOf(values: DocNode): { key: string; node: DocNode } | undefined {
  for (const key of ["storageUri", "storage_uri", "modelUri", "model_uri"]) {
    const node = values.get(key);
    if (node?.type === "scalar" && typeof node.value === "string") return { key, node };
  }
  return undefined;
}

/** Ollama tags as a chart's values list them (`llama3.2:3b`, `qwen2.5-coder`, `hf.co/owner/repo:Q4_K_M`). */
const OLLAMA_TAG = /^[a-z0-9][\w.\/-]*(?::[\w.-]+)?$/i;

/** The tags an Ollama server is told to pull at most, read from a list (a hostile file could list thousands). */
const MAX_PULLED = 16;

/**
 * The models an Ollama chart's own values list for it to pull (`models: [gemma2:2b]`, `llm: {models:
 * […]}`, `pull: […]`), beside or one section below the image: the first is the model, the rest are
 * loaded in turn (each is judged). Only for an engine that loads models in turn (Ollama), whose
 * charts pull what such a list names.
 */
function modelsPulledBy(values: DocNode, sink: ServingContainer): { key: string; node: DocNode; others?: Array<Located<string>> } | undefined {
  const engine = sink.fields.engine?.value as Engine | undefined;
  if (!engine || !engineById(engine).loadsModelsInTurn) return undefined;
  const sections = [values, ...values.entries().filter(([key, value]) => value.type === "map" && !SKIPPED_KEYS.has(key)).map(([, value]) => value)];
  for (const section of sections) {
    for (const [key, list] of section.entries()) {
      if (!/^(models|pull|pullModels|preloadModels)$/i.test(key) || list.type !== "seq") continue;
      const tags = list.items().filter((item) => item.type === "scalar" && OLLAMA_TAG.test(str(item) ?? "")).slice(0, MAX_PULLED);
      if (tags.length === 0) continue;
      const others = tags.slice(1).map((item) => locate<string>(item, str(item)!, key));
      return { key, node: tags[0]!, ...(others.length > 0 ? { others } : {}) };
    }
  }
  return undefined;
}

/** Keys that never hold a serving container, so the walk does not descend there. */
const SKIPPED_KEYS = new Set(["metadata", "status", "env", "envFrom", "volumes", "volumeMounts", "ports", "livenessProbe", "readinessProbe", "startupProbe", "securityContext", "tolerations", "affinity", "nodeSelector", "resources", "data", "stringData"]);

export interface WalkOwner {
  format: string;
  kind: string;
  name: string | undefined;
  annotationHolders: DocNode[];
}

/**
 * Serving containers below `root`, each as a deployment. It runs where no adapter found a deployment
 * (an unknown resource kind, a serving resource in a shape its adapter does not read, a document of
 * no known format), so a container is never counted twice.
 */
export function walkContainers(root: DocNode, ctx: ExtractContext, owner: WalkOwner): Deployment[] {
  const found: Deployment[] = [];
  const ancestors: DocNode[] = [];
  let severalPods: boolean | undefined;
  const multiPod = () => (severalPods ??= runsSeveralPods(root));
  const macros = macrosOf(root);
  const visit = (node: DocNode, path: string[], depth: number): void => {
    if (depth > 40) return;
    if (node.type === "seq") {
      node.items().forEach((item, index) => visit(item, [...path, String(index)], depth + 1));
      return;
    }
    if (node.type !== "map") return;
    const group = leaderWorkerTemplate(node);
    if (group) {
      // A LeaderWorkerSet's template inside another resource (llmaz's Service `workloadTemplate`):
      // one replica is `size` pods, read as a LeaderWorkerSet's group is.
      const key = path.at(-1);
      found.push(
        ...leaderWorkerDeployments(
          { object: root, format: owner.format, kind: owner.kind, name: owner.name, ...group, sizeSource: key ? `${key}.size` : "size", sizeVariables: ["LWS_GROUP_SIZE"] },
          ctx,
        ),
      );
      return;
    }
    if (looksLikeContainer(node)) {
      const deployment = containerDeployment(node, ancestors, ctx, owner, path, multiPod, macrosOf(node, macros));
      if (deployment) {
        found.push(deployment);
        return;
      }
    }
    ancestors.push(node);
    for (const [key, value] of node.entries()) {
      if (SKIPPED_KEYS.has(key) || value.type === "scalar" || value.type === "null") continue;
      visit(value, [...path, key], depth + 1);
    }
    ancestors.pop();
  };
  visit(root, [], 0);
  return found;
}

/** A LeaderWorkerSet's `leaderWorkerTemplate` shape (a `size` beside a leader or worker pod template), wherever it sits. */
function leaderWorkerTemplate(node: DocNode): { leader: DocNode | undefined; worker: DocNode | undefined; sizeNode: DocNode } | undefined {
  const sizeNode = node.get("size");
  const leader = node.get("leaderTemplate");
  const worker = node.get("workerTemplate");
  if (sizeNode?.type !== "scalar" || (leader?.get("spec")?.type !== "map" && worker?.get("spec")?.type !== "map")) return undefined;
  return { leader, worker, sizeNode };
}

/** The name of a container found deep in an object: the object's, then the container's own. */
function containerName(owner: WalkOwner, container: DocNode, path: string[]): string | undefined {
  const own = str(container.get("name"));
  const role = path.filter((key) => !/^\d+$/.test(key) && !["spec", "template", "containers", "podSpec", "extraPodSpec"].includes(key)).pop();
  const part = own ?? role;
  if (!owner.name) return part;
  return part && part !== owner.name ? `${owner.name}/${part}` : owner.name;
}

/**
 * A one-string command line that starts a serving image (`docker run --gpus all vllm/vllm-openai …`,
 * as llama-swap's `cmd` often does): the engine and flags the image is given, and the GPUs `--gpus`
 * passes (every GPU of the host, for `--gpus all` or `--runtime=nvidia`, is left to the engine), or
 * the host's GPUs of a vendor its `--device` nodes pass (`--device /dev/kfd`: AMD's).
 */
function dockerRun(node: DocNode, macros: ReadonlyMap<string, string>, ctx: ExtractContext): ServingContainer | undefined {
  const line = commandLineOf(node);
  if (!line) return undefined;
  // Its macros filled in first: `${docker} run …` starts a container too.
  const command = oneLine(line, macros);
  if (!/^\s*(?:docker|podman|nerdctl)\s+run\s/.test(String(command.value))) return undefined;
  const script = scriptEngineCall(shellTokens(command, ctx.text, new Map()), nimImageReader(ctx));
  if (!script) return undefined;
  const sink: ServingContainer = { ...newSink(), ...(script.assumptions ? { assumptions: script.assumptions } : {}) };
  mergeFields(sink, script.call);
  sink.fields.engine = { value: script.call.engine, node: line.node, source: "docker run", readonly: true };
  setScriptGpus(sink, script);
  return sink;
}

/** `docker compose up -d qwen3-4b` (or podman's, or `docker-compose`): the compose service a command starts. */
function composeServiceStarted(words: readonly string[]): string | undefined {
  const tool = /^(?:docker|podman)-compose$/.test(words[0] ?? "") ? 1 : /^(?:docker|podman)$/.test(words[0] ?? "") && words[1] === "compose" ? 2 : 0;
  if (tool === 0) return undefined;
  const verb = words.findIndex((word, index) => index >= tool && (word === "up" || word === "start" || word === "run"));
  return verb < 0 ? undefined : words.slice(verb + 1).find((word) => !word.startsWith("-") && /^[\w.-]+$/.test(word));
}

/**
 * A llama-swap model (`cmd` beside the `proxy` it serves on) whose command runs a script the file
 * does not hold (`cmd: bash ./serve-qwen-27b.sh ${PORT}`) or a compose service of another file
 * (`cmd: podman compose up qwen3-4b`): a server of a model, found and said to be unchecked, since
 * what it starts is written elsewhere.
 */
function swapScript(node: DocNode, macros: ReadonlyMap<string, string>): ServingContainer | undefined {
  const line = node.get("proxy") ? commandLineOf(node) : undefined;
  if (!line) return undefined;
  const command = String(oneLine(line, macros).value).trim();
  const words = command.split(/\s+/);
  const service = composeServiceStarted(words);
  if (!service && !words.some(isScriptFile)) return undefined;
  const sink: ServingContainer = newSink();
  if (service) {
    const name = printable(service, 40);
    setUnresolved(sink, "engine", { raw: command, node: line.node, reason: "unsupported", source: "cmd", note: `It starts the compose service ${name}, which this file does not show` });
  } else setUnseenScript(sink, words, line.node);
  return sink;
}

/**
 * The text macros a command line's `${name}` stands for: llama-swap's `macros` at the top of its
 * config and in a model's own entry, which override them (llama-swap README, "macros"). Macros
 * may use macros defined before them.
 */
function macrosOf(node: DocNode, outer: ReadonlyMap<string, string> = new Map()): ReadonlyMap<string, string> {
  const written = node.get("macros");
  if (written?.type !== "map") return outer;
  const macros = new Map(outer);
  for (const [name, value] of written.entries()) {
    const text = str(value) ?? (value.type === "scalar" && value.value !== null ? String(value.value) : undefined);
    if (text !== undefined) macros.set(name, expandMacros(text, macros));
  }
  return macros;
}

function containerDeployment(node: DocNode, ancestors: DocNode[], ctx: ExtractContext, owner: WalkOwner, path: string[], multiPod: () => boolean, macros: ReadonlyMap<string, string> = new Map()): Deployment | undefined {
  const container = asContainer(node, macros);
  const holder = ancestors.at(-1);
  // A pod's container (whose keys are Kubernetes'), or values or a resource that hold the container's keys.
  const podContainer = holder?.type === "map" && (holder.get("containers") !== undefined || holder.get("initContainers") !== undefined);
  // A `docker run` line first: the engine command inside it is read with the GPUs the run passes.
  const serving =
    dockerRun(node, macros, ctx) ??
    servingContainer(container, ctx, {}, podContainer ? holder : undefined) ??
    swapScript(node, macros) ??
    bootScript(node, ctx);
  if (!serving) return undefined;
  const sink = newSink();
  mergeFields(sink, serving);
  // Chart values that name the model beside the image (`model: Org/Model` over `image: {repository:
  // vllm/vllm-openai}`): the chart's template hands it to the engine, whose command the values do not write.
  const chartValues = !sink.fields.model && !sink.unresolved.model && !podContainer && node.get("image") !== undefined;
  const named: { key: string; node: DocNode; others?: Array<Located<string>> } | undefined = chartValues ? (modelEntryOf(node) ?? storageUriOf(node) ?? modelsPulledBy(node, sink)) : undefined;
  if (named) readField(sink, "model", named.node, "string", named.key);
  // Or an init container the values add to the pod pulls it into the server (`ollama pull llama3.2:3b`).
  else if (chartValues && sink.fields.engine) modelPulledInPod(sink, sink.fields.engine.value as string, node, node, ctx);
  const modelInValues = chartValues && (sink.fields.model !== undefined || sink.unresolved.model !== undefined);
  if (named?.others && sink.fields.model) sink.fields.model = { ...(sink.fields.model as Located<string>), others: named.others };
  // GPUs of the nearest enclosing `resources` when the container names none (a service-level `gpu`).
  let podSpec: DocNode | undefined;
  for (const holder of [container, ...[...ancestors].reverse()]) {
    // A Kubernetes container has no node selector; chart values that hold the container's keys beside one do,
    // or keep the pod's options in a section of their own (bjw-s app-template's `controllers.<name>.pod`).
    const pod = holder.get("pod");
    podSpec ??= holder.get("nodeSelector") || holder.get("affinity") ? holder : pod?.type === "map" && (pod.get("nodeSelector") || pod.get("affinity")) ? pod : undefined;
    if (sink.fields.gpuCount || sink.unresolved.gpuCount) continue;
    const gpus = resourceGpus(holder.get("resources"), ["gpu", "gpus"]);
    if (gpus.located) setLocated(sink, "gpuCount", gpus.located);
    else if (gpus.unresolved) setUnresolved(sink, "gpuCount", gpus.unresolved);
  }
  if (podSpec) mergeFields(sink, { fields: nodePlacement(podSpec) }, "fill");
  // Those values' `resources` are the container's: written without a GPU, the pod requests none.
  const resources = modelInValues && !sink.fields.gpuCount && !sink.unresolved.gpuCount ? node.get("resources") : undefined;
  if (resources?.get("limits") || resources?.get("requests")) {
    const onCpu = onCpuOf(str(container.get("image")), [{ node: resources.get("limits")?.get("memory"), setting: "resources.limits.memory", style: "kubernetes" }]);
    setUnresolved(sink, "gpuCount", { raw: "none", node: resources.node, reason: "unsupported", source: "resources", note: "No GPU is requested (no nvidia.com/gpu in its resources)", onCpu });
  }
  // More ranks than the pod's GPUs, where other pods may hold the rest: not a start failure to state.
  const podGpus = sink.fields.gpuCount as Located<number> | undefined;
  const { engine = DEFAULT_ENGINE, tensorParallel = 1, pipelineParallel = 1, dataParallel = 1, attentionDataParallel = false } = valuesOf(sink.fields);
  const ranks = tensorParallel * pipelineParallel * dataParallelLayout(engine, { tensorParallel, dataParallel, attentionDataParallel }).replicas;
  if (podGpus && !sink.fields.nodes && ranks > podGpus.value && multiPod()) {
    setUnresolved(sink, "nodes", {
      raw: String(ranks),
      node: podGpus.node,
      reason: "unsupported",
      source: podGpus.source,
      note: `It starts ${ranks} ranks on ${podGpus.value} ${podGpus.value === 1 ? "GPU" : "GPUs"} per pod, over pods this ${owner.kind || "resource"} does not count`,
    });
  }
  // The pod spec that holds the container, where a node selector would go.
  const parentSpec = ancestors.at(-1);
  return {
    format: "generic",
    kind: owner.kind,
    name: containerName(owner, node, path),
    fields: sink.fields,
    unresolved: sink.unresolved,
    anchor: node.node,
    ...(serving.args ? { args: serving.args } : {}),
    ...(serving.layoutOwner ? { layoutOwner: serving.layoutOwner } : {}),
    ...(serving.gpuVendor ? { gpuVendor: serving.gpuVendor } : {}),
    ...(serving.assumptions ? { assumptions: serving.assumptions } : {}),
    resourceTarget: container,
    ...(podSpec ? { placementTargets: [podSpec] } : parentSpec?.get("containers") ? { placementTargets: [parentSpec] } : {}),
    annotationHolders: owner.annotationHolders,
  };
}
