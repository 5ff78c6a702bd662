/**
 * What every rule does around its judgement: get the shared file analysis, locate a value in the
 * file, and turn remedies into suggestions.
 */
import type { RuleFixer, SourceLocation, SuggestedEdit } from "@eslint/core";
import { ambiguityNote, type FileAnalysis, type Judged, type JudgedDeployment, remediesFor } from "../analysis.js";
import type { FindingKey } from "../judge/findings.js";
import { editsResolve, variantsResolve } from "./verify.js";
import { analyzeText } from "./file-analysis.js";
import type { AstNode } from "../extract/doc.js";
import type { Deployment, FieldName, Located, TextEdit, UnresolvedValue } from "../extract/types.js";
import { describeRemedy } from "../report/wording.js";
import type { Remedy } from "../sizing/recommend.js";
import type { VramRuleContext } from "./create-rule.js";
import { remedyEdits } from "./remedy-edits.js";
import { lineStartsOf, positionAt } from "../text.js";

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
  return analyzeText(context, sourceCode.ast, sourceCode.text);
}


/** The text of the file being linted (edits are offsets into it). */
export function sourceText(context: VramRuleContext<string, unknown[]>): string {
  return (context.sourceCode as unknown as ParsedSource).text;
}

const lineStarts = new WeakMap<object, number[]>();

/** 1-based line and 0-based column of an offset; the line starts are counted once per file. */
function position(ast: object, text: string, offset: number): { line: number; column: number } {
  let starts = lineStarts.get(ast);
  if (!starts) lineStarts.set(ast, (starts = lineStartsOf(text)));
  return positionAt(starts, offset);
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

import { MESSAGE_LIMIT } from "../report/plain.js";

export { MESSAGE_LIMIT };

function render(template: string, data: Record<string, unknown>): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) => (Object.hasOwn(data, key) ? String(data[key]) : whole));
}

/**
 * Message data that renders within `MESSAGE_LIMIT`: the optional parts (`dropOrder`, first dropped
 * first) are left out until the message fits, then any left out that fits again is put back (most
 * important first). The verdict and its numbers always stay.
 */
export function fitted<Data extends Record<string, unknown>>(template: string, data: Data, dropOrder: Array<keyof Data & string>): Data {
  const result: Record<string, unknown> = { ...data };
  const dropped: string[] = [];
  for (const key of dropOrder) {
    if (render(template, result).length <= MESSAGE_LIMIT) break;
    result[key] = "";
    dropped.push(key);
  }
  for (const key of dropped.reverse()) {
    result[key] = data[key];
    if (render(template, result).length > MESSAGE_LIMIT) result[key] = "";
  }
  return result as Data;
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
  return assumptionsNote(judged.resolved.assumptions) + ambiguityNote(judged, minConcurrent);
}

/** " Assumes a; b." for a message: as many assumptions as it has room for, and how many more `vram explain` lists. */
export function assumptionsNote(assumptions: readonly string[]): string {
  // As many as a message has room for (a compose file's defaults can be many); `vram explain` lists every one.
  const shown: string[] = [];
  let length = 0;
  for (const assumption of assumptions) {
    if (shown.length > 0 && length + assumption.length > ASSUMPTIONS_LIMIT) break;
    shown.push(assumption);
    length += assumption.length + 2;
  }
  const more = assumptions.length - shown.length;
  return shown.length > 0 ? ` Assumes ${shown.join("; ")}${more > 0 ? `; and ${more} more (vram explain lists them)` : ""}.` : "";
}

/** Characters of assumptions a message names before it counts the rest. */
const ASSUMPTIONS_LIMIT = 150;

/**
 * A suggestion with its edits, offered only when they remove `target` and create no finding of
 * any rule in force (see verify.ts); undefined otherwise, or when the file cannot say it.
 */
