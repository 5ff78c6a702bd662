/**
 * How the shareable configs have ESLint parse YAML and JSON files for the rules: yaml-eslint-parser
 * and jsonc-eslint-parser ASTs, fed through ESLint's classic `languageOptions.parser`.
 */
import type { ESLint, Linter } from "eslint";
import * as jsoncParser from "jsonc-eslint-parser";
import * as yamlParser from "yaml-eslint-parser";

export const YAML_FILES = ["**/*.yaml", "**/*.yml"];
export const JSON_FILES = ["**/*.json", "**/*.jsonc", "**/*.json5"];

/** Core rules that misread YAML/JSON ASTs under the JavaScript language (eslint-plugin-yml turns off the same). */
const JS_RULES_OFF: Linter.RulesRecord = {
  "no-irregular-whitespace": "off",
  "no-unused-vars": "off",
  "spaced-comment": "off",
  "no-unused-expressions": "off",
};

export function fileLanguageConfigs(plugin: ESLint.Plugin, name: string, rules: Linter.RulesRecord): Linter.Config[] {
  return [
    {
      name: `${name}/yaml`,
      files: YAML_FILES,
      plugins: { vram: plugin },
      languageOptions: { parser: yamlParser },
      rules: { ...JS_RULES_OFF, ...rules },
    },
    {
      name: `${name}/json`,
      files: JSON_FILES,
      plugins: { vram: plugin },
      languageOptions: { parser: jsoncParser },
      rules: { ...JS_RULES_OFF, ...rules },
    },
  ];
}
