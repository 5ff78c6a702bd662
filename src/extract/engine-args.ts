/**
 * One argument parser for every serving engine. It takes a container's command and args (YAML/JSON
 * lists, or a shell string inside `sh -c`, folded scalars, `\` continuations), expands Kubernetes
 * `$(VAR)` and shell `$VAR`/`${VAR}` from literal env values, finds the engine invocation among the
 * shell commands, and reads the engine's flags (`--flag value`, `--flag=value`, short aliases,
 * underscore spellings, argparse prefix abbreviations) into located deployment fields.
 */
import { parse as parseShell } from "shell-quote";
import type { DeploymentValues } from "../resolve.js";
import type { Engine } from "../sizing/types.js";
import type { DocNode } from "./doc.js";
import { str } from "./doc.js";
import type { ArgsTarget, FieldName, Located, LocatedFields, UnresolvedValue } from "./types.js";
import { BoundedCache } from "../memo.js";

/** Marks text that stands for something only known at run time (a variable, a command substitution). */
const UNKNOWN = "\u0000";

export interface ArgToken {
  text: string;
  /** The scalar the token was written in. */
  from: DocNode;
  /** Absolute source range of the token when it is written verbatim in the file. */
  range?: [number, number];
  /** Set for shell operators (`;`, `&&`, `|`), which separate commands. */
  operator?: boolean;
  /** Split out of a shell string: without a `range` its value cannot be edited in place. */
  shell?: boolean;
  /** Written through a reference (`$(VAR)`): located for reports, but its value lives elsewhere. */
  indirect?: boolean;
  /** End of the token in the file including a closing quote (`'{"kv_role":"kv_both"}'`), where text may be appended after it. */
  end?: number;
}

/**
 * `allLayers`: a switch meaning "every layer" (llama.cpp `--cpu-moe`); `expertOverride`: llama.cpp
 * `-ot PATTERN=DEVICE`, which counts only when it sends expert tensors (`exps`) to the CPU.
 */
type ValueKind = "string" | "int" | "float" | "size" | "bool" | "allLayers" | "expertOverride";

/** "Every MoE layer" for cpuMoeLayers (the estimator caps it at the model's MoE layers). */
export const ALL_LAYERS = 1_000_000;

interface FlagSpec {
  field: FieldName;
  kind: ValueKind;
  names: string[];
}

