/**
 * How the shareable configs have ESLint parse YAML and JSON files for the rules. Measured on 2,000
 * small manifests (`npm run bench`), ESLint's classic `languageOptions.parser` route costs 1.3× the
 * language route for the same yaml-eslint-parser AST, so the configs use languages: eslint-plugin-yml's
 * YAML language and eslint-plugin-jsonc's extended-JSON language, registered under this plugin's own
 * namespace (`vram/yaml`, `vram/json`) so they never clash with a `yml` or `jsonc` plugin the user
 * registers. The rules run under those plugins' own languages and under classic parsers too.
 */
import type { ESLint, Linter } from "eslint";
import { createRequire } from "node:module";
import ymlPlugin from "eslint-plugin-yml";
import { parseMaskingTemplates } from "./extract/go-template.js";
import { SHELL_FILES, ShellLanguage } from "./shell/language.js";

export const YAML_FILES = ["**/*.yaml", "**/*.yml"];
export const JSON_FILES = ["**/*.json", "**/*.jsonc", "**/*.json5"];

type Languages = NonNullable<ESLint.Plugin["languages"]>;

type Language = Languages[string];
type ParseResult = { ok: true; ast: object } | { ok: false; errors: unknown[] };
type ParseFile = { body: string | Uint8Array; path: string; [key: string]: unknown };

/**
 * eslint-plugin-yml's YAML language, reading Go templates too: a Helm chart's `templates/*.yaml`
 * (and any YAML with `{{ … }}` actions) is parsed with its actions masked (see
 * src/extract/go-template.ts), so `eslint .` in a repository with a chart never stops at a parse
 * error, and a deployment found in a template is reported as unjudged rather than judged on half its
 * settings. A template that does not parse even masked reads as an empty document; the rendered
 * output (`helm template … | eslint --stdin --stdin-filename rendered.yaml`) is what gets judged.
 */
function templateTolerant(language: Language): Language {
  const parse = language.parse.bind(language) as unknown as (file: ParseFile, context: unknown) => ParseResult;
  return Object.create(language, {
    parse: {
      value(file: ParseFile, context: unknown): ParseResult {
        if (typeof file.body !== "string") return parse(file, context);
        return parseMaskingTemplates(
          file.body,
          (body) => parse({ ...file, body }, context),
          (result) => (result.ok ? result.ast : undefined),
        );
      },
    },
  }) as Language;
}

let jsonLanguage: Language | undefined;

/**
 * eslint-plugin-jsonc's language, loaded the first time ESLint asks for it (a JSON file is linted):
 * the plugin and its rules cost ~150 ms of CPU to load, which a run over YAML files alone would pay
 * for nothing (measured with `process.cpuUsage()` after import: 230 ms for eslint-plugin-jsonc
 * against 59 ms for node:fs alone). Node 20.19+ (the engines range) loads the ES module synchronously.
 */
function loadJsonLanguage(): Language {
  if (!jsonLanguage) {
    const loaded = createRequire(import.meta.url)("eslint-plugin-jsonc") as { default?: { languages: Languages }; languages?: Languages };
    jsonLanguage = (loaded.default ?? (loaded as { languages: Languages })).languages.x!;
  }
  return jsonLanguage;
}

export const languages: Languages = {
  yaml: templateTolerant((ymlPlugin as unknown as { languages: Languages }).languages.yaml!),
  get json(): Language {
    return loadJsonLanguage();
  },
  shell: new ShellLanguage() as unknown as Language,
};

export function fileLanguageConfigs(plugin: ESLint.Plugin, name: string, rules: Linter.RulesRecord): Linter.Config[] {
  return [
    // Registered for every file, so a user's `rules: { "vram/…": … }` without `files` does not stop
    // ESLint on other files with "could not find plugin vram"; the rules find nothing in JavaScript.
    { name: `${name}/plugin`, plugins: { vram: plugin } },
    { name: `${name}/yaml`, files: YAML_FILES, plugins: { vram: plugin }, language: "vram/yaml", rules },
    { name: `${name}/json`, files: JSON_FILES, plugins: { vram: plugin }, language: "vram/json", rules },
    { name: `${name}/shell`, files: SHELL_FILES, plugins: { vram: plugin }, language: "vram/shell", rules },
  ];
}
