import pkg from "../package.json" with { type: "json" };
import meta from "./catalog/data/meta.json" with { type: "json" };

/** Plugin identity; `namespace` is what `meta.languages` and rule ids are matched by. */
export const pluginMeta = {
  name: pkg.name,
  version: pkg.version,
  namespace: "vram",
} as const;

/** The date the bundled catalog was last revised (a catalog change is a minor release). */
export const catalogDate: string = meta.date;

export const docsBaseUrl = "https://github.com/eslint-plugin-vram/eslint-plugin-vram/blob/main/docs/rules";
