/**
 * Ray. `RayService` (ray.io): `spec.serveConfigV2`, a YAML string parsed here, whose applications
 * are either Ray Serve LLM apps (`args.llm_configs[]` / `args.llm_config`: `model_loading_config`,
 * `accelerator_type`, `engine_kwargs`, `placement_group_config`) or custom apps configured through
 * `runtime_env.env_vars` (`MODEL_ID`, `TENSOR_PARALLELISM`/`TENSOR_PARALLEL_SIZE`, `MAX_MODEL_LEN`…).
 * The GPUs are the cluster's: `rayClusterConfig` head and worker groups (per-pod GPUs × replicas),
 * their node selectors naming the type. `RayCluster`, `RayJob` and AIBrix `RayClusterFleet` run the
 * engine command in the head pod (`vllm serve … --distributed-executor-backend ray`), spanning the
 * cluster's GPUs. Standalone Ray Serve config files (not Kubernetes objects) have the same
 * `applications:` shape, or are one LLMConfig. AIBrix `StormService` roles are pod templates.
 *
 * Values parsed out of `serveConfigV2` are read-only and reported on the string.
 */
import { readSettingsMapping } from "./app-config.js";
import type { ExtractContext } from "./context.js";
import type { DocNode } from "./doc.js";
import { parseEmbedded, str } from "./doc.js";
import { parseEngineCall, shellTokens } from "./engine-seam.js";
import { containerEnv, nodePlacement, podDeployments } from "./pod.js";
import { downloadInto, isLocalFolder } from "./downloads.js";
import { crdDeployment, engineNamed, freezePlacement, groupGpus, holders, modelReference, type PodGroup, podCount, podGpus, type Unresolved } from "./crd-kit.js";
import { deferredReason, locate, mergeFields, readField, type ValueKind } from "./kit.js";
import type { ArgsTarget, Deployment, FieldName, Located, LocatedFields } from "./types.js";
import { lookup } from "../lookup.js";
import { engineFromPackage } from "../engines/index.js";

// ---------------------------------------------------------------------------------------------
// Cluster GPUs

/** The head and worker groups of a RayCluster spec. */
function clusterGroups(clusterSpec: DocNode | undefined): PodGroup[] {
  if (!clusterSpec || clusterSpec.type !== "map") return [];
  const groups: PodGroup[] = [{ podSpec: clusterSpec.get("headGroupSpec")?.get("template")?.get("spec"), pods: 1 }];
  for (const worker of clusterSpec.get("workerGroupSpecs")?.items() ?? []) {
    const replicasNode = worker.get("replicas") ?? worker.get("minReplicas");
    const pods = podCount(replicasNode);
    groups.push({ podSpec: worker.get("template")?.get("spec"), pods: pods ?? 0, ...(replicasNode ? { podsNode: replicasNode } : {}) });
  }
  return groups;
}

/**
 * GPU type/memory/instance labels of the first GPU group that names one (else of any group);
 * read-only when several groups have GPUs (their selectors would have to change together).
 */
function clusterPlacement(groups: PodGroup[]): LocatedFields {
  let fallback: LocatedFields = {};
  let found: LocatedFields | undefined;
  let gpuGroups = 0;
  for (const group of groups) {
    if (!group.podSpec) continue;
    const hasGpus = podGpus(group.podSpec).count > 0;
    if (hasGpus) gpuGroups++;
    const placement = nodePlacement(group.podSpec);
    if (Object.keys(placement).length === 0) continue;
    if (hasGpus) found ??= placement;
    else if (Object.keys(fallback).length === 0) fallback = placement;
  }
  const placement = found ?? fallback;
  if (gpuGroups > 1) freezePlacement(placement);
  return placement;
}

