/**
 * Text edits on deployment fields, in the file's own syntax: replace a value where it is written
 * (inside a shell string when that is where it lives), or add a flag or key that is not written yet,
 * matching the surrounding style (list items, `--flag=value`, snake/kebab/camel keys, quoting).
 */
import type { AST as JsonAst } from "jsonc-eslint-parser";
import type { AST as YamlAst } from "yaml-eslint-parser";
import type { AstNode, DocNode } from "../extract/doc.js";
import { engineById, flagFor } from "../engines/index.js";
import type { Deployment, FieldName, Located, TextEdit } from "../extract/types.js";
import type { Engine } from "../sizing/types.js";
import { leadingBlanks } from "../text.js";

function styledKey(name: string, style: "snake" | "kebab" | "camel"): string {
  if (style === "kebab") return name.replace(/_/g, "-");
  if (style === "camel") return name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
  return name;
}

function isYamlScalar(node: AstNode): node is YamlAst.YAMLScalar {
  return node.type === "YAMLScalar";
}

function isJsonLiteral(node: AstNode): node is JsonAst.JSONLiteral {
  return node.type === "JSONLiteral";
}

function yamlQuoted(value: string, style: "double" | "single"): string {
  return style === "single" ? `'${value.replace(/'/g, "''")}'` : JSON.stringify(value);
}

/** A plain YAML scalar would read back as this string (not a number, bool, null or something else). */
function safePlainYaml(value: string): boolean {
  return /^[A-Za-z_./][\w./:@+-]*$/.test(value) && !/^(true|false|yes|no|on|off|null|~)$/i.test(value) || /^--?[A-Za-z][\w-]*(=[\w./:@+-]+)?$/.test(value);
}

/**
 * The replacement text for a scalar, keeping the original's style: a quoted YAML string stays
 * quoted (args items must stay strings), a plain number stays a number.
 */
export function scalarText(node: AstNode, value: string | number): string {
  if (isYamlScalar(node)) {
    if (node.style === "double-quoted") return yamlQuoted(String(value), "double");
    if (node.style === "single-quoted") return yamlQuoted(String(value), "single");
    if (typeof value === "number") return typeof node.value === "string" ? JSON.stringify(String(value)) : String(value);
    return safePlainYaml(value) ? value : JSON.stringify(value);
  }
  if (isJsonLiteral(node) && typeof node.value === "string") return JSON.stringify(String(value));
  // HCL: a quoted string stays a string (with `${`/`%{` escaped so it is not read as a template).
  if (node.type === "HCLTemplate") return hclQuoted(String(value));
  return typeof value === "number" ? String(value) : node.type === "HCLLiteral" ? hclQuoted(value) : JSON.stringify(value);
}

