/**
 * One read-only view over the three kinds of documents the adapters read: yaml-eslint-parser ASTs,
 * jsonc-eslint-parser ASTs, and plain values parsed out of a string inside the file (YAML in a
 * ConfigMap or Ray `serveConfigV2`). Nodes are wrapped lazily, so extraction only touches what the
 * adapters look at.
 */
import type { AST as JsonAst } from "jsonc-eslint-parser";
import { getStaticJSONValue } from "../jsonc.js";
import type { AST as YamlAst } from "yaml-eslint-parser";
import { getStaticYAMLValue, parseYAML } from "yaml-eslint-parser";
import { lookup } from "../lookup.js";
import { BoundedCache } from "../memo.js";
import type { HclNode } from "../hcl/ast.js";
import type { ShellNode } from "../shell/language.js";

export type AstNode = YamlAst.YAMLNode | JsonAst.JSONNode | HclNode | ShellNode;
export type Scalar = string | number | boolean | null;

export interface DocNode {
  /** The AST node to report on; for values parsed out of a string, that string's node. */
  readonly node: AstNode;
  /** The key node of the pair this value belongs to, when it is a mapping value written in the file. */
  readonly keyNode: AstNode | undefined;
  /** Set when the value came out of a string in the file: it cannot be edited in place. */
  readonly embedded: boolean;
  readonly type: "map" | "seq" | "scalar" | "null";
  /** Scalar value (undefined for maps and sequences). */
  readonly value: Scalar | undefined;
  get(key: string): DocNode | undefined;
  entries(): Array<[string, DocNode]>;
  items(): DocNode[];
}

const EMPTY: never[] = [];

function scalarKey(value: unknown): string {
  return value === null ? "null" : String(value);
}

type YamlValueNode = YamlAst.YAMLContent | YamlAst.YAMLWithMeta;

/**
 * Wrappers remember what they handed out: adapters ask the same node for the same keys many times
 * (`resources`, `args`, `metadata`), and a fresh wrapper each time is garbage for the collector.
 * Callers never mutate the returned arrays.
 */
class YamlDoc implements DocNode {
  readonly embedded = false;
  readonly type: DocNode["type"];
  readonly value: Scalar | undefined;
  private content: YamlAst.YAMLContent | null;
  /** Pair values by pair index, wrapped on first read; merged-in values by key. */
  private childList: Array<DocNode | undefined> | undefined;
  private merged: Map<string, DocNode | undefined> | undefined;
  /** Set while merged keys are collected, so a mapping that merges itself in ends. */
  private merging = false;
  private entryList: Array<[string, DocNode]> | undefined;
  private itemList: DocNode[] | undefined;
  private names: Array<string | undefined> | undefined;

  constructor(
    readonly node: YamlValueNode,
    readonly keyNode: AstNode | undefined,
    private readonly document: YamlAst.YAMLDocument,
    depth = 0,
  ) {
    this.content = unwrapYaml(node, document, depth);
    const template = this.content?.type === "YAMLMapping" ? unquotedTemplate(this.content) : undefined;
    if (template !== undefined) {
      // `nvidia.com/gpu: {{ .Values.gpus }}` parses as a flow mapping; it is a template, not data.
      this.type = "scalar";
      this.value = template;
      this.content = null;
      return;
    }
    switch (this.content?.type) {
      case "YAMLMapping":
        this.type = "map";
        this.value = undefined;
        break;
      case "YAMLSequence":
        this.type = "seq";
        this.value = undefined;
        break;
      case "YAMLScalar": {
        const value = this.content.value as unknown;
        this.value = this.content.style === "plain" ? (yaml11Integer(this.content.strValue) ?? toScalar(value)) : toScalar(value);
        this.type = this.value === null ? "null" : "scalar";
        break;
      }
      default:
        this.type = "null";
        this.value = null;
    }
  }

  private pairs(): YamlAst.YAMLPair[] {
    return this.content?.type === "YAMLMapping" ? this.content.pairs : EMPTY;
  }

