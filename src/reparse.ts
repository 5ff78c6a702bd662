/**
 * A YAML file's AST after text edits, re-parsing only what the edits touch. Checking a suggestion
 * means parsing the file as the suggestion leaves it; on a repository's manifests that re-parse was
 * most of what the rules cost (a 40-line manifest: ~0.35 ms of yaml-eslint-parser per suggestion).
 * An edit changes one self-contained node — a scalar, a flow collection (`[…]`, `{…}`) or a block
 * mapping or sequence — and the rest of the file keeps its tokens. So each such node (a "window") is
 * parsed alone, as the text the edits leave it, and spliced into a copy of the AST whose other nodes
 * are moved by the edits' length. A window parses alone exactly as in the file when:
 *
 * - it is on lines of its own: the text before it on its first line is blanked to spaces (so its
 *   columns stay), nothing but a comment follows it on its last line, and the next line with content
 *   is indented less than it (a block sequence's lines may also be followed by a key at its column);
 * - an edit inside a scalar or a flow collection adds no line break (lines of a flow collection
 *   must stay indented past their parent's);
 * - it holds nothing whose meaning reaches outside it, before or after the edits: no anchor, alias
 *   or tag, no block scalar (`|`, `>`) that keeps its trailing lines (`|+`) or ends the window (its
 *   final line break lies past the window's text), no tab, no carriage return, no line starting
 *   with `%`, no directive in the document, no Go template in the file. A block scalar inside the
 *   window reads alone as in the file: the window keeps its columns, so its indentation is the same
 *   (shell scripts in `args: - |` are where engine flags are most often written);
 * - alone, it parses to one node of the same kind and style spanning the whole window.
 *
 * One more window is smaller than any node: new keys written after a pair of a block mapping, at the
 * mapping's column, on lines of their own (a `nodeSelector:` pinned into a pod spec). Those lines
 * alone are the window; the keys they parse to are spliced into a copy of the mapping after that
 * pair, when none of them is a key the mapping has already (a full parse would reject the file) and
 * the pair does not end in a block scalar (its final line break would move).
 *
 * Anything else — and any edit this cannot place — is parsed whole, as before. Window parses are
 * kept per process by their text: a repository's manifests repeat the same container and pod spec.
 * With `VRAM_CHECK_REPARSE=1` (set by the test suite) every splice is compared with a full parse of
 * the same text and a difference throws (documents' own extent aside: see `shapeOf`).
 */
import { getStaticYAMLValue, parseYAML, type AST, VisitorKeys } from "yaml-eslint-parser";
import type { TextEdit } from "./extract/types.js";
import { ALIAS_EXPANSION_LIMIT, yamlSizes } from "./extract/doc.js";
import { isUnparsedTemplate, templateActionsOf } from "./extract/go-template.js";
import { BoundedCache } from "./memo.js";
import { lineStartsOf, positionAt } from "./text.js";

type Node = AST.YAMLNode | AST.YAMLProgram;

/** Child keys of each node type: the parser's own visitor keys (ESTree's are there too, and never met here). */
const CHILD_KEYS = VisitorKeys as Readonly<Record<string, readonly string[] | undefined>>;

/** Set by the test suite: every splice is compared with a full parse (read once, not per splice). */
const CHECK_AGAINST_FULL_PARSE = Boolean(process.env.VRAM_CHECK_REPARSE);

/** Characters that change how lines are read (tabs and carriage returns in indentation, a directive's `%`). */
const LAYOUT_SENSITIVE = /[\t\r]|(?:^|\n)%/;

/** Characters without which a text holds no anchor, alias or tag (`&`, `*`, `!`) nor block scalar (`|`, `>`). */
const MAY_REACH_OUTSIDE = /[&*!|>]/;

/**
 * Whether `root`'s nodes read alone as they do in the file: no anchor, alias or tag (what they name
 * or mean lies outside), no block scalar keeping its trailing lines, none ending where `root` ends
 * (the line break that ends it in the file lies past the window's text). Walked only when `text`
 * (the window's) has a character that could start one: most windows have none.
 */
