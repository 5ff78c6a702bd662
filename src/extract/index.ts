/**
 * Extraction entry point: a parsed file (yaml-eslint-parser or jsonc-eslint-parser AST) → the
 * deployments it describes, each field located at the AST node it came from. Adapters are tried in
 * order per Kubernetes object; documents that are not Kubernetes objects are read as app configs.
 */
import { extractAppConfig } from "./app-config.js";
import { createContext, kubernetesObjects, type ExtractContext } from "./context.js";
import { type DocNode, documentsOf } from "./doc.js";
import { extractWorkload } from "./kubernetes.js";
import type { Deployment } from "./types.js";

/** An adapter for one family of Kubernetes kinds; undefined means "not one of mine". */
export type ObjectAdapter = (object: DocNode, ctx: ExtractContext) => Deployment[] | undefined;

const OBJECT_ADAPTERS: ObjectAdapter[] = [extractWorkload];

/** Kinds that never describe a model deployment, so their contents are not read as app configs. */
const INERT_KINDS = new Set(["ConfigMap", "Secret", "Service", "Ingress", "ServiceAccount", "Namespace", "PersistentVolumeClaim", "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy", "Kustomization", "CustomResourceDefinition"]);

export function extractDeployments(ast: { type: string; body?: unknown[] }, text: string): Deployment[] {
  const documents = documentsOf(ast);
  const ctx = createContext(text, documents);
  const deployments: Deployment[] = [];
  for (const document of documents) {
    const objects = kubernetesObjects(document);
    if (objects.length === 0) {
      deployments.push(...extractAppConfig(document, ctx));
      continue;
    }
    for (const object of objects) {
      let claimed = false;
      for (const adapter of OBJECT_ADAPTERS) {
        const found = adapter(object, ctx);
        if (found) {
          deployments.push(...found);
          claimed = true;
          break;
        }
      }
      const kind = object.get("kind")?.value;
      if (!claimed && typeof kind === "string" && !INERT_KINDS.has(kind)) {
        // A custom resource nobody has an adapter for: read it like an app config.
        deployments.push(...extractAppConfig(object, ctx, kind));
      }
    }
  }
  return deployments;
}
