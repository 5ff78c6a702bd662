import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseYAML } from "yaml-eslint-parser";

/**
 * The texts of the `.yaml`/`.yml` files under `root` (in name order, folders walked) that parse as
 * plain YAML: a chart's `templates/*.yaml` is YAML only once rendered, and is left out.
 */
export function plainYamlTexts(root: string): string[] {
  const texts: string[] = [];
  const walk = (folder: string) => {
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(name)) {
        const text = readFileSync(path, "utf8");
        try {
          parseYAML(text);
          texts.push(text);
        } catch {
          // Not YAML until rendered.
        }
      }
    }
  };
  walk(root);
  return texts;
}
