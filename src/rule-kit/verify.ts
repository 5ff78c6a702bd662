/**
 * A suggestion is offered only when the file it leaves is what it promises: the text after its
 * edits parses, holds the same deployments, has lost the finding the suggestion was offered for and
 * has gained no finding of any rule in force, at the options in force (see policy.ts). This is the
 * same check as applying it, re-parsing and re-linting — done before it is offered.
 */
import { type FileAnalysis, judge, type JudgedDeployment } from "../analysis.js";
import type { FieldName, TextEdit } from "../extract/types.js";
import { type FindingKey, findingsOf } from "../judge/findings.js";
import { type ParsedAst, parseText, syntaxOf } from "../parse-text.js";
import { reparseEdited } from "../reparse.js";
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

/** A policy's rules as one key, per set (a file's policy is one set, asked for at every check; sets only grow). */
const ruleKeys = new WeakMap<ReadonlySet<string>, { size: number; key: string }>();

function rulesKey(rules: ReadonlySet<string> | undefined): string {
  if (!rules) return "*";
  const known = ruleKeys.get(rules);
  if (known?.size === rules.size) return known.key;
  const key = [...rules].sort().join(",");
  ruleKeys.set(rules, { size: rules.size, key });
  return key;
}

function countsOf(analysis: FileAnalysis, minConcurrent: number, rules: ReadonlySet<string> | undefined): Map<string, number> {
  const key = `${minConcurrent}|${rulesKey(rules)}`;
  let byPolicy = findingCounts.get(analysis);
  if (!byPolicy) findingCounts.set(analysis, (byPolicy = new Map()));
  let result = byPolicy.get(key);
  if (!result) byPolicy.set(key, (result = counts(findingsOf(analysis, minConcurrent, rules))));
  return result;
}

/** The file as the edits leave it, analysed: undefined when it no longer parses or no longer holds the same deployments and documents. */
function analysisAfter(context: VramRuleContext<string, unknown[]>, analysis: FileAnalysis, edits: readonly TextEdit[]): FileAnalysis | undefined {
  const sourceCode = context.sourceCode as unknown as { ast: ParsedAst & { reparse?: (text: string) => ParsedAst | undefined }; text: string };
  const syntax = syntaxOf(sourceCode.ast);
  const changed = applyTextEdits(sourceCode.text, edits);
  let ast: ParsedAst | undefined;
  if (sourceCode.ast.reparse) ast = sourceCode.ast.reparse(changed);
  else if (syntax) {
    // YAML: only the nodes the edits touch are parsed again where that reads the same (src/reparse.ts).
    ast = syntax === "yaml" ? reparseEdited(sourceCode.ast, sourceCode.text, edits, changed) : undefined;
    if (!ast) {
      const parsed = parseText(changed, syntax);
      ast = "ast" in parsed ? parsed.ast : undefined;
    }
  }
  if (!ast) return undefined;
  const after = analyzeText(context, ast, changed);
  return after.deployments.length === analysis.deployments.length && after.unread.length === analysis.unread.length ? after : undefined;
}

/** Whether `after` has lost `target` of deployment `index` and gained no finding of any rule in force. */
function improves(context: VramRuleContext<string, unknown[]>, analysis: FileAnalysis, after: FileAnalysis, index: number, target: Omit<FindingKey, "deployment">): boolean {
  const policy = policyOf(context.sourceCode);
  const rules = policy.rules.size > 0 ? policy.rules : undefined;
  const before = countsOf(analysis, policy.minConcurrentSequences, rules);
  const now = counts(findingsOf(after, policy.minConcurrentSequences, rules));
  const targetKey = `${index}|${target.rule}|${target.kind}`;
  if ((now.get(targetKey) ?? 0) >= (before.get(targetKey) ?? 0)) return false;
  for (const [finding, count] of now) if (count > (before.get(finding) ?? 0)) return false;
  return true;
}

/** Whether the rules can re-read the file at all: YAML or JSON here, or an AST that re-parses itself (HCL). */
function rereadable(context: VramRuleContext<string, unknown[]>): boolean {
  const ast = (context.sourceCode as unknown as { ast: ParsedAst & { reparse?: unknown } }).ast;
  return syntaxOf(ast) !== undefined || typeof ast.reparse === "function";
}

/** Verdicts of one analysis by key (several rules offer the same remedy: weights-fit and kv-cache-headroom). */
function cachedVerdict(analysis: FileAnalysis, key: string, compute: () => boolean): boolean {
  let cache = verdicts.get(analysis);
  if (!cache) verdicts.set(analysis, (cache = new Map()));
  const known = cache.get(key);
  if (known !== undefined) return known;
  const verdict = compute();
  cache.set(key, verdict);
  return verdict;
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
  if (!rereadable(context)) return true;
  const index = analysis.deployments.indexOf(judged);
  return cachedVerdict(analysis, JSON.stringify([index, target.rule, target.kind, edits]), () => {
    const after = analysisAfter(context, analysis, edits);
    return after !== undefined && improves(context, analysis, after, index, target);
  });
}

/**
 * `editsResolve` for suggestions that differ only in the value one field of the deployment takes
 * (pin the L4, or the A100, or the H100: the same node selector with another label value). The
 * first is applied, re-parsed and re-judged like any suggestion; where its result reads exactly
 * that value into the field, each other one is the same file with the same value changed, so it is
 * judged on the first's result with its value put in the field. Otherwise each is re-parsed.
 */
export function variantsResolve(
  context: VramRuleContext<string, unknown[]>,
  analysis: FileAnalysis,
  judged: JudgedDeployment,
  target: Omit<FindingKey, "deployment">,
  field: FieldName,
  variants: ReadonlyArray<{ value: string; edits: readonly TextEdit[] }>,
): boolean[] {
  const [first, ...others] = variants;
  if (!first) return [];
  if (!rereadable(context)) return variants.map(() => true);
  const index = analysis.deployments.indexOf(judged);
  const after = analysisAfter(context, analysis, first.edits);
  const located = after?.deployments[index]?.deployment.fields[field];
  if (!after || located?.value !== first.value) return variants.map(({ edits }) => editsResolve(context, analysis, judged, target, edits));
  return [
    cachedVerdict(analysis, JSON.stringify([index, target.rule, target.kind, first.edits]), () => improves(context, analysis, after, index, target)),
    ...others.map(({ value, edits }) =>
      cachedVerdict(analysis, JSON.stringify([index, target.rule, target.kind, edits]), () => {
        const { deployment } = after.deployments[index]!;
        const substituted = judge({ ...deployment, fields: { ...deployment.fields, [field]: { ...located, value } } }, after.settings);
        const variant: FileAnalysis = { ...after, deployments: after.deployments.map((entry, position) => (position === index ? substituted : entry)) };
        return improves(context, analysis, variant, index, target);
      }),
    ),
  ];
}
