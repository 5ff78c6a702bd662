/**
 * Test helpers: lint text or fixture files with the plugin's configs through ESLint's own `Linter`,
 * apply suggestions, and read fixtures.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Linter } from "eslint";
import plugin from "../../src/index.js";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const FIXTURES = fileURLToPath(new URL("../../fixtures/", import.meta.url));

export function readFixture(relative: string): string {
  return readFileSync(new URL(relative, `file://${FIXTURES}`), "utf8");
}

export type Level = "recommended" | "strict" | "all";

export interface LintOptions {
  level?: Level;
  settings?: Record<string, unknown>;
  /** Rule overrides, e.g. { "vram/kv-cache-headroom": ["error", { minConcurrentSequences: 4 }] }. */
  rules?: Linter.RulesRecord;
}

/** Lints `text` as if it were the file `filename` in a project using `vram.configs[level]`. */
export function lint(text: string, filename: string, options: LintOptions = {}): Linter.LintMessage[] {
  const linter = new Linter();
  const config: Linter.Config[] = [
    ...(plugin.configs[options.level ?? "recommended"] as Linter.Config[]),
    ...(options.settings ? [{ settings: options.settings }] : []),
    ...(options.rules ? [{ files: ["**/*"], rules: options.rules }] : []),
  ];
  return linter.verify(text, config, { filename });
}

/** Only the plugin's findings (and fatal parse errors). */
export function findings(messages: Linter.LintMessage[]): Linter.LintMessage[] {
  return messages.filter((message) => message.fatal || message.ruleId?.startsWith("vram/"));
}

/** The text after applying one suggestion. */
export function applySuggestion(text: string, suggestion: Linter.LintSuggestion): string {
  const { range, text: replacement } = suggestion.fix;
  return text.slice(0, range[0]) + replacement + text.slice(range[1]);
}

/** A compact view of a finding for snapshot-free assertions: rule, line:column, messageId. */
export function brief(message: Linter.LintMessage): string {
  return `${message.ruleId ?? "fatal"} ${message.line}:${message.column} ${message.messageId ?? message.message}`;
}
