/**
 * End-to-end tests of the package as users get it (issue 6, item 4).
 *
 * beforeAll builds the repo, `npm pack`s it, and installs the tarball beside `eslint` into a fresh
 * consumer project under the OS temp directory: one made with `npm init -y` (so `"type":
 * "commonjs"`, as npm 11 writes it) with the README's `eslint.config.mjs` block verbatim.
 * The tests then run the real binaries of that project (`node_modules/.bin/eslint`, `npx vram`, `node`,
 * and the repo's `tsc` against the consumer's files) and judge exit codes and output.
 *
 * How the consumer is installed, and why: CI may use the network for `npm ci` of this repo and
 * nothing else, so the consumer is installed with `npm ci --offline` from the npm cache that `npm ci`
 * just filled. A plain `npm install --offline <tarball> eslint` cannot do that: npm 11 resolves a new
 * dependency from the *full* registry document of each package, while `npm ci` caches only the
 * abbreviated ones, so it fails with ENOTCACHED (or ERESOLVE). And a fresh resolution could pick a
 * version newer than the one locked (and cached) here. So the test writes the consumer's own
 * package-lock.json: the tarball, plus every package the repo's lockfile holds that is reachable from
 * `eslint` and the plugin's dependencies, at the same paths and versions (and the repo's `overrides`). Pruning
 * unreachable entries keeps the tree valid (whatever a reachable package resolves to is reachable), and
 * every tarball it names is in the cache. The real tarball is installed by npm; nothing is linked.
 * Outside CI only, a cache filled by `npm install` rather than `npm ci` may lack the abbreviated
 * documents: then the install falls back to --prefer-offline (fetching just those) with a warning.
 *
 * Keep the temp project for inspection with VRAM_E2E_KEEP=1.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getStaticYAMLValue, parseYAML } from "yaml-eslint-parser";
import { sarifProblems, sarifSchemaErrors } from "../support/sarif.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const repoPackage = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as PackageJson;
/** The plugin's own SARIF formatter, as the README's CI snippet names it. */
const SARIF_FORMATTER = "./node_modules/eslint-plugin-vram/dist/src/formatters/sarif.js";
const README = readFileSync(join(REPO, "README.md"), "utf8");

/** The README's flat config block, verbatim: the first `js` block that starts with `// eslint.config.mjs`. */
const README_CONFIG = (() => {
  const block = /^```js\n(\/\/ eslint\.config\.mjs\n[\s\S]*?)^```$/m.exec(README);
  if (!block) throw new Error("README.md has no ```js block starting with // eslint.config.mjs");
  return block[1]!;
})();
const MIXTRAL = "mistralai/Mixtral-8x7B-Instruct-v0.1";

/** The README's Terraform config blocks, verbatim (ESM and CommonJS). */
function readmeBlock(header: string): string {
  const block = new RegExp(`^\`\`\`js\n(// ${header.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\n[\\s\\S]*?)^\`\`\`$`, "m").exec(README);
  if (!block) throw new Error(`README.md has no \`\`\`js block starting with // ${header}`);
  return block[1]!;
}
const README_HCL_CONFIG = readmeBlock("eslint.config.mjs — with Terraform .tf files");
const README_HCL_CONFIG_CJS = readmeBlock("eslint.config.cjs — with Terraform .tf files");

/** A Terraform module: Mixtral on one g5.2xlarge, the model and instance type in variables.tf. */
const TERRAFORM_MAIN = `resource "kubernetes_deployment_v1" "mixtral" {
  metadata {
    name = "mixtral-chat"
  }
  spec {
    template {
      metadata {
        labels = { app = "mixtral-chat" }
      }
      spec {
        node_selector = {
          "node.kubernetes.io/instance-type" = var.instance_type
        }
        container {
          name  = "vllm"
          image = "vllm/vllm-openai:v0.11.0"
          args  = ["--model", var.model, "--max-model-len", "32768"]
          resources {
            limits = { "nvidia.com/gpu" = 1 }
          }
        }
      }
    }
  }
}
`;
const TERRAFORM_VARIABLES = `variable "model" {
  type    = string
  default = "${MIXTRAL}"
}

variable "instance_type" {
  type    = string
  default = "g5.2xlarge"
}
`;

const HCL_IMPORT_CHECK_CJS = `require("eslint-plugin-vram");
import("eslint-plugin-vram/hcl").then(({ default: hcl }) => {
  const [config] = hcl.configs.recommended;
  process.stdout.write(JSON.stringify({ files: config.files, language: config.language, levels: Object.keys(hcl.configs) }));
});
`;

// ---------------------------------------------------------------------------------------------------
// Fixtures: written by the test so edits to fixtures/ elsewhere cannot change what is asserted here.

/** Mixtral 8x7B on one g5.2xlarge (1 × A10G 24 GB): sized by the 12.9B active parameters, but all 46.7B must be resident. */
const MIXTRAL_A10G = `# Mixtral 8x7B chat endpoint on a single g5.2xlarge (1 x A10G, 24 GB).
apiVersion: apps/v1
kind: Deployment
metadata:
  name: mixtral-chat
  namespace: inference
spec:
  replicas: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: mixtral-chat
  template:
    metadata:
      labels:
        app.kubernetes.io/name: mixtral-chat
    spec:
      nodeSelector:
        node.kubernetes.io/instance-type: g5.2xlarge
      containers:
        - name: vllm
          image: vllm/vllm-openai:v0.11.0
          args:
            - "--model"
            - "${MIXTRAL}"
            - "--max-model-len"
            - "32768"
            - "--port"
            - "8000"
          ports:
            - containerPort: 8000
          resources:
            limits:
              nvidia.com/gpu: 1
              memory: 60Gi
`;

/** Mixtral 8x7B on 2 × H100 80GB at tensor parallelism 2: fits. */
const MIXTRAL_2XH100 = `# Mixtral 8x7B on 2 x H100 80GB with tensor parallelism 2 (GKE a3-highgpu node pool).
apiVersion: apps/v1
kind: Deployment
metadata:
  name: mixtral-chat
  namespace: inference
spec:
  replicas: 2
  selector:
    matchLabels:
      app: mixtral-chat
  template:
    metadata:
      labels:
        app: mixtral-chat
    spec:
      nodeSelector:
        cloud.google.com/gke-accelerator: nvidia-h100-80gb
      containers:
        - name: vllm
          image: vllm/vllm-openai:v0.11.0
          command: ["vllm", "serve"]
          args:
            - ${MIXTRAL}
            - --tensor-parallel-size=2
            - --max-model-len=32768
          ports:
            - containerPort: 8000
          resources:
            limits:
              nvidia.com/gpu: "2"
`;

/**
 * The three app configs the project started from: Mixtral 8x7B on one A10G at fp16, on one A100
 * 80GB at fp16 (87 GiB of 16-bit weights: it does not fit there either), and on one A10G as GPTQ 4-bit.
 */
const SEED_CONFIGS: Record<string, string> = {
  "mixtral-a10g-fp16.yaml": `model: ${MIXTRAL}\ngpu: A10G\nquant: fp16\n`,
  "mixtral-a100-80gb-fp16.yaml": `model: ${MIXTRAL}\ngpu: A100-80GB\nquant: fp16\n`,
  "mixtral-a10g-gptq.json": `{ "model": "${MIXTRAL}", "gpu": "A10G", "quant": "gptq-4bit" }\n`,
};

