/**
 * JSON Schemas of the catalog entries, generated from `types.ts` into `schema.json` (never edited by
 * hand). The bundled data is checked against them by the test suite; user entries in
 * `settings.vram` are checked at lint time.
 */
import generated from "./schema.json" with { type: "json" };

type DefinitionName = keyof typeof generated.definitions;

/** A schema for one definition, carrying every definition so its `$ref`s resolve. */
function schemaOf(name: DefinitionName): object {
  return { $ref: `#/definitions/${name}`, definitions: generated.definitions };
}

export const modelSchema = schemaOf("ModelEntry");
export const checkpointSchema = schemaOf("CheckpointEntry");
export const quantizationSchema = schemaOf("QuantizationFormat");
export const gpuSchema = schemaOf("GpuEntry");
export const ambiguousGpuNameSchema = schemaOf("AmbiguousGpuName");
export const instanceSchema = schemaOf("InstanceEntry");
export const modelFileSchema = schemaOf("ModelFile");
export const gpuFileSchema = schemaOf("GpuFile");
export const instanceFileSchema = schemaOf("InstanceFile");
export const quantizationFileSchema = schemaOf("QuantizationFile");
export const metaSchema = schemaOf("CatalogMeta");
