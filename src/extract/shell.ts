/**
 * The shell expander: a container's command and args (YAML/JSON lists, or a shell string inside
 * `sh -c`, folded scalars, `\\` continuations) as argument tokens. Kubernetes `$(VAR)` and shell
 * `$VAR`/`${VAR}` expand from literal env values, `NAME=value` assignments earlier in a script are
 * followed, shell arithmetic of known values is computed; whatever is only known at run time is
 * marked so the argument reader leaves it unresolved. Every token remembers where it is written.
 */
import { parse as parseShell } from "shell-quote";
import { engineCommandAt, modelPullRequestAt } from "../engines/index.js";
import type { DocNode } from "./doc.js";
import { rangeInScalar, scalarView, str } from "./doc.js";
import { BoundedCache } from "../memo.js";

/** Marks text that stands for something only known at run time (a variable, a command substitution). */
export const UNKNOWN = "\u0000";

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
  /** On a command's first word: the `CUDA_VISIBLE_DEVICES` (or ROCm's, NVIDIA's container) list it runs with, exported or prefixed. */
  visibleDevices?: string;
  /** On the first word of a REST request read as an engine command (`curl …/api/pull`): the host it is sent to. */
  serverAddress?: string;
  /** The variable the word is the value of (`$MODEL_PATH`), when it is one and nothing else. */
  variable?: string;
  /** On a command's first word: a model it is given in a variable set before it (`MODEL_ID=… bash serve.sh`). */
  modelPrefix?: ArgToken;
}

/** Whether a word names a script file a command runs (`./prefill.sh`, `/app/start.sh`, `serve.py`). */
export function isScriptFile(word: string): boolean {
  return /^(?:\.{0,2}\/)?[\w./-]*\.(?:sh|py)$/.test(word);
}

/** One list item that is a whole command line (`"vllm serve m --tp 2"`), to be split like the shell would. */
function isCommandLine(item: string): boolean {
  if (/(^|\s)(python3?|--[a-z])/.test(item)) return true;
  const words = item.trim().split(/\s+/).map((text) => ({ text }));
  return words.some((_word, index) => engineCommandAt(words, index) !== undefined);
}

export const SHELLS = /^(?:\/usr)?(?:\/bin\/)?(?:sh|bash|dash|zsh|ash)$/;

/** A shell's option cluster that takes a script (`-c`, `-lc`, `-ec`). */
export function isScriptFlag(token: string | undefined): boolean {
  return token !== undefined && /^-[a-z]+$/.test(token) && token.includes("c");
}

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
    const isShell = SHELLS.test(expanded) && isScriptFlag(str(items[i + 1]));
    // `bash -lc -- SCRIPT` (KubeRay heads): `--` only ends the shell's options.
    const scriptAt = str(items[i + 2]) === "--" ? i + 3 : i + 2;
    // `sh -c` given no script (its script under a mistyped key) runs nothing: no word of it is an argument.
    if (isShell && !items[scriptAt] && str(items[scriptAt - 1]) !== undefined) return { tokens, shell: true };
    if (isShell && items[scriptAt]) {
      // `sh -c SCRIPT NAME ARG…`: the items after the script are its `$0` and its arguments, which
      // `"$@"` passes on (an entrypoint wrapper's `exec vllm serve "$@"` before a command list).
      const args = items.slice(scriptAt + 2).map((each) => listToken(each, text, env)).filter((token) => token !== undefined);
      tokens.push(...shellTokens(items[scriptAt]!, text, env, args));
      return { tokens, shell: true };
    }
    if (/\s/.test(expanded.trim()) && isCommandLine(expanded)) {
      // A command line that is itself a shell's (`bash -c "source env.sh && exec llama-server …"`, a llama-swap `cmd`): its script.
      tokens.push(...runScript(shellTokens(item, text, env), text, env));
      shell = true;
    } else {
      tokens.push(listToken(item, text, env)!);
    }
  }
  return { tokens, shell };
}

