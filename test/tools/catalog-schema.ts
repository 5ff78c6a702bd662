/**
 * `npm run catalog:schema`: writes src/catalog/schema.json, the JSON Schema of the catalog, from the
 * types declared in src/catalog/types.ts (JSDoc tags become constraints). The catalog test fails
 * when the committed schema differs from what this generates, so the two never drift.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createGenerator } from "ts-json-schema-generator";

const TYPES = fileURLToPath(new URL("../../src/catalog/types.ts", import.meta.url));
export const SCHEMA_FILE = fileURLToPath(new URL("../../src/catalog/schema.json", import.meta.url));

/** The types the data files and settings are checked against; everything they use comes along. */
const ROOTS = ["ModelFile", "GpuFile", "InstanceFile", "QuantizationFile", "CatalogMeta", "ModelEntry", "CheckpointEntry", "QuantizationFormat", "GpuEntry", "AmbiguousGpuName", "InstanceEntry", "PriceFile"];

/** The schema as it should be committed (definitions sorted by name, trailing newline). */
export function generateCatalogSchema(): string {
  const generator = createGenerator({
    path: TYPES,
    expose: "export",
    topRef: true,
    jsDoc: "extended",
    skipTypeCheck: true,
    additionalProperties: false,
    sortProps: true,
  });
  const definitions: Record<string, unknown> = {};
  for (const root of ROOTS) Object.assign(definitions, generator.createSchema(root).definitions);
  const sorted = Object.fromEntries(Object.keys(definitions).sort().map((name) => [name, definitions[name]]));
  const schema = { $schema: "http://json-schema.org/draft-07/schema#", $comment: "Generated from src/catalog/types.ts by `npm run catalog:schema`; do not edit.", definitions: sorted };
  return `${JSON.stringify(schema, null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(SCHEMA_FILE, generateCatalogSchema());
  console.log(`wrote ${SCHEMA_FILE}`);
}
