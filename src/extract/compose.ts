/**
 * docker-compose files: each `services.<name>` that runs a serving engine — `entrypoint` and
 * `command` (strings split like compose does, or lists), the engine known from `image` for
 * flags-only commands, `environment` (map or `KEY=value` list; TGI's `MODEL_ID`, `NUM_SHARD`…),
 * and the GPUs reserved by `deploy.resources.reservations.devices[]` (`count: N|all`, `device_ids`)
 * or the service-level `gpus:`. NIM images (`nvcr.io/nim/…`) serve the model they name. Compose
 * interpolates `${VAR:-default}` from the host environment, which the file does not hold: such a
 * value is read as its default, and the finding says so. Compose never names the GPU type: the
 * deployment is judged on the GPUs it could run on (`settings.vram.cluster`).
 */
import { engineById, engineFromFlags, engineNamedInPath, engineOfModelVariable } from "../engines/index.js";
import type { Engine } from "../sizing/types.js";
import type { ExtractContext } from "./context.js";
import type { DocNode } from "./doc.js";
import { str } from "./doc.js";
import { type ArgToken, applyEnvFields, commandTokens, engineCall, type EngineCall, engineFromImage, imageOnlyCall, joinsCommands, shellTokens, unsizedServer, unsizedServerNote } from "./engine-seam.js";
import { isLlmNimImage, nimContainerFields } from "./nim.js";
import { MODEL_VARIABLE, runScript } from "./shell.js";
import { deferredReason, type EnvMap, everyHostGpu, type FieldSink, locate, mergeFields, modelFromMount, type Mount, newSink, onCpuOf, passedGpuDevice, plainEnv, readEnv, scalarView, serverElsewhere, setLocated, setPassedGpus, setCommandAtDeployTime, setUnresolved, setUnseenScript, setModelInUnseenConfig, setUnknownServerModel, isScriptFile, setModelOfBuiltImage } from "./kit.js";
import type { Deployment } from "./types.js";
import { trimTrailing } from "../text.js";


/**
 * `${VAR:-default}` / `${VAR-default}` as compose reads it when VAR is unset (the default), innermost
 * first (`${MAX_MODEL_LEN:-${CTX:-262144}}`), and `$$`, its escape for a `$` the container sees.
 */
