/**
 * vram/valid-values and the other ways an unjudgeable value speaks: every value no engine or
 * scheduler accepts is reported once, at the value, in one wording, and never judged; templates
 * (quoted or not) leave the deployment unchecked; YAML 1.1 integers read as Kubernetes reads them;
 * text from the file is escaped and cut in messages.
 */
import { RuleTester } from "eslint";
import { describe, expect, it } from "vitest";
import plugin from "../../src/index.js";
import { explainFile } from "../../src/explain.js";
import { judgedOf } from "../formats/helpers.js";
import { findings, lint } from "../support/lint.js";
import { deployment, spanOf } from "../support/manifest.js";
import { runCli } from "../support/cli.js";
import "../support/rule-tester.js";

const tester = new RuleTester({ plugins: { vram: plugin as never }, language: "vram/yaml" });
const LLAMA = `"--model", "meta-llama/Llama-3.1-8B-Instruct"`;

/** `code` with the one finding of all rules under `recommended`: rule, message id, underlined text. */
function only(code: string): { rule: string | null; id: string | undefined; text: string; message: string } {
  const messages = findings(lint(code, "a.yaml"));
  expect(messages).toHaveLength(1);
  const [message] = messages;
  const lines = code.split("\n");
  const line = lines[message!.line - 1]!;
  return { rule: message!.ruleId, id: message!.messageId, text: line.slice(message!.column - 1, message!.endLine === message!.line ? message!.endColumn! - 1 : undefined), message: message!.message };
}

describe("vram/valid-values", () => {
  // Issue 10, item 4: values that passed with no message.
  it.each([
    ["nvidia.com/gpu: -1", deployment(LLAMA, { gpus: -1 }), "-1", "nvidia.com/gpu: -1 is not a valid GPU count, so this deployment was not checked. It must be a whole number of 0 or more."],
    ["nvidia.com/gpu: 2.5", deployment(LLAMA, { gpus: 2.5 }), "2.5", "nvidia.com/gpu: 2.5 is not a valid GPU count, so this deployment was not checked. It must be a whole number of 0 or more."],
    ["nvidia.com/gpu: 80Gi", deployment(LLAMA, { gpus: "80Gi" }), "80Gi", "nvidia.com/gpu: 80Gi is not a valid GPU count, so this deployment was not checked. It must be a whole number of 0 or more."],
    ["--tensor-parallel-size -2", deployment(`${LLAMA}, "--tensor-parallel-size", "-2"`), "-2", "--tensor-parallel-size: -2 is not a valid tensor-parallel size, so this deployment was not checked. It must be a whole number of 1 or more."],
    ["--tensor-parallel-size 1.5", deployment(`${LLAMA}, "--tensor-parallel-size", "1.5"`), "1.5", "--tensor-parallel-size: 1.5 is not a valid tensor-parallel size, so this deployment was not checked. It must be a whole number of 1 or more."],
    ["--tensor-parallel-size 0", deployment(`${LLAMA}, "--tensor-parallel-size", "0"`), "0", "--tensor-parallel-size: 0 is not a valid tensor-parallel size, so this deployment was not checked. It must be a whole number of 1 or more."],
    ["--gpu-memory-utilization -0.5", deployment(`${LLAMA}, "--gpu-memory-utilization", "-0.5"`), "-0.5", "--gpu-memory-utilization: -0.5 is not a valid GPU memory fraction, so this deployment was not checked. It must be a number above 0 and at most 1."],
    ["--gpu-memory-utilization 1.5", deployment(`${LLAMA}, "--gpu-memory-utilization", "1.5"`), "1.5", "--gpu-memory-utilization: 1.5 is not a valid GPU memory fraction, so this deployment was not checked. It must be a number above 0 and at most 1."],
    ["--max-model-len -8192", deployment(`${LLAMA}, "--max-model-len", "-8192"`), "-8192", "--max-model-len: -8192 is not a valid context length, so this deployment was not checked. It must be a whole number of 1 or more."],
  ])("%s is reported at the value, and not judged", (_label, code, underlined, message) => {
    expect(only(code)).toEqual({ rule: "vram/valid-values", id: "invalidValue", text: underlined, message });
    expect(judgedOf(code, "a.yaml")[0]!.status).toBe("incomplete");
    // `vram explain` gives the same sentence.
    expect(explainFile("a.yaml", code).file.deployments[0]!.reason).toBe(message);
  });

  it("reads --max-model-len auto and -1 as vLLM does: the largest context that fits, not an invalid value", () => {
    for (const written of ["auto", "-1"]) {
      const code = deployment(`${LLAMA}, "--max-model-len", "${written}"`);
      expect(findings(lint(code, "a.yaml"))).toEqual([]);
      const [judged] = judgedOf(code, "a.yaml");
      expect(judged?.status === "judged" && judged.resolved.assumptions.at(-1)).toMatch(new RegExp(`^--max-model-len ${written} lets the engine fit the context: [\\d,]+ tokens here$`));
    }
    // Without it, the model's 131,072 tokens do not fit one L4.
    expect(findings(lint(deployment(LLAMA), "a.yaml")).map((message) => message.ruleId)).toEqual(["vram/kv-cache-headroom"]);
  });

  it("reports a value inside a shell command at exactly its characters", () => {
    const code = deployment(`"sh", "-c", "vllm serve meta-llama/Llama-3.1-8B-Instruct --tensor-parallel-size 1.5"`, { image: "busybox" });
    const [message] = findings(lint(code, "a.yaml"));
    expect(message).toMatchObject({ ruleId: "vram/valid-values", ...spanOf(code, "--tensor-parallel-size 1.5", "1.5") });
  });

  tester.run("valid-values", plugin.rules["valid-values"] as never, {
    valid: [{ code: deployment(`${LLAMA}, "--max-model-len", "8192"`), filename: "a.yaml" }],
    invalid: [{ code: deployment(LLAMA, { gpus: -1 }), filename: "a.yaml", errors: [{ messageId: "invalidValue", data: { setting: "nvidia.com/gpu", raw: "-1", what: "GPU count", expected: "a whole number of 0 or more" } }] }],
  });
});