/** `"$@"` and `"$*"` in a script, as the tokenizer leaves them: every argument the script was given. */
const ALL_ARGUMENTS = `${UNKNOWN}\${@}${UNKNOWN}`;
const ALL_ARGUMENTS_JOINED = `${UNKNOWN}\${*}${UNKNOWN}`;

/** One list item as one argument. An item whose `$(VAR)` was expanded is not what the file says: unlocated and read-only. */
function listToken(item: DocNode, text: string, env: ReadonlyMap<string, string | undefined>): ArgToken | undefined {
  const raw = str(item);
  if (raw === undefined) return undefined;
  const expanded = expandKubernetes(raw, env);
  const token: ArgToken = { text: expanded, from: item };
  const range = rangeInScalar(item, raw, text);
  if (range) token.range = range;
  if (expanded !== raw) token.indirect = true;
  return token;
}

/**
 * A command line's tokens as the process runs them: `sh -c SCRIPT` (or `bash -lc`) runs SCRIPT,
 * which is split again with `env` — a command written as one string (compose's `command: bash -c
 * "…"`, a Truss `start_command`), or an entrypoint `/bin/sh` with the command `-c "…"`. The
 * script's tokens are not located in the file (it was one token there).
 */
export function runScript(tokens: ArgToken[], text: string, env: ReadonlyMap<string, string | undefined>): ArgToken[] {
  if (tokens.length < 3 || !SHELLS.test(tokens[0]!.text) || !isScriptFlag(tokens[1]!.text)) return tokens;
  // `bash -lc -- SCRIPT`: `--` only ends the shell's options.
  const script = tokens[tokens[2]!.text === "--" ? 3 : 2];
  // The script's unknown variables read again as written (`$MODEL`, `${var.model}`), not as the markers the outer parse left.
  return script ? shellTokens(scalarView(script.text.replace(/\u0000(\$[^\u0000]+)\u0000/g, "$1"), script.from.node), text, env) : tokens;
}

