/**
 * Shell scripts (`serve.sh`, `start-vllm.sh`, read through the `vram/shell` language): the engine the
 * script starts is a deployment — a `docker run` of a serving image with the GPUs, devices and
 * environment it passes, or a direct start (`vllm serve …`, `python -m sglang.launch_server …`,
 * `llama-server …`), after the script's own assignments (`MODEL=…`, `export TP=4`) are read. A
 * `docker run` of a NIM's image is that NIM, sharded over the GPUs the run passes.
 *
 * A direct start runs on the host's GPUs, which no script states: it is judged at the layout its
 * flags give (one GPU when they give none) on the GPU range, as a llama-swap `cmd` is.
 */
import type { ExtractContext } from "./context.js";
import type { DocNode } from "./doc.js";
import { mergeFields, newSink, scriptEngineCall, setScriptGpus } from "./kit.js";
import { nimImageReader } from "./nim.js";
import { shellTokens } from "./shell.js";
import type { Deployment } from "./types.js";

export function extractShellScript(document: DocNode, ctx: ExtractContext): Deployment[] | undefined {
  if (document.type !== "scalar" || document.node.type !== "ShellScript") return undefined;
  const found = scriptEngineCall(shellTokens(document, ctx.text, new Map()), nimImageReader(ctx));
  if (!found) return [];
  const sink = newSink();
  mergeFields(sink, found.call);
  sink.fields.engine ??= { value: found.call.engine, node: document.node, source: "script", readonly: true };
  setScriptGpus(sink, found);
  return [
    {
      format: "shell",
      kind: "script",
      name: undefined,
      fields: sink.fields,
      unresolved: sink.unresolved,
      anchor: document.node,
      ...(sink.gpuVendor ? { gpuVendor: sink.gpuVendor } : {}),
      ...(found.call.args ? { args: found.call.args } : {}),
      ...(found.assumptions ? { assumptions: found.assumptions } : {}),
    },
  ];
}
