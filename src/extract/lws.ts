/**
 * Leader/worker pod groups: one model replica is `size` pods — a leader (which usually runs the
 * engine command) and size − 1 workers (which join its Ray cluster or `--nnodes` group), so
 * multi-node TP/PP spans `nodes = size` pods. Read the same way for LeaderWorkerSet
 * (leaderworkerset.x-k8s.io: `spec.leaderWorkerTemplate.{size, leaderTemplate, workerTemplate}`),
 * RoleBasedGroup's leader/worker pattern and Volcano Kthena's ModelServing roles (entry + workers).
 * Without a leader template every pod runs the worker template (llm-d's wide expert-parallel decode).
 * The platform's group-size variable (`$(LWS_GROUP_SIZE)`) is known from the size.
 */
import type { ExtractContext } from "./context.js";
import type { DocNode } from "./doc.js";
import { str } from "./doc.js";
import { podDeployments } from "./pod.js";
import { freezePlacement, groupGpus, holders, podCount, type Unresolved } from "./crd-kit.js";
import { locate, readScalar, setLocated, setUnresolved } from "./kit.js";
import type { Deployment, Located, LocatedFields } from "./types.js";

export interface LeaderWorkerGroup {
  object: DocNode;
  format: string;
  kind: string;
  name: string | undefined;
  /** The leader's pod template (with `spec` and `metadata`), if the group has one. */
  leader: DocNode | undefined;
  /** The workers' pod template; every pod's when there is no leader. */
  worker: DocNode | undefined;
  /** Where the group size is written, and how it reads (`leaderWorkerTemplate.size`). */
  sizeNode: DocNode | undefined;
  sizeSource: string;
  /** The size when it is not written as one value (Kthena: 1 + workerReplicas). */
  size?: number;
  /** Variables the platform sets to the group size in every pod. */
  sizeVariables?: string[];
}

/** The serving deployments of a leader/worker group, with the GPUs of the whole group. */
export function leaderWorkerDeployments(group: LeaderWorkerGroup, ctx: ExtractContext): Deployment[] {
  const { object, leader, worker, sizeNode } = group;
  const size = sizeNode ? readScalar(sizeNode, "int", group.sizeSource) : undefined;
  const groupSize = group.size ?? podCount(sizeNode);
  const platformEnv = new Map((group.sizeVariables ?? []).flatMap((name) => (groupSize !== undefined ? [[name, String(groupSize)] as [string, string]] : [])));
  const options = { platformEnv, requireGpuResource: true };

  // The pods that run the engine: the leader's, else (no leader template) every worker's.
  const servingTemplate = leader?.get("spec") ? leader : worker;
  const servingSpec = servingTemplate?.get("spec");
  if (!servingSpec || servingSpec.type !== "map") return [];
  const owner = (template: DocNode | undefined) => ({ format: group.format, kind: group.kind, name: group.name, anchor: object, annotationHolders: holders(object.get("metadata"), template?.get("metadata")) });
  const found = podDeployments(servingSpec, owner(servingTemplate), ctx, {}, options);
  const both = Boolean(leader?.get("spec") && worker?.get("spec") && leader !== worker);
  const workers = both ? podDeployments(worker!.get("spec")!, owner(worker), ctx, {}, options) : [];
  // The leader only coordinates; the workers serve.
  const leaderServes = found.length > 0;
  if (!leaderServes) found.push(...workers);
  /** Leader and workers each start the engine: its settings are written twice, and one edit would split the group. */
  const twice = leaderServes && workers.some((deployment) => deployment.fields.model !== undefined);

  for (const deployment of found) {
    const fields: LocatedFields = deployment.fields;
    const unresolved: Unresolved = deployment.unresolved;
    // Leader and worker templates each select their nodes: one edit would split the group.
    if (both) {
      freezePlacement(fields);
      deployment.placementTargets = [leader!.get("spec")!, worker!.get("spec")!];
    }
    if (twice) freezeEngineSettings(deployment);
    if (size && "reason" in size) {
      setUnresolved(deployment, "nodes", size);
      continue;
    }
    if (groupSize === undefined || groupSize <= 1) continue;
    // GPUs of the group: the leader pod plus size − 1 worker pods (each template has its own count).
    const groups = leader?.get("spec")
      ? [
          { podSpec: leader.get("spec"), pods: 1 },
          { podSpec: worker?.get("spec") ?? leader.get("spec"), pods: groupSize - 1 },
        ]
      : [{ podSpec: worker?.get("spec"), pods: groupSize }];
    const layout: LocatedFields = {};
    groupGpus(groups, layout, unresolved, ctx);
    if (!layout.gpuCount) continue;
    setLocated(deployment, "gpuCount", layout.gpuCount);
    if (layout.nodes) {
      // Every pod of the group has the same GPUs: `nodes` is the group size, written where the size is.
      setLocated(deployment, "nodes", sizeNode ? locate(sizeNode, groupSize, group.sizeSource, group.size !== undefined ? { readonly: true } : {}) : { ...layout.nodes });
    } else if (layout.gpuCount.readonly || fields.nodes?.source !== "--nnodes") {
      // Pods with different GPU counts (`gpuCount` holds the group's total), or only one pod with GPUs.
      delete fields.nodes;
    }
  }
  return found;
}

/** The engine's settings as the leader's command writes them, kept from edits (and from added flags) that would leave the workers' as they are. */
function freezeEngineSettings(deployment: Deployment): void {
  const fields = deployment.fields as Record<string, Located<unknown> | undefined>;
  for (const [field, located] of Object.entries(fields)) if (located && !located.readonly && field !== "gpuCount" && field !== "nodes") fields[field] = { ...located, readonly: true };
  delete deployment.args;
}

export function leaderWorkerSet(object: DocNode, ctx: ExtractContext, kind: string): Deployment[] {
  const template = object.get("spec")?.get("leaderWorkerTemplate");
  if (!template || template.type !== "map") return [];
  return leaderWorkerDeployments(
    {
      object,
      format: "lws",
      kind,
      name: str(object.get("metadata")?.get("name")),
      leader: template.get("leaderTemplate"),
      worker: template.get("workerTemplate"),
      sizeNode: template.get("size"),
      sizeSource: "leaderWorkerTemplate.size",
      // LWS sets these in every pod of a group (leaderworkerset.x-k8s.io docs, "Environment variables").
      sizeVariables: ["LWS_GROUP_SIZE"],
    },
    ctx,
  );
}
