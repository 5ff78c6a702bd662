/**
 * LeaderWorkerSet (leaderworkerset.x-k8s.io): one model replica is a group of
 * `spec.leaderWorkerTemplate.size` pods — the leader (`leaderTemplate`, which usually runs the
 * engine command) and size − 1 workers (`workerTemplate`, which join its Ray cluster). Multi-node
 * TP/PP therefore spans `nodes = size` pods. Without a leader template every pod runs the worker
 * template (llm-d's wide expert-parallel decode). `spec.replicas` counts independent copies.
 */
import type { ExtractContext } from "./context.js";
import type { DocNode } from "./doc.js";
import { str } from "./doc.js";
import { podDeployments } from "./pod.js";
import { freezePlacement, groupGpus, holders, podCount, type Unresolved } from "./crd-kit.js";
import { locate, readScalar } from "./kit.js";
import type { Deployment, LocatedFields } from "./types.js";

export function leaderWorkerSet(object: DocNode, ctx: ExtractContext, kind: string): Deployment[] {
  const template = object.get("spec")?.get("leaderWorkerTemplate");
  if (!template || template.type !== "map") return [];
  const name = str(object.get("metadata")?.get("name"));
  const leader = template.get("leaderTemplate");
  const worker = template.get("workerTemplate");
  const sizeNode = template.get("size");
  const size = readScalar(sizeNode, "int", "size");
  const groupSize = podCount(sizeNode);

  // The pods that run the engine: the leader's, else (no leader template) every worker's.
  const servingTemplate = leader?.get("spec") ? leader : worker;
  const servingSpec = servingTemplate?.get("spec");
  if (!servingSpec || servingSpec.type !== "map") return [];
  const annotationHolders = holders(object.get("metadata"), servingTemplate?.get("metadata"));
  const found = podDeployments(servingSpec, { format: "lws", kind, name, anchor: object, annotationHolders }, ctx);
  if (found.length === 0 && leader?.get("spec") && worker?.get("spec")) {
    // The leader only coordinates; the workers serve.
    const workerSpec = worker.get("spec")!;
    found.push(...podDeployments(workerSpec, { format: "lws", kind, name, anchor: object, annotationHolders: holders(object.get("metadata"), worker.get("metadata")) }, ctx));
  }

  for (const deployment of found) {
    const fields: LocatedFields = deployment.fields;
    const unresolved: Unresolved = deployment.unresolved;
    // Leader and worker templates each select their nodes: one edit would split the group.
    if (leader?.get("spec") && worker?.get("spec")) freezePlacement(fields);
    if (size && "reason" in size) {
      unresolved.nodes = size;
      continue;
    }
    if (groupSize === undefined || groupSize <= 1) continue;
    // GPUs of the group: the leader pod plus size − 1 worker pods (each template has its own count).
    const groups = leader?.get("spec")
      ? [
          { podSpec: leader.get("spec"), pods: 1 },
          { podSpec: worker?.get("spec"), pods: groupSize - 1 },
        ]
      : [{ podSpec: worker?.get("spec"), pods: groupSize }];
    const layout: LocatedFields = {};
    groupGpus(groups, layout, unresolved);
    if (!layout.gpuCount) continue;
    fields.gpuCount = layout.gpuCount;
    if (layout.nodes) {
      // Every pod of the group has the same GPUs: `nodes` is the group size, written at `size`.
      fields.nodes = locate(sizeNode!, groupSize, "leaderWorkerTemplate.size");
    } else if (layout.gpuCount.readonly || fields.nodes?.source !== "--nnodes") {
      // Pods with different GPU counts (`gpuCount` holds the group's total), or only one pod with GPUs.
      delete fields.nodes;
    }
  }
  return found;
}
