/**
 * Terraform JSON (`*.tf.json`) and plan JSON (`terraform show -json plan.out`).
 *
 * Resources read (the same adapters serve both shapes; in a plan, `planned_values.root_module`
 * and its `child_modules` list `{address, type, name, values}`):
 * - `aws_sagemaker_endpoint_configuration` `production_variants[].instance_type`, joined to the
 *   `aws_sagemaker_model` its `model_name` names (`${aws_sagemaker_model.x.name}`, the model's
 *   literal `name`, or in a plan the configuration's `references`): container `image` → engine
 *   (TGI, LMI, vLLM), `environment` → `HF_MODEL_ID`, `SM_NUM_GPUS`, `HF_MODEL_QUANTIZE`,
 *   `MAX_TOTAL_TOKENS`, LMI `OPTION_*`, vLLM `SM_VLLM_*`;
 * - `kubernetes_deployment(_v1)`, `_stateful_set`, `_daemon_set`, `_job`, `_cron_job`, `_pod`: the
 *   snake_case pod spec (`spec[0].template[0].spec[0].container[]`, `node_selector`, blocks as
 *   one-item lists) through a view that reads like a Kubernetes pod spec;
 * - `kubernetes_manifest` (`manifest` is a Kubernetes object) and `kubectl_manifest` (`yaml_body`)
 *   through the Kubernetes adapters;
 * - `helm_release` `values` (YAML strings, merged) and `set` blocks through the Helm values adapters;
 * - GPU instances (`aws_instance`, `google_compute_instance(_template)` with `guest_accelerator`,
 *   Azure VMs) when tags/labels/metadata name the model or a startup script runs an engine;
 * - modules known to deploy a model (`philschmid/llm-sagemaker`: `hf_model_id`, `instance_type`).
 *
 * Values written as `${var.x}` or another resource's attribute are unresolved (silence); `${local.x}`
 * is followed to a literal local. Each resource's `"//"` comments become the deployment's `notes`.
 */
import type { Engine } from "../sizing/types.js";
import { engineByName } from "../engines/index.js";
import { readSettingsMapping } from "./app-config.js";
import type { ExtractContext } from "./context.js";
import type { AstNode, DocNode } from "./doc.js";
import { embeddedDoc, parseEmbedded, parseEmbeddedHcl, str } from "./doc.js";
import { applyEnvFields, commandTokens, type EngineCall, engineFromImage, imageOnlyCall, parseEngineCall, shellTokens } from "./engine-seam.js";
import { extractHelmValues } from "./helm-values.js";
import { blocks, chartWithValuesElsewhere, deferredReason, type EnvMap, everyHostGpu, type FieldSink, locate, mergeFields, modelFromMount, newSink, onCpuOf, passedGpuDevice, plainEnv, readEnv, readField, scriptEngineCall, setLocated, setPassedGpus, setUnresolved, type ValueKind, virtualMap } from "./kit.js";
import { nimImageReader } from "./nim.js";
import { extractNomad } from "./nomad.js";
import { workloadDeployments } from "./kubernetes.js";
import type { Deployment, FieldName, Located, UnresolvedValue } from "./types.js";
import { isRecord, lookup } from "../lookup.js";
import { withoutTrailingIndex } from "../text.js";
import { sagemakerContainerCall } from "./sagemaker.js";
import { walkContainers } from "./walker.js";
import { deepMerge, plain, setPath, setValue } from "./helm-set.js";

/** Runs the Kubernetes object adapters (passed in by the extraction entry point). */
export type ObjectExtractor = (object: DocNode, ctx: ExtractContext) => Deployment[];

interface Resource {
  type: string;
  name: string;
  /** `aws_sagemaker_model.mixtral`, with `module.x.` in front inside a plan's child module. */
  address: string;
  body: DocNode;
  notes: DocNode[];
}

interface Scope {
  ctx: ExtractContext;
  objects: ObjectExtractor;
  resources: Resource[];
  locals: Map<string, DocNode>;
  /** Plan `configuration` expressions by resource address (for references the planned values drop). */
  expressions: Map<string, DocNode>;
}

// --- reading values ----------------------------------------------------------------------------

const INTERPOLATION = /\$\{([^}]*)\}/;

/**
 * A Terraform string: a literal, `${local.x}` followed to a literal local, or unresolved
 * (`${var.x}`: variable; another resource's attribute or a function: reference).
 */
function tfValue(node: DocNode | undefined, scope: Scope, depth = 0): DocNode | UnresolvedValue | undefined {
  if (!node || node.type !== "scalar" || typeof node.value !== "string") return node;
  const raw = node.value;
  if (!raw.includes("${") && !raw.includes("%{")) return node;
  const whole = /^\$\{\s*local\.([A-Za-z_][\w-]*)\s*\}$/.exec(raw);
  if (whole && depth < 8) {
    const target = scope.locals.get(whole[1]!);
    if (target && target.type === "scalar") return tfValue(target, scope, depth + 1);
  }
  const inner = INTERPOLATION.exec(raw)?.[1]?.trim() ?? "";
  const attribute = /^\$\{\s*([a-z][\w-]*)\.([A-Za-z_][\w-]*)\.([a-z_]+)\s*\}$/.exec(raw);
  if (attribute && depth < 8) {
    // Another resource's attribute that it sets from its own literal argument (`docker_image.x.image_id`: the image it pulls by `name`).
    const [, type, name, field] = attribute as unknown as [string, string, string, string];
    const argument = RESOURCE_ATTRIBUTES[type]?.[field] ?? field;
    const target = scope.resources.find((resource) => resource.type === type && resource.name === name)?.body.get(argument);
    if (target?.type === "scalar") return tfValue(target, scope, depth + 1);
  }
  return { raw, node: node.node, reason: /^var\./.test(inner) ? "variable" : raw.includes("%{") ? "template" : "reference" };
}