/** Adds the cluster's GPUs (and their type, unless the app names one) to an app's fields. */
function withCluster(fields: LocatedFields, unresolved: Unresolved, groups: PodGroup[]): void {
  if (groups.length === 0) return;
  const layout: LocatedFields = {};
  groupGpus(groups, layout, unresolved);
  if (layout.gpuCount && !fields.gpuCount) fields.gpuCount = layout.gpuCount;
  if (layout.nodes && !fields.nodes) fields.nodes = layout.nodes;
  if (!fields.gpuType && !fields.instanceType) {
    const placement = clusterPlacement(groups);
    for (const field of ["gpuType", "gpuMemoryMiB", "instanceType"] as const) if (placement[field]) (fields as Record<string, unknown>)[field] = placement[field];
  }
}

// ---------------------------------------------------------------------------------------------
// Ray Serve LLM (LLMConfig)

/** Settings read from `engine_kwargs`: engine options only (its other keys are not hardware). */
const ENGINE_FIELDS = new Set<FieldName>([
  "quantization",
  "dtype",
  "kvCacheDtype",
  "tensorParallel",
  "pipelineParallel",
  "dataParallel",
  "expertParallel",
  "maxModelLen",
  "maxNumSeqs",
  "maxNumBatchedTokens",
  "gpuMemoryUtilization",
  "cpuOffloadGiB",
  "enforceEager",
]);

interface AppRead {
  fields: LocatedFields;
  unresolved: Unresolved;
  anchor: DocNode;
  args?: ArgsTarget;
}

/**
 * Ray Serve LLM's data-parallel builders (`build_dp_openai_app`, `build_openai_dp_app`): each Serve
 * replica is one DP rank, on a placement group of its own bundles, and `data_parallel_size` sets
 * the replicas (ray python/ray/llm/_internal/serve/serving_patterns/data_parallel/dp_server.py:
 * `num_replicas = dp_size`, "rank i owns bundles [i*B … i*B+B-1]").
 */
const DP_BUILDER = /build_(?:dp_openai|openai_dp)_app$/;

/** One Ray Serve `LLMConfig`; `dpReplicas` when its builder runs one DP rank per replica. */
function readLlmConfig(config: DocNode, dpReplicas = false): AppRead | undefined {
  if (config.type !== "map") return undefined;
  const loading = config.get("model_loading_config");
  if (!loading || loading.type !== "map") return undefined;
  const fields: LocatedFields = {};
  const unresolved: Unresolved = {};
  const source = loading.get("model_source");
  if (source?.type === "map") {
    // `{bucket_uri: s3://…}`: weights in a bucket, not named statically.
    const bucket = source.get("bucket_uri") ?? source;
    unresolved.model = { raw: str(bucket) ?? "model_source", node: bucket.node, reason: "reference" };
  } else {
    const reference = modelReference(source ?? loading.get("model_id"), source ? "model_source" : "model_id");
    if (reference.located) fields.model = reference.located;
    else if (reference.unresolved) unresolved.model = reference.unresolved;
  }
  readField({ fields, unresolved }, "gpuType", config.get("accelerator_type"), "string", "accelerator_type");
  const engineNode = config.get("llm_engine");
  const engine = engineNamed(str(engineNode) ?? "vllm");
  if (!engine) return undefined;
  fields.engine = locate(engineNode ?? loading, engine, "llm_engine", { readonly: true });

  const kwargs = config.get("engine_kwargs");
  let args: ArgsTarget | undefined;
  if (kwargs?.type === "map") {
    const read = readSettingsMapping(kwargs, { settingsOnly: true });
    for (const [field, value] of Object.entries(read?.fields ?? {})) if (ENGINE_FIELDS.has(field as FieldName)) (fields as Record<string, unknown>)[field] = value;
    for (const [field, value] of Object.entries(read?.unresolved ?? {})) if (ENGINE_FIELDS.has(field as FieldName)) (unresolved as Record<string, unknown>)[field] = value;
    if (!kwargs.embedded) args = { kind: "map", node: kwargs, keyStyle: "snake" };
  }
  // An explicit placement group: its bundles' GPUs are the replica's GPUs.
  const bundles = config.get("placement_group_config")?.get("bundles");
  if (bundles?.type === "seq") {
    let gpus = 0;
    for (const bundle of bundles.items()) {
      const value = bundle.get("GPU")?.value;
      if (typeof value === "number" && value > 0) gpus += value;
    }
    if (gpus > 0 && Number.isInteger(gpus)) {
      // The bundles are one rank's: the DP ranks each take as many.
      const ranks = dpReplicas && typeof fields.dataParallel?.value === "number" ? fields.dataParallel.value : 1;
      const source = ranks > 1 ? "placement_group_config.bundles × data_parallel_size" : "placement_group_config.bundles";
      fields.gpuCount = locate(bundles, gpus * ranks, source, { readonly: true });
    }
  }
  return { fields, unresolved, anchor: loading, ...(args ? { args } : {}) };
}