function selfContained(root: Node, text: string): boolean {
  if (!MAY_REACH_OUTSIDE.test(text)) return true;
  const end = root.range[1];
  const reachesOutside = (node: Node): boolean =>
    node.type === "YAMLWithMeta" ||
    node.type === "YAMLAlias" ||
    (node.type === "YAMLScalar" && (node.style === "literal" || node.style === "folded") && (node.chomping === "keep" || node.range[1] === end)) ||
    findChild(node, reachesOutside) !== undefined;
  return !reachesOutside(root);
}

interface Window {
  node: AST.YAMLContent;
  edits: TextEdit[];
}

/** The first child of `node` (in its parser's visitor-key order) that `test` accepts, if any. */
function findChild(node: Node, test: (child: Node) => boolean): Node | undefined {
  for (const key of CHILD_KEYS[node.type] ?? []) {
    const value = (node as unknown as Record<string, unknown>)[key];
    if (Array.isArray(value)) {
      for (const item of value as Array<Node | null>) if (item && test(item)) return item;
    } else if (value && test(value as Node)) return value as Node;
  }
  return undefined;
}

/** The child of `node` whose range holds `[start, end]`, if any (children do not overlap). */
function childHolding(node: Node, start: number, end: number): Node | undefined {
  return findChild(node, (child) => child.range[0] <= start && end <= child.range[1]);
}

/** Nodes from the program down to the deepest one whose range holds `[start, end]`. */
function pathTo(program: AST.YAMLProgram, start: number, end: number): Node[] {
  const path: Node[] = [program];
  for (let next = childHolding(program, start, end); next; next = childHolding(next, start, end)) path.push(next);
  return path;
}

function isBlockCollection(node: Node): node is AST.YAMLBlockMapping | AST.YAMLBlockSequence {
  return (node.type === "YAMLMapping" || node.type === "YAMLSequence") && node.style === "block";
}

function isFlowCollection(node: Node): boolean {
  return (node.type === "YAMLMapping" || node.type === "YAMLSequence") && node.style === "flow";
}

/** Whether `edit` lies where a re-parse of `node` alone sees it (see the module comment). */
function holds(node: Node, edit: TextEdit): boolean {
  const [start, end] = edit.range;
  const [from, to] = node.range;
  // An insertion at a node's start belongs to what holds it.
  if (start === end && start === from) return false;
  if (isBlockCollection(node)) return from <= start && end <= to;
  const flowScalar = node.type === "YAMLScalar" && (node.style === "plain" || node.style === "double-quoted" || node.style === "single-quoted");
  if (!isFlowCollection(node) && !flowScalar) return false;
  if (edit.text.includes("\n")) return false;
  if (flowScalar) {
    if (node.loc.start.line !== node.loc.end.line) return false;
    // Inside the scalar, or replacing it whole; an insertion at its end belongs to what holds it.
    return start === end ? from < start && start < to : from <= start && end <= to;
  }
  return from < start && end < to;
}

/** The column the first line an edit adds starts at (its first non-blank character), if it adds lines. */
function addedLineColumn(edit: TextEdit): number | undefined {
  const newline = edit.text.indexOf("\n");
  if (newline < 0) return undefined;
  let column = 0;
  while (edit.text[newline + 1 + column] === " ") column++;
  return column;
}

/**
 * The node to re-parse for `edit`: the deepest that holds it and is closed after it, never one inside
 * a flow collection (alone it would be read in block context) nor a block collection indented past
 * the lines the edit adds (those lines belong to an outer one). Undefined when there is none.
 */
function windowFor(program: AST.YAMLProgram, edit: TextEdit, text: string): AST.YAMLContent | undefined {
  const path = pathTo(program, edit.range[0], edit.range[1]);
  const outermostFlow = path.findIndex(isFlowCollection);
  const addedColumn = addedLineColumn(edit);
  for (let index = path.length - 1; index > 0; index--) {
    const node = path[index]!;
    if (node.type === "YAMLDocument") return undefined;
    if (outermostFlow >= 0 && index > outermostFlow) continue;
    if (!holds(node, edit)) continue;
    if (isBlockCollection(node) && addedColumn !== undefined && node.loc.start.column > addedColumn) continue;
    if (!closedAfter(node as AST.YAMLContent, text) || endsInBlockScalar(node)) continue;
    return node as AST.YAMLContent;
  }
  return undefined;
}

