/**
 * Shell scripts (`serve.sh`, `start-vllm.sh`, read through the `vram/shell` language): the engine the
 * script starts is a deployment — a `docker run` of a serving image with the GPUs, devices and
 * environment it passes, or a direct start (`vllm serve …`, `python -m sglang.launch_server …`,
 * `llama-server …`), after the script's own assignments (`MODEL=…`, `export TP=4`) are read. A
 * `docker run` of a NIM's image is that NIM, sharded over the GPUs the run passes.
 *
 * A direct start runs on the host's GPUs, which no script states: it is judged at the layout its
 * flags give (one GPU when they give none) on the GPU type a Slurm batch script's `#SBATCH` directives
 * name, else on the GPU range, as a llama-swap `cmd` is. Every engine the script starts is a
 * deployment of its own.
 */
import type { ExtractContext } from "./context.js";
import type { DocNode } from "./doc.js";
import { type FieldSink, type ImageReader, mergeFields, newSink, type ScriptCall, serverElsewhere, scriptEngineCall, setLocated, setScriptGpus, setUnseenScript } from "./kit.js";
import { engineById } from "../engines/index.js";
import { nimImageReader } from "./nim.js";
import { type ArgToken, MODEL_VARIABLE, SHELLS, shellTokens, UNKNOWN } from "./shell.js";
import type { Deployment, Located } from "./types.js";

export function extractShellScript(document: DocNode, ctx: ExtractContext): Deployment[] | undefined {
  if (document.type !== "scalar" || document.node.type !== "ShellScript") return undefined;
  const tokens = shellTokens(document, ctx.text, new Map());
  const calls = scriptCalls(tokens, nimImageReader(ctx));
  // The job's GPU type, read once for every start the script makes.
  const unseen = calls.length === 0 ? unseenServerScripts(tokens) : [];
  const slurm = calls.length > 0 || unseen.length > 0 ? slurmGpus(ctx.text, document) : undefined;
  const slurmType = slurm?.type;
  const handed = unseen.map(({ script, model }): Deployment => {
    const sink = newSink();
    setLocated(sink, "model", { value: model.text, node: document.node, ...(model.range ? { range: model.range } : {}), source: model.variable ?? "argument", readonly: true });
    setUnseenScript(sink, [script.text], document.node, script.range);
    if (slurmType) setLocated(sink, "gpuType", slurmType);
    // The job's GPUs are the server's to use: the script it hands them to is judged at all of them.
    if (slurm?.count) setLocated(sink, "gpuCount", slurm.count);
    return { format: "shell", kind: "script", name: undefined, fields: sink.fields, unresolved: sink.unresolved, anchor: document.node };
  });
  if (handed.length > 0) return handed;
  return calls.map((found) => {
    const sink = newSink();
    mergeFields(sink, found.call);
    sink.fields.engine ??= { value: found.call.engine, node: document.node, source: "script", readonly: true };
    setScriptGpus(sink, found);
    if (!found.gpus && !found.passedDevice) {
      visibleGpus(sink, found, document);
      if (slurmType && !sink.fields.gpuType && !sink.unresolved.gpuType) setLocated(sink, "gpuType", slurmType);
    }
    return {
      format: "shell",
      kind: "script",
      name: undefined,
      fields: sink.fields,
      unresolved: sink.unresolved,
      anchor: document.node,
      ...(sink.gpuVendor ? { gpuVendor: sink.gpuVendor } : {}),
      ...(found.call.args ? { args: found.call.args } : {}),
      ...(found.assumptions ? { assumptions: found.assumptions } : {}),
    };
  });
}

/** Words that run the script after them in this shell or a job step (`srun x.sh`, `source x.sh`, `. x.sh`). */
const SCRIPT_RUNNERS = new Set(["srun", "source", "."]);