/**
 * Computed attributes that stand for one of the resource's own arguments: kreuzwerker/docker's
 * `docker_image` pulls the image its `name` gives, and `image_id` (`latest` in older releases) is that image.
 */
const RESOURCE_ATTRIBUTES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  docker_image: { image_id: "name", latest: "name", repo_digest: "name" },
};

function isUnresolved(value: DocNode | UnresolvedValue | undefined): value is UnresolvedValue {
  return value !== undefined && "reason" in value && "raw" in value;
}

function readTf(sink: FieldSink, field: FieldName, node: DocNode | undefined, kind: ValueKind, source: string, scope: Scope): boolean {
  const value = tfValue(node, scope);
  if (isUnresolved(value)) {
    setUnresolved(sink, field, value);
    return true;
  }
  return readField(sink, field, value, kind, source);
}

/** Values that are written as interpolations become unresolved: judging `${var.model}` would be a guess. */
function screenInterpolations(deployment: Deployment, scope: Scope): Deployment {
  for (const [field, located] of Object.entries(deployment.fields) as Array<[FieldName, Located<unknown> | undefined]>) {
    if (!located || located.node.type !== "JSONLiteral" || typeof located.node.value !== "string") continue;
    // The value's own text: its range, or the whole literal when the field is that literal (not a part of it).
    const written = located.range ? scope.ctx.text.slice(located.range[0], located.range[1]) : located.readonly ? String(located.value) : located.node.value;
    if (!written.includes("${") && !written.includes("%{")) continue;
    delete deployment.fields[field];
    deployment.unresolved[field] = { raw: located.node.value, node: located.node, reason: /\$\{\s*var\./.test(written) ? "variable" : "reference" };
  }
  return deployment;
}

function notesOf(body: DocNode): DocNode[] {
  const note = body.get("//");
  return note ? [note] : [];
}

// --- documents -----------------------------------------------------------------------------------

function isResourceTypeMap(node: DocNode): boolean {
  const first = node.entries()[0]?.[0];
  return first !== undefined && /^[a-z][a-z0-9]*_[a-z0-9_]+$/.test(first);
}

/** Deployments of a Terraform JSON configuration or plan; undefined when the document is neither. */
export function extractTerraform(document: DocNode, ctx: ExtractContext, objects: ObjectExtractor): Deployment[] | undefined {
  if (document.type !== "map") return undefined;
  const planned = document.get("planned_values");
  if (planned?.type === "map" && document.get("format_version") !== undefined) return fromPlan(document, planned, ctx, objects);
  const resource = document.get("resource");
  const module = document.get("module");
  const resourceMaps = blocks(resource).filter(isResourceTypeMap);
  const moduleMaps = blocks(module).filter((block) => block.entries().some(([, body]) => body.type === "map" && str(body.get("source")) !== undefined));
  if (resourceMaps.length === 0 && moduleMaps.length === 0) return undefined;

  const locals = new Map<string, DocNode>();
  for (const block of blocks(document.get("locals"))) for (const [name, value] of block.entries()) locals.set(name, value);
  const resources: Resource[] = [];
  for (const map of resourceMaps) {
    for (const [type, byName] of map.entries()) {
      for (const [name, bodies] of byName.entries()) {
        for (const body of blocks(bodies)) resources.push({ type, name, address: `${type}.${name}`, body, notes: notesOf(body) });
      }
    }
  }
  const scope: Scope = { ctx, objects, resources, locals, expressions: new Map() };
  const deployments = resources.flatMap((resource) => resourceDeployments(resource, scope));
  for (const block of moduleMaps) for (const [name, body] of block.entries()) if (body.type === "map") deployments.push(...moduleDeployments(name, body, scope));
  return deployments;
}

function fromPlan(document: DocNode, planned: DocNode, ctx: ExtractContext, objects: ObjectExtractor): Deployment[] {
  const resources: Resource[] = [];
  const walk = (module: DocNode | undefined, depth: number) => {
    if (!module || module.type !== "map" || depth > 32) return;
    for (const item of module.get("resources")?.items() ?? []) {
      const type = str(item.get("type"));
      const name = str(item.get("name"));
      const values = item.get("values");
      if (!type || !name || values?.type !== "map" || str(item.get("mode")) === "data") continue;
      const index = item.get("index");
      const address = str(item.get("address")) ?? `${type}.${name}`;
      resources.push({ type, name: index ? `${name}[${String(index.value)}]` : name, address, body: values, notes: [] });
    }
    for (const child of module.get("child_modules")?.items() ?? []) walk(child, depth + 1);
  };
  walk(planned.get("root_module"), 0);
  const expressions = new Map<string, DocNode>();
  const walkConfig = (module: DocNode | undefined, prefix: string, depth: number) => {
    if (!module || module.type !== "map" || depth > 32) return;
    for (const item of module.get("resources")?.items() ?? []) {
      const address = str(item.get("address"));
      const body = item.get("expressions");
      if (address && body) expressions.set(prefix + address, body);
    }
    for (const [name, call] of module.get("module_calls")?.entries() ?? []) walkConfig(call.get("module"), `${prefix}module.${name}.`, depth + 1);
  };
  walkConfig(document.get("configuration")?.get("root_module"), "", 0);
  const scope: Scope = { ctx, objects, resources, locals: new Map(), expressions };
  // A plan is generated output: findings point into it, but fixes belong in the configuration.
  return resources.flatMap((resource) => resourceDeployments(resource, scope)).map(readOnly);
}

function readOnly(deployment: Deployment): Deployment {
  const fields: Deployment["fields"] = {};
  for (const [field, located] of Object.entries(deployment.fields)) if (located) (fields as Record<string, unknown>)[field] = { ...located, readonly: true };
  const { args: _args, resourceTarget: _target, ...rest } = deployment;
  return { ...rest, fields };
}

type ResourceAdapter = (resource: Resource, scope: Scope) => Deployment[];

/** The Kubernetes provider's workload resources (with or without `_v1`) and the kinds they create. */
const WORKLOAD_KINDS: Record<string, string> = {
  kubernetes_deployment: "Deployment",
  kubernetes_stateful_set: "StatefulSet",
  kubernetes_daemonset: "DaemonSet",
  kubernetes_daemon_set: "DaemonSet",
  kubernetes_replication_controller: "ReplicationController",
  kubernetes_job: "Job",
  kubernetes_cron_job: "CronJob",
  kubernetes_pod: "Pod",
};

const RESOURCE_ADAPTERS: Record<string, ResourceAdapter> = {
  aws_sagemaker_endpoint_configuration: sagemakerEndpoint,
  kubernetes_manifest: kubernetesManifest,
  kubectl_manifest: kubectlManifest,
  helm_release: helmRelease,
  aws_instance: gpuInstance,
  aws_launch_template: gpuInstance,
  google_compute_instance: gpuInstance,
  google_compute_instance_template: gpuInstance,
  google_compute_region_instance_template: gpuInstance,
  azurerm_linux_virtual_machine: gpuInstance,
  azurerm_windows_virtual_machine: gpuInstance,
  azurerm_virtual_machine: gpuInstance,
  openstack_compute_instance_v2: gpuInstance,
  google_vertex_ai_endpoint_with_model_garden_deployment: modelGardenDeployment,
  scaleway_inference_deployment: scalewayInference,
  docker_container: dockerContainer,
  google_cloud_run_v2_service: cloudRunService,
  google_cloud_run_service: cloudRunService,
  nomad_job: nomadJob,
};

/**
 * `nomad_job` (hashicorp/nomad): a job specification written in the resource (`jobspec = <<-EOT …
 * EOT`), read as a Nomad file is. One given by `file()` or `templatefile()` is read where it is
 * (a `.nomad.hcl` file is linted on its own); one with interpolations is not read.
 */
function nomadJob(resource: Resource, scope: Scope): Deployment[] {
  const jobspec = resource.body.get("jobspec");
  const documents = jobspec ? parseEmbeddedHcl(jobspec.node) : undefined;
  return (documents ?? []).flatMap((document) => extractNomad(document, scope.ctx) ?? []);
}

function resourceDeployments(resource: Resource, scope: Scope): Deployment[] {
  const workload = lookup(WORKLOAD_KINDS, resource.type.replace(/_v\d+$/, ""));
  const adapter = workload ? (r: Resource, s: Scope) => kubernetesWorkload(r, s, workload) : lookup(RESOURCE_ADAPTERS, resource.type);
  if (!adapter) return [];
  return adapter(resource, scope).map((deployment) => {
    screenInterpolations(deployment, scope);
    const notes = [...(deployment.notes ?? []), ...resource.notes];
    return notes.length > 0 ? { ...deployment, notes } : deployment;
  });
}

// --- SageMaker -----------------------------------------------------------------------------------

function containerEnv(container: DocNode, scope: Scope): EnvMap {
  const env: EnvMap = new Map();
  for (const block of blocks(container.get("environment"))) {
    for (const [name, value] of block.entries()) {
      if (name === "//") continue;
      const resolved = tfValue(value, scope);
      const node = isUnresolved(resolved) ? value : (resolved ?? value);
      env.set(name, { value: isUnresolved(resolved) ? undefined : (str(node) ?? (node.type === "scalar" ? String(node.value) : undefined)), node });
    }
  }
  return env;
}

/** The serving engine of an `aws_sagemaker_model` container (or a module's container inputs). */
function sagemakerCall(container: DocNode, scope: Scope): (EngineCall & { lmi?: boolean }) | undefined {
  const imageValue = tfValue(container.get("image"), scope);
  return sagemakerContainerCall(isUnresolved(imageValue) ? undefined : str(imageValue), containerEnv(container, scope), scope.ctx.text);
}

/** The `aws_sagemaker_model` a production variant's `model_name` names. */
function sagemakerModel(variant: DocNode, index: number, endpoint: Resource, scope: Scope): Resource | UnresolvedValue {
  const models = scope.resources.filter((resource) => resource.type === "aws_sagemaker_model");
  const written = variant.get("model_name");
  const raw = str(written);
  const reference = raw ? /^\$\{\s*aws_sagemaker_model\.([\w-]+)\.(?:name|id)\s*\}$/.exec(raw) : null;
  if (reference) {
    const found = models.find((model) => model.name === reference[1]);
    if (found) return found;
  } else if (raw && !raw.includes("${")) {
    const found = models.find((model) => str(model.body.get("name")) === raw);
    if (found) return found;
  } else if (!written) {
    // A plan drops values known only after apply; its configuration still records the reference.
    const prefix = withoutTrailingIndex(endpoint.address.slice(0, endpoint.address.length - `${endpoint.type}.${endpoint.name}`.length));
    const expression = blocks(scope.expressions.get(withoutTrailingIndex(endpoint.address))?.get("production_variants"))[index];
    for (const ref of expression?.get("model_name")?.get("references")?.items() ?? []) {
      const address = /^aws_sagemaker_model\.[\w-]+$/.exec(str(ref) ?? "")?.[0];
      const found = address ? models.find((model) => withoutTrailingIndex(model.address) === prefix + address) : undefined;
      if (found) return found;
    }
    if (models.length === 1) return models[0]!;
  }
  return { raw: raw ?? "(known after apply)", node: (written ?? variant).node, reason: "reference" };
}

function sagemakerEndpoint(endpoint: Resource, scope: Scope): Deployment[] {
  const deployments: Deployment[] = [];
  blocks(endpoint.body.get("production_variants")).forEach((variant, index) => {
    const instance = variant.get("instance_type");
    if (!instance) return; // serverless inference has no GPU
    const sink = newSink();
    readTf(sink, "instanceType", instance, "string", "instance_type", scope);
    const model = sagemakerModel(variant, index, endpoint, scope);
    const notes: DocNode[] = notesOf(variant);
    if ("reason" in model) {
      sink.unresolved.model = model;
    } else {
      notes.push(...model.notes);
      const containers = [...blocks(model.body.get("primary_container")), ...blocks(model.body.get("container"))];
      const container = containers.find((item) => blocks(item.get("environment")).length > 0) ?? containers[0];
      const call = container ? sagemakerCall(container, scope) : undefined;
      if (!call) return;
      mergeFields(sink, call);
      if (!call.lmi) sink.fields.engine = locate(container!.get("image") ?? container!, call.engine, "image");
    }
    deployments.push({
      format: "terraform",
      kind: "aws_sagemaker_endpoint_configuration",
      name: endpoint.name,
      fields: sink.fields,
      unresolved: sink.unresolved,
      anchor: variant.node,
      ...(notes.length > 0 ? { notes } : {}),
    });
  });
  return deployments;
}

// --- Kubernetes ------------------------------------------------------------------------------------

/** Kubernetes list fields and the Terraform block name each is written as. */
const LIST_BLOCKS: Record<string, string> = {
  containers: "container",
  initContainers: "init_container",
  nodeSelectorTerms: "node_selector_term",
  matchExpressions: "match_expressions",
  env: "env",
  envFrom: "env_from",
  args: "args",
  command: "command",
  values: "values",
  volumes: "volume",
  volumeMounts: "volume_mount",
  ports: "port",
  tolerations: "toleration",
};

function snake(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/**
 * A Terraform Kubernetes-provider body seen as the Kubernetes object it stands for: camelCase keys
 * map to snake_case, one-item block lists to the block, repeated blocks (`container`) to lists.
 */
class TerraformKubernetesView implements DocNode {
  readonly type: DocNode["type"];
  readonly value: DocNode["value"];
  readonly node: AstNode;
  readonly keyNode: AstNode | undefined;
  readonly embedded: boolean;

  constructor(
    private readonly inner: DocNode,
    private readonly asList = false,
  ) {
    this.node = inner.node;
    this.keyNode = inner.keyNode;
    this.embedded = inner.embedded;
    this.value = inner.value;
    this.type = asList && inner.type === "map" ? "seq" : inner.type;
  }

  get(key: string): DocNode | undefined {
    if (this.type !== "map") return undefined;
    const listBlock = lookup(LIST_BLOCKS, key);
    const found = this.inner.get(key) ?? this.inner.get(snake(key)) ?? (listBlock ? this.inner.get(listBlock) : undefined);
    if (!found) return undefined;
    if (listBlock) return new TerraformKubernetesView(found, true);
    if (found.type === "seq") {
      const items = found.items();
      if (items.length === 1 && items[0]!.type === "map") return new TerraformKubernetesView(items[0]!);
    }
    return found.type === "scalar" || found.type === "null" ? found : new TerraformKubernetesView(found);
  }

  entries(): Array<[string, DocNode]> {
    if (this.type !== "map") return [];
    return this.inner.entries().map(([key, value]) => [key, value.type === "scalar" || value.type === "null" ? value : new TerraformKubernetesView(value)]);
  }

  items(): DocNode[] {
    if (this.type !== "seq") return [];
    if (this.inner.type === "map") return [new TerraformKubernetesView(this.inner)];
    return this.inner.items().map((item) => (item.type === "scalar" || item.type === "null" ? item : new TerraformKubernetesView(item)));
  }
}

function kubernetesWorkload(resource: Resource, scope: Scope, kind: string): Deployment[] {
  const view = new TerraformKubernetesView(resource.body);
  return workloadDeployments(view, kind, { format: "terraform", kind: resource.type, name: resource.name }, scope.ctx);
}

/** Cloud Run's node selector for a GPU type (Cloud Run docs, "Configure GPU": `run.googleapis.com/accelerator: nvidia-l4`). */
export const CLOUD_RUN_ACCELERATOR = "run.googleapis.com/accelerator";

/**
 * A Cloud Run service: `google_cloud_run_v2_service`, whose `template` holds the `containers` and
 * names its GPU as `node_selector { accelerator = "nvidia-l4" }`, or the v1
 * `google_cloud_run_service`, a Knative Service (`template { spec { containers … } }`, the GPU as the
 * `run.googleapis.com/accelerator` node selector). Its containers are read as a pod's; the GPU count
 * is the `nvidia.com/gpu` limit, as in Kubernetes.
 */
function cloudRunService(resource: Resource, scope: Scope): Deployment[] {
  const template = new TerraformKubernetesView(resource.body).get("template");
  if (template?.type !== "map") return [];
  const knativeSpec = template.get("spec");
  const accelerator = template.get("nodeSelector")?.get("accelerator");
  const podSpec =
    knativeSpec?.type === "map"
      ? knativeSpec
      : virtualMap({ containers: template.get("containers"), nodeSelector: accelerator && virtualMap({ [CLOUD_RUN_ACCELERATOR]: accelerator }, accelerator.node) }, template.node);
  const service = virtualMap({ spec: virtualMap({ template: virtualMap({ metadata: template.get("metadata"), spec: podSpec }, template.node) }, resource.body.node) }, resource.body.node);
  // A pin would go in `node_selector`, which the pod reader does not write in HCL: no place is offered.
  return workloadDeployments(service, "Deployment", { format: "terraform", kind: resource.type, name: resource.name }, scope.ctx).map(({ placementTargets: _none, ...deployment }) => deployment);
}

function kubernetesManifest(resource: Resource, scope: Scope): Deployment[] {
  const manifest = resource.body.get("manifest");
  if (manifest?.type !== "map") return [];
  return scope.objects(manifest, scope.ctx);
}

/** The kubectl providers' `kubectl_manifest`: `yaml_body` holds one Kubernetes object as YAML. */
function kubectlManifest(resource: Resource, scope: Scope): Deployment[] {
  const body = resource.body.get("yaml_body");
  const text = str(body);
  if (!body || text === undefined) return [];
  return parseEmbedded(text, body.node).flatMap((object) => (object.type === "map" ? scope.objects(object, scope.ctx) : []));
}

// --- Helm ------------------------------------------------------------------------------------------

function helmRelease(resource: Resource, scope: Scope): Deployment[] {
  let merged: unknown = {};
  let owner: AstNode | undefined;
  for (const item of resource.body.get("values")?.items() ?? []) {
    const text = str(item);
    if (text === undefined) continue;
    for (const document of parseEmbedded(text, item.node)) {
      owner ??= item.node;
      merged = deepMerge(merged, plain(document));
    }
  }
  for (const kind of ["set", "set_sensitive", "set_list"]) {
    for (const block of blocks(resource.body.get(kind))) {
      const name = str(block.get("name"));
      const value = block.get("value");
      if (!name || !isRecord(merged)) continue;
      const raw = value?.type === "seq" ? value.items().map((entry) => str(entry)) : value ? (str(value) ?? value.value) : undefined;
      setPath(merged, name, typeof raw === "string" ? setValue(raw, str(block.get("type"))) : raw);
      owner ??= block.node;
    }
  }
  const values = owner && isRecord(merged) ? embeddedDoc(merged, owner) : undefined;
  const found = values ? (extractHelmValues(values, scope.ctx) ?? []) : [];
  // Values of an in-house chart no adapter knows: its containers, as the walker reads a values file.
  const deployments = found.length > 0 || !values ? found : walkContainers(values, scope.ctx, { format: "terraform", kind: "values", name: resource.name, annotationHolders: [] });
  if (deployments.length === 0) return chartOfEngine(resource);
  return deployments.map((deployment) => ({ ...deployment, format: "terraform", kind: `helm_release (${deployment.kind})`, name: deployment.name ?? resource.name }));
}

/**
 * A release of a chart named for a serving engine (`chart = "ollama"`, `vllm-stack`) whose values
 * are in a file this one reads (`templatefile("ollama-values.yaml", …)`): found, and said to be
 * unchecked, as what it deploys is written there. (With no values at all it deploys the chart's
 * defaults, which name no model and, for some charts, run no server.)
 */
function chartOfEngine(resource: Resource): Deployment[] {
  const chart = resource.body.get("chart");
  const engine = engineFromImage(str(chart));
  if (!chart || !engine) return [];
  for (const item of resource.body.get("values")?.items() ?? []) {
    // `file("values.yaml")`, `templatefile("${path.module}/values.yaml.tpl", {…})`, as the expression is written.
    const file = /file\(\s*"(?:\$\{[\w.]+\}\/)?([\w./-]+\.(?:ya?ml|json|tpl))"/.exec(str(item) ?? "")?.[1];
    if (file) return [chartWithValuesElsewhere(engine, chart, file, item.node, { format: "terraform", kind: "helm_release", name: resource.name })];
  }
  return [];
}

// --- GPU instances ----------------------------------------------------------------------------------

/** Tag/label/metadata keys (compared without case, `-`, `_` or `.`) that name the model served. */
const MODEL_KEYS = new Set(["model", "modelid", "modelname", "hfmodelid", "hfmodel", "llmmodel", "servedmodel", "huggingfacemodel", "modelrepo"]);

function instanceModel(sink: FieldSink, maps: Array<DocNode | undefined>, scope: Scope): void {
  for (const map of maps) {
    for (const block of blocks(map)) {
      for (const [key, value] of block.entries()) {
        if (MODEL_KEYS.has(key.toLowerCase().replace(/[-_.]/g, "")) && readTf(sink, "model", value, "string", key, scope)) return;
      }
    }
  }
}

function gpuInstance(resource: Resource, scope: Scope): Deployment[] {
  const body = resource.body;
  const sink = newSink();
  const google = resource.type.startsWith("google_");
  const azure = resource.type.startsWith("azurerm_");
  const metadata = body.get("metadata");
  instanceModel(sink, [body.get("tags"), body.get("labels"), ...(google ? [metadata] : []), ...blocks(body.get("tag_specifications")).map((spec) => spec.get("tags"))], scope);

  const scripts = [body.get("user_data"), body.get("metadata_startup_script"), ...(google ? blocks(metadata).map((block) => block.get("startup-script")) : [])];
  let call: EngineCall | undefined;
  let assumptions: string[] | undefined;
  for (const script of scripts) {
    if (!script || str(script) === undefined || str(script)!.startsWith("${")) continue;
    const found = scriptEngineCall(shellTokens(script, scope.ctx.text, new Map()), nimImageReader(scope.ctx));
    if (found) {
      call = found.call;
      assumptions = found.assumptions;
      if (found.gpus?.count !== undefined) setLocated(sink, "gpuCount", { value: found.gpus.count, node: found.gpus.token.from.node, source: "--gpus", readonly: true });
      break;
    }
  }
  if (call) {
    mergeFields(sink, call);
    sink.fields.engine = { value: call.engine, node: sink.fields.model?.node ?? body.node, source: "user_data", readonly: true };
  }
  if (!sink.fields.model && !sink.unresolved.model) return [];

  const accelerators = google ? blocks(body.get("guest_accelerator")) : [];
  if (accelerators.length === 1) {
    const accelerator = accelerators[0]!;
    const type = tfValue(accelerator.get("type"), scope);
    if (isUnresolved(type)) setUnresolved(sink, "gpuType", type);
    else if (type && str(type)) {
      // `projects/p/zones/z/acceleratorTypes/nvidia-l4` or `nvidia-l4`: GKE's accelerator names.
      const name = str(type)!.slice(str(type)!.lastIndexOf("/") + 1);
      setLocated(sink, "gpuType", { ...locate(type, name, "cloud.google.com/gke-accelerator"), ...(name !== str(type) ? { readonly: true } : {}) });
    }
    readTf(sink, "gpuCount", accelerator.get("count"), "int", "guest_accelerator.count", scope);
  } else if (accelerators.length > 1) {
    return [];
  }
  // OpenStack names its GPU flavors per cloud (`flavor_name`, or `flavor_id`): found, and the flavor named as written.
  const openstack = resource.type.startsWith("openstack_");
  const instanceKey = google ? "machine_type" : azure ? (body.get("size") ? "size" : "vm_size") : openstack ? (body.get("flavor_name") ? "flavor_name" : "flavor_id") : "instance_type";
  // A GCE machine type with attached accelerators (n1-*) says nothing about the GPU; a2/a3/g2 types do.
  if (!(google && accelerators.length > 0)) readTf(sink, "instanceType", body.get(instanceKey), "string", instanceKey, scope);
  if (!sink.fields.instanceType && !sink.unresolved.instanceType && !sink.fields.gpuType && !sink.unresolved.gpuType) return [];
  return [{ format: "terraform", kind: resource.type, name: resource.name, fields: sink.fields, unresolved: sink.unresolved, anchor: body.node, ...(assumptions ? { assumptions } : {}) }];
}

// --- Docker provider -------------------------------------------------------------------------------

/**
 * `docker_container` (kreuzwerker/docker): an engine's `image` given its flags in `command` (the
 * entrypoint's arguments, as compose's `command`), `env` as `NAME=value` strings, and GPUs from
 * `gpus` (`"all"`, or `"device=0,1"`) or `runtime = "nvidia"`, which give it every GPU of the host:
 * vLLM and SGLang then use tensor × pipeline parallel of them, a number the file states.
 */
function dockerContainer(resource: Resource, scope: Scope): Deployment[] {
  const body = resource.body;
  const image = tfValue(body.get("image"), scope);
  const imageEngine = isUnresolved(image) ? undefined : engineFromImage(str(image));
  // `NAME=value` strings, as compose lists them.
  const env = readEnv(body.get("env"));
  const command = body.get("command");
  const { tokens } = commandTokens(command?.items() ?? [], scope.ctx.text, plainEnv(env));
  // An engine's image run as it is (`ollama/ollama`, which serves what is pulled into it) is a deployment too.
  const call = parseEngineCall(tokens, { ...(imageEngine ? { imageEngine } : {}), ...(command?.type === "seq" ? { argsList: command } : {}) }) ?? imageOnlyCall(imageEngine);
  if (!call) return [];
  applyEnvFields(call, env);
  const sink = newSink();
  mergeFields(sink, call);
  sink.fields.engine = { value: call.engine, node: (body.get("image") ?? body).node, source: "image", readonly: true };
  // `volumes { host_path = "/srv/models/x", container_path = "/model" }`: the host folder a mounted model path is.
  const mounts = blocks(body.get("volumes")).map((volume) => ({ source: str(volume.get("host_path")) ?? "", containerPath: str(volume.get("container_path")) ?? "" }));
  const mounted = modelFromMount(sink, mounts);
  const gpus = str(body.get("gpus"));
  const devices = gpus ? /^device=([\d,\s]+)$/.exec(gpus) : null;
  if (devices) setLocated(sink, "gpuCount", { value: devices[1]!.split(",").filter((id) => id.trim() !== "").length, node: body.get("gpus")!.node, source: "gpus", readonly: true });
  else if (gpus !== "all" && str(body.get("runtime")) !== "nvidia") {
    // `devices { host_path = "/dev/kfd" }`: ROCm's device nodes pass in the host's AMD GPUs, as compose's `devices` do.
    const passed = passedGpuDevice(blocks(body.get("devices")).map((item) => ({ item, path: str(item.get("host_path")) ?? "" })), isUnresolved(image) ? undefined : str(image));
    // The setting as written, so the message opens with it rather than a capitalized word.
    if (passed) setPassedGpus(sink, `host_path = "${passed.path}"`, passed.item.node, passed.vendor, call.engine);
    else {
      // `memory` is in MB (kreuzwerker/docker `docker_container`: "The memory limit for the container in MBs").
      const onCpu = onCpuOf(isUnresolved(image) ? undefined : str(image), [{ node: body.get("memory"), setting: "memory", style: "docker", scale: 2 ** 20 }]);
      setUnresolved(sink, "gpuCount", { raw: "none", node: (body.get("image") ?? body).node, reason: "unsupported", source: "gpus", note: "No GPU is given to it (gpus or runtime = \"nvidia\")", onCpu });
    }
  } else {
    // Written without spaces, so the message opens with the setting as written, not a capitalized word.
    everyHostGpu(sink, (body.get("gpus") ?? body.get("runtime")!).node, gpus === "all" ? 'gpus="all"' : 'runtime="nvidia"', call.engine);
  }
  return [{ format: "terraform", kind: resource.type, name: resource.name, fields: sink.fields, unresolved: sink.unresolved, anchor: (command ?? body).node, ...(sink.gpuVendor ? { gpuVendor: sink.gpuVendor } : {}), ...(call.args ? { args: call.args } : {}), ...(mounted ? { assumptions: [mounted] } : {}) }];
}

// --- Vertex AI Model Garden ------------------------------------------------------------------------

/**
 * `google_vertex_ai_endpoint_with_model_garden_deployment`: `hugging_face_model_id` (or the version
 * of `publisher_model_name`, `publishers/google/models/gemma3@gemma-3-12b-it`) on
 * `deploy_config.dedicated_resources.machine_spec` (`machine_type`, `accelerator_type: NVIDIA_L4`,
 * `accelerator_count`). A `model_config.container_spec` names the serving image and its flags;
 * without one, Model Garden serves Hugging Face LLMs with its vLLM container at tensor parallel over
 * the machine's GPUs, which is assumed.
 */
function modelGardenDeployment(resource: Resource, scope: Scope): Deployment[] {
  const body = resource.body;
  const sink = newSink();
  const assumptions: string[] = [];
  if (!readTf(sink, "model", body.get("hugging_face_model_id"), "string", "hugging_face_model_id", scope)) {
    const publisher = tfValue(body.get("publisher_model_name"), scope);
    const version = publisher && !isUnresolved(publisher) ? /@([^@/\s]+)$/.exec(str(publisher) ?? "")?.[1] : undefined;
    if (version) setLocated(sink, "model", { ...locate(publisher as DocNode, version, "publisher_model_name"), readonly: true });
    else if (isUnresolved(publisher)) setUnresolved(sink, "model", publisher);
  }
  const spec = blocks(body.get("model_config"))
    .flatMap((config) => blocks(config.get("container_spec")))
    .at(0);
  const image = spec ? tfValue(spec.get("image_uri"), scope) : undefined;
  const engine = image && !isUnresolved(image) ? engineFromImage(str(image)) : undefined;
  if (spec && engine) {
    const args = tfValue(spec.get("args"), scope);
    const call = args && !isUnresolved(args) && args.type === "seq" ? parseEngineCall(commandTokens(args.items(), scope.ctx.text, new Map()).tokens, { imageEngine: engine }) : undefined;
    if (call) mergeFields(sink, call, "fill");
    sink.fields.engine = { ...locate<Engine>(image as DocNode, engine, "container_spec.image_uri"), readonly: true };
  } else if (spec) {
    return [];
  } else {
    sink.fields.engine = { ...locate<Engine>(body, "vllm", resource.type), readonly: true };
    assumptions.push("Model Garden serves it with its vLLM container, as no container_spec is set");
  }
  // Model Garden's own container runs tensor parallel over the machine's GPUs.
  const layoutOwner = spec ? {} : { layoutOwner: "tensor-from-gpus" as const };
  const machine = blocks(body.get("deploy_config"))
    .flatMap((deploy) => blocks(deploy.get("dedicated_resources")))
    .flatMap((resources) => blocks(resources.get("machine_spec")))
    .at(0);
  readTf(sink, "gpuType", machine?.get("accelerator_type"), "string", "accelerator_type", scope);
  readTf(sink, "gpuCount", machine?.get("accelerator_count"), "int", "accelerator_count", scope);
  // G2/A2/A3 machine types come with a fixed GPU type and count: neither changes without the machine type.
  if (machine?.get("machine_type")) {
    if (sink.fields.gpuCount) sink.fields.gpuCount = { ...sink.fields.gpuCount, readonly: true };
    if (sink.fields.gpuType) sink.fields.gpuType = { ...sink.fields.gpuType, readonly: true };
  }
  if (!sink.fields.gpuType && !sink.unresolved.gpuType) readTf(sink, "instanceType", machine?.get("machine_type"), "string", "machine_type", scope);
  if (!sink.fields.model && !sink.unresolved.model) return [];
  return [{ format: "terraform", kind: resource.type, name: resource.name, fields: sink.fields, unresolved: sink.unresolved, anchor: body.node, ...layoutOwner, ...(assumptions.length > 0 ? { assumptions } : {}) }];
}

// --- Scaleway Managed Inference --------------------------------------------------------------------

/**
 * `scaleway_inference_deployment` (Scaleway provider docs, "scaleway_inference_deployment"): a
 * catalog model (`model_name = "meta/llama-3.3-70b-instruct:fp8"`) on a node type (`L4`, `L40S`,
 * `H100`, `H100-2`, `H100-SXM-4`). Scaleway picks the serving engine and its context for each
 * model and node type it offers, which the file does not show: found, and said to be unchecked.
 */
function scalewayInference(resource: Resource, scope: Scope): Deployment[] {
  const body = resource.body;
  const sink = newSink();
  if (!readTf(sink, "model", body.get("model_name"), "string", "model_name", scope)) readTf(sink, "model", body.get("model_id"), "string", "model_id", scope);
  const nodeType = tfValue(body.get("node_type"), scope);
  const node = nodeType && !isUnresolved(nodeType) ? /^(L4|L40S|H100(?:-SXM)?)(?:-(\d+))?$/i.exec(str(nodeType) ?? "") : undefined;
  if (node && nodeType && !isUnresolved(nodeType)) {
    setLocated(sink, "gpuType", { ...locate(nodeType, node[1]!.replace(/-SXM$/i, ""), "node_type"), readonly: true });
    setLocated(sink, "gpuCount", { ...locate(nodeType, Number(node[2] ?? 1), "node_type"), readonly: true });
  }
  const anchor = body.get("model_name") ?? body.get("model_id") ?? body;
  setUnresolved(sink, "engine", { raw: "scaleway", node: anchor.node, reason: "unsupported", source: "model_name", note: "Scaleway Managed Inference sets its own engine and context" });
  return [{ format: "terraform", kind: resource.type, name: resource.name, fields: sink.fields, unresolved: sink.unresolved, anchor: anchor.node }];
}

// --- modules ---------------------------------------------------------------------------------------

/** Input keys of SageMaker endpoint modules (aws-ia/sagemaker-endpoint, in-house ones), compared without case. */
const MODULE_IMAGE_KEYS = new Set(["image", "image_uri", "container_image", "image_url"]);
const MODULE_ENV_KEYS = new Set(["environment", "environment_variables", "env", "container_environment"]);

/** The first value under any of `keys` at any depth of a module's inputs (lists of containers, variant maps). */
function moduleInput(node: DocNode | undefined, keys: ReadonlySet<string>, depth = 0): DocNode | undefined {
  if (!node || depth > 6) return undefined;
  for (const [key, value] of node.entries()) if (keys.has(key.toLowerCase())) return value;
  for (const child of [...node.entries().map(([, value]) => value), ...node.items()]) {
    if (child.type !== "map" && child.type !== "seq") continue;
    const found = moduleInput(child, keys, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * A module call that deploys a SageMaker endpoint under its own input names: an `ml.*` instance
 * type and a serving container (its image, or an environment with `HF_MODEL_ID`/`OPTION_*`) at any
 * depth (`containers = [{ image_uri, environment }]`, `production_variant = { instance_type }`),
 * read as an `aws_sagemaker_model` container is.
 */
function sagemakerModuleDeployments(name: string, body: DocNode, scope: Scope): Deployment[] {
  const instance = moduleInput(body, new Set(["instance_type"]));
  const instanceValue = instance ? tfValue(instance, scope) : undefined;
  if (!instanceValue || isUnresolved(instanceValue) || !/^ml\./.test(str(instanceValue) ?? "")) return [];
  const image = moduleInput(body, MODULE_IMAGE_KEYS);
  const environment = moduleInput(body, MODULE_ENV_KEYS);
  if (!image && !environment) return [];
  const call = sagemakerCall(virtualMap({ image, environment }, body.node), scope);
  if (!call) return [];
  const sink = newSink();
  mergeFields(sink, call);
  readTf(sink, "instanceType", instance, "string", "instance_type", scope);
  if (!call.lmi) sink.fields.engine = { ...locate<Engine>(image ?? body, call.engine, "image"), readonly: true };
  const notes = notesOf(body);
  return [{ format: "terraform", kind: "module", name, fields: sink.fields, unresolved: sink.unresolved, anchor: body.node, ...(notes.length > 0 ? { notes } : {}) }];
}

/**
 * Module calls whose inputs name the model and the hardware. philschmid/llm-sagemaker (TGI on a
 * SageMaker endpoint): `hf_model_id`, `instance_type`, `tgi_config.max_total_tokens`; the module sets
 * `SM_NUM_GPUS` to every GPU of the instance.
 */
function moduleDeployments(name: string, body: DocNode, scope: Scope): Deployment[] {
  if (!body.get("hf_model_id")) {
    const sagemaker = sagemakerModuleDeployments(name, body, scope);
    return sagemaker.length > 0 ? sagemaker : settingsModuleDeployments(name, body);
  }
  if (!body.get("instance_type")) return [];
  const sink = newSink();
  readTf(sink, "model", body.get("hf_model_id"), "string", "hf_model_id", scope);
  readTf(sink, "instanceType", body.get("instance_type"), "string", "instance_type", scope);
  readTf(sink, "maxModelLen", blocks(body.get("tgi_config"))[0]?.get("max_total_tokens"), "int", "tgi_config.max_total_tokens", scope);
  sink.fields.engine = { ...locate<Engine>(body.get("source") ?? body, "tgi", "source"), readonly: true };
  const notes = notesOf(body);
  return [{ format: "terraform", kind: "module", name, fields: sink.fields, unresolved: sink.unresolved, anchor: body.node, ...(notes.length > 0 ? { notes } : {}) }];
}

/** Module inputs that name the model or models it serves (`model`, `model_id`, `models`, `ollama_models`). */
const MODEL_INPUT = /^(?:[a-z]+_)?models?(?:_(?:id|ids|name|names|repo))?$/i;

/**
 * A module whose source is named for a serving engine (`source = "./modules/ollama"`), given its
 * model as a variable or a local (`models = local.platform.services.ollama.models`): found, and said
 * to be unchecked, as the model is only known when the plan is made.
 */
function engineModuleFedVariables(name: string, body: DocNode): Deployment[] {
  const source = str(body.get("source"));
  const folder = source?.split("/").filter((part) => part !== "").at(-1);
  const engine = folder ? engineFromImage(folder) : undefined;
  const input = body.entries().find(([key]) => MODEL_INPUT.test(key));
  const raw = input ? str(input[1]) : undefined;
  // One reference (`var.model_id`, `local.platform.services.ollama.models`, `each.value`), not an expression built of several.
  const reason = raw !== undefined && /^\$\{[\w.[\]"-]+\}$/.test(raw) ? deferredReason(raw) : undefined;
  if (!engine || !input || !raw || !reason) return [];
  const sink = newSink();
  sink.fields.engine = { ...locate<Engine>(body.get("source")!, engine, "source"), readonly: true };
  setUnresolved(sink, "model", { raw, node: input[1].node, reason, source: input[0] });
  return [{ format: "terraform", kind: "module", name, fields: sink.fields, unresolved: sink.unresolved, anchor: body.node }];
}

/** A module input named for the engine it configures (`vllm_version`, `tgi_image`, `ollama_models`). */
const ENGINE_INPUT = /^(vllm|sglang|tgi|ollama|llama_?cpp|lmdeploy|trtllm)_/i;

/**
 * Any other module call whose inputs name a model and its hardware (`model = "openai/gpt-oss-20b"`
 * beside `instance_type = "g6.xlarge"`), read as an app config's keys are. The model must be
 * written: a module fed only variables says nothing of its own. The engine is the one an input is
 * named for (`vllm_version = "v0.10.1"` also gives its release), else the default engine's.
 */
function settingsModuleDeployments(name: string, body: DocNode): Deployment[] {
  const read = readSettingsMapping(body);
  if (!read?.fields.model) return engineModuleFedVariables(name, body);
  const sink = newSink();
  mergeFields(sink, read);
  let engineVersion: string | undefined;
  for (const [key, value] of body.entries()) {
    const engine = engineByName(ENGINE_INPUT.exec(key)?.[1]);
    if (!engine) continue;
    sink.fields.engine ??= { ...locate<Engine>(value, engine, key), readonly: true };
    const version = /_version$/i.test(key) ? str(value) : undefined;
    if (sink.fields.engine.value === engine && version && /^v?\d/.test(version)) engineVersion = version;
  }
  const notes = notesOf(body);
  return [{ format: "terraform", kind: "module", name, fields: sink.fields, unresolved: sink.unresolved, anchor: body.node, ...(engineVersion ? { engineVersion } : {}), ...(notes.length > 0 ? { notes } : {}) }];
}