/**
 * Whether `node` ends with a block scalar (a script as the last item of `args`): alone, the window
 * would lose the line break that ends it, so a window that holds more is taken (see `selfContained`).
 */
function endsInBlockScalar(node: Node): boolean {
  const end = node.range[1];
  for (let last: Node | null | undefined = node; last && last.range[1] === end; ) {
    if (last.type === "YAMLScalar") return last.style === "literal" || last.style === "folded";
    if (last.type === "YAMLMapping") last = last.pairs[last.pairs.length - 1];
    else if (last.type === "YAMLSequence") last = last.entries[last.entries.length - 1];
    else if (last.type === "YAMLPair") last = last.value ?? last.key;
    else if (last.type === "YAMLWithMeta") last = last.value;
    else return false;
  }
  return false;
}

/** Whether the file's text after `node` leaves it where it is: a comment at most on its last line, then only less-indented content. */
function closedAfter(node: AST.YAMLContent, text: string): boolean {
  const lineEnd = text.indexOf("\n", node.range[1]);
  const rest = text.slice(node.range[1], lineEnd < 0 ? text.length : lineEnd).trim();
  if (rest !== "" && !rest.startsWith("#")) return false;
  if (!isBlockCollection(node)) return true;
  const column = node.loc.start.column;
  let at = lineEnd;
  while (at >= 0 && at < text.length) {
    const next = text.indexOf("\n", at + 1);
    const line = text.slice(at + 1, next < 0 ? text.length : next);
    const content = line.trimStart();
    if (content !== "" && !content.startsWith("#")) {
      const indent = line.length - content.length;
      if (column === 0) return indent === 0 && (content.startsWith("---") || content.startsWith("..."));
      if (indent < column) return true;
      return node.type === "YAMLSequence" && indent === column && !/^-(?:\s|$)/.test(content);
    }
    at = next;
  }
  return true;
}

/** `offset` of the text before the edits, in the text after them (edits sorted, not overlapping). */
function shifted(edits: readonly TextEdit[], offset: number): number {
  let result = offset;
  for (const edit of edits) {
    if (edit.range[1] > offset) break;
    result += edit.text.length - (edit.range[1] - edit.range[0]);
  }
  return result;
}

/**
 * Line and column after the edits of a position before them: a position on a line after every edit
 * before it only moves by the lines those edits add or remove; any other is looked up.
 */
function placer(text: string, edits: readonly TextEdit[], starts: readonly number[]): (offset: number, position: AST.Position) => AST.Position {
  let lines = 0;
  const after = edits.map((edit) => {
    lines += countLines(edit.text) - countLines(text.slice(edit.range[0], edit.range[1]));
    return { end: edit.range[1], endLine: lineOf(text, edit.range[1]), lines };
  });
  return (offset, position) => {
    let moved: (typeof after)[number] | undefined;
    for (const edit of after) {
      if (edit.end > offset) break;
      moved = edit;
    }
    if (!moved) return position;
    if (position.line > moved.endLine) return moved.lines === 0 ? position : { line: position.line + moved.lines, column: position.column };
    return positionAt(starts, shifted(edits, offset));
  };
}

function countLines(text: string): number {
  let count = 0;
  for (let at = text.indexOf("\n"); at >= 0; at = text.indexOf("\n", at + 1)) count++;
  return count;
}

/** 1-based line of an offset (counted: edits are few and once per splice). */
function lineOf(text: string, offset: number): number {
  return countLines(text.slice(0, offset)) + 1;
}

/** New keys for a block mapping: inserted after `pairs[after]`, parsed alone as `root` (see `insertedPairs`). */
interface PairsInsertion {
  mapping: AST.YAMLBlockMapping;
  after: number;
  splice: Splice & { root: AST.YAMLBlockMapping };
}

/**
 * `edit` as new keys of a block mapping (see the module comment), parsed alone; undefined when it is
 * not one. `starts` are the line starts of the text after the edit.
 */