  /** Each pair's key as text (undefined for a pair without key or value), read once: adapters probe maps for keys they lack. */
  private keyNames(): Array<string | undefined> {
    if (this.names) return this.names;
    const names: Array<string | undefined> = [];
    for (const pair of this.pairs()) names.push(pair.key && pair.value ? yamlKey(pair.key, this.document) : undefined);
    return (this.names = names);
  }

  /** The value of pair `index`, wrapped once. */
  private child(index: number): DocNode {
    this.childList ??= [];
    let child = this.childList[index];
    if (!child) {
      const pair = this.pairs()[index]!;
      this.childList[index] = child = new YamlDoc(pair.value!, pair.key!, this.document);
    }
    return child;
  }

  get(key: string): DocNode | undefined {
    if (this.type !== "map") return undefined;
    const names = this.keyNames();
    let mergeAt = -1;
    for (let index = 0; index < names.length; index++) {
      const name = names[index];
      if (name === key) return this.child(index);
      if (name === "<<" && mergeAt < 0) mergeAt = index;
    }
    if (mergeAt < 0) return undefined;
    // Not written here: the first merged mapping (`<<: *defaults`) that has it.
    this.merged ??= new Map();
    if (this.merged.has(key)) return this.merged.get(key);
    const result = mergeSource(this.child(mergeAt), key);
    this.merged.set(key, result);
    return result;
  }

  entries(): Array<[string, DocNode]> {
    if (this.entryList) return this.entryList;
    const result: Array<[string, DocNode]> = [];
    const names = this.keyNames();
    for (let index = 0; index < names.length; index++) {
      const name = names[index];
      if (name === undefined || name === "<<") continue;
      // A key written twice reads as its first pair, as `get` does.
      result.push([name, this.get(name)!]);
    }
    // The keys `<<: *defaults` (or `<<: [*a, *b]`) merges in and the mapping does not write, first source first.
    const mergeAt = names.indexOf("<<");
    if (mergeAt >= 0 && !this.merging) {
      this.merging = true;
      const seen = new Set(result.map(([name]) => name));
      const source = this.child(mergeAt);
      for (const merged of source.type === "map" ? [source] : source.items()) {
        for (const [name, value] of merged.entries()) {
          if (seen.has(name)) continue;
          seen.add(name);
          result.push([name, value]);
        }
      }
      this.merging = false;
    }
    this.entryList = result;
    return result;
  }

  items(): DocNode[] {
    if (this.content?.type !== "YAMLSequence") return EMPTY;
    if (this.itemList) return this.itemList;
    const result: DocNode[] = [];
    for (const entry of this.content.entries) if (entry) result.push(new YamlDoc(entry, undefined, this.document));
    this.itemList = result;
    return result;
  }
}

function toScalar(value: unknown): Scalar {
  return typeof value === "bigint" ? Number(value) : (value as Scalar);
}

/**
 * A plain integer as YAML 1.1 reads it — Kubernetes (sigs.k8s.io/yaml), Helm, PyYAML (SkyPilot, Ray)
 * and Go's yaml packages: `010` is octal 8, `0b101` is 5, `1_000` is 1000. yaml-eslint-parser reads
 * YAML 1.2, where `010` is 10 and the others are strings. Undefined when the reading is the same.
 */
function yaml11Integer(written: string): number | undefined {
  // Most plain scalars are words: only a sign or a digit can start an integer.
  const first = written.charCodeAt(0);
  if (first !== 43 && first !== 45 && !(first >= 48 && first <= 57)) return undefined;
  const match = /^([-+]?)(0[0-7]+|0b[01_]+|(?:0|[1-9][0-9]*)(?:_[0-9_]*)?)$/.exec(written);
  if (!match) return undefined;
  const digits = match[2]!.replace(/_/g, "");
  let value: number;
  if (/^0b/.test(digits)) value = parseInt(digits.slice(2), 2);
  else if (/^0[0-7]+$/.test(digits)) value = parseInt(digits.slice(1), 8);
  else if (match[2]!.includes("_")) value = Number(digits);
  else return undefined;
  return Number.isSafeInteger(value) ? (match[1] === "-" ? -value : value) : undefined;
}

