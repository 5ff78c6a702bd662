/**
 * The HCL syntax tree ESLint sees and the Terraform reader walks: tree-sitter's concrete tree (the
 * `terraform` dialect of tree-sitter-hcl) folded into plain objects with ESLint's `type`, `range`
 * (UTF-16 offsets, as tree-sitter reports them for JavaScript strings), `loc` and `parent`.
 * Postfix chains (`var.a.b[0]`) become nested traversals; comments are collected on the program.
 */
import { lineStartsOf, positionAt } from "../text.js";

/**
 * The parts of web-tree-sitter's `Node` and `Tree` the conversion reads, declared here so this
 * package's type declarations do not pull in web-tree-sitter's (which need Emscripten's types).
 */
interface TsNode {
  readonly type: string;
  readonly isNamed: boolean;
  readonly isError: boolean;
  readonly isMissing: boolean;
  readonly hasError: boolean;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly childCount: number;
  readonly children: Array<TsNode | null>;
  child(index: number): TsNode | null;
  childForFieldName(name: string): TsNode | null;
}

interface Tree {
  readonly rootNode: TsNode;
}

export interface Position {
  line: number;
  column: number;
}

interface Base {
  range: [number, number];
  loc: { start: Position; end: Position };
  parent?: HclNode;
}

export interface HCLProgram extends Base {
  type: "Program";
  body: HCLBodyItem[];
  comments: HCLComment[];
  /** The first syntax error (tree-sitter ERROR or MISSING node), if any. */
  syntaxError?: { message: string; offset: number };
}

export interface HCLComment extends Base {
  type: "Block" | "Line";
  /** The text without its markers (`#`, `//`, `/*`…`*\/`): what directives are parsed from. */
  value: string;
}

export interface HCLIdentifier extends Base {
  type: "HCLIdentifier";
  name: string;
}

export interface HCLAttribute extends Base {
  type: "HCLAttribute";
  key: HCLIdentifier;
  value: HCLExpression;
}

export interface HCLBlock extends Base {
  type: "HCLBlock";
  blockType: HCLIdentifier;
  /** `resource "aws_instance" "gpu"`: the quoted or bare labels after the block type. */
  labels: Array<HCLTemplate | HCLIdentifier>;
  body: HCLBodyItem[];
  /** Set when tree-sitter recovered from a syntax error inside the block. */
  hasError: boolean;
}

export type HCLBodyItem = HCLAttribute | HCLBlock;

export interface HCLLiteral extends Base {
  type: "HCLLiteral";
  value: number | boolean | null;
  raw: string;
}

/** A quoted string or heredoc; a plain string is a template of one literal part. */
export interface HCLTemplate extends Base {
  type: "HCLTemplate";
  kind: "quoted" | "heredoc";
  /** `<<-EOT`: the smallest indentation of the lines is removed. */
  indented: boolean;
  parts: HCLTemplatePart[];
}

export type HCLTemplatePart = HCLTemplateLiteral | HCLInterpolation | HCLTemplateDirective;

export interface HCLTemplateLiteral extends Base {
  type: "HCLTemplateLiteral";
  /** The text with escapes decoded (`\n`, `\"`, `$${` in quoted strings; `$${`, `%%{` in heredocs). */
  value: string;
}

export interface HCLInterpolation extends Base {
  type: "HCLInterpolation";
  expression: HCLExpression | null;
}

/** `%{ if … }…%{ endif }` and `%{ for … }`: never evaluated statically. */
export interface HCLTemplateDirective extends Base {
  type: "HCLTemplateDirective";
}

export interface HCLTuple extends Base {
  type: "HCLTuple";
  elements: HCLExpression[];
}

export interface HCLObjectItem extends Base {
  type: "HCLObjectItem";
  key: HCLExpression;
  value: HCLExpression;
}

export interface HCLObject extends Base {
  type: "HCLObject";
  items: HCLObjectItem[];
}

export interface HCLVariable extends Base {
  type: "HCLVariable";
  name: string;
}

