/**
 * ESLint's bulk suppressions (`eslint --suppress-all`, `eslint-suppressions.json`), read and written
 * by `vram lint` in ESLint's own format, so one file serves both commands: per file (relative to the
 * working folder, POSIX separators), per rule, the number of error-level findings accepted as they
 * are. A file's findings of a rule are suppressed while there are no more of them than the count;
 * one more, and all of them are reported (ESLint 9.24+, `lib/services/suppressions-service.js`).
 *
 * ESLint's service is not part of its public API, so this is a re-implementation of its behaviour,
 * limited to the plugin's rules: `vram lint` runs only those, so it never counts, prunes or reports
 * as unused an entry of another rule that the same file holds for `eslint`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, relative, resolve, sep } from "node:path";
import type { ESLint, Linter } from "eslint";
import { UsageError } from "../cli-io.js";
import { isRecord } from "../lookup.js";

/** File → rule → accepted count, as in `eslint-suppressions.json`. */
export type SuppressionCounts = Record<string, Record<string, { count: number }>>;

export const DEFAULT_SUPPRESSIONS_FILE = "eslint-suppressions.json";

/** ESLint's counting: error-level findings of a rule (warnings are never suppressed in bulk). */
function errorsByRule(messages: readonly Linter.LintMessage[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const message of messages) {
    if (message.severity === 2 && message.ruleId) counts.set(message.ruleId, (counts.get(message.ruleId) ?? 0) + 1);
  }
  return counts;
}

/** JSON with keys sorted at every level and two-space indentation, as ESLint writes the file. */
function stableJson(value: unknown): string {
  const sorted = (item: unknown): unknown =>
    isRecord(item) ? Object.fromEntries(Object.keys(item).sort().map((key) => [key, sorted(item[key])])) : item;
  return JSON.stringify(sorted(value), null, 2);
}

export class BulkSuppressions {
  constructor(
    /** Absolute path of the suppressions file. */
    readonly filePath: string,
    /** The folder its paths are relative to (ESLint: the working folder). */
    readonly cwd: string,
    /** The rules this command owns in the file. */
    readonly owns: (ruleId: string) => boolean,
  ) {}

  exists(): boolean {
    return existsSync(this.filePath);
  }

  private key(filePath: string): string {
    return relative(this.cwd, filePath).split(sep).join("/");
  }

  load(): SuppressionCounts {
    let text: string;
    try {
      text = readFileSync(this.filePath, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
      throw new UsageError(`cannot read the suppressions file ${this.filePath}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new UsageError(`the suppressions file ${this.filePath} is not valid JSON`);
    }
    if (!isRecord(parsed)) throw new UsageError(`the suppressions file ${this.filePath} must hold an object of files`);
    const counts: SuppressionCounts = {};
    for (const [file, rules] of Object.entries(parsed)) {
      if (!isRecord(rules)) continue;
      const entry: Record<string, { count: number }> = {};
      for (const [ruleId, value] of Object.entries(rules)) {
        if (isRecord(value) && Number.isInteger(value.count) && (value.count as number) > 0) entry[ruleId] = { count: value.count as number };
      }
      Object.defineProperty(counts, file, { value: entry, enumerable: true, writable: true, configurable: true });
    }
    return counts;
  }

  private save(counts: SuppressionCounts): void {
    mkdirSync(dirname(this.filePath), { recursive: true });
    writeFileSync(this.filePath, stableJson(counts));
  }

  /** `--suppress-all` / `--suppress-rule`: accept today's findings of the plugin's rules (or of `rules`). */
  suppress(results: readonly ESLint.LintResult[], rules?: readonly string[]): void {
    const counts = this.load();
    for (const result of results) {
      for (const [ruleId, count] of errorsByRule(result.messages)) {
        if (!this.owns(ruleId) || (rules && !rules.includes(ruleId))) continue;
        const key = this.key(result.filePath);
        counts[key] = { ...counts[key], [ruleId]: { count } };
      }
    }
    this.save(counts);
  }

  /** `--prune-suppressions`: lower counts to what still occurs; drop entries of files that are gone. */
  prune(results: readonly ESLint.LintResult[]): void {
    const counts = this.load();
    const { unused } = this.apply(results, counts);
    for (const [file, rules] of Object.entries(unused)) {
      for (const [ruleId, { count }] of Object.entries(rules)) {
        const entry = counts[file]?.[ruleId];
        if (!entry) continue;
        if (entry.count <= count) delete counts[file]![ruleId];
        else entry.count -= count;
      }
    }
    for (const [file, rules] of Object.entries(counts)) {
      if (!existsSync(resolve(this.cwd, file))) for (const ruleId of Object.keys(rules)) if (this.owns(ruleId)) delete rules[ruleId];
      if (Object.keys(rules).length === 0) delete counts[file];
    }
    this.save(counts);
  }

  /**
   * Moves suppressed findings to `suppressedMessages` (kind "file", as ESLint marks them) and returns
   * the accepted counts no finding used: for each linted file and owned rule, how many fewer there are.
   */
  apply(results: readonly ESLint.LintResult[], counts: SuppressionCounts): { results: ESLint.LintResult[]; unused: SuppressionCounts } {
    const unused: SuppressionCounts = {};
    const addUnused = (file: string, ruleId: string, count: number) => {
      unused[file] = { ...unused[file], [ruleId]: { count } };
    };
    const applied = results.map((result) => {
      const key = this.key(result.filePath);
      const accepted = Object.hasOwn(counts, key) ? counts[key]! : undefined;
      if (!accepted) return result;
      const found = errorsByRule(result.messages);
      const suppressed = new Set<string>();
      for (const [ruleId, { count }] of Object.entries(accepted)) {
        if (!this.owns(ruleId)) continue;
        const occurring = found.get(ruleId) ?? 0;
        if (occurring <= count && occurring > 0) suppressed.add(ruleId);
        if (occurring < count) addUnused(key, ruleId, count - occurring);
      }
      if (suppressed.size === 0) return result;
      const moved = result.messages.filter((message) => message.ruleId !== null && suppressed.has(message.ruleId));
      const messages = result.messages.filter((message) => !(message.ruleId !== null && suppressed.has(message.ruleId)));
      return {
        ...result,
        messages,
        suppressedMessages: [...result.suppressedMessages, ...moved.map((message) => ({ ...message, suppressions: [{ kind: "file", justification: "" }] }))],
        ...countsOf(messages),
      };
    });
    return { results: applied, unused };
  }
}

/** A result's counters, recomputed after findings moved out of it. */
function countsOf(messages: readonly Linter.LintMessage[]) {
  let errorCount = 0;
  let fatalErrorCount = 0;
  let warningCount = 0;
  let fixableErrorCount = 0;
  let fixableWarningCount = 0;
  for (const message of messages) {
    if (message.severity === 2) {
      errorCount++;
      if (message.fatal) fatalErrorCount++;
      if (message.fix) fixableErrorCount++;
    } else {
      warningCount++;
      if (message.fix) fixableWarningCount++;
    }
  }
  return { errorCount, fatalErrorCount, warningCount, fixableErrorCount, fixableWarningCount };
}
