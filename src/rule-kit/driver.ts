/**
 * The loop every rule runs: each deployment of the file's shared analysis, minus those switched
 * off in the file (`enabled: false` of a Helm values entry: the chart renders nothing for it) and
 * those a reasoned suppression names for this rule; suppressions without a reason are reported
 * (once each) and suppress nothing.
 */
import type { FileAnalysis, Judged, JudgedDeployment } from "../analysis.js";
import { ANNOTATION, suppressionFor } from "../suppressions.js";
import type { VramRuleContext } from "./create-rule.js";
import { fileAnalysis, locationOf, sourceText } from "./report.js";
import { type UnjudgedRule, unjudgedFinding } from "../judge/unjudged.js";

export function forEachDeployment<MessageIds extends string>(
  context: VramRuleContext<MessageIds, unknown[]>,
  ruleName: string,
  visit: (judged: JudgedDeployment, analysis: FileAnalysis) => void,
): void {
  const analysis = fileAnalysis(context as VramRuleContext<string, unknown[]>);
  if (!analysis) return;
  const reported = new Set<object>();
  for (const judged of analysis.deployments) {
    if (judged.deployment.disabled) continue;
    const { suppressed, reasonless } = suppressionFor(judged.deployment, ruleName);
    for (const entry of reasonless) {
      if (reported.has(entry.node)) continue;
      reported.add(entry.node);
      context.report({
        loc: locationOf(context as VramRuleContext<string, unknown[]>, entry.node),
        messageId: "missingReason" as MessageIds,
        data: { rule: ruleName, annotation: ANNOTATION },
      });
    }
    if (!suppressed) visit(judged, analysis);
  }
}

/** The loop of the rules that judge a verdict: only deployments with one, with the file's text for edits. */
export function forEachJudged<MessageIds extends string>(
  context: VramRuleContext<MessageIds, unknown[]>,
  ruleName: string,
  visit: (judged: Judged, analysis: FileAnalysis, text: string) => void,
): void {
  const text = sourceText(context as VramRuleContext<string, unknown[]>);
  forEachDeployment(context, ruleName, (judged, analysis) => {
    if (judged.status === "judged") visit(judged, analysis, text);
  });
}

/**
 * The loop of the rules that speak for deployments without a verdict: each such deployment maps to
 * exactly one finding of one rule (`judge/unjudged.ts`); this rule reports the ones that are its own.
 */
export function reportUnjudged<MessageIds extends string>(context: VramRuleContext<MessageIds, unknown[]>, ruleName: UnjudgedRule): void {
  forEachDeployment(context, ruleName, (judged, analysis) => {
    const finding = unjudgedFinding(judged, analysis.catalog);
    if (finding?.rule !== ruleName) return;
    context.report({
      loc: locationOf(context as VramRuleContext<string, unknown[]>, finding.at),
      messageId: finding.messageId as MessageIds,
      data: finding.data,
    });
  });
}
