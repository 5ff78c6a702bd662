/**
 * App configs, JSON or YAML: one object that names a model together with its GPUs (or engine
 * settings), at any depth — `{ "model": "…", "gpu": "A10G", "quant": "fp16" }`. vLLM `--config`
 * files are the same shape, with flag names as keys (`tensor_parallel_size`, `max-model-len`).
 */
import { DEFAULT_ENGINE, engineByName, engineFromImage, engineOfModelName } from "../engines/index.js";
import type { ExtractContext } from "./context.js";
import type { DocNode } from "./doc.js";
import { mappings, namedValueView, scalarView, str } from "./doc.js";
import { flagListCall } from "./engine-seam.js";
import { applyEnvFields, type EngineCall } from "./engine-args.js";
import type { Engine } from "../sizing/types.js";
import { deferredReason, type FieldSink, locate, mergeFields, MODEL_ENV_NAMES, namesNoGpuType, newSink, readEnv, readField, setLocated, setUnresolved } from "./kit.js";
import { nodePlacement, resourceGpus } from "./pod.js";
import type { ArgsTarget, Deployment, FieldName, Located, LocatedFields, UnresolvedValue } from "./types.js";

type Kind = "string" | "int" | "float" | "size" | "bool";

/**
 * `llm_model` names a model served here when it is written as a repository or a tag
 * (`Qwen/Qwen3-8B`, `gemma2:9b`); a bare name (`gpt-4o-mini`) is a client's, an API's model.
 */
function servedLlmModel(key: string, node: DocNode): boolean {
  return ["llmmodel", "llmmodelid", "llmmodelname"].includes(normalizeKey(key)) && /[/:]/.test(String(node.value ?? ""));
}

/** Keys (compared without case, `-` or `_`) that hold each setting. */
const KEYS: Array<{ field: FieldName; kind: Kind; keys: string[] }> = [
  {
    field: "model",
    kind: "string",
    keys: [
      "model", "modelid", "modelname", "hfmodelid", "hfmodelname", "modelrepo", "huggingfacemodel", "hfmodel", "huggingfacemodelid", "jumpstartmodelname", "jumpstartmodelid",
      // The tag an Ollama chart pulls and serves (`ollamaPull: "qwen3:8b"`, `ollamaModel`).
      "ollamapull", "ollamamodel",
    ],
  },
  { field: "gpuType", kind: "string", keys: ["gpu", "gputype", "accelerator", "acceleratortype", "gpumodel", "gpuname"] },
  // OCI names its instance types shapes (`BM.GPU.H100.8`).
  { field: "instanceType", kind: "string", keys: ["instancetype", "machinetype", "vmsize", "sku", "nodeshape", "shape"] },
  { field: "gpuCount", kind: "int", keys: ["gpucount", "gpus", "numgpus", "ngpus", "gpuspernode", "gpunum"] },
  { field: "tensorParallel", kind: "int", keys: ["tensorparallelsize", "tp", "tpsize", "tensorparallel", "numshard"] },
  { field: "pipelineParallel", kind: "int", keys: ["pipelineparallelsize", "pp", "ppsize", "pipelineparallel"] },
  { field: "dataParallel", kind: "int", keys: ["dataparallelsize", "dp", "dpsize"] },
  { field: "expertParallel", kind: "bool", keys: ["enableexpertparallel", "expertparallel"] },
  { field: "quantization", kind: "string", keys: ["quant", "quantization", "quantize", "precision", "quantizationmethod"] },
  { field: "dtype", kind: "string", keys: ["dtype", "torchdtype"] },
  { field: "kvCacheDtype", kind: "string", keys: ["kvcachedtype"] },
  { field: "maxModelLen", kind: "size", keys: ["maxmodellen", "contextlength", "maxcontext", "maxcontextlength", "maxsequencelength", "maxseqlen", "numctx", "contextwindow"] },
  { field: "gpuMemoryUtilization", kind: "float", keys: ["gpumemoryutilization", "memfractionstatic"] },
  { field: "maxNumSeqs", kind: "int", keys: ["maxnumseqs", "maxrunningrequests", "numparallel"] },
  { field: "maxNumBatchedTokens", kind: "size", keys: ["maxnumbatchedtokens", "chunkedprefillsize"] },
  { field: "cpuOffloadGiB", kind: "float", keys: ["cpuoffloadgb"] },
  { field: "enforceEager", kind: "bool", keys: ["enforceeager"] },
  { field: "engine", kind: "string", keys: ["engine", "backend", "inferenceengine", "servingengine", "runtime"] },
];

