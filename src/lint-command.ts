/**
 * `vram lint [paths…]`: the plugin's rules over a repository's YAML, JSON, Terraform and shell files with no
 * package.json and no ESLint config of the user's — ESLint runs in-process with the plugin's
 * recommended configs, `.gitignore` respected — or with the user's `eslint.config.*` when there is
 * one. Output as ESLint's stylish or JSON formatters, or SARIF 2.1.0 (src/report/sarif.ts).
 *
 * Exit codes (ESLint's): 0 no error (and warnings within --max-warnings), 1 errors or too many
 * warnings, 2 a usage error, a config that cannot be loaded, unused bulk suppressions, or a crash.
 */
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { parseArgs } from "node:util";
import type * as Eslint from "eslint";
import { type CliIo, UsageError } from "./cli-io.js";
import { nearestConfig } from "./cli-settings.js";
import { BulkSuppressions, DEFAULT_SUPPRESSIONS_FILE } from "./lint/bulk-suppressions.js";
import { builtinConfigs, isPluginRule, lintedFilePatterns, setsUpPlugin } from "./lint/configs.js";
import { gitignoreConfigs } from "./lint/gitignore.js";
import { pluginMeta } from "./meta.js";
import { toSarif } from "./report/sarif.js";
import pkg from "../package.json" with { type: "json" };

export const LINT_HELP = `Usage: vram lint [PATH...] [options]

Lints YAML, JSON, Terraform and shell files under PATH (default: the working folder) with the plugin's
recommended configs, no package.json or ESLint config needed. Files ignored by .gitignore and by
ESLint's defaults (node_modules/, .git/) are skipped. With an eslint.config.* in the working folder
or above (or --config FILE), that config is used: as is when it sets up the plugin, else with the
recommended configs added.

Options:
  -f, --format NAME              stylish (default), json or sarif
  -o, --output-file FILE         write the report to FILE instead of stdout
  -c, --config FILE              the ESLint config to use instead of the nearest one
      --max-warnings N           exit 1 when there are more than N warnings
      --quiet                    report errors only
      --stdin                    lint the text on standard input
      --stdin-filename NAME      the file name it is linted as (default stdin.yaml)
      --suppress-all             accept every current error in eslint-suppressions.json
      --suppress-rule RULE       accept the current errors of RULE (repeatable)
      --prune-suppressions       drop accepted errors that no longer occur
      --pass-on-unpruned-suppressions
                                 do not exit 2 when accepted errors no longer occur
      --suppressions-location FILE
                                 the suppressions file (default eslint-suppressions.json)

Exit status: 0 no error, 1 errors (or more warnings than --max-warnings), 2 usage error, a config
that cannot be loaded, suppressions that no longer occur, or a crash.`;

const FORMATS = ["stylish", "json", "sarif"] as const;
type Format = (typeof FORMATS)[number];

type EslintModule = typeof Eslint;

/** How `vram lint` gets ESLint: the peer dependency, replaceable in tests. */
export interface LintDependencies {
  importEslint(): Promise<EslintModule>;
}

const defaultDependencies: LintDependencies = { importEslint: () => import("eslint") };

/** ESLint's oldest version with what `vram lint` uses (flat config `basePath`, `ruleFilter`): the peer range's floor. */
const MIN_ESLINT = [9, 38] as const;

async function loadEslint(dependencies: LintDependencies): Promise<EslintModule> {
  let eslint: EslintModule;
  try {
    eslint = await dependencies.importEslint();
  } catch {
    throw new UsageError(`vram lint runs ESLint, and the eslint package cannot be loaded: install it beside the plugin (npm install --save-dev eslint eslint-plugin-vram), or run npx eslint-plugin-vram lint, which installs both`);
  }
  const version = eslint.ESLint.version;
  const [major = 0, minor = 0] = version.split(".").map(Number);
  if (major < MIN_ESLINT[0] || (major === MIN_ESLINT[0] && minor < MIN_ESLINT[1])) {
    throw new UsageError(`vram lint needs ESLint ${pkg.peerDependencies.eslint}; the eslint package found is ${version}`);
  }
  return eslint;
}

/** A path written on the command line as an ESLint pattern: a folder becomes its lintable files. */
function filePatterns(cwd: string, written: string, linted: readonly string[]): string[] {
  const absolute = resolve(cwd, written);
  let isFolder = false;
  try {
    isFolder = statSync(absolute).isDirectory();
  } catch {
    return [written]; // a glob, or a path that does not exist (ESLint says so)
  }
  if (!isFolder) return [written];
  // Glob syntax in the folder's own name is literal.
  const folder = relative(cwd, absolute).split(sep).join("/").replace(/[*?[\]{}()!+@\\]/g, "\\$&");
  return linted.map((pattern) => (folder ? `${folder}/${pattern}` : pattern));
}

