// eslint/use-at-your-own-risk in the browser: ESLint's built-in rules (eslint-plugin-jsonc wraps some).
import builtinRules from "../../../node_modules/eslint/lib/rules/index.js";
export { builtinRules };