const INTERPOLATION = /\$\{([A-Za-z_][A-Za-z0-9_]*):?-((?:[^{}$]|\$(?!\{))*)\}/g;

/** Stands for an escaped `$$` while defaults are applied, so the `$` it leaves starts no interpolation. */
const ESCAPED_DOLLAR = "\u0001";

/** A scalar with compose's defaults applied (read-only where anything was replaced), and the defaults it used. */
function interpolated(node: DocNode, used: string[]): DocNode {
  const raw = str(node);
  if (raw === undefined || !(raw.includes("${") || raw.includes("$$"))) return node;
  let value = raw.replaceAll("$$", ESCAPED_DOLLAR);
  // Each pass replaces the innermost defaults; nesting is bounded by the text's length.
  for (let previous = ""; previous !== value; ) {
    previous = value;
    value = value.replace(INTERPOLATION, (_whole, name: string, fallback: string) => {
      used.push(`${name} at its default (${fallback})`);
      return fallback;
    });
  }
  value = value.replaceAll(ESCAPED_DOLLAR, "$");
  return value === raw ? node : scalarView(value, node.node);
}

/**
 * A service's `environment` with compose's defaults applied, and the defaults each variable's value
 * used (`MODEL_ID: ${MODEL_ID:-Qwen/Qwen3-8B}`), for the assumptions of the deployment that reads it.
 */
function serviceEnv(node: DocNode | undefined): { env: EnvMap; defaults: Map<string, string[]> } {
  const defaults = new Map<string, string[]>();
  const names = new Map<unknown, string>();
  for (const [name, value] of node?.type === "map" ? node.entries() : []) names.set(value.node, name);
  for (const item of node?.type === "seq" ? node.items() : []) {
    const name = (item.type === "map" ? str(item.get("name")) : str(item)?.split("=")[0]) ?? "";
    names.set(item.type === "map" ? (item.get("value")?.node ?? item.node) : item.node, name);
  }
  const env = readEnv(node, (value) => {
    const name = names.get(value.node) ?? "";
    const used: string[] = [];
    const result = interpolated(value, used);
    if (used.length > 0) defaults.set(name, used);
    return result;
  });
  return { env, defaults };
}

/** Tokens of an `entrypoint`/`command` value. A string is split by compose (no shell) unless it runs `sh -c`. */
function partTokens(part: DocNode | undefined, ctx: ExtractContext, env: EnvMap, used: string[]): { tokens: ArgToken[]; shell: boolean } {
  if (!part) return { tokens: [], shell: false };
  if (part.type === "seq") return commandTokens(part.items().map((item) => interpolated(item, used)), ctx.text, plainEnv(env));
  if (str(part) === undefined) return { tokens: [], shell: false };
  // Compose interpolates `${VAR}` from the host environment, which the file does not hold; `$$` is
  // its escape for a `$` the container sees (a shell there expands it), read as the shell's `\$`.
  const raw = str(part)!;
  const written = raw.includes("$$") ? scalarView(raw.replaceAll("$$", "\\$"), part.node) : part;
  return { tokens: shellTokens(written, ctx.text, new Map()), shell: true };
}

/** `deploy.resources.reservations.devices[]` that reserve GPUs: the `gpu` capability, or the `nvidia` driver. */
function gpuReservations(service: DocNode): DocNode[] {
  const devices = service.get("deploy")?.get("resources")?.get("reservations")?.get("devices")?.items() ?? [];
  return devices.filter((device) => {
    const capabilities = device.get("capabilities")?.items().map((item) => str(item)) ?? [];
    return capabilities.includes("gpu") || str(device.get("driver")) === "nvidia";
  });
}

/** GPUs a service reserves: `deploy.resources.reservations.devices[]` with the `gpu` capability, or `gpus:`. */
function reservedGpus(service: DocNode, sink: FieldSink, engine: Engine | undefined, used: string[], splitter?: string): void {
  const gpuDevices = gpuReservations(service);
  const serviceGpus = service.get("gpus");
  const sources = gpuDevices.length > 0 ? gpuDevices : serviceGpus?.type === "seq" ? serviceGpus.items() : [];
  const cdi = cdiGpus(service);
  let total = 0;
  for (const device of sources) {
    const written = device.get("count");
    const count = written ? interpolated(written, used) : undefined;
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
      everyHostGpu(sink, (count ?? device).node, `count: ${raw ?? "all"}`, engine, splitter);
      return;
    }
  }
  if (sources.length > 0 && total > 0) {
    const anchor = sources.length === 1 ? (sources[0]!.get("device_ids") ?? sources[0]!) : (gpuDevices.length > 0 ? service.get("deploy")! : serviceGpus!);
    sink.fields.gpuCount = { ...locate(anchor, total, "device_ids"), readonly: true };
  } else if (serviceGpus && str(serviceGpus) === "all") {
    everyHostGpu(sink, serviceGpus.node, "gpus: all", engine, splitter);
  } else if (cdi) {
    // CDI device names (`devices: [nvidia.com/gpu=all]`, Podman and Docker 25+): `=all` every GPU of the host, else the ones listed.
    if (cdi.all) everyHostGpu(sink, cdi.all.node, "devices: nvidia.com/gpu=all", engine, splitter);
    else sink.fields.gpuCount = { ...locate(service.get("devices")!, cdi.count, "devices"), readonly: true };
  } else if (sources.length === 0 && !serviceGpus) {
    // The older `runtime: nvidia` shows every GPU of the host; without it or a reservation, the container gets none.
    const runtime = service.get("runtime");
    const passed = deviceNodes(service, used);
    if (str(runtime) === "nvidia") everyHostGpu(sink, runtime!.node, "runtime: nvidia", engine, splitter);
    else if (passed) {
      setPassedGpus(sink, `devices: ${passed.path}`, passed.item.node, passed.vendor, engine, splitter);
    } else {
      const image = service.get("image") ? str(interpolated(service.get("image")!, used)) : undefined;
      // `mem_limit: 8g`, or the swarm-style `deploy.resources.limits.memory: 8G`.
      const onCpu = onCpuOf(image, [
        { node: service.get("mem_limit"), setting: "mem_limit", style: "docker" },
        { node: service.get("deploy")?.get("resources")?.get("limits")?.get("memory"), setting: "deploy.resources.limits.memory", style: "docker" },
      ]);
      setUnresolved(sink, "gpuCount", { raw: "none", node: (service.get("image") ?? service).node, reason: "unsupported", source: "deploy.resources", note: "No GPU is reserved for it (deploy.resources devices or gpus:)", onCpu });
    }
  }
}

