// src/settings.ts loads Ajv on first use through createRequire (most Node runs never need it); the
// page bundles it and hands it over the same way.
import ajv from "ajv";

export function createRequire() {
  return (name) => {
    if (name === "ajv") return ajv;
    throw new Error(`${name} is not available in the browser`);
  };
}
