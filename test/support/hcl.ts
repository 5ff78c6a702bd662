/**
 * Test helpers for Terraform HCL: lint a `.tf` file through `eslint-plugin-vram/hcl`'s configs at its
 * real path (so the module's sibling files are read), and extract its deployments.
 */
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { Linter } from "eslint";
import { analyzeFile, type JudgedDeployment } from "../../src/analysis.js";
import { extractDeployments } from "../../src/extract/index.js";
import type { Deployment } from "../../src/extract/types.js";
import hclPlugin from "../../src/hcl/index.js";
import { parseHclForRules } from "../../src/hcl/language.js";
import plugin from "../../src/index.js";
import { FIXTURES, findings, type LintOptions } from "./lint.js";

export const HCL_FIXTURES = join(FIXTURES, "terraform-hcl");

/** The absolute path of `fixtures/terraform-hcl/<relative>`. */
export function hclFixture(relative: string): string {
  return join(HCL_FIXTURES, relative);
}

/** Lints `text` as the file at `path` with the main and HCL configs of a level (only the plugin's findings). */
export function lintHcl(text: string, path: string, options: LintOptions = {}): Linter.LintMessage[] {
  const level = options.level ?? "recommended";
  const config: Linter.Config[] = [
    ...(plugin.configs[level] as Linter.Config[]),
    ...(hclPlugin.configs[level] as Linter.Config[]),
    ...(options.settings ? [{ settings: options.settings }] : []),
    ...(options.rules ? [{ files: ["**/*"], rules: options.rules }] : []),
  ];
  // ESLint matches configs against paths under its cwd: a file elsewhere (the corpus beside the project) gets its folder as cwd.
  return findings(new Linter(isAbsolute(path) ? { cwd: dirname(path) } : {}).verify(text, config, { filename: path }));
}

export function lintHclFixture(relative: string, options: LintOptions = {}): { text: string; path: string; messages: Linter.LintMessage[] } {
  const path = hclFixture(relative);
  const text = readFileSync(path, "utf8");
  return { text, path, messages: lintHcl(text, path, options) };
}

function program(text: string, path: string | undefined) {
  const parsed = parseHclForRules(text, path);
  if (!parsed.ok) throw new Error(`${parsed.message} (${parsed.line}:${parsed.column})`);
  return parsed.ast;
}

/** The deployments extraction finds in a `.tf` text (in the module of `path`, if given). */
export function hclDeployments(text: string, path?: string): Deployment[] {
  return extractDeployments(program(text, path) as never, text);
}

export function hclJudged(text: string, path?: string, settings?: unknown): JudgedDeployment[] {
  return analyzeFile(program(text, path) as never, text, settings).deployments;
}
