/**
 * The argument reader: an engine's invocation among argument tokens (from the shell expander,
 * `shell.ts`) and its flags (`--flag value`, `--flag=value`, short aliases, underscore spellings,
 * argparse prefix abbreviations where the engine's parser has them) read into located deployment
 * fields. What each engine's flags are lives in its module (src/engines).
 */
import type { DeploymentValues } from "../resolve.js";
import type { Engine } from "../sizing/types.js";
import { type EngineProfile, engineById, type FlagSpec, engineCommandAt, findEngineCommand, parseFlagValue } from "../engines/index.js";
import type { DocNode } from "./doc.js";
import { str } from "./doc.js";
import { type ArgToken, isScriptFile, UNKNOWN } from "./shell.js";
import type { ArgsTarget, FieldName, Located, LocatedFields, UnresolvedValue } from "./types.js";

// Adapters written against the single module this was split from import these from here.
export { commandTokens, expandArithmetic, expandKubernetes, shellTokens, type ArgToken } from "./shell.js";
export { engineFromImage, flagFor } from "../engines/index.js";

export { ALL_LAYERS, parseFlagValue as parseValue } from "../engines/index.js";

export interface EngineCall {
  engine: Engine;
  fields: LocatedFields;
  unresolved: Partial<Record<FieldName, UnresolvedValue>>;
  /** Where to add a flag that is not written yet. */
  args?: ArgsTarget;
  /** The config file the engine is told to read (`--config`, TensorRT-LLM `--extra_llm_api_options`). */
  configFile?: Located<string>;
  /** The file of the model's repository (llama.cpp `--hf-file`), joined to the model once the call is read. */
  modelFile?: Located<string>;
}

/** `--tp_size` and `--tp-size` are one flag to compare (the engines' parsers accept one or the other; reading both is harmless). */
function normalizeFlag(flag: string): string {
  if (!flag.includes("_")) return flag;
  const match = /^(-{1,2})(.*)$/.exec(flag);
  if (!match) return flag;
  return match[1] + match[2]!.replace(/_/g, "-");
}

interface FlagTable {
  /** By normalized spelling: the spec and the engine's own spelling of the flag (for messages). */
  specs: Map<string, { spec: FlagSpec; name: string }>;
  switches: Set<string>;
  longNames: Array<{ normalized: string; name: string; spec?: FlagSpec }>;
  abbreviations: boolean;
}

const tables = new Map<string, FlagTable>();

/** An engine's flags by normalized spelling, with the flags a wrapper adds (FastChat, Dynamo). */
function flagTable(profile: EngineProfile, extraFlags: readonly FlagSpec[] = []): FlagTable {
  const key = extraFlags.length > 0 ? `${profile.id}+${extraFlags.map((spec) => spec.names.join(",")).join(";")}` : profile.id;
  let table = tables.get(key);
  if (!table) {
    const specs = new Map<string, { spec: FlagSpec; name: string }>();
    for (const spec of [...extraFlags, ...profile.flags]) {
      for (const name of spec.names) if (!specs.has(normalizeFlag(name))) specs.set(normalizeFlag(name), { spec, name });
    }
    const longNames: FlagTable["longNames"] = [...specs].filter(([normalized]) => normalized.startsWith("--")).map(([normalized, entry]) => ({ normalized, ...entry }));
    // Flags not read still make an abbreviation ambiguous, as they do to the engine's argparse.
    for (const name of [...profile.switches, ...(profile.prefixSiblings ?? [])]) if (!specs.has(normalizeFlag(name))) longNames.push({ normalized: normalizeFlag(name), name });
    table = { specs, switches: new Set(profile.switches.map(normalizeFlag)), longNames, abbreviations: profile.abbreviations };
    tables.set(key, table);
  }
  return table;
}

/** The model named by position (`vllm serve MODEL`, `trtllm-serve MODEL`, `lmdeploy serve api_server MODEL`). */
const POSITIONAL_MODEL: FlagSpec = { field: "model", kind: "string", names: [] };

function takesNoValue(spec: FlagSpec): boolean {
  return spec.kind === "bool" || spec.kind === "allLayers";
}

/** A written flag → its spec: exact, then the unique known flag it abbreviates (argparse allow_abbrev). */
function lookupFlag(table: FlagTable, flag: string): { spec?: FlagSpec; boolean: boolean; canonical: string } | undefined {
  const exact = table.specs.get(flag);
  if (exact) return { spec: exact.spec, boolean: takesNoValue(exact.spec), canonical: exact.name };
  if (table.switches.has(flag)) return { boolean: true, canonical: flag };
  if (flag.startsWith("--no-") && table.switches.has(`--${flag.slice(5)}`)) return { boolean: true, canonical: flag };
  if (table.abbreviations && flag.startsWith("--") && flag.length > 4) {
    const matches = table.longNames.filter(({ normalized }) => normalized.startsWith(flag));
    const only = matches.length === 1 ? matches[0]! : undefined;
    if (only?.spec) return { spec: only.spec, boolean: only.spec.kind === "bool", canonical: only.name };
    if (only) return { boolean: profileSwitch(table, only.normalized), canonical: only.name };
  }
  return undefined;
}