/** GPUs named by CDI device names (`nvidia.com/gpu=all`, `nvidia.com/gpu=0`, `amd.com/gpu=1`) in a service's `devices`. */
function cdiGpus(service: DocNode): { all?: DocNode; count: number } | undefined {
  const named = (service.get("devices")?.items() ?? []).filter((device) => /^(?:nvidia|amd)\.com\/gpu=/.test(str(device) ?? ""));
  if (named.length === 0) return undefined;
  const all = named.find((device) => /=all$/.test(str(device) ?? ""));
  return all ? { all, count: 0 } : { count: named.length };
}

/** The device nodes a service is given (`devices: [/dev/kfd, "/dev/dri:/dev/dri"]`) that pass in GPUs. */
function deviceNodes(service: DocNode, used: string[]): ReturnType<typeof passedGpuDevice<DocNode>> {
  const image = service.get("image") ? str(interpolated(service.get("image")!, used)) : undefined;
  return passedGpuDevice((service.get("devices")?.items() ?? []).map((item) => ({ item, path: (str(item) ?? "").split(":")[0]!.trim() })), image);
}

/**
 * The engine of a service built from a Dockerfile of the project's own (`build:`), or whose image is
 * chosen at deploy time (`image: ${IMAGE}`), when its command is only an engine's flags on reserved
 * GPUs (`--model … --max-model-len …`, or the model first, as `vllm serve` takes it): its entrypoint
 * is that engine, as the flags say (pod.ts reads a Kubernetes container the same way).
 */
function builtEngine(service: DocNode, imageNode: DocNode | undefined, tokens: readonly ArgToken[]): Engine | undefined {
  if (imageNode !== undefined && service.get("build") === undefined && !/^\$\{?\w+\}?$/.test(str(imageNode)?.trim() ?? "")) return undefined;
  const flagsFrom = tokens[0]?.text.startsWith("--") ? 0 : tokens[1]?.text.startsWith("--") && !tokens[0]!.operator ? 1 : -1;
  if (flagsFrom < 0 || !reservesGpus(service)) return undefined;
  return engineFromFlags(tokens.slice(flagsFrom).map((token) => token.text));
}

/** Build arguments that name the model a project's own serving image loads. */
const MODEL_BUILD_ARGS = ["MODEL_ID", "MODEL_NAME", "MODEL", "HF_MODEL_ID", "MODEL_PATH", "MODEL_REPO"];

/**
 * A service built from a Dockerfile of the project's own, on GPUs, with no command the file shows,
 * whose build arguments name a model (`args: {MODEL_NAME: ${MODEL_NAME:-TheBloke/zephyr-7B-beta-AWQ}}`),
 * or else its environment (`MODEL=${MODEL:-PokeeAI/pokee_research_7b}`, for the Dockerfile's command
 * to read): a server the Dockerfile starts, found with its model and GPUs and said to be unchecked.
 */
function builtServer(service: DocNode, environment: ReturnType<typeof serviceEnv>, used: string[], sink: FieldSink): boolean {
  const build = service.get("build");
  if (build?.type !== "map" || service.get("command") !== undefined || service.get("entrypoint") !== undefined) return false;
  // The environment is read as the Dockerfile's script reads it: any model-naming variable (`VLLM_MODEL`, as a script's `$VLLM_MODEL`).
  const named = (section: string, { env, defaults }: ReturnType<typeof serviceEnv>) => {
    const name = MODEL_BUILD_ARGS.find((arg) => env.get(arg)?.value) ?? (section === "environment" ? [...env.keys()].find((key) => MODEL_VARIABLE.test(key) && env.get(key)?.value) : undefined);
    return name ? { section, name, entry: env.get(name)!, defaults: defaults.get(name) ?? [] } : undefined;
  };
  const found = named("build.args", serviceEnv(build.get("args"))) ?? named("environment", environment);
  if (!found) return false;
  used.push(...found.defaults);
  setLocated(sink, "model", { ...locate(found.entry.node, found.entry.value!, `${found.section}.${found.name}`), readonly: true });
  const context = trimTrailing(str(build.get("context")) ?? ".", "/") || ".";
  const dockerfile = `${context}/${str(build.get("dockerfile")) ?? "Dockerfile"}`;
  // Judged at the most favourable reading of what it starts, with the engine its Dockerfile's name says (`Dockerfile.vllm`).
  const engine = engineNamedInPath(dockerfile);
  setUnresolved(sink, "engine", { raw: dockerfile, node: build.node, reason: "unsupported", source: "build", note: `It runs what ${dockerfile} starts, which this file does not show`, unseenLaunch: engine ? { engine } : {} });
  reservedGpus(service, sink, undefined, used);
  return true;
}

