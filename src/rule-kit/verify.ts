/**
 * A suggestion is offered only when the file it leaves is what it promises: the text after its
 * edits parses, holds the same deployments, has lost the finding the suggestion was offered for and
 * has gained no finding of any rule in force, at the options in force (see policy.ts). This is the
 * same check as applying it, re-parsing and re-linting — done before it is offered.
 */
import type { FileAnalysis, JudgedDeployment } from "../analysis.js";
import type { TextEdit } from "../extract/types.js";
import { type FindingKey, findingsOf } from "../judge/findings.js";
import { type ParsedAst, parseText, syntaxOf } from "../parse-text.js";
import type { VramRuleContext } from "./create-rule.js";
import { policyOf } from "./policy.js";
import { analyzeText } from "./file-analysis.js";

/** The text with the edits applied (they do not overlap: see `combine`). */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  let result = text;
  for (const edit of [...edits].sort((a, b) => b.range[0] - a.range[0])) result = result.slice(0, edit.range[0]) + edit.text + result.slice(edit.range[1]);
  return result;
}

function counts(findings: FindingKey[]): Map<string, number> {
  const result = new Map<string, number>();
  for (const { deployment, rule, kind } of findings) {
    const key = `${deployment}|${rule}|${kind}`;
    result.set(key, (result.get(key) ?? 0) + 1);
  }
  return result;
}

/** Results per file analysis: several rules offer the same remedy (weights-fit and kv-cache-headroom). */
const verdicts = new WeakMap<FileAnalysis, Map<string, boolean>>();

/** The file's own findings under a policy, counted once per analysis. */
const findingCounts = new WeakMap<FileAnalysis, Map<string, Map<string, number>>>();

function countsOf(analysis: FileAnalysis, minConcurrent: number, rules: ReadonlySet<string> | undefined): Map<string, number> {
  const key = `${minConcurrent}|${rules ? [...rules].sort().join(",") : "*"}`;
  let byPolicy = findingCounts.get(analysis);
  if (!byPolicy) findingCounts.set(analysis, (byPolicy = new Map()));
  let result = byPolicy.get(key);
  if (!result) byPolicy.set(key, (result = counts(findingsOf(analysis, minConcurrent, rules))));
  return result;
}

/**
 * Whether `edits`, made to the file being linted, remove `target` (a finding of `judged`) and
 * create no finding of any rule in force. The text is parsed again as the file was: YAML (templates
 * masked) or JSON here, or by the AST's own `reparse` (the HCL language's).
 */
export function editsResolve(
  context: VramRuleContext<string, unknown[]>,
  analysis: FileAnalysis,
  judged: JudgedDeployment,
  target: Omit<FindingKey, "deployment">,
  edits: readonly TextEdit[],
): boolean {
  const sourceCode = context.sourceCode as unknown as { ast: ParsedAst & { reparse?: (text: string) => ParsedAst | undefined }; text: string };
  const syntax = syntaxOf(sourceCode.ast);
  const reparse = (text: string): ParsedAst | undefined => {
    if (sourceCode.ast.reparse) return sourceCode.ast.reparse(text);
    const parsed = syntax ? parseText(text, syntax) : undefined;
    return parsed && "ast" in parsed ? parsed.ast : undefined;
  };
  if (!syntax && !sourceCode.ast.reparse) return true;
  const deployment = analysis.deployments.indexOf(judged);
  const policy = policyOf(context.sourceCode);
  const key = JSON.stringify([deployment, target.rule, target.kind, edits]);
  let cache = verdicts.get(analysis);
  if (!cache) verdicts.set(analysis, (cache = new Map()));
  const known = cache.get(key);
  if (known !== undefined) return known;

  const verdict = (() => {
    const changed = applyTextEdits(sourceCode.text, edits);
    const ast = reparse(changed);
    if (!ast) return false;
    const after = analyzeText(context, ast, changed);
    if (after.deployments.length !== analysis.deployments.length || after.unread.length !== analysis.unread.length) return false;
    const rules = policy.rules.size > 0 ? policy.rules : undefined;
    const before = countsOf(analysis, policy.minConcurrentSequences, rules);
    const now = counts(findingsOf(after, policy.minConcurrentSequences, rules));
    const targetKey = `${deployment}|${target.rule}|${target.kind}`;
    if ((now.get(targetKey) ?? 0) >= (before.get(targetKey) ?? 0)) return false;
    for (const [finding, count] of now) if (count > (before.get(finding) ?? 0)) return false;
    return true;
  })();
  cache.set(key, verdict);
  return verdict;
}
