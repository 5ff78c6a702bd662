/**
 * `npm run bench:cli`: cold-start time of `vram estimate` from the built package (a fresh Node
 * process each run: module loading, catalog parsing and indexing, one estimate with remedies).
 * Prints the median against `node -e 0`, Node's own start-up. Run `npm run build` first.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const cli = fileURLToPath(new URL("../dist/src/cli.js", import.meta.url));
if (!existsSync(cli)) {
  console.error("dist/src/cli.js is missing: run `npm run build` first");
  process.exit(1);
}
const runs = Number(process.argv[2] ?? 20);

function median(command: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const result = spawnSync(process.execPath, command, { encoding: "utf8" });
    times.push(performance.now() - started);
    if (result.status !== 0 && result.status !== 1) throw new Error(`exit ${result.status}: ${result.stderr}`);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

const node = median(["-e", "0"]);
const estimate = median([cli, "estimate", "--model", "mistralai/Mixtral-8x7B-Instruct-v0.1", "--gpu", "A10G"]);
const version = median([cli, "--version"]);
console.log(`${runs} runs each, median wall time`);
console.log(`node -e 0                              ${node.toFixed(0).padStart(5)} ms`);
console.log(`vram --version                         ${version.toFixed(0).padStart(5)} ms`);
console.log(`vram estimate (Mixtral on A10G)        ${estimate.toFixed(0).padStart(5)} ms   (${(estimate - node).toFixed(0)} ms above Node's own start-up)`);
