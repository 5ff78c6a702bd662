/**
 * dstack configurations (`.dstack.yml`, `type: service | task | dev-environment`; dstackai/dstack
 * docs "Services", examples/llms). The engine runs in `commands` (shell lines), with `env` entries
 * (`KEY=value`, or a bare `KEY` taken from the user's environment) and the variables dstack sets:
 * `DSTACK_GPUS_NUM` (GPUs per node), `DSTACK_GPUS_PER_NODE`, `DSTACK_NODES_NUM` (`nodes`).
 * `resources.gpu` is `name:memory:count` in any order (`H100:8`, `80GB:2`, `A100:40GB:2`,
 * `24GB..80GB:1..2`) or a mapping `{name, memory, count}`; several names or a memory range mean
 * any GPU that matches: one deployment per named GPU, or the range of GPUs with that memory.
 * A service without `commands` runs its `image`'s entrypoint (a NIM image names its model, TGI reads
 * `MODEL_ID` from `env`); `replicas` groups each run their own `commands` on their own `resources`
 * (a group with a `router` serves no model).
 */
import type { ExtractContext } from "./context.js";
import type { DocNode } from "./doc.js";
import { str } from "./doc.js";
import { applyEnvFields, type EngineCall, engineFromImage, imageOnlyCall, shellTokens } from "./engine-seam.js";
import { type EnvMap, locate, mergeFields, newSink, plainEnv, readEnv, readField, scalarView, scriptEngineCall, setLocated } from "./kit.js";
import { isLlmNimImage, nimContainerFields, nimImageReader } from "./nim.js";
import { DEFAULT_ENGINE } from "../engines/index.js";
import type { Deployment, GpuMemoryRange } from "./types.js";

interface GpuSpec {
  names: string[];
  memory?: GpuMemoryRange;
  /** The smallest count the spec allows (`1..2` → 1: the least it may get). */
  count?: number;
}

/** `80GB`, `40GB..`, `24GB..80GB` → GiB bounds (dstack reads GB as GiB of device memory). */
function memoryRange(text: string): GpuMemoryRange | undefined {
  const match = /^(\d+(?:\.\d+)?)?GB?(?:\.\.(\d+(?:\.\d+)?)?(?:GB?)?)?$/i.exec(text) ?? /^(\d+(?:\.\d+)?)GB?\.\.(\d+(?:\.\d+)?)GB?$/i.exec(text);
  if (!match || (!match[1] && !match[2])) return undefined;
  const open = text.includes("..");
  const min = match[1] ? Number(match[1]) : undefined;
  const max = open ? (match[2] ? Number(match[2]) : undefined) : min;
  return { ...(min !== undefined ? { minGiB: min } : {}), ...(max !== undefined ? { maxGiB: max } : {}) };
}

function parseGpu(node: DocNode | undefined): GpuSpec | undefined {
  if (!node) return undefined;
  if (node.type === "map") {
    const names = node.get("name");
    const list = names?.type === "seq" ? names.items().map((item) => str(item) ?? "") : [str(names) ?? ""];
    const memory = str(node.get("memory"));
    const count = str(node.get("count"));
    return { names: list.filter(Boolean), ...(memory ? { memory: memoryRange(memory.replace(/\s/g, "")) } : {}), ...(count ? { count: Number(count.split("..")[0]) || 1 } : {}) };
  }
  const text = str(node);
  if (!text) return undefined;
  const spec: GpuSpec = { names: [] };
  for (const part of text.split(":").map((item) => item.trim())) {
    if (/^\d+(\.\.\d*)?$/.test(part)) spec.count = Number(part.split("..")[0]);
    else if (/GB/i.test(part) || /^\d*\.\.\d+$/.test(part)) {
      const memory = memoryRange(part);
      if (memory) spec.memory = memory;
    } else spec.names.push(...part.split(",").map((name) => name.trim()).filter(Boolean));
  }
  return spec;
}

function isDstack(document: DocNode): boolean {
  const type = str(document.get("type"));
  if (type !== "service" && type !== "task" && type !== "dev-environment") return false;
  return document.get("commands")?.type === "seq" || document.get("replicas")?.type === "seq" || str(document.get("image")) !== undefined;
}

/**
 * What runs the model in a group (the whole configuration, or one entry of `replicas`): the engine
 * command in `commands`, else an image whose entrypoint serves (a NIM, TGI) with `env`.
 */
