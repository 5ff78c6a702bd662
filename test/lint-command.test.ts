/**
 * `vram lint` in-process, in temporary folders with no package.json and no ESLint config: what it
 * lints and skips, the user's config when there is one, its formats (SARIF checked against the
 * SARIF 2.1.0 schema), --max-warnings, --stdin, -o, bulk suppressions and exit codes. The packed
 * package runs the same command through `npx` in test/e2e/packed.test.ts.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import plugin from "../src/index.js";
import { runLint } from "../src/lint-command.js";
import { readFixture } from "./support/lint.js";
import { runCli } from "./support/cli.js";
import { sarifProblems, sarifSchemaErrors } from "./support/sarif.js";

const MISFIT = readFixture("kubernetes/mixtral-8x7b-a10g.yaml");
const FITS = readFixture("kubernetes/mixtral-8x7b-2xh100.yaml");
/** A model the catalog does not know: a vram/known-model warning. */
const UNKNOWN = readFixture("kubernetes/unknown-model.yaml");

const work = mkdtempSync(join(tmpdir(), "vram-lint-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let folders = 0;
/** A fresh folder holding `files` (path → text). */
function folder(files: Record<string, string>): string {
  const root = join(work, `repo-${++folders}`);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  mkdirSync(root, { recursive: true });
  return root;
}

interface JsonResult {
  filePath: string;
  messages: Array<{ ruleId: string | null; severity: number; line: number; message: string; fatal?: boolean }>;
  suppressedMessages: Array<{ ruleId: string; suppressions: Array<{ kind: string }> }>;
}

async function lintJson(cwd: string, args: string[] = []): Promise<{ code: number; results: JsonResult[]; stderr: string }> {
  const result = await runCli(["lint", ...args, "--format", "json"], cwd);
  return { code: result.code, results: JSON.parse(result.stdout) as JsonResult[], stderr: result.stderr };
}

/** `file: rule severity` for every finding, paths relative to `cwd`. */
function findings(cwd: string, results: readonly JsonResult[]): string[] {
  return results.flatMap((result) => result.messages.map((message) => `${result.filePath.slice(cwd.length + 1)}: ${message.ruleId} ${message.severity}`)).sort();
}

describe("vram lint with no config", () => {
  it("exits 1 on Mixtral on one A10G with the vram/weights-fit finding, in ESLint's stylish format", async () => {
    const cwd = folder({ "deploy/mixtral.yaml": MISFIT });
    const result = await runCli(["lint", "."], cwd);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toContain(join(cwd, "deploy/mixtral.yaml"));
    expect(result.stdout).toMatch(/^ {2}53:31 {2}error {2}Mixtral-8x7B-Instruct-v0\.1 needs 87\.5 GiB at bf16; 1 × A10G \(g5\.2xlarge\) has 20\.2 GiB usable\. Only 12\.9B of its 46\.7B parameters are active per token, but every expert must be resident.* {2}vram\/weights-fit$/m);
    expect(result.stdout).toContain("✖ 1 problem (1 error, 0 warnings)");
    expect(result.stderr).toBe("");
  });

  it("exits 0 and prints nothing on a folder whose deployments fit, and lints the working folder when no path is named", async () => {
    const cwd = folder({ "mixtral.yaml": FITS, "values.json": '{ "replicaCount": 2 }\n' });
    expect(await runCli(["lint"], cwd)).toEqual({ code: 0, stdout: "", stderr: "" });
    const { results } = await lintJson(cwd);
    expect(results.map((result) => result.filePath.slice(cwd.length + 1)).sort()).toEqual(["mixtral.yaml", "values.json"]);
  });

  it("skips what .gitignore files ignore (the repository's above, the folder's, nested ones) and node_modules; never parses JavaScript", async () => {
    const repo = folder({
      ".git/HEAD": "ref: refs/heads/main\n",
      ".gitignore": "/infra/generated.yaml\n*.rendered.yaml\n",
      "infra/.gitignore": "out/\n!keep.rendered.yaml\n",
      "infra/deploy.yaml": MISFIT,
      "infra/generated.yaml": MISFIT,
      "infra/chart.rendered.yaml": MISFIT,
      "infra/keep.rendered.yaml": MISFIT,
      "infra/out/mixtral.yaml": MISFIT,
      "infra/team/.gitignore": "/local.yaml\n",
      "infra/team/local.yaml": MISFIT,
      "infra/team/shared.yaml": MISFIT,
      "infra/node_modules/chart/mixtral.yaml": MISFIT,
      "infra/tools/broken.js": "export default {\n",
    });
    const cwd = join(repo, "infra");
    const { code, results } = await lintJson(cwd);
    expect(code).toBe(1);
    expect(findings(cwd, results)).toEqual(["deploy.yaml: vram/weights-fit 2", "keep.rendered.yaml: vram/weights-fit 2", "team/shared.yaml: vram/weights-fit 2"]);
  });

  it("lints Terraform .tf files in their module (eslint-plugin-vram/hcl), and JSON beside them", async () => {
    const cwd = folder({
      "infra/sagemaker/main.tf": readFixture("terraform-hcl/sagemaker-llama-g5/main.tf"),
      "infra/sagemaker/variables.tf": readFixture("terraform-hcl/sagemaker-llama-g5/variables.tf"),
      "infra/sagemaker/terraform.tfvars": 'region = "us-west-2"\n',
      "infra/plan.tf.json": readFixture("terraform/sagemaker-mixtral-g5-2xlarge.tf.json"),
    });
    const { code, results } = await lintJson(cwd);
    expect(code).toBe(1);
    expect(findings(cwd, results)).toEqual(["infra/plan.tf.json: vram/weights-fit 2", "infra/sagemaker/main.tf: vram/weights-fit 2"]);
    expect(results.find((result) => result.filePath.endsWith("main.tf"))!.messages[0]!.message).toMatch(/^Llama-3\.1-70B-Instruct needs [\d.]+ GiB at bf16; 1 × A10G/);
  });

  it("lints a Helm chart folder without parse errors (templates are read with their actions masked)", async () => {
    const cwd = folder({
      "chart/Chart.yaml": readFixture("helm-chart/llm-server/Chart.yaml"),
      "chart/values.yaml": readFixture("helm-chart/llm-server/values.yaml"),
      "chart/templates/deployment.yaml": readFixture("helm-chart/llm-server/templates/deployment.yaml"),
    });
    const { code, results } = await lintJson(cwd, ["chart"]);
    expect(results.map((result) => result.filePath.slice(cwd.length + 1)).sort()).toEqual(["chart/Chart.yaml", "chart/templates/deployment.yaml", "chart/values.yaml"]);
    expect(results.flatMap((result) => result.messages.filter((message) => message.fatal || message.ruleId === null))).toEqual([]);
    // The values name Mixtral on one g5.2xlarge (the chart's own model: {name}, resources and nodeSelector); the template is said not checked.
    expect(findings(cwd, results)).toEqual(["chart/templates/deployment.yaml: vram/unchecked-deployment 1", "chart/values.yaml: vram/weights-fit 2"]);
    expect(code).toBe(1);
  });

  it("says so when a folder has nothing to lint", async () => {
    const cwd = folder({ "README.md": "# infra\n", "out/.gitignore": "*\n", "out/rendered.yaml": MISFIT });
    expect(await runCli(["lint"], cwd)).toEqual({
      code: 0,
      stdout: "",
      stderr: "vram: no files to lint in . (looked for *.yaml, *.yml, *.json, *.jsonc, *.json5, *.sh, *.bash, *.zsh, *.slurm, *.sbatch, *.tf, *.tfvars, *.tfvars.example, *.nomad.hcl, *.nomad; .gitignore and ESLint's ignores apply)\n",
    });
  });

  it("names files, folders and globs; says when a named file is not linted; a missing path is a usage error", async () => {
    const cwd = folder({ "a/mixtral.yaml": MISFIT, "b/mixtral.yaml": FITS, "b/unknown.yml": UNKNOWN, "README.md": "# infra\n", ".gitignore": "b/unknown.yml\n" });
    expect(findings(cwd, (await lintJson(cwd, ["a/mixtral.yaml", "b"])).results)).toEqual(["a/mixtral.yaml: vram/weights-fit 2"]);
    expect(findings(cwd, (await lintJson(cwd, ["*/mixtral.yaml"])).results)).toEqual(["a/mixtral.yaml: vram/weights-fit 2"]);

    const notLinted = await runCli(["lint", "README.md", "b/unknown.yml"], cwd);
    expect(notLinted.code).toBe(0);
    expect(notLinted.stderr).toBe(
      "vram: README.md was not linted: it is ignored (.gitignore or the ESLint config), or not a file type the configs cover\n" +
        "vram: b/unknown.yml was not linted: it is ignored (.gitignore or the ESLint config), or not a file type the configs cover\n",
    );

    const missing = await runCli(["lint", "c"], cwd);
    expect(missing).toEqual({ code: 2, stdout: "", stderr: "vram: c: no such file or folder\n" });
  });

  it("lints paths outside the working folder from the folder that holds them, with its .gitignore; refuses a mix", async () => {
    const repo = folder({ "deploy/mixtral.yaml": MISFIT, "other/unknown.yaml": UNKNOWN, ".gitignore": "other/\n" });
    // Run from a sibling folder that holds an ESLint config of its own, which does not apply to the repository.
    const elsewhere = folder({ "eslint.config.js": "export default [];\n", "ok.yaml": FITS });
    const outside = await lintJson(elsewhere, [`${repo}/deploy`]);
    expect(outside.code).toBe(1);
    expect(findings(repo, outside.results)).toEqual(["deploy/mixtral.yaml: vram/weights-fit 2"]);
    expect(findings(repo, (await lintJson(elsewhere, [repo])).results)).toEqual(["deploy/mixtral.yaml: vram/weights-fit 2"]);
    const mixed = await runCli(["lint", "ok.yaml", join(repo, "deploy")], elsewhere);
    expect(mixed).toEqual({ code: 2, stdout: "", stderr: `vram: ${join(repo, "deploy")} is outside the working folder ${elsewhere}, and other paths are inside it: lint them in separate runs\n` });
  });

  it("--max-warnings N fails on more than N warnings; --quiet shows errors only", async () => {
    const cwd = folder({ "unknown.yaml": UNKNOWN, "misfit.yaml": MISFIT });
    const warningsOnly = await runCli(["lint", "unknown.yaml"], cwd);
    expect(warningsOnly.code).toBe(0);
    expect(warningsOnly.stdout).toContain("vram/known-model");
    const strict = await runCli(["lint", "unknown.yaml", "--max-warnings", "0"], cwd);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toBe("vram: too many warnings (1; at most 0 allowed)\n");
    expect((await runCli(["lint", "unknown.yaml", "--max-warnings", "1"], cwd)).code).toBe(0);
    // -1 (no limit), written as ESLint takes it.
    expect((await runCli(["lint", "unknown.yaml", "--max-warnings", "-1"], cwd)).code).toBe(0);
    expect((await runCli(["lint", "unknown.yaml", "--max-warnings=-1"], cwd)).code).toBe(0);

    const quiet = await runCli(["lint", "--quiet"], cwd);
    expect(quiet.code).toBe(1);
    expect(quiet.stdout).toContain("vram/weights-fit");
    expect(quiet.stdout).not.toContain("vram/known-model");
  });

  it("--stdin lints rendered output as --stdin-filename (default stdin.yaml)", async () => {
    const cwd = folder({});
    const misfit = await runCli(["lint", "--stdin", "--stdin-filename", "rendered.yaml"], cwd, { stdin: MISFIT });
    expect(misfit.code).toBe(1);
    expect(misfit.stdout).toContain(`${join(cwd, "rendered.yaml")}\n  53:31  error`);
    expect(misfit.stdout).toContain("vram/weights-fit");
    expect((await runCli(["lint", "--stdin"], cwd, { stdin: FITS })).code).toBe(0);
    const asDefault = await runCli(["lint", "--stdin"], cwd, { stdin: MISFIT });
    expect(asDefault.stdout).toContain(join(cwd, "stdin.yaml"));
    expect(await runCli(["lint", "--stdin", "--stdin-filename", "rendered.txt"], cwd, { stdin: MISFIT })).toEqual({
      code: 0,
      stdout: "",
      stderr: "vram: standard input was not linted: rendered.txt is ignored (.gitignore or the ESLint config), or not a file type the configs cover\n",
    });
  });

  it("-o writes the report to a file and says so on stderr", async () => {
    const cwd = folder({ "mixtral.yaml": MISFIT });
    const result = await runCli(["lint", "-f", "sarif", "-o", "reports/vram.sarif"], cwd);
    expect(result).toEqual({ code: 1, stdout: "", stderr: "vram: 1 problem (1 error, 0 warnings) written to reports/vram.sarif\n" });
    const log = JSON.parse(readFileSync(join(cwd, "reports/vram.sarif"), "utf8")) as { version: string };
    expect(log.version).toBe("2.1.0");
  });

  it.each([
    [["--format", "xml"], 'vram: --format must be one of stylish, json, sarif, got "xml"'],
    [["--max-warnings", "few"], 'vram: --max-warnings must be a whole number (-1: no limit), got "few"'],
    [["--stdin", "deploy"], "vram: --stdin lints standard input; name no paths with it"],
    [["--stdin-filename", "x.yaml"], "vram: --stdin-filename goes with --stdin"],
    [["--suppress-rule", "yml/indent"], "vram: --suppress-rule yml/indent: vram lint runs only the plugin's rules (vram/…)"],
    [["--suppress-all", "--prune-suppressions"], "vram: --prune-suppressions cannot be used with --suppress-all or --suppress-rule"],
    [["--config", "missing.mjs"], "vram: --config missing.mjs: no such file"],
    [["--frmat", "json"], "vram: Unknown option '--frmat'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- \"--frmat\""],
  ])("usage error %j exits 2 with one line", async (args, message) => {
    const cwd = folder({ "mixtral.yaml": FITS });
    expect(await runCli(["lint", ...args], cwd)).toEqual({ code: 2, stdout: "", stderr: `${message}\n` });
  });

  it("--help prints the options; vram --help lists the command", async () => {
    const help = await runCli(["lint", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: vram lint \[PATH\.\.\.\] \[options\]/);
    for (const option of ["--format", "--output-file", "--config", "--max-warnings", "--stdin-filename", "--suppress-all", "--prune-suppressions"]) expect(help.stdout).toContain(option);
    expect((await runCli(["--help"])).stdout).toContain("vram lint [PATH...] [options]");
  });
});

describe("vram lint without ESLint", () => {
  const io = (cwd: string) => {
    const output = { stdout: "", stderr: "" };
    return { output, io: { stdout: { write: (text: string) => (output.stdout += text) }, stderr: { write: (text: string) => (output.stderr += text) }, env: {}, cwd } };
  };

  it("says in one line how to install the eslint peer dependency when it cannot be loaded", async () => {
    const { io: cli } = io(folder({}));
    const run = runLint(["."], cli, { importEslint: () => Promise.reject(new Error("Cannot find package 'eslint'")) });
    await expect(run).rejects.toThrow(
      "vram lint runs ESLint, and the eslint package cannot be loaded: install it beside the plugin (npm install --save-dev eslint eslint-plugin-vram), or run npx eslint-plugin-vram lint, which installs both",
    );
  });

  it("names the ESLint versions it needs when an older one is installed", async () => {
    const { io: cli } = io(folder({}));
    const old = { ESLint: { version: "8.57.1" } } as never;
    await expect(runLint(["."], cli, { importEslint: async () => old })).rejects.toThrow(
      "vram lint needs ESLint ^9.38.0 || ^10.0.0; the eslint package found is 8.57.1",
    );
  });
});

describe("vram lint with the user's ESLint config", () => {
  // The config files below take the plugin from here: in-process, ESLint imports them natively,
  // and they cannot import TypeScript sources (the packed-package test imports the package itself).
  (globalThis as Record<string, unknown>).__vramTestPlugin = plugin;

  it("adds the recommended configs to a config that does not set up the plugin, keeping its ignores and settings.vram", async () => {
    const cwd = folder({
      "eslint.config.mjs": `export default [
  { files: ["**/*.js"], rules: { semi: "error" } },
  { ignores: ["vendor/**"] },
  { settings: { vram: { models: [{ id: "acme/chat-47b", extends: "mistralai/Mixtral-8x7B-Instruct-v0.1" }] } } },
];
`,
      "app.js": "console.log(1)\n",
      "deploy/chat.yaml": MISFIT.replace("mistralai/Mixtral-8x7B-Instruct-v0.1", "acme/chat-47b"),
      "vendor/mixtral.yaml": MISFIT,
    });
    const { code, results } = await lintJson(cwd);
    expect(code).toBe(1);
    // Its semi rule is ESLint's business; the private model resolves through settings.vram.
    expect(findings(cwd, results)).toEqual(["deploy/chat.yaml: vram/weights-fit 2"]);
    expect(results[0]!.messages[0]!.message).toMatch(/^chat-47b needs [\d.]+ GiB at bf16; .* Only 12\.9B of its 46\.7B parameters are active per token, but every expert must be resident/);
  });

  it("runs a config that sets up the plugin as is (its rule levels), and --config FILE names one elsewhere", async () => {
    const cwd = folder({
      "eslint.config.mjs": `const vram = globalThis.__vramTestPlugin;
export default [...vram.configs.recommended, { rules: { "vram/weights-fit": "warn" } }];
`,
      "deploy/mixtral.yaml": MISFIT,
    });
    const { code, results } = await lintJson(cwd);
    expect(findings(cwd, results)).toEqual(["deploy/mixtral.yaml: vram/weights-fit 1"]);
    expect(code).toBe(0);

    const elsewhere = folder({ "configs/strict.mjs": "const vram = globalThis.__vramTestPlugin;\nexport default [...vram.configs.strict];\n", "unknown.yaml": UNKNOWN });
    const strict = await lintJson(elsewhere, ["--config", "configs/strict.mjs"]);
    expect(findings(elsewhere, strict.results)).toEqual(["unknown.yaml: vram/known-model 2"]);
    expect(strict.code).toBe(1);
  });

  it("a config that cannot be loaded, or a bad settings.vram, is one line and exit 2", async () => {
    const broken = folder({ "eslint.config.mjs": "export default [\n", "mixtral.yaml": FITS });
    const result = await runCli(["lint"], broken);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^vram: cannot load the ESLint config: .+\n$/);

    const badSettings = folder({ "eslint.config.mjs": 'export default [{ settings: { vram: { models: [{ id: "acme/x" }] } } }];\n', "mixtral.yaml": FITS });
    const bad = await runCli(["lint"], badSettings);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^vram: .*settings\.vram\.models\[0\].*\n$/);
  });
});

describe("vram lint --format sarif", () => {
  interface Log {
    version: string;
    runs: Array<{
      tool: { driver: { rules: Array<{ id: string; helpUri?: string }> } };
      results: Array<{
        ruleId: string;
        level: string;
        locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: { startLine: number; startColumn: number; endLine: number; endColumn: number } } }>;
        fixes?: Array<{ description: { text: string } }>;
      }>;
    }>;
  }

  it("writes a SARIF 2.1.0 log that the SARIF schema accepts, located, with helpUri and the suggestions as fixes", async () => {
    const cwd = folder({ "deploy/mixtral.yaml": MISFIT, "deploy/unknown.yaml": UNKNOWN, "deploy/fits.yaml": FITS });
    const result = await runCli(["lint", "--format", "sarif"], cwd);
    expect(result.code).toBe(1);
    const log = JSON.parse(result.stdout) as Log;
    expect(sarifSchemaErrors(log)).toEqual([]);
    expect(sarifProblems(log)).toEqual([]);
    const [run] = log.runs;
    expect(run!.tool.driver.rules.map((rule) => [rule.id, rule.helpUri])).toEqual([
      ["vram/weights-fit", plugin.rules["weights-fit"]!.meta.docs!.url],
      ["vram/known-model", plugin.rules["known-model"]!.meta.docs!.url],
    ]);
    const [misfit, unknown] = run!.results;
    expect([misfit!.ruleId, misfit!.level, misfit!.locations[0]!.physicalLocation.artifactLocation, misfit!.locations[0]!.physicalLocation.region.startLine]).toEqual([
      "vram/weights-fit",
      "error",
      { uri: "deploy/mixtral.yaml", uriBaseId: "%SRCROOT%", index: 0 },
      53,
    ]);
    // Least change first: in-flight FP8 on more of the same GPUs, before another checkpoint.
    expect(misfit!.fixes!.map((fix) => fix.description.text)[0]).toMatch(/^Use FP8 \(per-tensor\/per-channel scales\) weights on 4 × NVIDIA A10G at TP 4/);
    expect([unknown!.ruleId, unknown!.level]).toEqual(["vram/known-model", "warning"]);
  });

  it("the schema check fails on what code scanning rejects (a line 0, a missing message)", () => {
    const bad = { version: "2.1.0", runs: [{ tool: { driver: { name: "x" } }, results: [{ message: {}, locations: [{ physicalLocation: { artifactLocation: { uri: "a.yaml" }, region: { startLine: 0 } } }] }] }] };
    expect(sarifSchemaErrors(bad).length).toBeGreaterThan(0);
    expect(sarifSchemaErrors({ version: "2.1.0", runs: [] })).toEqual([]);
  });

  it("an empty run for a clean folder", async () => {
    const cwd = folder({ "fits.yaml": FITS });
    const result = await runCli(["lint", "--format", "sarif"], cwd);
    expect(result.code).toBe(0);
    const log = JSON.parse(result.stdout) as Log;
    expect(sarifSchemaErrors(log)).toEqual([]);
    expect(log.runs[0]!.results).toEqual([]);
    expect(pathToFileURL(cwd).href).toBeTruthy();
  });
});

