/**
 * Extraction entry point: a parsed file (yaml-eslint-parser or jsonc-eslint-parser AST) → the
 * deployments it describes, each field located at the AST node it came from. Adapters are tried in
 * order per Kubernetes object; documents that are not Kubernetes objects are read as app configs.
 */
import { extractAppConfig } from "./app-config.js";
import { createContext, kubernetesObjects, type ExtractContext } from "./context.js";
import { type AstNode, describesItself, type DocNode, parseEmbedded, readDocuments, str, UnreadableDocument, type UnreadDocument } from "./doc.js";
import { extractWorkload } from "./kubernetes.js";
import { extractServingCrd, isInertCrd } from "./crds.js";
import { apiGroup, holders } from "./crd-kit.js";
import { walkContainers } from "./walker.js";
import { extractRayServeConfig } from "./ray.js";
import type { Deployment, FieldName, Located, UnresolvedValue } from "./types.js";
import { isAutoContext, lineStartsOf, positionAt, printable } from "../text.js";
import { isValidNumber } from "./validity.js";
import { deferredReason, locate, mergeFields, migSliceType, setLocated, virtualMap } from "./kit.js";
import { extractCompose } from "./compose.js";
import { extractEngineConfigDocument } from "./engine-config.js";
import { chartDependencies, extractHelmValues, resolveValuesReferences } from "./helm-values.js";
import { extractShellScript } from "./shell-script.js";
import { extractSkyPilot } from "./skypilot.js";
import { extractNomad } from "./nomad.js";
import { extractTerraform } from "./terraform.js";
import { isUnparsedTemplate, maskTemplateActions, TEMPLATE_MARK, type TemplateAction, templateActionsOf, templateWords, unmasked } from "./go-template.js";
import { type Engine, engineById, engineCommandAt, engineFromImage } from "../engines/index.js";
import { extractDstack } from "./dstack.js";
import { gitOpsChartValues, gitOpsValuesElsewhere } from "./gitops.js";
import { extractLocalAi } from "./localai.js";
import { extractRunPod } from "./runpod.js";
import { extractTruss } from "./truss.js";
import { extractCloudFormation } from "./cloudformation.js";
import { extractArmTemplate } from "./arm.js";

/** An adapter for one family of Kubernetes kinds; undefined means "not one of mine". */
export type ObjectAdapter = (object: DocNode, ctx: ExtractContext) => Deployment[] | undefined;

const OBJECT_ADAPTERS: ObjectAdapter[] = [extractWorkload, extractServingCrd];

/**
 * Core and built-in kinds that never describe a model deployment, so their contents are not read as
 * app configs. Knative's `Service` (serving.knative.dev) is not the core one: it runs a pod template.
 */
const INERT_KINDS = new Set(["ConfigMap", "Secret", "Service", "Ingress", "ServiceAccount", "Namespace", "PersistentVolumeClaim", "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy", "Kustomization", "CustomResourceDefinition"]);

/**
 * Words one of which every file that describes a deployment contains: a model key or name, a GPU,
 * an engine or server (image or command), a serving resource. Most files of a repository (web
 * services, ConfigMaps, CI) have none, and are not read further. A test keeps it a superset of what
 * the adapters find, on every fixture and corpus file.
 */
const DEPLOYMENT_HINT = /model|gpu|accelerat|vllm|sglang|text-generation|tgi|llama|ollama|trt|tensorrt|lmdeploy|lorax|nim|dynamo|fastchat|triton|inference|serving|llm|onlinedeployment/i;

/** Whether a YAML or JSON file's text may describe a deployment (see `DEPLOYMENT_HINT`). */
export function mayDescribeDeployment(text: string): boolean {
  return DEPLOYMENT_HINT.test(text);
}

/**
 * What may let vLLM or SGLang serve a context longer than the model's own (judge/context-limit.ts), or
 * change what the model's context is: either engine's variable, a RoPE-scaling override (vLLM
 * `--rope-scaling`, `--hf-overrides`; SGLang `--json-model-override-args`), or variables read from
 * elsewhere (`envFrom`, compose `env_file`), which may set one out of sight. Anywhere in the file: a
 * script may export it, a ConfigMap beside the pod may hold it.
 */
const CONTEXT_OVERRIDE = /VLLM_ALLOW_LONG_MAX_MODEL_LEN|SGLANG_ALLOW_OVERWRITE_LONGER_CONTEXT_LEN|rope[-_]scaling|hf[-_]overrides|json[-_]model[-_]override[-_]args|envFrom|env_file/;