/** A Helm chart as `helm create` lays one out: its templates are Go templates, not YAML. */
const CHART: Record<string, string> = {
  "chart/Chart.yaml": "apiVersion: v2\nname: llm\nversion: 0.1.0\n",
  // A GPU type is pinned: without one, the model is judged on every GPU it could land on (vram/pin-gpu-type).
  "chart/values.yaml": "image:\n  tag: v0.11.0\nmodel: meta-llama/Llama-3.1-8B-Instruct\ngpus: 1\nnodeSelector:\n  nvidia.com/gpu.product: NVIDIA-H100-80GB-HBM3\n",
  "chart/templates/deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "llm.fullname" . }}
spec:
  template:
    spec:
      containers:
        - name: vllm
          image: "vllm/vllm-openai:{{ .Values.image.tag }}"
          args:
            - --model
            - {{ .Values.model | quote }}
            {{- range .Values.extraArgs }}
            - {{ . | quote }}
            {{- end }}
          resources:
            limits:
              nvidia.com/gpu: {{ .Values.gpus }}
`,
  "chart/templates/service.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ include \"llm.fullname\" . }}\nspec:\n  ports:\n    - port: {{ .Values.port | default 8000 }}\n",
};

const ESLINT_CONFIG_CJS = `const vram = require("eslint-plugin-vram");

module.exports = [...vram.configs.recommended];
`;

const REQUIRE_CHECK_CJS = `const vram = require("eslint-plugin-vram");
const rules = {};
for (const [name, rule] of Object.entries(vram.rules)) rules[name] = { create: typeof rule.create, url: rule.meta.docs.url };
process.stdout.write(JSON.stringify({
  name: vram.meta.name,
  version: vram.meta.version,
  configs: Object.keys(vram.configs),
  recommendedIsArray: Array.isArray(vram.configs.recommended),
  rules,
}));
`;

/**
 * An ESM TypeScript consumer. The @ts-expect-error lines fail the check if the declarations resolve to
 * `any` (an unused @ts-expect-error is itself an error), so this proves our .d.ts files are read.
 */
const CHECK_TS = `import vram, { configs, meta, rules } from "eslint-plugin-vram";
import type { ESLint, Linter } from "eslint";
import { defineConfig } from "eslint/config";

export const flat: Linter.Config[] = [
  ...vram.configs.recommended,
  ...configs.strict,
  {
    files: ["deploy/**/*.yaml"],
    plugins: { vram },
    rules: { "vram/kv-cache-headroom": ["error", { minConcurrentSequences: 4 }] },
  },
];
export const defined = defineConfig(vram.configs.all, { rules: { "vram/weights-fit": "warn" } });
export const asPlugin: ESLint.Plugin = vram;
export const pluginName: string = meta.name;
export const ruleNames: string[] = Object.keys(rules);

// @ts-expect-error there is no such config level
export const missing = vram.configs.lenient;
// @ts-expect-error configs are arrays of flat configs, not a single object
export const notAnArray: Linter.Config = vram.configs.recommended;
`;

// ---------------------------------------------------------------------------------------------------
// Running things

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment for every child process. Variables npm sets for a script it runs (`npm test`,
 * `npx vitest`), npm_config_local_prefix above all, would point the consumer's npm at this repo, and
 * NODE_OPTIONS could carry the test runner's loaders: drop them, keep which cache and npmrc files to
 * use. No colour, so output is compared as text.
 */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) && !/^npm_config_(cache|userconfig|globalconfig|registry)$/i.test(key)) continue;
    if (key === "NODE_OPTIONS" || key === "FORCE_COLOR") continue;
    env[key] = value;
  }
  return { ...env, NO_COLOR: "1", ...extra };
}

/** Environment for npm and npx in the consumer: never the network; npm's own warnings silenced. */
const OFFLINE_NPM = { npm_config_offline: "true", npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false", npm_config_loglevel: "error" };

function run(command: string, args: string[], options: { cwd: string; input?: string; env?: Record<string, string>; timeoutMs?: number }): Promise<RunResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: childEnv(options.env), stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
    // A command that exits without reading its input closes the pipe first (EPIPE): not an error here.
    child.stdin.on("error", () => {});
    child.stdin.end(options.input ?? "");
  });
}

/** What a failed assertion on a run prints. */
function shown(command: string, result: RunResult): string {
  return `${command} exited ${result.code}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`;
}

async function mustSucceed(command: string, args: string[], options: Parameters<typeof run>[2], hint = ""): Promise<RunResult> {
  const result = await run(command, args, options);
  if (result.code !== 0) throw new Error(`${shown(`${command} ${args.join(" ")}`, result)}${hint ? `\n${hint}` : ""}`);
  return result;
}

/** Skip only when npm itself (and so `npm pack`) cannot be run here. */
function npmPackProbe(): { available: true } | { available: false; reason: string } {
  const probe = spawnSync("npm", ["pack", "--help"], { encoding: "utf8", env: childEnv(), timeout: 60_000 });
  if (probe.error) return { available: false, reason: `npm cannot be run (${probe.error.message})` };
  if (probe.status !== 0) return { available: false, reason: `\`npm pack --help\` exited ${probe.status}` };
  return { available: true };
}

// ---------------------------------------------------------------------------------------------------
// The consumer's lockfile, derived from the repo's

interface PackageJson {
  name: string;
  version: string;
  license?: string;
  bin?: Record<string, string>;
  engines?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  overrides?: Record<string, string>;
}

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  dev?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [field: string]: unknown;
}

/** Where Node (and npm's tree) finds `name` when required from the package installed at `location`. */
function resolveInTree(tree: Record<string, LockEntry>, location: string, name: string): string | undefined {
  let from = location;
  for (;;) {
    const candidate = `${from ? `${from}/` : ""}node_modules/${name}`;
    if (tree[candidate]) return candidate;
    if (from === "") return undefined;
    from = from.replace(/\/?node_modules\/(@[^/]+\/)?[^/]+$/, "");
  }
}

/**
 * package-lock.json `packages` for a project whose devDependencies are `roots`: the entries of the
 * repo's lockfile reachable from them (plus the tarball's own entry), every one a dev dependency.
 */