/** The LLMConfigs of one Serve application (`args.llm_configs[]`, `args.llm_config`). */
function llmConfigsOf(app: DocNode): DocNode[] {
  const args = app.get("args");
  if (!args || args.type !== "map") return [];
  const configs = args.get("llm_configs")?.items() ?? [];
  const single = args.get("llm_config");
  return [...configs, ...(single ? [single] : [])].filter((config) => config.type === "map");
}

// ---------------------------------------------------------------------------------------------
// Custom Serve apps configured by environment variables

/** Env vars the common vLLM-on-Ray-Serve examples read (GKE ray-service, ai-on-eks vllm_serve.py). */
const APP_ENV: Record<string, { field: FieldName; kind: ValueKind }> = {
  MODEL_ID: { field: "model", kind: "string" },
  MODEL_NAME: { field: "model", kind: "string" },
  HF_MODEL_ID: { field: "model", kind: "string" },
  TENSOR_PARALLELISM: { field: "tensorParallel", kind: "int" },
  TENSOR_PARALLEL_SIZE: { field: "tensorParallel", kind: "int" },
  TP_SIZE: { field: "tensorParallel", kind: "int" },
  PIPELINE_PARALLELISM: { field: "pipelineParallel", kind: "int" },
  PIPELINE_PARALLEL_SIZE: { field: "pipelineParallel", kind: "int" },
  MAX_MODEL_LEN: { field: "maxModelLen", kind: "int" },
  GPU_MEMORY_UTILIZATION: { field: "gpuMemoryUtilization", kind: "float" },
  MAX_NUM_SEQS: { field: "maxNumSeqs", kind: "int" },
  MAX_NUM_SEQ: { field: "maxNumSeqs", kind: "int" },
  MAX_NUM_BATCHED_TOKENS: { field: "maxNumBatchedTokens", kind: "int" },
  QUANTIZATION: { field: "quantization", kind: "string" },
  DTYPE: { field: "dtype", kind: "string" },
  KV_CACHE_DTYPE: { field: "kvCacheDtype", kind: "string" },
};

/** Keys of a custom app's `args` (what its builder is given) that name the model it loads. */
const APP_MODEL_ARGS = ["model", "model_id", "model_name", "model_path"];

/**
 * A custom app that runs vLLM (evidence: vLLM in its pip list or image, or vLLM settings in its env),
 * or whose own code loads the model its env or its builder's `args` name: then found, and judged at
 * the most favourable reading of that code (analysis.ts `judgeUnseenLaunch`).
 */