/** `$(VAR)` is expanded by Kubernetes from the container's env (`$$(VAR)` escapes it). */
export function expandKubernetes(value: string, env: ReadonlyMap<string, string | undefined>, mark = false): string {
  if (!value.includes("$(")) return value;
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

/**
 * shell-quote's words of a script (undefined when it cannot split it), kept per process by the
 * script's text: the suggestion checks read the same container again, and a repository's manifests
 * repeat their launch scripts. Treated as read-only by `shellTokens`, the one reader.
 */
const shellParses = new BoundedCache<ReturnType<typeof parseShell> | undefined>(256, 16_384);

function shellWords(script: string): ReturnType<typeof parseShell> | undefined {
  return shellParses.get(script, () => {
    try {
      return parseShell(script, (name: string) => `${UNKNOWN}${name}${UNKNOWN}`);
    } catch {
      return undefined;
    }
  });
}

/** A Windows path as a word starts (`C:\Users\…`, `F:\models\…`, after a space, a quote or `=`). */
const WINDOWS_PATH = /(?:^|[\s"'=])[A-Za-z]:\\[^\s\\]/;

/**
 * A command line written for Windows (llama-swap's `cmd` with `C:\…\llama-server.exe -m
 * F:\models\x.gguf`): llama-swap splits it with Windows rules there (proxy/config.go
 * SanitizeCommand: `shlex.Windows.Split` when `runtime.GOOS == "windows"`), where a backslash is a
 * path separator, not an escape, except before a quote. Read so, its backslashes are doubled for the
 * POSIX reader; any other command line is left as written.
 */
function windowsBackslashes(script: string): string {
  if (!WINDOWS_PATH.test(script)) return script;
  return script.replace(/\\(?!")/g, "\\\\");
}

/** A variable that names a model (`MODEL`, `MODEL_ID`, `MODEL_PATH`, `HF_MODEL`). */
export const MODEL_VARIABLE = /^(?:[A-Z]+_)?MODEL(?:_(?:ID|NAME|PATH|DIR|REPO))?$/;

/** Whether the script writes the variable's expansions in double quotes (`"$ARGS"`), which keeps its value one word. */
function quotedVariable(source: string, name: string): boolean {
  return source.includes(`"$${name}"`) || source.includes(`"\${${name}}"`);
}

/** A word that is one variable and nothing else (`"$MODEL"`, `${MODEL}`), as the parser marks it. */
const WHOLE_VARIABLE = /^\u0000(\w+)\u0000$/;

/** Variables that list the GPUs a process sees (CUDA's, ROCm's and HIP's, the NVIDIA container runtime's). */
const VISIBLE_DEVICES = new Set(["CUDA_VISIBLE_DEVICES", "HIP_VISIBLE_DEVICES", "ROCR_VISIBLE_DEVICES", "NVIDIA_VISIBLE_DEVICES"]);

/** `name=(` or `name+=(` as the parser splits it: the word before the parenthesis. */
const ARRAY_ASSIGNMENT = /^([A-Za-z_]\w*)(\+?)=$/;

/** Every word of an array, `"${name[@]}"` (or `[*]`), as the parser marks it. */
const ARRAY_WORDS = /^\u0000([A-Za-z_]\w*)\[[@*]\]\u0000$/;

/** Most words a script's array expansions add in all; past it an expansion reads as a value set at run time. */
const MAX_ARRAY_WORDS = 16_384;

/** Words that open a compound command before the command itself (`then set -- …`). */
const COMPOUND_KEYWORDS = new Set(["then", "else", "do", "{", "!"]);

/**
 * The positional parameters a `set` command leaves (`set -- serve "$MODEL" --port 8000`, then
 * `set -- "$@" --trust-remote-code`), or undefined when it only sets options (`set -eu`): the
 * arguments after `--`, or all of them when the first is no option.
 */
function positionalAfterSet(words: ArgToken[]): ArgToken[] | undefined {
  const end = words.findIndex((word) => word.text === "--");
  if (end >= 0) return words.slice(end + 1);
  return words.length > 0 && !/^[-+]/.test(words[0]!.text) ? words : undefined;
}

/**
 * Splits a shell script into tokens with shell-quote. Line continuations are joined first, and
 * command substitutions (`$(…)`, `$((…))`) become unknown values, which shell-quote would otherwise
 * split into operators. Variables are resolved from the container env and from `NAME=value`
 * assignments earlier in the script. `"$@"` stands for the script's arguments (`positional`, the
 * items after `sh -c SCRIPT NAME`), as `set --` leaves them: an entrypoint that builds its
 * command line with `set -- serve "$MODEL" …` and runs `exec vllm "$@"` is read as it runs.
 */
export function shellTokens(item: DocNode, text: string, env: ReadonlyMap<string, string | undefined>, positional?: ArgToken[]): ArgToken[] {
  const raw = str(item);
  if (raw === undefined) return [];
  const script = replaceSubstitutions(separateLines(expandConditionals(expandArithmetic(systemdCommands(windowsBackslashes(expandKubernetes(raw, env, true).replace(/\\\r?\n/g, " "))), env), env)));
  const parsed = shellWords(script);
  if (!parsed) return [];
  const variables = new Map(env);
  // The script's arguments, when the command running it gives them (`sh -c SCRIPT NAME ARG…`), are `$1`…;
  // else `${1:-default}` reads as its default, as a run without arguments gives it.
  positional?.forEach((argument, index) => variables.set(String(index + 1), argument.text.includes(UNKNOWN) ? undefined : argument.text));
  /** Variables whose value is partly set at run time, as assigned (their unknown parts marked). */
  const partial = new Map<string, string>();
  /** Where the script assigns a literal to a variable, by its name. */
  const assignedAt = new Map<string, [number, number]>();
  const tokens: ArgToken[] = [];
  const source = item.embedded ? "" : text.slice(item.node.range[0], item.node.range[1]);
  let cursor = 0;
  let commandStart = true;
  let parameters = positional;
  /** The words of a `set` command being read, which set the positional parameters rather than run anything. */
  let setWords: ArgToken[] | undefined;
  const endSet = () => {
    if (setWords) parameters = positionalAfterSet(setWords) ?? parameters;
    setWords = undefined;
  };
  /** Bash arrays the script fills (`args=(--port 8000 …)`, `args+=(…)`), by name. */
  const arrays = new Map<string, ArgToken[]>();
  /** Words the script's array expansions have added (an array doubled in a loop must not grow without end). */
  let arrayWords = 0;
  /** `CUDA_VISIBLE_DEVICES` as exported, as prefixed to the command being read, and whether an `export` is being read. */
  let exportedDevices: string | undefined;
  let commandDevices: string | undefined;
  /** A model-naming variable prefixed to the command being read (`MODEL_ID=… bash serve.sh`), or exported before it. */
  let commandModel: ArgToken | undefined;
  let exportedModel: ArgToken | undefined;
  let exporting = false;
  /** Whether `env` opened the command being read (its assignments prefix the command it runs). */
  let envWords = false;
  /**
   * The array whose words are being read, between `name=(` and `)` (the `(` itself is skipped there):
   * assigned at the `)`, as bash expands the words (`a=("${a[@]}" x)`) before it assigns them.
   */
  let filling: { name: string; words: ArgToken[] } | undefined;
  for (const [index, entry] of parsed.entries()) {
    if (filling) {
      // An array's words are read (and located) as a command's are, but run nothing.
      if (typeof entry !== "string") {
        if ("op" in entry && entry.op === ")") {
          arrays.set(filling.name, filling.words);
          [filling, commandStart] = [undefined, true];
        }
        continue;
      }
      commandStart = false;
      if (filling.words.length >= MAX_ARRAY_WORDS) continue;
    }
    const arrayStart = commandStart && typeof entry === "string" ? ARRAY_ASSIGNMENT.exec(entry) : null;
    const next = parsed[index + 1];
    if (arrayStart && next !== undefined && typeof next !== "string" && "op" in next && next.op === "(") {
      const [, name, append] = arrayStart as unknown as [string, string, string];
      // `+=` appends to the array in place (its own words expanded into it are bounded below).
      filling = { name, words: append ? (arrays.get(name) ?? []) : [] };
      continue;
    }
    if (typeof entry !== "string") {
      if ("op" in entry && entry.op !== "glob") {
        endSet();
        tokens.push({ text: entry.op, from: item, operator: true });
        commandStart = true;
        [exporting, commandDevices, envWords, commandModel] = [false, undefined, false, undefined];
      }
      continue;
    }
    if (entry === "") continue;
    if (commandStart && COMPOUND_KEYWORDS.has(entry)) continue;
    if (commandStart && entry === "set") {
      setWords = [];
      commandStart = false;
      continue;
    }
    const value = substituteVariables(entry, variables).replaceAll(EXPANDED, "");
    const assignment = commandStart ? /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(value) : null;
    if (assignment) {
      const [, name, assigned] = assignment as unknown as [string, string, string];
      variables.set(name, assigned.includes(UNKNOWN) ? undefined : assigned);
      // Words of a value partly set at run time (`ARGS="$ARGS --tokenizer $X"`): split when `$ARGS` is, the unknown ones unknown.
      if (assigned.includes(UNKNOWN) && /\s/.test(assigned)) partial.set(name, assigned);
      else partial.delete(name);
      // The GPUs a process sees: for the rest of the script when exported, else for the command it prefixes.
      if (VISIBLE_DEVICES.has(name)) {
        const devices = assigned.includes(UNKNOWN) ? undefined : assigned;
        if (exporting) exportedDevices = devices;
        else commandDevices = devices;
      }
      // Where a literal value is written (`MODEL="Qwen/Qwen3-32B"`): a later `"$MODEL"` is reported, and fixed, there.
      const written = source && assigned !== "" && entry === `${name}=${assigned}` ? source.indexOf(`${name}=`, cursor) : -1;
      const start = written < 0 ? -1 : written + name.length + 1 + (source[written + name.length + 1] === '"' || source[written + name.length + 1] === "'" ? 1 : 0);
      if (start >= 0 && source.startsWith(assigned, start)) {
        assignedAt.set(name, [item.node.range[0] + start, item.node.range[0] + start + assigned.length]);
        cursor = start + assigned.length;
      } else assignedAt.delete(name);
      if (MODEL_VARIABLE.test(name) && assigned !== "" && !assigned.includes(UNKNOWN)) {
        const model: ArgToken = { text: assigned, from: item, shell: true, variable: name };
        const range = assignedAt.get(name);
        if (range) model.range = range;
        // Exported (`export MODEL_ID=…`), every later command is given it; prefixed, only that command.
        if (exporting) exportedModel = model;
        else commandModel = model;
      }
      continue;
    }
    if (commandStart && value === "export") {
      exporting = true;
      continue;
    }
    // `env [-i] [-u NAME] NAME=value … cmd`: the command runs with those variables, as if prefixed to it;
    // `nohup cmd` and `exec cmd` run it as it is.
    if (commandStart && !exporting && (value === "env" || value === "/usr/bin/env")) {
      envWords = true;
      continue;
    }
    if (commandStart && !exporting && (value === "nohup" || value === "exec")) continue;
    if (envWords && commandStart && (value === "-i" || value === "--ignore-environment" || value === "-" || value === "-u" || value.startsWith("--unset="))) continue;
    if (envWords && commandStart && parsed[index - 1] === "-u") continue;
    // Locate the token verbatim in the file (unquoted tokens and simple quoted ones are).
    const token: ArgToken = { text: value, from: item, shell: true };
    const devices = commandStart && !filling ? (commandDevices ?? exportedDevices) : undefined;
    if (devices !== undefined) token.visibleDevices = devices;
    const givenModel = commandModel ?? exportedModel;
    if (commandStart && !filling && givenModel) token.modelPrefix = givenModel;
    commandStart = false;
    const variable = WHOLE_VARIABLE.exec(entry)?.[1];
    if (variable !== undefined) token.variable = variable;
    const assignedRange = variable !== undefined && variables.get(variable) === value ? assignedAt.get(variable) : undefined;
    if (assignedRange) token.range = assignedRange;
    else if (source && value.includes(UNKNOWN) && !entry.includes(EXPANDED)) {
      // A value set outside the script (`"${MAX_MODEL_LEN}"`): located, so its finding points at it.
      const at = writtenAt(source, entry, cursor);
      if (at) {
        token.range = [item.node.range[0] + at[0], item.node.range[0] + at[1]];
        cursor = at[1];
      }
    } else if (source && !value.includes(UNKNOWN) && !entry.includes(EXPANDED)) {
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
    const sink = filling?.words ?? setWords ?? tokens;
    const array = ARRAY_WORDS.exec(entry)?.[1];
    if (parameters && (value === ALL_ARGUMENTS || value === ALL_ARGUMENTS_JOINED)) sink.push(...parameters);
    else if (array !== undefined && arrays.has(array) && arrayWords + arrays.get(array)!.length <= MAX_ARRAY_WORDS) {
      arrayWords += arrays.get(array)!.length;
      sink.push(...arrays.get(array)!);
    }
    else if (variable !== undefined && /\S\s+\S/.test(partial.get(variable) ?? value) && (partial.has(variable) || !value.includes(UNKNOWN)) && !quotedVariable(source, variable)) {
      // `$ARGS` unquoted splits into words at blanks, as the shell does (`ARGS="--model x --tp 2"; vllm serve $ARGS`).
      const words = (partial.get(variable) ?? value).trim().split(/\s+/).slice(0, MAX_ARRAY_WORDS - arrayWords);
      arrayWords += words.length;
      sink.push(...words.map((word): ArgToken => ({ text: word, from: item, shell: true })));
    } else sink.push(token);
  }
  endSet();
  return tokens.some((token) => HTTP_CLIENT.test(token.text)) ? modelPullRequests(tokens, text) : tokens;
}

/** Commands that send HTTP requests from a script. */
const HTTP_CLIENT = /^(?:[\w./-]*\/)?(?:curl|wget)$/;

/** A JSON member whose value is a string (`"name": "llama3:8b"`), as a request body writes it. */
const JSON_STRING_MEMBER = /"(\w+)"\s*:\s*"([^"]+)"/g;

/** `curl` and `wget` options whose value is the request's body. */
const BODY_OPTIONS = new Set(["-d", "--data", "--data-raw", "--data-binary", "--data-ascii", "--json", "--post-data", "--body-data"]);

/** A URL's host (with its port) and path (`http://ollama:11434/api/pull` → `ollama:11434`, `/api/pull`). */
const URL_PARTS = /^(?:https?:\/\/)?([\w.-]+(?::\d+)?)(\/[^\s?#]*)/;

/**
 * Each `curl` or `wget` of an engine's REST request that loads a model (`curl http://ollama:11434/api/pull
 * -d '{"name": "llama3:8b"}'`) read as the command it stands for (`ollama pull llama3:8b`), its first
 * word carrying the URL's host, as the engine's address variable would for its own client command.
 */
function modelPullRequests(tokens: ArgToken[], text: string): ArgToken[] {
  const result: ArgToken[] = [];
  let start = 0;
  for (let end = 0; end <= tokens.length; end++) {
    if (end < tokens.length && !tokens[end]!.operator) continue;
    const command = tokens.slice(start, end);
    result.push(...(pullCommand(command, text) ?? command));
    if (end < tokens.length) result.push(tokens[end]!);
    start = end + 1;
  }
  return result;
}

function pullCommand(command: ArgToken[], text: string): ArgToken[] | undefined {
  const [first] = command;
  if (!first || !HTTP_CLIENT.test(first.text)) return undefined;
  let url: RegExpExecArray | null = null;
  let request: ReturnType<typeof modelPullRequestAt>;
  let body: ArgToken | undefined;
  let bodyText: string | undefined;
  for (let i = 1; i < command.length; i++) {
    const word = command[i]!.text;
    const option = /^(--[\w-]+)=(.*)$/s.exec(word);
    if (BODY_OPTIONS.has(word) && command[i + 1]) [body, bodyText] = [command[i + 1], command[++i]!.text];
    else if (option && BODY_OPTIONS.has(option[1]!)) [body, bodyText] = [command[i], option[2]];
    else if (word.startsWith("-d{")) [body, bodyText] = [command[i], word.slice(2)];
    else if (!word.startsWith("-") && !url) {
      const parts = URL_PARTS.exec(word);
      request = parts ? modelPullRequestAt(parts[2]!) : undefined;
      if (request) url = parts;
    }
  }
  if (!url || !request || !body || bodyText === undefined) return undefined;
  const values = new Map([...bodyText.matchAll(JSON_STRING_MEMBER)].map((member) => [member[1]!, member] as const));
  for (const key of request.bodyKeys) {
    const named = values.get(key);
    if (!named) continue;
    const value = named[2]!;
    const model: ArgToken = { text: value, from: body.from, shell: true };
    // Located where the body is written as read (`'{"name": "llama3"}'`), not through escapes.
    const written = body.range ? text.slice(body.range[0], body.range[1]).indexOf(`"${value}"`) : -1;
    if (body.range && written >= 0 && !value.includes(UNKNOWN)) model.range = [body.range[0] + written + 1, body.range[0] + written + 1 + value.length];
    const words = request.command.map((word): ArgToken => ({ text: word, from: first.from, shell: true }));
    return [{ ...words[0]!, serverAddress: url[1]!, ...(first.range ? { range: first.range } : {}) }, ...words.slice(1), model];
  }
  return undefined;
}

/**
 * `${VAR:+word}` / `${VAR+word}`: the word when VAR is set (and, with the colon, not empty), else
 * nothing, as the shell expands it. `${VAR:?message}` / `${VAR?message}`: VAR's value, or an error
 * when it is unset — a value required at deploy time. shell-quote cannot parse a word that holds
 * quotes, spaces or expansions (`${PARSER:+--tool-call-parser "$PARSER"}`, `${MODEL:?set MODEL}`), so
 * the expansion is put in the script before it does. A VAR the environment does not hold leaves the
 * word unknown, and a required VAR unknown under its own name (`$MODEL`).
 */
function expandConditionals(script: string, env: ReadonlyMap<string, string | undefined>): string {
  if (!script.includes("+") && !script.includes("?")) return script;
  let result = "";
  let done = 0;
  for (let start = script.indexOf("${"); start >= 0; start = script.indexOf("${", start + 2)) {
    const head = /^\$\{([A-Za-z_]\w*)(:?)([+?])/.exec(script.slice(start, start + 80));
    if (!head || start < done) continue;
    let depth = 1;
    let end = start + head[0].length;
    for (; end < script.length && depth > 0; end++) {
      if (script[end] === "{") depth++;
      else if (script[end] === "}") depth--;
    }
    if (depth > 0) break;
    const [, name, colon, operator] = head as unknown as [string, string, string, "+" | "?"];
    const value = env.get(name);
    const set = value !== undefined && (value !== "" || colon === "");
    let replacement: string;
    // Required: VAR itself, which the variables read later resolve (or leave unknown by its name).
    if (operator === "?") replacement = `\${${name}}`;
    else replacement = value === undefined ? `${UNKNOWN}${UNKNOWN}` : set ? script.slice(start + head[0].length, end - 1) : "";
    result += script.slice(done, start) + replacement;
    done = end;
  }
  return result + script.slice(done);
}

/**
 * A systemd unit a startup script writes (`cat <<EOF > /etc/systemd/system/vllm.service`): its
 * `ExecStart=` line is the command the machine runs, read as one (the prefixes `-@:+!` only change
 * how systemd runs it, systemd.service(5)).
 */
function systemdCommands(script: string): string {
  return script.includes("ExecStart=") ? script.replace(/^([ \t]*)ExecStart=[-@:+!]*/gm, "$1") : script;
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
      result += downloadedPath(script.slice(i + 2, j)) ?? `${UNKNOWN}${UNKNOWN}`;
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

/** Options of `hf download` / `huggingface-cli download` that take a value (huggingface_hub's download command). */
const HF_DOWNLOAD_VALUE_OPTIONS = new Set(["--repo-type", "--type", "--revision", "--include", "--exclude", "--cache-dir", "--local-dir", "--token", "--max-workers", "--format"]);

/**
 * `$(hf download REPO FILE …)`: the command prints the path of what it downloaded (the file, else the
 * snapshot folder), so `MODEL_PATH=$(hf download Qwen/Qwen2.5-7B-Instruct-GGUF qwen2.5-7b-instruct-q4_k_m.gguf)`
 * holds that repository's file: written back as `REPO/FILE` (or `REPO`), its words as the script wrote
 * them, so variables in them expand as the rest of the script's do. Undefined for any other command.
 */
function downloadedPath(command: string): string | undefined {
  const words = command.trim().split(/\s+/);
  const at = words.findIndex((word, index) => word === "download" && index > 0 && /(?:^|\/)(?:hf|huggingface-cli)["']?$/.test(words[index - 1]!));
  if (at < 0 || words.some((word) => /[;|&<>`(]/.test(word))) return undefined;
  const positional: string[] = [];
  for (let k = at + 1; k < words.length; k++) {
    const bare = words[k]!.replace(/^["']|["']$/g, "");
    if (bare.startsWith("-")) {
      if (HF_DOWNLOAD_VALUE_OPTIONS.has(bare)) k++;
      continue;
    }
    positional.push(words[k]!);
  }
  // One repository, and at most one file: several files print a folder.
  return positional.length === 1 || positional.length === 2 ? positional.join("/") : undefined;
}

/** `\0NAME\0` placeholders → known values; `${NAME:-default}` uses the default when NAME is unknown. */
/** A word without the quotes around it (`"x"`, `'x'`). */
function unquoted(word: string): string {
  const quote = word[0];
  return word.length >= 2 && (quote === '"' || quote === "'") && word.at(-1) === quote ? word.slice(1, -1) : word;
}

/** How far past the last located word a word naming variables is looked for (characters), at how many places at most. */
const WRITTEN_WINDOW = 4_096;
const WRITTEN_TRIES = 64;

/**
 * Where a word that names variables (`\u0000TP\u0000` for `$TP` or `${TP}`) is written in `source`
 * from `from` on: [start, end), or undefined when it is not written as one piece.
 */
function writtenAt(source: string, entry: string, from: number): [number, number] | undefined {
  const parts = entry.split(/(\u0000[^\u0000]*\u0000)/).filter((part) => part !== "");
  const names = parts.map((part) => (part.startsWith("\u0000") ? (/^\u0000([A-Za-z_]\w*)/.exec(part)?.[1] ?? null) : undefined));
  // A command substitution (`$(…)`) names no variable to look for.
  if (parts.length === 0 || parts.length > 16 || names.includes(null)) return undefined;
  /** The end of the parts written at `at`, or -1. */
  const matchAt = (at: number): number => {
    let position = at;
    for (const [index, part] of parts.entries()) {
      const name = names[index];
      if (!name) {
        if (!source.startsWith(part, position)) return -1;
        position += part.length;
      } else if (source.startsWith(`\${${name}`, position) && /^[}:?+=-]/.test(source[position + name.length + 2] ?? "")) {
        const close = source.indexOf("}", position);
        if (close < 0) return -1;
        position = close + 1;
      } else if (source.startsWith(`$${name}`, position) && !/\w/.test(source[position + name.length + 1] ?? "")) position += name.length + 1;
      else return -1;
    }
    return position;
  };
  const first = names[0] ? "$" : parts[0]!;
  // Words come in order, near the last one located: a bounded look keeps a script of unlocatable words linear.
  const last = from + WRITTEN_WINDOW;
  let tries = 0;
  for (let at = source.indexOf(first, from); at >= 0 && at <= last && tries < WRITTEN_TRIES; at = source.indexOf(first, at + 1), tries++) {
    const end = matchAt(at);
    if (end >= 0) return [at, end];
  }
  return undefined;
}

function substituteVariables(value: string, variables: ReadonlyMap<string, string | undefined>): string {
  return value.replace(/\u0000([^\u0000]*)\u0000/g, (whole, name: string) => {
    const withDefault = /^([A-Za-z_][A-Za-z0-9_]*|[1-9]):?-(.*)$/s.exec(name);
    const key = withDefault ? withDefault[1]! : name;
    const known = variables.get(key);
    if (known !== undefined) return known;
    // The default word has its quotes removed, as the shell does (`${MODEL:-"Qwen/Qwen3-8B"}`).
    if (withDefault && !variables.has(key)) return unquoted(withDefault[2]!);
    // Unknown: keep the variable's name for messages (`$TP`); a command substitution has none.
    // A name no shell variable has (Terraform's `${var.model}` in a startup script) keeps its braces.
    return key === "" ? whole : /^\w+$/.test(key) ? `${UNKNOWN}$${key}${UNKNOWN}` : `${UNKNOWN}\${${key}}${UNKNOWN}`;
  });
}

