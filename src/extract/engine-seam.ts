/**
 * The one place extraction asks which engine a container runs and with which flags. Adapters and
 * the generic walker call these functions, never the argument parser directly, so moving to the
 * engine registry (`src/engines/`) changes this file alone.
 *
 * Besides what the argument parser recognises (vLLM, SGLang, TGI, llama.cpp, Ollama), it knows:
 * - NVIDIA Dynamo's workers, `python3 -m dynamo.vllm|dynamo.sglang` (ai-dynamo/dynamo
 *   `components/backends/*`): the engine's own flags after the module;
 * - servers it can find but not size yet (TensorRT-LLM, LMDeploy, LoRAX, FastChat's workers,
 *   Triton), so such a deployment is found and said to be unchecked rather than missed.
 */
import type { Engine } from "../sizing/types.js";
import type { DocNode } from "./doc.js";
import { type ArgToken, applyEnvFields, commandTokens, type EngineCall, engineFromImage, flagFor, imageOnlyCall, parseEngineCall, shellTokens } from "./engine-args.js";

export type { ArgToken, EngineCall };
export { applyEnvFields, commandTokens, engineFromImage, flagFor, imageOnlyCall, parseEngineCall, shellTokens };

/** Dynamo worker modules → the engine whose flags follow them. */
const DYNAMO_WORKERS: Record<string, Engine> = { "dynamo.vllm": "vllm", "dynamo.sglang": "sglang" };

/** Servers found by command or image that are not sized yet: what to call them in a message. */
const UNSIZED: Array<{ command?: RegExp; image?: RegExp; name: string }> = [
  { command: /^(trtllm-serve|dynamo\.trtllm|tensorrt_llm\.serve)$/, image: /tensorrt[-_]?llm|trtllm/, name: "TensorRT-LLM" },
  { command: /^(lmdeploy|lmdeploy\.serve\.openai\.api_server)$/, image: /lmdeploy/, name: "LMDeploy" },
  { command: /^lorax-launcher$/, image: /predibase\/lorax|(^|\/)lorax(:|$)/, name: "LoRAX" },
  { command: /^fastchat\.serve\.(vllm_worker|model_worker|sglang_worker)$/, image: /fastchat/, name: "FastChat" },
  { command: /^tritonserver$/, image: /tritonserver/, name: "Triton Inference Server" },
];

/** `python -m dynamo.frontend` and other Dynamo components that are not workers. */
function runsOtherModule(tokens: ArgToken[]): boolean {
  for (let i = 0; i + 1 < tokens.length; i++) {
    const module = tokens[i + 1]!.text;
    if (tokens[i]!.text === "-m" && /^dynamo\./.test(module) && !Object.hasOwn(DYNAMO_WORKERS, module) && module !== "dynamo.trtllm") return true;
  }
  return false;
}

/** Whether the tokens start a Dynamo worker, and for which engine. */
function dynamoEngine(tokens: ArgToken[]): Engine | undefined {
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (tokens[i]!.text === "-m" && Object.hasOwn(DYNAMO_WORKERS, tokens[i + 1]!.text)) return DYNAMO_WORKERS[tokens[i + 1]!.text];
  }
  return undefined;
}

/**
 * The engine call of tokens: a direct invocation, a Dynamo worker, or (with `imageEngine`) flags
 * for the image's entrypoint.
 */
export function engineCall(tokens: ArgToken[], options: { imageEngine?: Engine; argsList?: DocNode } = {}): EngineCall | undefined {
  // Dynamo's frontend, router and planner run in the engine's image but serve no model.
  if (runsOtherModule(tokens)) return undefined;
  const direct = parseEngineCall(tokens, options);
  if (direct) return direct;
  const dynamo = dynamoEngine(tokens);
  return dynamo ? parseEngineCall(tokens, { ...options, imageEngine: dynamo }) : undefined;
}

/** Any of the unsized servers' names in a text: a cheap test before tokenizing a command. */
const UNSIZED_HINT = /trt|tensorrt|lmdeploy|lorax|fastchat|triton/i;

/** Whether a container's image or command could name an unsized server at all (most containers: no). */
export function mayRunUnsizedServer(texts: Array<string | undefined>): boolean {
  return texts.some((text) => text !== undefined && UNSIZED_HINT.test(text));
}

/** A server that is found but not sized (`TensorRT-LLM`), by its command tokens or its image. */
export function unsizedServer(tokens: ArgToken[], image: string | undefined): string | undefined {
  for (const server of UNSIZED) {
    if (server.image && image && server.image.test(image.toLowerCase())) return server.name;
    if (server.command && tokens.some((token, index) => !token.operator && (server.command!.test(token.text.slice(token.text.lastIndexOf("/") + 1)) || (index > 0 && tokens[index - 1]!.text === "-m" && server.command!.test(token.text))))) {
      return server.name;
    }
  }
  return undefined;
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