/** Settings that only an engine config has: with a model, they make a mapping a deployment even without GPUs. */
const ENGINE_CONFIG_FIELDS: FieldName[] = ["tensorParallel", "pipelineParallel", "maxModelLen", "gpuMemoryUtilization", "maxNumSeqs", "quantization", "kvCacheDtype"];

const KEY_INDEX = new Map<string, { field: FieldName; kind: Kind }>();
for (const entry of KEYS) for (const key of entry.keys) KEY_INDEX.set(key, { field: entry.field, kind: entry.kind });

/**
 * Prefixes a deployment's variables put before a setting's name, as Terraform variables and
 * `.tfvars` files do (`vllm_model`, `vllm_gpu_count`, `gpu_node_vm_size`): an engine's name before
 * any setting; the GPU nodes' before the hardware only.
 */
const ENGINE_PREFIXES = ["vllm", "sglang", "tgi", "ollama", "llamacpp", "lmdeploy", "trtllm", "tensorrtllm"];
const HARDWARE_PREFIXES = ["gpunode", "gpunodes", "gpu", "nvidia"];
const HARDWARE_FIELDS = new Set<FieldName>(["instanceType", "gpuType", "gpuCount"]);

/** The setting a key holds: by its name, or by the name after an engine's or the GPU nodes' prefix. */
function keySpec(key: string): { field: FieldName; kind: Kind } | undefined {
  const normalized = normalizeKey(key);
  const exact = KEY_INDEX.get(normalized);
  if (exact) return exact;
  for (const prefix of ENGINE_PREFIXES) if (normalized.startsWith(prefix) && normalized.length > prefix.length) return KEY_INDEX.get(normalized.slice(prefix.length));
  for (const prefix of HARDWARE_PREFIXES) {
    const spec = normalized.startsWith(prefix) ? KEY_INDEX.get(normalized.slice(prefix.length)) : undefined;
    if (spec && HARDWARE_FIELDS.has(spec.field)) return spec;
  }
  return undefined;
}

/** Keys that hold a container image (`image`, `deep-learning-container-image`, `image_uri`), compared like other keys. */
const IMAGE_KEY = /image(?:uri|url|name|ref)?$/;

/**
 * The word every key of a mapping starts with (`recipe_` of `recipe_node_shape`, `recipe_image_uri`…,
 * an OCI AI Blueprints recipe), read past as a namespace: at least three keys, three in four of them.
 */
function sharedKeyPrefix(mapping: DocNode): string {
  if (mapping.type !== "map") return "";
  const counts = new Map<string, number>();
  let keys = 0;
  for (const [key] of mapping.entries()) {
    keys++;
    const prefix = /^[a-z][a-z0-9]*[_-](?=[a-z])/i.exec(key)?.[0];
    if (prefix) counts.set(prefix, (counts.get(prefix) ?? 0) + 1);
  }
  for (const [prefix, count] of counts) if (count >= 3 && count * 4 >= keys * 3 && !KEY_INDEX.has(normalizeKey(prefix))) return prefix;
  return "";
}

/** The key past the mapping's shared prefix, unless the whole key is a setting's (`max_model_len` among `max_…` keys). */
function ownKey(key: string, prefix: string): string {
  return prefix && key.startsWith(prefix) && !keySpec(key) ? key.slice(prefix.length) : key;
}

export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, "");
}

function keyStyle(keys: string[]): "snake" | "kebab" | "camel" {
  if (keys.some((key) => key.includes("-"))) return "kebab";
  if (keys.some((key) => /[a-z][A-Z]/.test(key))) return "camel";
  return "snake";
}

/**
 * `A100-80GB:8` (SkyPilot style), `H100 x 8`, `L4×2` in a GPU key: the type and the count. Read from
 * the end (digits, then the separator), since a pattern with a lazy name before `\s*` backtracks
 * quadratically on a long run of blanks.
 */