/** YAML anchors and aliases: a document that uses both may expand past the budget, which is said even where nothing deploys. */
function mayHoldAliases(text: string): boolean {
  return text.includes("&") && text.includes("*");
}

/**
 * Whether any rule can have anything to say about a parsed file: a Terraform module (its values
 * come from its other files), a text that may describe a deployment, or one whose aliases may need
 * a budget. Rules skip the rest before any work of theirs (most files of a repository).
 */
export function mayHaveFindings(ast: object, text: string): boolean {
  return describesItself(ast) || mayDescribeDeployment(text) || mayHoldAliases(text);
}

export function extractDeployments(ast: { type: string; body?: unknown[] }, text: string): Deployment[] {
  return extractFile(ast, text).deployments;
}

/**
 * The deployments of a parsed file, and the documents left unread (aliases that would expand past
 * the budget, also in YAML held in a string): nothing in those is judged, and the rules say so.
 */
export function extractFile(ast: { type: string; body?: unknown[] }, text: string): { deployments: Deployment[]; unread: UnreadDocument[] } {
  // A Terraform module's values come from its other files, so its text alone does not tell; a shell script's does.
  if ((!describesItself(ast) || isShellScript(ast)) && !mayDescribeDeployment(text)) {
    // Nothing to extract, but a document whose aliases never end is still said to be unread (a hostile file is never silent).
    return { deployments: [], unread: mayHoldAliases(text) ? readDocuments(ast).unread : [] };
  }
  return readFile(ast, text);
}

/** Every adapter over every document, whatever the text holds (`extractDeployments` without its first test). */
export function readDeployments(ast: { type: string; body?: unknown[] }, text: string): Deployment[] {
  return readFile(ast, text).deployments;
}

function readFile(ast: { type: string; body?: unknown[] }, text: string): { deployments: Deployment[]; unread: UnreadDocument[] } {
  if (isUnparsedTemplate(ast)) return { deployments: [], unread: unparsedTemplateEngine(text) };
  const { documents, unread } = readDocuments(ast, text);
  const ctx = createContext(text, documents);
  const deployments: Deployment[] = [];
  for (const document of documents) {
    try {
      deployments.push(...extractFromDocument(document, ctx));
    } catch (error) {
      if (!(error instanceof UnreadableDocument)) throw error;
      unread.push({ node: document.node, reason: error.message });
    }
  }
  expandModelsInTurn(deployments);
  const overridable = deployments.length > 0 && CONTEXT_OVERRIDE.test(text);
  for (const deployment of deployments) {
    if (overridable) deployment.contextOverridable = true;
    migSliceType(deployment);
    modelFromAnnotation(deployment);
    remoteModel(deployment);
    autoContext(deployment);
    setAsideUnusable(deployment, text);
    modelInDeployTimeFolder(deployment);
  }
  const actions = templateActionsOf(ast);
  if (actions.length > 0) {
    const maskedText = maskTemplateActions(text)?.text ?? text;
    const controlLines = actions.filter((action) => action.block);
    for (const deployment of deployments) markTemplated(deployment, controlLines, text, maskedText);
  }
  return { deployments, unread };
}

function extractFromDocument(document: DocNode, ctx: ExtractContext): Deployment[] {
  const objects = kubernetesObjects(document);
  if (objects.length > 0) return objects.flatMap((object) => extractObject(object, ctx));
  // Ray Serve config files (`applications:` with LLM configs, or one LLMConfig) before generic app configs.
  const serve = extractRayServeConfig(document, ctx);
  if (serve) return serve;
  return settingsDocument(document, ctx, extractDocument(document, ctx));
}

/**
 * A document of settings: what its format's adapter found, else the app-config mappings, else any
 * container that runs an engine (a chart's values, an unknown tool's config).
 */
function settingsDocument(document: DocNode, ctx: ExtractContext, formatted: Deployment[] | undefined): Deployment[] {
  // An umbrella chart's values: its dependencies' sections through their charts' adapters, the rest as any values are.
  const dependencies = formatted === undefined ? chartDependencies(document) : [];
  if (dependencies.length > 0) {
    const charted = dependencies.flatMap((key) => extractHelmValues(document.get(key)!, ctx) ?? []);
    resolveValuesReferences(charted, document, ctx.text);
    const rest = virtualMap(Object.fromEntries(document.entries().filter(([key]) => !dependencies.includes(key))), document.node);
    return [...charted, ...settingsDocument(rest, ctx, undefined)];
  }
  const configs = formatted ?? extractAppConfig(document, ctx);
  const found = formatted || configs.length > 0 ? configs : walkContainers(document, ctx, { format: "generic", kind: "container", name: undefined, annotationHolders: [] });
  resolveValuesReferences(found, document, ctx.text);
  return found;
}

