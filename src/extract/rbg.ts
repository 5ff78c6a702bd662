/**
 * SGLang RoleBasedGroup (workloads.x-k8s.io/v1alpha1, v1alpha2; sgl-project/rbg api/). Each of
 * `spec.roles[]` is a stage (router, prefill, decode…) with its own pod template: `template`
 * (v1alpha1) or `standalonePattern.template` for one pod per instance; `leaderWorkerPattern`
 * (`size`, one `template` with leader/worker patches) or v1alpha1's `leaderWorkerSet` for a
 * multi-node instance of `size` pods, where `$(RBG_LWP_GROUP_SIZE)` / `$(LWS_GROUP_SIZE)` is the size.
 * A pattern may name its template from `spec.roleTemplates` (`templateRef`) and patch it
 * (`templateRef.patch`, a strategic merge: the engine's command is often in the patch, the GPUs in
 * the template). Roles that run no engine (routers, gateways) are not deployments.
 */
import type { ExtractContext } from "./context.js";
import type { DocNode } from "./doc.js";
import { str } from "./doc.js";
import { holders } from "./crd-kit.js";
import { leaderWorkerDeployments } from "./lws.js";
import { podDeployments } from "./pod.js";
import { strategicMerge } from "./strategic-merge.js";
import type { Deployment } from "./types.js";

/** Variables RBG sets to the instance's pod count (v1alpha2's leader/worker pattern; v1alpha1 runs LWS underneath). */
const GROUP_SIZE_VARIABLES = ["RBG_LWP_GROUP_SIZE", "RBG_GROUP_SIZE", "LWS_GROUP_SIZE"];

export function roleBasedGroup(object: DocNode, ctx: ExtractContext, kind: string): Deployment[] {
  const spec = object.get("spec");
  if (!spec || spec.type !== "map") return [];
  const groupName = str(object.get("metadata")?.get("name"));
  const templates = new Map<string, DocNode>();
  for (const entry of spec.get("roleTemplates")?.items() ?? []) {
    const templateName = str(entry.get("name"));
    const template = entry.get("template");
    if (templateName && template?.type === "map") templates.set(templateName, template);
  }
  const deployments: Deployment[] = [];
  for (const role of spec.get("roles")?.items() ?? []) {
    if (role.type !== "map") continue;
    const roleName = str(role.get("name"));
    const name = groupName && roleName ? `${groupName}/${roleName}` : (groupName ?? roleName);
    const pattern = role.get("leaderWorkerPattern") ?? role.get("leaderWorkerSet");
    const template = patternTemplate(pattern, templates) ?? patternTemplate(role.get("standalonePattern"), templates) ?? role.get("template");
    if (!template || template.type !== "map") continue;
    if (pattern?.type === "map") {
      deployments.push(
        ...leaderWorkerDeployments(
          { object, format: "rbg", kind, name, leader: template, worker: template, sizeNode: pattern.get("size"), sizeSource: "size", sizeVariables: GROUP_SIZE_VARIABLES },
          ctx,
        ),
      );
      continue;
    }
    const podSpec = template.get("spec");
    if (podSpec?.type !== "map") continue;
    deployments.push(...podDeployments(podSpec, { format: "rbg", kind, name, anchor: object, annotationHolders: holders(object.get("metadata"), template.get("metadata")) }, ctx, {}, { requireGpuResource: true }));
  }
  return deployments;
}

/** A pattern's pod template: written in it, or the `roleTemplates` entry its `templateRef` names with the reference's `patch` over it. */
function patternTemplate(pattern: DocNode | undefined, templates: ReadonlyMap<string, DocNode>): DocNode | undefined {
  const written = pattern?.get("template");
  if (written) return written;
  const reference = pattern?.get("templateRef");
  const base = templates.get(str(reference?.get("name")) ?? "");
  return base ? strategicMerge(base, reference!.get("patch")) : undefined;
}
