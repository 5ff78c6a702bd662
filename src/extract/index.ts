/**
 * Extraction entry point: a parsed file (yaml-eslint-parser or jsonc-eslint-parser AST) → the
 * deployments it describes, each field located at the AST node it came from. Adapters are tried in
 * order per Kubernetes object; documents that are not Kubernetes objects are read as app configs.
 */
import { extractAppConfig } from "./app-config.js";
import { createContext, kubernetesObjects, type ExtractContext } from "./context.js";
import { type DocNode, readDocuments, UnreadableDocument, type UnreadDocument } from "./doc.js";
import { extractWorkload } from "./kubernetes.js";
import { extractServingCrd } from "./crds.js";
import { extractRayServeConfig } from "./ray.js";
import type { Deployment, FieldName, Located } from "./types.js";
import { deferredReason } from "./kit.js";
import { extractCompose } from "./compose.js";
import { extractEngineConfigDocument } from "./engine-config.js";
import { extractHelmValues } from "./helm-values.js";
import { extractSkyPilot } from "./skypilot.js";
import { extractTerraform } from "./terraform.js";
import { maskTemplateActions, TEMPLATE_MARK, type TemplateAction, templateActionsOf, unmasked } from "./go-template.js";

/** An adapter for one family of Kubernetes kinds; undefined means "not one of mine". */
export type ObjectAdapter = (object: DocNode, ctx: ExtractContext) => Deployment[] | undefined;

const OBJECT_ADAPTERS: ObjectAdapter[] = [extractWorkload, extractServingCrd];

/** Kinds that never describe a model deployment, so their contents are not read as app configs. */
const INERT_KINDS = new Set(["ConfigMap", "Secret", "Service", "Ingress", "ServiceAccount", "Namespace", "PersistentVolumeClaim", "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy", "Kustomization", "CustomResourceDefinition"]);

export function extractDeployments(ast: { type: string; body?: unknown[] }, text: string): Deployment[] {
  return extractFile(ast, text).deployments;
}

/**
 * The deployments of a parsed file, and the documents left unread (aliases that would expand past
 * the budget, also in YAML held in a string): nothing in those is judged, and the rules say so.
 */
export function extractFile(ast: { type: string; body?: unknown[] }, text: string): { deployments: Deployment[]; unread: UnreadDocument[] } {
  const { documents, unread } = readDocuments(ast);
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
  for (const deployment of deployments) setAsideUnusable(deployment, text);
  const actions = templateActionsOf(ast);
  if (actions.length > 0) {
    const maskedText = maskTemplateActions(text)?.text ?? text;
    for (const deployment of deployments) markTemplated(deployment, actions, text, maskedText);
  }
  return { deployments, unread };
}

function extractFromDocument(document: DocNode, ctx: ExtractContext): Deployment[] {
  const objects = kubernetesObjects(document);
  if (objects.length > 0) return objects.flatMap((object) => extractObject(object, ctx));
  // Ray Serve config files (`applications:` with LLM configs, or one LLMConfig) before generic app configs.
  return extractRayServeConfig(document, ctx) ?? extractDocument(document, ctx) ?? extractAppConfig(document, ctx);
}

/** The key settings a template's control lines most often supply; the first one missing is blamed. */
const TEMPLATED_FIELDS: readonly FieldName[] = ["model", "gpuCount", "gpuType"];

/**
 * A deployment in a Go template (masked by the YAML language, see go-template.ts): values holding a
 * masked action show it as written, and a control line inside the deployment (`{{- if }}`, `{{-
 * toYaml .Values.resources | nindent 12 }}`) leaves it unjudged, since rendering may add or drop
 * any setting.
 */
function markTemplated(deployment: Deployment, actions: readonly TemplateAction[], text: string, maskedText: string): void {
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
    return actions.find((action) => action.block && action.range[0] >= start && action.range[1] <= end);
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

/**
 * Whatever adapter read a value, two kinds of value are not facts to judge, so they become
 * unresolved and the deployment is left unjudged rather than reported:
 * - a templated string (`--model "{{ .Values.model }}"`, an instance-type label of
 *   `{{ .Values.instanceType }}`) is not a name to look up;
 * - a number no machine could hold (`nvidia.com/gpu: 1e308`, a 400-digit `--max-model-len`): counts
 *   and sizes must be finite, not negative, and whole numbers below 2^53 where they count things.
 */
function setAsideUnusable(deployment: Deployment, text: string): void {
  for (const [field, located] of Object.entries(deployment.fields) as Array<[FieldName, Located<unknown> | undefined]>) {
    if (!located) continue;
    const { value } = located;
    const reason = typeof value === "string" ? deferredReason(value) : typeof value === "number" && !isUsableNumber(field, value) ? "invalid" : undefined;
    if (!reason) continue;
    delete deployment.fields[field];
    deployment.unresolved[field] ??= { raw: typeof value === "string" ? value : writtenNumber(located, text), node: located.node, reason };
  }
}

/** A number as the file writes it (`1e308`, not `1e+308`), without the quotes around a string. */
function writtenNumber(located: Located<unknown>, text: string): string {
  const [start, end] = located.range ?? located.node.range;
  return text.slice(start, end).replace(/^(["'])(.*)\1$/s, "$2");
}

/** Fields whose values are fractions; every other number counts things (GPUs, tokens, layers, MiB). */
const FRACTIONAL_FIELDS: ReadonlySet<FieldName> = new Set(["gpuMemoryUtilization", "cpuOffloadGiB"]);

function isUsableNumber(field: FieldName, value: number): boolean {
  if (!Number.isFinite(value) || value < 0) return false;
  return FRACTIONAL_FIELDS.has(field) || Number.isSafeInteger(value);
}

/** The deployments of one Kubernetes object (also those embedded elsewhere: Terraform `kubernetes_manifest`). */
export function extractObject(object: DocNode, ctx: ExtractContext): Deployment[] {
  for (const adapter of OBJECT_ADAPTERS) {
    const found = adapter(object, ctx);
    if (found) return found;
  }
  const kind = object.get("kind")?.value;
  // A custom resource nobody has an adapter for: read it like an app config.
  if (typeof kind === "string" && !INERT_KINDS.has(kind)) return extractAppConfig(object, ctx, kind);
  return [];
}

/**
 * Adapters for whole documents that are not Kubernetes objects: Helm values of serving charts,
 * Terraform JSON and plans, SkyPilot tasks, docker-compose. Each checks a top-level key or two
 * first and returns undefined for documents that are not its format.
 */
const DOCUMENT_ADAPTERS: Array<(document: DocNode, ctx: ExtractContext) => Deployment[] | undefined> = [
  extractEngineConfigDocument,
  extractHelmValues,
  (document, ctx) => extractTerraform(document, ctx, extractObject),
  extractSkyPilot,
  extractCompose,
];

function extractDocument(document: DocNode, ctx: ExtractContext): Deployment[] | undefined {
  for (const adapter of DOCUMENT_ADAPTERS) {
    const found = adapter(document, ctx);
    if (found) return found;
  }
  return undefined;
}
