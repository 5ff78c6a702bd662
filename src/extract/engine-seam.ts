/**
 * The one place extraction asks which engine a container runs and with which flags. Adapters and
 * the generic walker call these functions, never the argument reader or the engine registry
 * (`src/engines/`) directly, so a change in either is a change here alone.
 *
 * The registry recognises the engines and the wrappers that run them (LoRAX, FastChat's vLLM
 * worker, NVIDIA Dynamo's `python3 -m dynamo.vllm|sglang|trtllm` workers). This file adds:
 * - components that run in an engine's image but serve no model (Dynamo's frontend, router and
 *   planner; `tritonserver`, which reads its model from a model repository), so the image's engine
 *   is not assumed for their flags;
 * - servers it can find but not size (FastChat's Transformers and SGLang workers, Triton Inference
 *   Server), so such a deployment is found and said to be unchecked rather than missed.
 */
import { baseName } from "../engines/common.js";
import { engineOfContainer } from "../engines/index.js";
import { BoundedCache } from "../memo.js";
import { TRITON } from "./triton.js";
import type { Engine } from "../sizing/types.js";
import type { DocNode } from "./doc.js";
import { type ArgToken, applyEnvFields, commandTokens, type EngineCall, engineFromImage, flagFor, imageOnlyCall, joinsCommands, parseEngineCall, parseValue, shellTokens, valuesOf } from "./engine-args.js";

export type { ArgToken, EngineCall };
export { applyEnvFields, commandTokens, engineFromImage, flagFor, imageOnlyCall, joinsCommands, parseEngineCall, parseValue, shellTokens, valuesOf };

/** Dynamo modules that are engine workers (the registry reads their flags). */
const DYNAMO_WORKERS = new Set(["dynamo.vllm", "dynamo.sglang", "dynamo.trtllm"]);

export const LLAMA_SWAP = "llama-swap";
const LOCALAI = "LocalAI";

/** Servers found by command or image that are not sized: what to call them in a message. */
const UNSIZED: Array<{ command?: RegExp; image?: RegExp; name: string }> = [
  { command: /^fastchat\.serve\.(model_worker|sglang_worker)$/, image: /fastchat/, name: "FastChat" },
  { command: /^tritonserver$/, image: /tritonserver/, name: TRITON },
  // A model router: it starts the engines its config file lists (llama-swap README, `--config`).
  { command: /^llama-swap$/, image: /(?:^|\/)llama-swap(?::|$)/, name: LLAMA_SWAP },
  // LocalAI serves the models its models folder configures (`localai/localai`, `go-skynet/local-ai`).
  { command: /^local-ai$/, image: /(?:^|\/)local-?ai(?::|@|$)/, name: LOCALAI },
];

/**
 * `python -m dynamo.frontend` and the other Dynamo components that are not workers, and
 * `tritonserver`: they run in an engine's image but take none of its flags.
 */
function runsOtherComponent(tokens: ArgToken[]): boolean {
  for (let i = 0; i < tokens.length; i++) {
    const text = tokens[i]!.text;
    if (!tokens[i]!.operator && baseName(text) === "tritonserver") return true;
    const module = tokens[i + 1]?.text;
    if (text === "-m" && module !== undefined && /^dynamo\./.test(module) && !DYNAMO_WORKERS.has(module)) return true;
  }
  return false;
}

/**
 * The engine call of tokens: an invocation the registry recognises, or (with `imageEngine`) flags
 * for the image's entrypoint.
 */
export function engineCall(tokens: ArgToken[], options: { imageEngine?: Engine; argsList?: DocNode } = {}): EngineCall | undefined {
  if (runsOtherComponent(tokens)) return undefined;
  return parseEngineCall(tokens, options);
}

/**
 * Whether a container whose image runs no engine could start one from its command and args, by the
 * registry's own command recognition over the written words: a cheap test that spares tokenizing
 * and expanding most containers of a repository (web servers, sidecars). Anything a variable or a
 * command substitution could hide (`$VAR`, `$(VAR)`, backquotes) counts as possible.
 */
