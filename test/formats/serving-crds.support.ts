/**
 * Shared checks for the serving-CRD format tests: exact findings of a fixture, and that every
 * suggestion, applied to the text, still parses and removes the finding it was offered for.
 */
import type { Linter } from "eslint";
import { parseYAML } from "yaml-eslint-parser";
import { expect } from "vitest";
import { explainFile } from "../../src/explain.js";
import { valuesOf } from "../../src/extract/engine-args.js";
import { extractDeployments } from "../../src/extract/index.js";
import { applySuggestion, brief, findings, lint, readFixture } from "../support/lint.js";

export interface FixtureResult {
  text: string;
  messages: Linter.LintMessage[];
}

/** Lints a fixture (path under fixtures/) and asserts its findings, as `rule line:column messageId`. */
export function expectFindings(relative: string, expected: string[]): FixtureResult {
  const text = readFixture(relative);
  const messages = findings(lint(text, relative));
  expect(messages.map(brief)).toEqual(expected);
  return { text, messages };
}

/**
 * Applies every suggestion of every finding: the result parses, and it has one finding fewer of
 * that rule (the one targeted; other deployments in the file keep theirs). Returns the fixed texts.
 */
export function expectSuggestionsResolve(relative: string, result: FixtureResult): string[] {
  const fixedTexts: string[] = [];
  for (const message of result.messages) {
    const before = result.messages.filter((other) => other.ruleId === message.ruleId).length;
    for (const suggestion of message.suggestions ?? []) {
      const fixed = applySuggestion(result.text, suggestion);
      expect(() => parseYAML(fixed), suggestion.desc).not.toThrow();
      const after = findings(lint(fixed, relative));
      expect(after.filter((other) => other.fatal), suggestion.desc).toEqual([]);
      expect(after.filter((other) => other.ruleId === message.ruleId).length, `${suggestion.desc}\n${fixed}`).toBe(before - 1);
      fixedTexts.push(fixed);
    }
  }
  return fixedTexts;
}

/** Status (and reason) of every deployment found in a fixture, as `Kind name: status`. */
export function statuses(relative: string): string[] {
  const { file } = explainFile(relative, readFixture(relative));
  return file.deployments.map((deployment) => `${deployment.kind} ${deployment.name ?? "-"}: ${deployment.status}`);
}

/** The explained deployments of a text (for odd-input tests). */
export function explainText(text: string, name = "odd.yaml") {
  return explainFile(name, text).file;
}

/** The values every deployment of a text states (fields as written, after adapter defaults). */
export function extractedValues(text: string): Array<Record<string, unknown>> {
  const ast = parseYAML(text) as never;
  return extractDeployments(ast, text).map((deployment) => ({ kind: deployment.kind, name: deployment.name, ...valuesOf(deployment.fields), unresolved: Object.keys(deployment.unresolved) }));
}

/** The same for a fixture. */
export function fixtureValues(relative: string): Array<Record<string, unknown>> {
  return extractedValues(readFixture(relative));
}