export function verifiedSuggestion<MessageIds extends string>(
  context: VramRuleContext<MessageIds, unknown[]>,
  analysis: FileAnalysis,
  judged: JudgedDeployment,
  target: Omit<FindingKey, "deployment">,
  suggestion: { messageId: MessageIds; data?: Record<string, string | number> },
  edits: TextEdit[] | undefined,
): SuggestedEdit<MessageIds> | undefined {
  if (!edits || !editsResolve(context as VramRuleContext<string, unknown[]>, analysis, judged, target, edits)) return undefined;
  return { ...suggestion, fix: applyEdits(edits) };
}

/** A suggestion a rule would offer: its wording and the edits that make it (undefined: the file cannot say it). */
export interface Candidate<MessageIds extends string> {
  messageId: MessageIds;
  data?: Record<string, string | number>;
  edits: TextEdit[] | undefined;
}

/** The candidates that remove `target` and create no finding of any rule in force, as ESLint suggestions. */
export function offer<MessageIds extends string>(
  context: VramRuleContext<MessageIds, unknown[]>,
  analysis: FileAnalysis,
  judged: JudgedDeployment,
  target: Omit<FindingKey, "deployment">,
  candidates: Array<Candidate<MessageIds> | undefined>,
): SuggestedEdit<MessageIds>[] {
  const offered: SuggestedEdit<MessageIds>[] = [];
  for (const candidate of candidates) {
    if (!candidate) continue;
    const { edits, ...suggestion } = candidate;
    const verified = verifiedSuggestion(context, analysis, judged, target, suggestion, edits);
    if (verified) offered.push(verified);
  }
  return offered;
}

/**
 * `offer` for candidates that differ only in the value `field` takes (see `variantsResolve`): the
 * ones that remove `target` and create no finding, as ESLint suggestions.
 */
export function offerVariants<MessageIds extends string>(
  context: VramRuleContext<MessageIds, unknown[]>,
  analysis: FileAnalysis,
  judged: JudgedDeployment,
  target: Omit<FindingKey, "deployment">,
  field: FieldName,
  candidates: Array<{ messageId: MessageIds; data?: Record<string, string | number>; value: string; edits: TextEdit[] }>,
): SuggestedEdit<MessageIds>[] {
  const verdicts = variantsResolve(context as VramRuleContext<string, unknown[]>, analysis, judged, target, field, candidates);
  return candidates.flatMap(({ messageId, data, edits }, index) => (verdicts[index] ? [{ messageId, ...(data ? { data } : {}), fix: applyEdits(edits) }] : []));
}

/**
 * One ESLint suggestion per remedy the file can express and that passes every rule in force; each
 * text states the resulting headroom. `best` is the remedy a message names: the first one offered,
 * else the first the file cannot express by a local edit (a checkpoint to make, a multi-node layout).
 */
export function suggestionsFor<MessageIds extends string>(
  context: VramRuleContext<MessageIds, unknown[]>,
  analysis: FileAnalysis,
  judged: Judged,
  remedies: Remedy[],
  messageId: MessageIds,
  target: Omit<FindingKey, "deployment">,
  describe: (remedy: Remedy) => string = (remedy) => describeRemedy(analysis.catalog, remedy),
): { suggest: SuggestedEdit<MessageIds>[]; best: Remedy | undefined } {
  const text = sourceText(context as VramRuleContext<string, unknown[]>);
  const suggest: SuggestedEdit<MessageIds>[] = [];
  let best: Remedy | undefined;
  let inexpressible: Remedy | undefined;
  for (const remedy of remedies) {
    const edits = remedyEdits(analysis.catalog, judged.deployment, judged.resolved, remedy, text);
    if (!edits) {
      inexpressible ??= remedy;
      continue;
    }
    const suggestion = verifiedSuggestion(context, analysis, judged, target, { messageId, data: { remedy: describe(remedy) } }, edits);
    if (!suggestion) continue;
    suggest.push(suggestion);
    best ??= remedy;
  }
  return { suggest, best: best ?? inexpressible };
}

export { remediesFor };