function readCustomApp(app: DocNode, clusterImages: string[]): AppRead | undefined {
  const runtimeEnv = app.get("runtime_env");
  const env = runtimeEnv?.get("env_vars");
  const args = app.get("args");
  const fields: LocatedFields = {};
  const unresolved: Unresolved = {};
  for (const [name, node] of env?.type === "map" ? env.entries() : []) {
    const spec = lookup(APP_ENV, name);
    if (!spec) continue;
    if (spec.field === "model") {
      const reference = modelReference(node, name);
      if (reference.located) fields.model = reference.located;
      else if (reference.unresolved) unresolved.model = reference.unresolved;
    } else {
      readField({ fields, unresolved }, spec.field, node, spec.kind, name);
    }
  }
  // Else the builder's arguments (`args: {model: google/gemma-2b-it}`), which the app's code hands to its engine.
  const argKey = fields.model || unresolved.model || args?.type !== "map" ? undefined : APP_MODEL_ARGS.find((key) => args.get(key)?.type === "scalar");
  if (argKey) {
    const reference = modelReference(args!.get(argKey)!, `args.${argKey}`);
    if (reference.located) fields.model = reference.located;
    else if (reference.unresolved) unresolved.model = reference.unresolved;
  }
  const anchor = env?.type === "map" ? env : args;
  if ((!fields.model && !unresolved.model) || !anchor) return undefined;
  const pip = runtimeEnv?.get("pip");
  const pipText = pip?.type === "seq" ? pip.items().map((item) => str(item) ?? "").join(" ") : (str(pip) ?? "");
  const vllm = /\bvllm\b/i.test(pipText) || clusterImages.some((image) => /vllm/i.test(image)) || Object.keys(fields).some((field) => field !== "model");
  const importPath = app.get("import_path");
  if (!vllm || argKey) {
    // The app's own code loads the model (its engine, dtype and quantization are in Python): found; on
    // vLLM's image or pip package, judged at its most favourable reading, else never sized as an engine.
    const written = str(importPath) ?? "its import_path";
    unresolved.engine = { raw: written, node: (importPath ?? anchor).node, reason: "unsupported", source: "import_path", note: `Custom Ray Serve app ${written} loads the model itself`, ...(vllm ? { unseenLaunch: { engine: "vllm" as const } } : {}) };
    return { fields, unresolved, anchor };
  }
  fields.engine = locate(importPath ?? anchor, "vllm", "import_path", { readonly: true });
  return { fields, unresolved, anchor };
}

// ---------------------------------------------------------------------------------------------
// Serve configs

/** The largest number of replicas a Serve LLM deployment runs: `num_replicas`, else autoscaling's `max_replicas`, else 1. */
function maxReplicas(config: DocNode): number {
  const deployment = config.get("deployment_config");
  const counts = [deployment?.get("num_replicas")?.value, deployment?.get("autoscaling_config")?.get("max_replicas")?.value];
  return Math.max(1, ...counts.filter((count): count is number => typeof count === "number" && Number.isInteger(count)));
}

/**
 * A cluster's GPUs are a pool its Serve replicas share: each replica takes the tensor × pipeline
 * parallel GPUs of its placement group (× the DP size under the data-parallel builders). Where more
 * replicas or other LLM configs can take the GPUs one replica leaves, the deployment is judged on
 * one replica's GPUs; "GPUs sit idle" would be false. One config of one replica keeps the pool,
 * whose spare GPUs do sit idle.
 */
function replicaOfPool(fields: LocatedFields, config: DocNode, llmConfigs: number): void {
  const pool = fields.gpuCount;
  if (!pool || typeof pool.value !== "number") return;
  const number = (value: unknown) => (typeof value === "number" && Number.isInteger(value) && value > 0 ? value : 1);
  const ranks = number(fields.tensorParallel?.value) * number(fields.pipelineParallel?.value) * number(fields.dataParallel?.value);
  if (pool.value <= ranks || (llmConfigs === 1 && maxReplicas(config) === 1)) return;
  fields.gpuCount = { ...pool, value: ranks, readonly: true, source: `one replica's GPUs of the cluster's ${pool.value}` };
}

/** The deployments of a Serve config (`applications:`), against the cluster's GPUs when known. */
function serveApplications(config: DocNode, groups: PodGroup[], kind: string, name: string | undefined, holdersOf: DocNode[]): Deployment[] {
  const deployments: Deployment[] = [];
  const llmConfigCount = (config.get("applications")?.items() ?? []).reduce((sum, app) => sum + llmConfigsOf(app).length, 0);
  const images = groups.flatMap((group) => (group.podSpec?.get("containers")?.items() ?? []).map((container) => str(container.get("image")) ?? ""));
  for (const app of config.get("applications")?.items() ?? []) {
    if (app.type !== "map") continue;
    const appName = str(app.get("name"));
    const label = name && appName ? `${name}/${appName}` : (appName ?? name);
    const configs = llmConfigsOf(app);
    const dpReplicas = DP_BUILDER.test(str(app.get("import_path")) ?? "");
    const reads = configs.length > 0 ? configs.map((each) => readLlmConfig(each, dpReplicas)) : [readCustomApp(app, images)];
    for (const [index, read] of reads.entries()) {
      if (!read) continue;
      const ownGpus = read.fields.gpuCount !== undefined;
      withCluster(read.fields, read.unresolved, groups);
      if (configs.length > 0 && !ownGpus) replicaOfPool(read.fields, configs[index]!, llmConfigCount);
      deployments.push(
        crdDeployment("ray", kind, label, read.anchor.node, read.fields, read.unresolved, {
          ...(read.args ? { args: read.args } : {}),
          annotationHolders: holdersOf,
          // Ray Serve LLM reserves TP × PP GPUs per replica in a placement group.
          ...(configs.length > 0 ? { layoutOwner: "gpus-from-tensor" as const } : {}),
        }),
      );
    }
  }
  return deployments;
}