function typeWithCount(raw: string): [type: string, count: string] | undefined {
  const text = raw.trim();
  let digits = text.length;
  while (digits > 0 && text.charCodeAt(digits - 1) >= 48 && text.charCodeAt(digits - 1) <= 57) digits--;
  if (digits === text.length) return undefined;
  const head = text.slice(0, digits).trimEnd();
  if (!":x×".includes(head.slice(-1)) || head.length < 2) return undefined;
  const type = head.slice(0, -1).trimEnd();
  return /^[A-Za-z][\w .-]*$/.test(type) ? [type, text.slice(digits)] : undefined;
}

/**
 * Keys of a nested engine configuration inside a settings mapping (Helm values of generic charts:
 * `vllm_engine_args: {max_model_len: …}`, `vllm: {containerArgs: [--max-model-len, …]}`,
 * `extraArgs: [...]`), compared like other keys (no case, `-` or `_`).
 */
const NESTED_ENGINE_KEYS = /^(vllm|sglang|tgi|engine|server|serving|runtime)?(engine)?(args|arguments|extraargs|containerargs|containercommandargs|commandargs|engineargs|config|kwargs|options|settings)?$/;

/**
 * Keys that name the model in a mapping that is itself a model key's value (`model: {name: …}`),
 * most telling first: a `name` beside a `source` (`{name: Qwen/…, source: huggingface}`) is the model.
 */
const MODEL_NAME_ORDER = ["name", "id", "repoid", "hfrepo", "repo", "repository", "path", "uri", "storageuri", "source"];
const MODEL_NAME_KEYS = new Set(MODEL_NAME_ORDER);
/** Keys of a model mapping that hold its repository's owner apart from its name (an OpenShift AI template's `root`). */
const MODEL_OWNER_KEYS = ["root", "owner", "org", "organization", "organisation"];
const MODEL_SPEC = { field: "model", kind: "string" } as const satisfies { field: FieldName; kind: Kind };


/**
 * A model mapping that writes its repository's owner apart from its name (`{root: mistralai, id:
 * Mistral-7B-Instruct-v0.2, name: mistral-7b}`, an OpenShift AI template's): the repository, read
 * where its id is written; its `name` there is only what it is served as.
 */
function ownedRepository(mapping: DocNode): { key: string; node: DocNode } | undefined {
  if (mapping.type !== "map") return undefined;
  const owner = MODEL_OWNER_KEYS.map((key) => mapping.get(key)).find((value) => value?.type === "scalar" && /^[\w.-]+$/.test(str(value) ?? ""));
  const key = mapping.get("id") !== undefined ? "id" : "repo";
  const repository = owner ? mapping.get(key) : undefined;
  const id = str(repository);
  return owner && repository && id && /^[\w.-]+$/.test(id) ? { key, node: scalarView(`${str(owner)}/${id}`, repository.node) } : undefined;
}

/** The scalar of `mapping` that names a model by its key (`model`, `modelName`, `hf_model_id`…), or by a name under one (`model: {name: …}`). */
export function modelEntryOf(mapping: DocNode): { key: string; node: DocNode } | undefined {
  for (const [key, node] of mapping.entries()) {
    if (keySpec(key)?.field !== "model") continue;
    if (node.type === "scalar") return { key, node };
    const candidates = node.type === "map" ? node.entries().filter(([inner, value]) => value.type === "scalar" && MODEL_NAME_KEYS.has(normalizeKey(inner))) : [];
    const owned = ownedRepository(node);
    if (owned) return { key: `${key}.${owned.key}`, node: owned.node };
    const rank = ([inner]: [string, DocNode]) => MODEL_NAME_ORDER.indexOf(normalizeKey(inner));
    const named = candidates.sort((a, b) => rank(a) - rank(b))[0];
    if (named) return { key: `${key}.${named[0]}`, node: named[1] };
  }
  return undefined;
}