/** The key settings a template's control lines most often supply; the first one missing is blamed. */
const TEMPLATED_FIELDS: readonly FieldName[] = ["model", "gpuCount", "gpuType"];

/**
 * A deployment in a Go template (masked by the YAML language, see go-template.ts): values holding a
 * masked action show it as written, and a control line inside the deployment (`{{- if }}`, `{{-
 * toYaml .Values.resources | nindent 12 }}`) leaves it unjudged, since rendering may add or drop
 * any setting. `controlLines` are the file's actions that fill their lines (`block`), in order.
 */
function markTemplated(deployment: Deployment, controlLines: readonly TemplateAction[], text: string, maskedText: string): void {
  /** What the file says where the masked text reads `written` (within start–end), or the actions shown as `{{…}}`. */
  const asWritten = (written: string, [start, end]: readonly [number, number]) => {
    const at = maskedText.indexOf(written, start);
    return at >= 0 && at + written.length <= end ? text.slice(at, at + written.length) : unmasked(written);
  };
  for (const value of Object.values(deployment.unresolved)) {
    if (!value || !value.raw.includes(TEMPLATE_MARK)) continue;
    // A masked action is a template whatever the reader made of it (a number field reads it as malformed).
    value.reason = "template";
    value.raw = asWritten(value.raw, value.node.range);
  }
  if (deployment.name?.includes(TEMPLATE_MARK)) {
    const holder = deployment.annotationHolders?.[0]?.node ?? deployment.anchor;
    deployment.name = asWritten(deployment.name, [0, holder.range[1]]);
  }
  // The control line nearest the serving container is the one to show; any within the workload counts.
  const within = (nodes: Array<{ range: [number, number] }>) => {
    const start = Math.min(...nodes.map((node) => node.range[0]));
    const end = Math.max(...nodes.map((node) => node.range[1]));
    // The first control line at `start` or later (they are in order and never overlap, so one that
    // ends past `end` means none is within): found by halving, as a chart's values list many models.
    let low = 0;
    for (let high = controlLines.length; low < high; ) {
      const middle = (low + high) >> 1;
      if (controlLines[middle]!.range[0] < start) low = middle + 1;
      else high = middle;
    }
    const first = controlLines[low];
    return first && first.range[1] <= end ? first : undefined;
  };
  const control = within([deployment.anchor]) ?? within([deployment.anchor, ...(deployment.annotationHolders ?? []).map((holder) => holder.node)]);
  if (!control) return;
  // First, so it is the reason given: only the rendered output can be judged.
  const field = TEMPLATED_FIELDS.find((name) => deployment.fields[name] === undefined && deployment.unresolved[name] === undefined) ?? TEMPLATED_FIELDS.find((name) => deployment.unresolved[name] !== undefined) ?? "model";
  const written = text.slice(control.range[0], control.range[1]);
  delete deployment.fields[field];
  const { [field]: _replaced, ...others } = deployment.unresolved;
  deployment.unresolved = { [field]: { raw: written.length > 80 ? `${written.slice(0, 79)}…` : written, node: deployment.anchor, reason: "chart-template" }, ...others };
}

/** `--max-model-len auto` / `-1` is a setting, not an invalid number (vllm-project/vllm#29431: the largest context that fits). */
function autoContext(deployment: Deployment): void {
  const engine = deployment.fields.engine?.value;
  const zero = deployment.fields.maxModelLen;
  if (zero?.value === 0 && engine !== undefined && engineById(engine).zeroContext !== undefined) {
    // A context of 0 where the engine reads it as the model's own (llama.cpp's `-c 0`).
    delete deployment.fields.maxModelLen;
    deployment.maxModelLenAuto = { node: zero.node, raw: "0" };
    return;
  }
  const written = deployment.unresolved.maxModelLen;
  if (written?.reason !== "invalid" || !isAutoContext(written.raw)) return;
  delete deployment.unresolved.maxModelLen;
  deployment.maxModelLenAuto = { node: written.node, raw: written.raw.trim() };
}