/** The flags that matter for sizing, per engine, with every spelling each engine accepts. */
const FLAGS: Record<Engine, FlagSpec[]> = {
  // vllm/engine/arg_utils.py (EngineArgs.add_cli_args), short aliases from vllm/entrypoints/cli/serve.py.
  vllm: [
    { field: "model", kind: "string", names: ["--model"] },
    { field: "tensorParallel", kind: "int", names: ["--tensor-parallel-size", "-tp"] },
    { field: "pipelineParallel", kind: "int", names: ["--pipeline-parallel-size", "-pp"] },
    { field: "dataParallel", kind: "int", names: ["--data-parallel-size", "-dp"] },
    { field: "expertParallel", kind: "bool", names: ["--enable-expert-parallel", "-ep"] },
    { field: "quantization", kind: "string", names: ["--quantization", "-q"] },
    { field: "dtype", kind: "string", names: ["--dtype"] },
    { field: "kvCacheDtype", kind: "string", names: ["--kv-cache-dtype"] },
    { field: "maxModelLen", kind: "size", names: ["--max-model-len"] },
    { field: "gpuMemoryUtilization", kind: "float", names: ["--gpu-memory-utilization"] },
    { field: "maxNumSeqs", kind: "int", names: ["--max-num-seqs"] },
    { field: "maxNumBatchedTokens", kind: "size", names: ["--max-num-batched-tokens"] },
    { field: "cpuOffloadGiB", kind: "float", names: ["--cpu-offload-gb"] },
    { field: "enforceEager", kind: "bool", names: ["--enforce-eager"] },
    { field: "nodes", kind: "int", names: ["--nnodes"] },
  ],
  // python/sglang/srt/server_args.py (ServerArgs.add_cli_args).
  sglang: [
    { field: "model", kind: "string", names: ["--model-path", "--model"] },
    { field: "tensorParallel", kind: "int", names: ["--tp-size", "--tp", "--tensor-parallel-size"] },
    { field: "pipelineParallel", kind: "int", names: ["--pp-size", "--pipeline-parallel-size"] },
    { field: "dataParallel", kind: "int", names: ["--dp-size", "--dp", "--data-parallel-size"] },
    { field: "expertParallel", kind: "bool", names: ["--enable-ep-moe"] },
    { field: "quantization", kind: "string", names: ["--quantization"] },
    { field: "dtype", kind: "string", names: ["--dtype"] },
    { field: "kvCacheDtype", kind: "string", names: ["--kv-cache-dtype"] },
    { field: "maxModelLen", kind: "size", names: ["--context-length"] },
    { field: "gpuMemoryUtilization", kind: "float", names: ["--mem-fraction-static"] },
    { field: "maxNumSeqs", kind: "int", names: ["--max-running-requests"] },
    { field: "maxNumBatchedTokens", kind: "int", names: ["--chunked-prefill-size"] },
    { field: "cpuOffloadGiB", kind: "float", names: ["--cpu-offload-gb"] },
    { field: "enforceEager", kind: "bool", names: ["--disable-cuda-graph"] },
    { field: "nodes", kind: "int", names: ["--nnodes"] },
  ],
  // TGI docs/source/reference/launcher.md.
  tgi: [
    { field: "model", kind: "string", names: ["--model-id"] },
    { field: "tensorParallel", kind: "int", names: ["--num-shard"] },
    { field: "quantization", kind: "string", names: ["--quantize"] },
    { field: "dtype", kind: "string", names: ["--dtype"] },
    { field: "kvCacheDtype", kind: "string", names: ["--kv-cache-dtype"] },
    { field: "maxModelLen", kind: "int", names: ["--max-total-tokens"] },
    { field: "maxNumBatchedTokens", kind: "int", names: ["--max-batch-prefill-tokens"] },
    { field: "gpuMemoryUtilization", kind: "float", names: ["--cuda-memory-fraction"] },
  ],
  // llama.cpp tools/server/README.md (common/arg.cpp).
  "llama.cpp": [
    { field: "model", kind: "string", names: ["--model", "-m", "--hf-repo", "-hf", "-hfr"] },
    { field: "gpuLayers", kind: "int", names: ["--n-gpu-layers", "--gpu-layers", "-ngl"] },
    { field: "maxModelLen", kind: "int", names: ["--ctx-size", "-c"] },
    { field: "maxNumSeqs", kind: "int", names: ["--parallel", "-np"] },
    { field: "kvCacheDtype", kind: "string", names: ["--cache-type-k", "-ctk"] },
    { field: "cpuMoeLayers", kind: "int", names: ["--n-cpu-moe", "-ncmoe"] },
    { field: "cpuMoeLayers", kind: "allLayers", names: ["--cpu-moe", "-cmoe"] },
    { field: "cpuMoeLayers", kind: "expertOverride", names: ["--override-tensor", "-ot"] },
  ],
  ollama: [],
};

/** Flags that take no value, per engine (so `--enforce-eager --model x` parses right). */
const BOOLEAN_FLAGS: Record<Engine, string[]> = {
  vllm: [
    "--enforce-eager", "--enable-expert-parallel", "-ep", "--trust-remote-code", "--enable-prefix-caching", "--no-enable-prefix-caching",
    "--enable-chunked-prefill", "--no-enable-chunked-prefill", "--disable-log-requests", "--disable-log-stats", "--enable-auto-tool-choice",
    "--enable-lora", "--disable-custom-all-reduce", "--enable-reasoning", "--async-scheduling", "--disable-frontend-multiprocessing",
    "--headless", "--enable-sleep-mode", "--enable-eplb", "--enable-dbo", "--disable-sliding-window", "--skip-tokenizer-init",
    "--enable-prompt-tokens-details", "--disable-fastapi-docs", "--enable-log-requests", "--disable-hybrid-kv-cache-manager",
    "--enable-force-include-usage", "--no-enable-log-requests", "--skip-mm-profiling", "--enable-chunked-local-attn",
  ],
  sglang: [
    "--enable-ep-moe", "--disable-cuda-graph", "--trust-remote-code", "--enable-dp-attention", "--enable-torch-compile",
    "--disable-radix-cache", "--enable-mixed-chunk", "--enable-metrics", "--log-requests", "--enable-deepep-moe", "--disable-overlap-schedule",
  ],
  tgi: ["--trust-remote-code", "--disable-custom-kernels", "--json-output", "--sharded"],
  "llama.cpp": ["--flash-attn", "-fa", "--cont-batching", "-cb", "--mlock", "--no-mmap", "--embedding", "--jinja", "--metrics"],
  ollama: [],
};