/** Reads one mapping's settings; returns undefined when it does not describe a deployment. */
export function readSettingsMapping(
  mapping: DocNode,
  /** `settingsOnly`: return whatever settings the mapping holds, even with no model (KAITO's `vllm:` map, Ray `engine_kwargs`). */
  options: { settingsOnly?: boolean; modelKeyed?: boolean; hardwareElsewhere?: boolean } = {},
): { fields: LocatedFields; unresolved: Partial<Record<FieldName, UnresolvedValue>> } | undefined {
  const sink = newSink();
  const { fields, unresolved } = sink;
  const located = <T>(value: T, node: DocNode, source: string): Located<T> => locate(node, value, source);
  /** The rank in MODEL_NAME_ORDER of the key the model was read from. */
  let modelNameRank = MODEL_NAME_ORDER.length;

  const prefix = sharedKeyPrefix(mapping);
  for (const [writtenKey, node] of mapping.entries()) {
    const key = ownKey(writtenKey, prefix);
    // A serving image under any key names the engine: `deep-learning-container-image:
    // huggingface-pytorch-tgi-inference:…`, a chart's `image: {repository, tag}`, an `image_uri`.
    if (IMAGE_KEY.test(normalizeKey(key)) && !fields.engine) {
      const repository = node.type === "map" ? node.get("repository") : node;
      const image = str(repository);
      const engine = image === undefined ? undefined : engineFromImage(node.type === "map" && str(node.get("tag")) ? `${image}:${str(node.get("tag"))}` : image);
      if (engine && repository) fields.engine = located(engine, repository, writtenKey);
      continue;
    }
    // Under a model key (`model: {name: Qwen/Qwen3-32B, contextLength: 32768}`), its name is the model.
    const nameRank = options.modelKeyed ? MODEL_NAME_ORDER.indexOf(normalizeKey(key)) : -1;
    const spec = keySpec(key) ?? (nameRank >= 0 || servedLlmModel(key, node) ? MODEL_SPEC : undefined);
    if (!spec || node.type !== "scalar") continue;
    if (spec === MODEL_SPEC) {
      if (nameRank > modelNameRank) continue;
      modelNameRank = nameRank;
    }
    const raw = typeof node.value === "string" ? node.value : String(node.value);
    if (spec.field === "engine") {
      const engine = deferredReason(raw) ? undefined : engineByName(raw);
      if (engine) fields.engine = located(engine, node, writtenKey);
      continue;
    }
    if (!deferredReason(raw) && spec.field === "gpuCount" && typeof node.value === "string" && !/^\d+$/.test(raw)) {
      // `gpus: "A100:8"` names the type and the count together; `gpus: H100` only the type.
      const match = typeWithCount(raw);
      if (match) {
        fields.gpuType ??= located(match[0], node, writtenKey);
        fields.gpuCount = located(Number(match[1]), node, writtenKey);
      } else if (/[a-z]/i.test(raw)) fields.gpuType ??= located(raw, node, writtenKey);
      continue;
    }
    if (spec.field === "gpuType" && typeof node.value !== "number" && namesNoGpuType(raw)) continue;
    if (!deferredReason(raw) && spec.field === "gpuType") {
      const match = typeWithCount(raw);
      if (typeof node.value === "number") {
        fields.gpuCount ??= located(node.value, node, writtenKey);
        continue;
      }
      if (match) {
        fields.gpuType = located(match[0], node, writtenKey);
        fields.gpuCount ??= located(Number(match[1]), node, writtenKey);
        continue;
      }
    }
    readField(sink, spec.field, node, spec.kind, writtenKey);
  }
  const owned = options.modelKeyed ? ownedRepository(mapping) : undefined;
  if (owned) {
    delete fields.model;
    delete unresolved.model;
    readField(sink, "model", owned.node, "string", owned.key);
  }
  if (options.modelKeyed) modelSections(mapping, sink);
  endpointCompute(mapping, sink);
  if (options.settingsOnly) return { fields, unresolved };
  const env = readEnv(mapping.get("env"));
  if (!fields.model && !unresolved.model) {
    // A chart's `env` may name the model beside its `gpus`.
    const named = MODEL_ENV_NAMES.map((name) => env.get(name)).find((entry) => entry !== undefined);
    if (named && (fields.gpuCount || unresolved.gpuCount || mapping.get("resources"))) readField(sink, "model", named.node, "string", MODEL_ENV_NAMES.find((name) => env.get(name) === named)!);
  }
  // Or the engine's own arguments beside its image (`recipe_container_command_args: [--model, …]`);
  // a container's own `args`/`command` are the container reader's, with its env.
  const containerShaped = mapping.get("args") !== undefined || mapping.get("command") !== undefined;
  nestedEngineSettings(mapping, sink, prefix, fields.model !== undefined || unresolved.model !== undefined || fields.engine === undefined || containerShaped);
  if (!fields.model && !unresolved.model) return undefined;
  // The engine's own environment settings in the chart's `env` (Text Embeddings Inference's `MAX_BATCH_TOKENS`).
  const engine = fields.engine?.value as Engine | undefined;
  if (engine && env.size > 0) {
    const call: EngineCall = { engine, fields: {}, unresolved: {} };
    applyEnvFields(call, env);
    mergeFields(sink, call, "fill");
  }
  // A chart's own `nodeSelector`/`affinity` beside the model pins the GPU like a pod's does.
  mergeFields(sink, { fields: nodePlacement(mapping) }, "fill");
  if (!fields.gpuCount && !unresolved.gpuCount) {
    const gpus = resourceGpus(mapping.get("resources"));
    if (gpus.located) setLocated(sink, "gpuCount", gpus.located);
    else if (gpus.unresolved) setUnresolved(sink, "gpuCount", gpus.unresolved);
  }
  const isEngineConfig = ENGINE_CONFIG_FIELDS.some((field) => fields[field] !== undefined);
  if (!namesHardware(sink) && !isEngineConfig && !options.hardwareElsewhere) return undefined;
  return { fields, unresolved };
}

