/**
 * docker-compose files: each `services.<name>` that runs a serving engine — `entrypoint` and
 * `command` (strings split like compose does, or lists), the engine known from `image` for
 * flags-only commands, `environment` (map or `KEY=value` list; TGI's `MODEL_ID`, `NUM_SHARD`…),
 * and the GPUs reserved by `deploy.resources.reservations.devices[]` (`count: N|all`, `device_ids`)
 * or the service-level `gpus:`. Compose never names the GPU type: `settings.vram.defaults.gpu` can.
 */
import { engineById } from "../engines/index.js";
import type { Engine } from "../sizing/types.js";
import type { ExtractContext } from "./context.js";
import type { DocNode } from "./doc.js";
import { str } from "./doc.js";
import { type ArgToken, applyEnvFields, commandTokens, type EngineCall, engineFromImage, imageOnlyCall, parseEngineCall, shellTokens } from "./engine-args.js";
import { isScriptFlag } from "./shell.js";
import { deferredReason, type EnvMap, type FieldSink, locate, mergeCall, newSink, plainEnv, readEnv, scalarView, setUnresolved } from "./kit.js";
import type { Deployment } from "./types.js";

const SHELLS = /^(?:\/usr)?(?:\/bin\/)?(?:sh|bash|dash|zsh|ash)$/;

/** Tokens of an `entrypoint`/`command` value. A string is split by compose (no shell) unless it runs `sh -c`. */
function partTokens(part: DocNode | undefined, ctx: ExtractContext, env: EnvMap): { tokens: ArgToken[]; shell: boolean } {
  if (!part) return { tokens: [], shell: false };
  if (part.type === "seq") return commandTokens(part.items(), ctx.text, plainEnv(env));
  if (str(part) === undefined) return { tokens: [], shell: false };
  // Compose interpolates `${VAR}` from the host environment, which the file does not hold.
  const tokens = shellTokens(part, ctx.text, new Map());
  if (tokens.length >= 3 && SHELLS.test(tokens[0]!.text) && isScriptFlag(tokens[1]!.text)) {
    return { tokens: shellTokens(scalarView(tokens[2]!.text, part.node), ctx.text, plainEnv(env)), shell: true };
  }
  return { tokens, shell: true };
}

/** GPUs a service reserves: `deploy.resources.reservations.devices[]` with the `gpu` capability, or `gpus:`. */
function reservedGpus(service: DocNode, sink: FieldSink, engine: Engine): void {
  const devices = service.get("deploy")?.get("resources")?.get("reservations")?.get("devices")?.items() ?? [];
  const gpuDevices = devices.filter((device) => {
    const capabilities = device.get("capabilities")?.items().map((item) => str(item)) ?? [];
    return capabilities.includes("gpu") || str(device.get("driver")) === "nvidia";
  });
  const serviceGpus = service.get("gpus");
  const sources = gpuDevices.length > 0 ? gpuDevices : serviceGpus?.type === "seq" ? serviceGpus.items() : [];
  let total = 0;
  for (const device of sources) {
    const count = device.get("count");
    const ids = device.get("device_ids");
    const raw = count ? (str(count) ?? String(count.value)) : undefined;
    if (raw !== undefined && /^\d+$/.test(raw)) {
      if (sources.length === 1) {
        sink.fields.gpuCount = locate(count!, Number(raw), "count");
        return;
      }
      total += Number(raw);
    } else if (ids?.type === "seq") {
      total += ids.items().length;
    } else if (raw !== undefined && deferredReason(raw)) {
      setUnresolved(sink, "gpuCount", { raw, node: count!.node, reason: "variable" });
      return;
    } else {
      // `count: all` (or neither count nor device_ids): every GPU of the host, a number the file does not say.
      allGpus(sink, (count ?? device).node, raw ?? "all", engine);
      return;
    }
  }
  if (sources.length > 0 && total > 0) {
    const anchor = sources.length === 1 ? (sources[0]!.get("device_ids") ?? sources[0]!) : (gpuDevices.length > 0 ? service.get("deploy")! : serviceGpus!);
    sink.fields.gpuCount = { ...locate(anchor, total, "device_ids"), readonly: true };
  } else if (serviceGpus && str(serviceGpus) === "all") {
    allGpus(sink, serviceGpus.node, "all", engine);
  }
}

/**
 * Every GPU of the host: vLLM and SGLang use TP × PP of them, so only an engine that shards over
 * all visible GPUs by default (TGI without `NUM_SHARD`) cannot be judged.
 */
function allGpus(sink: FieldSink, node: DocNode["node"], raw: string, engine: Engine): void {
  if (engineById(engine).shardsOverAllGpus && !sink.fields.tensorParallel) setUnresolved(sink, "gpuCount", { raw, node, reason: "variable" });
}

export function extractCompose(document: DocNode, ctx: ExtractContext): Deployment[] | undefined {
  if (document.type !== "map") return undefined;
  const services = document.get("services");
  if (services?.type !== "map") return undefined;
  const deployments: Deployment[] = [];
  for (const [name, service] of services.entries()) {
    if (service.type !== "map") continue;
    const imageNode = service.get("image");
    const imageEngine = engineFromImage(str(imageNode));
    const env = readEnv(service.get("environment"));
    const entrypoint = partTokens(service.get("entrypoint"), ctx, env);
    const command = partTokens(service.get("command"), ctx, env);
    const tokens = [...entrypoint.tokens, ...command.tokens];
    const commandNode = service.get("command");
    const argsList = commandNode?.type === "seq" && !command.shell ? commandNode : undefined;
    let call: EngineCall | undefined = parseEngineCall(tokens, { ...(imageEngine ? { imageEngine } : {}), ...(argsList ? { argsList } : {}) });
    call ??= imageOnlyCall(imageEngine);
    if (!call) continue;
    applyEnvFields(call, env);
    const sink = newSink();
    mergeCall(sink, call);
    sink.fields.engine = locate(imageNode ?? service, call.engine, "image");
    reservedGpus(service, sink, call.engine);
    deployments.push({
      format: "compose",
      kind: "compose service",
      name,
      fields: sink.fields,
      unresolved: sink.unresolved,
      anchor: service.node,
      ...(call.args ? { args: call.args } : {}),
    });
  }
  // A `services:` mapping that runs no engine may be something else entirely: let the app-config reader look.
  return deployments.length > 0 ? deployments : undefined;
}
