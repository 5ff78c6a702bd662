/**
 * What keeps the documentation true to the tool, beside the generated headers (docs.ts):
 * - output blocks marked `<!-- vram: lint FILE [as NAME] -->`, `<!-- vram: suggestions FILE -->` or
 *   `<!-- vram: run ARGS… -->` right above a ```text block are the real output (stylish report,
 *   suggestion texts, `vram ARGS`); a line `…` in a block skips lines of the output;
 * - every figure the prose states (46.7B, 87.0 GiB, 131,072, 3.9 ×) appears in the output of
 *   something the page shows or names (its examples, its blocks, `<!-- vram: numbers ARGS -->`);
 * - `npm run test:update` rewrites the blocks, the quoted messages and the CLI transcripts.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ESLint, type Linter } from "eslint";
import { parse as parseShell } from "shell-quote";
import plugin from "../../src/index.js";
import { main } from "../../src/cli.js";
import { ROOT } from "./docs.js";

export interface CheckedBlock {
  kind: "lint" | "suggestions" | "run";
  args: string;
  /** Offsets of the block's body (between the fences) in the page. */
  bodyStart: number;
  bodyEnd: number;
  body: string;
}

export function checkedBlocks(markdown: string): CheckedBlock[] {
  const found: CheckedBlock[] = [];
  for (const match of markdown.matchAll(/^<!-- vram: (lint|suggestions|run) (.+?) -->\n\n?```text\n([\s\S]*?)^```$/gm)) {
    const bodyStart = match.index + match[0].indexOf("```text\n") + "```text\n".length;
    found.push({ kind: match[1] as CheckedBlock["kind"], args: match[2]!, bodyStart, bodyEnd: bodyStart + match[3]!.length, body: match[3]! });
  }
  return found;
}

/** Commands a page names as the source of figures it states without showing the output. */
export function numberSources(markdown: string): string[] {
  return [...markdown.matchAll(/^<!-- vram: numbers (.+?) -->$/gm)].map((match) => match[1]!);
}

/** `vram ARGS` as the CLI prints it (stdout then stderr), without a TTY. */
export async function cliOutput(args: string): Promise<string> {
  let out = "";
  await main(parseShell(args) as string[], { stdout: { write: (text: string) => (out += text), isTTY: false }, stderr: { write: (text: string) => (out += text) }, env: {}, cwd: ROOT });
  return out;
}

const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: true, overrideConfig: plugin.configs.recommended, cache: false });

async function lintAs(file: string): Promise<ESLint.LintResult> {
  const [result] = await eslint.lintText(readFileSync(join(ROOT, file), "utf8"), { filePath: join(ROOT, file) });
  return result!;
}

/** The block's real output. */
export async function renderBlock(block: CheckedBlock): Promise<string> {
  if (block.kind === "run") return cliOutput(block.args);
  const [file, , name] = block.args.split(" ");
  const result = await lintAs(file!);
  if (block.kind === "suggestions") return `${(result.messages[0]?.suggestions ?? []).map((suggestion) => suggestion.desc).join("\n")}\n`;
  const formatter = await eslint.loadFormatter("stylish");
  // Stylish prints the path it is given; the page names the file as a user's would be.
  const text = String(await formatter.format([{ ...result, filePath: name ?? file! }]));
  return `${text.replace(/\u001b\[[0-9;]*m/g, "").replace(/^\n/, "")}`;
}

/** Whether `body` is `actual` with some runs of lines replaced by a `…` line. */
export function matchesElided(body: string, actual: string): boolean {
  const want = body.split("\n");
  const have = actual.split("\n");
  let at = 0;
  for (let i = 0; i < want.length; i++) {
    if (want[i] === "…") {
      const next = want[i + 1];
      if (next === undefined) return true;
      while (at < have.length && have[at] !== next) at++;
      if (at === have.length) return false;
      continue;
    }
    if (have[at] !== want[i]) return false;
    at++;
  }
  return at === have.length;
}

/**
 * `actual`, elided where `body` was: each run of lines between `…` lines keeps its length and is
 * re-anchored on the output line that begins like the run's first line did (the first run starts
 * the output; a final run not followed by `…` runs to the output's end).
 */
export function elideLike(body: string, actual: string): string {
  const segments = body.split(/^…\n/m);
  if (segments.length === 1) return actual;
  const have = actual.replace(/\n$/, "").split("\n");
  const out: string[] = [];
  let at = 0;
  segments.forEach((segment, index) => {
    const lines = segment.replace(/\n$/, "").split("\n");
    const last = index === segments.length - 1;
    if (segment === "") {
      if (!last) out.push("…");
      return;
    }
    const head = lines[0]!.slice(0, 12);
    const start = index === 0 ? 0 : have.findIndex((line, position) => position >= at && line.startsWith(head));
    if (start < 0) return;
    const end = last ? have.length : start + lines.length;
    out.push(...have.slice(start, end));
    at = end;
    if (!last) out.push("…");
  });
  return `${out.join("\n")}\n`;
}

/** Prose with fences, inline code, comments and link targets taken out: the page's own statements. */
export function prose(markdown: string): string {
  return markdown
    .replace(/^```[\s\S]*?^```$/gm, "")
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/`[^`\n]*`/g, "")
    .replace(/\]\([^)]*\)/g, "]");
}

/**
 * Figures of the kinds the tool computes: parameter counts (46.7B, 671B), GiB with one decimal,
 * token counts with separators, sequence multiples (3.9 ×). Model names (Llama-3.1-8B) and round
 * constants (80 GB, 0.90) are not figures of this kind.
 */
export function statedFigures(text: string): string[] {
  const patterns = [/(?<![\w.-])(?:\d+\.\d|\d{3,})[BT](?![\w-])/g, /(?<![\w.])\d+\.\d GiB/g, /(?<![\w.,])\d{1,3}(?:,\d{3})+(?![\d,])/g, /(?<![\w.])\d+\.\d ×/g];
  return [...new Set(patterns.flatMap((pattern) => [...text.matchAll(pattern)].map((match) => match[0])))];
}

/**
 * Whether `known` states `figure`: the number itself, not inside a longer one (tables print GiB
 * figures without the unit, so `22.5 GiB` is found as `22.5`).
 */
export function states(known: string, figure: string): boolean {
  const needle = figure.endsWith(" GiB") ? figure.slice(0, -" GiB".length) : figure;
  const digitLike = (char: string | undefined) => char !== undefined && /[\d.,]/.test(char);
  for (let at = known.indexOf(needle); at >= 0; at = known.indexOf(needle, at + 1)) {
    const before = known[at - 1];
    const after = known[at + needle.length];
    if (!digitLike(before) && !(digitLike(after) && /\d/.test(known[at + needle.length + 1] ?? ""))) return true;
  }
  return false;
}

/** The messages and suggestion texts of linting `code` as `filename` under every config. */
export function lintTexts(messages: Linter.LintMessage[]): string {
  return messages.map((message) => [message.message, ...(message.suggestions ?? []).map((suggestion) => suggestion.desc)].join("\n")).join("\n");
}

/** Quoted text as a Markdown block quote, wrapped near `width` characters. */
export function quoteBlock(text: string, width = 100): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width - 2) {
      lines.push(`> ${line}`);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(`> ${line}`);
  return lines.join("\n");
}
