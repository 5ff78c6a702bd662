/**
 * The configs `vram lint` runs with, and which files it looks for in a folder.
 *
 * Without a user config, the plugin's own `recommended` configs of every entry point: each is one
 * loader below (the HCL entry loads a WebAssembly parser, so entries load only when a run needs them).
 * With a user's `eslint.config.*` that already sets up the plugin, that config alone, as `eslint`
 * would run it; with one that does not (a JavaScript project's config beside the manifests), the
 * user's config plus these, so its ignores and `settings.vram` still apply.
 */
import type { Linter } from "eslint";
import { pluginMeta } from "../meta.js";

type ConfigLoader = () => Promise<Linter.Config[]>;

/** One line per entry point of the package: YAML and JSON, then Terraform `.tf` (an async WASM parser). */
const ENTRY_CONFIGS: readonly ConfigLoader[] = [
  async () => (await import("../index.js")).default.configs.recommended,
  async () => (await import("../hcl/index.js")).default.configs.recommended,
];

export async function builtinConfigs(): Promise<Linter.Config[]> {
  return (await Promise.all(ENTRY_CONFIGS.map((load) => load()))).flat();
}

/**
 * The file patterns the configs lint (`**\/*.yaml`, `**\/*.tf`…): a folder named on the command line
 * is searched for these only, so a repository's JavaScript is never parsed by `vram lint`.
 */
export function lintedFilePatterns(configs: readonly Linter.Config[]): string[] {
  const patterns = new Set<string>();
  for (const config of configs) {
    for (const pattern of config.files ?? []) if (typeof pattern === "string") patterns.add(pattern);
  }
  return [...patterns];
}

/** The calculated config of a file sets up the plugin: its rules are registered and one is on. */
export function setsUpPlugin(config: unknown): boolean {
  if (typeof config !== "object" || config === null) return false;
  const { plugins, rules } = config as { plugins?: Record<string, unknown>; rules?: Record<string, unknown> };
  if (!plugins || !Object.hasOwn(plugins, pluginMeta.namespace)) return false;
  return Object.entries(rules ?? {}).some(([id, entry]) => id.startsWith(`${pluginMeta.namespace}/`) && severityOf(entry) > 0);
}

function severityOf(entry: unknown): number {
  const level = Array.isArray(entry) ? entry[0] : entry;
  if (level === "error" || level === 2) return 2;
  if (level === "warn" || level === 1) return 1;
  return 0;
}

/** Only the plugin's rules run under `vram lint`: a user config's other rules belong to `eslint`. */
export function isPluginRule({ ruleId }: { ruleId: string }): boolean {
  return ruleId.startsWith(`${pluginMeta.namespace}/`);
}
