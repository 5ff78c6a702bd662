import { RuleTester } from "eslint";
import { describe, expect, it } from "vitest";
import plugin from "../../src/index.js";
import { findings, lint } from "../support/lint.js";
import { deployment, spanOf } from "../support/manifest.js";
import "../support/rule-tester.js";

const tester = new RuleTester({ plugins: { vram: plugin as never }, language: "vram/yaml" });
const privateModel = deployment(`"--model", "acme/support-13b", "--max-model-len", "8192"`);

describe("vram/known-model", () => {
  tester.run("known-model", plugin.rules["known-model"] as never, {
    valid: [
      { code: deployment(`"--model", "meta-llama/Llama-3.1-8B-Instruct", "--max-model-len", "8192"`), filename: "a.yaml" },
      // Templates and variables are not judged, and are not "unknown" either.
      { code: deployment(`"--model", "$(MODEL_ID)", "--max-model-len", "8192"`), filename: "a.yaml" },
      { code: deployment(`"--model", "{{ .Values.model }}", "--max-model-len", "8192"`), filename: "a.yaml" },
      { code: deployment(`"--model", "meta-llama/Llama-3.1-8B-Instruct"`, { label: "node.kubernetes.io/instance-type", selector: "{{ .Values.instanceType }}" }), filename: "a.yaml" },
      { code: deployment(`"--model", "meta-llama/Llama-3.1-8B-Instruct"`, { selector: "\${gpu_label}" }), filename: "a.yaml" },
      // Known once the settings add it.
      { code: privateModel, filename: "a.yaml", settings: { vram: { models: [{ id: "acme/support-13b", extends: "meta-llama/Llama-2-13b-hf" }] } } },
    ],
    invalid: [
      {
        code: privateModel,
        filename: "a.yaml",
        errors: [{ messageId: "unknownModel", ...spanOf(privateModel, "acme/support-13b") }],
      },
      {
        code: deployment(`"--model", "meta-llama/Llama-3.1-8B-Instruct"`, { selector: "nvidia-quantum-9000" }),
        filename: "a.yaml",
        errors: [{ messageId: "unknownGpu", ...spanOf(deployment(`"--model", "meta-llama/Llama-3.1-8B-Instruct"`, { selector: "nvidia-quantum-9000" }), "nvidia-quantum-9000") }],
      },
      {
        code: deployment(`"--model", "meta-llama/Llama-3.1-8B-Instruct"`, { label: "node.kubernetes.io/instance-type", selector: "x9.mystery" }),
        filename: "a.yaml",
        errors: [{ messageId: "unknownInstance", data: { written: "x9.mystery" } }],
      },
    ],
  });

  it("names near catalog entries and the settings entry that would add the model", () => {
    const misspelt = deployment(`"--model", "acme/Lama-3.1-8B-Support", "--max-model-len", "8192"`);
    const [near] = findings(lint(misspelt, "a.yaml"));
    expect(near!.message).toBe(
      // Both entries (config.json, extends) would pass 320 characters: the one for a fine-tune of the near base stays.
      '"acme/Lama-3.1-8B-Support" is not in the catalog, so nothing about this deployment was checked. Closest entries: meta-llama/Llama-3.1-8B, meta-llama/Meta-Llama-3-8B. ' +
        'To size it, add it to settings.vram.models: { id: "acme/Lama-3.1-8B-Support", extends: "meta-llama/Llama-3.1-8B" } (docs/settings.md).',
    );
    // Nothing near: no list of strangers (a shared size is no kinship), and the entry reads the model's config.json.
    const [far] = findings(lint(privateModel, "a.yaml"));
    expect(far!.message).toBe(
      '"acme/support-13b" is not in the catalog, so nothing about this deployment was checked. To size it, add it to settings.vram.models: { id: "acme/support-13b", config: "./path/to/support-13b/config.json" } (its config.json) (docs/settings.md).',
    );
    // A name without an owner (a local directory) gets an id settings accept, found by its name.
    const local = deployment(`"--model", "/models/support-13b/", "--max-model-len", "8192"`);
    expect(findings(lint(local, "a.yaml"))[0]!.message).toContain('{ id: "local/support-13b", config: "./path/to/support-13b/config.json" }');
    const settings = { vram: { models: [{ id: "local/support-13b", extends: "meta-llama/Llama-2-13b-hf" }] } };
    expect(findings(lint(local, "a.yaml", { settings })).map((message) => message.messageId)).toEqual(["weightsExceed"]);
  });

  it("never proposes a base of another size to extend", () => {
    const larger = deployment(`"--model", "acme/Qwen1.5-100B-Chat", "--max-model-len", "8192"`);
    const [message] = findings(lint(larger, "a.yaml"));
    expect(message!.message).toContain("Closest entries: Qwen/Qwen1.5-110B-Chat");
    expect(message!.message).not.toContain("extends");
  });

  it("says when a fine-tune is sized by the family and size its name states", () => {
    const fineTune = deployment(`"--model", "acme/Llama-3.1-8B-Support", "--max-model-len", "8192"`);
    const [assumed] = findings(lint(fineTune, "a.yaml"));
    expect(assumed).toMatchObject({ ruleId: "vram/known-model", messageId: "assumedModel" });
    expect(assumed!.message).toBe(
      // Within 320 characters: the entry that extends the base it is sized as.
      '"acme/Llama-3.1-8B-Support" is not in the catalog; sized as meta-llama/Llama-3.1-8B from its name. That is an assumption (the family and size the name states): to make sure, add it to settings.vram.models: ' +
        '{ id: "acme/Llama-3.1-8B-Support", extends: "meta-llama/Llama-3.1-8B" } (docs/settings.md).',
    );
    // A fine-tune whose model card names the base is catalogued: no assumption to report.
    expect(findings(lint(deployment(`"--model", "allenai/Llama-3.1-Tulu-3-8B", "--max-model-len", "8192"`), "a.yaml"))).toEqual([]);
  });

  it("once the model is added through settings, the other rules judge it", () => {
    const settings = { vram: { models: [{ id: "acme/support-13b", extends: "meta-llama/Llama-2-13b-hf" }] } };
    const messages = findings(lint(privateModel, "a.yaml", { settings }));
    expect(messages.map((message) => `${message.ruleId} ${message.messageId}`)).toEqual(["vram/weights-fit weightsExceed"]);
    expect(messages[0]!.message).toMatch(/^support-13b needs 24\.6 GiB at fp16; 1 × L4 has 20\.2 GiB usable\./);
  });
});