/** Whether a service is given GPUs at all: a device reservation, `gpus:`, the NVIDIA runtime or GPU device nodes. */
function reservesGpus(service: DocNode): boolean {
  return gpuReservations(service).length > 0 || service.get("gpus") !== undefined || str(service.get("runtime")) === "nvidia" || deviceNodes(service, []) !== undefined;
}

/** A command that runs a program of the image's own rather than the engine (`bash /app/start.sh`, `python serve.py`). */
const SCRIPT = /^(?:(?:ba|z)?sh|python3?|\.?\.?\/\S+|\S+\.(?:sh|py))$/;

/**
 * The service's volumes: `source:target[:mode]` (compose's short syntax, variables at their
 * defaults) and `{ source, target }` (the long syntax).
 */
function serviceMounts(service: DocNode, used: string[]): Mount[] {
  return (service.get("volumes")?.items() ?? []).flatMap((item) => {
    if (item.type === "map") {
      const source = str(item.get("source"));
      const target = str(item.get("target"));
      return source !== undefined && target !== undefined ? [{ source, containerPath: target }] : [];
    }
    const [source, target] = (str(interpolated(item, used)) ?? "").split(":");
    return source && target ? [{ source, containerPath: target }] : [];
  });
}

/** A client's setting that names the model it asks a server for (`VISION_MODEL`, `EMBEDDING_MODEL`, `LLM_MODEL_NAME`, `OLLAMA_MODEL`). */
const CLIENT_MODEL_SETTING = /(?:^|_)MODEL(?:_NAME|_ID)?$/;
/** An Ollama tag as clients write it (`qwen2.5:32b`, `bge-m3`, `hf.co/unsloth/Qwen3-8B-GGUF:Q4_K_M`): no spaces, no URL, not a number. */
const OLLAMA_TAG = /^(?![\d.]+$)[\w./-]+(?::[\w.-]+)?$/;

/** The host of a URL (`http://ollama:11434/v1` → `ollama`). */
function urlHost(value: string | undefined): string | undefined {
  const match = /^https?:\/\/([\w.-]+)/.exec(value ?? "");
  return match?.[1];
}

/**
 * The models other services of the file ask an Ollama server for: a client whose settings hold a
 * URL to one of the server's names (`OLLAMA_URL: http://ollama:11434`) and name models
 * (`EXTRACTION_MODEL: ${EXTRACTION_MODEL:-qwen2.5:32b}`, its default read as compose reads it),
 * each once, in the order written. Ollama loads each on first request, so each is judged on the
 * server's GPUs.
 */
function modelsOfClients(hosts: readonly string[], environments: ReadonlyMap<string, ReturnType<typeof serviceEnv>>, server: string): Array<{ model: NonNullable<Deployment["fields"]["model"]>; assumption?: string }> {
  const models: Array<{ model: NonNullable<Deployment["fields"]["model"]>; assumption?: string }> = [];
  const seen = new Set<string>();
  for (const [client, { env, defaults }] of environments) {
    if (client === server || ![...env.values()].some((entry) => hosts.includes(urlHost(entry.value) ?? ""))) continue;
    for (const [name, entry] of env) {
      const value = entry.value?.trim();
      if (!value || !CLIENT_MODEL_SETTING.test(name) || !OLLAMA_TAG.test(value) || seen.has(value)) continue;
      seen.add(value);
      const assumption = defaults.get(name)?.[0];
      models.push({ model: { value, node: entry.node.node, source: `${client}: ${name}`, readonly: true }, ...(assumption ? { assumption } : {}) });
    }
  }
  return models;
}

