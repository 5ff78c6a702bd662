/**
 * Plain Kubernetes workloads: the pod template of Pods, Deployments, StatefulSets, DaemonSets,
 * ReplicaSets, Jobs and CronJobs (multi-document files and `kind: List` included).
 */
import type { ExtractContext } from "./context.js";
import type { DocNode } from "./doc.js";
import { str } from "./doc.js";
import { podDeployments } from "./pod.js";
import type { Deployment } from "./types.js";

/** Path from the object to its pod spec, by kind. */
const POD_SPEC_PATHS: Record<string, string[]> = {
  Pod: ["spec"],
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

export function follow(node: DocNode | undefined, path: readonly string[]): DocNode | undefined {
  let current = node;
  for (const key of path) current = current?.get(key);
  return current;
}

/** Deployments of a Kubernetes workload object; undefined when the kind is not a plain workload. */
export function extractWorkload(object: DocNode, ctx: ExtractContext): Deployment[] | undefined {
  const kind = str(object.get("kind"));
  const path = kind ? POD_SPEC_PATHS[kind] : undefined;
  if (!kind || !path) return undefined;
  const podSpec = follow(object, path);
  if (!podSpec || podSpec.type !== "map") return [];
  const template = path.length > 1 ? follow(object, path.slice(0, -1)) : undefined;
  const holders = [object.get("metadata"), template?.get("metadata")].filter((node): node is DocNode => node !== undefined);
  return podDeployments(
    podSpec,
    { format: "kubernetes", kind, name: str(object.get("metadata")?.get("name")), anchor: object, annotationHolders: holders },
    ctx,
  );
}