function groupCall(
  group: DocNode,
  document: DocNode,
  env: EnvMap,
  variables: Map<string, string | undefined>,
  ctx: ExtractContext,
): { call: EngineCall; at: DocNode; source: "commands" | "image"; nim: boolean } | undefined {
  const commands = group.get("commands");
  if (commands?.type === "seq") {
    // The commands run as one script, line after line.
    const script = commands.items().map((item) => str(item) ?? "").join("\n");
    const found = scriptEngineCall(shellTokens(scalarView(script, commands.node), ctx.text, variables), nimImageReader(ctx));
    if (found) return { call: found.call, at: commands, source: "commands", nim: false };
    if (commands.items().length > 0) return undefined;
  }
  const imageNode = group.get("image") ?? document.get("image");
  const image = str(imageNode);
  if (!imageNode || !image) return undefined;
  if (isLlmNimImage(image)) {
    const sink = newSink();
    nimContainerFields(imageNode, env, ctx, sink);
    return { call: { engine: DEFAULT_ENGINE, fields: sink.fields, unresolved: sink.unresolved }, at: imageNode, source: "image", nim: true };
  }
  const call = imageOnlyCall(engineFromImage(image));
  return call ? { call, at: imageNode, source: "image", nim: false } : undefined;
}

export function extractDstack(document: DocNode, ctx: ExtractContext): Deployment[] | undefined {
  if (document.type !== "map" || !isDstack(document)) return undefined;
  const env = readEnv(document.get("env"));
  const replicas = document.get("replicas");
  // Replica groups (`replicas: [{count, commands, resources}]`) each run their own commands on their own GPUs.
  const groups = replicas?.type === "seq" ? replicas.items().filter((group) => group.type === "map") : [document];
  return groups.flatMap((group, index) => groupDeployments(document, group, groups.length > 1 ? `replica group ${index + 1}` : undefined, env, ctx));
}

function groupDeployments(document: DocNode, group: DocNode, groupName: string | undefined, env: EnvMap, ctx: ExtractContext): Deployment[] {
  // A group routes requests rather than serving a model (`router:`), as SGLang's PD router does.
  if (group !== document && group.get("router") !== undefined) return [];
  const gpuNode = (group.get("resources") ?? document.get("resources"))?.get("gpu");
  const gpu = parseGpu(gpuNode);
  const nodesNode = document.get("nodes");
  const nodes = typeof nodesNode?.value === "number" ? nodesNode.value : 1;
  const names = gpu && gpu.names.length > 0 ? gpu.names : [undefined];
  const deployments: Deployment[] = [];
  for (const gpuName of names) {
    const variables = plainEnv(env);
    const count = gpu?.count ?? (gpu ? 1 : undefined);
    if (count !== undefined) {
      variables.set("DSTACK_GPUS_PER_NODE", String(count));
      variables.set("DSTACK_GPUS_NUM", String(count * nodes));
    }
    variables.set("DSTACK_NODES_NUM", String(nodes));
    const found = groupCall(group, document, env, variables, ctx);
    if (!found) continue;
    // dstack exports `env` to the container: TGI's launcher reads MODEL_ID from it.
    if (!found.nim) applyEnvFields(found.call, env);
    const sink = newSink();
    mergeFields(sink, found.call);
    if (!found.nim) sink.fields.engine = locate(found.at, found.call.engine, found.source, { readonly: true });
    if (!sink.fields.model && !sink.unresolved.model) readField(sink, "model", document.get("model")?.type === "map" ? document.get("model")?.get("name") : document.get("model"), "string", "model");
    if (gpuNode && gpuName) setLocated(sink, "gpuType", locate(gpuNode, gpuName, "resources.gpu", { readonly: true }));
    // `A100` with `memory: 80GB` is the 80 GB part.
    if (gpuNode && gpuName && gpu?.memory?.minGiB !== undefined && gpu.memory.minGiB === gpu.memory.maxGiB) {
      setLocated(sink, "gpuMemoryMiB", locate(gpuNode, gpu.memory.minGiB * 1024, "resources.gpu", { readonly: true }));
    }
    if (gpuNode && count !== undefined) setLocated(sink, "gpuCount", locate(gpuNode, count, "resources.gpu", { readonly: true }));
    if (nodes > 1 && nodesNode) setLocated(sink, "nodes", locate(nodesNode, nodes, "nodes"));
    const name = [str(document.get("name")), groupName].filter(Boolean).join(" ") || undefined;
    deployments.push({
      format: "dstack",
      kind: `dstack ${str(document.get("type"))}`,
      name: names.length > 1 && gpuName ? `${name ?? ""}[${gpuName}]` : name,
      fields: sink.fields,
      unresolved: sink.unresolved,
      anchor: (gpuNode ?? found.at).node,
      ...(gpu?.memory && !gpuName ? { gpuMemoryRange: gpu.memory } : {}),
      ...(found.nim ? { layoutOwner: "tensor-from-gpus" as const } : {}),
    });
  }
  return deployments;
}
