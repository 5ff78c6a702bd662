/**
 * Small helpers shared by the adapters: reading one setting into located fields (templates and
 * variables kept as unresolved values), views that stand in for a pod spec a format spreads over
 * other keys, exact source ranges of the parts of a `TYPE:COUNT` scalar, literal environments, and
 * the engine command of a shell script (including `docker run IMAGE args`).
 */
import { engineById, engineNamedInPath, findEngineCommand } from "../engines/index.js";
import type { Engine } from "../sizing/types.js";
import type { AstNode, DocNode, Scalar } from "./doc.js";
import { rangeInScalar, scalarView, str } from "./doc.js";
import { type ArgToken, applyEnvFields, engineCall, type EngineCall, engineFromImage, imageOnlyCall, parseValue } from "./engine-seam.js";
import type { Deployment, FieldName, Located, LocatedFields, MemoryLimit, UnresolvedValue } from "./types.js";
import { TEMPLATE_MARK } from "./go-template.js";
import { printable, trimTrailing } from "../text.js";
import { isScriptFile, runScript, UNKNOWN } from "./shell.js";
import { parseMigName } from "../mig-names.js";

export { isScriptFile };

/** The kinds of value a setting holds (the engine parser's own kinds minus its flag-only ones). */
export type ValueKind = "string" | "int" | "float" | "size" | "bool";

/** Where an adapter collects what it reads. */
export interface FieldSink {
  fields: LocatedFields;
  unresolved: Partial<Record<FieldName, UnresolvedValue>>;
  /** Whose GPUs it is given, where the file says so apart from a GPU resource (`/dev/kfd`: AMD's). */
  gpuVendor?: Deployment["gpuVendor"];
}

export function newSink(): FieldSink {
  return { fields: {}, unresolved: {} };
}

/**
 * Placeholders a script or a reader fills in before the file is applied: `__MODEL__` (sed-style),
 * `<MODEL_ID>` / `hf://<ORG>/<REPO>` (documentation), `IMAGE_PLACEHOLDER`, `REPLACE_ME`, `CHANGEME`.
 */
const PLACEHOLDER = /__[A-Z][A-Z0-9_]*__|<[A-Za-z][\w .-]*>|PLACEHOLDER|REPLACE_?ME|CHANGE_?ME/;

/** A MIG slice requested through the device plugin's mixed strategy (`nvidia.com/mig-3g.40gb`). */
export const MIG_RESOURCE = /^nvidia\.com\/mig-/;

/**
 * The GPU type a deployment on MIG slices runs on: the slice the resource names, of the GPU a node
 * selector names if one does (`NVIDIA-A100-SXM4-80GB` + `nvidia.com/mig-3g.40gb`), read-only as it
 * joins two texts. A process sees one MIG instance (NVIDIA MIG user guide, "CUDA Device
 * Enumeration"), so one engine runs on one slice: a request for several is not sized.
 */
export function migSliceType(sink: FieldSink): void {
  const count = sink.fields.gpuCount;
  const named = sink.fields.gpuType;
  const resource = count?.source && MIG_RESOURCE.test(count.source) ? count.source : undefined;
  // A single-strategy product label names the slice already (`NVIDIA-A100-SXM4-40GB-MIG-1g.5gb`).
  const labelled = named !== undefined && parseMigName(named.value) !== undefined;
  if (!count || (!resource && !labelled)) return;
  if (count.value > 1) {
    delete sink.fields.gpuCount;
    const asked = resource ? `${resource}: ${count.value} asks for` : `${count.value} GPUs of ${named!.value} are`;
    sink.unresolved.gpuCount ??= { raw: String(count.value), node: count.node, reason: "unsupported", source: count.source, note: `${asked} ${count.value} MIG slices; an engine runs on one` };
    return;
  }
  if (!resource || labelled) return;
  sink.fields.gpuType = sliceOf(named, resource.slice("nvidia.com/".length), { value: resource, node: count.node, source: resource });
}

/**
 * The GPU type of a MIG slice named apart from its GPU: the slice of the GPU a selector names
 * (`nvidia-tesla-a100` + `mig-1g.5gb`), read-only as it joins two texts, else the slice alone.
 */
export function sliceOf(named: Located<string> | undefined, slice: string, alone: Located<string>): Located<string> {
  return named ? { ...named, value: `${named.value}-${slice}`, readonly: true } : { ...alone, readonly: true };
}

/**
 * Why a written value is only known at deploy time: Helm/Go `{{ }}` and Jinja `{% %}` templates
 * (masked actions included, see go-template.ts) and placeholders;
 * Terraform/compose `${ }`, Kubernetes `$(VAR)` and shell `$VAR` variables.
 */
