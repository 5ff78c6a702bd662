/**
 * Values that are legal YAML but no deployment: words that name built-in object properties
 * (`toString`, `constructor`, `__proto__`) are ordinary text — an unknown kind, GPU or anchor, never
 * a crash, never a change to the objects of the ESLint process; numbers no machine could hold are
 * left unjudged, never looped over.
 */
import { describe, expect, it } from "vitest";
import { explainFile } from "../../src/explain.js";
import { findings, lint } from "../support/lint.js";
import { deploymentsOf, finding, judgedOf } from "./helpers.js";

/** A vLLM Deployment on L4 nodes with these args (a YAML flow list) and this GPU limit; the args are line 10, the limit line 11. */
function vllmOnL4(args: string, gpus: string): string {
  return [
    "apiVersion: apps/v1",
    "kind: Deployment",
    "metadata: {name: llm}",
    "spec:",
    "  template:",
    "    spec:",
    "      containers:",
    "        - name: vllm",
    "          image: vllm/vllm-openai:v0.10.1",
    `          args: ${args}`,
    `          resources: {limits: {nvidia.com/gpu: ${gpus}}}`,
    "      nodeSelector: {cloud.google.com/gke-accelerator: nvidia-l4}",
    "",
  ].join("\n");
}

const skypilotTask = (accelerators: string) => `resources:\n  accelerators: ${accelerators}\nrun: vllm serve Qwen/Qwen3-32B\n`;