/**
 * Hugging Face Inference Endpoints name the GPU as the instance type and the count as its size
 * (`instance_type: nvidia-a10g`, `instance_size: x4`; the API's `instanceType`/`instanceSize`).
 */
function endpointCompute(mapping: DocNode, sink: FieldSink): void {
  const type = sink.fields.instanceType;
  const sizeNode = mapping.get("instance_size") ?? mapping.get("instanceSize");
  const size = /^x(\d+)$/i.exec(String(sizeNode?.value ?? "").trim());
  if (!type || !sizeNode || !size || !/^(nvidia|amd)-/i.test(type.value)) return;
  delete sink.fields.instanceType;
  setLocated(sink, "gpuType", { ...type, source: "instance_type" });
  setLocated(sink, "gpuCount", { ...locate(sizeNode, Number(size[1]), "instance_size"), readonly: true });
}

/** Whether settings name the GPUs that serve them (a type, an instance type or a count above 0). */
function namesHardware({ fields, unresolved }: FieldSink): boolean {
  return Boolean(fields.gpuType || fields.instanceType || unresolved.gpuType || unresolved.instanceType || (fields.gpuCount && fields.gpuCount.value > 0) || unresolved.gpuCount);
}

/**
 * Engine settings nested one level down (a chart's `vllm_engine_args` map, `vllm.containerArgs` list).
 * They give the settings, and the model only from an argument list of the mapping's own beside an
 * engine's image (`settingsOnly` false): a section's command may be another container's.
 */
function nestedEngineSettings(mapping: DocNode, sink: FieldSink, prefix = "", settingsOnly = true): void {
  const engine = sink.fields.engine?.value ?? DEFAULT_ENGINE;
  const fill = (read: Pick<FieldSink, "fields" | "unresolved"> | undefined, withModel = false) => {
    if (read && !withModel) {
      delete read.fields.model;
      delete read.unresolved.model;
    }
    mergeFields(sink, read, "fill");
  };
  for (const [written, child] of mapping.entries()) {
    const key = ownKey(written, prefix);
    const normalized = normalizeKey(key);
    if (normalized === "" || !NESTED_ENGINE_KEYS.test(normalized) || KEY_INDEX.has(normalized)) continue;
    if (child.type === "map") {
      fill(readSettingsMapping(child, { settingsOnly: true }));
      for (const [inner, list] of child.entries()) {
        if (list.type === "seq" && /args|arguments/i.test(inner)) fill(flagListCall(engine, list, ""));
      }
    } else if (child.type === "seq" && /args|arguments/i.test(key)) {
      fill(flagListCall(engine, child, ""), !settingsOnly);
    }
  }
}

