/**
 * Shared checks of the format tests: exact findings of a fixture, every suggestion applied (the
 * file still parses and the finding is gone), and the deployments extraction finds.
 */
import type { Linter } from "eslint";
import { parseJSON } from "jsonc-eslint-parser";
import { expect } from "vitest";
import { parseYAML } from "yaml-eslint-parser";
import { analyzeFile, type JudgedDeployment } from "../../src/analysis.js";
import { extractDeployments } from "../../src/extract/index.js";
import type { Deployment } from "../../src/extract/types.js";
import { isShellPath, parseShellForRules } from "../../src/shell/language.js";
import { applySuggestion, findings, lint, type LintOptions, readFixture } from "../support/lint.js";

export interface Finding {
  ruleId: string | null;
  messageId: string | undefined;
  line: number;
  column: number;
}

export function finding(message: Linter.LintMessage): Finding {
  return { ruleId: message.ruleId, messageId: message.messageId, line: message.line, column: message.column };
}

function parse(filename: string, text: string): { type: string; body?: unknown[] } {
  if (isShellPath(filename)) return parseShellForRules(text);
  return (/\.json$/i.test(filename) ? parseJSON(text) : parseYAML(text)) as never;
}

/** The plugin's findings for a fixture (`fixtures/<relative>`), linted under its own file name. */
export function lintFixture(relative: string, options: LintOptions = {}): { text: string; filename: string; messages: Linter.LintMessage[] } {
  const text = readFixture(relative);
  const filename = relative.slice(relative.lastIndexOf("/") + 1);
  return { text, filename, messages: findings(lint(text, filename, options)) };
}

/**
 * Applies every suggestion of every finding: the result must parse, and have one finding fewer of
 * that rule (the suggestion fixed what it was offered for). Returns how many suggestions were checked.
 */
export function expectSuggestionsFix(text: string, filename: string, messages: Linter.LintMessage[], options: LintOptions = {}): number {
  let checked = 0;
  for (const message of messages) {
    const before = messages.filter((other) => other.ruleId === message.ruleId).length;
    for (const suggestion of message.suggestions ?? []) {
      const fixed = applySuggestion(text, suggestion);
      const after = findings(lint(fixed, filename, options));
      expect(after.filter((other) => other.fatal), `${suggestion.desc} keeps the file parseable`).toEqual([]);
      expect(after.filter((other) => other.ruleId === message.ruleId).length, `${suggestion.desc} removes its finding`).toBeLessThan(before);
      expect(() => parse(filename, fixed)).not.toThrow();
      checked++;
    }
  }
  return checked;
}

/** The deployments extraction finds in a text. */
export function deploymentsOf(text: string, filename: string): Deployment[] {
  return extractDeployments(parse(filename, text), text);
}

/** The judged view (status, values) of a text's deployments. */
export function judgedOf(text: string, filename: string, settings?: unknown): JudgedDeployment[] {
  return analyzeFile(parse(filename, text), text, settings).deployments;
}

/** The source text a located field points at (its exact range, else its node). */
export function writtenAt(text: string, deployment: Deployment, field: keyof Deployment["fields"]): string | undefined {
  const located = deployment.fields[field];
  if (!located) return undefined;
  const [start, end] = located.range ?? located.node.range;
  return text.slice(start, end);
}