function insertedPairs(program: AST.YAMLProgram, edit: TextEdit, text: string, starts: readonly number[]): PairsInsertion | undefined {
  const [at, end] = edit.range;
  const column = addedLineColumn(edit);
  if (at !== end || !edit.text.startsWith("\n") || column === undefined) return undefined;
  const lineEnd = text.indexOf("\n", at);
  const rest = text.slice(at, lineEnd < 0 ? text.length : lineEnd).trim();
  if (rest !== "" && !rest.startsWith("#")) return undefined;
  const path = pathTo(program, at, at);
  for (let index = path.length - 2; index > 0; index--) {
    const mapping = path[index]!;
    const pair = path[index + 1]!;
    if (!isBlockCollection(mapping) || mapping.type !== "YAMLMapping" || mapping.loc.start.column !== column) continue;
    if (pair.type !== "YAMLPair" || pair.range[1] !== at || endsInBlockScalar(pair)) return undefined;
    // The added lines, from the line break on, start at the mapping's column: the window's own text.
    const lines = edit.text.slice(1);
    if (LAYOUT_SENSITIVE.test(lines)) return undefined;
    const root = parseWindow(mapping, lines, column);
    if (root?.type !== "YAMLMapping" || !newKeys(mapping, root)) return undefined;
    const start = at + 1;
    return { mapping, after: mapping.pairs.indexOf(pair), splice: { base: start, lines: positionAt(starts, start).line - 1, root: root as AST.YAMLBlockMapping } };
  }
  return undefined;
}

/** Whether every key of `added` is a plain value that `mapping` does not have yet. */
function newKeys(mapping: AST.YAMLMapping, added: AST.YAMLMapping): boolean {
  const keyOf = (pair: AST.YAMLPair) => (pair.key?.type === "YAMLScalar" ? String(pair.key.value) : undefined);
  const existing = new Set<string | undefined>(mapping.pairs.map(keyOf));
  return added.pairs.every((pair) => {
    const key = keyOf(pair);
    return key !== undefined && key !== "<<" && !existing.has(key);
  });
}

/** Window parses by their text (a window alone, blank-padded to its column): repositories repeat them. */
const windowParses = new BoundedCache<AST.YAMLContent | AST.YAMLWithMeta | null>(512, 8_192);

/** The window's text after its edits parsed alone: its root node, or null when it does not parse as the same kind of node spanning it all. */
function parseWindow(window: AST.YAMLContent, windowText: string, padding: number): AST.YAMLContent | null {
  const root = windowParses.get(windowText, () => {
    let program: AST.YAMLProgram;
    try {
      program = parseYAML(windowText);
    } catch {
      return null;
    }
    const [document, ...others] = program.body;
    const root = document && others.length === 0 && document.directives.length === 0 ? document.content : null;
    return root && selfContained(root, windowText) ? root : null;
  });
  // Checked on every use: one text can stand where nodes of different kinds stood.
  if (!root || root.type !== window.type || (root as { style?: string }).style !== (window as { style?: string }).style) return null;
  return root.range[0] === padding && root.range[1] === windowText.length ? (root as AST.YAMLContent) : null;
}

interface Splice {
  /** Offset in the text after the edits of a window-text offset 0. */
  base: number;
  /** Lines before the window in the text after the edits (its text starts on line 1 alone). */
  lines: number;
  root: AST.YAMLContent;
}

/**
 * The AST of `changed` (`text` with `edits` applied) from `ast` (of `text`), re-parsing only the
 * windows the edits touch; undefined when some edit cannot be placed in a window (parse it whole).
 * Nodes wholly before the first edit are shared with `ast` (their parents are `ast`'s; readers of
 * the copy look down, never up, except from an anchor to what it names, and anchors are copied with it).
 */