/**
 * An unquoted Go/Helm template (`{{ .Values.gpus }}`, `{{ include "x" . }}`), which YAML reads as a
 * flow mapping whose only key is another flow mapping with empty values: the template's text.
 */
function unquotedTemplate(mapping: YamlAst.YAMLMapping): string | undefined {
  if (mapping.style !== "flow" || mapping.pairs.length !== 1) return undefined;
  const [pair] = mapping.pairs;
  const inner = pair?.key;
  if (!pair || pair.value !== null || inner?.type !== "YAMLMapping" || inner.style !== "flow" || inner.pairs.length !== 1) return undefined;
  const innerPair = inner.pairs[0]!;
  if (innerPair.value !== null || innerPair.key?.type !== "YAMLScalar") return undefined;
  const key = innerPair.key as YamlAst.YAMLScalar & { raw?: string };
  return `{{ ${key.raw ?? String(key.value)} }}`;
}

/** `<<: *defaults` or `<<: [*a, *b]`: the first merged mapping that has the key. */
function mergeSource(source: DocNode, key: string): DocNode | undefined {
  if (source.type === "map") return source.get(key);
  for (const item of source.items()) {
    const found = item.get(key);
    if (found) return found;
  }
  return undefined;
}

/** Complex keys (`? [a, b]`) as text, computed once per key node (documents are read several times). */
const complexKeys = new WeakMap<YamlAst.YAMLContent, string>();

function yamlKey(node: YamlValueNode, document: YamlAst.YAMLDocument): string {
  const content = unwrapYaml(node, document, 0);
  if (content?.type === "YAMLScalar") return scalarKey(content.value);
  if (!content) return "";
  let key = complexKeys.get(content);
  // Bounded: the document's aliases were sized before it was read (see readDocuments).
  if (key === undefined) complexKeys.set(content, (key = scalarKey(getStaticYAMLValue(content))));
  return key;
}

/** The node an alias refers to: the last anchor of that name before the alias. */
function aliasTarget(node: YamlAst.YAMLAlias, document: YamlAst.YAMLDocument): YamlAst.YAMLWithMeta | undefined {
  const anchors = lookup(document.anchors, node.name) ?? [];
  let target: YamlAst.YAMLAnchor | undefined;
  for (const anchor of anchors) if (anchor.range[0] < node.range[0]) target = anchor;
  return target?.parent;
}

/** Strips anchors/tags and follows aliases (to the last anchor of that name before the alias). */
function unwrapYaml(node: YamlValueNode | null, document: YamlAst.YAMLDocument, depth: number): YamlAst.YAMLContent | null {
  if (!node || depth > 20) return null;
  if (node.type === "YAMLWithMeta") return unwrapYaml(node.value, document, depth + 1);
  if (node.type === "YAMLAlias") {
    const target = aliasTarget(node, document);
    return target ? unwrapYaml(target, document, depth + 1) : null;
  }
  return node;
}

/**
 * Values a YAML document may add by expanding its aliases before it is left unread. A few hundred
 * bytes of nested aliases (`&a [x, x, …]`, `&b [*a, *a, …]`, …) expand to billions of values (the
 * "billion laughs" pattern). Kubernetes' YAML reader refuses documents from about 400,000 decoded
 * values that are mostly aliases ("document contains excessive aliasing": go-yaml v3 decode.go,
 * `alias_ratio_range_low = 400000`); the adapters read a document several times, so the budget is a
 * quarter of that, far above what anchors in a real deployment file expand to (a few hundred).
 */
export const ALIAS_EXPANSION_LIMIT = 100_000;

/** Nesting beyond which a document is not read (recursion in every reader would exhaust the stack). */
const MAX_NESTING = 2_000;