function hclQuoted(value: string): string {
  return JSON.stringify(value).replace(/\$\{/g, "$${").replace(/%\{/g, "%%{");
}

function replaceLocated(located: Located<unknown>, value: string | number): TextEdit {
  if (located.range) return { range: located.range, text: String(value) };
  return { range: located.node.range, text: scalarText(located.node, value) };
}

/** Replaces a field's value where it is written (and its mirrors); undefined when it cannot be edited there. */
export function replaceField(deployment: Deployment, field: FieldName, value: string | number): TextEdit | undefined {
  const located = deployment.fields[field] as Located<unknown> | undefined;
  if (!located || located.readonly) return undefined;
  return replaceLocated(located, value);
}

/** The edits that set a field everywhere it must agree (`limits` and `requests`). */
export function replaceFieldEverywhere(deployment: Deployment, field: FieldName, value: string | number): Array<TextEdit | undefined> {
  const located = deployment.fields[field] as Located<unknown> | undefined;
  if (!located || located.readonly) return [undefined];
  return [replaceLocated(located, value), ...(located.mirrors ?? []).map((mirror) => (mirror.readonly ? undefined : replaceLocated(mirror, value)))];
}

function lineIndent(text: string, offset: number): string {
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  return text.slice(lineStart, offset);
}

/** Adds `--flag value` to a YAML/JSON argument list after its last item, in the list's style. */
function appendToList(list: DocNode, tokens: string[], text: string): TextEdit | undefined {
  const node = list.node;
  if (node.type === "YAMLSequence") {
    const last = [...node.entries].reverse().find((entry) => entry !== null);
    if (!last) return undefined;
    const lastScalar = last.type === "YAMLScalar" ? last : undefined;
    const quote = lastScalar?.style === "single-quoted" ? "single" : lastScalar?.style === "double-quoted" ? "double" : undefined;
    const item = (token: string) => (quote ? yamlQuoted(token, quote) : safePlainYaml(token) && !/^\d/.test(token) ? token : JSON.stringify(token));
    if (node.style === "flow") return { range: [last.range[1], last.range[1]], text: tokens.map((token) => `, ${item(token)}`).join("") };
    const prefix = lineIndent(text, last.range[0]);
    if (!/^\s*-\s+$/.test(prefix)) return undefined;
    return { range: [last.range[1], last.range[1]], text: tokens.map((token) => `\n${prefix}${item(token)}`).join("") };
  }
  if (node.type === "HCLTuple") {
    // HCL lists read like JSON arrays (a trailing comma after the last item stays valid).
    const last = node.elements.at(-1);
    if (!last) return undefined;
    const multiline = node.loc.start.line !== last.loc.end.line;
    const separator = multiline ? `,\n${leadingBlanks(lineIndent(text, last.range[0]))}` : ", ";
    return { range: [last.range[1], last.range[1]], text: tokens.map((token) => `${separator}${hclQuoted(token)}`).join("") };
  }
  if (node.type === "JSONArrayExpression") {
    const last = [...node.elements].reverse().find((element) => element !== null);
    if (!last) return undefined;
    const multiline = node.loc.start.line !== node.loc.end.line;
    const separator = multiline ? `,\n${leadingBlanks(lineIndent(text, last.range[0]))}` : ", ";
    return { range: [last.range[1], last.range[1]], text: tokens.map((token) => `${separator}${JSON.stringify(token)}`).join("") };
  }
  return undefined;
}

/** Adds `key: value` to a YAML/JSON mapping after its last entry, at the same indentation. */
function appendToMap(map: DocNode, key: string, value: string | number, text: string): TextEdit | undefined {
  const node = map.node;
  if (node.type === "YAMLMapping") {
    const last = node.pairs[node.pairs.length - 1];
    if (!last?.key) return undefined;
    const rendered = typeof value === "number" ? String(value) : safePlainYaml(value) ? value : JSON.stringify(value);
    if (node.style === "flow") return { range: [last.range[1], last.range[1]], text: `, ${key}: ${rendered}` };
    const prefix = lineIndent(text, last.key.range[0]);
    if (!/^\s*(-\s+)?$/.test(prefix)) return undefined;
    return { range: [last.range[1], last.range[1]], text: `\n${prefix.replace(/-/, " ")}${key}: ${rendered}` };
  }
  if (node.type === "JSONObjectExpression") {
    const last = node.properties[node.properties.length - 1];
    if (!last) return undefined;
    const multiline = node.loc.start.line !== node.loc.end.line;
    const separator = multiline ? `,\n${leadingBlanks(lineIndent(text, last.range[0]))}` : ", ";
    return { range: [last.range[1], last.range[1]], text: `${separator}${JSON.stringify(key)}: ${JSON.stringify(value)}` };
  }
  return undefined;
}

/** Adds an engine setting that is not written yet where the deployment keeps its engine flags. */
export function addField(deployment: Deployment, engine: Engine, field: FieldName, value: string | number, text: string): TextEdit | undefined {
  const target = deployment.args;
  if (!target) return undefined;
  if (target.kind === "map") {
    const name = engineById(engine).configKeys[field];
    return name ? appendToMap(target.node, styledKey(name, target.keyStyle), value, text) : undefined;
  }
  const flag = flagFor(engine, field);
  if (!flag) return undefined;
  if (target.kind === "list") return appendToList(target.node, target.equals ? [`${flag}=${value}`] : [flag, String(value)], text);
  return { range: [target.insertAt, target.insertAt], text: ` ${flag} ${value}` };
}

type ListEntry = { range: [number, number]; parent?: unknown; type: string };

/** Removes whole list entries (a flag and its value): their lines in a block list, else the entries and a separator. */
function removeEntries(items: DocNode[], text: string): TextEdit | undefined {
  const nodes = items.map((item) => item.node as unknown as ListEntry);
  const list = nodes[0]!.parent as { type: string; style?: string; entries?: Array<ListEntry | null>; elements?: Array<ListEntry | null> } | undefined;
  if (!list || nodes.some((node) => node.parent !== list)) return undefined;
  const siblings = (list.entries ?? list.elements ?? []).filter((entry): entry is ListEntry => entry !== null);
  const first = siblings.indexOf(nodes[0]!);
  const last = siblings.indexOf(nodes[nodes.length - 1]!);
  if (first < 0 || last !== first + nodes.length - 1) return undefined;
  if (list.type === "YAMLSequence" && list.style === "block") {
    const start = text.lastIndexOf("\n", nodes[0]!.range[0]) + 1;
    const lineEnd = text.indexOf("\n", nodes[nodes.length - 1]!.range[1]);
    return { range: [start, lineEnd < 0 ? text.length : lineEnd + 1], text: "" };
  }
  // Flow sequence or JSON array: take the separator before (or, for the first entries, after).
  const previous = siblings[first - 1];
  const next = siblings[last + 1];
  if (previous) return { range: [previous.range[1], nodes[nodes.length - 1]!.range[1]], text: "" };
  if (next) return { range: [nodes[0]!.range[0], next.range[0]], text: "" };
  return { range: [nodes[0]!.range[0], nodes[nodes.length - 1]!.range[1]], text: "" };
}

/** Removes a `key: value` pair of a settings mapping (the pair's line in block YAML, with its comma in JSON). */
function removePair(node: AstNode, text: string): TextEdit | undefined {
  const pair = (node as unknown as { parent?: ListEntry & { type: string; parent?: { type: string; style?: string; pairs?: ListEntry[]; properties?: ListEntry[] } } }).parent;
  if (!pair || (pair.type !== "YAMLPair" && pair.type !== "JSONProperty")) return undefined;
  const owner = pair.parent;
  const siblings = owner?.pairs ?? owner?.properties ?? [];
  const index = siblings.indexOf(pair);
  if (index < 0) return undefined;
  if (pair.type === "YAMLPair" && owner?.style === "block") {
    const start = text.lastIndexOf("\n", pair.range[0]) + 1;
    const lineEnd = text.indexOf("\n", pair.range[1]);
    return { range: [start, lineEnd < 0 ? text.length : lineEnd + 1], text: "" };
  }
  const previous = siblings[index - 1];
  const next = siblings[index + 1];
  if (previous) return { range: [previous.range[1], pair.range[1]], text: "" };
  if (next) return { range: [pair.range[0], next.range[0]], text: "" };
  return { range: pair.range, text: "" };
}

/** Removes a written setting (a flag with its value, or a config key); undefined when no local edit can. */
export function removeField(deployment: Deployment, field: FieldName, text: string): TextEdit | undefined {
  const located = deployment.fields[field];
  if (!located || located.readonly) return undefined;
  const removal = located.removal;
  if (removal && "items" in removal) return removeEntries(removal.items, text);
  if (removal && "range" in removal) {
    // Take the blanks before the flag with it, so the command keeps single spacing.
    let start = removal.range[0];
    while (start > 0 && (text[start - 1] === " " || text[start - 1] === "\t")) start--;
    return { range: [start, removal.range[1]], text: "" };
  }
  // A config key can go only from the settings mapping the deployment is written as (never, say, an env entry's `value`).
  const settings = deployment.args?.kind === "map" ? deployment.args.node.node : undefined;
  const owner = (located.node as unknown as { parent?: { parent?: unknown } }).parent?.parent;
  return settings && owner === settings ? removePair(located.node, text) : undefined;
}

/** Sets a field: replaced where written, else added; undefined when neither is possible. */
export function setField(deployment: Deployment, engine: Engine, field: FieldName, value: string | number, text: string): TextEdit | undefined {
  if (deployment.fields[field]) return replaceField(deployment, field, value);
  return addField(deployment, engine, field, value, text);
}

/** Several edits as one fix, or undefined when any is missing or two overlap. */
export function combine(edits: Array<TextEdit | undefined>): TextEdit[] | undefined {
  if (edits.some((edit) => edit === undefined)) return undefined;
  const sorted = (edits as TextEdit[]).slice().sort((a, b) => a.range[0] - b.range[0]);
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1]!;
    const current = sorted[i]!;
    // Two insertions at one point are fine (they concatenate); anything else overlapping is not.
    if (current.range[0] < previous.range[1]) return undefined;
    if (current.range[0] === previous.range[1] && previous.range[0] === previous.range[1] && current.range[0] === current.range[1]) {
      previous.text += current.text;
      sorted.splice(i, 1);
      i--;
    }
  }
  return sorted;
}

