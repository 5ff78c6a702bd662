// src/settings.ts loads Ajv, and src/languages.ts eslint-plugin-jsonc, on first use through
// createRequire (most Node runs never need them); the page bundles them and hands them over the same way.
import ajv from "ajv";
import jsonc from "eslint-plugin-jsonc";

export function createRequire() {
  return (name) => {
    if (name === "ajv") return ajv;
    if (name === "eslint-plugin-jsonc") return jsonc;
    throw new Error(`${name} is not available in the browser`);
  };
}