/** A model the engine runs elsewhere (an Ollama cloud model): nothing loads on this GPU to size, and the finding says so. */
function remoteModel(deployment: Deployment): void {
  const model = deployment.fields.model;
  const engine = deployment.fields.engine?.value;
  const why = model && engine ? engineById(engine).remoteModel?.(model.value.trim()) : undefined;
  if (!model || !why) return;
  delete deployment.fields.model;
  deployment.unresolved.model = { raw: model.value, node: model.node, ...(model.range ? { range: model.range } : {}), reason: "unsupported", source: model.source, note: `${model.value} is ${why}` };
}

/** The annotation that names the model when the file loads it from storage that does not (`pvc://`, a mounted path). */
export const MODEL_ANNOTATION = "vram.lint/model";

/** `vram.lint/model: org/name` on the workload or its pod template: the user's word for which model it is, which wins. */
function modelFromAnnotation(deployment: Deployment): void {
  for (const holder of deployment.annotationHolders ?? []) {
    const value = holder.get("annotations")?.get(MODEL_ANNOTATION);
    const name = str(value);
    if (!value || name === undefined || name.trim() === "") continue;
    setLocated(deployment, "model", locate(value, name.trim(), MODEL_ANNOTATION));
    return;
  }
}

/**
 * A server that loads the models it pulls in turn (Ollama): each further model is a deployment of
 * its own, on the same GPUs and settings, right after the first, so the largest decides nothing
 * silently.
 */
function expandModelsInTurn(deployments: Deployment[]): void {
  for (let index = 0; index < deployments.length; index++) {
    const deployment = deployments[index]!;
    const others = deployment.fields.model?.others;
    if (!others) continue;
    const { others: _others, ...first } = deployment.fields.model!;
    deployment.fields.model = first;
    const turns = others.map((model): Deployment => ({ ...deployment, fields: { ...deployment.fields, model }, unresolved: { ...deployment.unresolved } }));
    deployments.splice(index + 1, 0, ...turns);
    index += turns.length;
  }
}

/**
 * A model path whose folder is set at deploy time but whose last part is written
 * (`${MODELS_DIR}/Qwen2.5-7B-Instruct-Q4_K_M.gguf`, `$HOME/models/Qwen2.5-7B-Instruct`, llama-swap's
 * `${m}/…` from another config): that part names the model whatever the folder, so the model is
 * read from it, and the finding says the folder is assumed. A name with no size or version in it
 * (`model.gguf`, `weights`) names nothing and stays set at deploy time.
 */
function modelInDeployTimeFolder(deployment: Deployment): void {
  const model = deployment.unresolved.model;
  if (!model || model.reason !== "variable" || deployment.fields.model) return;
  const cut = Math.max(model.raw.lastIndexOf("/"), model.raw.lastIndexOf("\\"));
  const name = model.raw.slice(cut + 1);
  if (cut <= 0 || deferredReason(name) || !/[a-z]{2}/i.test(name) || !/\d/.test(name) || /^(?:ggml-)?models?(?:[-_.]|$)/i.test(name)) return;
  delete deployment.unresolved.model;
  deployment.fields.model = { value: model.raw, node: model.node, ...(model.range ? { range: model.range } : {}), source: model.source ?? "model", readonly: true };
  (deployment.assumptions ??= []).push(`${printable(model.raw.slice(0, cut), 40)} is set at deploy time; ${printable(name, 60)} names the model`);
}

/**
 * Whatever adapter read a value, some values are not facts to judge, so they become unresolved and
 * the deployment is left unjudged rather than reported:
 * - a templated string (`--model "{{ .Values.model }}"`, an instance-type label of
 *   `{{ .Values.instanceType }}`) is not a name to look up;
 * - a number outside what the engine or scheduler accepts (`nvidia.com/gpu: -1`, `1e308`, TP 1.5,
 *   utilisation -0.5), by the one table of `validity.ts`;
 * - zero GPUs written as a count (`nvidia.com/gpu: 0`, `requestGPU: 0`): the engine runs on the
 *   CPU, unchecked here; a container that requests no GPU at all is judged on the CPU where its
 *   engine serves from host memory (`UnresolvedValue.onCpu`, set by the adapters).
 */
function setAsideUnusable(deployment: Deployment, text: string): void {
  for (const [field, located] of Object.entries(deployment.fields) as Array<[FieldName, Located<unknown> | undefined]>) {
    if (!located) continue;
    const unresolved = unusable(field, located, text);
    if (!unresolved) continue;
    delete deployment.fields[field];
    deployment.unresolved[field] ??= unresolved;
  }
}

