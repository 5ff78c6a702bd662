// src/settings.ts loads Ajv, src/languages.ts eslint-plugin-jsonc and src/jsonc.ts jsonc-eslint-parser on
// first use through createRequire (most Node runs never need them); the page bundles them and hands them
// over the same way.
import ajv from "ajv";
import jsonc from "eslint-plugin-jsonc";
import * as jsoncParser from "jsonc-eslint-parser";

export function createRequire() {
  return (name) => {
    if (name === "ajv") return ajv;
    if (name === "eslint-plugin-jsonc") return jsonc;
    if (name === "jsonc-eslint-parser") return jsoncParser;
    throw new Error(`${name} is not available in the browser`);
  };
}