/** A YAML document (or YAML inside a string of one) the adapters must not read, and why. */
export class UnreadableDocument extends Error {}

type YamlTreeNode = YamlAst.YAMLContent | YamlAst.YAMLWithMeta | YamlAst.YAMLPair | null;

/**
 * How many values a YAML document holds as written and once every alias is expanded (an alias counts
 * as its anchor's whole tree). Linear in the document: each node's expanded size is computed once.
 */
export function yamlSizes(document: YamlAst.YAMLDocument): { own: number; expanded: number } {
  const expandedOf = new Map<object, number>();
  const inProgress = new Set<object>();
  // Without an anchor there is no alias to follow (see `hasAnchors`): only sizes and depth are counted.
  const aliased = hasAnchors(document);
  let own = 0;
  const visit = (node: YamlTreeNode, depth: number, viaAlias: boolean): number => {
    if (!node) return 0;
    if (depth > MAX_NESTING) return Infinity;
    if (node.type === "YAMLAlias") {
      const target = aliasTarget(node, document);
      if (!viaAlias) own++;
      // An alias inside the node it names would expand forever.
      if (!target) return 1;
      if (inProgress.has(target)) return Infinity;
      return visit(target, depth + 1, true);
    }
    const known = viaAlias ? expandedOf.get(node) : undefined;
    if (known !== undefined) return known;
    if (aliased) inProgress.add(node);
    let size: number;
    switch (node.type) {
      case "YAMLWithMeta":
        size = visit(node.value, depth + 1, viaAlias);
        break;
      case "YAMLPair":
        size = visit(node.key, depth + 1, viaAlias) + visit(node.value, depth + 1, viaAlias);
        break;
      case "YAMLMapping":
        size = 1;
        for (const pair of node.pairs) size += visit(pair, depth + 1, viaAlias);
        break;
      case "YAMLSequence":
        size = 1;
        for (const entry of node.entries) size += visit(entry, depth + 1, viaAlias);
        break;
      default:
        size = 1;
    }
    if (!viaAlias && node.type !== "YAMLWithMeta" && node.type !== "YAMLPair") own++;
    if (aliased) {
      inProgress.delete(node);
      expandedOf.set(node, size);
    }
    return size;
  };
  const expanded = visit(document.content, 0, false);
  return { own, expanded };
}

/** Why a YAML document is not to be read, or undefined when its aliases stay within the budget. */
export function unreadableReason(document: YamlAst.YAMLDocument): string | undefined {
  const { own, expanded } = yamlSizes(document);
  if (expanded === Infinity) return "an alias refers to a node that holds it, or it nests too deep, so it never ends";
  if (expanded - own > ALIAS_EXPANSION_LIMIT) return `its aliases expand to more than ${ALIAS_EXPANSION_LIMIT.toLocaleString("en-US")} values (an alias bomb)`;
  return undefined;
}

class JsonDoc implements DocNode {
  readonly embedded = false;
  readonly type: DocNode["type"];
  readonly value: Scalar | undefined;

  constructor(
    readonly node: JsonAst.JSONExpression,
    readonly keyNode: AstNode | undefined,
  ) {
    if (node.type === "JSONObjectExpression") {
      this.type = "map";
      this.value = undefined;
    } else if (node.type === "JSONArrayExpression") {
      this.type = "seq";
      this.value = undefined;
    } else {
      const value = getStaticJSONValue(node) as unknown;
      this.value = typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? value : typeof value === "bigint" ? Number(value) : null;
      this.type = this.value === null ? "null" : "scalar";
    }
  }

  get(key: string): DocNode | undefined {
    if (this.node.type !== "JSONObjectExpression") return undefined;
    for (const property of this.node.properties) {
      if (jsonKey(property) === key) return new JsonDoc(property.value, property.key);
    }
    return undefined;
  }

  entries(): Array<[string, DocNode]> {
    if (this.node.type !== "JSONObjectExpression") return EMPTY;
    return this.node.properties.map((property) => [jsonKey(property), new JsonDoc(property.value, property.key)]);
  }