/** The mappings that hold the one at `path`, nearest first, each with the key that leads down (lists are passed through). */
function enclosingMappings(document: DocNode, path: readonly string[]): Array<{ parent: DocNode; key: string }> {
  const chain: Array<{ parent: DocNode; key: string }> = [];
  let current: DocNode | undefined = document;
  for (const key of path) {
    // Through a list to the item (`services[0].models[0].metadata`): the item's own siblings stay its own.
    if (current?.type === "seq") {
      current = current.items()[Number(key)];
      continue;
    }
    if (current?.type !== "map") return [];
    chain.push({ parent: current, key });
    current = current.get(key);
  }
  return chain.reverse();
}

/**
 * Settings that name the model in one mapping and the hardware beside it: a chart's values with
 * `vllm: {model: …}` and the pod's `resources`/`nodeSelector` at the top (as its templates read
 * them), an app config with `llm: {…}` next to `compute: {accelerator, gpu_count}`. The nearest
 * enclosing mapping, or a sibling mapping that names no model of its own, gives what the settings
 * mapping does not name: the GPUs, and engine settings written beside the model.
 */
function inheritHardware(read: FieldSink, enclosing: ReadonlyArray<{ parent: DocNode; key: string }>): void {
  const open = (field: FieldName) => !read.fields[field] && !read.unresolved[field];
  for (const { parent, key } of enclosing) {
    if (open("gpuType") && open("instanceType")) mergeFields(read, { fields: nodePlacement(parent) }, "fill");
    if (open("gpuCount")) {
      const gpus = resourceGpus(parent.get("resources"));
      if (gpus.located) setLocated(read, "gpuCount", gpus.located);
      else if (gpus.unresolved) setUnresolved(read, "gpuCount", gpus.unresolved);
    }
    if (open("engine")) {
      // The chart's image (`image: {repository: lmsysorg/sglang}` or `image: vllm/vllm-openai:v0.11.0`) runs the engine.
      const image = parent.get("image");
      const repository = image?.type === "map" ? image.get("repository") : image;
      const engine = repository?.type === "scalar" && typeof repository.value === "string" ? engineFromImage(repository.value) : undefined;
      if (engine && repository) read.fields.engine = locate(repository, engine, "image");
    }
    // Engine flags written beside the model's mapping (a chart's top-level `extraArgs: [--tensor-parallel-size, "2"]`).
    nestedEngineSettings(parent, read);
    // A sibling that names no model of its own holds the same server's hardware or engine settings
    // (`deployment: {maxModelLen: 8192, gpuMemoryUtilization: 0.95}` beside `model: {name: …}`).
    for (const [siblingKey, sibling] of parent.entries()) {
      if (siblingKey === key || sibling.type !== "map") continue;
      if (GPU_SECTION_KEYS.has(normalizeKey(siblingKey))) gpuSection(read, sibling, siblingKey);
      const settings = readSettingsMapping(sibling, { settingsOnly: true });
      if (!settings || settings.fields.model || settings.unresolved.model) continue;
      mergeFields(read, settings, "fill");
      // `service_config: {resources: {gpu: 8, gpu_type: nvidia-h200-141gb}}` (BentoML) beside the engine's settings.
      const resources = sibling.get("resources");
      if (resources?.type === "map") mergeFields(read, readSettingsMapping(resources, { settingsOnly: true }), "fill");
      // `instance: {type: ml.g5.12xlarge, count: 1}`.
      if (normalizeKey(siblingKey) === "instance" && open("instanceType")) readField(read, "instanceType", sibling.get("type"), "string", "instance.type");
    }
    // The enclosing mapping's own hardware keys (`instance_type: Standard_NC24ads_A100_v4` beside `environment_variables`).
    if (HARDWARE.some(open)) {
      const own = readSettingsMapping(parent, { settingsOnly: true });
      if (own) mergeFields(read, { fields: pick(own.fields, HARDWARE), unresolved: pick(own.unresolved, HARDWARE) }, "fill");
    }
  }
}