export function reparseEdited(ast: object, text: string, edits: readonly TextEdit[], changed: string): AST.YAMLProgram | undefined {
  const program = ast as AST.YAMLProgram;
  if (program.type !== "Program" || !Array.isArray(program.body) || program.body.some((document) => document.type !== "YAMLDocument" || document.directives.length > 0)) return undefined;
  if (isUnparsedTemplate(ast) || templateActionsOf(ast).length > 0) return undefined;
  if (edits.length === 0) return undefined;
  if (edits.length === 1) {
    const starts = lineStartsOf(changed);
    const insertion = insertedPairs(program, edits[0]!, text, starts);
    if (insertion) return finish(copyNode(program, undefined, copyContext(text, edits, starts, new Map(), insertion)) as AST.YAMLProgram, changed);
  }
  const sorted = [...edits].sort((a, b) => a.range[0] - b.range[0]);
  const windows: Window[] = [];
  for (const edit of sorted) {
    const node = windowFor(program, edit, text);
    if (!node) return undefined;
    // One window per node; a window inside another is the outer one.
    const outer = windows.find((window) => window.node.range[0] <= node.range[0] && node.range[1] <= window.node.range[1]);
    if (outer) {
      outer.edits.push(edit);
      continue;
    }
    const inner = windows.filter((window) => node.range[0] <= window.node.range[0] && window.node.range[1] <= node.range[1]);
    const merged: Window = { node, edits: [...inner.flatMap((window) => window.edits), edit] };
    windows.splice(0, windows.length, ...windows.filter((window) => !inner.includes(window)), merged);
  }
  const starts = lineStartsOf(changed);
  const splices = new Map<Node, Splice>();
  for (const { node } of windows) {
    const padding = node.loc.start.column;
    const start = shifted(sorted, node.range[0]);
    const end = shifted(sorted, node.range[1]);
    const body = changed.slice(start, end);
    const before = text.slice(node.range[0], node.range[1]);
    // The parse of the window as edited is checked in parseWindow; the window as it was must not hold
    // an anchor either (the document's anchors would still name it).
    if (LAYOUT_SENSITIVE.test(body) || LAYOUT_SENSITIVE.test(before) || !selfContained(node, before)) return undefined;
    const root = parseWindow(node, " ".repeat(padding) + body, padding);
    if (!root) return undefined;
    splices.set(node, { base: start - padding, lines: positionAt(starts, start).line - 1, root });
  }
  return finish(copyNode(program, undefined, copyContext(text, sorted, starts, splices)) as AST.YAMLProgram, changed);
}

function copyContext(text: string, sorted: readonly TextEdit[], starts: readonly number[], splices: Map<Node, Splice>, insertion?: PairsInsertion): CopyContext {
  return { before: sorted[0]!.range[0], edits: sorted, place: placer(text, sorted, starts), splices, insertion, copies: new Map() };
}

function finish(copy: AST.YAMLProgram, changed: string): AST.YAMLProgram {
  if (CHECK_AGAINST_FULL_PARSE) checkAgainstFullParse(copy, changed);
  return copy;
}

interface CopyContext {
  /** Offsets before this one are where they were (the first edit's start). */
  before: number;
  /** The edits, sorted (`shifted` moves an offset of the source tree into the text after them). */
  edits: readonly TextEdit[];
  /** The line and column, in the text after the edits, of a position of the source tree. */
  place(offset: number, position: AST.Position): AST.Position;
  splices: Map<Node, Splice>;
  /** New keys of a block mapping, parsed alone (see `insertedPairs`). */
  insertion?: PairsInsertion;
  /** Source anchor → its copy (the documents that hold anchors look them up; no other node is looked up). */
  copies: Map<Node, Node>;
}