describe("vram lint and ESLint's bulk suppressions (eslint-suppressions.json)", () => {
  const SECOND_MISFIT = `${MISFIT}---\n${MISFIT}`;

  it("--suppress-all accepts today's errors in ESLint's own format; later runs honour them and keep other rules' entries", async () => {
    const cwd = folder({
      "a/mixtral.yaml": MISFIT,
      "b/mixtral.yaml": MISFIT,
      "b/unknown.yaml": UNKNOWN,
      // Entries `eslint` wrote for rules vram lint does not run.
      "eslint-suppressions.json": JSON.stringify({ "src/app.js": { "no-undef": { count: 2 } }, "a/mixtral.yaml": { "yml/indent": { count: 1 } } }, null, 2),
    });
    const created = await runCli(["lint", "--suppress-all"], cwd);
    // Warnings are never suppressed in bulk (ESLint's rule); the errors are.
    expect(created.code).toBe(0);
    expect(created.stdout).toContain("vram/known-model");
    expect(created.stdout).not.toContain("vram/weights-fit");

    const written = readFileSync(join(cwd, "eslint-suppressions.json"), "utf8");
    const counts = JSON.parse(written) as Record<string, unknown>;
    expect(counts).toEqual({
      "a/mixtral.yaml": { "vram/weights-fit": { count: 1 }, "yml/indent": { count: 1 } },
      "b/mixtral.yaml": { "vram/weights-fit": { count: 1 } },
      "src/app.js": { "no-undef": { count: 2 } },
    });
    // Byte for byte as ESLint writes it (its stringifier: sorted keys, two spaces, no final newline).
    const eslintRequire = createRequire(createRequire(import.meta.url).resolve("eslint"));
    const stableStringify = eslintRequire("json-stable-stringify-without-jsonify") as (value: unknown, options: { space: number }) => string;
    expect(written).toBe(stableStringify(counts, { space: 2 }));

    const { code, results } = await lintJson(cwd);
    expect(code).toBe(0);
    expect(findings(cwd, results)).toEqual(["b/unknown.yaml: vram/known-model 1"]);
    expect(results.flatMap((result) => result.suppressedMessages.map((message) => [message.ruleId, message.suppressions[0]!.kind]))).toEqual([
      ["vram/weights-fit", "file"],
      ["vram/weights-fit", "file"],
    ]);
  });

  it("reports every finding of a rule once a file has more than it accepted", async () => {
    const cwd = folder({ "mixtral.yaml": MISFIT });
    await runCli(["lint", "--suppress-rule", "vram/weights-fit"], cwd);
    writeFileSync(join(cwd, "mixtral.yaml"), SECOND_MISFIT);
    const { code, results } = await lintJson(cwd);
    expect(code).toBe(1);
    expect(findings(cwd, results)).toEqual(["mixtral.yaml: vram/weights-fit 2", "mixtral.yaml: vram/weights-fit 2"]);
  });

  it("fails (exit 2, as eslint does) when an accepted error no longer occurs, until --prune-suppressions", async () => {
    const cwd = folder({ "a.yaml": MISFIT, "b.yaml": SECOND_MISFIT, "eslint-suppressions.json": JSON.stringify({ "app.js": { "no-undef": { count: 1 } } }) });
    await runCli(["lint", "--suppress-all"], cwd);
    writeFileSync(join(cwd, "a.yaml"), FITS);
    writeFileSync(join(cwd, "b.yaml"), MISFIT);

    const stale = await runCli(["lint"], cwd);
    expect(stale.code).toBe(2);
    expect(stale.stderr).toBe(
      "vram: the suppressions file accepts errors that no longer occur (a.yaml: vram/weights-fit × 1; b.yaml: vram/weights-fit × 1); run vram lint --prune-suppressions to remove them, or pass --pass-on-unpruned-suppressions\n",
    );
    expect((await runCli(["lint", "--pass-on-unpruned-suppressions"], cwd)).code).toBe(0);

    const pruned = await runCli(["lint", "--prune-suppressions"], cwd);
    expect(pruned.code).toBe(0);
    expect(JSON.parse(readFileSync(join(cwd, "eslint-suppressions.json"), "utf8"))).toEqual({ "app.js": { "no-undef": { count: 1 } }, "b.yaml": { "vram/weights-fit": { count: 1 } } });
    expect(await runCli(["lint"], cwd)).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("--suppressions-location names another file, which must exist unless it is being created", async () => {
    const cwd = folder({ "mixtral.yaml": MISFIT });
    expect(await runCli(["lint", "--suppressions-location", "ci/baseline.json"], cwd)).toEqual({
      code: 2,
      stdout: "",
      stderr: "vram: --suppressions-location ci/baseline.json: no such file (create it with --suppress-all or --suppress-rule)\n",
    });
    expect((await runCli(["lint", "--suppress-all", "--suppressions-location", "ci/baseline.json"], cwd)).code).toBe(0);
    expect((await runCli(["lint", "--suppressions-location", "ci/baseline.json"], cwd)).code).toBe(0);
    expect((await runCli(["lint"], cwd)).code).toBe(1);
  });

  it("a suppressions file that is not JSON is a usage error", async () => {
    const cwd = folder({ "mixtral.yaml": MISFIT, "eslint-suppressions.json": "{ nope" });
    expect(await runCli(["lint"], cwd)).toEqual({ code: 2, stdout: "", stderr: `vram: the suppressions file ${join(cwd, "eslint-suppressions.json")} is not valid JSON\n` });
  });
});