export function deferredReason(raw: string): UnresolvedValue["reason"] | undefined {
  if (raw.includes("{{") || raw.includes("{%") || raw.includes(TEMPLATE_MARK) || PLACEHOLDER.test(raw)) return "template";
  if (/\$\{|\$\(|\$[A-Za-z_]/.test(raw)) return "variable";
  return undefined;
}

/**
 * A GPU-type setting or label whose value says only that there is a GPU, or whose vendor
 * (`accelerator: gpu`, `gpu: true`, `accelerator: nvidia`, `accelerator: nvidia-gpu`): no GPU type,
 * so the deployment is judged on the GPUs it could land on.
 */
export function namesNoGpuType(value: string): boolean {
  return /^(?:(?:nvidia|amd|intel)[-_ ]?gpus?|gpus?[-_ ]?(?:nvidia|amd|intel)|gpus?|cpu|true|false|none|yes|no|any|auto|nvidia|amd|intel)$/i.test(value.trim());
}

/** A located value at a document node (read-only when it was parsed out of a string). */
export function locate<T>(node: DocNode, value: T, source: string, extra: Partial<Located<T>> = {}): Located<T> {
  return { value, node: node.node, source, ...(node.embedded ? { readonly: true } : {}), ...extra };
}

/**
 * Reads a scalar as a value of `kind`: a located value, an unresolved value (template, variable or
 * malformed), or undefined when the node is missing or not a scalar.
 */
export function readScalar(node: DocNode | undefined, kind: ValueKind, source: string): Located<string | number | boolean> | UnresolvedValue | undefined {
  if (!node || node.type !== "scalar") return undefined;
  const raw = node.value as Exclude<Scalar, null>;
  // `quantization: ""` in chart values and configs is the setting left unset (templates test it for truth).
  if (typeof raw === "string" && raw.trim() === "") return undefined;
  const deferred = typeof raw === "string" ? deferredReason(raw) : undefined;
  if (deferred) return { raw: raw as string, node: node.node, reason: deferred, source };
  let value: string | number | boolean | undefined;
  if (kind === "bool" && typeof raw === "boolean") value = raw;
  else if ((kind === "int" || kind === "size") && typeof raw === "number") value = Number.isInteger(raw) ? raw : undefined;
  else if (kind === "float" && typeof raw === "number") value = raw;
  else value = parseValue(kind, String(raw));
  if (value === undefined) return { raw: String(raw), node: node.node, reason: "invalid", source };
  return locate(node, value, source);
}

export function setLocated(sink: FieldSink, field: FieldName, located: Located<unknown>): void {
  (sink.fields as Record<string, Located<unknown>>)[field] = located;
  delete sink.unresolved[field];
}

export function setUnresolved(sink: FieldSink, field: FieldName, value: UnresolvedValue): void {
  sink.unresolved[field] = value;
  delete sink.fields[field];
}

/**
 * Reads one scalar setting into `sink`: a located value, or an unresolved one when it is a template,
 * a variable or not a valid value of its kind. Returns false when the node is absent or not a scalar.
 */
export function readField(sink: FieldSink, field: FieldName, node: DocNode | undefined, kind: ValueKind, source: string): boolean {
  const read = readScalar(node, kind, source);
  if (!read) return false;
  if ("reason" in read) setUnresolved(sink, field, read);
  else setLocated(sink, field, read);
  return true;
}

/**
 * `readField` of a value a template language computes (CloudFormation's `!Ref`, ARM's
 * `[parameters('x')]`): `value` is the node it resolves to, or why it is known only at deployment.
 */
export function readResolvedField(sink: FieldSink, field: FieldName, value: DocNode | UnresolvedValue, kind: ValueKind, source: string): void {
  if ("reason" in value) setUnresolved(sink, field, value);
  else readField(sink, field, value, kind, source);
}

/** The pods one replica spans (`multinode.nodeCount`, `size`): one pod says nothing, so it is not kept. */
export function readNodes(sink: FieldSink, node: DocNode | undefined, source: string): void {
  if (node) readField(sink, "nodes", node, "int", source);
  if (sink.fields.nodes?.value === 1) delete sink.fields.nodes;
}

/** Fields and unresolved values read from one place (an engine call, a placement, a profile). */
export interface FieldSet {
  fields?: LocatedFields;
  unresolved?: Partial<Record<FieldName, UnresolvedValue>>;
}

/**
 * The one way to merge what another reader found into `sink`, keeping each field either located or
 * unresolved, never both. `override` (the default): what `from` holds wins (the command line over
 * a chart's keys). `fill`: only fields `sink` says nothing about take `from`'s (a pod's node
 * selector under what the engine flags already said).
 */
export function mergeFields(sink: FieldSink, from: FieldSet | undefined, mode: "override" | "fill" = "override"): void {
  if (!from) return;
  // Called for every container of every file: plain key loops, no entry arrays.
  const fields = from.fields as Record<FieldName, Located<unknown> | undefined> | undefined;
  for (const field in fields) {
    const located = fields[field as FieldName];
    if (located && isOpen(sink, field as FieldName, mode)) setLocated(sink, field as FieldName, located);
  }
  const unresolved = from.unresolved as Record<FieldName, UnresolvedValue | undefined> | undefined;
  for (const field in unresolved) {
    const value = unresolved[field as FieldName];
    if (value && isOpen(sink, field as FieldName, mode)) setUnresolved(sink, field as FieldName, value);
  }
}

/** Whether `mode` lets a merge set `field`: always when overriding, only where nothing is read yet when filling. */
function isOpen(sink: FieldSink, field: FieldName, mode: "override" | "fill"): boolean {
  return mode === "override" || (!sink.fields[field] && !sink.unresolved[field]);
}

/** A mapping assembled from nodes found elsewhere (to hand a format's own keys to the pod-spec readers). */
export function virtualMap(entries: Record<string, DocNode | undefined>, node: AstNode): DocNode {
  const present = Object.entries(entries).filter((entry): entry is [string, DocNode] => entry[1] !== undefined);
  return {
    node,
    keyNode: undefined,
    embedded: false,
    type: "map",
    value: undefined,
    get: (key: string) => present.find(([name]) => name === key)?.[1],
    entries: () => present,
    items: () => [],
  };
}

/**
 * An engine told to read a config file (`vllm serve --config /etc/vllm/config.yaml`) that this file
 * does not hold, and named no model otherwise: its model is in that file, which is said.
 */
export function setModelInUnseenConfig(call: EngineCall): void {
  const config = call.configFile;
  if (!config || call.fields.model || call.unresolved.model) return;
  const path = printable(config.value, 48);
  setUnresolved(call, "model", { raw: config.value, node: config.node, reason: "unsupported", source: config.source, note: `Its model is in ${path}, a config file this file does not show` });
}

/**
 * A release of a chart named for a serving engine whose values are in a file this one does not hold
 * (Terraform's `templatefile("values.yaml")`, Argo CD's `valueFiles`, Flux's `valuesFrom`): found, and
 * said to be unchecked, as what it deploys is written there.
 */
export function chartWithValuesElsewhere(engine: Engine, chart: DocNode, file: string, fileNode: AstNode, owner: Pick<Deployment, "format" | "kind" | "name">): Deployment {
  const sink = newSink();
  setLocated(sink, "engine", { value: engine, node: chart.node, source: "chart", readonly: true });
  setUnresolved(sink, "model", { raw: file, node: fileNode, reason: "unsupported", source: "values", note: `Its values are in ${printable(file, 48)}, which this file does not show` });
  return { ...owner, fields: sink.fields, unresolved: sink.unresolved, anchor: chart.node };
}

/** An engine's image started by a script of its own the file does not hold: the engine is unchecked, the script named. */
/**
 * An engine's image whose whole command is set at deploy time (compose `command: ${VLLM_ARGS}`, a
 * container's `args: ["$(VLLM_ARGS)"]`): its model is set then too. False when any word is written.
 */
export function setCommandAtDeployTime(sink: FieldSink, engine: Engine, image: DocNode, command: { tokens: readonly ArgToken[]; raw: string; node: AstNode; source: string }): boolean {
  if (command.tokens.length === 0 || !command.tokens.every((token) => token.text.includes(UNKNOWN))) return false;
  setUnresolved(sink, "model", { raw: command.raw, node: command.node, reason: "variable", source: command.source });
  sink.fields.engine = locate(image, engine, "image");
  return true;
}

export function setUnseenScript(sink: FieldSink, words: readonly string[], node: AstNode, range?: [number, number], imageEngine?: Engine): void {
  // The script file when one is named (`bash -c "cd /workspace && ./prefill.sh"` starts ./prefill.sh), else the command.
  const file = words.flatMap((word) => word.split(/\s+/)).find(isScriptFile);
  // A long path by its file name, so the message keeps its sentence (the finding points at the path).
  const script = printable(file && file.length > 32 ? file.slice(file.lastIndexOf("/") + 1) : (file ?? words.join(" ")), 60);
  const engine = imageEngine ?? (file ? engineNamedInPath(file) : undefined);
  setUnresolved(sink, "engine", { raw: script, node, reason: "unsupported", source: "command", note: `It starts ${script}, a script this file does not show`, ...(range ? { range } : {}), unseenLaunch: engine ? { engine } : {} });
}

const KUBERNETES_MEMORY_UNITS: Record<string, number> = { "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50 };
const DOCKER_MEMORY_UNITS: Record<string, number> = { "": 1, b: 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40, p: 2 ** 50 };

/**
 * A memory size in bytes as Kubernetes writes a quantity (`4Gi`, `8192Mi`, `16G`, `1e9`: binary and
 * decimal suffixes, apimachinery `resource.Quantity`) or Docker and compose write one (`8g`, `512m`,
 * `2GB`: binary multiples, docker/go-units `RAMInBytes`); a bare number is bytes. Undefined for
 * anything else (a template, a variable).
 */
export function memoryBytes(written: string | number, style: "kubernetes" | "docker"): number | undefined {
  if (typeof written === "number") return Number.isFinite(written) && written > 0 ? written : undefined;
  const match = style === "kubernetes" ? /^(\d+(?:\.\d+)?(?:e\d+)?)([KMGTP]i|[kMGTP])?$/.exec(written.trim()) : /^(\d+(?:\.\d+)?)[ \t]*([bkmgtp])?(?:i?b)?$/i.exec(written.trim());
  if (!match) return undefined;
  const units = style === "kubernetes" ? KUBERNETES_MEMORY_UNITS : DOCKER_MEMORY_UNITS;
  const bytes = Number(match[1]) * units[style === "kubernetes" ? (match[2] ?? "") : (match[2] ?? "").toLowerCase()]!;
  return Number.isFinite(bytes) && bytes > 0 ? bytes : undefined;
}

/** A setting that limits a container's memory, where the format has it, and how it writes sizes. */
export interface MemorySetting {
  node: DocNode | undefined;
  setting: string;
  style: MemoryLimit["style"];
  /** Bytes per unit of a bare number (kreuzwerker/docker's `memory`: MB); 1 by default. */
  scale?: number;
}

/**
 * The `onCpu` mark of a container that requests no GPU: its image and the first of `settings` that
 * holds a size (compose: `mem_limit`, then `deploy.resources.limits.memory`). With none written,
 * the first is the one to set.
 */
export function onCpuOf(image: string | undefined, settings: readonly MemorySetting[]): NonNullable<UnresolvedValue["onCpu"]> {
  let memoryLimit: MemoryLimit | undefined;
  for (const { node, setting, style, scale = 1 } of settings) {
    const written = node?.type === "scalar" && (typeof node.value === "string" || typeof node.value === "number") ? node.value : undefined;
    const bytes = written === undefined ? undefined : memoryBytes(written, style);
    if (bytes === undefined) continue;
    memoryLimit = { value: bytes * (typeof written === "number" ? scale : 1), node: node!.node, source: setting, style, scale };
    break;
  }
  return { ...(image !== undefined ? { image } : {}), ...(memoryLimit ? { memoryLimit } : {}), limitSetting: settings[0]?.setting ?? "a memory limit" };
}

/** A folder seen inside the container at `containerPath`: the host's (`/srv/models`), or a volume's. */
export interface Mount {
  source: string;
  containerPath: string;
}

/** Whether a mount's source is a folder of the host (`/srv/models`, `./models`, `~/models`), not a named volume. */
function isHostFolder(source: string): boolean {
  return source.startsWith("/") || source.startsWith("./") || source.startsWith("../") || source.startsWith("~/");
}

/**
 * A model given as the folder a bind mount fills (`--model /model` with
 * `/srv/models/Qwen2.5-7B-Instruct:/model`): the host folder names it, as a download folder does.
 * The value stays where the file writes it, read-only there (its name is the mount's). Returns the
 * assumption that says so, or undefined when no host folder is mounted at the model's path.
 */
export function modelFromMount(sink: FieldSink, mounts: readonly Mount[]): string | undefined {
  const model = sink.fields.model;
  if (!model || typeof model.value !== "string" || !model.value.startsWith("/")) return undefined;
  const path = trimTrailing(model.value, "/");
  const mount = mounts.find(({ source, containerPath }) => isHostFolder(source) && trimTrailing(containerPath, "/") === path);
  const hostFolder = mount && trimTrailing(mount.source, "/");
  if (!hostFolder || !/[a-z]/i.test(hostFolder.slice(hostFolder.lastIndexOf("/") + 1))) return undefined;
  sink.fields.model = { ...model, value: hostFolder, readonly: true };
  return `${path} is the host's ${hostFolder}, mounted there`;
}

/**
 * GPUs passed in as device nodes (`/dev/kfd`, `/dev/dri`), as ROCm and Vulkan/SYCL builds take AMD and
 * Intel GPUs (ROCm docs, "Running ROCm Docker containers": `--device=/dev/kfd --device=/dev/dri`):
 * the container sees the host's GPUs, of a type and number the file does not say. `/dev/kfd` (AMD
 * only) decides over `/dev/dri`; `/dev/dri` alone is AMD's or Intel's, as the image's build says
 * (`…-rocm`; Intel's `ipex-llm`, SYCL, XPU, oneAPI builds), else either (a Vulkan build runs on both).
 */
export function passedGpuDevice<T>(devices: ReadonlyArray<{ path: string; item: T }>, image?: string): { path: string; item: T; vendor: PassedVendor } | undefined {
  const kfd = devices.find(({ path }) => path === "/dev/kfd");
  if (kfd) return { ...kfd, vendor: "AMD" };
  const dri = devices.find(({ path }) => path === "/dev/dri" || path.startsWith("/dev/dri/"));
  const build = image?.toLowerCase() ?? "";
  return dri && { ...dri, vendor: build.includes("rocm") ? "AMD" : /ipex|sycl|xpu|oneapi|intel/.test(build) ? "Intel" : "AMD or Intel" };
}

type PassedVendor = "AMD" | "Intel" | "AMD or Intel";

/**
 * The GPUs of a container given device nodes: every GPU of the host of the vendor they are (see
 * `passedGpuDevice`), judged as any GPU count left to the host (`everyHostGpu`), on that vendor's
 * GPUs (no type is stated). Of a vendor the file does not tell: unchecked, with the setting as written.
 */
export function setPassedGpus(sink: FieldSink, written: string, node: AstNode, vendor: PassedVendor, engine: Engine | undefined, splitter?: string): void {
  if (vendor !== "AMD or Intel") {
    sink.gpuVendor = vendor === "AMD" ? "amd" : "intel";
    everyHostGpu(sink, node, written, engine, splitter);
    return;
  }
  // Every GPU of the host, of either vendor: judged where it fits on the fewest of any of them (analysis.ts `judgeAtFewestGpus`).
  setUnresolved(sink, "gpuCount", { raw: written, node, reason: "unsupported", source: "devices", note: `${written} passes in the host's ${vendor} GPUs, of a type not stated`, atLeast: 1, vendors: ["amd", "intel"] });
}

/**
 * A container given every GPU of its host (compose `count: all`, Docker's `gpus = "all"`, the NVIDIA
 * runtime): vLLM and SGLang use tensor × pipeline parallel of them, a number the file states, so
 * only an engine that shards over every visible GPU (TGI without `NUM_SHARD`; `splitter`, a NIM)
 * is left unchecked, with what the file wrote. Not a value set at deploy time: the host's count,
 * which no file states.
 */
export function everyHostGpu(sink: FieldSink, node: AstNode, written: string, engine: Engine | undefined, splitter?: string): void {
  if ((engine !== undefined && !engineById(engine).shardsOverAllGpus) || sink.fields.tensorParallel) return;
  const who = engine ? engineById(engine).displayName : splitter;
  const shards = who ? `, which ${who} shards the model over` : "";
  setUnresolved(sink, "gpuCount", { raw: written, node, reason: "unsupported", source: "count", note: `${written} gives it every GPU of the host${shards}`, atLeast: 1 });
}

/** Blocks are written as one object or a list of objects (always a list in plans; Nomad's HCL too). */
export function blocks(node: DocNode | undefined): DocNode[] {
  if (!node) return [];
  if (node.type === "map") return [node];
  return node.items().filter((item) => item.type === "map");
}

/** A list of nodes found elsewhere (a chart's one-string command line, as a container's `args`). */
export function virtualSeq(items: readonly DocNode[], node: AstNode): DocNode {
  return { node, keyNode: undefined, embedded: false, type: "seq", value: undefined, get: () => undefined, entries: () => [], items: () => [...items] };
}

/** `A100-80GB:8`, `nvidia-gpu-l4:2`, `H100`: a type name and an optional count. */
const TYPE_COUNT = /^(\s*)([A-Za-z][\w.+-]*?)(?:(\s*:\s*)(\d+(?:\.\d+)?))?\s*$/;

export interface TypeAndCount {
  type: string;
  typeRange?: [number, number];
  /** The count as written (possibly fractional: SkyPilot `A100:0.5`). */
  count?: number;
  countRange?: [number, number];
}

/**
 * Splits a `TYPE:COUNT` scalar and locates both parts in the source, so a suggestion can rewrite
 * the count (`A100:8` → `A100:16`) or the type (`→ H100:8`) alone. Ranges are omitted when the
 * scalar is not written verbatim (escapes) or not in the file.
 */
export { scalarView };

export function typeAndCount(raw: string, node: AstNode | undefined, text: string): TypeAndCount | undefined {
  const match = TYPE_COUNT.exec(raw);
  if (!match) return undefined;
  const [, lead, type, separator, count] = match as unknown as [string, string, string, string | undefined, string | undefined];
  const result: TypeAndCount = { type };
  if (count !== undefined) result.count = Number(count);
  const base = node ? rangeInScalar(node, raw, text)?.[0] : undefined;
  if (base !== undefined) {
    const typeStart = base + lead.length;
    result.typeRange = [typeStart, typeStart + type.length];
    if (count !== undefined && separator !== undefined) {
      const countStart = typeStart + type.length + separator.length;
      result.countRange = [countStart, countStart + count.length];
    }
  }
  return result;
}

/**
 * The machine a server address names, when it is another one (`http://ollama-service:11434` →
 * `ollama-service`); undefined for this pod or container (`0.0.0.0:11434`, `localhost`) or no address.
 */
function remoteHost(address: string | undefined): string | undefined {
  if (!address) return undefined;
  const host = address.replace(/^\w+:\/\//, "").replace(/:\d+\/?$/, "").replace(/^\[|\]$/g, "");
  return /^(0\.0\.0\.0|127\.0\.0\.1|localhost|::1?|)$/.test(host) ? undefined : host;
}

/**
 * The other host a client command drives a server on: the engine's address variable
 * (`OLLAMA_HOST=http://ollama:11434`), else a REST request's URL (`curl http://ollama:11434/api/pull …`).
 */
export function serverElsewhere(address: string | undefined, tokens: readonly ArgToken[]): string | undefined {
  return remoteHost(address) ?? remoteHost(tokens.find((token) => token.serverAddress !== undefined)?.serverAddress);
}

/** A literal environment: name → value (undefined when only known at run time) and the node to report on. */
export type EnvMap = Map<string, { value: string | undefined; node: DocNode }>;

/** Environment variables that name the model: read by servers of their own, and beside the GPUs of a chart's `env` or a SkyPilot task's `envs`. */
export const MODEL_ENV_NAMES = ["MODEL_ID", "MODEL_NAME", "MODEL", "HF_MODEL_ID", "MODEL_PATH"];

/** A parameter count in a model's name (`Qwen3.8-27B`, `llama-3.1-8b-instruct`, `gemma-4-E4B`): LLM names carry one, others' rarely. */
const PARAMETER_COUNT = /(?:^|[^a-z0-9])e?\d+(?:\.\d+)?b(?![a-z0-9])/i;

/**
 * A server whose image runs no engine this version knows (`nvidia-4090-llm-inference:0.27.1`), on
 * GPUs, given an LLM by a variable (`MODEL=/app/models/Qwen3.8-27B-W4A16`): found, and said to be
 * unchecked, as how it loads the model is its own. Only a model named with its parameter count
 * counts (a speech or image model's name seldom has one). The variable read, else undefined.
 */
export function setUnknownServerModel(sink: FieldSink, env: EnvMap, imageNode: DocNode): string | undefined {
  const name = MODEL_ENV_NAMES.find((variable) => PARAMETER_COUNT.test(env.get(variable)?.value ?? ""));
  const image = str(imageNode);
  if (!name || image === undefined) return undefined;
  const entry = env.get(name)!;
  setLocated(sink, "model", { ...locate(entry.node, entry.value!, name), readonly: true });
  // The image's own name, without registry or tag, keeps the message's first sentence whole.
  const last = image.slice(image.lastIndexOf("/") + 1);
  const tagAt = last.search(/[:@]/);
  const written = printable(tagAt < 0 ? last : last.slice(0, tagAt), 40);
  setUnresolved(sink, "engine", { raw: image, node: imageNode.node, reason: "unsupported", source: "image", note: `Its image ${written} runs no engine this version knows` });
  return name;
}

/**
 * An engine's image built by the project (`build:` beside `image: qwen-r9700:llamacpp`) that names
 * no model the engine reads, but whose environment names one in a variable of its own
 * (`MODEL=/app/gguf/Qwen3.8-27B-Q5_K_M.gguf`): the image's entrypoint, which the file does not
 * show, hands it on. Said so, rather than that the file names no model.
 */
export function setModelOfBuiltImage(call: EngineCall, env: EnvMap): void {
  if (call.fields.model || call.unresolved.model) return;
  const name = MODEL_ENV_NAMES.find((variable) => (env.get(variable)?.value ?? "").trim() !== "");
  if (!name) return;
  const entry = env.get(name)!;
  const value = entry.value!;
  // A long path by its file name, so the message keeps its first sentence whole (the finding points at the value).
  const shown = printable(value.length > 32 ? value.slice(value.lastIndexOf("/") + 1) : value, 40);
  setUnresolved(call, "model", { raw: value, node: entry.node.node, reason: "unsupported", source: name, note: `${name} names its model, ${shown}, which its image's entrypoint reads` });
}

export function plainEnv(env: EnvMap): Map<string, string | undefined> {
  const plain = new Map<string, string | undefined>();
  for (const [name, entry] of env) plain.set(name, entry.value);
  return plain;
}

/**
 * `KEY: value` mappings and `["KEY=value"]` / `[{name, value}]` lists, as an environment;
 * `rewrite` reads each value as the format does (compose's `${VAR:-default}`).
 */
export function readEnv(node: DocNode | undefined, rewrite: (value: DocNode) => DocNode = (value) => value): EnvMap {
  const env: EnvMap = new Map();
  if (!node) return env;
  const scalar = (written: DocNode): string | undefined => {
    const value = rewrite(written);
    const raw = str(value) ?? (value.type === "scalar" ? String(value.value) : undefined);
    return raw === undefined || deferredReason(raw) ? undefined : raw;
  };
  if (node.type === "map") {
    for (const [name, value] of node.entries()) env.set(name, { value: scalar(value), node: rewrite(value) });
  } else if (node.type === "seq") {
    for (const item of node.items()) {
      if (item.type === "map") {
        const name = str(item.get("name"));
        const value = item.get("value");
        if (name) env.set(name, { value: value ? scalar(value) : undefined, node: value ? rewrite(value) : item });
        continue;
      }
      const raw = str(item);
      const eq = raw?.indexOf("=") ?? -1;
      if (!raw || eq <= 0) continue;
      const value = rewrite(scalarView(raw.slice(eq + 1), item.node));
      const text = str(value) ?? "";
      env.set(raw.slice(0, eq), { value: deferredReason(text) ? undefined : text, node: value });
    }
  }
  return env;
}

/** Commands that run a script as another user with `-c` (`su`, or `sudo`/`runuser`/`doas` before a shell). */
const USER_SWITCHES = new Set(["su", "sudo", "runuser", "doas"]);

/** `docker run` / `podman run` options that take a value (the image is the first other token). */
const DOCKER_VALUE_OPTIONS = new Set([
  "-e", "--env", "--env-file", "--gpus", "-v", "--volume", "-p", "--publish", "--name", "--shm-size", "--ipc", "--network", "--net",
  "-w", "--workdir", "--entrypoint", "--runtime", "--mount", "--device", "--ulimit", "-u", "--user", "--platform", "--restart",
  "-l", "--label", "-m", "--memory", "--cpus", "-h", "--hostname", "--add-host", "--log-driver", "--log-opt", "--cap-add",
  "--security-opt", "--pid", "--tmpfs", "--health-cmd", "--pull", "--memory-swap", "--cpuset-cpus", "--group-add", "--dns",
]);

export interface ScriptCall {
  call: EngineCall;
  /** `-e KEY=value` of a `docker run`. */
  env: EnvMap;
  /** `--gpus N` / `--gpus all` / `--gpus '"device=0,1"'` of a `docker run`: the token and its count (undefined: all). */
  gpus?: { token: ArgToken; count: number | undefined; source?: string };
  /** The GPU type a deploy command names (`gcloud run deploy --gpu-type nvidia-l4`). */
  gpuType?: { token: ArgToken; value: string; source: string };
  /** `--device /dev/kfd` (or `/dev/dri` to an Intel or ROCm build) of a `docker run`: the host's GPUs of that vendor. */
  passedDevice?: { path: string; item: ArgToken; vendor: PassedVendor };
  /** What reading it took for granted (the host folder a mounted model path is). */
  assumptions?: string[];
  /** Who shards the model over every GPU the run passes, when its image does rather than its engine's flags (`the NIM`). */
  splitter?: string;
}

/**
 * A reader of an image no engine profile names, for a `docker run` of it (a NIM, whose image is its
 * model): the engine call its environment makes of it, and who shards the model over its GPUs.
 */
export type ImageReader = (image: ArgToken, env: EnvMap) => { call: EngineCall; splitter?: string } | undefined;

/**
 * The engine a script runs: a direct invocation (`vllm serve`, `python -m sglang.launch_server`,
 * `text-generation-launcher`), or a serving image started by `docker run IMAGE [args]`.
 */
export function scriptEngineCall(tokens: ArgToken[], readImage?: ImageReader, depth = 0): ScriptCall | undefined {
  // A `docker run` of a serving image before any engine started outside one (a script's `docker rm -f x;
  // docker run …` too): an engine command inside it is read with the run's GPUs and env.
  const run = dockerRunCall(tokens, readImage);
  if (run && !findEngineCommand(tokens.slice(0, run.at))) return run.found;
  const direct = engineCall(tokens);
  if (direct) return { call: direct, env: new Map() };
  // A shell started further on (`huggingface-cli scan-cache; bash -c "… && vllm serve …"`, a systemd unit's ExecStart): its script.
  for (let i = 0; depth < 3 && i + 2 < tokens.length; i++) {
    if ((i > 0 && tokens[i - 1]!.operator !== true) || tokens[i]!.operator) continue;
    const nested = runScript(tokens.slice(i, i + 3), "", new Map());
    const found = nested.length > 0 && nested[0] !== tokens[i] ? scriptEngineCall(nested, readImage, depth + 1) : undefined;
    if (found) return found;
  }
  // A script run as another user (`su -s /bin/bash ollama -c "ollama pull llama3"`, `sudo -u ollama bash -c "…"`).
  for (let i = 0; depth < 3 && i + 2 < tokens.length; i++) {
    if ((i > 0 && tokens[i - 1]!.operator !== true) || tokens[i]!.operator || !USER_SWITCHES.has(tokens[i]!.text.slice(tokens[i]!.text.lastIndexOf("/") + 1))) continue;
    let flag = i + 1;
    while (flag + 1 < tokens.length && !tokens[flag]!.operator && tokens[flag]!.text !== "-c" && tokens[flag]!.text !== "--command") flag++;
    if (flag + 1 >= tokens.length || tokens[flag]!.operator || tokens[flag + 1]!.operator) continue;
    const nested = runScript([{ ...tokens[flag]!, text: "sh" }, { ...tokens[flag]!, text: "-c" }, tokens[flag + 1]!], "", new Map());
    const found = nested.length > 0 && nested[0] !== tokens[flag] ? scriptEngineCall(nested, readImage, depth + 1) : undefined;
    if (found) return found;
  }
  // A command handed to a runner as words or one string: over SSH, in a detached tmux or screen session.
  for (let i = 0; depth < 3 && i + 1 < tokens.length; i++) {
    if ((i > 0 && tokens[i - 1]!.operator !== true) || tokens[i]!.operator) continue;
    const command = runnerCommand(tokens, i);
    const found = command ? scriptEngineCall(command, readImage, depth + 1) : undefined;
    if (found) return found;
  }
  return dockerRunCall(tokens, readImage)?.found ?? cloudRunDeploy(tokens, readImage);
}

/**
 * `gcloud [beta|alpha] run deploy SERVICE --image IMAGE --gpu 1 --gpu-type nvidia-l4 --args=…`
 * (Cloud Run's GPU services, `gcloud run deploy` reference): the image's engine with the `--command`
 * and `--args` lists (comma-separated, as gcloud reads a list flag), the `--set-env-vars` and
 * `--update-env-vars` it gives, on the GPUs it asks for.
 */
function cloudRunDeploy(tokens: ArgToken[], readImage?: ImageReader): ScriptCall | undefined {
  const start = tokens.findIndex((token, index) => token.text.slice(token.text.lastIndexOf("/") + 1) === "gcloud" && (index === 0 || tokens[index - 1]!.operator === true));
  if (start < 0) return undefined;
  let i = start + 1;
  if (tokens[i]?.text === "beta" || tokens[i]?.text === "alpha") i++;
  if (tokens[i]?.text !== "run" || tokens[i + 1]?.text !== "deploy") return undefined;
  const env: EnvMap = new Map();
  const words: { command: ArgToken[]; args: ArgToken[] } = { command: [], args: [] };
  let image: ArgToken | undefined;
  let gpus: ScriptCall["gpus"];
  let gpuType: ScriptCall["gpuType"];
  for (i += 2; i < tokens.length && !tokens[i]!.operator; i++) {
    const token = tokens[i]!;
    if (!token.text.startsWith("--")) continue;
    const eq = token.text.indexOf("=");
    const option = eq > 0 ? token.text.slice(0, eq) : token.text;
    if (!CLOUD_RUN_OPTIONS.has(option)) continue;
    const valueToken = eq > 0 ? { ...token, text: token.text.slice(eq + 1), ...(token.range ? { range: [token.range[0] + eq + 1, token.range[1]] as [number, number] } : {}) } : tokens[i + 1];
    if (eq < 0) i++;
    if (!valueToken || valueToken.operator) break;
    const value = valueToken.text;
    if (option === "--image") image = valueToken;
    else if (option === "--gpu") gpus = { token: valueToken, count: /^\d+$/.test(value) ? Number(value) : undefined, source: "--gpu" };
    else if (option === "--gpu-type") gpuType = { token: valueToken, value, source: "--gpu-type" };
    else if (option === "--command" || option === "--args") {
      // A list flag: items split at commas, none of them where the file writes it.
      const items = value.split(",").map((text): ArgToken => ({ text, from: valueToken.from, shell: true }));
      words[option === "--command" ? "command" : "args"].push(...items);
    } else for (const pair of value.split(",")) setEnvPair(env, pair, valueToken);
  }
  const read = image ? imageRun(image, [...words.command, ...words.args], env, readImage) : undefined;
  if (!read) return undefined;
  return { call: read.call, env, ...(gpus ? { gpus } : {}), ...(gpuType ? { gpuType } : {}), ...(read.splitter ? { splitter: read.splitter } : {}) };
}

/** `KEY=value` given to a container (`docker run -e`, gcloud's `--set-env-vars` pairs); a value set at run time is unknown. */
function setEnvPair(env: EnvMap, pair: string, from: ArgToken): void {
  const split = pair.indexOf("=");
  if (split <= 0) return;
  const value = pair.slice(split + 1);
  env.set(pair.slice(0, split), { value: value.includes("\u0000") ? undefined : value, node: scalarView(value, from.from.node) });
}

/**
 * What an image runs with these words after it: its engine (or, for an image of any name, the
 * engine its command starts: `rocm/sgl-dev:… python3 -m sglang.launch_server …`) with the env read,
 * else what `readImage` makes of it (a NIM).
 */
function imageRun(image: ArgToken, argv: ArgToken[], env: EnvMap, readImage?: ImageReader): { call: EngineCall; splitter?: string } | undefined {
  const imageEngine: Engine | undefined = engineFromImage(image.text);
  const engineRun = engineCall(argv, imageEngine ? { imageEngine } : {}) ?? imageOnlyCall(imageEngine);
  if (!engineRun) return readImage?.(image, env);
  applyEnvFields(engineRun, env);
  return { call: engineRun };
}

/** `gcloud run deploy` options read (the others take values too, or none: skipped either way). */
const CLOUD_RUN_OPTIONS = new Set(["--image", "--gpu", "--gpu-type", "--command", "--args", "--set-env-vars", "--update-env-vars"]);

/**
 * Runners of another command, by name: the options that take a value, and whether the command is
 * one shell string (`tmux new -d "vllm serve …"`) or words the remote shell joins (`ssh host vllm
 * serve …`, `ssh host "docker run …"`). `ssh` (ssh(1)) names its destination first; tmux
 * (new-session, new-window, split-window, respawn-pane) runs its last word through `sh -c`; screen
 * (`screen -dmS name cmd …`) runs its words.
 */
const RUNNERS: Record<string, { valueOptions: string; destination?: boolean; subcommands?: Set<string>; string?: boolean }> = {
  ssh: { valueOptions: "BbcDEeFIiJLlmOoPpQRSWw", destination: true },
  tmux: { valueOptions: "ceFfnstxy", subcommands: new Set(["new-session", "new", "new-window", "neww", "split-window", "splitw", "respawn-pane", "respawnp"]), string: true },
  screen: { valueOptions: "cehLpSsTt" },
};

/** The command tokens a runner at `start` is given, or undefined when it is not one. */
function runnerCommand(tokens: readonly ArgToken[], start: number): ArgToken[] | undefined {
  const name = tokens[start]!.text.slice(tokens[start]!.text.lastIndexOf("/") + 1);
  const runner = Object.hasOwn(RUNNERS, name) ? RUNNERS[name]! : undefined;
  if (!runner) return undefined;
  let end = start + 1;
  while (end < tokens.length && !tokens[end]!.operator) end++;
  let i = start + 1;
  if (runner.subcommands && !runner.subcommands.has(tokens[i]?.text ?? "")) return undefined;
  if (runner.subcommands) i++;
  for (; i < end && tokens[i]!.text.startsWith("-") && tokens[i]!.text.length > 1; i++) {
    // Bundled letters (`-dmS name`): the value belongs to the last, which takes the next word when none follows it.
    const letters = tokens[i]!.text.slice(1);
    if (letters.startsWith("-")) continue;
    const takes = [...letters].findIndex((letter) => runner.valueOptions.includes(letter));
    if (takes === letters.length - 1) i++;
  }
  if (runner.destination) i++;
  if (i >= end) return undefined;
  const words = tokens.slice(i, runner.string ? i + 1 : end);
  if (!runner.string && !runner.destination) return words;
  // One string for a shell to split (the remote shell joins SSH's words with spaces).
  const script: ArgToken = { ...words[0]!, text: words.map((word) => word.text).join(" ") };
  delete script.range;
  const shell: ArgToken = { ...script, text: "sh" };
  const nested = runScript([shell, { ...script, text: "-c" }, script], "", new Map());
  return nested[0] === shell ? undefined : nested;
}

/**
 * The GPUs a script's `docker run` passes: `--gpus 2` or `--gpus '"device=0,1"'`, every GPU of the
 * host (`--gpus all`), or the host's GPUs of the vendor whose device nodes it passes (`--device /dev/kfd`).
 */
export function setScriptGpus(sink: FieldSink, script: ScriptCall): void {
  const { gpus, passedDevice, splitter } = script;
  // A NIM's image, not its engine's flags, shards the model: over every GPU the run passes.
  const engine = splitter ? undefined : script.call.engine;
  if (script.gpuType) setLocated(sink, "gpuType", { value: script.gpuType.value, node: script.gpuType.token.from.node, ...(script.gpuType.token.range ? { range: script.gpuType.token.range } : {}), source: script.gpuType.source, readonly: true });
  if (gpus?.count !== undefined) setLocated(sink, "gpuCount", { value: gpus.count, node: gpus.token.from.node, ...(gpus.token.range ? { range: gpus.token.range } : {}), source: gpus.source ?? "--gpus", readonly: true });
  else if (gpus) everyHostGpu(sink, gpus.token.from.node, `--gpus ${gpus.token.text}`, engine, splitter);
  else if (passedDevice) setPassedGpus(sink, `--device ${passedDevice.path}`, passedDevice.item.from.node, passedDevice.vendor, engine, splitter);
}

/** Whether `docker run` (or podman's, nerdctl's) starts at token `i`. */
function runsContainer(tokens: readonly ArgToken[], i: number): boolean {
  const token = tokens[i];
  if (!token || token.operator) return false;
  return /^(?:docker|podman|nerdctl)$/.test(token.text.slice(token.text.lastIndexOf("/") + 1)) && tokens[i + 1]?.text === "run";
}

/** The first `docker run` (or podman's, nerdctl's) of a serving image among the tokens: its engine call, env, GPUs and mounts. */
function dockerRunCall(tokens: ArgToken[], readImage?: ImageReader): { found: ScriptCall; at: number } | undefined {
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (!runsContainer(tokens, i)) continue;
    const env: EnvMap = new Map();
    const mounts: Mount[] = [];
    const devices: Array<{ path: string; item: ArgToken }> = [];
    let gpus: ScriptCall["gpus"];
    let j = i + 2;
    for (; j < tokens.length && !tokens[j]!.operator; j++) {
      const token = tokens[j]!;
      if (!token.text.startsWith("-")) break;
      const eq = token.text.indexOf("=");
      const option = eq > 0 ? token.text.slice(0, eq) : token.text;
      if (!DOCKER_VALUE_OPTIONS.has(option)) continue;
      const valueToken = eq > 0 ? token : tokens[j + 1];
      const value = eq > 0 ? token.text.slice(eq + 1) : tokens[j + 1]?.text;
      if (eq < 0) j++;
      if (!valueToken || value === undefined) break;
      if (option === "-e" || option === "--env") setEnvPair(env, value, valueToken);
      else if (option === "-v" || option === "--volume" || option === "--mount") {
        const mount = dockerMount(option, value);
        if (mount) mounts.push(mount);
      } else if (option === "--device") {
        devices.push({ path: value.split(":")[0]!, item: valueToken });
      } else if (option === "--gpus") {
        const devices = /device=([\d,]+)/.exec(value);
        gpus = { token: valueToken, count: /^\d+$/.test(value) ? Number(value) : devices ? devices[1]!.split(",").filter(Boolean).length : undefined };
      }
    }
    const image = tokens[j];
    if (!image || image.operator) continue;
    let end = j + 1;
    while (end < tokens.length && !tokens[end]!.operator) end++;
    const read = imageRun(image, tokens.slice(j + 1, end), env, readImage);
    if (!read) continue;
    const { call, splitter } = read;
    const mounted = modelFromMount(call, mounts);
    const passedDevice = passedGpuDevice(devices, image.text);
    return { found: { call, env, ...(gpus ? { gpus } : {}), ...(passedDevice ? { passedDevice } : {}), ...(mounted ? { assumptions: [mounted] } : {}), ...(splitter ? { splitter } : {}) }, at: i };
  }
  return undefined;
}

/** `-v /srv/models/x:/model:ro` or `--mount type=bind,source=/srv/models/x,target=/model` of a `docker run`. */
function dockerMount(option: string, value: string): Mount | undefined {
  if (option !== "--mount") {
    const [source, containerPath] = value.split(":");
    return source && containerPath ? { source, containerPath } : undefined;
  }
  const parts = new Map(value.split(",").map((part) => [part.slice(0, part.indexOf("=")), part.slice(part.indexOf("=") + 1)]));
  const source = parts.get("source") ?? parts.get("src");
  const containerPath = parts.get("target") ?? parts.get("destination") ?? parts.get("dst");
  return source && containerPath ? { source, containerPath } : undefined;
}