export function mayStartEngine(image: string | undefined, texts: readonly string[]): boolean {
  if (texts.some((text) => text.includes("$") || text.includes("`"))) return true;
  // A repository's containers repeat the same command lines.
  return startsEngine.get(`${image ?? ""}\u0000${texts.join("\u0000")}`, () => engineOfContainer({ ...(image ? { image } : {}), command: texts.map((text) => text.replace(/["'\\]/g, " ")) }) !== undefined);
}

const startsEngine = new BoundedCache<boolean>(1024);

/** Any of the unsized servers' names in a text: a cheap test before tokenizing a command. */
const UNSIZED_HINT = /fastchat|triton|llama-swap|local-?ai/i;

/** Whether a container's image or command could name an unsized server at all (most containers: no). */
export function mayRunUnsizedServer(texts: Array<string | undefined>): boolean {
  return texts.some((text) => text !== undefined && UNSIZED_HINT.test(text));
}

/** A server that is found but not sized (`Triton Inference Server`), by its command tokens or its image. */
export function unsizedServer(tokens: ArgToken[], image: string | undefined): string | undefined {
  for (const server of UNSIZED) {
    if (server.image && image && server.image.test(image.toLowerCase())) return server.name;
    if (server.command && tokens.some((token, index) => !token.operator && (server.command!.test(baseName(token.text)) || (index > 0 && tokens[index - 1]!.text === "-m" && server.command!.test(token.text))))) {
      return server.name;
    }
  }
  return undefined;
}

/**
 * Why a server `unsizedServer` found is not sized. llama-swap is sized from its config where the
 * file holds it (a llama-swap config document, or a ConfigMap the server mounts); otherwise it reads
 * one the file does not show.
 */
export function unsizedServerNote(server: string, tokens: ArgToken[]): string {
  if (server === LOCALAI) return "It runs LocalAI, whose models are configured in its models folder, not in this file";
  if (server !== LLAMA_SWAP) return `It runs ${server}, which this version finds but does not size yet`;
  return `It runs llama-swap, whose models are in ${swapConfigPath(tokens)}, not in this file`;
}

/** The config file llama-swap reads (`--config`, else `config.yaml` in its working directory). */
export function swapConfigPath(tokens: ArgToken[]): string {
  return flagValue(tokens, ["--config", "-config"])?.text ?? "config.yaml";
}

/**
 * An engine's flags given as a list of tokens for the image's entrypoint (a chart's `extraArgs`, an
 * Arks `runtimeCommonArgs`): the call, empty when the list holds no flags.
 */
export function flagListCall(engine: Engine, list: DocNode | undefined, text: string, env: ReadonlyMap<string, string | undefined> = new Map()): EngineCall {
  const { tokens } = commandTokens(list?.type === "seq" ? list.items() : [], text, env);
  const call = parseEngineCall(tokens, { imageEngine: engine, ...(list?.type === "seq" ? { argsList: list } : {}) });
  return call ?? { engine, fields: {}, unresolved: {} };
}

/** The value of `--name value` / `--name=value` among tokens (the last one wins), with its exact range. */
export function flagValue(tokens: ArgToken[], names: string[]): { text: string; token: ArgToken; range?: [number, number] } | undefined {
  let found: { text: string; token: ArgToken; range?: [number, number] } | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const eq = token.text.indexOf("=");
    const flag = eq > 0 ? token.text.slice(0, eq) : token.text;
    if (!names.includes(flag.replace(/_/g, "-"))) continue;
    if (eq > 0) {
      found = { text: token.text.slice(eq + 1), token, ...(token.range ? { range: [token.range[0] + eq + 1, token.range[1]] as [number, number] } : {}) };
    } else if (tokens[i + 1] && !tokens[i + 1]!.operator) {
      const next = tokens[i + 1]!;
      found = { text: next.text, token: next, ...(next.range ? { range: next.range } : {}) };
    }
  }
  return found;
}
