/**
 * ESLint's RuleTester wired to vitest, and the routes a user may already have for YAML and JSON:
 * this plugin's languages, eslint-plugin-yml's and eslint-plugin-jsonc's languages, and the classic
 * `languageOptions.parser` route. Every rule test runs under each route of its file type.
 */
import { RuleTester } from "eslint";
import jsonc from "eslint-plugin-jsonc";
import yml from "eslint-plugin-yml";
import * as jsoncParser from "jsonc-eslint-parser";
import { describe, it } from "vitest";
import * as yamlParser from "yaml-eslint-parser";
import plugin from "../../src/index.js";

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

type Config = ConstructorParameters<typeof RuleTester>[0];

export const YAML_ROUTES: Record<string, Config> = {
  "vram/yaml language": { plugins: { vram: plugin as never }, language: "vram/yaml" },
  "yml/yaml language (eslint-plugin-yml)": { plugins: { vram: plugin as never, yml: yml as never }, language: "yml/yaml" },
  "classic parser (yaml-eslint-parser)": { plugins: { vram: plugin as never }, languageOptions: { parser: yamlParser } },
};

export const JSON_ROUTES: Record<string, Config> = {
  "vram/json language": { plugins: { vram: plugin as never }, language: "vram/json" },
  "jsonc/x language (eslint-plugin-jsonc)": { plugins: { vram: plugin as never, jsonc: jsonc as never }, language: "jsonc/x" },
  "jsonc/json language (eslint-plugin-jsonc)": { plugins: { vram: plugin as never, jsonc: jsonc as never }, language: "jsonc/json" },
  "classic parser (jsonc-eslint-parser)": { plugins: { vram: plugin as never }, languageOptions: { parser: jsoncParser } },
};

export function testers(routes: Record<string, Config>): Array<[string, RuleTester]> {
  return Object.entries(routes).map(([name, config]) => [name, new RuleTester(config)]);
}
