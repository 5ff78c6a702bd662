/**
 * Volcano Kthena (workload.kthena.io/v1alpha1, formerly workload.serving.volcano.sh; volcano-sh/kthena examples/).
 * - `ModelServing`: `spec.template.roles[]`, each an entry pod (`entryTemplate`) plus
 *   `workerReplicas` worker pods (`workerTemplate`) per instance — a leader/worker group of
 *   1 + workerReplicas pods.
 * - `ModelBooster`: `spec.backends[]` or one `spec.backend` (`type: vLLM|SGLang|…`, `modelURI`), each with `workers[]`
 *   (`type: server|prefill|decode`, `image`, `config` of engine flags as kebab-case keys,
 *   `resources`). Backends on Huawei Ascend NPUs (`huawei.com/ascend-*`) are found and said not to
 *   be judged as GPUs; those that request no accelerator run on the CPU.
 */
import { readSettingsMapping } from "./app-config.js";
import type { ExtractContext } from "./context.js";
import type { DocNode } from "./doc.js";
import { str } from "./doc.js";
import { crdDeployment, engineNamed, holders, modelReference } from "./crd-kit.js";
import { locate, mergeFields, newSink, setLocated, setUnresolved } from "./kit.js";
import { leaderWorkerDeployments } from "./lws.js";
import { resourceGpus } from "./pod.js";
import type { Deployment } from "./types.js";

export function modelServing(object: DocNode, ctx: ExtractContext, kind: string): Deployment[] {
  const template = object.get("spec")?.get("template");
  if (!template || template.type !== "map") return [];
  const servingName = str(object.get("metadata")?.get("name"));
  const deployments: Deployment[] = [];
  for (const role of template.get("roles")?.items() ?? []) {
    if (role.type !== "map") continue;
    const roleName = str(role.get("name"));
    const workers = role.get("workerReplicas");
    const workerCount = typeof workers?.value === "number" && Number.isSafeInteger(workers.value) && workers.value >= 0 ? workers.value : 0;
    deployments.push(
      ...leaderWorkerDeployments(
        {
          object,
          format: "kthena",
          kind,
          name: servingName && roleName ? `${servingName}/${roleName}` : (servingName ?? roleName),
          leader: role.get("entryTemplate"),
          worker: role.get("workerTemplate") ?? role.get("entryTemplate"),
          sizeNode: workers,
          sizeSource: "workerReplicas + 1",
          size: workerCount + 1,
        },
        ctx,
      ),
    );
  }
  return deployments;
}

export function modelBooster(object: DocNode, ctx: ExtractContext, kind: string): Deployment[] {
  void ctx;
  const spec = object.get("spec");
  if (!spec || spec.type !== "map") return [];
  const boosterName = str(spec.get("name")) ?? str(object.get("metadata")?.get("name"));
  const deployments: Deployment[] = [];
  // `backends: [...]`, or one `backend:` (the workload.serving.volcano.sh examples).
  const single = spec.get("backend");
  for (const backend of single?.type === "map" ? [single] : (spec.get("backends")?.items() ?? [])) {
    if (backend.type !== "map") continue;
    const typeNode = backend.get("type");
    const engine = engineNamed(str(typeNode));
    for (const worker of backend.get("workers")?.items() ?? []) {
      const role = str(worker.get("type")) ?? "server";
      if (/router|gateway|proxy/i.test(role)) continue;
      const sink = newSink();
      const model = modelReference(backend.get("modelURI"), "modelURI");
      if (model.located) setLocated(sink, "model", model.located);
      else if (model.unresolved) setUnresolved(sink, "model", model.unresolved);
      if (engine) setLocated(sink, "engine", locate(typeNode!, engine, "type"));
      else if (typeNode) setUnresolved(sink, "engine", { raw: str(typeNode) ?? "", node: typeNode.node, reason: "unsupported", source: "type", note: `It runs ${str(typeNode) ?? "an engine"}, which this version finds but does not size yet` });
      const config = worker.get("config");
      if (config?.type === "map") mergeFields(sink, readSettingsMapping(config, { settingsOnly: true }));
      const gpus = resourceGpus(worker.get("resources"));
      if (gpus.located) setLocated(sink, "gpuCount", gpus.located);
      else if (gpus.unresolved) setUnresolved(sink, "gpuCount", gpus.unresolved);
      else {
        const where = worker.get("resources") ?? worker.get("image") ?? worker;
        setUnresolved(sink, "gpuCount", { raw: "none", node: where.node, reason: "unsupported", source: "resources", note: "No accelerator is requested (the worker runs on the CPU)" });
      }
      const pods = worker.get("pods");
      if (typeof pods?.value === "number" && pods.value > 1) setLocated(sink, "nodes", locate(pods, pods.value, "pods"));
      const backendName = str(backend.get("name"));
      deployments.push(
        crdDeployment("kthena", kind, [boosterName, backendName, role === "server" ? undefined : role].filter(Boolean).join("/") || undefined, worker.node, sink.fields, sink.unresolved, {
          annotationHolders: holders(object.get("metadata")),
          ...(config?.type === "map" && !config.embedded ? { args: { kind: "map" as const, node: config, keyStyle: "kebab" as const } } : {}),
        }),
      );
    }
  }
  return deployments;
}
