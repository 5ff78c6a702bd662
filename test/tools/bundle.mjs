/**
 * Part of `npm run build`, after `tsc`: the package's entry points (the plugin, its Terraform entry,
 * the CLI and the SARIF formatter the README's CI step names by path) bundled with their modules
 * into one file each plus shared chunks
 * (`dist/src/chunks/`), dependencies left to npm. Loading ~110 modules one by one costs ESLint
 * ~25 ms more at every start than loading one (measured after eslint-plugin-yml is loaded: 55 →
 * 30 ms). Types stay tsc's (`*.d.ts` beside the sources they describe).
 */
import { build } from "esbuild";
import { readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";

const dist = "dist/src";
const out = "dist/.bundle";
const entries = { index: `${dist}/index.js`, "hcl/index": `${dist}/hcl/index.js`, cli: `${dist}/cli.js`, "formatters/sarif": `${dist}/formatters/sarif.js` };
rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: entries,
  outdir: out,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  chunkNames: "chunks/[name]-[hash]",
  legalComments: "none",
  logLevel: "warning",
});

/** Every compiled module is now inside a bundle: only the declarations and the data stay. */
function removeModules(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) removeModules(path);
    else if (name.endsWith(".js")) rmSync(path);
  }
}
removeModules(dist);
for (const name of Object.keys(entries)) renameSync(join(out, `${name}.js`), join(dist, `${name}.js`));
renameSync(join(out, "chunks"), join(dist, "chunks"));
rmSync(out, { recursive: true, force: true });
