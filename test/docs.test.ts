/**
 * Documentation cannot drift from code: generated sections (rule page headers, README rules table)
 * match rule `meta`, every rule has a page, and every example in a page lints as the page claims.
 * Example blocks are fenced as ```yaml incorrect / ```json correct, optionally followed by
 * ` options={...}` (rule options) and/or ` settings={...}` (settings.vram), each JSON on one line.
 */
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import plugin from "../src/index.js";
import { parse as parseShell } from "shell-quote";
import { runCli } from "./support/cli.js";
import { findings, lint } from "./support/lint.js";
import { generatedDocs, ROOT } from "./tools/docs.js";

const ruleNames = Object.keys(plugin.rules);

describe("generated documentation is up to date (run `npm run docs` after changing rule meta)", () => {
  for (const file of generatedDocs()) {
    it(file.path, () => expect(file.actual).toBe(file.expected));
  }
});

interface Example {
  language: "yaml" | "json";
  correct: boolean;
  code: string;
  options?: unknown;
  settings?: Record<string, unknown>;
  line: number;
  /** The message quoted right after the example (`> …` lines), whitespace-normalized; a trailing `…` quotes a prefix. */
  quoted?: string;
}

function normalize(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function examples(markdown: string): Example[] {
  const found: Example[] = [];
  const fence = /^```(yaml|json) (correct|incorrect)((?: (?:options|settings)=\S.*?)*)\n([\s\S]*?)^```$/gm;
  for (const match of markdown.matchAll(fence)) {
    const attributes = match[3] ?? "";
    const options = /options=(\{.*?\}|\[.*?\])(?= settings=|$)/.exec(attributes)?.[1];
    const settings = /settings=(\{.*\})/.exec(attributes)?.[1];
    const after = markdown.slice(match.index + match[0].length);
    const quote = /^\n\n((?:> .*\n?)+)/.exec(after)?.[1];
    found.push({
      language: match[1] as "yaml" | "json",
      correct: match[2] === "correct",
      code: match[4]!,
      ...(options ? { options: JSON.parse(options) } : {}),
      ...(settings ? { settings: JSON.parse(settings) } : {}),
      line: markdown.slice(0, match.index).split("\n").length,
      ...(quote ? { quoted: normalize(quote.replace(/^> ?/gm, "")) } : {}),
    });
  }
  return found;
}

describe("rule pages", () => {
  for (const name of ruleNames) {
    describe(name, () => {
      const path = `${ROOT}docs/rules/${name}.md`;
      it("exists", () => expect(existsSync(path)).toBe(true));
      const markdown = existsSync(path) ? readFileSync(path, "utf8") : "";
      const blocks = examples(markdown);

      it("has examples of both kinds", () => {
        expect(blocks.some((block) => block.correct)).toBe(true);
        expect(blocks.some((block) => !block.correct)).toBe(true);
      });

      for (const block of blocks) {
        it(`${block.correct ? "correct" : "incorrect"} example at line ${block.line} lints as claimed`, () => {
          const rule = `vram/${name}`;
          const messages = findings(
            lint(block.code, block.language === "yaml" ? "example.yaml" : "example.json", {
              level: "all",
              ...(block.settings ? { settings: { vram: block.settings } } : {}),
              ...(block.options ? { rules: { [rule]: ["error", block.options] } } : {}),
            }),
          );
          expect(messages.filter((message) => message.fatal)).toEqual([]);
          const own = messages.filter((message) => message.ruleId === rule);
          if (block.correct) expect(own.map((message) => message.message)).toEqual([]);
          else expect(own.length).toBeGreaterThan(0);
          // A quoted message is the rule's own words, word for word (or their beginning, ending in `…`).
          if (block.quoted) {
            const actual = own.map((message) => normalize(message.message));
            const partial = block.quoted.endsWith("…");
            const quoted = partial ? block.quoted.slice(0, -1).trimEnd() : block.quoted;
            expect(actual.some((message) => (partial ? message.startsWith(quoted) : message === quoted)), `quoted: ${quoted}\nactual:\n${actual.join("\n")}`).toBe(true);
          }
        });
      }
    });
  }
});

describe.each(["docs/cli.md", "docs/speed.md"])("CLI transcripts in %s are the CLI's real output", (page) => {
  const markdown = readFileSync(`${ROOT}${page}`, "utf8");
  // `$ vram estimate …` lines in text blocks, each followed by its output up to the next `$` or the block's end.
  const transcripts = [...markdown.matchAll(/^```text\n([\s\S]*?)^```$/gm)].flatMap((block) =>
    [...block[1]!.matchAll(/^\$ vram (estimate .*)\n((?:(?!\$ ).*\n)*)/gm)].map((match) => ({ command: match[1]!, output: match[2]! })),
  );

  it("has transcripts to check", () => expect(transcripts.length).toBeGreaterThan(0));

  for (const { command, output } of transcripts) {
    it(`vram ${command}`, async () => {
      const { stdout, stderr } = await runCli(parseShell(command) as string[]);
      expect(stdout + stderr).toBe(output);
    });
  }
});