  items(): DocNode[] {
    if (this.node.type !== "JSONArrayExpression") return EMPTY;
    const result: DocNode[] = [];
    for (const element of this.node.elements) if (element) result.push(new JsonDoc(element, undefined));
    return result;
  }
}

function jsonKey(property: JsonAst.JSONProperty): string {
  return property.key.type === "JSONIdentifier" ? property.key.name : scalarKey(property.key.value);
}

/** A value parsed out of a string in the file; every part reports on that string. */
class EmbeddedDoc implements DocNode {
  readonly embedded = true;
  readonly keyNode = undefined;
  readonly type: DocNode["type"];
  readonly value: Scalar | undefined;

  constructor(
    private readonly data: unknown,
    readonly node: AstNode,
  ) {
    if (Array.isArray(data)) {
      this.type = "seq";
      this.value = undefined;
    } else if (data !== null && typeof data === "object") {
      this.type = "map";
      this.value = undefined;
    } else if (typeof data === "string" || typeof data === "number" || typeof data === "boolean") {
      this.type = "scalar";
      this.value = data;
    } else {
      this.type = "null";
      this.value = null;
    }
  }

  get(key: string): DocNode | undefined {
    if (this.type !== "map") return undefined;
    const record = this.data as Record<string, unknown>;
    return Object.hasOwn(record, key) ? new EmbeddedDoc(record[key], this.node) : undefined;
  }

  entries(): Array<[string, DocNode]> {
    if (this.type !== "map") return EMPTY;
    return Object.entries(this.data as Record<string, unknown>).map(([key, value]) => [key, new EmbeddedDoc(value, this.node)]);
  }

  items(): DocNode[] {
    return this.type === "seq" ? (this.data as unknown[]).map((item) => new EmbeddedDoc(item, this.node)) : EMPTY;
  }
}

/** An AST that builds its own document views (the HCL language: a `.tf` file in Terraform-JSON shape). */
interface SelfDescribingAst {
  docNodes(): DocNode[];
}

export function describesItself(ast: object): ast is SelfDescribingAst {
  return typeof (ast as Partial<SelfDescribingAst>).docNodes === "function";
}

/** Whether a text could nest deeper than `MAX_NESTING`: each level takes a line (block style) or a bracket (flow style). */
function mayNestPastLimit(text: string): boolean {
  if (text.length <= MAX_NESTING) return false;
  let levels = 0;
  for (const opener of ["\n", "[", "{"]) {
    for (let at = text.indexOf(opener); at >= 0; at = text.indexOf(opener, at + 1)) if (++levels > MAX_NESTING) return true;
  }
  return false;
}

/**
 * Whether a YAML document names anchors: without one it holds no alias (the parser rejects an alias
 * to an anchor it has not seen), so nothing in it expands.
 */
function hasAnchors(document: YamlAst.YAMLDocument): boolean {
  // A parser's document without the anchors table is counted as if it had some.
  if (!document.anchors) return true;
  for (const _name in document.anchors) return true;
  return false;
}

/** A document the adapters did not read (see `unreadableReason`): nothing in it is judged. */
export interface UnreadDocument {
  node: AstNode;
  reason: string;
}

/**
 * The documents of a parsed file: each YAML document's content, the JSON value, or what the AST
 * builds itself; YAML documents whose aliases would expand past the budget are set aside, unread.
 * `text`, the file's text, lets a short file skip measuring how deep its documents nest.
 */