describe("keys and values named like built-in properties", () => {
  it("a Kubernetes kind `toString` is not a workload", () => {
    const text = "apiVersion: v1\nkind: toString\nmetadata:\n  name: x\nspec:\n  template: {}\n";
    expect(deploymentsOf(text, "deploy.yaml")).toEqual([]);
    expect(findings(lint(text, "deploy.yaml", { level: "all" }))).toEqual([]);
  });

  it.each([
    ["{constructor: 1}", "constructor", 18],
    ["toString:2", "toString", 17],
    ["hasOwnProperty", "hasOwnProperty", 17],
  ])("a SkyPilot accelerator %s is an unknown GPU, said by known-model", (accelerators, gpu, column) => {
    const text = skypilotTask(accelerators);
    const messages = findings(lint(text, "task.yaml", { level: "all" }));
    expect(messages.map(finding)).toEqual([{ ruleId: "vram/known-model", messageId: "unknownGpu", line: 2, column }]);
    expect(messages[0]!.message).toMatch(new RegExp(`^GPU "${gpu}" is not in the catalog, so nothing about this deployment was checked\\.`));
  });

  it("an alias whose name is `toString` and has no anchor resolves to nothing", () => {
    const text = vllmOnL4("[--model, Qwen/Qwen3-8B, --max-model-len, \"8192\", --dtype, *toString]", "1");
    const judged = judgedOf(text, "deploy.yaml");
    expect(judged.map((entry) => [entry.status, entry.status === "judged" && entry.estimate.verdict])).toEqual([["judged", "fits"]]);
  });

  it("Helm --set names through `__proto__` and `constructor.prototype` stay keys of the values", () => {
    const text = JSON.stringify(
      {
        resource: {
          helm_release: {
            mixtral: {
              chart: "vllm-stack",
              values: ["servingEngineSpec:\n  modelSpec:\n    - name: mixtral\n      modelURL: mistralai/Mixtral-8x7B-Instruct-v0.1\n"],
              set: [
                { name: "__proto__.vramPolluted", value: "yes" },
                { name: "constructor.prototype.vramPolluted", value: "yes" },
                { name: "servingEngineSpec.modelSpec[0].requestGPU", value: "2" },
              ],
            },
          },
        },
      },
      null,
      2,
    );
    const deployments = deploymentsOf(text, "main.tf.json");
    expect(deployments.map((deployment) => [deployment.fields.model?.value, deployment.fields.gpuCount?.value])).toEqual([["mistralai/Mixtral-8x7B-Instruct-v0.1", 2]]);
    // Judged on the GPUs it could land on (no type is named), like any other file.
    expect(findings(lint(text, "main.tf.json", { level: "all" })).map((message) => message.ruleId)).toEqual(["vram/parallelism-efficiency", "vram/pin-gpu-type"]);
    expect((({}) as Record<string, unknown>).vramPolluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("vramPolluted");
  });
});

describe("numbers no machine could hold", () => {
  const deployment = (gpus: string, maxModelLen: string) => vllmOnL4(`[--model, meta-llama/Llama-3.1-8B-Instruct, --max-model-len, "${maxModelLen}"]`, gpus);

  const digits400 = "9".repeat(400);
  it.each([
    ["nvidia.com/gpu: \"1e308\"", '"1e308"', "8192", "gpuCount", "1e308"],
    ["nvidia.com/gpu: 2^54", "18014398509481984", "8192", "gpuCount", "18014398509481984"],
    ["a 400-digit --max-model-len", "1", digits400, "maxModelLen", digits400],
  ])("%s: unjudged, reported at the value by valid-values, and explained", (_label, gpus, maxModelLen, field, raw) => {
    const text = deployment(gpus, maxModelLen);
    const messages = findings(lint(text, "deploy.yaml", { level: "all" }));
    expect(messages.map((message) => `${message.ruleId} ${message.messageId}`)).toEqual(["vram/valid-values invalidValue"]);
    const [judged] = judgedOf(text, "deploy.yaml");
    expect(judged?.status === "incomplete" && [judged.field, judged.value.raw, judged.value.reason]).toEqual([field, raw, "invalid"]);
    const { file } = explainFile("deploy.yaml", text);
    // One wording, the rule's, with a long value cut to 60 characters.
    expect(file.deployments.map((entry) => entry.reason)).toEqual([messages[0]!.message]);
    expect(messages[0]!.message.length).toBeLessThan(200);
  });

  it("a count that fits in a number but not in a cluster is judged by the rules that can say so", () => {
    const text = deployment("1048576", "8192");
    const messages = findings(lint(text, "deploy.yaml", { level: "all" }));
    expect(messages.map(finding)).toEqual([
      { ruleId: "vram/parallelism-matches-gpus", messageId: "exceedsNode", line: 11, column: 48 },
      { ruleId: "vram/parallelism-efficiency", messageId: "idleGpus", line: 11, column: 48 },
    ]);
    expect(messages[1]!.message).toBe(
      "1048576 GPUs are requested but vLLM runs 1 rank (tensor parallel 1): 1048575 GPUs sit idle. Request 1, or pick a tensor-parallel size that uses all 1048576.",
    );
  });
});

describe("placeholders filled in before a file is applied", () => {
  it("are reported as placeholders, not as unknown models or GPUs", () => {
    const messages = (args: string, gpus = '"1"') => findings(lint(vllmOnL4(args, gpus), "llm.yaml")).map((message) => `${message.ruleId} ${message.line}: ${message.message}`);
    expect(messages('["--model", "__MODEL__"]')).toEqual([
      "vram/unchecked-deployment 10: --model is a placeholder (__MODEL__) filled in before the file is applied, so this deployment was not checked. Lint the filled-in file to check it.",
    ]);
    expect(messages('["--model=hf://<ORG>/<REPO>"]')).toEqual([
      "vram/unchecked-deployment 10: --model is a placeholder (hf://<ORG>/<REPO>) filled in before the file is applied, so this deployment was not checked. Lint the filled-in file to check it.",
    ]);
    expect(messages('["--model", "Qwen/Qwen2.5-7B-Instruct"]', "REPLACE_ME")).toEqual([
      "vram/unchecked-deployment 11: nvidia.com/gpu is a placeholder (REPLACE_ME) filled in before the file is applied, so this deployment was not checked. Lint the filled-in file to check it.",
    ]);
  });
});
