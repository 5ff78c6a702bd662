// One route of `npm run bench`, in a process of its own and on the built package (`dist/`, what
// users run): one warm-up lint of the generated manifests, then the fastest of three, each from a
// collected heap. With `cold`, one lint and nothing before it, timed from the start of the process
// (loading ESLint, the plugins and the catalog included), as a CI job or an `eslint .` run pays it.
// Prints { wallMs, cpuMs, problems } as JSON.
//
//   node --expose-gc bench/lint-route.mjs <route> <manifest dir> [cold]
import { ESLint } from "eslint";

/** A rule that visits every node and does nothing: the cost of a traversal. */
const noopPlugin = {
  meta: { name: "bench", namespace: "bench" },
  rules: { noop: { meta: { type: "problem", schema: [] }, create: () => ({ "*"() {} }) } },
};

const vramPlugin = async () => (await import("../dist/src/index.js")).default;

/** Each route's config, loading only the plugins it names (a cold process pays for what it loads). */
const ROUTES = {
  floor: async () => [{ files: ["**/*.yaml"], plugins: { yml: (await import("eslint-plugin-yml")).default, bench: noopPlugin }, language: "yml/yaml", rules: { "bench/noop": "error" } }],
  classic: async () => [{ files: ["**/*.yaml"], plugins: { bench: noopPlugin }, languageOptions: { parser: await import("yaml-eslint-parser") }, rules: { "bench/noop": "error" } }],
  recommended: async () => (await vramPlugin()).configs.recommended,
  all: async () => (await vramPlugin()).configs.all,
  // Terraform routes (bench/lint-speed-hcl.ts).
  "hcl-floor": async () => [{ files: ["**/*.tf"], plugins: { vram: await vramPlugin(), bench: noopPlugin }, language: "vram/hcl", rules: { "bench/noop": "error" } }],
  "hcl-recommended": async () => [...(await vramPlugin()).configs.recommended, ...(await import("../dist/src/hcl/index.js")).default.configs.recommended],
};

const [route, dir, mode] = process.argv.slice(2);
if (route && dir) {
  const config = await ROUTES[route]();
  const pattern = route.startsWith("hcl-") ? "**/*.tf" : "**/*.yaml";
  const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: config, cache: false });
  const first = await eslint.lintFiles([pattern]);
  const fatal = first.flatMap((result) => result.messages.filter((message) => message.fatal));
  if (fatal.length > 0) throw new Error(`parse errors in generated manifests: ${fatal[0].message}`);
  const problems = first.reduce((sum, result) => sum + result.messages.length, 0);
  if (mode === "cold") {
    // The whole process so far: performance.now() counts from its start, cpuUsage from its start too.
    const cpu = process.cpuUsage();
    process.stdout.write(JSON.stringify({ wallMs: performance.now(), cpuMs: (cpu.user + cpu.system) / 1000, files: first.length, problems }));
  } else {
    // The first lint warmed the JIT and ESLint's caches; the fastest of three more is the steady cost.
    const best = { wallMs: Infinity, cpuMs: Infinity, files: first.length, problems };
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
}