export function readDocuments(ast: { type: string; body?: unknown[] }, text?: string): { documents: DocNode[]; unread: UnreadDocument[] } {
  // A document without anchors expands to nothing more, and a text with fewer lines and brackets
  // than the nesting limit cannot nest past it: then nothing is counted.
  const deep = text === undefined || mayNestPastLimit(text);
  if (describesItself(ast)) return { documents: ast.docNodes(), unread: [] };
  const body = (ast.body ?? []) as Array<YamlAst.YAMLDocument | JsonAst.JSONExpressionStatement>;
  const documents: DocNode[] = [];
  const unread: UnreadDocument[] = [];
  for (const item of body) {
    if (item.type === "YAMLDocument") {
      if (!item.content) continue;
      const reason = deep || hasAnchors(item) ? unreadableReason(item) : undefined;
      if (reason) unread.push({ node: item.content, reason });
      else documents.push(new YamlDoc(item.content, undefined, item));
    } else if (item.type === "JSONExpressionStatement") {
      documents.push(new JsonDoc(item.expression, undefined));
    }
  }
  return { documents, unread };
}

/** The readable documents of a parsed file (see `readDocuments`). */
export function documentsOf(ast: { type: string; body?: unknown[] }): DocNode[] {
  return readDocuments(ast).documents;
}

const locatedParsers = new WeakMap<AstNode, (text: string) => DocNode[] | undefined>();

/**
 * Registers how the string a node holds parses with positions in the file (an HCL heredoc whose
 * value is not its source text): `parseEmbedded` then returns documents that report on, and edit,
 * the exact values inside it. The parser returns undefined when `text` is not that string.
 */
export function setLocatedParser(owner: AstNode, parse: (text: string) => DocNode[] | undefined): void {
  locatedParsers.set(owner, parse);
}

const hclParsers = new WeakMap<AstNode, () => DocNode[] | undefined>();

/**
 * Registers how the string a node holds parses as HCL with positions in the file (a Terraform
 * `nomad_job`'s `jobspec = <<-EOT … EOT`): only the HCL language can, so readers of any other
 * syntax get nothing from `parseEmbeddedHcl`.
 */
export function setHclParser(owner: AstNode, parse: () => DocNode[] | undefined): void {
  hclParsers.set(owner, parse);
}

/** The HCL a string holds, as the documents of an HCL file; undefined when no HCL reader is registered for it. */
export function parseEmbeddedHcl(owner: AstNode): DocNode[] | undefined {
  return hclParsers.get(owner)?.();
}

/**
 * The values of YAML held in strings, by the string (a suggestion's check reads the file again, and
 * a Ray service's `serveConfigV2` is most of its parse). Plain data, read only through `EmbeddedDoc`.
 */
const embeddedValues = new BoundedCache<{ values: unknown[] } | { unreadable: string }>(128, 65_536);

/**
 * Parses YAML (a superset of JSON) held in a string of the file — a ConfigMap's `config.yaml`, Ray's
 * `serveConfigV2`, Helm values in Terraform. Unparseable text yields nothing; text whose aliases
 * expand past the budget throws `UnreadableDocument`, so the document holding it is left unread.
 */
export function parseEmbedded(text: string, owner: AstNode): DocNode[] {
  const located = locatedParsers.get(owner)?.(text);
  if (located) return located;
  const parsed = embeddedValues.get(text, () => {
    let program: YamlAst.YAMLProgram;
    try {
      program = parseYAML(text);
    } catch {
      return { values: [] };
    }
    const documents = program.body.filter((document) => document.content);
    for (const document of documents) {
      const reason = unreadableReason(document);
      if (reason) return { unreadable: `it reads YAML from a string in which ${reason.replace(/^its /, "the ")}` };
    }
    return { values: documents.map((document) => getStaticYAMLValue(document)) };
  });
  if ("unreadable" in parsed) throw new UnreadableDocument(parsed.unreadable);
  return parsed.values.map((value) => new EmbeddedDoc(value, owner));
}

/**
 * A plain value built from the file's contents (Helm values merged from several strings, a part of
 * a scalar) as a read-only document; every part reports on `owner`.
 */
export function embeddedDoc(data: unknown, owner: AstNode): DocNode {
  return new EmbeddedDoc(data, owner);
}

/** The node at `path` of keys below `node`, if every step exists. */
export function follow(node: DocNode | undefined, path: readonly string[]): DocNode | undefined {
  let current = node;
  for (const key of path) current = current?.get(key);
  return current;
}