function unusable(field: FieldName, located: Located<unknown>, text: string): UnresolvedValue | undefined {
  const { value } = located;
  const where = { node: located.node, source: located.source, ...(located.range ? { range: located.range } : {}) };
  if (typeof value === "string") {
    const reason = deferredReason(value);
    return reason ? { raw: value, reason, ...where } : undefined;
  }
  if (typeof value !== "number") return undefined;
  if (!isValidNumber(field, value)) return { raw: writtenNumber(located, text), reason: "invalid", ...where };
  if (field === "gpuCount" && value === 0) return { raw: "0", reason: "unsupported", note: "no GPU is requested", ...where };
  return undefined;
}

/** A number as the file writes it (`1e308`, not `1e+308`), without the quotes around a string. */
function writtenNumber(located: Located<unknown>, text: string): string {
  const [start, end] = located.range ?? located.node.range;
  return text.slice(start, end).replace(/^(["'])(.*)\1$/s, "$2");
}

/** An inert kind in the group that defines it: a `Service` of another group (Knative's) runs pods. */
function isInertKind(object: DocNode, kind: string): boolean {
  return INERT_KINDS.has(kind) && (kind !== "Service" || apiGroup(object) === "");
}

/** The deployments of one Kubernetes object (also those embedded elsewhere: Terraform `kubernetes_manifest`). */
export function extractObject(object: DocNode, ctx: ExtractContext): Deployment[] {
  const kind = str(object.get("kind"));
  if (kind === "ConfigMap" && apiGroup(object) === "") return unmountedSwapConfigs(object, ctx);
  if (kind === undefined || isInertKind(object, kind) || isInertCrd(object)) return [];
  const owner = { format: "generic", kind, name: str(object.get("metadata")?.get("name")), annotationHolders: holders(object.get("metadata")) };
  // Chart values a GitOps object passes to Helm (Flux HelmRelease, Argo CD Application): a values file.
  const chartValues = gitOpsChartValues(object, kind);
  if (chartValues) {
    const found = chartValues.flatMap((values) => settingsDocument(values, ctx, extractHelmValues(values, ctx)));
    return found.length > 0 ? found : gitOpsValuesElsewhere(object, kind);
  }
  // A kind with an adapter is that adapter's: it knows where the model and the GPUs are, and what is not a deployment.
  for (const adapter of OBJECT_ADAPTERS) {
    const found = adapter(object, ctx);
    if (found) return found.some((deployment) => deployment.swapConfig) ? found.flatMap((deployment) => swappedModels(deployment, ctx)) : found;
  }
  // A custom resource nobody has an adapter for: its engine containers, else its settings read like an app config.
  const walked = walkContainers(object, ctx, owner);
  return walked.length > 0 ? walked : extractAppConfig(object, ctx, kind);
}

/**
 * A ConfigMap holding a llama-swap config (`config.yaml: |` with `models:` that each start a server
 * by `cmd`), when no pod of this file mounts it: the server that does is in another file (a GitOps
 * repository keeps them apart), so the models are read as a llama-swap config document is, each
 * judged on the GPUs it names (none: the range it could land on). A pod of the same file that mounts
 * it reads them on its own GPUs instead (`swappedModels`).
 */
function unmountedSwapConfigs(configMap: DocNode, ctx: ExtractContext): Deployment[] {
  const swapConfigs = (configMap.get("data")?.entries() ?? []).filter(([, value]) => (str(value) ?? "").includes("models:") && (str(value) ?? "").includes("cmd"));
  const name = str(configMap.get("metadata")?.get("name"));
  if (swapConfigs.length === 0 || (name !== undefined && mountsConfigMap(ctx.documents, name))) return [];
  const owner = { format: "generic", kind: "ConfigMap", name, annotationHolders: holders(configMap.get("metadata")) };
  return swapConfigs.flatMap(([, value]) => parseEmbedded(str(value)!, value.node).flatMap((document) => (document.type === "map" && document.get("models")?.type === "map" ? walkContainers(document, ctx, owner) : [])));
}

/** Whether a pod of the file mounts the ConfigMap `name` (a `configMap: {name}` volume, anywhere in any document). */
function mountsConfigMap(documents: readonly DocNode[], name: string): boolean {
  const visit = (node: DocNode, depth: number): boolean => {
    if (depth > 64) return false;
    if (node.type === "seq") return node.items().some((item) => visit(item, depth + 1));
    if (node.type !== "map") return false;
    const volume = node.get("configMap");
    if (volume?.type === "map" && str(volume.get("name")) === name) return true;
    return node.entries().some(([key, value]) => key !== "data" && visit(value, depth + 1));
  };
  return documents.some((document) => str(document.get("kind")) !== "ConfigMap" && visit(document, 0));
}

/**
 * A llama-swap server whose config is a ConfigMap of the same file: the models that config starts
 * (read as a llama-swap config document is), each on the server's GPUs and node selector. The
 * server itself, when the config starts none this version reads.
 */
function swappedModels(server: Deployment, ctx: ExtractContext): Deployment[] {
  const { swapConfig: config, ...rest } = server;
  const text = config ? str(config) : undefined;
  if (!config || text === undefined) return [server];
  const owner = { format: server.format, kind: server.kind, name: server.name, annotationHolders: server.annotationHolders ?? [] };
  const models = parseEmbedded(text, config.node).flatMap((document) => (document.type === "map" ? walkContainers(document, ctx, owner) : []));
  if (models.length === 0) {
    const engine = server.unresolved.engine && { ...server.unresolved.engine, note: "It runs llama-swap, whose config in this file starts no model this version reads" };
    return [{ ...rest, unresolved: { ...server.unresolved, ...(engine ? { engine } : {}) } }];
  }
  const { engine: _server, ...hardware } = server.fields;
  const { engine: _unsized, ...unknownHardware } = server.unresolved;
  return models.map((model) => {
    const sink = { fields: { ...model.fields }, unresolved: { ...model.unresolved } };
    mergeFields(sink, { fields: hardware, unresolved: unknownHardware }, "fill");
    // Suggestions change the server's GPUs and node selector, which every model shares.
    return { ...model, fields: sink.fields, unresolved: sink.unresolved, ...(server.placementTargets ? { placementTargets: server.placementTargets } : {}), ...(server.resourceTarget ? { resourceTarget: server.resourceTarget } : {}) };
  });
}

/**
 * Adapters for whole documents that are not Kubernetes objects: Helm values of serving charts,
 * Terraform JSON and plans, SkyPilot tasks, docker-compose. Each checks a top-level key or two
 * first and returns undefined for documents that are not its format.
 */
const DOCUMENT_ADAPTERS: Array<(document: DocNode, ctx: ExtractContext) => Deployment[] | undefined> = [
  extractShellScript,
  extractEngineConfigDocument,
  extractHelmValues,
  (document, ctx) => extractTerraform(document, ctx, extractObject),
  extractSkyPilot,
  extractNomad,
  extractCompose,
  extractDstack,
  extractLocalAi,
  extractRunPod,
  extractTruss,
  extractCloudFormation,
  extractArmTemplate,
];

/** A program of the `vram/shell` language: the script is its one node. */
function isShellScript(ast: { type: string; body?: unknown[] }): boolean {
  return (ast.body?.[0] as { type?: string } | undefined)?.type === "ShellScript";
}

function extractDocument(document: DocNode, ctx: ExtractContext): Deployment[] | undefined {
  for (const adapter of DOCUMENT_ADAPTERS) {
    const found = adapter(document, ctx);
    if (found) return found;
  }
  return undefined;
}

/**
 * A chart template that is YAML only once rendered (its actions make blocks that do not parse even
 * masked) and that runs a serving engine: said to be unread where the engine is named, so a chart of
 * LLM servers is never silent. Templates that run no engine stay quiet (most of a chart's files).
 */
function unparsedTemplateEngine(text: string): UnreadDocument[] {
  const { images, words } = templateWords(text);
  let found: { engine: Engine; offset: number } | undefined;
  for (let index = 0; index < words.length && !found; index++) {
    const command = engineCommandAt(words, index);
    if (command) found = { engine: command.engine, offset: words[index]!.offset };
  }
  for (const { image, offset } of images) {
    if (found && found.offset <= offset) break;
    const engine = engineFromImage(image);
    if (engine) found = { engine, offset };
  }
  if (!found) return [];
  const position = positionAt(lineStartsOf(text), found.offset);
  const node = { type: "Program", range: [found.offset, found.offset], loc: { start: position, end: position } } as unknown as AstNode;
  return [{ node, reason: `a ${engineById(found.engine).displayName} server in an unrendered Helm template. Lint the rendered output (helm template … > rendered.yaml)` }];
}
