/**
 * Which finding each rule reports for a file's deployments, as keys (deployment, rule, kind) — the
 * rules' conditions in one place, so a suggestion can be re-checked by every rule: the file as the
 * suggestion leaves it must lose the finding the suggestion was offered for and gain none. Pure.
 */
import type { FileAnalysis, Judged, JudgedDeployment } from "../analysis.js";
import { suppressionFor } from "../suppressions.js";
import { priceBook } from "../catalog/prices.js";
import { checksOfJudged, type DeploymentCheck } from "./checks.js";
import { sizeClaimShortfall } from "./size-claim.js";
import { memoryFinding } from "./memory-finding.js";

export { memoryFinding };
import { unjudgedFinding } from "./unjudged.js";
import { checkTarget, writtenTarget } from "./targets.js";

export interface FindingKey {
  /** Index of the deployment in the analysis; -1 for a document left unread. */
  deployment: number;
  /** Rule name without the plugin prefix (`weights-fit`). */
  rule: string;
  /** What the rule found (`weights-exceed-memory`, `heads-not-divisible`…). */
  kind: string;
}

/** serving-capacity's finding: the target written on the deployment (or in settings) cannot be read, cannot be checked, or is missed. */
function targetFinding(analysis: FileAnalysis, judged: Extract<JudgedDeployment, { status: "judged" }>): Omit<FindingKey, "deployment"> | undefined {
  const written = writtenTarget(judged.deployment);
  if (written?.error !== undefined) return { rule: "serving-capacity", kind: "unreadable" };
  const target = written?.target ?? analysis.settings.targets;
  if (!target) return undefined;
  const checked = checkTarget(analysis.catalog, priceBook(analysis.catalog, analysis.settings.prices), judged.resolved, judged.estimate, target);
  if ("unknown" in checked) return { rule: "serving-capacity", kind: "unknown" };
  return checked.failures.length > 0 ? { rule: "serving-capacity", kind: "missed" } : undefined;
}

/** A deployment without a verdict: the rule that says why (exactly one, see unjudged.ts), and the reason. */
function unjudgedKey(judged: JudgedDeployment): Omit<FindingKey, "deployment"> | undefined {
  const finding = unjudgedFinding(judged);
  return finding ? { rule: finding.rule, kind: finding.messageId } : undefined;
}

/**
 * pin-gpu-type's condition: no GPU type is named and the deployment fits some of the GPUs it could
 * land on but not all. Silent when a check stops the start whatever the GPU (that error decides).
 */
export function someGpusFit(judged: Judged, checks: readonly DeploymentCheck[]): boolean {
  const { range } = judged;
  return range !== undefined && range.fitting.length > 0 && range.failing.length > 0 && !checks.some((check) => check.severity === "error");
}

/** Every finding of every rule on a file, at a concurrency target, before rule selection and in-file suppressions. */
function allFindings(analysis: FileAnalysis, minConcurrent: number): Array<FindingKey & { judged?: JudgedDeployment }> {
  const found: Array<FindingKey & { judged?: JudgedDeployment }> = analysis.unread.map(() => ({ deployment: -1, rule: "known-model", kind: "unread-document" }));
  analysis.deployments.forEach((judged, index) => {
    if (judged.deployment.disabled) return;
    const add = (finding: Omit<FindingKey, "deployment"> | undefined) => {
      if (finding) found.push({ deployment: index, ...finding, judged });
    };
    // A model sized by the family and size its name states: known-model says it was assumed.
    if ((judged.status === "judged" || judged.status === "cpu") && judged.resolved.model.via === "family") add({ rule: "known-model", kind: "assumed-model" });
    if (judged.status === "cpu") {
      add(judged.host.verdict === "exceeds-limit" ? { rule: "host-memory-fit", kind: "exceeds-limit" } : unjudgedKey(judged));
      return;
    }
    if (judged.status !== "judged") {
      add(unjudgedKey(judged));
      return;
    }
    add(memoryFinding(judged.estimate, minConcurrent));
    if (judged.estimate.verdict !== "weights-exceed-memory" && sizeClaimShortfall(judged)) add({ rule: "weights-fit", kind: "size-claim" });
    add(targetFinding(analysis, judged));
    const checks = checksOfJudged(analysis.catalog, judged);
    for (const check of checks) add({ rule: check.rule, kind: "problem" in check ? check.problem.kind : check.rule });
    if (someGpusFit(judged, checks)) add({ rule: "pin-gpu-type", kind: "some-gpus-fit" });
  });
  return found;
}

/**
 * The findings the enabled rules report on a file: those of rules switched on (all when `rules` is
 * undefined), minus those a reasoned in-file suppression names.
 */
export function findingsOf(analysis: FileAnalysis, minConcurrent: number, rules?: ReadonlySet<string>): FindingKey[] {
  return allFindings(analysis, minConcurrent)
    .filter((finding) => !rules || rules.has(finding.rule))
    .filter((finding) => !finding.judged || !suppressionFor(finding.judged.deployment, finding.rule).suppressed)
    .map(({ deployment, rule, kind }) => ({ deployment, rule, kind }));
}
