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
      {
        code: deployment(`"--model", "meta-llama/Llama-3.1-8B-Instruct", "--gpu-memory-utilization", "1.5"`),
        filename: "a.yaml",
        errors: [{ messageId: "invalidValue", data: { message: "GPU memory utilization must be a number from 0.01 to 1, got 1.5" } }],
      },
    ],
  });

  it("names near catalog entries and the settings entry that would add the model", () => {
    const fineTune = deployment(`"--model", "acme/Llama-3.1-8B-Support", "--max-model-len", "8192"`);
    const [near] = findings(lint(fineTune, "a.yaml"));
    expect(near!.message).toBe(
      // Within 320 characters the settings entry (which names the nearest entry) wins over the list of near names.
      '"acme/Llama-3.1-8B-Support" is not in the catalog, so nothing about this deployment was checked. ' +
        'To size it, add it to settings.vram.models; a fine-tune of meta-llama/Llama-3.1-8B is { id: "acme/Llama-3.1-8B-Support", extends: "meta-llama/Llama-3.1-8B" } (docs/settings.md).',
    );
    // Nothing near: no list of strangers, and the entry needs the model's shape.
    const [far] = findings(lint(privateModel, "a.yaml"));
    expect(far!.message).toBe(
      '"acme/support-13b" is not in the catalog, so nothing about this deployment was checked. To size it, add it to settings.vram.models; a new architecture needs its shape: { id: "acme/support-13b", layers, hiddenSize, … } (docs/settings.md).',
    );
    // A name without an owner (a local directory) gets an id settings accept, found by its name.
    const local = deployment(`"--model", "/models/support-13b/", "--max-model-len", "8192"`);
    expect(findings(lint(local, "a.yaml"))[0]!.message).toContain('{ id: "local/support-13b", layers, hiddenSize, … }');
    const settings = { vram: { models: [{ id: "local/support-13b", extends: "meta-llama/Llama-2-13b-hf" }] } };
    expect(findings(lint(local, "a.yaml", { settings })).map((message) => message.messageId)).toEqual(["weightsExceed"]);
  });

  it("once the model is added through settings, the other rules judge it", () => {
    const settings = { vram: { models: [{ id: "acme/support-13b", extends: "meta-llama/Llama-2-13b-hf" }] } };
    const messages = findings(lint(privateModel, "a.yaml", { settings }));
    expect(messages.map((message) => `${message.ruleId} ${message.messageId}`)).toEqual(["vram/weights-fit weightsExceed"]);
    expect(messages[0]!.message).toMatch(/^support-13b needs 24\.6 GiB at fp16; 1 × L4 has 20\.2 GiB usable\./);
  });
});