/** A copy of `node` placed in the text after the edits, with windows replaced by their re-parse. */
function copyNode(node: Node, parent: Node | undefined, context: CopyContext): Node {
  // Before the first edit nothing moved; an anchor is copied with the node it names (see aliasTarget in doc.ts).
  if (node.range[1] < context.before && node.type !== "YAMLAnchor") return node;
  const splice = context.splices.get(node);
  if (splice) return copyWindow(splice.root, parent, splice);
  const copy = { ...node } as Record<string, unknown>;
  // Edits that add or remove no line leave the positions of later lines as they were: shared, not copied.
  const from = shifted(context.edits, node.range[0]);
  const to = shifted(context.edits, node.range[1]);
  if (from !== node.range[0] || to !== node.range[1]) copy.range = [from, to];
  const start = context.place(node.range[0], node.loc.start);
  const end = context.place(node.range[1], node.loc.end);
  if (start !== node.loc.start || end !== node.loc.end) copy.loc = { start, end };
  copy.parent = parent;
  if (node.type === "Program") {
    copy.tokens = [];
    copy.comments = [];
  }
  if (node.type === "YAMLAnchor") context.copies.set(node, copy as unknown as Node);
  const insertion = context.insertion;
  if (insertion?.mapping === node) {
    // The pairs up to the insertion end at or before it: unmoved, shared.
    const { pairs } = insertion.mapping;
    copy.pairs = [
      ...pairs.slice(0, insertion.after + 1),
      ...insertion.splice.root.pairs.map((pair) => copyWindow(pair, copy as unknown as Node, insertion.splice)),
      ...pairs.slice(insertion.after + 1).map((pair) => copyNode(pair, copy as unknown as Node, context)),
    ];
  } else copyChildren(copy, node.type, (child) => copyNode(child, copy as unknown as Node, context));
  if (node.type === "YAMLDocument") {
    copy.anchors = Object.fromEntries(Object.entries(node.anchors).map(([name, anchors]) => [name, anchors.map((anchor) => context.copies.get(anchor) ?? anchor)]));
  }
  return copy as unknown as Node;
}

/** A node of a window's parse placed in the file: the window keeps its columns, so only offsets and line numbers move. */
function copyWindow(node: Node, parent: Node | undefined, splice: Splice): Node {
  const copy = { ...node } as Record<string, unknown>;
  const { start, end } = node.loc;
  copy.range = [splice.base + node.range[0], splice.base + node.range[1]];
  copy.loc = { start: { line: start.line + splice.lines, column: start.column }, end: { line: end.line + splice.lines, column: end.column } };
  copy.parent = parent;
  copyChildren(copy, node.type, (child) => copyWindow(child, copy as unknown as Node, splice));
  return copy as unknown as Node;
}

/** Replaces each child of `copy` (a shallow copy of a node of type `type`) by `place(child)`. */
function copyChildren(copy: Record<string, unknown>, type: string, place: (child: Node) => Node): void {
  for (const key of CHILD_KEYS[type] ?? []) {
    const value = copy[key];
    if (Array.isArray(value)) copy[key] = value.map((item: Node | null) => (item ? place(item) : item));
    else if (value) copy[key] = place(value as Node);
  }
}

/**
 * What a node is, without parents, tokens or comments, nor the extent of documents and of the file
 * (the parser ends a document after the newline that follows it unless its last value is empty;
 * no reader of documents looks at it): two trees the adapters read alike print the same.
 */
function shapeOf(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(shapeOf);
  if (!node || typeof node !== "object") return node;
  const result: Record<string, unknown> = {};
  const extentless = (node as { type?: string }).type === "Program" || (node as { type?: string }).type === "YAMLDocument";
  for (const [key, value] of Object.entries(node).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (key === "parent" || key === "tokens" || key === "comments") continue;
    if (extentless && (key === "range" || key === "loc")) continue;
    result[key] = key === "anchors" ? Object.keys(value as object) : shapeOf(value);
  }
  return result;
}

/** The check behind VRAM_CHECK_REPARSE: the same nodes as a full parse, and the same values once aliases are followed. */
function checkAgainstFullParse(copy: AST.YAMLProgram, changed: string): void {
  const full = parseYAML(changed);
  // Values with aliases followed, for documents whose aliases stay within the budget the adapters read under.
  const values = (program: AST.YAMLProgram) => JSON.stringify(program.body.map((document) => (yamlSizes(document).expanded <= ALIAS_EXPANSION_LIMIT ? getStaticYAMLValue(document) : "too many aliases")));
  const expected = JSON.stringify(shapeOf(full)) + values(full);
  const actual = JSON.stringify(shapeOf(copy)) + values(copy);
  if (expected === actual) return;
  let at = 0;
  while (expected[at] === actual[at]) at++;
  const around = (shape: string) => shape.slice(Math.max(0, at - 300), at + 200);
  throw new Error(`reparseEdited differs from a full parse of:\n${changed}\nexpected …${around(expected)}\nactual   …${around(actual)}`);
}
