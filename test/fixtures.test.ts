/**
 * Every fixture linted through ESLint's `ESLint` class with `configs.recommended`, as `eslint .`
 * would, against its sidecar in test/expected/ (exact findings, messages and every suggestion's
 * output; see test/support/fixture-cases.ts — `npm run test:update` rewrites them). That every
 * suggestion removes its finding and creates none, under every config, is test/trust/suggestions.test.ts.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";
import plugin from "../src/index.js";
import { FIXTURES } from "./support/lint.js";
import { EXPECTED, type ExpectedFinding, expectedFindings, fixtureInputs, sidecar, UPDATING } from "./support/fixture-cases.js";
import { explainFile } from "../src/explain.js";

const eslint = new ESLint({ cwd: FIXTURES, overrideConfigFile: true, overrideConfig: plugin.configs.recommended, cache: false });

describe("fixtures through the ESLint class, against their sidecars", () => {
  const inputs = fixtureInputs();

  it("every sidecar belongs to a fixture", () => {
    const sidecars: string[] = [];
    const walk = (folder: string) => {
      if (!existsSync(folder)) return;
      for (const name of readdirSync(folder)) {
        const path = join(folder, name);
        if (statSync(path).isDirectory()) walk(path);
        else sidecars.push(relative(EXPECTED, path).replace(/\.json$/, ""));
      }
    };
    walk(EXPECTED);
    expect(sidecars.filter((name) => !inputs.includes(name))).toEqual([]);
  });

  for (const file of inputs) {
    it(file, async () => {
      const path = join(FIXTURES, file);
      const text = readFileSync(path, "utf8");
      const [result] = await eslint.lintText(text, { filePath: path });
      const actual = expectedFindings(text, result!.messages);
      const { expected, written } = sidecar<ExpectedFinding[]>(file, actual);
      expect(written && process.env.CI ? `wrote test/expected/${file}.json: review it and commit it` : "").toBe("");
      if (!UPDATING) expect(actual).toEqual(expected);
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
          "it sits in a Go template ({{- range .Values.model.extraArgs }}) that may add or drop settings, so it was not checked. Lint the rendered output (helm template … > rendered.yaml).",
      }),
    ]);
  });
});