/** A script whose name says it starts a model server (`serve.sh`, `vllm-server-mila.sh`, `service.sh`, `start_sglang.sh`). */
const SERVER_SCRIPT = /(?:^|[/_.-])(?:serv(?:e|er|ice|ing)|vllm|sglang|tgi|ollama|llama[\w.-]*server|lmdeploy|trtllm|inference)[\w.-]*\.sh$/i;

/**
 * Models handed to a server script the file does not hold (a Slurm job's `MODEL_ID=… bash
 * vllm/server.sh`, or `bash service.sh $MODEL_PATH $PORT $TP`), in a script that starts no engine
 * itself: each is a deployment, its model known and its engine unchecked.
 */
function unseenServerScripts(tokens: readonly ArgToken[]): Array<{ script: ArgToken; model: ArgToken }> {
  const found: Array<{ script: ArgToken; model: ArgToken }> = [];
  for (let start = 0; start < tokens.length && found.length < MAX_SCRIPT_STARTS; start++) {
    if (start > 0 && !tokens[start - 1]!.operator) continue;
    let at = start;
    // `bash x.sh`, `sh x.sh`, `srun bash x.sh`, or the script itself.
    while (at < tokens.length && (SHELLS.test(tokens[at]!.text) || SCRIPT_RUNNERS.has(tokens[at]!.text))) at++;
    const script = tokens[at];
    if (!script || script.operator || !SERVER_SCRIPT.test(script.text)) continue;
    let model = tokens[start]!.modelPrefix;
    for (let arg = at + 1; !model && arg < tokens.length && !tokens[arg]!.operator; arg++) {
      if (tokens[arg]!.variable !== undefined && MODEL_VARIABLE.test(tokens[arg]!.variable!) && !tokens[arg]!.text.includes(UNKNOWN)) model = tokens[arg];
    }
    if (model) found.push({ script, model });
  }
  return found;
}

/** Most engine starts read from one script: a longer list is a generated file, not a launcher. */
const MAX_SCRIPT_STARTS = 16;

/**
 * Every engine the script starts, each read from its own command on (the later commands an Ollama
 * server's `ollama pull`s are, the models it loads on request): a script often starts an embedding
 * server beside the LLM, or one of two in `if`/`case` branches. Each is judged as a deployment of its
 * own. A later command of an engine that loads models on request (`ollama pull`) belongs to the
 * server already found.
 */
function scriptCalls(tokens: ArgToken[], readImage: ImageReader): Array<ScriptCall & { visibleDevices?: string }> {
  const found: Array<ScriptCall & { visibleDevices?: string }> = [];
  const commandStarts = [0, ...tokens.flatMap((token, index) => (token.operator ? [index + 1] : []))];
  for (const start of commandStarts) {
    if (found.length >= MAX_SCRIPT_STARTS || start >= tokens.length || tokens[start]!.operator) continue;
    let end = start;
    while (end < tokens.length && !tokens[end]!.operator) end++;
    const command = scriptEngineCall(tokens.slice(start, end), readImage);
    // A request to a server on another host (`curl http://gpu-box:11434/api/pull …`) is a client's.
    if (!command || serverElsewhere(undefined, tokens.slice(start, end))) continue;
    const engine = engineById(command.call.engine);
    const server = engine.loadsModelsOnRequest ? found.find((previous) => previous.call.engine === engine.id) : undefined;
    if (server) {
      // A server started in a container (`docker run … ollama/ollama`) names no model: the script's later pulls into it do.
      const model = command.call.fields.model;
      if (!server.call.fields.model && !server.call.unresolved.model && model) server.call.fields.model = { ...model };
      else if (model && server.call.fields.model && server.call.fields.model.value !== model.value && !server.call.fields.model.others?.some((other) => other.value === model.value)) {
        server.call.fields.model = { ...server.call.fields.model, others: [...(server.call.fields.model.others ?? []), model].slice(0, MAX_SCRIPT_STARTS) };
      }
      continue;
    }
    // An Ollama server is read from its command on: the script's later commands pull the models it loads.
    const call = engine.loadsModelsOnRequest ? (scriptEngineCall(tokens.slice(start), readImage) ?? command) : command;
    const devices = tokens[start]!.visibleDevices;
    found.push(devices === undefined ? call : { ...call, visibleDevices: devices });
  }
  return found;
}

