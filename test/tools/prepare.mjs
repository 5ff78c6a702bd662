/**
 * npm's `prepare` script: builds dist/ before `npm pack` and `npm publish`, and when the package is
 * installed from Git — as pre-commit installs a `language: node` hook (`npm install -g
 * git+file://…`, pre-commit 4.6.1+). npm runs a Git dependency's `prepare` after installing its dev
 * dependencies, except in a global install, where they are not there (npm/cli#8440): then install
 * them into the checkout first, without scripts (this one included).
 */
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";

const checkout = process.cwd();
try {
  createRequire(`${checkout}/package.json`).resolve("typescript/package.json");
} catch {
  execFileSync("npm", ["install", "--no-save", "--ignore-scripts", "--no-audit", "--no-fund", "--include=dev"], {
    stdio: ["ignore", 2, 2],
    env: { ...process.env, npm_config_global: "false", npm_config_prefix: checkout },
  });
}
// Progress on stderr: older tools read `npm pack`'s stdout for the tarball's name.
execFileSync("npm", ["run", "build"], { stdio: ["ignore", 2, 2] });
