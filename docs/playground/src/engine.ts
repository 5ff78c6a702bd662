/**
 * What the page computes, without the page: the plugin's findings for a file through ESLint's
 * browser `Linter`, every deployment in it with its per-GPU memory bar (the same analysis as
 * `vram explain`), and a suggestion applied to the text. No DOM here, so it runs under Node too.
 */
import { Linter } from "eslint/universal";
import type { Linter as LinterTypes } from "eslint";
import plugin from "../../../src/index.js";
import { explainFile } from "../../../src/explain.js";
import { type MemoryBar, memoryBar } from "../../../src/report/memory-bar.js";
import { verdictSentence } from "../../../src/report/text.js";
import { ENGINE_NAMES, gpuName } from "../../../src/report/wording.js";

export type Level = "recommended" | "strict";

export interface Suggestion {
  desc: string;
  /** Offsets into the text, end exclusive. */
  range: [number, number];
  text: string;
}

export interface Finding {
  ruleId: string | null;
  severity: 1 | 2;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** The underlined text as offsets, end exclusive. */
  start: number;
  end: number;
  docsUrl?: string;
  suggestions: Suggestion[];
}

export interface DeploymentView {
  /** `Deployment mixtral-chat`, `aws_sagemaker_model mixtral`… */
  title: string;
  line: number;
  /** What runs where: `Mixtral-8x7B-Instruct-v0.1 on 1 × NVIDIA A10G · vLLM · TP 1 · bf16`. */
  layout?: string;
  /** The verdict sentence, as `vram estimate` words it. */
  verdict?: string;
  fits?: boolean;
  bar?: MemoryBar;
  /** Why it was not judged. */
  reason?: string;
}

export interface Report {
  findings: Finding[];
  deployments: DeploymentView[];
  /** Set when the file does not parse. */
  parseError?: string;
  /** Set when the page does not read files of this name. */
  notice?: string;
}

/** What the page reads: the main entry's YAML and JSON (the `.tf` parser is WebAssembly loaded from the package). */
const READ_HERE = /\.(ya?ml|jsonc?|json5)$/i;

const linter = new Linter({ configType: "flat" });

const MIN_CONCURRENT: Record<Level, number> = { recommended: 1, strict: 4 };

/** 1-based line and column → offset. */
function offsetOf(lineStarts: readonly number[], text: string, line: number, column: number): number {
  const start = lineStarts[Math.max(0, Math.min(line, lineStarts.length) - 1)] ?? 0;
  return Math.min(text.length, start + Math.max(0, column - 1));
}

