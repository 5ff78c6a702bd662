/**
 * KubeAI `Model` (kubeai.org/v1): `spec.url` (`hf://…`, `ollama://…`), `spec.engine`, `spec.args`
 * (engine flags), `spec.env`, and `spec.resourceProfile: <profile>:<count>`, whose profile names
 * the GPU and whose count multiplies the profile's per-unit GPUs.
 */
import type { ExtractContext } from "./context.js";
import type { DocNode } from "./doc.js";
import { rangeInScalar, str } from "./doc.js";
import { applyEnvFields, commandTokens, parseEngineCall } from "./engine-seam.js";
import { crdDeployment, engineNamed, holders, modelReference, type Unresolved } from "./crd-kit.js";
import { deferredReason, locate, mergeFields, plainEnv, readEnv } from "./kit.js";
import type { Deployment, LocatedFields } from "./types.js";

/**
 * KubeAI's default resource profiles (charts/kubeai/values.yaml `resourceProfiles`): every GPU
 * profile requests one device per unit (`nvidia.com/gpu: "1"`, `amd.com/gpu: "1"`; the GKE overlay's
 * TPU profiles `google.com/tpu: 1`), so `<profile>:<N>` is N devices. Profiles defined only in a
 * cluster's own values are not known here: their per-unit count is left unresolved.
 */
const DEFAULT_PROFILES: ReadonlyMap<string, number> = new Map([
  ["nvidia-gpu-t4", 1],
  ["nvidia-gpu-l4", 1],
  ["nvidia-gpu-l40s", 1],
  ["nvidia-gpu-h100", 1],
  ["nvidia-gpu-gh200", 1],
  ["nvidia-gpu-a100-80gb", 1],
  ["nvidia-gpu-a100-40gb", 1],
  ["nvidia-gpu-a16", 1],
  ["nvidia-gpu-rtx4070-8gb", 1],
  ["amd-gpu-mi300x", 1],
  ["google-tpu-v5e-1x1", 1],
  ["google-tpu-v5e-2x2", 1],
  ["google-tpu-v5e-2x4", 1],
]);

/** Profiles that request no accelerator: the model runs on CPUs, which the deployment's finding says. */
const CPU_PROFILE = /^cpu$/i;

export interface ResourceProfile {
  fields: LocatedFields;
  unresolved: Unresolved;
  /** What reading it assumed (a cluster's own profile read as one device per unit). */
  assumptions?: string[];
}

/** KubeAI's naming of GPU profiles (`nvidia-gpu-l4`, `amd-gpu-mi300x`): a cluster's own profiles named so are read as its defaults are. */
const GPU_PROFILE_NAME = /^(?:nvidia|amd)-gpu-[a-z0-9-]+$/i;

/**
 * `nvidia-gpu-l4:2` → the GPU (`nvidia-gpu-l4`, located at exactly those characters, source
 * `resourceProfile`) and the device count (`2`, located at the digits). Shared with the KubeAI
 * models chart (`catalog.<name>.resourceProfile`).
 */
