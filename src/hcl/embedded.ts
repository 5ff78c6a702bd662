/**
 * Documents written inside HCL strings — `yamldecode(<<-EOT … EOT)`, a `kubectl_manifest`'s
 * `yaml_body`, `jsondecode("…")` — parsed with positions in the `.tf` file, so a finding underlines
 * the exact YAML value and a suggestion edits it in place. Every character of a template's value
 * remembers the source range it came from; values that are not written verbatim (interpolated,
 * escaped) stay read-only.
 */
import { type AST as YamlAst, parseYAML, traverseNodes } from "yaml-eslint-parser";
import { type DocNode, documentsOf } from "../extract/doc.js";
import type { LineIndex } from "./ast.js";

/** A string value and, per character, the source range it came from. */
export interface SourcedString {
  text: string;
  /** Source start offset of each character (same length as `text`). */
  starts: number[];
  /** Source end offset of each character. */
  ends: number[];
  /** Where an empty value (or the end of the string) sits. */
  endOffset: number;
}

export function sourceRange(value: SourcedString, start: number, end: number): [number, number] {
  if (value.text.length === 0) return [value.endOffset, value.endOffset];
  const from = start < value.text.length ? value.starts[start]! : value.endOffset;
  const to = end > start ? value.ends[end - 1]! : from;
  return [from, Math.max(from, to)];
}

/** A read-only view of a document tree wherever its value is not written verbatim in the file. */
class VerbatimCheckedDoc implements DocNode {
  readonly embedded: boolean;
  readonly type: DocNode["type"];
  readonly value: DocNode["value"];
  readonly node: DocNode["node"];
  readonly keyNode: DocNode["keyNode"];

  constructor(
    private readonly inner: DocNode,
    private readonly verbatim: (node: DocNode["node"]) => boolean,
  ) {
    this.type = inner.type;
    this.value = inner.value;
    this.node = inner.node;
    this.keyNode = inner.keyNode;
    this.embedded = inner.embedded || !verbatim(inner.node);
  }

  private wrap(node: DocNode | undefined): DocNode | undefined {
    return node ? new VerbatimCheckedDoc(node, this.verbatim) : undefined;
  }

  get(key: string): DocNode | undefined {
    return this.wrap(this.inner.get(key));
  }

  entries(): Array<[string, DocNode]> {
    return this.inner.entries().map(([key, value]) => [key, this.wrap(value)!]);
  }

  items(): DocNode[] {
    return this.inner.items().map((item) => this.wrap(item)!);
  }
}

/**
 * Parses YAML (JSON included) held in a sourced string: the YAML syntax tree is moved onto the
 * file's offsets and lines. Undefined when the text is not YAML.
 */
export function parseSourcedYaml(value: SourcedString, fileText: string, lines: LineIndex): DocNode[] | undefined {
  let program: YamlAst.YAMLProgram;
  try {
    program = parseYAML(value.text);
  } catch {
    return undefined;
  }
  const valueRanges = new WeakMap<object, [number, number]>();
  const move = (node: { range: [number, number]; loc: YamlAst.SourceLocation }) => {
    valueRanges.set(node, node.range);
    const range = sourceRange(value, node.range[0], node.range[1]);
    node.range = range;
    node.loc = { start: lines.position(range[0]), end: lines.position(range[1]) };
  };
  traverseNodes(program, {
    enterNode(node) {
      if (node.type !== "Program") move(node as never);
    },
    leaveNode() {},
  });
  for (const comment of program.comments) move(comment as never);
  for (const token of program.tokens) move(token as never);
  move(program as never);
  // Written verbatim: every character of the value is the file's character at its source offset
  // (indentation a `<<-` heredoc strips lies between them, not in them).
  const verbatim = (node: DocNode["node"]) => {
    const original = valueRanges.get(node);
    if (!original) return false;
    for (let i = original[0]; i < original[1]; i++) {
      const start = value.starts[i]!;
      if (value.ends[i] !== start + 1 || fileText[start] !== value.text[i]) return false;
    }
    return true;
  };
  return documentsOf(program as never).map((document) => new VerbatimCheckedDoc(document, verbatim));
}
