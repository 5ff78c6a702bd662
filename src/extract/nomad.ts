/**
 * HashiCorp Nomad job specifications (`*.nomad.hcl`, `*.nomad`, read through the HCL language):
 * each `job → group → task` that runs an engine is a deployment.
 *
 * - The container: a `docker` or `podman` task's `config.image` (the engine its name reveals) with
 *   `config.entrypoint`, `command` and `args` (one argv, as Docker runs them); an `exec` or
 *   `raw_exec` task's `config.command` and `args`. `env { KEY = "value" }` as the container's env.
 * - GPUs: `resources { device "nvidia/gpu" { count = 2 } }` (Nomad's device names are
 *   `<vendor>/<type>/<name>`; `count` defaults to 1, Nomad docs "device Block"). The type is the name
 *   part (`nvidia/gpu/NVIDIA A100-SXM4-80GB`) or a `constraint` on `${device.model}`.
 * - No device: the task runs on the CPU within `memory` MB (`memory_max`, the oversubscription
 *   ceiling, when set), judged where its engine serves from host memory.
 */
import { engineFromImage } from "../engines/index.js";
import type { ExtractContext } from "./context.js";
import type { DocNode } from "./doc.js";
import { str } from "./doc.js";
import { applyEnvFields, engineCall, imageOnlyCall } from "./engine-seam.js";
import { blocks, type FieldSink, mergeFields, newSink, onCpuOf, plainEnv, readEnv, setLocated, setUnresolved } from "./kit.js";
import { commandTokens, runScript } from "./shell.js";
import type { Deployment } from "./types.js";
import { deviceQuantity } from "./pod.js";

/** Labelled blocks (`group "llm" { … }`) as name → body; a repeated label's bodies as a list. */
function labelled(node: DocNode | undefined): Array<[string, DocNode]> {
  if (node?.type !== "map") return [];
  return node.entries().flatMap(([name, body]) => blocks(body).map((item): [string, DocNode] => [name, item]));
}

const CONTAINER_DRIVERS = new Set(["docker", "podman"]);
const PROCESS_DRIVERS = new Set(["exec", "raw_exec"]);

export function extractNomad(document: DocNode, ctx: ExtractContext): Deployment[] | undefined {
  if (document.type !== "map" || document.get("job") === undefined) return undefined;
  // A Nomad job is `job "name" { group "…" { … } }`; a chart's values may have a `job:` section of their own.
  const jobs = labelled(document.get("job"));
  if (!jobs.some(([, job]) => job.get("group") !== undefined)) return undefined;
  const deployments: Deployment[] = [];
  for (const [jobName, job] of jobs) {
    for (const [groupName, group] of labelled(job.get("group"))) {
      for (const [taskName, task] of labelled(group.get("task"))) {
        const deployment = taskDeployment(task, ctx, `${jobName}/${groupName}/${taskName}`);
        if (deployment) deployments.push(deployment);
      }
    }
  }
  return deployments;
}

function taskDeployment(task: DocNode, ctx: ExtractContext, name: string): Deployment | undefined {
  const driver = str(task.get("driver")) ?? "";
  if (!CONTAINER_DRIVERS.has(driver) && !PROCESS_DRIVERS.has(driver)) return undefined;
  const config = blocks(task.get("config"))[0];
  if (!config) return undefined;
  const imageNode = CONTAINER_DRIVERS.has(driver) ? config.get("image") : undefined;
  const imageEngine = engineFromImage(str(imageNode));
  const env = readEnv(blocks(task.get("env"))[0]);
  const args = config.get("args");
  const items = [...(config.get("entrypoint")?.items() ?? []), ...(config.get("command") ? [config.get("command")!] : []), ...(args?.items() ?? [])];
  const { tokens } = commandTokens(items, ctx.text, plainEnv(env));
  const call = engineCall(runScript(tokens, ctx.text, plainEnv(env)), { ...(imageEngine ? { imageEngine } : {}), ...(args?.type === "seq" && !config.get("command") ? { argsList: args } : {}) }) ?? imageOnlyCall(imageEngine);
  if (!call) return undefined;
  applyEnvFields(call, env);
  const sink = newSink();
  mergeFields(sink, call);
  sink.fields.engine = { value: call.engine, node: (imageNode ?? config.get("command") ?? config).node, source: imageNode ? "image" : "command", readonly: true };
  taskGpus(sink, blocks(task.get("resources"))[0], str(imageNode));
  return { format: "nomad", kind: "Nomad task", name, fields: sink.fields, unresolved: sink.unresolved, anchor: task.node, ...(call.args ? { args: call.args } : {}) };
}

/** A device request of GPUs: Nomad's `nvidia/gpu` (or `gpu`, `amd/gpu`, `nvidia/gpu/<model name>`). */
const GPU_DEVICE = /^(?:(nvidia|amd)\/)?gpu(?:\/(.+))?$/;

function taskGpus(sink: FieldSink, resources: DocNode | undefined, image: string | undefined): void {
  const device = labelled(resources?.get("device")).find(([name]) => GPU_DEVICE.test(name));
  if (!device) {
    // `memory` is in MB (Nomad docs, "resources Block"); `memory_max` is the ceiling the task may use.
    const onCpu = onCpuOf(image, [
      { node: resources?.get("memory_max"), setting: "resources.memory_max", style: "docker", scale: 2 ** 20 },
      { node: resources?.get("memory"), setting: "resources.memory", style: "docker", scale: 2 ** 20 },
    ]);
    setUnresolved(sink, "gpuCount", { raw: "none", node: resources?.node ?? sink.fields.engine!.node, reason: "unsupported", source: "resources.device", note: "No GPU is requested for it (resources.device \"nvidia/gpu\")", onCpu });
    return;
  }
  const [deviceName, body] = device;
  const [, vendor, model] = GPU_DEVICE.exec(deviceName)!;
  if (vendor === "amd") sink.gpuVendor = "amd";
  const count = body.get("count");
  const quantity = count ? deviceQuantity(count, `device "${deviceName}"`) : undefined;
  if (quantity && "value" in quantity) setLocated(sink, "gpuCount", { ...quantity, readonly: true });
  else if (quantity) setUnresolved(sink, "gpuCount", quantity);
  else setLocated(sink, "gpuCount", { value: 1, node: body.node, source: `device "${deviceName}"`, readonly: true });
  // The model the device name or a constraint on `${device.model}` names.
  const constrained = blocks(body.get("constraint")).find((constraint) => (str(constraint.get("attribute")) ?? "").includes("device.model"));
  const typeNode = constrained?.get("value");
  if (typeNode && str(typeNode)) setLocated(sink, "gpuType", { value: str(typeNode)!, node: typeNode.node, source: "${device.model}", readonly: true });
  else if (model) setLocated(sink, "gpuType", { value: model, node: body.node, source: "device", readonly: true });
}