export interface HCLGetAttr extends Base {
  type: "HCLGetAttr";
  object: HCLExpression;
  name: string;
}

export interface HCLIndex extends Base {
  type: "HCLIndex";
  object: HCLExpression;
  index: HCLExpression;
}

export interface HCLSplat extends Base {
  type: "HCLSplat";
  object: HCLExpression;
}

export interface HCLFunctionCall extends Base {
  type: "HCLFunctionCall";
  name: string;
  arguments: HCLExpression[];
  /** `f(list...)`: the last argument is expanded. */
  expandFinal: boolean;
}

export interface HCLConditional extends Base {
  type: "HCLConditional";
  test: HCLExpression;
  consequent: HCLExpression;
  alternate: HCLExpression;
}

export interface HCLUnary extends Base {
  type: "HCLUnary";
  operator: string;
  argument: HCLExpression;
}

export interface HCLBinary extends Base {
  type: "HCLBinary";
  operator: string;
  left: HCLExpression;
  right: HCLExpression;
}

export interface HCLParenthesized extends Base {
  type: "HCLParenthesized";
  expression: HCLExpression;
}

/** `[for …]`, `{for …}`: never evaluated statically. */
export interface HCLFor extends Base {
  type: "HCLFor";
}

/** Text tree-sitter could not parse (only in files that also carry `syntaxError`). */
export interface HCLError extends Base {
  type: "HCLError";
}

export type HCLExpression =
  | HCLLiteral
  | HCLTemplate
  | HCLTuple
  | HCLObject
  | HCLVariable
  | HCLGetAttr
  | HCLIndex
  | HCLSplat
  | HCLFunctionCall
  | HCLConditional
  | HCLUnary
  | HCLBinary
  | HCLParenthesized
  | HCLFor
  | HCLError;

export type HclNode = HCLProgram | HCLBodyItem | HCLIdentifier | HCLExpression | HCLTemplatePart | HCLObjectItem | HCLComment;

/** Child keys per node type, for ESLint's traversal. */
export const HCL_VISITOR_KEYS: Record<string, string[]> = {
  Program: ["body"],
  HCLAttribute: ["key", "value"],
  HCLBlock: ["blockType", "labels", "body"],
  HCLIdentifier: [],
  HCLLiteral: [],
  HCLTemplate: ["parts"],
  HCLTemplateLiteral: [],
  HCLInterpolation: ["expression"],
  HCLTemplateDirective: [],
  HCLTuple: ["elements"],
  HCLObject: ["items"],
  HCLObjectItem: ["key", "value"],
  HCLVariable: [],
  HCLGetAttr: ["object"],
  HCLIndex: ["object", "index"],
  HCLSplat: ["object"],
  HCLFunctionCall: ["arguments"],
  HCLConditional: ["test", "consequent", "alternate"],
  HCLUnary: ["argument"],
  HCLBinary: ["left", "right"],
  HCLParenthesized: ["expression"],
  HCLFor: [],
  HCLError: [],
};

/** Offsets → 1-based lines and 0-based columns (ESLint's convention) of one file (src/text.ts `positionAt`). */
export class LineIndex {
  private readonly starts: number[];

  constructor(text: string) {
    this.starts = lineStartsOf(text);
  }

  position(offset: number): Position {
    return positionAt(this.starts, offset);
  }
}

const QUOTED_ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", '"': '"', "\\": "\\" };