/** Edits that request `totalGpus` GPUs, spread evenly over the deployment's pods; undefined when the file cannot say it. */
export function gpuCountEdits(deployment: Deployment, totalGpus: number): TextEdit[] | undefined {
  const nodes = deployment.fields.nodes?.value ?? 1;
  if (!deployment.fields.gpuCount || totalGpus % nodes !== 0) return undefined;
  return combine(replaceFieldEverywhere(deployment, "gpuCount", totalGpus / nodes));
}

/** `key: value` as a YAML mapping entry or JSON property, in the style the file uses for plain strings. */
function yamlValue(value: string): string {
  return safePlainYaml(value) ? value : JSON.stringify(value);
}

/**
 * Pins a node label on pod specs: `key: value` added to each spec's `nodeSelector` (created when
 * absent, at the spec's own indentation). Undefined when some spec cannot be edited in place.
 */
export function nodeSelectorEdits(specs: DocNode[], key: string, value: string, text: string): TextEdit[] | undefined {
  const edits: Array<TextEdit | undefined> = [];
  for (const spec of specs) {
    if (spec.embedded || spec.type !== "map") return undefined;
    const selector = spec.get("nodeSelector");
    if (selector?.type === "map") {
      if (selector.get(key)) return undefined;
      edits.push(appendToMap(selector, key, value, text));
      continue;
    }
    if (selector) return undefined;
    const node = spec.node;
    if (node.type === "YAMLMapping") {
      const last = node.pairs[node.pairs.length - 1];
      if (!last?.key) return undefined;
      if (node.style === "flow") {
        edits.push({ range: [last.range[1], last.range[1]], text: `, nodeSelector: {${key}: ${yamlValue(value)}}` });
        continue;
      }
      const prefix = lineIndent(text, last.key.range[0]);
      if (!/^\s*(-\s+)?$/.test(prefix)) return undefined;
      const indent = prefix.replace(/-/, " ");
      edits.push({ range: [last.range[1], last.range[1]], text: `\n${indent}nodeSelector:\n${indent}  ${key}: ${yamlValue(value)}` });
    } else if (node.type === "JSONObjectExpression") {
      const last = node.properties[node.properties.length - 1];
      if (!last) return undefined;
      const multiline = node.loc.start.line !== node.loc.end.line;
      const separator = multiline ? `,\n${leadingBlanks(lineIndent(text, last.range[0]))}` : ", ";
      edits.push({ range: [last.range[1], last.range[1]], text: `${separator}"nodeSelector": {${JSON.stringify(key)}: ${JSON.stringify(value)}}` });
    } else {
      return undefined;
    }
  }
  return combine(edits);
}