/** Environment variables that carry engine settings (TGI's launcher reads every flag from env too). */
const ENV_FIELDS: Partial<Record<Engine, Record<string, { field: FieldName; kind: ValueKind }>>> = {
  tgi: {
    MODEL_ID: { field: "model", kind: "string" },
    HF_MODEL_ID: { field: "model", kind: "string" },
    NUM_SHARD: { field: "tensorParallel", kind: "int" },
    SM_NUM_GPUS: { field: "tensorParallel", kind: "int" },
    QUANTIZE: { field: "quantization", kind: "string" },
    HF_MODEL_QUANTIZE: { field: "quantization", kind: "string" },
    DTYPE: { field: "dtype", kind: "string" },
    KV_CACHE_DTYPE: { field: "kvCacheDtype", kind: "string" },
    MAX_TOTAL_TOKENS: { field: "maxModelLen", kind: "int" },
    MAX_BATCH_PREFILL_TOKENS: { field: "maxNumBatchedTokens", kind: "int" },
    CUDA_MEMORY_FRACTION: { field: "gpuMemoryUtilization", kind: "float" },
  },
  "llama.cpp": {
    LLAMA_ARG_MODEL: { field: "model", kind: "string" },
    LLAMA_ARG_HF_REPO: { field: "model", kind: "string" },
    LLAMA_ARG_N_GPU_LAYERS: { field: "gpuLayers", kind: "int" },
    LLAMA_ARG_CTX_SIZE: { field: "maxModelLen", kind: "int" },
    LLAMA_ARG_N_PARALLEL: { field: "maxNumSeqs", kind: "int" },
    LLAMA_ARG_N_CPU_MOE: { field: "cpuMoeLayers", kind: "int" },
  },
};

/** Images repeat across a repository's manifests; each name is classified once per process. */
const imageEngines = new BoundedCache<Engine | undefined>(1024);

/** The engine an image name reveals when the args are flags only (the image's entrypoint runs the engine). */
export function engineFromImage(image: string | undefined): Engine | undefined {
  return image ? imageEngines.get(image, () => imageEngine(image)) : undefined;
}

function imageEngine(image: string): Engine | undefined {
  const name = image.toLowerCase();
  // Routers, gateways and sidecars of an engine's project (`vllm-router`, `sglang-router`,
  // `production-stack/router`, `llm-d-routing-sidecar`) serve no model.
  const repository = name.slice(name.lastIndexOf("/") + 1).replace(/[:@].*$/, "");
  if (/router|routing|gateway|proxy|scheduler|sidecar|exporter|operator|controller/.test(repository)) return undefined;
  if (/vllm/.test(name)) return "vllm";
  if (/sglang/.test(name)) return "sglang";
  if (/text-generation-inference|huggingface-pytorch-tgi|\btgi\b/.test(name)) return "tgi";
  if (/llama\.cpp|llama-cpp|llamacpp|ggml-org/.test(name)) return "llama.cpp";
  if (/(^|\/)ollama(:|$|\/)/.test(name)) return "ollama";
  return undefined;
}

/**
 * Where an engine command starts in a token list: the index of the first flag/positional and the
 * engine. `vllm serve MODEL`, `python -m vllm.entrypoints.openai.api_server`, `-m sglang.launch_server`,
 * `text-generation-launcher`, `llama-server`.
 */
function findInvocation(tokens: ArgToken[]): { engine: Engine; start: number; positionalModel: boolean } | undefined {
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.operator) continue;
    const base = token.text.slice(token.text.lastIndexOf("/") + 1);
    const next = tokens[i + 1]?.text;
    if (base === "vllm" && next === "serve") return { engine: "vllm", start: i + 2, positionalModel: true };
    if (/^vllm\.entrypoints\.(openai\.)?api_server$/.test(token.text) || token.text === "vllm.entrypoints.cli.main") {
      return { engine: "vllm", start: i + 1, positionalModel: false };
    }
    if (/^sglang\.launch_server$/.test(token.text) || (base === "sglang" && next === "serve")) {
      return { engine: "sglang", start: base === "sglang" ? i + 2 : i + 1, positionalModel: false };
    }
    if (base === "text-generation-launcher") return { engine: "tgi", start: i + 1, positionalModel: false };
    if (base === "llama-server" || (base === "server" && /llama/.test(token.text))) return { engine: "llama.cpp", start: i + 1, positionalModel: false };
  }
  return undefined;
}