export function readResourceProfile(node: DocNode | undefined, ctx: ExtractContext): ResourceProfile | undefined {
  if (!node || node.type !== "scalar") return undefined;
  const raw = str(node);
  const fields: LocatedFields = {};
  const unresolved: Unresolved = {};
  const deferred = raw === undefined ? undefined : deferredReason(raw);
  if (raw === undefined || deferred) {
    const reason = deferred ?? "invalid";
    unresolved.gpuType = { raw: String(node.value), node: node.node, reason, source: "resourceProfile" };
    return { fields, unresolved };
  }
  const match = /^(\s*)([^:\s]+)(?::(\s*)(\d+))?\s*$/.exec(raw);
  if (!match) {
    unresolved.gpuType = { raw, node: node.node, reason: "invalid", source: "resourceProfile" };
    return { fields, unresolved };
  }
  const profile = match[2]!;
  if (CPU_PROFILE.test(profile)) {
    unresolved.gpuCount = { raw: "none", node: node.node, reason: "unsupported", source: "resourceProfile", note: `No GPU is requested (resourceProfile ${raw.trim()} runs it on CPUs)`, onCpu: { limitSetting: "a memory limit in its resourceProfile" } };
    return { fields, unresolved };
  }
  const profileStart = match[1]!.length;
  const profileRange = rangeInScalar(node, raw, ctx.text, profileStart, profileStart + profile.length);
  fields.gpuType = locate(node, profile, "resourceProfile", profileRange ? { range: profileRange } : { readonly: true });
  // KubeAI reads a missing count as 1 (`<profile>` alone).
  const count = match[4] === undefined ? 1 : Number(match[4]);
  const known = DEFAULT_PROFILES.get(profile.toLowerCase());
  // A cluster's own profile named as KubeAI names its GPU profiles (`nvidia-gpu-rtx8000`) is read as
  // theirs: one device per unit, every default GPU profile's count, and the finding says so.
  const conventional = known === undefined && GPU_PROFILE_NAME.test(profile);
  if (known === undefined && !conventional) {
    unresolved.gpuCount = { raw, node: node.node, reason: "reference", source: "resourceProfile" };
    return { fields, unresolved };
  }
  const perUnit = known ?? 1;
  const assumptions = conventional ? [`resourceProfile ${profile}, defined in the cluster's values, gives one GPU per unit, as KubeAI's own GPU profiles do`] : undefined;
  if (match[4] !== undefined && perUnit === 1) {
    const countStart = profileStart + profile.length + 1 + match[3]!.length;
    const countRange = rangeInScalar(node, raw, ctx.text, countStart, countStart + match[4].length);
    fields.gpuCount = locate(node, count, "resourceProfile", countRange ? { range: countRange } : { readonly: true });
  } else {
    // No count written (nowhere to edit one in), or a multi-device unit.
    fields.gpuCount = locate(node, count * perUnit, "resourceProfile", { readonly: true });
  }
  return { fields, unresolved, ...(assumptions ? { assumptions } : {}) };
}

/** Engines KubeAI runs that serve no LLM (embeddings, speech). */
const NON_LLM_ENGINES = /^(infinity|fasterwhisper)$/i;

export function kubeaiModel(object: DocNode, ctx: ExtractContext): Deployment[] {
  const spec = object.get("spec");
  if (!spec || spec.type !== "map") return [];
  const engineName = str(spec.get("engine"));
  if (engineName && NON_LLM_ENGINES.test(engineName)) return [];
  const profile = readResourceProfile(spec.get("resourceProfile"), ctx);

  const fields: LocatedFields = { ...profile?.fields };
  const unresolved: Unresolved = { ...profile?.unresolved };
  const engine = engineNamed(engineName);
  const args = spec.get("args");
  const env = readEnv(spec.get("env"));
  const variables = plainEnv(env);
  let argsTarget: Deployment["args"];
  if (engine) {
    fields.engine = locate(spec.get("engine")!, engine, "engine");
    const { tokens, shell } = commandTokens(args?.items() ?? [], ctx.text, variables);
    const call = parseEngineCall(tokens, { imageEngine: engine, ...(args && !shell ? { argsList: args } : {}) });
    if (call) {
      applyEnvFields(call, env);
      // The model is KubeAI's `url`, not a flag (KubeAI passes `--model` itself).
      delete call.fields.model;
      delete call.unresolved.model;
      mergeFields({ fields, unresolved }, call);
      argsTarget = call.args;
    }
    if (!argsTarget && args?.type === "seq" && !args.embedded && args.items().length > 0) argsTarget = { kind: "list", node: args, equals: true };
  }
  const model = modelReference(spec.get("url"), "url");
  if (model.located) fields.model = model.located;
  else if (model.unresolved) unresolved.model = model.unresolved;

  return [
    crdDeployment("kubeai", "Model", str(object.get("metadata")?.get("name")), (spec.get("resourceProfile") ?? spec).node, fields, unresolved, {
      ...(argsTarget ? { args: argsTarget } : {}),
      ...(profile?.assumptions ? { assumptions: profile.assumptions } : {}),
      annotationHolders: holders(object.get("metadata")),
    }),
  ];
}