/** Decodes a quoted-string literal chunk (HCL spec: `\n \r \t \" \\ \uNNNN \UNNNNNNNN`, `$${`, `%%{`). */
function decodeQuoted(raw: string): string {
  return raw.replace(/\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)|\$\$\{|%%\{/gs, (match, escape: string | undefined) => {
    if (escape === undefined) return match.slice(1);
    if (escape.length > 1) {
      const code = Number.parseInt(escape.slice(1), 16);
      return code <= 0x10ffff ? String.fromCodePoint(code) : match;
    }
    return QUOTED_ESCAPES[escape] ?? match;
  });
}

function decodeHeredoc(raw: string): string {
  return raw.replace(/\$\$\{|%%\{/g, (match) => match.slice(1));
}

/**
 * Expressions nested deeper than this are not converted (their value is unknown): real configuration
 * nests a few levels, and a hostile file must not exhaust the stack.
 */
const MAX_NESTING = 100;

class Converter {
  private readonly lines: LineIndex;
  private nesting = 0;
  readonly comments: HCLComment[] = [];
  syntaxError: { message: string; offset: number } | undefined;

  constructor(private readonly text: string) {
    this.lines = new LineIndex(text);
  }

  private base(start: number, end: number): Base {
    return { range: [start, end], loc: { start: this.lines.position(start), end: this.lines.position(end) } };
  }

  private node<T extends HclNode>(ts: TsNode, fields: Omit<T, keyof Base>): T {
    return { ...fields, ...this.base(ts.startIndex, ts.endIndex) } as T;
  }

  private noteError(ts: TsNode): void {
    if (this.syntaxError) return;
    if (ts.isMissing) {
      this.syntaxError = { message: `Missing "${ts.type}"`, offset: ts.startIndex };
      return;
    }
    const snippet = this.text.slice(ts.startIndex, Math.min(ts.endIndex, ts.startIndex + 24)).split("\n")[0];
    this.syntaxError = { message: snippet ? `Unexpected "${snippet}"` : "Unexpected end of file", offset: ts.startIndex };
  }

  /** Records comments and errors among a node's children; returns the named, non-comment children. */
  private children(ts: TsNode): TsNode[] {
    const result: TsNode[] = [];
    for (const child of ts.children) {
      if (!child) continue;
      if (child.type === "comment") this.comment(child);
      else if (child.isError || child.isMissing) {
        this.noteError(child);
        this.scanComments(child);
        if (child.isNamed) result.push(child);
      } else if (child.isNamed) result.push(child);
    }
    return result;
  }

  /** Comments and errors inside a subtree that is not converted (ERROR nodes, `for` expressions). */
  private scanComments(ts: TsNode, depth = 0): void {
    if (depth > MAX_NESTING) return;
    for (const child of ts.children) {
      if (!child) continue;
      if (child.type === "comment") this.comment(child);
      else if (child.isMissing || child.isError) this.noteError(child);
      if (child.childCount > 0) this.scanComments(child, depth + 1);
    }
  }

  private comment(ts: TsNode): void {
    const raw = this.text.slice(ts.startIndex, ts.endIndex);
    const block = raw.startsWith("/*");
    const value = block ? raw.slice(2, -2) : raw.slice(raw.startsWith("#") ? 1 : 2);
    this.comments.push({ type: block ? "Block" : "Line", value, ...this.base(ts.startIndex, ts.endIndex) });
  }

  program(root: TsNode): HCLProgram {
    const body: HCLBodyItem[] = [];
    for (const child of this.children(root)) {
      if (child.type === "body") body.push(...this.body(child));
      else if (child.type === "object") this.scanComments(child); // a JSON-style .tfvars object: not Terraform configuration
      else if (child.isError) continue;
    }
    if (!this.syntaxError && root.hasError) this.scanForError(root);
    const program: HCLProgram = { type: "Program", body, comments: this.comments.sort((a, b) => a.range[0] - b.range[0]), ...this.base(0, this.text.length) };
    if (this.syntaxError) program.syntaxError = this.syntaxError;
    return program;
  }

  private scanForError(ts: TsNode): void {
    // Iterative: an erroneous subtree can be as deep as the file is long.
    const stack = [ts];
    for (let node = stack.pop(); node && !this.syntaxError; node = stack.pop()) {
      for (const child of node.children) {
        if (!child) continue;
        if (child.isError || child.isMissing) {
          this.noteError(child);
          return;
        }
        if (child.hasError) stack.push(child);
      }
    }
  }

  private body(ts: TsNode): HCLBodyItem[] {
    const items: HCLBodyItem[] = [];
    for (const child of this.children(ts)) {
      if (child.type === "attribute") items.push(this.attribute(child));
      else if (child.type === "block") items.push(this.block(child));
    }
    return items;
  }

  private identifier(ts: TsNode): HCLIdentifier {
    return this.node<HCLIdentifier>(ts, { type: "HCLIdentifier", name: this.text.slice(ts.startIndex, ts.endIndex) });
  }

  private attribute(ts: TsNode): HCLAttribute {
    const [key, value] = this.children(ts);
    return this.node<HCLAttribute>(ts, { type: "HCLAttribute", key: this.identifier(key!), value: value ? this.expression(value) : this.error(ts.endIndex, ts.endIndex) });
  }

  private block(ts: TsNode): HCLBlock {
    const parts = this.children(ts);
    const labels: HCLBlock["labels"] = [];
    const body: HCLBodyItem[] = [];
    let blockType: HCLIdentifier | undefined;
    for (const part of parts) {
      if (part.type === "identifier") {
        if (blockType) labels.push(this.identifier(part));
        else blockType = this.identifier(part);
      } else if (part.type === "string_lit") labels.push(this.template(part, "quoted"));
      else if (part.type === "body") {
        if (this.nesting >= MAX_NESTING) return this.node<HCLBlock>(ts, { type: "HCLBlock", blockType: blockType ?? this.node<HCLIdentifier>(ts, { type: "HCLIdentifier", name: "" }), labels, body: [], hasError: true });
        this.nesting++;
        try {
          body.push(...this.body(part));
        } finally {
          this.nesting--;
        }
      }
      else if (part.type === "block_start" || part.type === "block_end") this.children(part);
    }
    return this.node<HCLBlock>(ts, { type: "HCLBlock", blockType: blockType ?? this.node<HCLIdentifier>(ts, { type: "HCLIdentifier", name: "" }), labels, body, hasError: ts.hasError });
  }

  private error(start: number, end: number): HCLError {
    return { type: "HCLError", ...this.base(start, end) };
  }

  /** An `expression` node: a term followed by postfix traversals, or a conditional. */
  expression(ts: TsNode): HCLExpression {
    if (ts.isError || ts.isMissing) return this.error(ts.startIndex, ts.endIndex);
    if (this.nesting >= MAX_NESTING) return this.error(ts.startIndex, ts.endIndex);
    this.nesting++;
    try {
      return ts.type === "expression" ? this.chain(ts, this.children(ts)) : this.chain(ts, [ts]);
    } finally {
      this.nesting--;
    }
  }

  /** A term and its postfix traversals (`get_attr`, `index`, `splat`) as nested nodes. */
  private chain(owner: TsNode, parts: TsNode[]): HCLExpression {
    if (parts.length === 0) return this.error(owner.startIndex, owner.endIndex);
    let current = this.term(parts[0]!);
    for (let i = 1; i < parts.length; i++) {
      const part = parts[i]!;
      const start = current.range[0];
      const end = part.endIndex;
      if (part.type === "get_attr") {
        const [name] = this.children(part);
        current = { type: "HCLGetAttr", object: current, name: name ? this.text.slice(name.startIndex, name.endIndex) : "", ...this.base(start, end) };
      } else if (part.type === "index") {
        const [inner] = this.children(part);
        let index: HCLExpression;
        if (inner?.type === "new_index") {
          const [expression] = this.children(inner);
          index = expression ? this.expression(expression) : this.error(inner.startIndex, inner.endIndex);
        } else {
          // legacy `.0` index
          const digits = inner ? this.text.slice(inner.startIndex + 1, inner.endIndex) : "";
          index = { type: "HCLLiteral", value: Number(digits), raw: digits, ...this.base(inner ? inner.startIndex + 1 : end, end) };
        }
        current = { type: "HCLIndex", object: current, index, ...this.base(start, end) };
      } else if (part.type === "splat") {
        this.scanComments(part);
        current = { type: "HCLSplat", object: current, ...this.base(start, end) };
      } else {
        return this.error(owner.startIndex, owner.endIndex);
      }
    }
    return current;
  }

  private term(ts: TsNode): HCLExpression {
    switch (ts.type) {
      case "expression":
        // An expression nested directly in a term is one written in parentheses.
        return this.parenthesized(ts);
      case "literal_value":
      case "collection_value":
      case "template_expr":
      case "operation": {
        const [inner] = this.children(ts);
        return inner ? this.term(inner) : this.error(ts.startIndex, ts.endIndex);
      }
      case "numeric_lit": {
        const raw = this.text.slice(ts.startIndex, ts.endIndex);
        return this.node<HCLLiteral>(ts, { type: "HCLLiteral", value: raw.startsWith("0x") ? Number.parseInt(raw.slice(2), 16) : Number(raw), raw });
      }
      case "bool_lit":
        return this.node<HCLLiteral>(ts, { type: "HCLLiteral", value: this.text.slice(ts.startIndex, ts.endIndex) === "true", raw: this.text.slice(ts.startIndex, ts.endIndex) });
      case "null_lit":
        return this.node<HCLLiteral>(ts, { type: "HCLLiteral", value: null, raw: "null" });
      case "string_lit":
      case "quoted_template":
        return this.template(ts, "quoted");
      case "heredoc_template":
        return this.template(ts, "heredoc");
      case "tuple":
        return this.node<HCLTuple>(ts, { type: "HCLTuple", elements: this.children(ts).filter((child) => child.type === "expression").map((child) => this.expression(child)) });
      case "object":
        return this.object(ts);
      case "variable_expr": {
        const [name] = this.children(ts);
        return this.node<HCLVariable>(ts, { type: "HCLVariable", name: name ? this.text.slice(name.startIndex, name.endIndex) : "" });
      }
      case "function_call":
        return this.call(ts);
      case "conditional": {
        const [test, consequent, alternate] = this.children(ts).map((child) => this.expression(child));
        if (!test || !consequent || !alternate) return this.error(ts.startIndex, ts.endIndex);
        return this.node<HCLConditional>(ts, { type: "HCLConditional", test, consequent, alternate });
      }
      case "unary_operation": {
        const operator = ts.child(0)?.type ?? "-";
        const operand = this.children(ts);
        return this.node<HCLUnary>(ts, { type: "HCLUnary", operator, argument: this.chain(ts, operand) });
      }
      case "binary_operation":
        return this.binary(ts);
      case "for_expr":
        this.scanComments(ts);
        return this.node<HCLFor>(ts, { type: "HCLFor" });
      default:
        this.scanComments(ts);
        return this.error(ts.startIndex, ts.endIndex);
    }
  }

  private parenthesized(ts: TsNode): HCLExpression {
    const inner = this.expression(ts);
    // `(expr)`: tree-sitter's range of the inner expression excludes the parentheses.
    const open = this.text.lastIndexOf("(", ts.startIndex);
    const close = this.text.indexOf(")", ts.endIndex);
    return { type: "HCLParenthesized", expression: inner, ...this.base(open >= 0 ? open : ts.startIndex, close >= 0 ? close + 1 : ts.endIndex) };
  }

  private binary(ts: TsNode): HCLExpression {
    const left: TsNode[] = [];
    const right: TsNode[] = [];
    let operator: string | undefined;
    for (const child of ts.children) {
      if (!child) continue;
      if (child.type === "comment") {
        this.comment(child);
        continue;
      }
      if (child.type === "(" || child.type === ")") continue;
      if (!child.isNamed && operator === undefined && left.length > 0) {
        operator = child.type;
        continue;
      }
      if (child.isError || child.isMissing) this.noteError(child);
      if (!child.isNamed) continue;
      (operator === undefined ? left : right).push(child);
    }
    if (!operator || left.length === 0 || right.length === 0) return this.error(ts.startIndex, ts.endIndex);
    return this.node<HCLBinary>(ts, { type: "HCLBinary", operator, left: this.chain(ts, left), right: this.chain(ts, right) });
  }

  private call(ts: TsNode): HCLExpression {
    const [name, args] = this.children(ts);
    const list: HCLExpression[] = [];
    let expandFinal = false;
    if (args?.type === "function_arguments") {
      for (const child of this.children(args)) {
        if (child.type === "expression") list.push(this.expression(child));
        else if (child.type === "ellipsis") expandFinal = true;
      }
    }
    return this.node<HCLFunctionCall>(ts, { type: "HCLFunctionCall", name: name ? this.text.slice(name.startIndex, name.endIndex) : "", arguments: list, expandFinal });
  }

  private object(ts: TsNode): HCLObject {
    const items: HCLObjectItem[] = [];
    for (const child of this.children(ts)) {
      if (child.type !== "object_elem") continue;
      const key = child.childForFieldName("key");
      const value = child.childForFieldName("val");
      this.children(child);
      if (!key || !value) continue;
      items.push(this.node<HCLObjectItem>(child, { type: "HCLObjectItem", key: this.expression(key), value: this.expression(value) }));
    }
    return this.node<HCLObject>(ts, { type: "HCLObject", items });
  }

  /**
   * Quoted strings and heredocs. tree-sitter leaves blanks between template chunks out of its
   * literal nodes, so literal text is taken from the source between the parts it does mark.
   */
  private template(ts: TsNode, kind: "quoted" | "heredoc"): HCLTemplate {
    const children = this.children(ts);
    const marked = children.filter((child) => child.type === "template_interpolation" || child.type === "template_directive");
    let contentStart: number;
    let contentEnd: number;
    let indented = false;
    if (kind === "quoted") {
      contentStart = ts.startIndex + 1;
      const closing = children.find((child) => child.type === "quoted_template_end");
      contentEnd = closing && closing.endIndex > closing.startIndex ? closing.startIndex : ts.endIndex;
    } else {
      const markers = children.filter((child) => child.type === "heredoc_identifier");
      indented = this.text.slice(ts.startIndex, ts.startIndex + 3) === "<<-";
      const opening = markers[0];
      const lineEnd = this.text.indexOf("\n", opening ? opening.endIndex : ts.startIndex);
      contentStart = lineEnd < 0 ? ts.endIndex : lineEnd + 1;
      const closing = markers[1];
      // The content ends at the start of the closing marker's line.
      contentEnd = closing ? this.text.lastIndexOf("\n", closing.startIndex - 1) + 1 : ts.endIndex;
      if (contentEnd < contentStart) contentEnd = contentStart;
    }
    const parts: HCLTemplatePart[] = [];
    let cursor = contentStart;
    const literal = (from: number, to: number) => {
      if (to <= from) return;
      const raw = this.text.slice(from, to);
      parts.push({ type: "HCLTemplateLiteral", value: kind === "quoted" ? decodeQuoted(raw) : decodeHeredoc(raw), ...this.base(from, to) });
    };
    for (const part of marked) {
      literal(cursor, part.startIndex);
      if (part.type === "template_interpolation") {
        const expression = this.children(part).find((child) => child.type === "expression");
        parts.push({ type: "HCLInterpolation", expression: expression ? this.expression(expression) : null, ...this.base(part.startIndex, part.endIndex) });
      } else {
        this.scanComments(part);
        parts.push({ type: "HCLTemplateDirective", ...this.base(part.startIndex, part.endIndex) });
      }
      cursor = part.endIndex;
    }
    literal(cursor, contentEnd);
    return this.node<HCLTemplate>(ts, { type: "HCLTemplate", kind, indented, parts });
  }
}

function setParents(node: HclNode, parent: HclNode | undefined): void {
  if (parent) node.parent = parent;
  const keys = HCL_VISITOR_KEYS[node.type];
  if (!keys) return;
  for (const key of keys) {
    const value = (node as unknown as Record<string, unknown>)[key];
    if (Array.isArray(value)) for (const child of value as HclNode[]) setParents(child, node);
    else if (value && typeof value === "object") setParents(value as HclNode, node);
  }
}

/** The ESLint-ready program of a tree-sitter tree (the tree is not kept). */
export function toProgram(tree: Tree, text: string): HCLProgram {
  const program = new Converter(text).program(tree.rootNode);
  setParents(program, undefined);
  return program;
}
