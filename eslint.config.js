// Lint of the project's own TypeScript. The plugin's rules are exercised by the tests, not here:
// fixtures contain deliberate findings.
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
    files: ["bench/**/*.ts", "test/tools/**/*.ts"],
    rules: { "no-console": "off" },
  },
);
