/**
 * The plugin's own SARIF 2.1.0 formatter (src/formatters/sarif.ts), given what ESLint gives a
 * formatter: located results, one rule descriptor per reporting rule with its
 * helpUri, suggestions as SARIF fixes that reproduce ESLint's edits.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";
import plugin from "../src/index.js";
import sarifFormatter from "../src/formatters/sarif.js";
import { FIXTURES } from "./support/lint.js";
import { sarifProblems, sarifSchemaErrors } from "./support/sarif.js";

interface Log {
  version: string;
  runs: Array<{
    tool: { driver: { name: string; rules: Array<{ id: string; helpUri?: string; shortDescription?: { text: string } }> } };
    originalUriBaseIds: Record<string, { uri: string }>;
    artifacts: Array<{ location: { uri: string; uriBaseId?: string } }>;
    results: Array<{
      ruleId?: string;
      ruleIndex?: number;
      level: string;
      message: { text: string };
      locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string; index: number }; region: { startLine: number; startColumn: number; endLine: number; endColumn: number } } }>;
      fixes?: Array<{ description: { text: string }; artifactChanges: Array<{ replacements: Array<{ deletedRegion: { charOffset: number; charLength: number }; insertedContent: { text: string } }> }> }>;
    }>;
  }>;
}

describe("SARIF formatter", async () => {
  const eslint = new ESLint({ cwd: FIXTURES, overrideConfigFile: true, overrideConfig: plugin.configs.recommended, cache: false });
  const files = ["kubernetes/mixtral-8x7b-a10g.yaml", "kubernetes/mixtral-8x7b-2xh100.yaml", "kubernetes/unknown-model.yaml"];
  const results = await eslint.lintFiles(files);
  // What ESLint hands a formatter (the packed-package test runs the built one through `eslint -f`).
  const log = JSON.parse(sarifFormatter(results, { cwd: FIXTURES, rulesMeta: eslint.getRulesMetaForResults(results) as never })) as Log;
  const run = log.runs[0]!;

  it("writes a valid SARIF 2.1.0 log through ESLint's formatter interface", () => {
    expect(sarifProblems(log)).toEqual([]);
    expect(sarifSchemaErrors(log)).toEqual([]);
    expect(log.version).toBe("2.1.0");
    expect(run.tool.driver.name).toBe("eslint-plugin-vram");
    expect(run.originalUriBaseIds["%SRCROOT%"]!.uri).toBe(pathToFileURL(FIXTURES).href.replace(/\/?$/, "/"));
  });

  it("locates each finding by file (relative to the project root), line and column, with ESLint's severity", () => {
    expect(run.artifacts.map((artifact) => artifact.location)).toEqual([
      { uri: "kubernetes/mixtral-8x7b-a10g.yaml", uriBaseId: "%SRCROOT%" },
      { uri: "kubernetes/unknown-model.yaml", uriBaseId: "%SRCROOT%" },
    ]);
    expect(run.results.map((result) => [result.ruleId, result.level, result.locations[0]!.physicalLocation.artifactLocation.uri, result.locations[0]!.physicalLocation.region.startLine, result.locations[0]!.physicalLocation.region.startColumn])).toEqual([
      ["vram/weights-fit", "error", "kubernetes/mixtral-8x7b-a10g.yaml", 53, 31],
      ["vram/known-model", "warning", "kubernetes/unknown-model.yaml", 18, 30],
    ]);
    const eslintMessages = results.flatMap((result) => result.messages);
    expect(run.results.map((result) => result.message.text)).toEqual(eslintMessages.map((message) => message.message));
  });

  it("describes each reporting rule once, with its description and helpUri", () => {
    expect(run.tool.driver.rules).toEqual([
      { id: "vram/weights-fit", shortDescription: { text: plugin.rules["weights-fit"]!.meta.docs!.description }, helpUri: plugin.rules["weights-fit"]!.meta.docs!.url, properties: { category: "problem" } },
      { id: "vram/known-model", shortDescription: { text: plugin.rules["known-model"]!.meta.docs!.description }, helpUri: plugin.rules["known-model"]!.meta.docs!.url, properties: { category: "suggestion" } },
    ]);
    for (const result of run.results) expect(run.tool.driver.rules[result.ruleIndex!]!.id).toBe(result.ruleId);
  });

  it("turns every suggestion into a fix whose replacement is ESLint's edit", () => {
    const [misfit] = results;
    const text = readFileSync(join(FIXTURES, files[0]!), "utf8");
    const suggestions = misfit!.messages[0]!.suggestions!;
    const fixes = run.results[0]!.fixes!;
    expect(fixes.length).toBe(suggestions.length);
    expect(suggestions.length).toBeGreaterThan(0);
    fixes.forEach((fix, index) => {
      const { deletedRegion, insertedContent } = fix.artifactChanges[0]!.replacements[0]!;
      const applied = text.slice(0, deletedRegion.charOffset) + insertedContent.text + text.slice(deletedRegion.charOffset + deletedRegion.charLength);
      const { range, text: inserted } = suggestions[index]!.fix;
      expect(fix.description.text).toBe(suggestions[index]!.desc);
      expect(applied).toBe(text.slice(0, range[0]) + inserted + text.slice(range[1]));
    });
  });

  it("keeps a parse error (no rule) as an error result without a rule", () => {
    const log = JSON.parse(sarifFormatter([{ filePath: join(FIXTURES, "broken.yaml"), messages: [{ ruleId: null, severity: 2, fatal: true, message: "Parsing error: bad indentation", line: 3, column: 5 }] }], { cwd: FIXTURES, rulesMeta: {} })) as Log;
    expect(sarifProblems(log)).toEqual([]);
    expect(log.runs[0]!.results).toEqual([
      { level: "error", message: { text: "Parsing error: bad indentation" }, locations: [{ physicalLocation: { artifactLocation: { uri: "broken.yaml", uriBaseId: "%SRCROOT%", index: 0 }, region: { startLine: 3, startColumn: 5 } } }] },
    ]);
  });
});