/**
 * The one way to locate text inside a scalar: the absolute source range of `raw` (or of its part
 * `raw.slice(start, end)`) when the scalar writes it verbatim and exactly once (plain, or quoted
 * without escapes). Undefined for values parsed out of a string, and where the text is ambiguous.
 */
export function rangeInScalar(where: DocNode | AstNode, raw: string, text: string, start = 0, end = raw.length): [number, number] | undefined {
  const isDoc = "embedded" in where;
  if ((isDoc && where.embedded) || raw === "") return undefined;
  const [from, to] = isDoc ? where.node.range : where.range;
  const source = text.slice(from, to);
  const at = source.indexOf(raw);
  if (at < 0 || source.indexOf(raw, at + 1) >= 0) return undefined;
  return [from + at + start, from + at + end];
}

/** The scalar as a string (numbers too), or undefined. */
export function str(node: DocNode | undefined): string | undefined {
  if (!node || node.type !== "scalar") return undefined;
  return typeof node.value === "string" ? node.value : typeof node.value === "number" ? String(node.value) : undefined;
}

/** Walks every mapping in a document tree, depth first, with its path of keys. */
export function* mappings(node: DocNode, path: string[] = [], depth = 0): Generator<{ node: DocNode; path: string[] }> {
  if (depth > 64) return;
  if (node.type === "map") {
    yield { node, path };
    for (const [key, value] of node.entries()) yield* mappings(value, [...path, key], depth + 1);
  } else if (node.type === "seq") {
    const items = node.items();
    for (let index = 0; index < items.length; index++) yield* mappings(items[index]!, [...path, String(index)], depth + 1);
  }
}

/** The keys of a `{name, value}` entry, and the others such an entry may carry (left out). */
const PAIR_SCHEMAS = [
  { name: "name", value: "value", others: ["valueFrom", "description"] },
  // A CloudFormation parameters file (`aws cloudformation create-stack --parameters file://params.json`).
  { name: "ParameterKey", value: "ParameterValue", others: ["UsePreviousValue", "ResolvedValue"] },
];

/**
 * A list of `{name, value}` entries read as the mapping it stands for (`parameters:` of a SeedFarmer
 * module manifest or an Argo workflow: `- name: instance-type` / `value: ml.g5.2xlarge`; a
 * CloudFormation parameters file's `{ParameterKey, ParameterValue}`): keys are the names, values
 * the written value nodes. Undefined unless every entry is such a pair (entries with `valueFrom`
 * instead count, and are left out) and at least one has a value. The view itself is never edited
 * (new keys have no place in it); its values are the file's own nodes.
 */
export function namedValueView(list: DocNode): DocNode | undefined {
  if (list.type !== "seq") return undefined;
  const first = list.items()[0];
  const schema = first?.type === "map" ? PAIR_SCHEMAS.find((pair) => first.get(pair.name) !== undefined) : undefined;
  if (!schema) return undefined;
  const entries: Array<[string, DocNode]> = [];
  for (const item of list.items()) {
    const name = item.type === "map" ? str(item.get(schema.name)) : undefined;
    if (!name || item.entries().some(([key]) => key !== schema.name && key !== schema.value && !schema.others.includes(key))) return undefined;
    const value = item.get(schema.value);
    if (value) entries.push([name, value]);
  }
  if (entries.length === 0) return undefined;
  const byName = new Map(entries);
  return {
    node: list.node,
    keyNode: list.keyNode,
    embedded: true,
    type: "map",
    value: undefined,
    get: (key) => byName.get(key),
    entries: () => entries,
    items: () => [],
  };
}

/** A scalar that is part of a larger written value (`KEY=value` in a list): reported on `node`, never edited. */
export function scalarView(value: Scalar, node: AstNode): DocNode {
  return {
    node,
    keyNode: undefined,
    embedded: true,
    type: value === null ? "null" : "scalar",
    value,
    get: () => undefined,
    entries: () => [],
    items: () => [],
  };
}