export function rayService(object: DocNode, ctx: ExtractContext, kind: string): Deployment[] {
  const spec = object.get("spec");
  if (!spec || spec.type !== "map") return [];
  const name = str(object.get("metadata")?.get("name"));
  const groups = clusterGroups(spec.get("rayClusterConfig"));
  const serve = spec.get("serveConfigV2");
  const text = str(serve);
  let config: DocNode | undefined;
  if (serve?.type === "map") config = serve;
  else if (serve && text !== undefined) {
    if (/\{\{/.test(text)) return [];
    config = parseEmbedded(text, serve.node)[0];
  }
  if (!config) return [];
  const deployments = serveApplications(config, groups, kind, name, holders(object.get("metadata")));
  for (const deployment of deployments) downloadedSource(deployment, groups, ctx);
  if (deployments.length > 0) return deployments;
  // Custom Serve apps on the Ray LLM (or a vLLM) image, or that install an engine in their runtime_env
  // (`pip: ["vllm==0.6.3"]`): found, and said to be unchecked, as anyscaleCustomApps.
  const llmImage = groups.some(({ podSpec }) => (podSpec?.get("containers")?.items() ?? []).some((container) => /ray-llm|vllm/i.test(str(container.get("image")) ?? "")));
  return customApps(config, kind, name, (app) => llmImage || installsEngine(app));
}

/**
 * Whether a Serve app installs a serving engine for its own code: a `runtime_env` pip package
 * (`pip: ["vllm==0.6.3"]`, or `pip: {packages: [...]}`) that names one.
 */
function installsEngine(app: DocNode): boolean {
  const pip = app.get("runtime_env")?.get("pip");
  const packages = pip?.type === "map" ? pip.get("packages") : pip;
  return (packages?.items() ?? []).some((item) => engineFromPackage(str(item) ?? "") !== undefined);
}

/** Each custom Serve app (`import_path: vllm_app:deployment`) of a config that `serves` a model: its Python loads the model, which the file does not show. */
function customApps(config: DocNode, kind: string, name: string | undefined, serves: (app: DocNode) => boolean = () => true): Deployment[] {
  return (config.get("applications")?.items() ?? []).flatMap((app) => {
    const importPath = app.get("import_path");
    const written = str(importPath);
    if (!importPath || written === undefined || !serves(app)) return [];
    const unresolved: Unresolved = {
      engine: { raw: written, node: importPath.node, reason: "unsupported", source: "import_path", note: `Custom Ray Serve app ${written} loads the model itself` },
    };
    return [crdDeployment("ray", kind, name, importPath.node, {}, unresolved)];
  });
}

/**
 * A `model_source` folder of the cluster's pods (`/model-cache`) that one of their containers
 * downloads a repository into (an init container's `huggingface-cli download … --local-dir`): that
 * repository, read-only at the download.
 */
function downloadedSource(deployment: Deployment, groups: PodGroup[], ctx: ExtractContext): void {
  const written = deployment.unresolved.model;
  if (written?.reason !== "reference" || !isLocalFolder(written.raw)) return;
  for (const { podSpec } of groups) {
    const container = podSpec?.get("containers")?.items()[0];
    const downloaded = container && downloadInto(written.raw, container, podSpec, ctx, (each) => containerEnv(each, ctx));
    if (!downloaded) continue;
    delete deployment.unresolved.model;
    deployment.fields.model = downloaded;
    return;
  }
}

/** A Ray cluster whose head (or a worker) runs the engine command across the cluster's GPUs. */
function clusterDeployments(object: DocNode, clusterSpec: DocNode | undefined, format: string, kind: string, ctx: ExtractContext): Deployment[] {
  const groups = clusterGroups(clusterSpec);
  const name = str(object.get("metadata")?.get("name"));
  const found: Deployment[] = [];
  for (const group of groups) {
    if (!group.podSpec || found.length > 0) continue;
    found.push(...podDeployments(group.podSpec, { format, kind, name, anchor: object, annotationHolders: holders(object.get("metadata")) }, ctx));
  }
  for (const deployment of found) {
    const layout: LocatedFields = {};
    groupGpus(groups, layout, deployment.unresolved, ctx);
    if (layout.gpuCount) deployment.fields.gpuCount = layout.gpuCount;
    if (layout.nodes) deployment.fields.nodes = layout.nodes;
    else if (deployment.fields.nodes?.source !== "--nnodes") delete deployment.fields.nodes;
    if (!deployment.fields.gpuType && !deployment.fields.instanceType) mergeFields(deployment, { fields: clusterPlacement(groups) }, "fill");
    if (groups.filter((group) => podGpus(group.podSpec).count > 0).length > 1) freezePlacement(deployment.fields);
  }
  return found;
}

export function rayCluster(object: DocNode, ctx: ExtractContext, kind: string): Deployment[] {
  return clusterDeployments(object, object.get("spec"), "ray", kind, ctx);
}

/** AIBrix `RayClusterFleet`: a RayCluster spec under `spec.template.spec`. */
export function rayClusterFleet(object: DocNode, ctx: ExtractContext, kind: string): Deployment[] {
  return clusterDeployments(object, object.get("spec")?.get("template")?.get("spec"), "aibrix", kind, ctx);
}

/** `RayJob`: an engine command in `spec.entrypoint`, or in the cluster's pods. */
export function rayJob(object: DocNode, ctx: ExtractContext, kind: string): Deployment[] {
  const spec = object.get("spec");
  if (!spec || spec.type !== "map") return [];
  const entrypoint = spec.get("entrypoint");
  const call = entrypoint ? parseEngineCall(shellTokens(entrypoint, ctx.text, new Map())) : undefined;
  if (!call) return clusterDeployments(object, spec.get("rayClusterSpec"), "ray", kind, ctx);
  const fields: LocatedFields = { ...call.fields, engine: locate(entrypoint!, call.engine, "entrypoint") };
  const unresolved: Unresolved = { ...call.unresolved };
  withCluster(fields, unresolved, clusterGroups(spec.get("rayClusterSpec")));
  return [crdDeployment("ray", kind, str(object.get("metadata")?.get("name")), entrypoint!.node, fields, unresolved, { ...(call.args ? { args: call.args } : {}), annotationHolders: holders(object.get("metadata")) })];
}

/** AIBrix `StormService`: one deployment per role (prefill, decode…), each a pod template of `podGroupSize` pods. */
export function stormService(object: DocNode, ctx: ExtractContext, kind: string): Deployment[] {
  const roles = object.get("spec")?.get("template")?.get("spec")?.get("roles")?.items() ?? [];
  const name = str(object.get("metadata")?.get("name"));
  const deployments: Deployment[] = [];
  for (const role of roles) {
    const podSpec = role.get("template")?.get("spec");
    if (!podSpec || podSpec.type !== "map") continue;
    const roleName = str(role.get("name"));
    const label = name && roleName ? `${name}/${roleName}` : (roleName ?? name);
    const found = podDeployments(podSpec, { format: "aibrix", kind, name: label, anchor: object, annotationHolders: holders(object.get("metadata"), role.get("template")?.get("metadata")) }, ctx);
    const groupSizeNode = role.get("podGroupSize");
    const groupSize = podCount(groupSizeNode, 1);
    // A routing role (`sglang-router`, a proxy) names no model and asks for no GPU: it serves nothing.
    const serving = found.filter((deployment) => deployment.fields.model || deployment.unresolved.model || deployment.fields.gpuCount || deployment.unresolved.gpuCount);
    found.length = 0;
    found.push(...serving);
    for (const deployment of found) {
      if (groupSizeNode && groupSize === undefined) deployment.unresolved.nodes = { raw: String(groupSizeNode.value), node: groupSizeNode.node, reason: "template" };
      else if (groupSizeNode && groupSize !== undefined && groupSize > 1 && deployment.fields.nodes?.source !== "--nnodes") deployment.fields.nodes = locate(groupSizeNode, groupSize, "podGroupSize");
    }
    deployments.push(...found);
  }
  return deployments;
}

// ---------------------------------------------------------------------------------------------
// Standalone Ray Serve configs (not Kubernetes objects)

/**
 * A Ray Serve config file: `applications:` with Serve LLM apps, or a single LLMConfig
 * (`model_loading_config:` at the top). Undefined for any other document.
 */
export function extractRayServeConfig(document: DocNode, ctx: ExtractContext): Deployment[] | undefined {
  void ctx;
  if (document.type !== "map") return undefined;
  if (document.get("model_loading_config")?.type === "map") {
    const read = readLlmConfig(document);
    if (!read) return undefined;
    return [crdDeployment("ray", "Ray Serve LLM config", str(document.get("model_loading_config")?.get("model_id")), read.anchor.node, read.fields, read.unresolved, { ...(read.args ? { args: read.args } : {}), layoutOwner: "gpus-from-tensor" })];
  }
  const applications = document.get("applications");
  if (applications?.type !== "seq") return undefined;
  const anyscale = isAnyscaleService(document);
  if (!applications.items().some((app) => llmConfigsOf(app).length > 0 || /ray\.serve\.llm/.test(str(app.get("import_path")) ?? ""))) {
    return anyscale ? anyscaleCustomApps(document) : undefined;
  }
  const deployments = serveApplications(document, [], anyscale ? "Anyscale service" : "Ray Serve config", anyscale ? str(document.get("name")) : undefined, []);
  const workers = anyscale ? workerInstance(document) : undefined;
  for (const deployment of deployments) if (workers && !deployment.fields.gpuType && !deployment.fields.instanceType) deployment.fields.instanceType = workers;
  return deployments;
}

// ---------------------------------------------------------------------------------------------
// Anyscale services (docs.anyscale.com, "Service config": `name`, `image_uri`, `compute_config`
// with `head_node` and `worker_nodes[].instance_type`, `applications` as in a Serve config)

function isAnyscaleService(document: DocNode): boolean {
  return document.get("image_uri") !== undefined || document.get("compute_config")?.type === "map" || document.get("containerfile") !== undefined;
}

/**
 * The instance type the service's replicas land on: its worker nodes' type when they all have one
 * (the head node runs the controller, not replicas). Several types leave the GPU to the range.
 */
function workerInstance(document: DocNode): Located<string> | undefined {
  const workers = document.get("compute_config")?.get("worker_nodes")?.items() ?? [];
  const types = workers.map((worker) => worker.get("instance_type"));
  const first = types[0];
  const written = str(first);
  if (!first || written === undefined || types.some((type) => str(type) !== written) || deferredReason(written)) return undefined;
  return locate(first, written, "instance_type");
}

/**
 * A service of custom Serve apps (`import_path: serve_app:app`) on the Ray LLM image: the app's
 * Python loads the model, which the file does not show. Found, and said to be unchecked, on the
 * workers' instance type. Other images run apps of every kind (diffusion, embeddings): not read.
 */
function anyscaleCustomApps(document: DocNode): Deployment[] {
  const image = document.get("image_uri");
  if (!/ray-llm|vllm/i.test(str(image) ?? "")) return [];
  const workers = workerInstance(document);
  if (!workers) return [];
  return customApps(document, "Anyscale service", str(document.get("name"))).map((deployment) => ({ ...deployment, fields: { ...deployment.fields, instanceType: workers } }));
}
