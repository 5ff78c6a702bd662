// Lint of the project's own TypeScript. The plugin's rules are exercised by the tests, not here:
// fixtures contain deliberate findings.
import regexp from "eslint-plugin-regexp";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "fixtures/**", "coverage/**", "bench/.out/**", ".scratch/**", "docs/playground/playground.js"] },
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-console": ["error", { allow: ["warn", "error"] }],
    },
  },
  {
    // Patterns run over text from users' files (names, flags, shell scripts of any length): none may
    // backtrack or rescan super-linearly. Build no RegExp from file text either (a written key
    // `((` throws, `(a+)+b` is exponential): look names up in sets instead.
    files: ["src/**/*.ts", "rules/**/*.ts"],
    plugins: { regexp },
    rules: {
      "regexp/no-super-linear-backtracking": ["error", { report: "potential" }],
      "regexp/no-super-linear-move": ["error", { ignoreSticky: false, ignorePartial: false, report: "potential" }],
      "no-restricted-syntax": ["error", { selector: "NewExpression[callee.name='RegExp']", message: "Build no RegExp at run time: patterns over file text are literals the lint can check." }],
    },
  },
  {
    files: ["bench/**/*.ts", "test/tools/**/*.ts"],
    rules: { "no-console": "off" },
  },
);