/**
 * The GPUs a direct start sees (`CUDA_VISIBLE_DEVICES=0,1 llama-server …`, or exported before it), for
 * an engine that uses every GPU it sees (llama.cpp's and Ollama's layer split, TGI's shards): that
 * many, where nothing else states a count. Other engines use the GPUs their flags say.
 */
function visibleGpus(sink: FieldSink, found: ScriptCall & { visibleDevices?: string }, document: DocNode): void {
  const devices = found.visibleDevices?.split(",").map((device) => device.trim());
  if (!devices || devices.some((device) => !/^(?:\d+|GPU-[\w-]+|MIG-[\w/-]+)$/.test(device)) || sink.fields.gpuCount || sink.unresolved.gpuCount) return;
  const profile = engineById(found.call.engine);
  if (!profile.splitsLayers && !profile.shardsOverAllGpus) return;
  setLocated(sink, "gpuCount", { value: devices.length, node: document.node, source: "CUDA_VISIBLE_DEVICES", readonly: true });
}

/**
 * A Slurm batch script's GPU type (`#SBATCH --gres=gpu:a100:4`, `--gpus-per-node=h100:8`,
 * `--gpus=a100:2`, per the sbatch manual): a start the script runs directly runs on the job's GPUs;
 * a `docker run` passes its own. How many the engine uses is its own flags' (the job's GPUs may be
 * shared with a trainer).
 */
function slurmGpus(text: string, document: DocNode): { type?: Located<string>; count?: Located<number> } | undefined {
  // `--gres` and `--gpus-per-node` count one node's GPUs: the job's, on one node (`--nodes` absent or 1).
  const oneNode = Number(SBATCH_NODES.exec(text)?.[1] ?? "1") === 1;
  for (const match of text.matchAll(SBATCH_GPUS)) {
    const [, option, value] = match as unknown as [string, string, string];
    // `gpu:a100:4` (gres), `a100:4` (gpus): the type is the word before the count; `gpu:4` or `4` names none.
    if (option === "--gres" && !value.startsWith("gpu:")) continue;
    const parts = (option === "--gres" ? value.slice("gpu:".length) : value).split(":");
    const typeName = parts.length === 2 && /^\d+$/.test(parts[1]!) ? parts[0]! : undefined;
    const countText = parts.at(-1)!;
    const valueAt = match.index + match[0].length - value.length;
    const count: Located<number> | undefined = /^\d+$/.test(countText) && (oneNode || option === "--gpus" || option === "-G") ? { value: Number(countText), node: document.node, range: [valueAt + value.length - countText.length, valueAt + value.length], source: `#SBATCH ${option}`, readonly: true } : undefined;
    if (!typeName) {
      if (count) return { count };
      continue;
    }
    const start = valueAt + value.lastIndexOf(`${typeName}:`);
    // Callers take the type for whatever the script runs; the count only for a server it hands the job to
    // (a GRPO job's trainer shares the job's GPUs with its `trl vllm-serve`).
    return { type: { value: typeName, node: document.node, range: [start, start + typeName.length], source: `#SBATCH ${option}`, readonly: true }, ...(count ? { count } : {}) };
  }
  return undefined;
}

/** `#SBATCH` directives that say the job's GPUs (`--gres=gpu:a100:4`, `--gpus-per-node h100:8`, `-G a100:2`). */
const SBATCH_GPUS = /^#SBATCH[ \t]+(--gres|--gpus-per-node|--gpus|-G)(?:=|[ \t]+)([\w:.-]+)/gm;

/** `#SBATCH --nodes=2` (`-N 2`; a range `2-4` reads as its first number). */
const SBATCH_NODES = /^#SBATCH[ \t]+(?:--nodes|-N)(?:=|[ \t]+)(\d+)/m;