const SHELLS = /^(?:\/usr)?(?:\/bin\/)?(?:sh|bash|dash|zsh|ash)$/;

/**
 * Tokens of a container's command + args. A `sh -c SCRIPT` (or `bash -ec`) runs SCRIPT through the
 * shell; otherwise every list item is one argument, except an item that is itself a whole command
 * line (`"vllm serve m --tp 2"`), which is split like the shell would.
 */
export function commandTokens(
  items: DocNode[],
  text: string,
  env: ReadonlyMap<string, string | undefined>,
): { tokens: ArgToken[]; shell: boolean } {
  const tokens: ArgToken[] = [];
  let shell = false;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const raw = str(item);
    if (raw === undefined) continue;
    const expanded = expandKubernetes(raw, env);
    const isShell = SHELLS.test(expanded) && /^-[a-z]*c[a-z]*$/.test(str(items[i + 1]) ?? "");
    // `bash -lc -- SCRIPT` (KubeRay heads): `--` only ends the shell's options.
    const scriptAt = str(items[i + 2]) === "--" ? i + 3 : i + 2;
    if (isShell && items[scriptAt]) {
      tokens.push(...shellTokens(items[scriptAt]!, text, env));
      return { tokens, shell: true };
    }
    if (/\s/.test(expanded.trim()) && /(^|\s)(vllm|python3?|text-generation-launcher|llama-server|--[a-z])/.test(expanded)) {
      tokens.push(...shellTokens(item, text, env));
      shell = true;
    } else {
      // An item whose `$(VAR)` was expanded is not what the file says: keep it unlocated and read-only.
      tokens.push({ text: expanded, from: item, ...(scalarRange(item, raw, text) ?? {}), ...(expanded === raw ? {} : { indirect: true }) });
    }
  }
  return { tokens, shell };
}

/** `$(VAR)` is expanded by Kubernetes from the container's env (`$$(VAR)` escapes it). */
export function expandKubernetes(value: string, env: ReadonlyMap<string, string | undefined>, mark = false): string {
  return value.replace(/(\$?)\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, escape: string, name: string) => {
    if (escape) return whole.slice(1);
    // Not in the container's literal env (a Secret, a downward-API value, or a shell command
    // substitution when no such variable exists): known only at run time.
    // In a script the marker stays empty (the shell parser re-reads the text); in a list item it
    // keeps the reference as written, for messages.
    const unknown = mark ? `${UNKNOWN}${UNKNOWN}` : `${UNKNOWN}$(${name})${UNKNOWN}`;
    if (!env.has(name)) return unknown;
    const known = env.get(name);
    if (known === undefined) return unknown;
    return mark ? `${EXPANDED}${known}${EXPANDED}` : known;
  });
}

/**
 * Marks text that an expansion put into a script (a `$(VAR)` value, an arithmetic result): tokens
 * made of it are not written in the file, so they must never be searched for there — `8` from
 * `$(TP)` would otherwise be "found" inside `8000`.
 */
const EXPANDED = "\u0001";

/**
 * Shell arithmetic `$((A * B))` whose variables are all known (`$SKYPILOT_NUM_GPUS_PER_NODE`,
 * `${NODES}`, bare `NODES`) becomes its value; anything else is left for the caller to treat as unknown.
 */
export function expandArithmetic(script: string, env: ReadonlyMap<string, string | undefined>): string {
  if (!script.includes("$((")) return script;
  return script.replace(/\$\(\(((?:[^()]|\([^()]*\))*)\)\)/g, (whole, expression: string) => {
    let known = true;
    const substituted = expression.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?|\b([A-Za-z_][A-Za-z0-9_]*)\b/g, (_match, dollar?: string, bare?: string) => {
      const value = env.get((dollar ?? bare)!);
      if (value === undefined || !/^\s*-?\d+\s*$/.test(value)) known = false;
      return ` ${value?.trim() ?? "0"} `;
    });
    if (!known) return whole;
    const result = evaluateArithmetic(substituted);
    return result === undefined ? whole : `${EXPANDED}${result}${EXPANDED}`;
  });
}

