/**
 * `npm run demo`: lints every fixture under fixtures/ with `configs.recommended`, as `eslint .`
 * would in a project that uses the plugin, and prints ESLint's stylish report.
 */
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import plugin from "../../src/index.js";

const fixtures = fileURLToPath(new URL("../../fixtures/", import.meta.url));
const eslint = new ESLint({ cwd: fixtures, overrideConfigFile: true, overrideConfig: plugin.configs.recommended, cache: false });
const results = await eslint.lintFiles(["**/*.{yaml,yml,json}"]);
const formatter = await eslint.loadFormatter("stylish");
console.log(await formatter.format(results));
const counts = results.flatMap((result) => result.messages).reduce((sum, message) => ({ ...sum, [message.ruleId ?? "parse error"]: (sum[message.ruleId ?? "parse error"] ?? 0) + 1 }), {} as Record<string, number>);
console.log("Findings by rule:", counts);
