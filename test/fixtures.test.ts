/**
 * Every fixture linted through ESLint's `ESLint` class with `configs.recommended`, as `eslint .`
 * would: exact findings per file; every suggestion applied, re-parsed and re-linted, and the
 * finding it targets gone.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ESLint, type Linter } from "eslint";
import { describe, expect, it } from "vitest";
import plugin from "../src/index.js";
import { applySuggestion, FIXTURES } from "./support/lint.js";
import { explainFile } from "../src/explain.js";

const eslint = new ESLint({ cwd: FIXTURES, overrideConfigFile: true, overrideConfig: plugin.configs.recommended, cache: false });

async function lintText(text: string, filePath: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(text, { filePath });
  return result!.messages;
}

/** rule line:column messageId, per fixture. Fixtures of other formats are tested in test/formats. */
const EXPECTED: Record<string, string[]> = {
  "kubernetes/mixtral-8x7b-a10g.yaml": ["vram/weights-fit 53:31 moeResident"],
  "kubernetes/mixtral-8x7b-2xh100.yaml": [],
  "kubernetes/llama-3.1-8b-l4-default-context.yaml": ["vram/kv-cache-headroom 25:23 kvTooSmall"],
  "kubernetes/llama-3.1-8b-l4.yaml": [],
  "kubernetes/deepseek-v3-8xh200.yaml": [],
  "kubernetes/deepseek-v3-8xh100.yaml": ["vram/weights-fit 33:31 moeResident"],
  "kubernetes/qwen3-235b-a22b-4xh100.yaml": ["vram/weights-fit 23:42 moeResident"],
  "kubernetes/llama-2-70b-tgi-2xl4.yaml": ["vram/weights-fit 32:31 weightsExceed"],
  "kubernetes/llama-2-70b-tgi-2xa100.yaml": [],
  "kubernetes/eval-job-gpt-oss-120b.yaml": [],
  "kubernetes/unknown-model.yaml": ["vram/known-model 18:30 unknownModel"],
  "kubernetes/not-a-deployment.yaml": [],
  // vram/serving-capacity is off in recommended; test/rules/serving-capacity.test.ts lints these under strict.
  "kubernetes/llama-3.3-70b-fp8-2xh100-target.yaml": [],
  "kubernetes/mixtral-8x7b-4xa100-target.yaml": [],
  "app-config/mixtral-a10g.json": ["vram/weights-fit 7:18 moeResident"],
  "app-config/models.yaml": ["vram/weights-fit 6:11 moeResident"],
  // No GPU type: Llama 3.3 70B at TP 4 needs GPUs of 80 GB or more, so the file should say which.
  "app-config/vllm-config.yaml": ["vram/pin-gpu-type 3:23 someGpusFit"],
};

const brief = (message: Linter.LintMessage) => `${message.ruleId} ${message.line}:${message.column} ${message.messageId}`;

describe("fixtures through the ESLint class", () => {
  it("lists every fixture of these folders", () => {
    const present = ["kubernetes", "app-config"].flatMap((dir) => readdirSync(join(FIXTURES, dir)).map((file) => `${dir}/${file}`));
    expect(present.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [file, expected] of Object.entries(EXPECTED)) {
    describe(file, async () => {
      const text = readFileSync(join(FIXTURES, file), "utf8");
      const messages = await lintText(text, join(FIXTURES, file));

      it("reports exactly the expected findings", () => {
        expect(messages.map(brief)).toEqual(expected);
      });

      for (const message of messages) {
        for (const suggestion of message.suggestions ?? []) {
          it(`suggestion re-lints clean of ${message.ruleId}: ${suggestion.desc.slice(0, 90)}`, async () => {
            const fixed = applySuggestion(text, suggestion);
            expect(fixed).not.toBe(text);
            const after = await lintText(fixed, join(FIXTURES, file));
            expect(after.filter((m) => m.fatal)).toEqual([]);
            expect(after.filter((m) => m.ruleId === message.ruleId).length).toBeLessThan(messages.filter((m) => m.ruleId === message.ruleId).length);
          });
        }
      }
    });
  }

  it("lints a Helm chart folder without parse errors: templates are read with their actions masked, and never judged", async () => {
    const chart = join(FIXTURES, "helm-chart/llm-server");
    const results = await eslint.lintFiles([chart]);
    expect(results.map((result) => result.filePath.slice(chart.length + 1)).sort()).toEqual(["Chart.yaml", "templates/deployment.yaml", "templates/service.yaml", "values.yaml"]);
    expect(results.flatMap((result) => result.messages.filter((message) => message.fatal))).toEqual([]);
    const template = join(chart, "templates/deployment.yaml");
    const { file } = explainFile(template, readFileSync(template, "utf8"));
    expect(file.deployments).toEqual([
      expect.objectContaining({
        kind: "Deployment",
        status: "incomplete",
        reason:
          "it sits in a Go template ({{- range .Values.model.extraArgs }}) that may add or drop settings, so it was not checked: lint the rendered output (helm template … > rendered.yaml).",
      }),
    ]);
  });
});