/** Integer arithmetic of the shell (`+ - * / %`, parentheses); undefined for anything else. */
function evaluateArithmetic(expression: string): number | undefined {
  const tokens = expression.match(/\d+|[-+*/%()]|\S/g) ?? [];
  let position = 0;
  const primary = (): number | undefined => {
    const token = tokens[position++];
    if (token === "(") {
      const value = sum();
      return tokens[position++] === ")" ? value : undefined;
    }
    if (token === "-") {
      const value = primary();
      return value === undefined ? undefined : -value;
    }
    return token !== undefined && /^\d+$/.test(token) ? Number(token) : undefined;
  };
  const product = (): number | undefined => {
    let value = primary();
    while (value !== undefined && /^[*/%]$/.test(tokens[position] ?? "")) {
      const operator = tokens[position++];
      const right = primary();
      if (right === undefined || (operator !== "*" && right === 0)) return undefined;
      value = operator === "*" ? value * right : operator === "/" ? Math.trunc(value / right) : value % right;
    }
    return value;
  };
  const sum = (): number | undefined => {
    let value = product();
    while (value !== undefined && /^[-+]$/.test(tokens[position] ?? "")) {
      const operator = tokens[position++];
      const right = product();
      if (right === undefined) return undefined;
      value = operator === "+" ? value + right : value - right;
    }
    return value;
  };
  const value = sum();
  return position === tokens.length && value !== undefined && Number.isSafeInteger(value) ? value : undefined;
}

function scalarRange(item: DocNode, raw: string, text: string): { range: [number, number] } | undefined {
  if (item.embedded) return undefined;
  const [start, end] = item.node.range;
  const source = text.slice(start, end);
  if (source === raw) return { range: [start, end] };
  const at = source.indexOf(raw);
  if (at >= 0 && source.indexOf(raw, at + 1) < 0) return { range: [start + at, start + at + raw.length] };
  return undefined;
}

/**
 * Splits a shell script into tokens with shell-quote. Line continuations are joined first, and
 * command substitutions (`$(…)`, `$((…))`) become unknown values, which shell-quote would otherwise
 * split into operators. Variables are resolved from the container env and from `NAME=value`
 * assignments earlier in the script.
 */
export function shellTokens(item: DocNode, text: string, env: ReadonlyMap<string, string | undefined>): ArgToken[] {
  const raw = str(item);
  if (raw === undefined) return [];
  const script = replaceSubstitutions(separateLines(expandArithmetic(expandKubernetes(raw, env, true).replace(/\\\r?\n/g, " "), env)));
  let parsed: ReturnType<typeof parseShell>;
  try {
    parsed = parseShell(script, (name: string) => `${UNKNOWN}${name}${UNKNOWN}`);
  } catch {
    return [];
  }
  const variables = new Map(env);
  const tokens: ArgToken[] = [];
  const source = item.embedded ? "" : text.slice(item.node.range[0], item.node.range[1]);
  let cursor = 0;
  let commandStart = true;
  for (const entry of parsed) {
    if (typeof entry !== "string") {
      if ("op" in entry && entry.op !== "glob") {
        tokens.push({ text: entry.op, from: item, operator: true });
        commandStart = true;
      }
      continue;
    }
    if (entry === "") continue;
    const value = substituteVariables(entry, variables).replaceAll(EXPANDED, "");
    const assignment = commandStart ? /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(value) : null;
    if (assignment) {
      variables.set(assignment[1]!, assignment[2]!.includes(UNKNOWN) ? undefined : assignment[2]);
      continue;
    }
    if (commandStart && value === "export") continue;
    commandStart = false;
    // Locate the token verbatim in the file (unquoted tokens and simple quoted ones are).
    const token: ArgToken = { text: value, from: item, shell: true };
    if (source && !value.includes(UNKNOWN) && !entry.includes(EXPANDED)) {
      const at = source.indexOf(entry, cursor);
      if (at >= 0) {
        token.range = [item.node.range[0] + at, item.node.range[0] + at + entry.length];
        const quote = source[at - 1];
        // A shell quote around the token, not the YAML/JSON scalar's own delimiters.
        const delimited = source[0] === '"' || source[0] === "'";
        const inner = !(delimited && (at - 1 === 0 || at + entry.length === source.length - 1));
        if (inner && (quote === "'" || quote === '"') && source[at + entry.length] === quote) token.end = token.range[1] + 1;
        cursor = at + entry.length;
      }
    }
    tokens.push(token);
  }
  return tokens;
}