/** Whether a flag the table lists without reading it takes no value. */
function profileSwitch(table: FlagTable, normalized: string): boolean {
  return table.switches.has(normalized);
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
  if (spec.field === "configFile") {
    // A config file named by a variable cannot be found; a written one is looked up by the adapter.
    if (!rawValue.includes(UNKNOWN) && rawValue.trim() !== "") call.configFile = { value: rawValue.trim(), node, source, readonly: true };
    return;
  }
  if (spec.field === "modelFile") {
    // A file named by a variable leaves the repository's default, which the resolution states as assumed.
    if (!rawValue.includes(UNKNOWN) && rawValue.trim() !== "") call.modelFile = { value: rawValue.trim(), node, source, readonly: true };
    joinModelFile(call);
    return;
  }
  const field: FieldName = spec.field;
  if (rawValue.includes(UNKNOWN)) {
    const raw = rawValue.replace(/\u0000([^\u0000]*)\u0000/g, (_marker, written: string) => written || "$…");
    call.unresolved[field] = { raw, node, reason: "variable", source, ...(range ? { range } : {}) };
    delete call.fields[field];
    return;
  }
  const value = parseFlagValue(spec.kind, rawValue);
  // An override that moves other tensors is simply not an expert offload.
  if (value === undefined && spec.kind === "expertOverride") return;
  if (value === undefined) {
    // `${…}` (a Terraform expression, a compose variable) is resolved at deploy time, not malformed.
    call.unresolved[field] = { raw: rawValue, node, reason: /\$\{/.test(rawValue) ? "variable" : "invalid", source, ...(range ? { range } : {}) };
    delete call.fields[field];
    return;
  }
  // The last occurrence wins, as in argparse.
  // A shell token found nowhere verbatim (it came from `$VAR`) must not be "replaced" by rewriting the whole script.
  const readonly = token.from.embedded || token.indirect === true || (token.shell === true && !range);
  const removal = removalOf(flagTokens);
  const located: Located<unknown> = { value, node, source };
  if (range) located.range = range;
  if (readonly) located.readonly = true;
  if (removal) located.removal = removal;
  (call.fields as Record<string, Located<unknown>>)[field] = located;
  delete call.unresolved[field];
  if (field === "model") joinModelFile(call);
}

/**
 * `--hf-repo owner/repo-GGUF --hf-file model-Q8_0.gguf` loads that file, so the model is read as
 * `owner/repo-GGUF/model-Q8_0.gguf`: the file's quant type is the format, as for a file written in
 * a Hub URL. The joined name is not in the file as one text, so it is not edited in place.
 */
function joinModelFile(call: EngineCall): void {
  const model = call.fields.model;
  const file = call.modelFile?.value;
  if (!model || !file || typeof model.value !== "string") return;
  const repository = model.value.replace(/:[^/:]*$/, ""); // `-hf repo:Q4_K_M` names a tag the file replaces
  if (/\.gguf$/i.test(repository) || repository.startsWith("/") || repository.startsWith(".")) return;
  call.fields.model = { ...model, value: `${repository}/${file.replace(/^.*\//, "")}`, readonly: true };
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

/**
 * The models further commands of the same engine name later in the script (`ollama pull a && ollama
 * pull b`), as `others` of the model: an engine that loads models in turn serves each alone.
 */
function laterModels(call: EngineCall, tokens: ArgToken[], from: number): void {
  const others: Array<Located<string>> = [];
  for (let at = from; at < tokens.length && others.length < MAX_LATER_MODELS; at++) {
    const later = engineCommandAt(tokens, at);
    const token = later?.engine === call.engine && later.positionalModel ? tokens[later.start] : undefined;
    if (!token || token.operator || token.text.startsWith("-")) continue;
    const one: EngineCall = { engine: call.engine, fields: {}, unresolved: {} };
    setField(one, POSITIONAL_MODEL, token.text, token, token.range, "model");
    const model = one.fields.model as Located<string> | undefined;
    if (model && model.value !== call.fields.model!.value && !others.some((other) => other.value === model.value)) others.push(model);
  }
  if (others.length > 0) call.fields.model = { ...(call.fields.model as Located<string>), others };
}

/** Models a script's later commands add at most (a hostile file could list thousands). */
const MAX_LATER_MODELS = 16;

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
/** Whether a command line runs a script file: the script itself, or a shell or Python given one (not `-c`). */
function runsScript(tokens: readonly ArgToken[]): boolean {
  const first = tokens[0]?.text;
  if (first === undefined) return false;
  if (isScriptFile(first)) return true;
  return /^(?:\/usr)?(?:\/bin\/)?(?:(?:ba|da|z)?sh|python3?)$/.test(first) && isScriptFile(tokens[1]?.text ?? "");
}

/** Whether the tokens are commands the shell joins: an operator with a word after it (a script's last newline is none). */
export function joinsCommands(tokens: readonly ArgToken[]): boolean {
  const first = tokens.findIndex((token) => token.operator);
  return first >= 0 && tokens.some((token, index) => index > first && !token.operator);
}

export function parseEngineCall(tokens: ArgToken[], options: ParseEngineOptions = {}): EngineCall | undefined {
  let invocation = findEngineCommand(tokens);
  // A script in place of the image's entrypoint (`/bin/bash /vllm-entrypoint.sh`, `./start.sh --port 8000`):
  // what it starts, and with which of the items after it, is in the script.
  if (!invocation && options.imageEngine && runsScript(tokens)) return undefined;
  // Commands joined by the shell (`tr -d '\r' < /entrypoint.sh > /tmp/ep.sh && exec bash /tmp/ep.sh`) are
  // a script in the entrypoint's place, never the image's args: it starts no engine here.
  if (!invocation && options.imageEngine && joinsCommands(tokens)) return undefined;
  if (!invocation && options.imageEngine && tokens.some((token) => token.text.startsWith("-"))) {
    // Args-only: the image's entrypoint is the engine; `serve` may still lead (vllm-openai images take `vllm serve` args).
    const start = tokens[0]?.text === "serve" ? 1 : 0;
    invocation = { engine: options.imageEngine, start, positionalModel: start === 1 || engineById(options.imageEngine).imageTakesPositionalModel === true };
  }
  if (!invocation) return undefined;
  const { engine } = invocation;
  const table = flagTable(engineById(engine), invocation.extraFlags);
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
    setField(call, POSITIONAL_MODEL, token.text, token, token.range, "model");
    i++;
  }
  if (engineById(engine).loadsModelsInTurn && call.fields.model) laterModels(call, tokens, end);
  let equalsStyle = 0;
  let separateStyle = 0;
  // The model may also follow the options (`vllm serve --revision abc $MODEL`: argparse takes positionals anywhere).
  let positionalOpen = invocation.positionalModel && !call.fields.model;
  for (; i < end; i++) {
    const token = tokens[i]!;
    if (!token.text.startsWith("-")) {
      if (positionalOpen && !call.fields.model && !call.unresolved.model) setField(call, POSITIONAL_MODEL, token.text, token, token.range, "model");
      positionalOpen = false;
      continue;
    }
    if (token.text === "-" || token.text === "--") continue;
    const eq = token.text.indexOf("=");
    const written = eq > 0 ? token.text.slice(0, eq) : token.text;
    const flag = lookupFlag(table, normalizeFlag(written));
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

/**
 * Argument tokens of a list of `{name, value}` pairs, as LoRAX's chart writes the launcher's flags
 * (`- name: --model-id` / `value: mistralai/Mistral-7B-Instruct-v0.1`). Values are edited in place
 * in their own style; a pair without a value is a switch.
 */
export function namedArgTokens(list: DocNode | undefined): ArgToken[] {
  const tokens: ArgToken[] = [];
  for (const item of list?.items() ?? []) {
    const nameNode = item.get("name");
    const name = str(nameNode);
    if (!nameNode || !name) continue;
    tokens.push({ text: name.startsWith("-") ? name : `--${name}`, from: nameNode });
    const valueNode = item.get("value");
    if (valueNode?.type === "scalar" && valueNode.value !== null) tokens.push({ text: String(valueNode.value), from: valueNode });
  }
  return tokens;
}

/**
 * The call of a container whose image runs an engine that serves without any flags, reading its
 * settings from env (TGI's `MODEL_ID`, llama.cpp's `LLAMA_ARG_*`); undefined for other engines.
 */
export function imageOnlyCall(engine: Engine | undefined): EngineCall | undefined {
  return engine && engineById(engine).servesWithoutFlags ? { engine, fields: {}, unresolved: {} } : undefined;
}

/** Engine settings carried by environment variables (TGI `MODEL_ID`, `NUM_SHARD`…; llama.cpp `LLAMA_ARG_*`). */
export function applyEnvFields(call: EngineCall, env: ReadonlyMap<string, { value: string | undefined; node: DocNode }>): void {
  for (const [name, { field, kind }] of Object.entries(engineById(call.engine).env)) {
    const entry = env.get(name);
    if (!entry || (field === "modelFile" ? call.modelFile : call.fields[field])) continue;
    const spec: FlagSpec = { field, kind, names: [name] };
    const token: ArgToken = { text: entry.value ?? UNKNOWN, from: entry.node };
    // Unknown: said as written (`${var.hf_model_id}`), when it is one short expression.
    const written = str(entry.node);
    const shown = written !== undefined && written.length <= 64 && !written.includes(UNKNOWN) && /^\$\{[^{}]+\}$|^\$\w+$/.test(written.trim()) ? written.trim() : "";
    setField(call, spec, entry.value ?? `${UNKNOWN}${shown}${UNKNOWN}`, token, undefined, name);
  }
}

/** Values as a DeploymentValues object (for resolution). */
export function valuesOf(fields: LocatedFields): DeploymentValues {
  const values: Record<string, unknown> = {};
  for (const field in fields) {
    const located = fields[field as keyof LocatedFields];
    if (located) values[field] = located.value;
  }
  return values as DeploymentValues;
}
