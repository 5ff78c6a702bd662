/**
 * Documentation cannot drift from code: generated sections (rule page headers, README rules table)
 * match rule `meta`, every rule has a page, and every example in a page lints as the page claims.
 * Example blocks are fenced as ```yaml incorrect / ```json correct, optionally followed by
 * ` options={...}` (rule options) and/or ` settings={...}` (settings.vram), each JSON on one line.
 * Quoted messages, marked output blocks and CLI transcripts are the tool's real output, and every
 * figure the prose states is one the tool computes (see tools/doc-checks.ts); `npm run test:update`
 * rewrites the quotes, blocks and transcripts after a deliberate change, for review as a diff.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import plugin from "../src/index.js";
import { findings, lint } from "./support/lint.js";
import { UPDATING } from "./support/fixture-cases.js";
import { generatedDocs, ROOT } from "./tools/docs.js";
import { checkedBlocks, cliOutput, elideLike, lintTexts, matchesElided, numberSources, prose, quoteBlock, renderBlock, statedFigures, states } from "./tools/doc-checks.js";

const ruleNames = Object.keys(plugin.rules);

describe("generated documentation is up to date (run `npm run docs` after changing rule meta)", () => {
  for (const file of generatedDocs()) {
    it(file.path, () => expect(file.actual).toBe(file.expected));
  }
});

/** Replacements to write back in update mode, per file: [start, end, text]. */
const rewrites = new Map<string, Array<[number, number, string]>>();
function rewrite(path: string, start: number, end: number, text: string): void {
  if (!rewrites.has(path)) rewrites.set(path, []);
  rewrites.get(path)!.push([start, end, text]);
}
afterAll(() => {
  if (!UPDATING) return;
  for (const [path, edits] of rewrites) {
    let text = readFileSync(`${ROOT}${path}`, "utf8");
    for (const [start, end, replacement] of edits.sort((a, b) => b[0] - a[0])) text = text.slice(0, start) + replacement + text.slice(end);
    writeFileSync(`${ROOT}${path}`, text);
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
  /** Where the quote's lines are in the page. */
  quoteRange?: [number, number];
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
    const end = match.index + match[0].length;
    const quote = /^\n\n((?:> .*\n?)+)/.exec(markdown.slice(end));
    found.push({
      language: match[1] as "yaml" | "json",
      correct: match[2] === "correct",
      code: match[4]!,
      ...(options ? { options: JSON.parse(options) } : {}),
      ...(settings ? { settings: JSON.parse(settings) } : {}),
      line: markdown.slice(0, match.index).split("\n").length,
      ...(quote ? { quoted: normalize(quote[1]!.replace(/^> ?/gm, "")), quoteRange: [end + 2, end + 2 + quote[1]!.replace(/\n$/, "").length] as [number, number] } : {}),
    });
  }
  return found;
}

/** The example's findings of its own rule, under `configs.all` with the options and settings it states. */
function lintExample(name: string, block: Example) {
  const rule = `vram/${name}`;
  const messages = findings(
    lint(block.code, block.language === "yaml" ? "example.yaml" : "example.json", {
      level: "all",
      ...(block.settings ? { settings: { vram: block.settings } } : {}),
      ...(block.options ? { rules: { [rule]: ["error", block.options] } } : {}),
    }),
  );
  return { messages, own: messages.filter((message) => message.ruleId === rule) };
}

/** Blocks marked with their source in a page: each is the real output (or rewritten to it). */
function checkBlocks(path: string, markdown: string): void {
  for (const block of checkedBlocks(markdown)) {
    it(`the ${block.kind} block "${block.args}" is the tool's real output`, async () => {
      const actual = await renderBlock(block);
      if (UPDATING) rewrite(path, block.bodyStart, block.bodyEnd, elideLike(block.body, actual));
      else expect(matchesElided(block.body, actual), `expected:\n${actual}`).toBe(true);
    });
  }
}

/** Every figure the page's prose states appears in what the tool computes for the page. */
function checkFigures(markdown: string, computed: () => Promise<string>): void {
  it("states only figures the tool computes for what the page shows", async () => {
    const sources = await Promise.all(numberSources(markdown).map((command) => cliOutput(command)));
    const blocks = await Promise.all(checkedBlocks(markdown).map(renderBlock));
    const known = [await computed(), ...sources, ...blocks].join("\n");
    expect(statedFigures(prose(markdown)).filter((figure) => !states(known, figure))).toEqual([]);
  });
}

describe("rule pages", () => {
  for (const name of ruleNames) {
    describe(name, () => {
      const path = `docs/rules/${name}.md`;
      it("exists", () => expect(existsSync(`${ROOT}${path}`)).toBe(true));
      const markdown = existsSync(`${ROOT}${path}`) ? readFileSync(`${ROOT}${path}`, "utf8") : "";
      const blocks = examples(markdown);

      it("has examples of both kinds", () => {
        expect(blocks.some((block) => block.correct)).toBe(true);
        expect(blocks.some((block) => !block.correct)).toBe(true);
      });

      for (const block of blocks) {
        it(`${block.correct ? "correct" : "incorrect"} example at line ${block.line} lints as claimed`, () => {
          const { messages, own } = lintExample(name, block);
          expect(messages.filter((message) => message.fatal)).toEqual([]);
          if (block.correct) expect(own.map((message) => message.message)).toEqual([]);
          else expect(own.length).toBeGreaterThan(0);
          // A quoted message is the rule's own words, word for word (or their beginning, ending in `…`).
          if (block.quoted) {
            const actual = own.map((message) => normalize(message.message));
            const partial = block.quoted.endsWith("…");
            const quoted = partial ? block.quoted.slice(0, -1).trimEnd() : block.quoted;
            if (UPDATING && own[0]) rewrite(path, block.quoteRange![0], block.quoteRange![1], quoteBlock(own[0].message));
            else expect(actual.some((message) => (partial ? message.startsWith(quoted) : message === quoted)), `quoted: ${quoted}\nactual:\n${actual.join("\n")}`).toBe(true);
          }
        });
      }

      checkBlocks(path, markdown);
      checkFigures(markdown, async () => blocks.map((block) => lintTexts(lintExample(name, block).messages)).join("\n"));
    });
  }
});

describe("README", () => {
  const markdown = readFileSync(`${ROOT}README.md`, "utf8");
  it("marks its output blocks with their source", () => expect(checkedBlocks(markdown).length).toBeGreaterThan(0));
  checkBlocks("README.md", markdown);
  checkFigures(markdown, async () => "");
});

// Other pages: their marked blocks are real output too.
for (const page of [...readdirSync(`${ROOT}docs`).filter((file) => file.endsWith(".md")).map((file) => `docs/${file}`), ...readdirSync(`${ROOT}docs/formats`).map((file) => `docs/formats/${file}`)]) {
  const markdown = readFileSync(`${ROOT}${page}`, "utf8");
  if (checkedBlocks(markdown).length > 0) describe(page, () => checkBlocks(page, markdown));
}

describe.each(["docs/cli.md", "docs/speed.md"])("CLI transcripts in %s are the CLI's real output", (page) => {
  const markdown = readFileSync(`${ROOT}${page}`, "utf8");
  // `$ vram estimate …` lines in text blocks, each followed by its output up to the next `$` or the block's end.
  const transcripts = [...markdown.matchAll(/^```text\n([\s\S]*?)^```$/gm)].flatMap((block) => {
    const blockStart = block.index + "```text\n".length;
    return [...block[1]!.matchAll(/^\$ vram (estimate .*)\n((?:(?!\$ ).*\n)*)/gm)].map((match) => {
      const outputStart = blockStart + match.index + match[0].length - match[2]!.length;
      return { command: match[1]!, output: match[2]!, range: [outputStart, outputStart + match[2]!.length] as [number, number] };
    });
  });

  it("has transcripts to check", () => expect(transcripts.length).toBeGreaterThan(0));

  for (const { command, output, range } of transcripts) {
    it(`vram ${command}`, async () => {
      const actual = await cliOutput(command);
      if (UPDATING) rewrite(page, range[0], range[1], actual);
      else expect(actual).toBe(output);
    });
  }
});