/**
 * What shell-quote does not know about scripts: a `#` comment ends at the end of its line (shell-quote
 * would swallow the rest of the script), and a newline ends a command like `;` does.
 */
function separateLines(script: string): string {
  if (!script.includes("\n") && !script.includes("#")) return script;
  let result = "";
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < script.length; i++) {
    const char = script[i]!;
    if (quote) {
      if (char === "\\" && quote === '"') {
        result += char + (script[i + 1] ?? "");
        i++;
        continue;
      }
      if (char === quote) quote = undefined;
      result += char;
      continue;
    }
    if (char === "\\") {
      result += char + (script[i + 1] ?? "");
      i++;
    } else if (char === "'" || char === '"') {
      quote = char;
      result += char;
    } else if (char === "#" && (i === 0 || /[\s;&|(]/.test(script[i - 1]!))) {
      const end = script.indexOf("\n", i);
      if (end < 0) break;
      result += " ".repeat(end - i);
      i = end - 1;
    } else if (char === "\n" || (char === "\r" && script[i + 1] === "\n")) {
      if (char === "\r") i++;
      result += char === "\r" ? "; " : ";";
    } else {
      result += char;
    }
  }
  return result;
}

function replaceSubstitutions(script: string): string {
  let result = "";
  for (let i = 0; i < script.length; i++) {
    if (script[i] === "$" && script[i + 1] === "(") {
      let depth = 0;
      let j = i + 1;
      for (; j < script.length; j++) {
        if (script[j] === "(") depth++;
        else if (script[j] === ")" && --depth === 0) break;
      }
      result += `${UNKNOWN}${UNKNOWN}`;
      i = j;
    } else if (script[i] === "`") {
      const end = script.indexOf("`", i + 1);
      result += `${UNKNOWN}${UNKNOWN}`;
      i = end < 0 ? script.length : end;
    } else {
      result += script[i];
    }
  }
  return result;
}

/** `\0NAME\0` placeholders → known values; `${NAME:-default}` uses the default when NAME is unknown. */
function substituteVariables(value: string, variables: ReadonlyMap<string, string | undefined>): string {
  return value.replace(/\u0000([^\u0000]*)\u0000/g, (whole, name: string) => {
    const withDefault = /^([A-Za-z_][A-Za-z0-9_]*):?-(.*)$/s.exec(name);
    const key = withDefault ? withDefault[1]! : name;
    const known = variables.get(key);
    if (known !== undefined) return known;
    if (withDefault && !variables.has(key)) return withDefault[2]!;
    // Unknown: keep the variable's name for messages (`$TP`); a command substitution has none.
    return key === "" ? whole : `${UNKNOWN}$${key}${UNKNOWN}`;
  });
}

export interface EngineCall {
  engine: Engine;
  fields: LocatedFields;
  unresolved: Partial<Record<FieldName, UnresolvedValue>>;
  /** Where to add a flag that is not written yet. */
  args?: ArgsTarget;
}

function normalizeFlag(flag: string): string {
  const match = /^(-{1,2})(.*)$/.exec(flag);
  if (!match) return flag;
  return match[1] + match[2]!.replace(/_/g, "-");
}

/** A written flag → its spec: exact, then the unique known flag it abbreviates (argparse allow_abbrev). */
function lookupFlag(engine: Engine, flag: string): { spec?: FlagSpec; boolean: boolean; canonical: string } | undefined {
  const specs = FLAGS[engine];
  const exact = specs.find((spec) => spec.names.includes(flag));
  if (exact) return { spec: exact, boolean: exact.kind === "bool" || exact.kind === "allLayers", canonical: flag };
  if (BOOLEAN_FLAGS[engine].includes(flag)) return { boolean: true, canonical: flag };
  if (flag.startsWith("--no-") && BOOLEAN_FLAGS[engine].includes(`--${flag.slice(5)}`)) return { boolean: true, canonical: flag };
  if (flag.startsWith("--") && flag.length > 4) {
    const longNames = specs.flatMap((spec) => spec.names.filter((name) => name.startsWith("--")).map((name) => ({ name, spec })));
    const matches = longNames.filter(({ name }) => name.startsWith(flag));
    if (matches.length === 1) return { spec: matches[0]!.spec, boolean: matches[0]!.spec.kind === "bool", canonical: matches[0]!.name };
  }
  return undefined;
}

