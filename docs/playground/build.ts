/**
 * Builds the playground page: docs/playground/src/main.ts and the plugin it runs (ESLint's browser
 * `Linter` from `eslint/universal`, the plugin's configs, the catalog) into one classic script,
 * `playground.js`, beside index.html — a script rather than a module so the page also works opened
 * from disk (file://). Development tooling only: esbuild is a dev dependency, nothing here ships in
 * the package.
 *
 *   npm run playground              # builds docs/playground/playground.js; open docs/playground/index.html
 *   tsx docs/playground/build.ts OUT  # builds a copy of the page into OUT (the browser test does)
 */
import { copyFileSync, mkdirSync, realpathSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";

const PAGE = fileURLToPath(new URL(".", import.meta.url));
const ROOT = join(PAGE, "..", "..");
const SHIMS = join(PAGE, "shims");

/**
 * Node built-ins and Node-only entry points the bundled packages import, and what stands in for
 * them: eslint-plugin-yml and eslint-plugin-jsonc take `extname` from node:path, eslint-plugin-jsonc
 * reaches for ESLint's Node API (`SourceCode`, the built-in rules) and a worker bridge, and
 * src/explain.ts imports the file reading the page does not use; src/settings.ts loads Ajv through
 * node:module's createRequire, which the page answers from its bundle.
 */
const STAND_INS: Record<string, string> = {
  "node:path": "path.mjs",
  path: "path.mjs",
  "node:url": "url.mjs",
  synckit: "synckit.mjs",
  eslint: "eslint.mjs",
  "eslint/use-at-your-own-risk": "eslint-unsupported-api.mjs",
  "node:fs": "node-stubs.mjs",
  "node:util": "node-stubs.mjs",
  "node:module": "module.mjs",
};

/**
 * The plugin's own modules the page leaves out: the HCL entry and its WebAssembly parser; and the
 * catalog's file reader, whose generated twin imports the data files (paths relative to shims/).
 */
const OWN_STAND_INS: Record<string, string> = {
  [join(ROOT, "src", "hcl", "parser.ts")]: "hcl-parser.mjs",
  [join(ROOT, "src", "hcl", "index.ts")]: "hcl-entry.mjs",
  [join(ROOT, "src", "catalog", "data", "read.ts")]: join("..", "..", "..", "src", "catalog", "data", "bundled.ts"),
};

const standIns: Plugin = {
  name: "browser-stand-ins",
  setup(builder) {
    const filter = new RegExp(`^(${Object.keys(STAND_INS).map((name) => name.replace(/[/.]/g, "\\$&")).join("|")})$`);
    builder.onResolve({ filter }, (args) => ({ path: join(SHIMS, STAND_INS[args.path]!) }));
    builder.onResolve({ filter: /\/(parser|index|read)\.js$/ }, (args) => {
      const stand = OWN_STAND_INS[join(args.resolveDir, args.path).replace(/\.js$/, ".ts")];
      return stand ? { path: join(SHIMS, stand) } : undefined;
    });
  },
};

/** Builds the page into `outdir` (default: beside its sources) and returns the script's path. */
export async function buildPlayground(outdir = PAGE): Promise<string> {
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, "playground.js");
  await build({
    entryPoints: [join(PAGE, "src", "main.ts")],
    bundle: true,
    platform: "browser",
    format: "iife",
    target: "es2022",
    minify: true,
    legalComments: "none",
    outfile,
    plugins: [standIns],
    inject: [join(SHIMS, "process.mjs")],
    // eslint-plugin-jsonc resolves a worker file from import.meta at load; the page never starts it.
    define: { "import.meta.url": '"file:///playground.js"', "import.meta.resolve": "String" },
    logLevel: "error",
  });
  if (realpathSync(outdir) !== realpathSync(PAGE)) {
    for (const file of ["index.html", "playground.css"]) copyFileSync(join(PAGE, file), join(outdir, file));
  }
  return outfile;
}

if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) {
  const outfile = await buildPlayground(process.argv[2] ? resolve(process.argv[2]) : PAGE);
  process.stdout.write(`built ${outfile}\n`);
}
