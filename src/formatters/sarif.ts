/**
 * An ESLint formatter that writes SARIF 2.1.0 (see src/report/sarif.ts):
 *
 *   npx eslint . -f ./node_modules/eslint-plugin-vram/dist/src/formatters/sarif.js -o eslint.sarif
 */
import { pluginMeta } from "../meta.js";
import { type SarifLintResult, type SarifRuleMeta, toSarif } from "../report/sarif.js";
import pkg from "../../package.json" with { type: "json" };

interface FormatterContext {
  cwd: string;
  rulesMeta: Record<string, SarifRuleMeta | undefined>;
}

export default function sarifFormatter(results: SarifLintResult[], context: FormatterContext): string {
  const log = toSarif(results, context.rulesMeta, context.cwd, { name: pluginMeta.name, version: pluginMeta.version, informationUri: pkg.homepage });
  return `${JSON.stringify(log, null, 2)}\n`;
}
