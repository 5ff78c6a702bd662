/**
 * Generated parts of the documentation, from rule `meta`: each rule page's header and the README's
 * rules table. `npm run docs` writes them; test/docs.test.ts fails when a file is out of date.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import plugin from "../../src/index.js";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const HEADER_BEGIN = "<!-- begin auto-generated rule header -->";
export const HEADER_END = "<!-- end auto-generated rule header -->";
export const LIST_BEGIN = "<!-- begin auto-generated rules list -->";
export const LIST_END = "<!-- end auto-generated rules list -->";

type Level = "recommended" | "strict" | "all";
const LEVELS: Level[] = ["recommended", "strict", "all"];

function severityIn(level: Level, name: string): "error" | "warn" | "off" {
  const setting = plugin.configs[level].find((config) => config.rules)!.rules![`vram/${name}`];
  const severity = Array.isArray(setting) ? setting[0] : setting;
  if (severity === "off" || severity === 0) return "off";
  return severity === "warn" || severity === 1 ? "warn" : "error";
}

function list(items: string[]): string {
  return items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

export function ruleHeader(name: string): string {
  const rule = plugin.rules[name]!;
  const errors = LEVELS.filter((level) => severityIn(level, name) === "error").map((level) => `\`${level}\``);
  const warnings = LEVELS.filter((level) => severityIn(level, name) === "warn").map((level) => `\`${level}\``);
  const configs = [errors.length > 0 ? `💼 An error in ${list(errors)}` : "", warnings.length > 0 ? `⚠️ a warning in ${list(warnings)}` : ""].filter(Boolean).join("; ");
  const lines = [
    HEADER_BEGIN,
    `# vram/${name}`,
    "",
    `${rule.meta.docs.description}.`,
    "",
    `${configs}.`,
  ];
  if (rule.meta.hasSuggestions) {
    // The parallelism rules fix a layout that cannot start; their suggestions change sizes, not memory.
    const layoutOnly = name.startsWith("parallelism-");
    const text = layoutOnly
      ? "💡 Offers editor suggestions that correct the parallel sizes or the GPU count."
      : name === "pin-gpu-type"
        ? "💡 Offers editor suggestions that pin a GPU type it fits, in the node label the file already uses."
        : "💡 Offers editor suggestions, each re-estimated and stating the headroom it leaves.";
    lines.push("", text);
  }
  lines.push(HEADER_END);
  return lines.join("\n");
}

export function rulesTable(): string {
  const rows = ["| Rule | What it checks | `recommended` | `strict` | 💡 |", "| --- | --- | --- | --- | --- |"];
  for (const [name, rule] of Object.entries(plugin.rules)) {
    rows.push(
      `| [vram/${name}](docs/rules/${name}.md) | ${rule.meta.docs.description} | ${severityIn("recommended", name)} | ${severityIn("strict", name)} | ${rule.meta.hasSuggestions ? "💡" : ""} |`,
    );
  }
  return [LIST_BEGIN, ...rows, LIST_END].join("\n");
}

/** Replaces the text between two markers (markers included); throws when they are missing. */
export function replaceBetween(text: string, begin: string, end: string, replacement: string, file: string): string {
  const start = text.indexOf(begin);
  const stop = text.indexOf(end);
  if (start < 0 || stop < start) throw new Error(`${file} has no ${begin} … ${end} section`);
  return text.slice(0, start) + replacement + text.slice(stop + end.length);
}

export interface DocFile {
  path: string;
  expected: string;
  actual: string;
}

/** Every generated file with its current and expected contents. */
export function generatedDocs(): DocFile[] {
  const files: DocFile[] = [];
  for (const name of Object.keys(plugin.rules)) {
    const path = `docs/rules/${name}.md`;
    const actual = readFileSync(`${ROOT}${path}`, "utf8");
    files.push({ path, actual, expected: replaceBetween(actual, HEADER_BEGIN, HEADER_END, ruleHeader(name), path) });
  }
  const readme = readFileSync(`${ROOT}README.md`, "utf8");
  files.push({ path: "README.md", actual: readme, expected: replaceBetween(readme, LIST_BEGIN, LIST_END, rulesTable(), "README.md") });
  return files;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const file of generatedDocs()) {
    if (file.expected !== file.actual) {
      writeFileSync(`${ROOT}${file.path}`, file.expected);
      console.log(`updated ${file.path}`);
    }
  }
}