interface Options {
  format: Format;
  outputFile?: string;
  config?: string;
  maxWarnings: number;
  quiet: boolean;
  stdin: boolean;
  stdinFilename: string;
  suppressAll: boolean;
  suppressRules: string[];
  pruneSuppressions: boolean;
  passOnUnprunedSuppressions: boolean;
  suppressionsLocation?: string;
  paths: string[];
}

function parseOptions(argv: string[]): Options | "help" {
  // `--max-warnings -1` as ESLint takes it (Node's parser reads a value that starts with "-" as an option).
  const args: string[] = [];
  for (const arg of argv) {
    if (args.at(-1) === "--max-warnings" && /^-\d+$/.test(arg)) args[args.length - 1] = `--max-warnings=${arg}`;
    else args.push(arg);
  }
  const { values, positionals } = parseArgs({
    args,
    options: {
      format: { type: "string", short: "f" },
      "output-file": { type: "string", short: "o" },
      config: { type: "string", short: "c" },
      "max-warnings": { type: "string" },
      quiet: { type: "boolean" },
      stdin: { type: "boolean" },
      "stdin-filename": { type: "string" },
      "suppress-all": { type: "boolean" },
      "suppress-rule": { type: "string", multiple: true },
      "prune-suppressions": { type: "boolean" },
      "pass-on-unpruned-suppressions": { type: "boolean" },
      "suppressions-location": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) return "help";
  const format = values.format ?? "stylish";
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(", ")}, got "${format}"`);
  let maxWarnings = -1;
  if (values["max-warnings"] !== undefined) {
    maxWarnings = Number(values["max-warnings"]);
    if (!Number.isInteger(maxWarnings) || maxWarnings < -1) throw new UsageError(`--max-warnings must be a whole number (-1: no limit), got "${values["max-warnings"]}"`);
  }
  const suppressRules = values["suppress-rule"] ?? [];
  const suppressing = values["suppress-all"] || suppressRules.length > 0;
  if (values["suppress-all"] && suppressRules.length > 0) throw new UsageError("--suppress-all and --suppress-rule cannot be used together");
  if (suppressing && values["prune-suppressions"]) throw new UsageError("--prune-suppressions cannot be used with --suppress-all or --suppress-rule");
  const unknownRule = suppressRules.find((rule) => !isPluginRule({ ruleId: rule }));
  if (unknownRule) throw new UsageError(`--suppress-rule ${unknownRule}: vram lint runs only the plugin's rules (${pluginMeta.namespace}/…)`);
  if (values.stdin) {
    if (positionals.length > 0) throw new UsageError("--stdin lints standard input; name no paths with it");
    if (suppressing || values["prune-suppressions"]) throw new UsageError("bulk suppressions cannot be created or pruned from --stdin");
  } else if (values["stdin-filename"] !== undefined) {
    throw new UsageError("--stdin-filename goes with --stdin");
  }
  return {
    format: format as Format,
    ...(values["output-file"] !== undefined ? { outputFile: values["output-file"] } : {}),
    ...(values.config !== undefined ? { config: values.config } : {}),
    maxWarnings,
    quiet: values.quiet ?? false,
    stdin: values.stdin ?? false,
    stdinFilename: values["stdin-filename"] ?? "stdin.yaml",
    suppressAll: values["suppress-all"] ?? false,
    suppressRules,
    pruneSuppressions: values["prune-suppressions"] ?? false,
    passOnUnprunedSuppressions: values["pass-on-unpruned-suppressions"] ?? false,
    ...(values["suppressions-location"] !== undefined ? { suppressionsLocation: values["suppressions-location"] } : {}),
    paths: positionals.length > 0 ? positionals : ["."],
  };
}

/**
 * The ESLint instance for the run. `configFile`: `--config`, else the nearest `eslint.config.*`
 * (ESLint then looks it up itself, as `eslint` would), else none (the built-in configs alone).
 */
async function createEslint(eslintModule: EslintModule, io: CliIo, options: Options): Promise<{ eslint: Eslint.ESLint; patterns: string[] }> {
  const builtins = await builtinConfigs();
  const ignores = gitignoreConfigs(io.cwd);
  const common = { cwd: io.cwd, ruleFilter: isPluginRule, warnIgnored: false, errorOnUnmatchedPattern: false, cache: false } as const;

  let configFile: string | true | undefined = true;
  if (options.config !== undefined) {
    configFile = resolve(io.cwd, options.config);
    let isFile = false;
    try {
      isFile = statSync(configFile).isFile();
    } catch {
      // reported below
    }
    if (!isFile) throw new UsageError(`--config ${options.config}: no such file`);
  } else if (nearestConfig(io.cwd)) {
    configFile = undefined;
  }

  const make = (overrideConfig: Eslint.Linter.Config[]) =>
    new eslintModule.ESLint({ ...common, ...(configFile === undefined ? {} : { overrideConfigFile: configFile }), overrideConfig });
  const patterns = lintedFilePatterns(builtins);
  if (configFile !== true) {
    // The user's config first: when it sets up the plugin (as seen by a YAML file in the working
    // folder) it is run as is; otherwise the built-ins are added to it.
    const own = make(ignores);
    let probed: unknown;
    try {
      probed = await own.calculateConfigForFile(resolve(io.cwd, "vram-lint-probe.yaml"));
    } catch (error) {
      throw new UsageError(`cannot load the ESLint config${typeof configFile === "string" ? ` ${configFile}` : ""}: ${firstLine(error)}`);
    }
    if (setsUpPlugin(probed)) return { eslint: own, patterns };
  }
  return { eslint: make([...builtins, ...ignores]), patterns };
}

/** Glob syntax ESLint expands (a path with none of it is a file or folder that must exist). */
const GLOB = /[*?[\]{}]/;

/** Say why a named file was not linted, or that nothing was; a named path that does not exist is a usage error. */
function explainUnlinted(io: CliIo, paths: readonly string[], results: readonly Eslint.ESLint.LintResult[], patterns: readonly string[]): void {
  let explained = false;
  for (const written of paths) {
    const absolute = resolve(io.cwd, written);
    let isFile = false;
    try {
      isFile = statSync(absolute).isFile();
    } catch {
      if (GLOB.test(written)) continue;
      throw new UsageError(`${written}: no such file or folder`);
    }
    if (isFile && !results.some((result) => result.filePath === absolute)) {
      io.stderr.write(`vram: ${written} was not linted: it is ignored (.gitignore or the ESLint config), or not a file type the configs cover\n`);
      explained = true;
    }
  }
  if (results.length === 0 && !explained) {
    const types = patterns.map((pattern) => pattern.replace(/^\*\*\//, "")).join(", ");
    io.stderr.write(`vram: no files to lint in ${paths.join(" ")} (looked for ${types}; .gitignore and ESLint's ignores apply)\n`);
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0]!.trim();
}

function summary(results: readonly Eslint.ESLint.LintResult[]): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const result of results) {
    errors += result.errorCount;
    warnings += result.warningCount;
  }
  return { errors, warnings };
}

/** Whether `path` (absolute) is `folder` or inside it. */
function isInside(folder: string, path: string): boolean {
  const rest = relative(folder, path);
  return rest === "" || (rest !== ".." && !rest.startsWith(`..${sep}`) && !isAbsolute(rest));
}

/**
 * ESLint lints only files inside its working folder and skips the rest in silence. Paths that all
 * lie elsewhere (`vram lint ../other-repo`) are linted from the folder that holds them, with that
 * folder's config and .gitignore, as if vram ran there; a mix of both is refused rather than
 * half-linted.
 */
function outsideFolder(io: CliIo, options: Options): { io: CliIo; options: Options } {
  if (options.stdin || options.config !== undefined) return { io, options };
  const absolute = options.paths.map((path) => resolve(io.cwd, path));
  const outside = absolute.filter((path) => !isInside(io.cwd, path));
  if (outside.length === 0) return { io, options };
  if (outside.length < absolute.length) {
    throw new UsageError(`${options.paths[absolute.indexOf(outside[0]!)]} is outside the working folder ${io.cwd}, and other paths are inside it: lint them in separate runs`);
  }
  let folder = absolute.map((path) => (GLOB.test(path) ? dirname(path.slice(0, path.search(GLOB))) : path)).reduce((common, path) => {
    while (!isInside(common, path)) common = dirname(common);
    return common;
  });
  try {
    if (!statSync(folder).isDirectory()) folder = dirname(folder);
  } catch {
    folder = dirname(folder);
  }
  return { io: { ...io, cwd: folder }, options: { ...options, paths: absolute } };
}

export async function runLint(argv: string[], io: CliIo, dependencies: LintDependencies = defaultDependencies): Promise<number> {
  let options = parseOptions(argv);
  if (options === "help") {
    io.stdout.write(`${LINT_HELP}\n`);
    return 0;
  }
  ({ io, options } = outsideFolder(io, options));
  const eslintModule = await loadEslint(dependencies);
  const { eslint, patterns } = await createEslint(eslintModule, io, options);

  let results: Eslint.ESLint.LintResult[];
  try {
    if (options.stdin) {
      if (!io.readStdin) throw new UsageError("--stdin: standard input cannot be read here");
      const text = await io.readStdin();
      results = await eslint.lintText(text, { filePath: resolve(io.cwd, options.stdinFilename) });
    } else {
      results = await eslint.lintFiles(options.paths.flatMap((path) => filePatterns(io.cwd, path, patterns)));
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // A config or settings error surfaces here (ESLint adds the file and rule it occurred in).
    throw new UsageError(firstLine(error));
  }

  if (!options.stdin) explainUnlinted(io, options.paths, results, patterns);
  else if (results.length === 0) {
    io.stderr.write(`vram: standard input was not linted: ${options.stdinFilename} is ignored (.gitignore or the ESLint config), or not a file type the configs cover\n`);
  }

  let unused: ReturnType<BulkSuppressions["apply"]>["unused"] = {};
  if (!options.stdin) {
    const location = resolve(io.cwd, options.suppressionsLocation ?? DEFAULT_SUPPRESSIONS_FILE);
    const suppressions = new BulkSuppressions(location, io.cwd, (ruleId) => isPluginRule({ ruleId }));
    const creating = options.suppressAll || options.suppressRules.length > 0;
    if (options.suppressionsLocation !== undefined && !suppressions.exists() && !creating) {
      throw new UsageError(`--suppressions-location ${options.suppressionsLocation}: no such file (create it with --suppress-all or --suppress-rule)`);
    }
    if (creating || options.pruneSuppressions || suppressions.exists()) {
      if (creating) suppressions.suppress(results, options.suppressAll ? undefined : options.suppressRules);
      if (options.pruneSuppressions) suppressions.prune(results);
      ({ results, unused } = suppressions.apply(results, suppressions.load()));
    }
  }

  const counts = summary(results);
  const tooManyWarnings = options.maxWarnings >= 0 && counts.warnings > options.maxWarnings;
  const shown = options.quiet ? eslintModule.ESLint.getErrorResults(results) : results;
  const toFile = options.outputFile !== undefined;
  const output = await format(eslint, shown, options, io, toFile, tooManyWarnings ? { maxWarnings: options.maxWarnings, foundWarnings: counts.warnings } : undefined);

  if (options.outputFile !== undefined) {
    const target = resolve(io.cwd, options.outputFile);
    try {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, output);
    } catch (error) {
      throw new UsageError(`cannot write ${options.outputFile}: ${(error as NodeJS.ErrnoException).code ?? firstLine(error)}`);
    }
    const problems = counts.errors + counts.warnings;
    io.stderr.write(`vram: ${problems} problem${problems === 1 ? "" : "s"} (${counts.errors} error${counts.errors === 1 ? "" : "s"}, ${counts.warnings} warning${counts.warnings === 1 ? "" : "s"}) written to ${options.outputFile}\n`);
  } else if (output) {
    io.stdout.write(output.endsWith("\n") ? output : `${output}\n`);
  }

  if (counts.errors === 0 && tooManyWarnings) io.stderr.write(`vram: too many warnings (${counts.warnings}; at most ${options.maxWarnings} allowed)\n`);
  const unusedEntries = Object.entries(unused).flatMap(([file, rules]) => Object.entries(rules).map(([ruleId, { count }]) => `${file}: ${ruleId} × ${count}`));
  if (unusedEntries.length > 0 && !options.passOnUnprunedSuppressions) {
    io.stderr.write(
      `vram: the suppressions file accepts errors that no longer occur (${unusedEntries.join("; ")}); run vram lint --prune-suppressions to remove them, or pass --pass-on-unpruned-suppressions\n`,
    );
    return 2;
  }
  return counts.errors > 0 || tooManyWarnings ? 1 : 0;
}

async function format(
  eslint: Eslint.ESLint,
  results: Eslint.ESLint.LintResult[],
  options: Options,
  io: CliIo,
  toFile: boolean,
  maxWarningsExceeded: { maxWarnings: number; foundWarnings: number } | undefined,
): Promise<string> {
  if (options.format === "sarif") {
    const log = toSarif(results, eslint.getRulesMetaForResults(results) as never, io.cwd, { name: pluginMeta.name, version: pluginMeta.version, informationUri: pkg.homepage });
    return `${JSON.stringify(log, null, 2)}\n`;
  }
  const formatter = await eslint.loadFormatter(options.format);
  const color = !toFile && options.format === "stylish" && io.stdout.isTTY === true && io.env.NO_COLOR === undefined && io.env.TERM !== "dumb";
  return formatter.format(results, { cwd: io.cwd, rulesMeta: eslint.getRulesMetaForResults(results), color, ...(maxWarningsExceeded ? { maxWarningsExceeded } : {}) } as never);
}
