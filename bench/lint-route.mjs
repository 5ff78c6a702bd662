// One route of `npm run bench`, in a process of its own and on the built package (`dist/`, what
// users run): one warm-up lint of the generated manifests, then the fastest of three, each from a
// collected heap. Prints { wallMs, cpuMs, problems } as JSON.
//
//   node --expose-gc bench/lint-route.mjs <route> <manifest dir>
import { ESLint } from "eslint";
import yml from "eslint-plugin-yml";
import * as yamlParser from "yaml-eslint-parser";
import vram from "../dist/src/index.js";

/** A rule that visits every node and does nothing: the cost of a traversal. */
const noopPlugin = {
  meta: { name: "bench", namespace: "bench" },
  rules: { noop: { meta: { type: "problem", schema: [] }, create: () => ({ "*"() {} }) } },
};

const ROUTES = {
  floor: [{ files: ["**/*.yaml"], plugins: { yml, bench: noopPlugin }, language: "yml/yaml", rules: { "bench/noop": "error" } }],
  classic: [{ files: ["**/*.yaml"], plugins: { bench: noopPlugin }, languageOptions: { parser: yamlParser }, rules: { "bench/noop": "error" } }],
  recommended: vram.configs.recommended,
  all: vram.configs.all,
};

/** Terraform routes (bench/lint-speed-hcl.ts): loaded only when asked for, like the entry they measure. */
async function hclRoutes() {
  const { default: vramHcl } = await import("../dist/src/hcl/index.js");
  return {
    "hcl-floor": [{ files: ["**/*.tf"], plugins: { vram, bench: noopPlugin }, language: "vram/hcl", rules: { "bench/noop": "error" } }],
    "hcl-recommended": [...vram.configs.recommended, ...vramHcl.configs.recommended],
  };
}

const [route, dir] = process.argv.slice(2);
if (route && dir) {
  const terraform = route.startsWith("hcl-");
  const config = terraform ? (await hclRoutes())[route] : ROUTES[route];
  const pattern = terraform ? "**/*.tf" : "**/*.yaml";
  const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: config, cache: false });
  const warm = await eslint.lintFiles([pattern]);
  const fatal = warm.flatMap((result) => result.messages.filter((message) => message.fatal));
  if (fatal.length > 0) throw new Error(`parse errors in generated manifests: ${fatal[0].message}`);
  const best = { wallMs: Infinity, cpuMs: Infinity, files: warm.length, problems: warm.reduce((sum, result) => sum + result.messages.length, 0) };
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    await eslint.lintFiles([pattern]);
    const cpu = process.cpuUsage(cpuStarted);
    best.wallMs = Math.min(best.wallMs, performance.now() - started);
    best.cpuMs = Math.min(best.cpuMs, (cpu.user + cpu.system) / 1000);
  }
  process.stdout.write(JSON.stringify(best));
}