/** Parses a flag value; undefined when it is not a valid value of that kind. */
export function parseValue(kind: ValueKind, raw: string): string | number | boolean | undefined {
  const text = raw.trim();
  switch (kind) {
    case "string":
      return text === "" ? undefined : text;
    case "int":
      return /^\d+$/.test(text) ? Number(text) : undefined;
    case "float":
      return /^(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(text) ? Number(text) : undefined;
    case "size": {
      // vLLM's human-readable sizes: 32k = 32,000, 32K = 32,768, 1m = 1,000,000, 1M = 1,048,576.
      const match = /^(\d+(?:\.\d+)?)([kKmMgG]?)$/.exec(text);
      if (!match) return undefined;
      const factor: Record<string, number> = { "": 1, k: 1e3, K: 1024, m: 1e6, M: 2 ** 20, g: 1e9, G: 2 ** 30 };
      const value = Number(match[1]) * factor[match[2]!]!;
      return Number.isInteger(value) ? value : Math.floor(value);
    }
    case "allLayers":
      return /^(true|1|yes|on)$/i.test(text) ? ALL_LAYERS : undefined;
    case "expertOverride":
      // `-ot ".ffn_.*_exps.=CPU"`: expert tensors to the CPU — for every layer the pattern matches.
      return /exps[^=]*=\s*cpu/i.test(text) ? ALL_LAYERS : undefined;
    case "bool":
      if (/^(true|1|yes|on)$/i.test(text)) return true;
      if (/^(false|0|no|off)$/i.test(text)) return false;
      return undefined;
  }
}

function setField(
  call: EngineCall,
  spec: FlagSpec,
  rawValue: string,
  token: ArgToken,
  range: [number, number] | undefined,
  source: string,
  flagTokens: ArgToken[] = [],
): void {
  const node = token.from.node;
  if (rawValue.includes(UNKNOWN)) {
    const raw = rawValue.replace(/\u0000([^\u0000]*)\u0000/g, (_marker, written: string) => written || "$…");
    call.unresolved[spec.field] = { raw, node, reason: "variable" };
    delete call.fields[spec.field];
    return;
  }
  const value = parseValue(spec.kind, rawValue);
  // An override that moves other tensors is simply not an expert offload.
  if (value === undefined && spec.kind === "expertOverride") return;
  if (value === undefined) {
    call.unresolved[spec.field] = { raw: rawValue, node, reason: "invalid" };
    delete call.fields[spec.field];
    return;
  }
  // The last occurrence wins, as in argparse.
  // A shell token found nowhere verbatim (it came from `$VAR`) must not be "replaced" by rewriting the whole script.
  const readonly = token.from.embedded || token.indirect === true || (token.shell === true && !range);
  const removal = removalOf(flagTokens);
  const located: Located<unknown> = {
    value,
    node,
    source,
    ...(range ? { range } : {}),
    ...(readonly ? { readonly: true } : {}),
    ...(removal ? { removal } : {}),
  };
  (call.fields as Record<string, Located<unknown>>)[spec.field] = located;
  delete call.unresolved[spec.field];
}

/** How to remove a flag written as these tokens: whole list items, or one range of a shell string. */
function removalOf(tokens: ArgToken[]): Located<unknown>["removal"] {
  if (tokens.length === 0 || tokens.some((token) => token.from.embedded)) return undefined;
  if (tokens.every((token) => !token.shell && token.range)) {
    const items = [...new Set(tokens.map((token) => token.from))];
    if (items.length === tokens.length) return { items };
  }
  const first = tokens[0]!.range;
  const last = tokens[tokens.length - 1]!.range;
  if (first && last && tokens.every((token) => token.from === tokens[0]!.from)) return { range: [first[0], last[1]] };
  return undefined;
}

export interface ParseEngineOptions {
  /** Engine known from the image, for args-only containers. */
  imageEngine?: Engine;
  /** The list node the tokens came from when they are plain list items (for adding flags). */
  argsList?: DocNode;
}

/**
 * Reads the engine invocation out of tokens. Returns undefined when no engine runs there.
 * With `imageEngine`, tokens without an engine command are that engine's flags (the image's
 * entrypoint runs it: `vllm/vllm-openai` with args only).
 */
export function parseEngineCall(tokens: ArgToken[], options: ParseEngineOptions = {}): EngineCall | undefined {
  let invocation = findInvocation(tokens);
  if (!invocation && options.imageEngine && tokens.some((token) => token.text.startsWith("-"))) {
    // Args-only: the image's entrypoint is the engine; `serve` may still lead (vllm-openai images take `vllm serve` args).
    const start = tokens[0]?.text === "serve" ? 1 : 0;
    invocation = { engine: options.imageEngine, start, positionalModel: start === 1 };
  }
  if (!invocation) return undefined;
  const { engine } = invocation;
  const call: EngineCall = { engine, fields: {}, unresolved: {} };

  // The engine command ends at the next shell operator.
  let end = tokens.length;
  for (let i = invocation.start; i < tokens.length; i++) {
    if (tokens[i]!.operator) {
      end = i;
      break;
    }
  }
  let i = invocation.start;
  if (invocation.positionalModel && i < end && !tokens[i]!.text.startsWith("-")) {
    const token = tokens[i]!;
    setField(call, FLAGS[engine][0]!, token.text, token, token.range, "model");
    i++;
  }
  let equalsStyle = 0;
  let separateStyle = 0;
  for (; i < end; i++) {
    const token = tokens[i]!;
    if (!token.text.startsWith("-") || token.text === "-" || token.text === "--") continue;
    const eq = token.text.indexOf("=");
    const written = eq > 0 ? token.text.slice(0, eq) : token.text;
    const flag = lookupFlag(engine, normalizeFlag(written));
    if (!flag) {
      // An unknown flag: it takes the next token as its value unless that looks like a flag.
      if (eq < 0 && i + 1 < end && !tokens[i + 1]!.text.startsWith("-")) i++;
      continue;
    }
    if (flag.boolean) {
      if (flag.spec) {
        const value = eq > 0 ? token.text.slice(eq + 1) : written.startsWith("--no-") ? "false" : "true";
        setField(call, flag.spec, value, token, token.range, flag.canonical, [token]);
      }
      continue;
    }
    let rawValue: string;
    let valueToken: ArgToken;
    let range: [number, number] | undefined;
    if (eq > 0) {
      equalsStyle++;
      rawValue = token.text.slice(eq + 1);
      valueToken = token;
      range = token.range ? [token.range[0] + eq + 1, token.range[1]] : undefined;
    } else {
      separateStyle++;
      const next = tokens[i + 1];
      if (!next || i + 1 >= end) continue;
      rawValue = next.text;
      valueToken = next;
      range = next.range;
      i++;
    }
    if (flag.spec) setField(call, flag.spec, rawValue, valueToken, range, flag.canonical, valueToken === token ? [token] : [token, valueToken]);
  }

  // Where a new flag would go: the list the tokens are items of, or after the command's last token.
  if (options.argsList && options.argsList.type === "seq" && !options.argsList.embedded) {
    call.args = { kind: "list", node: options.argsList, equals: equalsStyle > separateStyle };
  } else {
    const last = tokens.slice(invocation.start > 0 ? invocation.start - 1 : 0, end).reverse().find((token) => token.range && !token.operator);
    if (last?.range && !last.from.embedded) call.args = { kind: "string", node: last.from, insertAt: last.end ?? last.range[1] };
  }
  return call;
}

/** Engine settings carried by environment variables (TGI `MODEL_ID`, `NUM_SHARD`…; llama.cpp `LLAMA_ARG_*`). */
export function applyEnvFields(call: EngineCall, env: ReadonlyMap<string, { value: string | undefined; node: DocNode }>): void {
  const table = ENV_FIELDS[call.engine];
  if (!table) return;
  for (const [name, { field, kind }] of Object.entries(table)) {
    const entry = env.get(name);
    if (!entry || call.fields[field]) continue;
    const spec: FlagSpec = { field, kind, names: [name] };
    const token: ArgToken = { text: entry.value ?? UNKNOWN, from: entry.node };
    setField(call, spec, entry.value ?? `${UNKNOWN}${UNKNOWN}`, token, undefined, name);
  }
}

/** The flag to write for a field in an engine's command line (the long form). */
export function flagFor(engine: Engine, field: FieldName): string | undefined {
  return FLAGS[engine].find((spec) => spec.field === field)?.names.find((name) => name.startsWith("--"));
}

/** Values as a DeploymentValues object (for resolution). */
export function valuesOf(fields: LocatedFields): DeploymentValues {
  const values: Record<string, unknown> = {};
  for (const [field, located] of Object.entries(fields)) if (located) values[field] = located.value;
  return values as DeploymentValues;
}
