/**
 * Plain Kubernetes workloads: the pod template of Pods, Deployments, StatefulSets, DaemonSets,
 * ReplicaSets, ReplicationControllers, Jobs and CronJobs (multi-document files and `kind: List`
 * included; Terraform's `kubernetes_*` resources read through the same function).
 */
import type { ExtractContext } from "./context.js";
import type { DocNode } from "./doc.js";
import { follow, str } from "./doc.js";
import { podDeployments } from "./pod.js";
import type { Deployment } from "./types.js";
import { lookup } from "../lookup.js";

/** Path from the object to its pod spec, by kind. */
const POD_SPEC_PATHS: Record<string, string[]> = {
  Pod: ["spec"],
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  ReplicationController: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

/** A plain workload's containers get no GPU unless they request one. */
const WORKLOAD_OPTIONS = { requireGpuResource: true } as const;

/** Deployments of a Kubernetes workload object; undefined when the kind is not a plain workload. */
export function extractWorkload(object: DocNode, ctx: ExtractContext): Deployment[] | undefined {
  const kind = str(object.get("kind"));
  if (!kind || !lookup(POD_SPEC_PATHS, kind)) return undefined;
  return workloadDeployments(object, kind, { format: "kubernetes", kind }, ctx);
}

/**
 * The deployments of a workload of `kind` (its pod spec, with the workload's and the template's
 * metadata as annotation holders), reported as `as.kind` of format `as.format`.
 */
export function workloadDeployments(object: DocNode, kind: string, as: { format: string; kind: string; name?: string }, ctx: ExtractContext): Deployment[] {
  const path = lookup(POD_SPEC_PATHS, kind);
  const podSpec = path ? follow(object, path) : undefined;
  if (!path || !podSpec || podSpec.type !== "map") return [];
  const template = path.length > 1 ? follow(object, path.slice(0, -1)) : undefined;
  const holders = [object.get("metadata"), template?.get("metadata")].filter((node): node is DocNode => node !== undefined);
  const name = str(object.get("metadata")?.get("name")) ?? as.name;
  return podDeployments(podSpec, { format: as.format, kind: as.kind, name, anchor: object, annotationHolders: holders }, ctx, {}, WORKLOAD_OPTIONS);
}
