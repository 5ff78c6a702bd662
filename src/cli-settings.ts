/**
 * The `settings.vram` and rule options the CLI judges with: those of the user's ESLint config, so
 * `vram estimate` and `vram explain` answer as `eslint` does in the same folder. The config is the
 * nearest `eslint.config.*` above the file (or the working folder), or `--config FILE`; without one,
 * the bundled catalog and the rules' defaults apply and ESLint is not loaded at all.
 */
import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type * as Eslint from "eslint";
import { UsageError, type CliIo } from "./cli-io.js";
import { isRecord } from "./lookup.js";

/** ESLint's flat-config file names, in its own lookup order. */
const CONFIG_FILE_NAMES = ["eslint.config.js", "eslint.config.mjs", "eslint.config.cjs", "eslint.config.ts", "eslint.config.mts", "eslint.config.cts"];

export interface CliSettings {
  /** `settings.vram` as the config gives it (validated later, by the analysis). */
  settingsRaw: unknown;
  /** `vram/kv-cache-headroom`'s `minConcurrentSequences` in that config, when it sets one. */
  minConcurrentSequences?: number;
  /** The config file read, for messages. */
  configFile?: string;
}

interface ConfigSource {
  calculateConfigForFile(path: string): Promise<unknown>;
}

/** ESLint instances by config file: `vram explain` over many files loads each config once. */
const loaded = new Map<string, Promise<ConfigSource>>();

/** The nearest `eslint.config.*` at or above `start`, as ESLint looks it up. */
export function nearestConfig(start: string): string | undefined {
  for (let folder = start; ; folder = dirname(folder)) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = join(folder, name);
      if (existsSync(candidate)) return candidate;
    }
    if (dirname(folder) === folder) return undefined;
  }
}

/**
 * ESLint judges files relative to a base folder and ignores those outside it: the config's own folder
 * when it was found by lookup, the working folder with `--config` (as `eslint --config FILE` does).
 */
async function eslintFor(configFile: string, baseFolder: string): Promise<ConfigSource> {
  const key = `${configFile}\n${baseFolder}`;
  let source = loaded.get(key);
  if (!source) {
    source = (async () => {
      let eslint: typeof Eslint;
      try {
        eslint = await import("eslint");
      } catch {
        throw new UsageError(`${configFile} holds the settings, but the eslint package cannot be loaded to read it (npm install --save-dev eslint)`);
      }
      return new eslint.ESLint({ cwd: baseFolder, overrideConfigFile: configFile });
    })();
    loaded.set(key, source);
  }
  return source;
}

/**
 * The settings for `file` (absolute; for `vram estimate`, a file in the working folder that need
 * not exist). `configOption` is `--config` as written, relative to the working folder.
 */
export async function cliSettingsFor(io: CliIo, file: string, configOption?: string): Promise<CliSettings> {
  let configFile: string | undefined;
  if (configOption !== undefined) {
    configFile = resolve(io.cwd, configOption);
    if (!existsSync(configFile) || !statSync(configFile).isFile()) throw new UsageError(`--config ${configOption}: no such file`);
  } else {
    configFile = nearestConfig(dirname(file));
  }
  if (!configFile) return { settingsRaw: undefined };
  let config: unknown;
  try {
    config = await (await eslintFor(configFile, configOption !== undefined ? io.cwd : dirname(configFile))).calculateConfigForFile(file);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new UsageError(`cannot read the ESLint config ${configFile}: ${reason}`);
  }
  if (!isRecord(config)) return { settingsRaw: undefined, configFile };
  const settings = isRecord(config.settings) ? config.settings.vram : undefined;
  const result: CliSettings = { settingsRaw: settings, configFile };
  const headroom = isRecord(config.rules) ? config.rules["vram/kv-cache-headroom"] : undefined;
  const options = Array.isArray(headroom) ? headroom[1] : undefined;
  if (isRecord(options) && typeof options.minConcurrentSequences === "number") result.minConcurrentSequences = options.minConcurrentSequences;
  return result;
}