/** Sections of a model's own mapping that say how it is served: the server's image and resources. */
const SERVER_SECTION_KEYS = new Set(["runtime", "server", "serving", "container"]);

/**
 * A model's mapping that holds its server's sections (an OpenShift AI template's `model: {root, id,
 * runtime: {image, resources}, accelerator: {productName}}`): the engine from the server's image,
 * the GPUs from its GPU section.
 */
function modelSections(mapping: DocNode, read: FieldSink): void {
  for (const [key, section] of mapping.entries()) {
    if (section.type !== "map") continue;
    const normalized = normalizeKey(key);
    if (GPU_SECTION_KEYS.has(normalized)) gpuSection(read, section, key);
    if (!SERVER_SECTION_KEYS.has(normalized) || read.fields.engine) continue;
    const image = section.get("image");
    const repository = image?.type === "map" ? image.get("repository") : image;
    const engine = engineFromImage(str(repository));
    if (engine && repository) read.fields.engine = locate(repository, engine, `${key}.image`);
  }
}

/**
 * Keys of a chart's GPU section (`accelerator: {vendor: nvidia, count: 2, nodeSelector: {…}}`; an
 * OpenShift AI template's `accelerator: {productName: NVIDIA-A10G}`, the GPU feature discovery product).
 */
const GPU_SECTION_KEYS = new Set(["accelerator", "accelerators", "gpu", "gpus"]);

/** A GPU section's count, type and node selector, where the section's own words name them. */
function gpuSection(read: FieldSink, section: DocNode, sectionKey: string): void {
  if (section.get("enabled")?.value === false) return;
  const open = (field: FieldName) => !read.fields[field] && !read.unresolved[field];
  for (const [key, value] of section.entries()) {
    const normalized = normalizeKey(key);
    if (open("gpuCount") && ["count", "number", "num", "quantity"].includes(normalized)) readField(read, "gpuCount", value, "int", `${sectionKey}.${key}`);
    else if (open("gpuType") && ["type", "product", "productname", "model", "name"].includes(normalized) && !namesNoGpuType(String(value.value ?? ""))) readField(read, "gpuType", value, "string", `${sectionKey}.${key}`);
  }
  if (open("gpuType") && open("instanceType")) mergeFields(read, { fields: nodePlacement(section) }, "fill");
}

/** The fields that say which GPUs serve a deployment. */
const HARDWARE: FieldName[] = ["gpuType", "instanceType", "gpuCount"];

export function pick<T extends object>(from: T, fields: readonly FieldName[]): T {
  return Object.fromEntries(fields.filter((field) => field in from).map((field) => [field, (from as Record<string, unknown>)[field]])) as T;
}

/** Keys whose `{name, value}` list stands for a mapping of settings (SeedFarmer, Argo workflow and Tekton parameters). */
const PARAMETER_LISTS = new Set(["parameters", "params"]);

/** Every mapping of a document, and the `{name, value}` parameter lists read as mappings (a whole document too: a parameters file). */
function* settingsMappings(document: DocNode): Generator<{ node: DocNode; path: string[] }> {
  const parameterFile = namedValueView(document);
  if (parameterFile) yield { node: parameterFile, path: [] };
  for (const entry of mappings(document)) {
    yield entry;
    for (const [key, value] of entry.node.entries()) {
      if (!PARAMETER_LISTS.has(normalizeKey(key))) continue;
      const view = namedValueView(value);
      if (view) yield { node: view, path: [...entry.path, key] };
    }
  }
}

/** Keys of mappings that label or tag a resource (their `model` is a label value). */
const LABEL_KEYS = new Set(["labels", "tags", "annotations", "metadata", "resourcelabels", "defaulttags", "commonlabels"]);