describe("values that are not facts leave the deployment unchecked, and say so", () => {
  it("an unquoted Helm template as the GPU count is a template, never 1 GPU", () => {
    const code = deployment(LLAMA, { gpus: "{{ .Values.gpus }}" });
    expect(only(code)).toMatchObject({ rule: "vram/unchecked-deployment", id: "template", text: "{{ .Values.gpus }}" });
    expect(only(code).message).toBe("nvidia.com/gpu is a template ({{ .Values.gpus }}), so this deployment was not checked. Lint the rendered files (helm template) to check it.");
  });

  it("a quoted template in the args is a template too", () => {
    expect(only(deployment(`"--model", "{{ .Values.model }}"`))).toMatchObject({ rule: "vram/unchecked-deployment", id: "template", text: '"{{ .Values.model }}"' });
  });

  it("reads a YAML 1.1 octal GPU count as Kubernetes does: 010 is 8", () => {
    const [judged] = judgedOf(deployment(`${LLAMA}, "--tensor-parallel-size", "8"`, { gpus: "010", selector: "nvidia-h100-80gb" }), "a.yaml");
    expect(judged?.status === "judged" && judged.values.gpuCount).toBe(8);
    expect(findings(lint(deployment(`${LLAMA}, "--tensor-parallel-size", "8"`, { gpus: "010", selector: "nvidia-h100-80gb" }), "a.yaml"))).toEqual([]);
  });

  it("escapes control characters and cuts long names in messages", () => {
    const escape = deployment(`"--model", "acme/evil\\u001b[31mred"`);
    const [message] = findings(lint(escape, "a.yaml"));
    expect(message!.message).toContain('"acme/evil\\u001b[31mred" is not in the catalog');
    expect(message!.message).not.toContain("\u001b");
    const long = deployment(`"--model", "acme/${"x".repeat(300_000)}"`);
    const [cut] = findings(lint(long, "a.yaml"));
    expect(cut!.message.length).toBeLessThan(600);
    expect(cut!.message).toContain("x…");
  });
});

describe("a context longer than the model's own, which vLLM and SGLang refuse to start with", () => {
  const QWEN_7B = `"--model", "Qwen/Qwen2.5-7B-Instruct"`;
  const REFUSED =
    "--max-model-len 131,072 is longer than Qwen2.5-7B-Instruct's 32,768-token context, so this deployment was not checked. vLLM refuses to start unless VLLM_ALLOW_LONG_MAX_MODEL_LEN=1 is set; a longer context also needs RoPE scaling (--hf-overrides).";

  it("is reported at the context, and the deployment is not judged on memory", () => {
    const code = deployment(`${QWEN_7B}, "--max-model-len", "131072"`, { selector: "nvidia-l40s" });
    expect(only(code)).toEqual({ rule: "vram/valid-values", id: "contextBeyondModel", text: "131072", message: REFUSED });
    expect(explainFile("a.yaml", code).file.deployments[0]!.reason).toBe(REFUSED);
  });

  it("is judged at the context the file sets when the file may allow it", () => {
    const allowing = [
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: env\ndata:\n  VLLM_ALLOW_LONG_MAX_MODEL_LEN: "1"\n---\n`,
      `# --hf-overrides '{"rope_scaling": {"rope_type": "yarn", "factor": 4.0}}' is in the base\n`,
    ];
    for (const prefix of allowing) {
      const [judged] = judgedOf(prefix + deployment(`${QWEN_7B}, "--max-model-len", "131072"`, { selector: "nvidia-l40s" }), "a.yaml");
      expect(judged?.status === "judged" && judged.estimate.maxModelLen).toBe(131_072);
    }
  });

  it("is not checked at or below the model's context, on engines that start anyway, or for a fine-tune sized by its family", () => {
    expect(findings(lint(deployment(`${QWEN_7B}, "--max-model-len", "32768"`, { selector: "nvidia-l40s" }), "a.yaml"))).toEqual([]);
    const tgi = deployment(`"--model-id", "Qwen/Qwen2.5-7B-Instruct", "--max-total-tokens", "65536", "--max-input-tokens", "60000"`, { selector: "nvidia-l40s", image: "ghcr.io/huggingface/text-generation-inference:3.3.4" });
    expect(judgedOf(tgi, "a.yaml")[0]?.status).toBe("judged");
    const fineTune = judgedOf(deployment(`"--model", "acme/Qwen2.5-7B-Instruct-legal-ft", "--max-model-len", "131072"`, { selector: "nvidia-l40s" }), "a.yaml")[0];
    expect(fineTune?.status === "judged" && fineTune.resolved.model.via).toBe("family");
  });

  it("is a warning of vram estimate, which sizes what the flags ask", async () => {
    const { code, stdout } = await runCli(["estimate", "--model", "Qwen/Qwen2.5-7B-Instruct", "--gpu", "L40S", "--max-model-len", "131072"]);
    expect(code).toBe(0);
    expect(stdout).toContain(
      "  ! the context 131,072 is longer than Qwen2.5-7B-Instruct's 32,768-token context: vLLM refuses to start unless VLLM_ALLOW_LONG_MAX_MODEL_LEN=1 is set; sized as if it were\n",
    );
  });
});