function consumerLockPackages(roots: Record<string, string>, pluginEntry: LockEntry, name: string): Record<string, LockEntry> {
  const repoLock = JSON.parse(readFileSync(join(REPO, "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };
  const source: Record<string, LockEntry> = { ...repoLock.packages, [`node_modules/${repoPackage.name}`]: pluginEntry };
  const packages: Record<string, LockEntry> = { "": { name, devDependencies: roots } };
  const queue: Array<{ location: string; needs: Record<string, string>; optional: Set<string> }> = [{ location: "", needs: roots, optional: new Set() }];
  for (let item = queue.shift(); item; item = queue.shift()) {
    for (const name of Object.keys(item.needs)) {
      const target = resolveInTree(source, item.location, name);
      if (!target) {
        if (item.optional.has(name)) continue;
        throw new Error(`${item.location || "the consumer"} needs ${name}, which the repo's package-lock.json does not hold`);
      }
      if (packages[target]) continue;
      const entry = source[target]!;
      if (entry.link) throw new Error(`${target} is a linked package in the repo's lockfile; the consumer cannot install it`);
      const { dev: _dev, devOptional: _devOptional, peer: _peer, ...kept } = entry;
      packages[target] = { ...kept, dev: true };
      const optional = new Set([
        ...Object.keys(entry.optionalDependencies ?? {}),
        ...Object.entries(entry.peerDependenciesMeta ?? {})
          .filter(([, meta]) => meta.optional)
          .map(([peer]) => peer),
      ]);
      queue.push({ location: target, needs: { ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies }, optional });
    }
  }
  return packages;
}

// ---------------------------------------------------------------------------------------------------
// Output shapes

interface LintSuggestion {
  desc: string;
  messageId?: string;
  fix: { range: [number, number]; text: string };
}
interface LintMessage {
  ruleId: string | null;
  severity: number;
  message: string;
  messageId?: string;
  line: number;
  column: number;
  suggestions?: LintSuggestion[];
}
interface LintResult {
  filePath: string;
  messages: LintMessage[];
  errorCount: number;
}

/**
 * Files whose sizing requests recur with other instance types and checkpoints (see
 * test/trust/order.test.ts): results must not depend on which of them one ESLint run lints together.
 */
const ORDER_FILES = ["kubernetes/deepseek-r1-8xh100.yaml", "kubernetes/deepseek-v3-8xh100.yaml", "kubernetes/mixtral-8x7b-a10g-karpenter.yaml", "kubernetes/mixtral-8x7b-a10g.yaml"];

/** Findings with their suggestions (text and edit), per file name, comparable across runs and folders. */
function findingsWithSuggestions(results: LintResult[]): string[] {
  return results
    .flatMap((result) =>
      result.messages.map((m) => `${result.filePath.slice(result.filePath.lastIndexOf("/") + 1)}:${m.line}:${m.column} ${m.ruleId} ${m.message} ${JSON.stringify(m.suggestions ?? [])}`),
    )
    .sort();
}

/** The findings of an `eslint -f json` run, comparable across runs. */
function findings(results: LintResult[], base: string): string[] {
  return results
    .flatMap((result) => result.messages.map((m) => `${result.filePath.slice(base.length)}:${m.line}:${m.column} ${m.severity} ${m.ruleId} ${m.message}`))
    .sort();
}

// ---------------------------------------------------------------------------------------------------

const npmPack = npmPackProbe();
const suiteName = npmPack.available ? "the packed package in a fresh project" : `the packed package in a fresh project (skipped: ${npmPack.reason})`;

describe.skipIf(!npmPack.available)(suiteName, () => {
  let work = "";
  let consumer = "";
  let tarballFiles: string[] = [];
  let initialType: string | undefined;
  const bin = (name: string) => join(consumer, "node_modules", ".bin", name);
  const eslint = (cwd: string, args: string[], input?: string) => run(bin("eslint"), args, { cwd, ...(input === undefined ? {} : { input }) });
  const vram = (args: string[]) => run("npx", ["--no", "--", "vram", ...args], { cwd: consumer, env: OFFLINE_NPM });

  function write(relative: string, text: string): string {
    const path = join(consumer, relative);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return path;
  }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "vram-e2e-"));
    consumer = join(work, "consumer");
    const packDir = join(work, "pack");
    mkdirSync(packDir);
    mkdirSync(consumer);

    await mustSucceed("npm", ["run", "build"], { cwd: REPO, timeoutMs: 120_000 });
    const packed = await mustSucceed("npm", ["pack", "--json", "--pack-destination", packDir], { cwd: REPO });
    // Lifecycle scripts, if any are added, print before the JSON report.
    const report = JSON.parse(packed.stdout.slice(packed.stdout.search(/^\[/m))) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const tarball = join(packDir, report[0]!.filename);
    tarballFiles = report[0]!.files.map((file) => file.path);

    const pluginSpec = `file:${tarball}`;
    const roots = {
      [repoPackage.name]: pluginSpec,
      eslint: repoPackage.devDependencies!.eslint!,
    };
    const pluginEntry: LockEntry = {
      version: repoPackage.version,
      resolved: pluginSpec,
      integrity: `sha512-${createHash("sha512").update(readFileSync(tarball)).digest("base64")}`,
      ...(repoPackage.license ? { license: repoPackage.license } : {}),
      ...(repoPackage.dependencies ? { dependencies: repoPackage.dependencies } : {}),
      ...(repoPackage.peerDependencies ? { peerDependencies: repoPackage.peerDependencies } : {}),
      ...(repoPackage.bin ? { bin: repoPackage.bin } : {}),
      ...(repoPackage.engines ? { engines: repoPackage.engines } : {}),
    };
    // A new user's repository: `npm init -y`, then the dev dependencies the README installs.
    await mustSucceed("npm", ["init", "-y"], { cwd: consumer, env: OFFLINE_NPM });
    const initialized = JSON.parse(readFileSync(join(consumer, "package.json"), "utf8")) as PackageJson & { type?: string };
    initialType = initialized.type;
    const consumerPackage = { ...initialized, devDependencies: roots, ...(repoPackage.overrides ? { overrides: repoPackage.overrides } : {}) };
    write("package.json", `${JSON.stringify(consumerPackage, null, 2)}\n`);
    write("package-lock.json", `${JSON.stringify({ name: initialized.name, lockfileVersion: 3, requires: true, packages: consumerLockPackages(roots, pluginEntry, initialized.name) }, null, 2)}\n`);
    write("eslint.config.mjs", README_CONFIG);
    const install = ["ci", "--ignore-scripts", "--no-audit", "--no-fund"];
    const offline = await run("npm", [...install, "--offline"], { cwd: consumer, env: OFFLINE_NPM, timeoutMs: 120_000 });
    if (offline.code !== 0) {
      // `npm ci` of the repo caches every registry document the consumer's `npm ci` reads; a cache
      // filled by `npm install` holds the full documents instead. Outside CI, fetch only what is
      // missing; in CI the install stays offline, so a broken guarantee fails here instead of hiding.
      if (process.env.CI || !offline.stderr.includes("ENOTCACHED")) {
        throw new Error(`${shown("npm ci --offline (consumer)", offline)}\nThe consumer installs from the npm cache only: run \`npm ci\` in the repo first so that every locked package is cached.`);
      }
      console.warn("e2e: not every locked package is in the npm cache in the form `npm ci` reads; installing the consumer with --prefer-offline");
      await mustSucceed("npm", [...install, "--prefer-offline"], { cwd: consumer, env: { ...OFFLINE_NPM, npm_config_offline: "false" }, timeoutMs: 120_000 });
    }

    write("a10g/mixtral-a10g.yaml", MIXTRAL_A10G);
    for (const file of ORDER_FILES) write(`order/${file.slice(file.lastIndexOf("/") + 1)}`, readFileSync(join(REPO, "fixtures", file), "utf8"));
    write("h100/mixtral-2xh100.yaml", MIXTRAL_2XH100);
    for (const tree of ["cached", "parallel"]) {
      write(`${tree}/east/mixtral-a10g.yaml`, MIXTRAL_A10G);
      write(`${tree}/east/mixtral-2xh100.yaml`, MIXTRAL_2XH100);
      write(`${tree}/west/mixtral-a10g.yaml`, MIXTRAL_A10G);
      write(`${tree}/west/mixtral-2xh100.yaml`, MIXTRAL_2XH100);
    }
    write("cjs-project/eslint.config.cjs", ESLINT_CONFIG_CJS);
    write("cjs-project/mixtral-a10g.yaml", MIXTRAL_A10G);
    write("require-check.cjs", REQUIRE_CHECK_CJS);
    write("hcl-import-check.cjs", HCL_IMPORT_CHECK_CJS);
    for (const [project, config] of [["terraform", ["eslint.config.mjs", README_HCL_CONFIG]], ["terraform-cjs", ["eslint.config.cjs", README_HCL_CONFIG_CJS]]] as const) {
      write(`${project}/${config[0]}`, config[1]);
      write(`${project}/llm/main.tf`, TERRAFORM_MAIN);
      write(`${project}/llm/variables.tf`, TERRAFORM_VARIABLES);
    }
    write("check.mts", CHECK_TS);
    for (const [name, text] of Object.entries(SEED_CONFIGS)) write(`seeds/${name}`, text);
    for (const [name, text] of Object.entries(CHART)) write(name, text);
  }, 180_000);

  afterAll(() => {
    if (!work) return;
    if (process.env.VRAM_E2E_KEEP) console.warn(`e2e consumer project kept at ${consumer}`);
    else rmSync(work, { recursive: true, force: true });
  });

  describe("the tarball", () => {
    it("holds the built plugin, its declarations, the CLI and the catalog, and no TypeScript sources or tests", () => {
      for (const path of ["package.json", "dist/src/index.js", "dist/src/hcl/index.js", "dist/src/hcl/index.d.ts", "dist/grammars/tree-sitter-terraform.wasm", "dist/grammars/tree-sitter-hcl.LICENSE", "dist/src/index.d.ts", "dist/src/cli.js", "dist/package.json", "dist/src/catalog/data/meta.json", "dist/src/catalog/data/models/meta-llama.json", "dist/src/catalog/data/gpus/nvidia.json", "dist/src/catalog/schema.json", "dist/rules/weights-fit.js", "dist/rules/kv-cache-headroom.js"]) {
        expect(tarballFiles, path).toContain(path);
      }
      const stray = tarballFiles.filter((path) => (/\.ts$/.test(path) && !/\.d\.ts$/.test(path)) || /^(src|rules|test|fixtures|bench|node_modules|docs\/playground)\//.test(path));
      expect(stray).toEqual([]);
      // What package.json points at is in the tarball.
      expect(tarballFiles).toContain(repoPackage.bin!.vram!.replace(/^\.\//, ""));
      expect(readFileSync(join(consumer, "node_modules", repoPackage.name, "dist/src/cli.js"), "utf8")).toMatch(/^#!\/usr\/bin\/env node\n/);
    });
  });

  describe("eslint", () => {
    it("exits 1 on Mixtral on one A10G, and the stylish output names the rule and the 12.9B active / 46.7B total parameters", async () => {
      const result = await eslint(join(consumer, "a10g"), ["."]);
      expect(result.code, shown("eslint .", result)).toBe(1);
      expect(result.stdout).toContain("mixtral-a10g.yaml");
      const finding = result.stdout.split("\n").find((line) => /^\s+\d+:\d+\s+error\s.*\svram\/weights-fit$/.test(line));
      expect(finding, result.stdout).toBeDefined();
      expect(finding).toContain("12.9B");
      expect(finding).toContain("46.7B");
      expect(result.stdout).toContain("1 problem (1 error, 0 warnings)");
      expect(result.stderr).toBe("");
    });

    it("exits 0 on a tree with only Mixtral on 2 × H100 at TP 2", async () => {
      const result = await eslint(join(consumer, "h100"), ["."]);
      expect(result.code, shown("eslint .", result)).toBe(0);
      expect(result.stdout).toBe("");
    });

    it("--format json carries the finding with suggestions, each with desc and fix, and each fix makes the weights fit", async () => {
      const result = await eslint(join(consumer, "a10g"), [".", "--format", "json"]);
      expect(result.code, shown("eslint . --format json", result)).toBe(1);
      const results = JSON.parse(result.stdout) as LintResult[];
      const file = results.find((r) => r.filePath.endsWith("mixtral-a10g.yaml"));
      expect(file).toBeDefined();
      const finding = file!.messages.find((m) => m.ruleId === "vram/weights-fit");
      expect(finding, JSON.stringify(file!.messages)).toBeDefined();
      expect(finding!.severity).toBe(2);
      expect(finding!.line).toBeGreaterThanOrEqual(1);
      expect(finding!.message).toContain("12.9B");
      expect(finding!.message).toContain("46.7B");
      const suggestions = finding!.suggestions ?? [];
      expect(suggestions.length).toBeGreaterThan(0);
      for (const suggestion of suggestions) {
        expect(suggestion.desc).toMatch(/\S/);
        expect(suggestion.fix.range).toHaveLength(2);
        expect(suggestion.fix.range[0]).toBeLessThanOrEqual(suggestion.fix.range[1]);
        expect(suggestion.fix.range[1]).toBeLessThanOrEqual(MIXTRAL_A10G.length);
        expect(typeof suggestion.fix.text).toBe("string");
      }

      // Apply each suggestion as an editor would, and lint the results in one run.
      suggestions.forEach((suggestion, i) => {
        const [start, end] = suggestion.fix.range;
        write(`suggested/fix-${i}.yaml`, MIXTRAL_A10G.slice(0, start) + suggestion.fix.text + MIXTRAL_A10G.slice(end));
      });
      const fixed = await eslint(join(consumer, "suggested"), [".", "--format", "json"]);
      const stillFailing = (JSON.parse(fixed.stdout) as LintResult[]).flatMap((r) => r.messages.filter((m) => m.ruleId === "vram/weights-fit" || m.severity === 2).map((m) => `${r.filePath}: ${m.message}`));
      expect(stillFailing).toEqual([]);
    });

    it("the repository is the one `npm init -y` makes (CommonJS), and the README's eslint.config.mjs runs in it", async () => {
      expect(initialType).toBe("commonjs");
      expect(readFileSync(join(consumer, "eslint.config.mjs"), "utf8")).toBe(README_CONFIG);
      const result = await eslint(join(consumer, "h100"), ["."]);
      expect(result.code, shown("eslint . (npm init -y, README config)", result)).toBe(0);
      expect(result.stderr).toBe("");
    });

    it("the three seed configs (Mixtral on an A10G at fp16, on an A100 80GB at fp16, on an A10G as gptq-4bit) are each a vram/weights-fit error", async () => {
      const result = await eslint(join(consumer, "seeds"), [".", "--format", "json"]);
      expect(result.code, shown("eslint seeds", result)).toBe(1);
      const byFile = (JSON.parse(result.stdout) as LintResult[]).map((r) => [r.filePath.slice(join(consumer, "seeds").length + 1), r.messages.map((m) => `${m.ruleId} ${m.severity}`)]);
      expect(Object.fromEntries(byFile)).toEqual({
        "mixtral-a100-80gb-fp16.yaml": ["vram/weights-fit 2"],
        "mixtral-a10g-fp16.yaml": ["vram/weights-fit 2"],
        "mixtral-a10g-gptq.json": ["vram/weights-fit 2"],
      });
    });

    it("a Helm chart folder does not make `eslint .` fail with parse errors", async () => {
      const result = await eslint(consumer, ["chart", "--format", "json"]);
      const results = JSON.parse(result.stdout) as LintResult[];
      expect(results.map((r) => r.filePath.slice(consumer.length + 1)).sort()).toEqual(["chart/Chart.yaml", "chart/templates/deployment.yaml", "chart/templates/service.yaml", "chart/values.yaml"]);
      expect(results.flatMap((r) => r.messages.filter((m) => m.ruleId === null || /Parsing error/.test(m.message)))).toEqual([]);
      expect(result.code, shown("eslint chart", result)).toBe(0);
    });

    it(`-f ${SARIF_FORMATTER} (the README's CI step) writes a valid SARIF 2.1.0 log with the finding and helpUri per rule`, async () => {
      expect(README).toContain(`-f ${SARIF_FORMATTER} -o eslint.sarif`);
      const docs = await run("node", ["--input-type=module", "-e", `import vram from "eslint-plugin-vram"; process.stdout.write(JSON.stringify(Object.fromEntries(Object.entries(vram.rules).map(([name, rule]) => ["vram/" + name, rule.meta.docs.url]))));`], { cwd: consumer });
      expect(docs.code, shown("node -e", docs)).toBe(0);
      const docsUrl = JSON.parse(docs.stdout) as Record<string, string>;

      const result = await eslint(consumer, ["a10g", "-f", SARIF_FORMATTER]);
      expect(result.code, shown(`eslint a10g -f ${SARIF_FORMATTER}`, result)).toBe(1);
      const log = JSON.parse(result.stdout) as {
        version: string;
        runs: Array<{
          tool: { driver: { rules: Array<{ id: string; helpUri?: string }> } };
          originalUriBaseIds: Record<string, { uri: string }>;
          results: Array<{ ruleId: string; level: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number } } }> }>;
        }>;
      };
      expect(sarifProblems(log)).toEqual([]);
      expect(log.version).toBe("2.1.0");
      const results = log.runs.flatMap((run) => run.results ?? []);
      const finding = results.find((r) => r.ruleId === "vram/weights-fit");
      expect(finding, JSON.stringify(results)).toBeDefined();
      expect(finding!.level).toBe("error");
      const location = finding!.locations[0]!.physicalLocation;
      expect(location.artifactLocation).toMatchObject({ uri: "a10g/mixtral-a10g.yaml", uriBaseId: "%SRCROOT%" });
      expect(new URL(location.artifactLocation.uri, log.runs[0]!.originalUriBaseIds["%SRCROOT%"]!.uri).href).toBe(pathToFileURL(join(consumer, "a10g", "mixtral-a10g.yaml")).href);
      expect(location.region.startLine).toBeGreaterThanOrEqual(1);

      const ours = log.runs.flatMap((run) => run.tool.driver.rules).filter((rule) => rule.id.startsWith("vram/"));
      expect(ours.map((rule) => rule.id)).toContain("vram/weights-fit");
      for (const rule of ours) {
        expect(docsUrl[rule.id], rule.id).toMatch(/^https:\/\//);
        expect(rule.helpUri, rule.id).toBe(docsUrl[rule.id]);
      }
    });

    it("--stdin --stdin-filename lints rendered output (exit 1 for the A10G manifest, 0 for 2 × H100)", async () => {
      const misfit = await eslint(consumer, ["--stdin", "--stdin-filename", "rendered.yaml"], MIXTRAL_A10G);
      expect(misfit.code, shown("eslint --stdin", misfit)).toBe(1);
      expect(misfit.stdout).toContain("rendered.yaml");
      expect(misfit.stdout).toContain("vram/weights-fit");
      expect(misfit.stdout).toContain("46.7B");

      const fits = await eslint(consumer, ["--stdin", "--stdin-filename", "rendered.yaml"], MIXTRAL_2XH100);
      expect(fits.code, shown("eslint --stdin", fits)).toBe(0);
    });

    it("--cache writes a cache file and the second run reports the same", async () => {
      const tree = join(consumer, "cached");
      const first = await eslint(tree, [".", "--cache"]);
      expect(first.code, shown("eslint . --cache", first)).toBe(1);
      expect(existsSync(join(tree, ".eslintcache"))).toBe(true);
      expect(first.stdout).toContain("2 problems (2 errors, 0 warnings)");
      const second = await eslint(tree, [".", "--cache"]);
      expect(second.code, shown("eslint . --cache (second run)", second)).toBe(1);
      expect(second.stdout).toBe(first.stdout);
    });

    it("--concurrency auto (and 2 worker threads) report the same findings as a serial run", async () => {
      const tree = join(consumer, "parallel");
      const serial = await eslint(tree, [".", "-f", "json"]);
      expect(serial.code, shown("eslint .", serial)).toBe(1);
      const expected = findings(JSON.parse(serial.stdout) as LintResult[], tree);
      expect(expected.filter((line) => line.includes("vram/weights-fit"))).toHaveLength(2);
      for (const concurrency of ["auto", "2"]) {
        const parallel = await eslint(tree, [".", "-f", "json", "--concurrency", concurrency]);
        expect(parallel.code, shown(`eslint . --concurrency ${concurrency}`, parallel)).toBe(1);
        expect(findings(JSON.parse(parallel.stdout) as LintResult[], tree)).toEqual(expected);
      }
    });
  });

  describe("Terraform through eslint-plugin-vram/hcl", () => {
    it.each(["terraform", "terraform-cjs"])("the README's %s config finds Mixtral on one g5.2xlarge, on the GPU count it requests", async (project) => {
      const result = await eslint(join(consumer, project), ["llm", "--format", "json"]);
      expect(result.code, shown(`eslint llm (${project})`, result)).toBe(1);
      const byFile = (JSON.parse(result.stdout) as LintResult[]).map((r) => [r.filePath.slice(join(consumer, project).length + 1), r.messages.map((m) => `${m.ruleId} ${m.line}:${m.column}`)]);
      expect(Object.fromEntries(byFile)).toEqual({ [join("llm", "main.tf")]: ["vram/weights-fit 19:43"], [join("llm", "variables.tf")]: [] });
    });

    it("require('eslint-plugin-vram') still works beside it, and import('eslint-plugin-vram/hcl') loads from CommonJS", async () => {
      const result = await run("node", ["hcl-import-check.cjs"], { cwd: consumer });
      expect(result.code, shown("node hcl-import-check.cjs", result)).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual({ files: ["**/*.tf", "**/*.tfvars", "**/*.tfvars.example", "**/*.nomad.hcl", "**/*.nomad"], language: "vram/hcl", levels: ["recommended", "strict", "all"] });
    });

    it("vram explain reads the .tf file in its folder", async () => {
      const result = await vram(["explain", "terraform/llm/main.tf"]);
      expect(result.code, shown("npx vram explain main.tf", result)).toBe(1);
      expect(result.stdout).toContain("kubernetes_deployment_v1 mixtral-chat (terraform/llm/main.tf:17:31)");
      expect(result.stdout).toMatch(/46\.7B[^\n]*resident/);
    });
  });

  describe("results are the same alone, together, with --concurrency 2 and with --cache", () => {
    it("each file linted in its own run reports what runs of all of them report, serial, in two worker threads, cached and from the cache", async () => {
      const tree = join(consumer, "order");
      const alone: string[] = [];
      for (const file of ORDER_FILES) {
        const name = file.slice(file.lastIndexOf("/") + 1);
        const result = await eslint(tree, [name, "-f", "json"]);
        alone.push(...findingsWithSuggestions(JSON.parse(result.stdout) as LintResult[]));
      }
      alone.sort();
      expect(alone.filter((line) => line.includes("vram/weights-fit")).length).toBeGreaterThanOrEqual(ORDER_FILES.length);
      for (const args of [[], ["--concurrency", "2"], ["--cache"], ["--cache"]]) {
        const run = await eslint(tree, [".", "-f", "json", ...args]);
        expect(findingsWithSuggestions(JSON.parse(run.stdout) as LintResult[]), `eslint . ${args.join(" ")}`).toEqual(alone);
      }
    });
  });

  describe("the vram CLI through npx", () => {
    it("estimate: Mixtral on an A10G does not fit (exit 1) and names 46.7B resident and 12.9B active", async () => {
      const result = await vram(["estimate", "--model", MIXTRAL, "--gpu", "A10G"]);
      expect(result.code, shown("npx vram estimate", result)).toBe(1);
      expect(result.stdout).toContain("46.7B");
      expect(result.stdout).toContain("12.9B");
    });

    it("estimate exits 1 where the rules report an error: bfloat16 on a T4, tensor parallel 3 for 64 heads", async () => {
      const bf16 = await vram(["estimate", "--model", "meta-llama/Llama-3.2-3B-Instruct", "--gpu", "T4", "--dtype", "bfloat16", "--max-model-len", "4096"]);
      expect(bf16.code, shown("npx vram estimate --dtype bfloat16 --gpu T4", bf16)).toBe(1);
      expect(bf16.stdout).toContain("✗ Does not start: bfloat16 needs compute capability 8.0");
      const tp3 = await vram(["estimate", "--model", "meta-llama/Llama-3.1-70B-Instruct", "--gpu", "H100", "--gpu-count", "3", "--tensor-parallel-size", "3"]);
      expect(tp3.code, shown("npx vram estimate --tensor-parallel-size 3", tp3)).toBe(1);
      expect(tp3.stdout).toContain("tensor parallel 3 does not divide Llama-3.1-70B-Instruct's 64 attention heads");
    });

    it("estimate --json gives the documented fields", async () => {
      const result = await vram(["estimate", "--model", MIXTRAL, "--gpu", "A10G", "--json"]);
      expect(result.code, shown("npx vram estimate --json", result)).toBe(1);
      const estimate = JSON.parse(result.stdout) as Record<string, unknown>;
      for (const field of ["verdict", "model", "gpu", "perGpu", "kvBytesPerToken", "kvCapacityTokens", "maxModelLen", "maxConcurrency", "suggestions"]) {
        expect(estimate, field).toHaveProperty(field);
      }
      expect(estimate.verdict).not.toBe("fits");
      expect(estimate.maxModelLen).toBe(32768);
      expect(Array.isArray(estimate.suggestions) && estimate.suggestions.length > 0).toBe(true);
    });

    it("estimate: Mixtral on 2 × H100 at TP 2 fits (exit 0)", async () => {
      const result = await vram(["estimate", "--model", MIXTRAL, "--gpu", "H100", "--tensor-parallel-size", "2"]);
      expect(result.code, shown("npx vram estimate --gpu H100 --tensor-parallel-size 2", result)).toBe(0);
    });

    it.each([
      ["--tensor-parallel-size 0", ["estimate", "--model", MIXTRAL, "--gpu", "H100", "--tensor-parallel-size", "0"]],
      ["an unknown model", ["estimate", "--model", "no-such-org/no-such-model-7b", "--gpu", "A10G"]],
    ])("a usage error (%s) exits 2 with one line on stderr and no stack trace", async (_label, args) => {
      const result = await vram(args);
      expect(result.code, shown(`npx vram ${args.join(" ")}`, result)).toBe(2);
      const lines = result.stderr.split("\n").filter((line) => line !== "");
      expect(lines, result.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^vram: /);
      expect(result.stderr).not.toMatch(/^\s+at /m);
    });

    it("explain prints the 46.7B-resident / 12.9B-active breakdown of the A10G manifest", async () => {
      const result = await vram(["explain", "a10g/mixtral-a10g.yaml"]);
      expect(result.code, shown("npx vram explain", result)).toBe(1);
      expect(result.stdout).toContain("a10g/mixtral-a10g.yaml");
      expect(result.stdout).toMatch(/46\.7B[^\n]*resident/);
      expect(result.stdout).toMatch(/12\.9B[^\n]*active/);
      expect(result.stdout).toMatch(/Weights/);
      expect(result.stdout).toMatch(/KV cache/);
    });

    it("--version prints the package version and the catalog date", async () => {
      const result = await vram(["--version"]);
      expect(result.code, shown("npx vram --version", result)).toBe(0);
      expect(result.stdout.trim()).toMatch(new RegExp(`^${repoPackage.name} ${repoPackage.version.replace(/\./g, "\\.")} \\(catalog \\d{4}-\\d{2}-\\d{2}\\)$`));
    });
  });

  describe("module formats and types", () => {
    it("require('eslint-plugin-vram') from CommonJS returns the plugin object (require of ESM)", async () => {
      const result = await run("node", ["require-check.cjs"], { cwd: consumer });
      expect(result.code, shown("node require-check.cjs", result)).toBe(0);
      expect(result.stderr).toBe("");
      const plugin = JSON.parse(result.stdout) as { name: string; version: string; configs: string[]; recommendedIsArray: boolean; rules: Record<string, { create: string; url: string }> };
      expect(plugin.name).toBe("eslint-plugin-vram");
      expect(plugin.version).toBe(repoPackage.version);
      expect(plugin.configs).toEqual(expect.arrayContaining(["recommended", "strict", "all"]));
      expect(plugin.recommendedIsArray).toBe(true);
      expect(plugin.rules["weights-fit"]?.create).toBe("function");
    });

    it("a CommonJS eslint.config.cjs that requires the plugin works", async () => {
      const result = await eslint(join(consumer, "cjs-project"), ["."]);
      expect(result.code, shown("eslint . (eslint.config.cjs)", result)).toBe(1);
      expect(result.stdout).toContain("vram/weights-fit");
    });

    it("type declarations resolve for an ESM TypeScript consumer and are checked (skipLibCheck off)", async () => {
      const tsc = join(REPO, "node_modules", "typescript", "bin", "tsc");
      const args = [tsc, "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "--noEmit", "--strict", "--skipLibCheck", "false", "--listFiles", "check.mts"];
      const result = await run("node", args, { cwd: consumer });
      expect(result.code, shown("tsc check.mts", result)).toBe(0);
      // Our own declarations are part of the checked program, resolved through package.json "exports".
      expect(result.stdout).toContain(join(consumer, "node_modules", repoPackage.name, "dist", "src", "index.d.ts"));
    }, 60_000);

    it("declares every package its type declarations import (so isolated, pnpm-style installs resolve them)", () => {
      const installed = join(consumer, "node_modules", repoPackage.name);
      const declared = new Set([...Object.keys(repoPackage.dependencies ?? {}), ...Object.keys(repoPackage.peerDependencies ?? {})]);
      const imported = new Set<string>();
      const walk = (dir: string): void => {
        for (const entry of readdirSync(dir, { withFileTypes: true })) {
          const path = join(dir, entry.name);
          if (entry.isDirectory()) walk(path);
          else if (entry.name.endsWith(".d.ts")) {
            for (const match of readFileSync(path, "utf8").matchAll(/(?:from|import\()\s*["']([^"'.][^"']*)["']/g)) {
              const specifier = match[1]!;
              if (specifier.startsWith("node:")) continue;
              imported.add(specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!);
            }
          }
        }
      };
      walk(join(installed, "dist"));
      expect(imported.size).toBeGreaterThan(0);
      expect([...imported].filter((name) => !declared.has(name))).toEqual([]);
    });
  });

  describe("vram lint, zero-config, from the packed package", () => {
    /** A repository of someone who runs kube-linter: manifests and a chart, no package.json, no ESLint config. */
    let infra = "";
    let clean = "";
    const vramBin = () => bin("vram");
    const writeAt = (root: string, relative: string, text: string) => {
      mkdirSync(dirname(join(root, relative)), { recursive: true });
      writeFileSync(join(root, relative), text);
    };

    beforeAll(() => {
      infra = join(work, "infra-repo");
      clean = join(work, "clean-repo");
      writeAt(infra, "deploy/mixtral-a10g.yaml", MIXTRAL_A10G);
      writeAt(infra, ".gitignore", "rendered/\n");
      writeAt(infra, "rendered/mixtral.yaml", MIXTRAL_A10G);
      for (const [name, text] of Object.entries(CHART)) writeAt(infra, name, text);
      writeAt(clean, "deploy/mixtral-2xh100.yaml", MIXTRAL_2XH100);
      writeAt(clean, "chart/values.yaml", CHART["chart/values.yaml"]!);
    });

    it("the folders have no package.json and no ESLint config above them", () => {
      for (let folder = infra; dirname(folder) !== folder; folder = dirname(folder)) {
        expect(readdirSync(folder).filter((name) => name === "package.json" || name.startsWith("eslint.config."))).toEqual([]);
      }
    });

    it("`vram lint .` exits 1 with the vram/weights-fit finding (and skips .gitignore'd output); a clean folder exits 0", async () => {
      const misfit = await run(vramBin(), ["lint", "."], { cwd: infra });
      expect(misfit.code, shown("vram lint .", misfit)).toBe(1);
      expect(misfit.stdout).toContain(join(infra, "deploy", "mixtral-a10g.yaml"));
      expect(misfit.stdout).toMatch(/^ {2}\d+:\d+ {2}error {2}Mixtral-8x7B-Instruct-v0\.1 needs [\d.]+ GiB at bf16; .* Only 12\.9B of its 46\.7B parameters are active per token, but every expert must be resident.* {2}vram\/weights-fit$/m);
      // The chart's template is not judged (rendering may add or drop settings), and says so.
      expect(misfit.stdout).toMatch(/^ {2}\d+:\d+ {2}warning {2}It sits in a Go template \(\{\{- range \.Values\.extraArgs \}\}\).* {2}vram\/unchecked-deployment$/m);
      expect(misfit.stdout).toContain("✖ 2 problems (1 error, 1 warning)");
      expect(misfit.stdout).not.toContain(join(infra, "rendered"));
      expect(misfit.stderr).toBe("");

      const fits = await run(vramBin(), ["lint", "."], { cwd: clean });
      expect(fits, shown("vram lint . (clean)", fits)).toEqual({ code: 0, stdout: "", stderr: "" });
    });

    it("`--format sarif` writes a located SARIF 2.1.0 result with helpUri that the SARIF schema accepts", async () => {
      const result = await run(vramBin(), ["lint", ".", "--format", "sarif"], { cwd: infra });
      expect(result.code, shown("vram lint --format sarif", result)).toBe(1);
      const log = JSON.parse(result.stdout) as {
        version: string;
        runs: Array<{ tool: { driver: { rules: Array<{ id: string; helpUri: string }> } }; results: Array<{ ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }> }> }>;
      };
      expect(sarifSchemaErrors(log)).toEqual([]);
      expect(sarifProblems(log)).toEqual([]);
      expect(log.version).toBe("2.1.0");
      const finding = log.runs[0]!.results.find((result) => result.ruleId === "vram/weights-fit");
      expect(log.runs[0]!.results.map((result) => result.ruleId).sort()).toEqual(["vram/unchecked-deployment", "vram/weights-fit"]);
      expect(finding!.locations[0]!.physicalLocation.artifactLocation.uri).toBe("deploy/mixtral-a10g.yaml");
      const { startLine, startColumn } = finding!.locations[0]!.physicalLocation.region;
      expect(MIXTRAL_A10G.split("\n")[startLine - 1]!.slice(startColumn - 1)).toBe("1");
      expect(log.runs[0]!.tool.driver.rules).toEqual(expect.arrayContaining([expect.objectContaining({ id: "vram/weights-fit", helpUri: expect.stringMatching(/^https:\/\/.*\/docs\/rules\/weights-fit\.md$/) })]));
    });

    it("`--stdin --stdin-filename rendered.yaml` lints rendered output (as `helm template … |` gives it)", async () => {
      const misfit = await run(vramBin(), ["lint", "--stdin", "--stdin-filename", "rendered.yaml"], { cwd: clean, input: MIXTRAL_A10G });
      expect(misfit.code, shown("vram lint --stdin", misfit)).toBe(1);
      expect(misfit.stdout).toContain(join(clean, "rendered.yaml"));
      expect(misfit.stdout).toContain("vram/weights-fit");
      const fits = await run(vramBin(), ["lint", "--stdin", "--stdin-filename", "rendered.yaml"], { cwd: clean, input: MIXTRAL_2XH100 });
      expect(fits.code, shown("vram lint --stdin", fits)).toBe(0);
    });

    it("lints Terraform .tf in its module through the packaged HCL grammar", async () => {
      const module = join(work, "tf-repo", "endpoint");
      writeAt(module, "variables.tf", 'variable "instance_type" {\n  type    = string\n  default = "ml.g5.2xlarge"\n}\n');
      writeAt(
        module,
        "main.tf",
        `resource "aws_sagemaker_model" "mixtral" {
  name = "mixtral-8x7b-instruct"
  primary_container {
    image = "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.3.0-tgi2.2.0-gpu-py310-cu121-ubuntu22.04"
    environment = {
      HF_MODEL_ID      = "${MIXTRAL}"
      MAX_TOTAL_TOKENS = "8192"
    }
  }
}

resource "aws_sagemaker_endpoint_configuration" "mixtral" {
  name = "mixtral-config"
  production_variants {
    variant_name           = "AllTraffic"
    model_name             = aws_sagemaker_model.mixtral.name
    initial_instance_count = 1
    instance_type          = var.instance_type
  }
}
`,
      );
      const result = await run(vramBin(), ["lint", "."], { cwd: dirname(module) });
      expect(result.code, shown("vram lint . (Terraform)", result)).toBe(1);
      expect(result.stdout).toContain(join(module, "main.tf"));
      expect(result.stdout).toMatch(/Mixtral-8x7B-Instruct-v0\.1 needs [\d.]+ GiB at bf16;.*vram\/weights-fit$/m);
    });

    it("`npx eslint-plugin-vram lint` runs the same command (the package's second bin name)", async () => {
      expect(repoPackage.bin).toEqual({ vram: "./dist/src/cli.js", "eslint-plugin-vram": "./dist/src/cli.js" });
      const result = await run("npx", ["--no", "--", "eslint-plugin-vram", "lint", "a10g"], { cwd: consumer, env: OFFLINE_NPM });
      expect(result.code, shown("npx eslint-plugin-vram lint a10g", result)).toBe(1);
      expect(result.stdout).toContain("vram/weights-fit");
    });

    it("honours the eslint-suppressions.json that `eslint --suppress-all` writes", async () => {
      const project = join(consumer, "adopt");
      writeAt(project, "eslint.config.mjs", README_CONFIG);
      writeAt(project, "fleet/a.yaml", MIXTRAL_A10G);
      writeAt(project, "fleet/b.yaml", MIXTRAL_A10G);
      expect((await run(vramBin(), ["lint"], { cwd: project })).code).toBe(1);
      const suppressed = await eslint(project, [".", "--suppress-all"]);
      expect(suppressed.code, shown("eslint --suppress-all", suppressed)).toBe(0);
      expect(JSON.parse(readFileSync(join(project, "eslint-suppressions.json"), "utf8"))).toEqual({
        "fleet/a.yaml": { "vram/weights-fit": { count: 1 } },
        "fleet/b.yaml": { "vram/weights-fit": { count: 1 } },
      });
      expect(await run(vramBin(), ["lint"], { cwd: project })).toEqual({ code: 0, stdout: "", stderr: "" });
      // A new misfit is reported; the accepted ones stay quiet.
      writeAt(project, "fleet/c.yaml", MIXTRAL_A10G);
      const added = await run(vramBin(), ["lint", "-f", "json"], { cwd: project });
      expect(added.code).toBe(1);
      expect((JSON.parse(added.stdout) as LintResult[]).filter((r) => r.messages.length > 0).map((r) => r.filePath.slice(project.length + 1))).toEqual(["fleet/c.yaml"]);
    });

    it(".pre-commit-hooks.yaml: the vram hook, run as pre-commit runs it (staged files filtered by its types and pattern, passed to its entry at the repository root)", async () => {
      const hooks = getStaticYAMLValue(parseYAML(readFileSync(join(REPO, ".pre-commit-hooks.yaml"), "utf8"))) as Array<Record<string, unknown>>;
      expect(hooks).toHaveLength(1);
      const hook = hooks[0]!;
      expect(hook).toMatchObject({ id: "vram", language: "node", entry: "vram lint", types_or: ["yaml", "json", "terraform", "shell"] });
      // pre-commit's file types (identify's tags) by extension, for the ones that matter here.
      const tags: Record<string, string[]> = { yaml: ["yaml"], yml: ["yaml"], json: ["json"], tf: ["terraform"], tfvars: ["terraform"], sh: ["shell"], md: ["markdown"] };
      const pattern = new RegExp(hook.files as string);
      const selected = (files: string[]) =>
        files.filter((file) => (tags[file.split(".").pop()!] ?? []).some((tag) => (hook.types_or as string[]).includes(tag)) && pattern.test(file));

      const repo = join(work, "precommit-repo");
      writeAt(repo, "deploy/mixtral.yaml", MIXTRAL_A10G);
      writeAt(repo, "chart/values.yaml", CHART["chart/values.yaml"]!);
      writeAt(repo, ".github/workflows/ci.yml", "on: [push]\njobs: {}\n");
      writeAt(repo, "README.md", "# infra\n");
      writeAt(repo, "prod.tfvars", 'instance_type = "g5.2xlarge"\n');
      writeAt(repo, "scripts/backup.sh", "#!/bin/sh\ntar czf /backups/models.tgz /srv/models\n");
      await mustSucceed("git", ["init", "-q"], { cwd: repo });
      await mustSucceed("git", ["add", "-A"], { cwd: repo });
      const staged = (await mustSucceed("git", ["diff", "--cached", "--name-only"], { cwd: repo })).stdout.trim().split("\n");
      const files = selected(staged);
      expect(files.sort()).toEqual([".github/workflows/ci.yml", "chart/values.yaml", "deploy/mixtral.yaml", "prod.tfvars", "scripts/backup.sh"]);

      // `language: node` puts the installed package's bin folder on PATH.
      const env = { PATH: `${join(consumer, "node_modules", ".bin")}:${process.env.PATH}` };
      const [command, ...args] = (hook.entry as string).split(" ");
      const failing = await run(command!, [...args, ...files], { cwd: repo, env });
      expect(failing.code, shown("vram hook", failing)).toBe(1);
      expect(failing.stdout).toContain(join(repo, "deploy", "mixtral.yaml"));
      expect(failing.stdout).toContain("vram/weights-fit");

      writeAt(repo, "deploy/mixtral.yaml", MIXTRAL_2XH100);
      const passing = await run(command!, [...args, ...files], { cwd: repo, env });
      expect(passing, shown("vram hook (fixed)", passing)).toEqual({ code: 0, stdout: "", stderr: "" });
    });

    describe("action.yml (composite GitHub Action)", () => {
      interface Step {
        id?: string;
        name?: string;
        if?: string;
        uses?: string;
        run?: string;
        shell?: string;
        with?: Record<string, string>;
        env?: Record<string, string>;
        "working-directory"?: string;
      }
      const action = getStaticYAMLValue(parseYAML(readFileSync(join(REPO, "action.yml"), "utf8"))) as unknown as {
        name: string;
        inputs: Record<string, { description: string; default: string }>;
        outputs: Record<string, { value: string }>;
        runs: { using: string; steps: Step[] };
      };
      const [lint, upload, fail] = action.runs.steps;

      it("is a composite action: vram lint to SARIF, upload to code scanning, fail on findings", () => {
        expect(action.runs.using).toBe("composite");
        expect(Object.fromEntries(Object.entries(action.inputs).map(([name, input]) => [name, input.default]))).toEqual({
          paths: ".",
          config: "",
          "max-warnings": "-1",
          "sarif-file": "vram.sarif",
          upload: "true",
          category: "vram",
          "fail-on-findings": "true",
          version: "",
        });
        for (const input of Object.values(action.inputs)) expect(input.description).toMatch(/\S/);
        expect(action.outputs).toEqual({ "sarif-file": expect.objectContaining({ value: "${{ steps.lint.outputs.sarif-file }}" }), "exit-code": expect.objectContaining({ value: "${{ steps.lint.outputs.exit-code }}" }) });
        expect(lint).toMatchObject({ id: "lint", shell: "bash", "working-directory": "${{ github.workspace }}" });
        expect(lint!.run).toContain("lint --format sarif --output-file");
        // Inputs reach the script through env, never spliced into its text.
        expect(lint!.run).not.toContain("${{");
        expect(upload).toMatchObject({ uses: "github/codeql-action/upload-sarif@v4", if: "always() && inputs.upload == 'true' && steps.lint.outputs.sarif-file != ''", with: { sarif_file: "${{ steps.lint.outputs.sarif-file }}", category: "${{ inputs.category }}" } });
        expect(fail!.if).toBe("always() && (steps.lint.outputs.exit-code == '2' || (steps.lint.outputs.exit-code == '1' && inputs.fail-on-findings == 'true'))");
      });

      /** The lint step's script as the runner runs it: its env with the expressions filled in, bash -e. */
      async function runLintStep(workspace: string, inputs: Record<string, string> = {}, path = process.env.PATH!) {
        const outputFile = join(workspace, "github-output.txt");
        writeFileSync(outputFile, "");
        const values: Record<string, string> = { "github.workspace": workspace, "github.action_path": REPO };
        for (const [name, input] of Object.entries(action.inputs)) values[`inputs.${name}`] = inputs[name] ?? input.default;
        const env: Record<string, string> = { GITHUB_OUTPUT: outputFile, PATH: path };
        for (const [name, expression] of Object.entries(lint!.env!)) env[name] = expression.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_, key: string) => values[key] ?? "");
        const result = await run("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", lint!.run!], { cwd: workspace, env });
        const outputs = Object.fromEntries(readFileSync(outputFile, "utf8").trim().split("\n").filter(Boolean).map((line) => line.split("=", 2) as [string, string]));
        return { result, outputs };
      }

      it("its script lints the workspace with the repository's own vram, writes SARIF, sets outputs and annotates each finding", async () => {
        const workspace = join(work, "action-workspace");
        writeAt(workspace, "deploy/mixtral.yaml", MIXTRAL_A10G);
        writeAt(workspace, "deploy/fits.yaml", MIXTRAL_2XH100);
        symlinkSync(join(consumer, "node_modules"), join(workspace, "node_modules"));
        const { result, outputs } = await runLintStep(workspace);
        expect(result.code, shown("action lint step", result)).toBe(0);
        expect(outputs).toEqual({ "exit-code": "1", "sarif-file": "vram.sarif" });
        const log = JSON.parse(readFileSync(join(workspace, "vram.sarif"), "utf8")) as { runs: Array<{ results: Array<{ ruleId: string }> }> };
        expect(sarifSchemaErrors(log)).toEqual([]);
        expect(log.runs[0]!.results.map((r) => r.ruleId)).toEqual(["vram/weights-fit"]);
        expect(result.stderr).toBe("vram: 1 problem (1 error, 0 warnings) written to vram.sarif\n");
        const annotations = result.stdout.split("\n").filter((line) => line.startsWith("::"));
        expect(annotations).toHaveLength(1);
        expect(annotations[0]).toMatch(/^::error file=deploy\/mixtral\.yaml,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=vram\/weights-fit::Mixtral-8x7B-Instruct-v0\.1 needs [\d.]+ GiB at bf16;/);

        const clean = await runLintStep(workspace, { paths: "deploy/fits.yaml", "max-warnings": "0" });
        expect(clean.outputs).toEqual({ "exit-code": "0", "sarif-file": "vram.sarif" });
        expect(clean.result.stdout).toBe("");
      });

      it("without an install in the repository, runs the action's own release through npx", async () => {
        const workspace = join(work, "action-workspace-bare");
        writeAt(workspace, "deploy/mixtral.yaml", MIXTRAL_A10G);
        // A stand-in npx that records its arguments and runs the packed package's vram.
        const tools = join(work, "fake-npx");
        writeAt(tools, "npx", `#!/usr/bin/env bash\nprintf '%s\\n' "$@" > "${join(tools, "args.txt")}"\nwhile [ "$1" != "--" ]; do shift; done\nshift\nshift\nexec "${vramBin()}" "$@"\n`);
        chmodSync(join(tools, "npx"), 0o755);
        const { result, outputs } = await runLintStep(workspace, { paths: "deploy" }, `${tools}:${process.env.PATH}`);
        expect(result.code, shown("action lint step (npx)", result)).toBe(0);
        expect(readFileSync(join(tools, "args.txt"), "utf8").split("\n").slice(0, 4)).toEqual(["--yes", "--package", `eslint-plugin-vram@${repoPackage.version}`, "--"]);
        expect(outputs["exit-code"]).toBe("1");
      });
    });
  });
});