/** Every deployment-shaped mapping of an app-config document. */
export function extractAppConfig(document: DocNode, ctx: ExtractContext, kind = "app config"): Deployment[] {
  void ctx;
  const deployments: Deployment[] = [];
  for (const { node, path } of settingsMappings(document)) {
    const key = path[path.length - 1];
    // A model key's mapping (`model: {name: …}`) may leave the GPUs to the mappings around it.
    const modelKeyed = key !== undefined && keySpec(key)?.field === "model";
    // A mapping that names a model may leave its GPUs to the mappings around it (`environment_variables: {MODEL_NAME}` beside `instance_type`).
    const read = readSettingsMapping(node, { modelKeyed, hardwareElsewhere: true });
    if (!read) continue;
    const ownHardware = namesHardware(read) || ENGINE_CONFIG_FIELDS.some((field) => read.fields[field] !== undefined);
    if (!ownHardware && !read.fields.model && !read.unresolved.model) continue;
    const enclosing = enclosingMappings(document, path);
    // Labels and tags name what the settings around them deploy (`labels = { model = "gemma3-27b" }`): not a second deployment.
    if (!ownHardware && key !== undefined && LABEL_KEYS.has(normalizeKey(key)) && enclosing.some(({ parent }) => modelEntryOf(parent) !== undefined)) continue;
    // A section that names again what an enclosing deployment serves (a gateway's `model_name: gpt-oss-120b`) is that deployment.
    if (!ownHardware && servedByEnclosing(read, enclosing, deployments)) continue;
    inheritHardware(read, enclosing);
    if (!ownHardware && !namesHardware(read) && !ENGINE_CONFIG_FIELDS.some((field) => read.fields[field] !== undefined)) continue;
    // No engine named, a model named as only one engine names them (an Ollama tag, `gemma2:9b`): that engine.
    const tagEngine = read.fields.engine || !read.fields.model ? undefined : engineOfModelName(String(read.fields.model.value));
    if (tagEngine) read.fields.engine = { value: tagEngine, node: read.fields.model!.node, source: read.fields.model!.source, readonly: true };
    const args: ArgsTarget | undefined = node.embedded ? undefined : { kind: "map", node, keyStyle: keyStyle(node.entries().map(([key]) => key)) };
    deployments.push({
      format: "app-config",
      kind,
      name: path.length > 0 ? path.join(".") : undefined,
      fields: read.fields,
      unresolved: read.unresolved,
      anchor: node.node,
      ...(args ? { args } : {}),
    });
  }
  if (deployments.length === 0) deployments.push(...modelFreeAzureMlDeployment(document));
  return deployments;
}

/** The repository name of a model as written, without its owner (`openai/gpt-oss-120b` → `gpt-oss-120b`). */
function bareModelName(model: unknown): string {
  return String(model).slice(String(model).lastIndexOf("/") + 1).toLowerCase();
}

/** Whether a mapping enclosing this one is already a deployment of the same model. */
function servedByEnclosing(read: FieldSink, enclosing: ReadonlyArray<{ parent: DocNode }>, deployments: readonly Deployment[]): boolean {
  const model = read.fields.model?.value;
  if (model === undefined) return false;
  return deployments.some((deployment) => deployment.fields.model !== undefined && bareModelName(deployment.fields.model.value) === bareModelName(model) && enclosing.some(({ parent }) => parent.node === deployment.anchor));
}

/** Azure ML's online deployment YAML schemas (`az ml online-deployment create -f deploy.yml`). */
const AZURE_ML_DEPLOYMENT_SCHEMA = /\/(managed|kubernetes)OnlineDeployment\.schema\.json$/i;

/**
 * An Azure ML online deployment on a GPU SKU (`Standard_N…`) whose file names no model: the model is
 * given when it is created (`az ml online-deployment create -f deploy.yml --set model=…`), so the
 * deployment is found and said to be unchecked rather than passed in silence.
 */
function modelFreeAzureMlDeployment(document: DocNode): Deployment[] {
  const schema = document.get("$schema");
  if (!schema || !AZURE_ML_DEPLOYMENT_SCHEMA.test(String(schema.value ?? ""))) return [];
  const instance = document.get("instance_type");
  if (!/^Standard_N/i.test(String(instance?.value ?? ""))) return [];
  const sink = newSink();
  readField(sink, "instanceType", instance, "string", "instance_type");
  setUnresolved(sink, "model", { raw: "az ml online-deployment create --set model=…", node: schema.node, reason: "variable" });
  return [{ format: "app-config", kind: "Azure ML online deployment", name: str(document.get("name")), fields: sink.fields, unresolved: sink.unresolved, anchor: document.node }];
}
