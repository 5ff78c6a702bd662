/**
 * Results are a pure function of the file and the settings: a file linted alone, after any other
 * file, or in a run that reverses the order reports the same findings, messages and suggestions.
 * Every "alone" result comes from a fresh copy of the plugin (its per-process caches empty); the
 * runs in both orders share one copy, so each file is linted after every other one in one of them.
 * (ESLint's `--concurrency 2` and `--cache` over the same files: test/e2e/packed.test.ts.)
 */
import { Linter } from "eslint";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { readFixture } from "../support/lint.js";

/**
 * Files that ask the same sizing requests in different contexts: DeepSeek-V3 and R1 share a catalog
 * entry but not their checkpoints; Mixtral on one A10G by instance type (g5.2xlarge) and by a
 * Karpenter label; the same models on other GPUs and counts.
 */
export const ORDER_FIXTURES = [
  "kubernetes/deepseek-r1-8xh100.yaml",
  "kubernetes/deepseek-v3-8xh100.yaml",
  "kubernetes/mixtral-8x7b-a10g-karpenter.yaml",
  "kubernetes/mixtral-8x7b-a10g.yaml",
  "app-config/mixtral-a10g.json",
  "skypilot/mixtral-a10g.yaml",
  "kaito/multirole-deepseek-v3.yaml",
  "terraform/sagemaker-mixtral-g5-2xlarge.tf.json",
];

type Lint = (file: string) => string;

/** A fresh plugin (module caches empty) and a function that lints a fixture into a comparable text. */
async function freshPlugin(): Promise<Lint> {
  vi.resetModules();
  const { default: plugin } = await import("../../src/index.js");
  const linter = new Linter();
  return (file) => {
    const messages = linter.verify(readFixture(file), [...(plugin.configs.all as Linter.Config[])], { filename: file.slice(file.lastIndexOf("/") + 1) });
    return JSON.stringify(
      messages.map((message) => ({
        at: `${message.ruleId} ${message.line}:${message.column}-${message.endLine}:${message.endColumn}`,
        message: message.message,
        suggestions: (message.suggestions ?? []).map((suggestion) => [suggestion.desc, suggestion.fix]),
      })),
      null,
      1,
    );
  };
}

describe("lint results do not depend on which files are linted together, or in which order", () => {
  const alone = new Map<string, string>();

  beforeAll(async () => {
    for (const file of ORDER_FIXTURES) alone.set(file, (await freshPlugin())(file));
  }, 60_000);

  it("the files have findings with suggestions to compare", () => {
    for (const file of ["kubernetes/deepseek-v3-8xh100.yaml", "kubernetes/mixtral-8x7b-a10g.yaml"]) {
      const found = JSON.parse(alone.get(file)!) as Array<{ suggestions: unknown[] }>;
      expect(found.some((finding) => finding.suggestions.length > 0), file).toBe(true);
    }
  });

  for (const [name, order] of [
    ["in order", ORDER_FIXTURES],
    ["in reverse order", [...ORDER_FIXTURES].reverse()],
  ] as const) {
    it(`every file linted ${name} in one process reports what it reports alone`, async () => {
      const lintFile = await freshPlugin();
      for (const file of order) expect(lintFile(file), file).toBe(alone.get(file));
    });
  }

  it("DeepSeek-V3 is never offered the checkpoint of DeepSeek-R1, and g5.2xlarge remedies name the instance they need", async () => {
    const lintFile = await freshPlugin();
    lintFile("kubernetes/deepseek-r1-8xh100.yaml");
    expect(lintFile("kubernetes/deepseek-v3-8xh100.yaml")).not.toContain("DeepSeek-R1");
    lintFile("kubernetes/mixtral-8x7b-a10g-karpenter.yaml");
    const g5 = JSON.parse(lintFile("kubernetes/mixtral-8x7b-a10g.yaml")) as Array<{ suggestions: Array<[string, unknown]> }>;
    const layouts = g5.flatMap((finding) => finding.suggestions.map(([desc]) => desc)).filter((desc) => / on \d+ × /.test(desc) || /^Use \d+ × /.test(desc));
    expect(layouts.length).toBeGreaterThan(0);
    for (const desc of layouts) expect(desc).toMatch(/\(g5\.\d*xlarge\)/);
  });
});
