/**
 * A suggestion never creates a finding, and messages stay readable — measured on every fixture
 * (YAML, JSON and Terraform HCL) and on the public corpus (`../shared/corpus`, when present), under `recommended`, `strict` and `all`:
 * every suggestion applied alone leaves a file that parses, has lost the finding it was offered for
 * and has no finding of any rule it did not have; every message leads with a verdict sentence of
 * at most 120 characters and is at most 320 characters long.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Linter } from "eslint";
import { describe, expect, it } from "vitest";
import { CORPUS, corpusFiles } from "../corpus/corpus.js";
import { fixtureInputs } from "../support/fixture-cases.js";
import { HCL_FIXTURES, lintHcl } from "../support/hcl.js";
import { applySuggestion, findings, FIXTURES, type Level, lint, readFixture } from "../support/lint.js";

const LEVELS: Level[] = ["recommended", "strict", "all"];
/** The `.tf` files under a folder (Terraform HCL, linted through `eslint-plugin-vram/hcl` at their place on disk). */
function terraformFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".tf")).sort();
}

const FILES = [
  ...fixtureInputs().map((file) => ({ name: `fixtures/${file}`, path: join(FIXTURES, file) })),
  ...terraformFiles(HCL_FIXTURES).map((file) => ({ name: `fixtures/terraform-hcl/${file}`, path: join(HCL_FIXTURES, file) })),
  ...corpusFiles().map((file) => ({ name: file, path: join(CORPUS, file) })),
];

/** A file's plugin findings under a config: YAML and JSON as their base name, `.tf` through the HCL configs at its path. */
function lintFile(text: string, path: string, level: Level): Linter.LintMessage[] {
  return path.endsWith(".tf") ? lintHcl(text, path, { level }) : findings(lint(text, path.slice(path.lastIndexOf("/") + 1), { level }));
}

const key = (message: Linter.LintMessage) => `${message.ruleId} ${message.messageId}`;

function counts(messages: Linter.LintMessage[]): Map<string, number> {
  const result = new Map<string, number>();
  for (const message of messages) result.set(key(message), (result.get(key(message)) ?? 0) + 1);
  return result;
}

/** The first sentence of a message: up to the first period followed by a space (or the end). */
export function firstSentence(message: string): string {
  const end = message.search(/\.(?:\s|$)/);
  return end < 0 ? message : message.slice(0, end + 1);
}

interface Audit {
  suggestions: number;
  problems: string[];
  messages: Array<{ file: string; text: string }>;
}

const audits = new Map<Level, Audit>();
function audit(level: Level): Audit {
  const known = audits.get(level);
  if (known) return known;
  const result: Audit = { suggestions: 0, problems: [], messages: [] };
  for (const { name, path } of FILES) {
    const text = readFileSync(path, "utf8");
    const messages = lintFile(text, path, level);
    const before = counts(messages);
    for (const message of messages) {
      result.messages.push({ file: name, text: message.message });
      for (const suggestion of message.suggestions ?? []) {
        result.suggestions++;
        const after = lintFile(applySuggestion(text, suggestion), path, level);
        const now = counts(after);
        const where = `[${level}] ${name} ${message.ruleId} "${suggestion.desc}"`;
        if (after.some((other) => other.fatal)) result.problems.push(`${where}: the file no longer parses`);
        if ((now.get(key(message)) ?? 0) >= (before.get(key(message)) ?? 0)) result.problems.push(`${where}: keeps its finding`);
        for (const [finding, count] of now) if (count > (before.get(finding) ?? 0)) result.problems.push(`${where}: creates ${finding}`);
      }
    }
  }
  audits.set(level, result);
  return result;
}

