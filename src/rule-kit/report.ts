/**
 * What every rule does around its judgement: get the shared file analysis, locate a value in the
 * file, and turn remedies into suggestions.
 */
import type { RuleFixer, SourceLocation, SuggestedEdit } from "@eslint/core";
import { ambiguityNote, analyzeFile, type FileAnalysis, type Judged, remediesFor } from "../analysis.js";
import type { AstNode } from "../extract/doc.js";
import type { Deployment, FieldName, Located, TextEdit, UnresolvedValue } from "../extract/types.js";
import { describeRemedy } from "../report/wording.js";
import type { Remedy } from "../sizing/recommend.js";
import type { VramRuleContext } from "./create-rule.js";
import { remedyEdits } from "./remedy-edits.js";

interface ParsedSource {
  ast: { type: string; body?: unknown[] };
  text: string;
}

/** True for the ASTs the rules read: yaml-eslint-parser and jsonc-eslint-parser programs, and HCL programs (which build their own documents). */
function isReadable(ast: { type?: string; body?: Array<{ type?: string }>; docNodes?: unknown }): boolean {
  if (ast.type !== "Program" || !Array.isArray(ast.body)) return false;
  if (typeof ast.docNodes === "function") return true;
  const first = ast.body[0];
  return first === undefined ? false : first.type === "YAMLDocument" || first.type === "JSONExpressionStatement";
}

/** The shared analysis of the file being linted, or undefined for files the rules do not read. */
export function fileAnalysis(context: VramRuleContext<string, unknown[]>): FileAnalysis | undefined {
  const sourceCode = context.sourceCode as unknown as ParsedSource;
  if (!isReadable(sourceCode.ast as never)) return undefined;
  const settings = (context.settings as Record<string, unknown> | undefined)?.vram;
  return analyzeFile(sourceCode.ast, sourceCode.text, settings, (context as { cwd?: string }).cwd);
}

/** The text of the file being linted (edits are offsets into it). */
export function sourceText(context: VramRuleContext<string, unknown[]>): string {
  return (context.sourceCode as unknown as ParsedSource).text;
}

const lineStarts = new WeakMap<object, number[]>();

/** 1-based line and 0-based column (the parsers' convention) of an offset. */
function position(ast: object, text: string, offset: number): { line: number; column: number } {
  let starts = lineStarts.get(ast);
  if (!starts) {
    starts = [0];
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
    lineStarts.set(ast, starts);
  }
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle]! <= offset) low = middle;
    else high = middle - 1;
  }
  return { line: low + 1, column: offset - starts[low]! };
}

/** Where a finding goes: exactly the value (even inside a string), else its node. */
export function locationOf(context: VramRuleContext<string, unknown[]>, target: Located<unknown> | UnresolvedValue | AstNode): SourceLocation {
  const sourceCode = context.sourceCode as unknown as ParsedSource;
  const written = "node" in target && ("source" in target || "reason" in target) ? (target as Located<unknown> | UnresolvedValue) : undefined;
  if (written?.range) {
    return { start: position(sourceCode.ast, sourceCode.text, written.range[0]), end: position(sourceCode.ast, sourceCode.text, written.range[1]) };
  }
  const node = written ? written.node : (target as AstNode);
  return { start: { ...node.loc.start }, end: { ...node.loc.end } };
}

/** The first field of `fields` the deployment writes, else its anchor. */
export function reportTarget(deployment: Deployment, fields: FieldName[]): Located<unknown> | AstNode {
  for (const field of fields) {
    const located = deployment.fields[field];
    if (located) return located as Located<unknown>;
  }
  return deployment.anchor;
}

/** The suggestion `fix` that applies text edits (already checked not to overlap by `combine`). */
export function applyEdits(edits: TextEdit[]): RuleFixer {
  return (fixer) => edits.map((edit) => fixer.replaceTextRange(edit.range, edit.text));
}

/** What a finding must add about guesses: the resolution's assumptions, and where an ambiguous GPU name would pass. */
export function assumptionNote(judged: Judged, minConcurrent = 1): string {
  const { assumptions } = judged.resolved;
  return (assumptions.length > 0 ? ` Assumes ${assumptions.join("; ")}.` : "") + ambiguityNote(judged, minConcurrent);
}

/** One ESLint suggestion per remedy the file can express; each text states the resulting headroom. */
export function suggestionsFor<MessageIds extends string>(
  context: VramRuleContext<MessageIds, unknown[]>,
  analysis: FileAnalysis,
  judged: Judged,
  remedies: Remedy[],
  messageId: MessageIds,
  describe: (remedy: Remedy) => string = (remedy) => describeRemedy(analysis.catalog, remedy),
): SuggestedEdit<MessageIds>[] {
  const text = sourceText(context as VramRuleContext<string, unknown[]>);
  const suggestions: SuggestedEdit<MessageIds>[] = [];
  for (const remedy of remedies) {
    const edits = remedyEdits(analysis.catalog, judged.deployment, judged.resolved, remedy, text);
    if (!edits) continue;
    suggestions.push({
      messageId,
      data: { remedy: describe(remedy) },
      fix: applyEdits(edits),
    });
  }
  return suggestions;
}

export { remediesFor };
