/**
 * `eslint-plugin-vram/hcl`: Terraform `.tf` files. A separate entry because its WebAssembly parser
 * loads asynchronously (top-level await below); the main entry stays loadable with `require()`.
 *
 * In eslint.config.mjs, with `vram` the main entry and `vramHcl` this one (README, "Terraform"):
 *
 *   export default [...vram.configs.recommended, ...vramHcl.configs.recommended];
 *
 * The configs register the main plugin object under `vram` (so they combine with the main entry's
 * configs without "Cannot redefine plugin") and add the `vram/hcl` language to it.
 */
import type { ESLint, Linter } from "eslint";
import mainPlugin, { ruleSettings, rules } from "../index.js";
import { pluginMeta } from "../meta.js";
import { HclLanguage } from "./language.js";
import { loadHclParser } from "./parser.js";
import { HCL_FILES } from "./files.js";

await loadHclParser();

export { HCL_FILES } from "./files.js";

export const hclLanguage = new HclLanguage();

// The language lives on the one `vram` plugin object, so `language: "vram/hcl"` resolves whichever
// of this entry's or the main entry's configs registered it.
(mainPlugin.languages as Record<string, unknown>).hcl = hclLanguage;

type Level = "recommended" | "strict" | "all";

function config(level: Level): Linter.Config[] {
  return [
    {
      name: `${pluginMeta.namespace}/hcl/${level}`,
      files: HCL_FILES,
      plugins: { vram: mainPlugin as unknown as ESLint.Plugin },
      language: "vram/hcl",
      rules: ruleSettings(level),
    },
  ];
}

const plugin = {
  meta: { ...pluginMeta },
  languages: { hcl: hclLanguage },
  rules,
  configs: {
    recommended: config("recommended"),
    strict: config("strict"),
    all: config("all"),
  } as Record<Level, Linter.Config[]>,
};

export default plugin;
export const { meta, configs } = plugin;