describe("every suggestion removes its finding and creates none", () => {
  for (const level of LEVELS) {
    it(`under ${level}`, () => {
      const { suggestions, problems } = audit(level);
      // Fixtures alone offer well over a hundred; the corpus adds more.
      expect(suggestions).toBeGreaterThan(100);
      expect(problems).toEqual([]);
    });
  }

  it("TP candidates keep quantization blocks whole: Qwen3-235B-A22B-FP8 is never offered TP 8, only TP 4 × PP 2 on its eight GPUs", () => {
    const text = readFixture("kubernetes/qwen3-235b-a22b-fp8-8xh100.yaml");
    const [finding] = findings(lint(text, "deploy.yaml", { level: "all" }));
    expect(finding).toMatchObject({ ruleId: "vram/parallelism-matches-gpus", messageId: "tilesNotDivisible" });
    expect(finding!.suggestions!.map((suggestion) => suggestion.desc)).toEqual(["Use tensor parallel 4 × pipeline parallel 2"]);
    const fixed = applySuggestion(text, finding!.suggestions![0]!);
    expect(fixed).toContain("--tensor-parallel-size=4\n            - --max-model-len=32768\n            - --enable-prefix-caching\n            - --pipeline-parallel-size=2");
    // The file's own style (`--flag=value` items) is kept.
    expect(findings(lint(fixed, "deploy.yaml", { level: "all" }))).toEqual([]);
  });

  it("remedies are planned for the strictest minConcurrentSequences in force: under strict none holds fewer than 4 sequences, and recommended's AWQ on 2 × A10G (3.9) would trip kv-cache-headroom there", () => {
    const text = readFixture("kubernetes/mixtral-8x7b-a10g-karpenter.yaml");
    const offered = (level: Level) => findings(lint(text, "deploy.yaml", { level })).flatMap((message) => message.suggestions ?? []);
    const sequences = (desc: string) => Number(/([\d.]+) × [\d,]+-token sequences$/.exec(desc)?.[1]);
    const strict = offered("strict");
    expect(strict.length).toBeGreaterThan(0);
    for (const suggestion of strict) expect(sequences(suggestion.desc), suggestion.desc).toBeGreaterThanOrEqual(4);
    const awq = offered("recommended").find((suggestion) => suggestion.desc.startsWith("Use AWQ 4-bit (group 128) weights (TheBloke/Mixtral-8x7B-Instruct-v0.1-AWQ) on 2 ×"))!;
    expect(sequences(awq.desc)).toBeLessThan(4);
    expect(findings(lint(applySuggestion(text, awq), "deploy.yaml", { level: "strict" })).map((message) => message.ruleId)).toContain("vram/kv-cache-headroom");
  });

  it("a GPU is renamed in the field's own scheme: nvidia-h100-80gb becomes nvidia-h200-141gb, not H200", () => {
    const text = readFixture("app-config/deepseek-v3-gpu-label.yaml");
    const [finding] = findings(lint(text, "profile.yaml"));
    const larger = finding!.suggestions!.find((suggestion) => suggestion.desc.includes("H200"))!;
    expect(larger.fix.text).toBe("nvidia-h200-141gb");
  });

  it("a GPU count in a SkyPilot any-of set is edited in place and the task still parses", () => {
    const text = readFixture("skypilot/qwen3-235b-any-of.yaml");
    const messages = findings(lint(text, "task.yaml"));
    const requests = messages.flatMap((message) => (message.suggestions ?? []).filter((suggestion) => suggestion.desc === "Request 8 GPUs"));
    expect(requests.length).toBe(2);
    expect(requests.map((suggestion) => applySuggestion(text, suggestion).split("\n")[7])).toEqual(["  accelerators: {A100-80GB:8, H100:4}", "  accelerators: {A100-80GB:4, H100:8}"]);
  });
});

describe("messages lead with the verdict and stay short", () => {
  it("every message of the fixtures and the corpus, under every config: a first sentence of at most 120 characters, at most 320 in all", () => {
    const all = LEVELS.flatMap((level) => audit(level).messages);
    expect(all.length).toBeGreaterThan(100);
    expect(all.filter(({ text }) => text.length > 320).map(({ file, text }) => `${file}: ${text.length}: ${text}`)).toEqual([]);
    expect(all.filter(({ text }) => firstSentence(text).length > 120).map(({ file, text }) => `${file}: ${firstSentence(text)}`)).toEqual([]);
  });
});