export function check(text: string, filename: string, level: Level = "recommended", settings?: unknown): Report {
  if (!READ_HERE.test(filename)) {
    const terraform = /\.tf$/i.test(filename);
    return {
      findings: [],
      deployments: [],
      notice: terraform
        ? "Terraform .tf files are read by vram lint and ESLint (eslint-plugin-vram/hcl), not in this page: paste Terraform JSON (*.tf.json) or terraform show -json output here."
        : "Name the file *.yaml, *.yml or *.json (the extension decides how it is read).",
    };
  }
  const config: LinterTypes.Config[] = [...(plugin.configs[level] as LinterTypes.Config[]), ...(settings === undefined ? [] : [{ settings: { vram: settings } }])];
  const lineStarts = [0];
  for (let index = text.indexOf("\n"); index >= 0; index = text.indexOf("\n", index + 1)) lineStarts.push(index + 1);
  const messages = linter.verify(text, config, { filename });
  const findings = messages.map((message): Finding => {
    const line = message.line ?? 1;
    const column = message.column ?? 1;
    const endLine = message.endLine ?? line;
    const endColumn = message.endColumn ?? column + 1;
    const rule = message.ruleId?.startsWith("vram/") ? plugin.rules[message.ruleId.slice(5)] : undefined;
    return {
      ruleId: message.ruleId,
      severity: message.severity === 2 ? 2 : 1,
      message: message.message,
      line,
      column,
      endLine,
      endColumn,
      start: offsetOf(lineStarts, text, line, column),
      end: Math.max(offsetOf(lineStarts, text, line, column) + 1, offsetOf(lineStarts, text, endLine, endColumn)),
      ...(rule?.meta.docs?.url ? { docsUrl: rule.meta.docs.url } : {}),
      suggestions: (message.suggestions ?? []).map((suggestion) => ({ desc: suggestion.desc, range: suggestion.fix.range, text: suggestion.fix.text })),
    };
  });
  const parseError = messages.find((message) => message.fatal)?.message;

  const minConcurrent = MIN_CONCURRENT[level];
  const { file, analysis } = explainFile(filename, text, settings, minConcurrent);
  const deployments = file.deployments.map((deployment, index): DeploymentView => {
    const view: DeploymentView = { title: `${deployment.kind}${deployment.name ? ` ${deployment.name}` : ""}`, line: deployment.location.line };
    const judged = analysis?.deployments[index];
    if (judged?.status !== "judged" || !deployment.estimate) return { ...view, reason: deployment.reason ?? "not judged" };
    const { estimate } = judged;
    const parallel = `TP ${estimate.parallel.tensor}${estimate.parallel.pipeline > 1 ? ` × PP ${estimate.parallel.pipeline}` : ""}`;
    const failing = deployment.estimate.checks.filter((check) => check.severity === "error");
    const memoryFits = estimate.verdict === "fits" && estimate.maxConcurrency >= minConcurrent;
    return {
      ...view,
      layout: `${judged.resolved.model.displayName} on ${judged.resolved.requestedGpus} × ${gpuName(judged.resolved.request.gpu)} · ${ENGINE_NAMES[estimate.engine]} · ${parallel} · ${estimate.settings.weightFormat}`,
      verdict: failing.length > 0 ? `Does not start: ${failing.map((check) => check.message).join("; ")}` : verdictSentence(estimate, minConcurrent),
      fits: memoryFits && failing.length === 0,
      bar: memoryBar(estimate.perGpu),
    };
  });
  return { findings, deployments, ...(parseError ? { parseError } : {}) };
}

/** The text with a suggestion applied, as an editor applies it. */
export function applySuggestion(text: string, suggestion: Suggestion): string {
  return text.slice(0, suggestion.range[0]) + suggestion.text + text.slice(suggestion.range[1]);
}

export interface DiffLine {
  kind: "removed" | "added";
  text: string;
  /** The line's number in the text it belongs to (before for removed, after for added). */
  line: number;
}

/**
 * The lines a change removed and added (a longest-common-subsequence diff of lines), for showing
 * what a suggestion edited. Files here are small; past 2,000 lines the common head and tail are
 * trimmed and the middle shown whole.
 */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = before.split("\n");
  const b = after.split("\n");
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  if (x.length * y.length > 2000 * 2000) {
    return [...x.map((text, i) => ({ kind: "removed" as const, text, line: head + i + 1 })), ...y.map((text, i) => ({ kind: "added" as const, text, line: head + i + 1 }))];
  }
  // common[i][j]: length of the longest common subsequence of x[i..] and y[j..].
  const common = Array.from({ length: x.length + 1 }, () => new Uint32Array(y.length + 1));
  for (let i = x.length - 1; i >= 0; i--) for (let j = y.length - 1; j >= 0; j--) common[i]![j] = x[i] === y[j] ? common[i + 1]![j + 1]! + 1 : Math.max(common[i + 1]![j]!, common[i]![j + 1]!);
  const lines: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      i++;
      j++;
    } else if (i < x.length && (j === y.length || common[i + 1]![j]! >= common[i]![j + 1]!)) {
      lines.push({ kind: "removed", text: x[i]!, line: head + i + 1 });
      i++;
    } else {
      lines.push({ kind: "added", text: y[j]!, line: head + j + 1 });
      j++;
    }
  }
  return lines;
}
