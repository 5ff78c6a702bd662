/**
 * Extraction entry point: a parsed file (yaml-eslint-parser or jsonc-eslint-parser AST) → the
 * deployments it describes, each field located at the AST node it came from. Adapters are tried in
 * order per Kubernetes object; documents that are not Kubernetes objects are read as app configs.
 */
import { extractAppConfig } from "./app-config.js";
import { createContext, kubernetesObjects, type ExtractContext } from "./context.js";
import { type DocNode, documentsOf } from "./doc.js";
import { extractWorkload } from "./kubernetes.js";
import { extractServingCrd } from "./crds.js";
import { extractRayServeConfig } from "./ray.js";
import type { Deployment, FieldName, Located } from "./types.js";
import { deferredReason } from "./kit.js";
import { extractCompose } from "./compose.js";
import { extractHelmValues } from "./helm-values.js";
import { extractSkyPilot } from "./skypilot.js";
import { extractTerraform } from "./terraform.js";

/** An adapter for one family of Kubernetes kinds; undefined means "not one of mine". */
export type ObjectAdapter = (object: DocNode, ctx: ExtractContext) => Deployment[] | undefined;

const OBJECT_ADAPTERS: ObjectAdapter[] = [extractWorkload, extractServingCrd];

/** Kinds that never describe a model deployment, so their contents are not read as app configs. */
const INERT_KINDS = new Set(["ConfigMap", "Secret", "Service", "Ingress", "ServiceAccount", "Namespace", "PersistentVolumeClaim", "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy", "Kustomization", "CustomResourceDefinition"]);

export function extractDeployments(ast: { type: string; body?: unknown[] }, text: string): Deployment[] {
  const documents = documentsOf(ast);
  const ctx = createContext(text, documents);
  const deployments: Deployment[] = [];
  for (const document of documents) {
    const objects = kubernetesObjects(document);
    if (objects.length === 0) {
      // Ray Serve config files (`applications:` with LLM configs, or one LLMConfig) before generic app configs.
      const serve = extractRayServeConfig(document, ctx);
      if (serve) {
        deployments.push(...serve);
        continue;
      }
      const formatted = extractDocument(document, ctx);
      if (formatted) {
        deployments.push(...formatted);
        continue;
      }
      deployments.push(...extractAppConfig(document, ctx));
      continue;
    }
    for (const object of objects) deployments.push(...extractObject(object, ctx));
  }
  for (const deployment of deployments) setAsideUnusable(deployment, text);
  return deployments;
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
