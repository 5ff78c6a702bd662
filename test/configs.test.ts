import { describe, expect, it } from "vitest";
import { Linter } from "eslint";
import plugin from "../src/index.js";
import { findings, lint } from "./support/lint.js";
import { deployment } from "./support/manifest.js";

const ruleNames = Object.keys(plugin.rules);

describe("plugin object", () => {
  it("has meta with name, version and namespace", () => {
    expect(plugin.meta).toMatchObject({ name: "eslint-plugin-vram", namespace: "vram" });
    expect(plugin.meta.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("ships its YAML, JSON and shell languages", () => {
    expect(Object.keys(plugin.languages)).toEqual(["yaml", "json", "shell"]);
  });

  it("gives every rule docs, languages and a docs page URL", () => {
    for (const [name, rule] of Object.entries(plugin.rules)) {
      expect(rule.meta.docs.description, name).toBeTruthy();
      expect(rule.meta.docs.url, name).toMatch(new RegExp(`/docs/rules/${name}\\.md$`));
      expect(rule.meta.languages, name).toContain("vram/yaml");
      expect(rule.meta.languages, name).toContain("yml/yaml");
      expect(rule.meta.messages?.missingReason, name).toBeTruthy();
    }
  });
});

describe("configs", () => {
  for (const level of ["recommended", "strict", "all"] as const) {
    it(`${level} covers YAML, JSON and shell files and enables every rule`, () => {
      const [base, ...config] = plugin.configs[level];
      // The plugin is registered for every file; rules and languages only for YAML, JSON and shell scripts.
      expect(base).toEqual({ name: `vram/${level}/plugin`, plugins: { vram: plugin } });
      expect(config.map((entry) => entry.files)).toEqual([["**/*.yaml", "**/*.yml"], ["**/*.json", "**/*.jsonc", "**/*.json5"], ["**/*.sh", "**/*.bash", "**/*.zsh", "**/*.slurm", "**/*.sbatch"]]);
      expect(config.map((entry) => entry.language)).toEqual(["vram/yaml", "vram/json", "vram/shell"]);
      for (const entry of config) expect(Object.keys(entry.rules ?? {}).sort()).toEqual(ruleNames.map((name) => `vram/${name}`).sort());
    });
  }

  it("recommended: errors for what will not start, warnings for what runs badly or cannot be checked", () => {
    const rules = plugin.configs.recommended[1]!.rules!;
    expect(rules).toMatchObject({
      "vram/weights-fit": "error",
      "vram/kv-cache-headroom": "error",
      "vram/parallelism-matches-gpus": "error",
      "vram/quantization-supported": "error",
      "vram/expert-offload": "warn",
      "vram/cpu-offload": "warn",
      "vram/known-model": "warn",
      "vram/parallelism-efficiency": "warn",
    });
  });

  it("strict: warnings become errors and the KV cache must hold 4 full-length sequences", () => {
    const rules = plugin.configs.strict[1]!.rules!;
    for (const name of ruleNames) expect(JSON.stringify(rules[`vram/${name}`])).toMatch(/^\[?"error"/);
    expect(rules["vram/kv-cache-headroom"]).toEqual(["error", { minConcurrentSequences: 4 }]);
    // 32K on one L4 fits once, not four times.
    const text = deployment(`"--model", "meta-llama/Llama-3.1-8B-Instruct", "--max-model-len", "32768"`);
    expect(findings(lint(text, "a.yaml", { level: "recommended" }))).toEqual([]);
    expect(findings(lint(text, "a.yaml", { level: "strict" })).map((message) => message.messageId)).toEqual(["lowConcurrency"]);
  });

  it("lets a user's `rules` without `files` apply to every file, JavaScript included", () => {
    const linter = new Linter();
    const config: Linter.Config[] = [...(plugin.configs.recommended as Linter.Config[]), { rules: { "vram/weights-fit": "warn" } }];
    expect(linter.verify("export const model = 'mistralai/Mixtral-8x7B-Instruct-v0.1';\n", config, { filename: "a.js" })).toEqual([]);
  });

  it("lints scripts and Terraform beside a config that sets JavaScript's language options for every file", async () => {
    const { default: hclPlugin } = await import("../src/hcl/index.js");
    const linter = new Linter();
    // As user configs write it with no `files` (`globals.node`, typescript-eslint's parser).
    const everyFile: Linter.Config = { languageOptions: { sourceType: "module", globals: { process: "readonly" }, parserOptions: { ecmaFeatures: { jsx: true } } } };
    const config = [everyFile, ...(plugin.configs.recommended as Linter.Config[]), ...(hclPlugin.configs.recommended as Linter.Config[])];
    const script = "#!/bin/bash\nvllm serve mistralai/Mixtral-8x7B-Instruct-v0.1 --max-model-len 8192\n";
    expect(linter.verify(script, config, { filename: "serve.sh" }).map((message) => message.ruleId)).toEqual(["vram/pin-gpu-type"]);
    expect(linter.verify('resource "null_resource" "x" {}\n', config, { filename: "main.tf" })).toEqual([]);
  });

  it("all: every rule at error, with recommended's options (one full-length sequence is enough)", () => {
    const rules = plugin.configs.all[1]!.rules!;
    for (const name of ruleNames) expect(rules[`vram/${name}`], name).toBe("error");
    // 32K on one L4 fits once: what `vram explain` calls fits is not an error under `all`.
    const text = deployment(`"--model", "meta-llama/Llama-3.1-8B-Instruct", "--max-model-len", "32768"`);
    expect(findings(lint(text, "a.yaml", { level: "all" }))).toEqual([]);
  });
});