export function extractCompose(document: DocNode, ctx: ExtractContext): Deployment[] | undefined {
  if (document.type !== "map") return undefined;
  const services = document.get("services");
  if (services?.type !== "map") return undefined;
  const deployments: Deployment[] = [];
  // Models a service pulls into another service's server (`ollama pull` with OLLAMA_HOST=http://ollama:11434).
  const pulls = new Map<string, Deployment["fields"]["model"]>();
  const environments = new Map<string, ReturnType<typeof serviceEnv>>();
  for (const [name, service] of services.entries()) {
    if (service.type !== "map") continue;
    const used: string[] = [];
    const imageNode = service.get("image") ? interpolated(service.get("image")!, used) : undefined;
    const { env, defaults: envDefaults } = serviceEnv(service.get("environment"));
    environments.set(name, { env, defaults: envDefaults });
    const sink = newSink();
    let engine: Engine | undefined;
    let args: EngineCall["args"];
    if (imageNode && isLlmNimImage(str(imageNode))) {
      // A NIM serves the model its image names, with TP over every GPU it is given.
      nimContainerFields(imageNode, env, ctx, sink);
    } else {
      const entrypointNode = service.get("entrypoint");
      const commandNode = service.get("command");
      // Two lists are one argv: `entrypoint: ["/bin/sh", "-c"]` runs the command's first item as its
      // script; so is a one-word entrypoint before a list (`entrypoint: /bin/sh`, `command: ["-c", "…"]`).
      const entrypointItems = entrypointNode?.type === "seq" ? entrypointNode.items() : entrypointNode && /^\S+$/.test(str(entrypointNode) ?? " ") ? [entrypointNode] : undefined;
      const joined = entrypointItems !== undefined && commandNode?.type === "seq";
      const entrypoint = joined ? { tokens: [], shell: false } : partTokens(entrypointNode, ctx, env, used);
      const command = joined ? commandTokens([...entrypointItems, ...commandNode.items()].map((item) => interpolated(item, used)), ctx.text, plainEnv(env)) : partTokens(commandNode, ctx, env, used);
      // `entrypoint: /bin/sh` with `command: -c "vllm serve …"` runs the script as much as `command: sh -c "…"` does.
      const tokens = runScript([...entrypoint.tokens, ...command.tokens], ctx.text, plainEnv(env));
      const imageServer = engineFromImage(str(imageNode));
      // Last, an image set at deploy time (`image: ${IMAGE}`) or of the project's own given only an engine's flags on GPUs: that engine's entrypoint.
      const imageEngine =
        imageServer ??
        builtEngine(service, imageNode, tokens) ??
        engineOfModelVariable(env.keys()) ??
        (tokens[0]?.text.startsWith("-") && reservesGpus(service) ? engineFromFlags(tokens.map((token) => token.text)) : undefined);
      // The whole command set at deploy time (`command: ${VLLM_ARGS}`) for an engine's image on GPUs: its model with it.
      if (imageServer && imageNode && commandNode && reservesGpus(service) && setCommandAtDeployTime(sink, imageServer, imageNode, { tokens, raw: (str(commandNode) ?? "command").trim(), node: commandNode.node, source: "command" })) {
        reservedGpus(service, sink, imageServer, used);
        deployments.push({ format: "compose", kind: "compose service", name, fields: sink.fields, unresolved: sink.unresolved, anchor: service.node });
        continue;
      }
      const argsList = commandNode?.type === "seq" && !command.shell ? commandNode : undefined;
      let call: EngineCall | undefined = engineCall(tokens, { ...(imageEngine ? { imageEngine } : {}), ...(argsList ? { argsList } : {}) });
      if (!call && imageEngine && (SCRIPT.test(tokens[0]?.text ?? "") || (joinsCommands(tokens) && tokens.some((token) => isScriptFile(token.text))))) {
        // An engine's image started by a script the file does not hold (`command: bash /app/start.sh`):
        // on GPUs, found and said to be unchecked; without, a tool or a client that serves nothing.
        reservedGpus(service, sink, imageEngine, used);
        if (sink.unresolved.gpuCount?.raw === "none") continue;
        // The script is what leaves it unchecked, whatever count of GPUs it is given.
        delete sink.unresolved.gpuCount;
        // At the script where it is named (the entrypoint's `/start.sh`, or the command's).
        const script = tokens.find((token) => isScriptFile(token.text))?.from;
        setUnseenScript(sink, tokens.map((token) => token.text), (script ?? commandNode ?? service.get("entrypoint") ?? service).node, undefined, imageEngine);
        deployments.push({ format: "compose", kind: "compose service", name, fields: sink.fields, unresolved: sink.unresolved, anchor: service.node });
        continue;
      }
      call ??= imageOnlyCall(imageEngine);
      if (!call) {
        // Servers on GPUs that are found but not sized, said to be unchecked: a llama-swap whose
        // config is a file beside this one, an image the project builds with the model as a build argument.
        if (!reservesGpus(service)) continue;
        const unsized = unsizedServer(tokens, str(imageNode));
        if (unsized) {
          setUnresolved(sink, "engine", { raw: unsized, node: (imageNode ?? service).node, reason: "unsupported", source: "image", note: unsizedServerNote(unsized, tokens) });
          reservedGpus(service, sink, undefined, used);
        } else if (imageEngine) continue;
        else if (!builtServer(service, { env, defaults: envDefaults }, used, sink)) {
          // An image of its own, given an LLM by a variable (`MODEL=/app/models/Qwen3.8-27B-…`).
          const variable = imageNode ? setUnknownServerModel(sink, env, imageNode) : undefined;
          if (!variable) continue;
          used.push(...(envDefaults.get(variable) ?? []));
          reservedGpus(service, sink, undefined, used);
        }
        deployments.push({ format: "compose", kind: "compose service", name, fields: sink.fields, unresolved: sink.unresolved, anchor: service.node, ...(used.length > 0 ? { assumptions: [...new Set(used)] } : {}) });
        continue;
      }
      const addressEnv = engineById(call.engine).serverAddressEnv;
      const server = addressEnv ? serverElsewhere(env.get(addressEnv)?.value, tokens) : undefined;
      if (server) {
        // A client of another service's server: the model it loads there is that server's.
        if (call.fields.model && !pulls.has(server)) pulls.set(server, { ...call.fields.model, readonly: true });
        continue;
      }
      applyEnvFields(call, env);
      setModelInUnseenConfig(call);
      if (service.get("build") !== undefined) setModelOfBuiltImage(call, env);
      mergeFields(sink, call);
      const mounted = modelFromMount(sink, serviceMounts(service, used));
      if (mounted) used.push(mounted);
      engine = call.engine;
      args = call.args;
      sink.fields.engine = locate(imageNode ?? service, call.engine, "image");
    }
    // The defaults of the variables the server reads: its command's `$VAR`s, the engine's (or a NIM's) own variables.
    const commandText = [service.get("entrypoint"), service.get("command")].flatMap((part) => (part?.type === "seq" ? part.items() : part ? [part] : [])).map((part) => str(part) ?? "").join(" ");
    const engineEnv = engine ? engineById(engine).env : undefined;
    for (const [variable, defaults] of envDefaults) {
      if (!engineEnv || variable in engineEnv || ["$", "${", "$("].some((sign) => commandText.includes(sign + variable))) used.push(...defaults);
    }
    // A NIM shards the model over every GPU it is given, as TGI does.
    reservedGpus(service, sink, engine, used, imageNode !== undefined && isLlmNimImage(str(imageNode)) ? "the NIM" : undefined);
    deployments.push({
      format: "compose",
      kind: "compose service",
      name,
      fields: sink.fields,
      unresolved: sink.unresolved,
      anchor: service.node,
      ...(sink.gpuVendor ? { gpuVendor: sink.gpuVendor } : {}),
      ...(args ? { args } : {}),
      ...(engine === undefined ? { layoutOwner: "tensor-from-gpus" as const } : {}),
      ...(used.length > 0 ? { assumptions: [...new Set(used)] } : {}),
    });
  }
  for (const deployment of [...deployments]) {
    const service = services.get(deployment.name!);
    const hosts = [deployment.name, str(service?.get("container_name")), str(service?.get("hostname"))].filter((host): host is string => host !== undefined);
    if (deployment.fields.model || deployment.unresolved.model !== undefined) continue;
    const pulled = hosts.map((host) => pulls.get(host)).find(Boolean);
    if (pulled) {
      deployment.fields.model = pulled;
      continue;
    }
    const engine = deployment.fields.engine?.value;
    if (engine === undefined || !engineById(engine).loadsModelsOnRequest) continue;
    // An Ollama server loads what its clients ask of it: the models its clients' settings name.
    const [first, ...others] = modelsOfClients(hosts, environments, deployment.name!);
    if (!first) continue;
    const own = deployment.assumptions ?? [];
    const withAssumption = (assumption: string | undefined) => (assumption ? { assumptions: [...new Set([...own, assumption])] } : {});
    deployment.fields.model = first.model;
    if (first.assumption) deployment.assumptions = withAssumption(first.assumption).assumptions;
    for (const other of others) {
      deployments.push({ ...deployment, name: `${deployment.name} (${other.model.value})`, fields: { ...deployment.fields, model: other.model }, assumptions: own, ...withAssumption(other.assumption) });
    }
  }
  // A `services:` mapping that runs no engine may be something else entirely: let the app-config reader look.
  return deployments.length > 0 ? deployments : undefined;
}
