/**
 * Fixture cases in the style of eslint-plugin-yml's `loadTestCases`: every input under `fixtures/`
 * has a sidecar under `test/expected/` (same relative path, `.json` added) holding what linting it
 * with `configs.recommended` reports — rule, severity, exact span, message — and, per suggestion,
 * its text and its output as a diff of the input. A missing sidecar is written (and the test fails
 * in CI, where nobody reviews it); `npm run test:update` rewrites them all after a deliberate change
 * (a calibrated constant, a wording), so the change is one command and a diff to review.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import type { Linter } from "eslint";
import { FIXTURES, ROOT } from "./lint.js";

export const EXPECTED = join(ROOT, "test", "expected");

/** Set by `npm run test:update`: sidecars (and the other generated expectations) are rewritten, not compared. */
export const UPDATING = process.env.VRAM_UPDATE === "1";

/** Fixture folders that are not deployment files: the catalog importer's `config.json` inputs. */
const NOT_DEPLOYMENTS = new Set(["hf-configs"]);

/** Fixture inputs the YAML and JSON routes read, as paths relative to `fixtures/`. */
export function fixtureInputs(): string[] {
  const found: string[] = [];
  const walk = (folder: string) => {
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      if (folder === FIXTURES && NOT_DEPLOYMENTS.has(name)) continue;
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ya?ml|json|sh|slurm)$/i.test(name)) found.push(relative(FIXTURES, path));
    }
  };
  walk(FIXTURES);
  return found;
}

export interface ExpectedSuggestion {
  desc: string;
  /** The output as changed lines: `@@ <line>` then `-old` / `+new` lines, per hunk. */
  diff: string[];
}

export interface ExpectedFinding {
  rule: string | null;
  severity: "error" | "warning";
  /** `line:column-endLine:endColumn`, 1-based as ESLint prints them. */
  at: string;
  message: string;
  suggestions?: ExpectedSuggestion[];
}

/** Lines changed from `before` to `after`, as hunks of `-` and `+` lines under `@@ <first old line>`. */
export function lineDiff(before: string, after: string): string[] {
  const a = before.split("\n");
  const b = after.split("\n");
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  // The changed region is small (one suggestion's span): a longest-common-subsequence table is cheap.
  const oldLines = a.slice(start, endA);
  const newLines = b.slice(start, endB);
  const common: number[][] = Array.from({ length: oldLines.length + 1 }, () => new Array<number>(newLines.length + 1).fill(0));
  for (let i = oldLines.length - 1; i >= 0; i--) {
    for (let j = newLines.length - 1; j >= 0; j--) {
      common[i]![j] = oldLines[i] === newLines[j] ? common[i + 1]![j + 1]! + 1 : Math.max(common[i + 1]![j]!, common[i]![j + 1]!);
    }
  }
  const out: string[] = [];
  let hunkOpen = false;
  let i = 0;
  let j = 0;
  const open = () => {
    if (!hunkOpen) out.push(`@@ ${start + i + 1}`);
    hunkOpen = true;
  };
  while (i < oldLines.length || j < newLines.length) {
    if (i < oldLines.length && j < newLines.length && oldLines[i] === newLines[j]) {
      hunkOpen = false;
      i++;
      j++;
    } else if (i < oldLines.length && (j === newLines.length || common[i + 1]![j]! >= common[i]![j + 1]!)) {
      open();
      out.push(`-${oldLines[i++]}`);
    } else {
      open();
      out.push(`+${newLines[j++]}`);
    }
  }
  return out;
}

/** A lint result in the sidecar's form. */
export function expectedFindings(text: string, messages: Linter.LintMessage[]): ExpectedFinding[] {
  return messages.map((message) => ({
    rule: message.ruleId,
    severity: message.severity === 2 ? "error" : "warning",
    at: `${message.line}:${message.column}-${message.endLine ?? message.line}:${message.endColumn ?? message.column}`,
    message: message.message,
    ...(message.suggestions?.length
      ? {
          suggestions: message.suggestions.map((suggestion) => ({
            desc: suggestion.desc,
            diff: lineDiff(text, text.slice(0, suggestion.fix.range[0]) + suggestion.fix.text + text.slice(suggestion.fix.range[1])),
          })),
        }
      : {}),
  }));
}

/**
 * The sidecar's contents for a fixture: read, or written when missing or when updating. `written`
 * says the file was (re)written, so a test can fail in CI instead of passing on what it just wrote.
 */
export function sidecar<T>(relativePath: string, actual: T): { expected: T; written: boolean } {
  const path = join(EXPECTED, `${relativePath}.json`);
  if (!UPDATING && existsSync(path)) return { expected: JSON.parse(readFileSync(path, "utf8")) as T, written: false };
  mkdirSync(dirname(path), { recursive: true });
  const text = `${JSON.stringify(actual, null, 2)}\n`;
  const changed = !existsSync(path) || readFileSync(path, "utf8") !== text;
  if (changed) writeFileSync(path, text);
  return { expected: actual, written: changed && !UPDATING };
}
