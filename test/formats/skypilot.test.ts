import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findings, lint, readFixture } from "../support/lint.js";
import { deploymentsOf, expectSuggestionsFix, finding, judgedOf, lintFixture, writtenAt } from "./helpers.js";

/**
 * The converted checkpoint is a local directory (`DeepSeek-R1-BF16`); a team may declare it in
 * `settings.vram` as DeepSeek-R1 stored in BF16, and the name's suffix says the same without it.
 */
const BF16_R1 = { vram: { models: [{ extends: "deepseek-ai/DeepSeek-V3", id: "local/DeepSeek-R1-BF16", nativeFormat: "bf16", checkpointBytes: null }] } };

describe("SkyPilot: DeepSeek-R1 converted to BF16 on 2 nodes × 8 A100-80GB", () => {
  it("does not fit: reported at the count inside `A100-80GB:8`, and every suggestion fixes it", () => {
    const { text, filename, messages } = lintFixture("skypilot/deepseek-r1-bf16-a100.yaml", { settings: BF16_R1 });
    expect(messages.map(finding)).toEqual([{ ruleId: "vram/weights-fit", messageId: "moeResident", line: 7, column: 29 }]);
    expect(messages[0]!.message).toMatch(/Only 37\.6B of its 671B parameters are active per token, but every expert must be resident/);
    expect(messages[0]!.message).toMatch(/needs 1251\.8 GiB at bf16; 16 × A100 80GB have 1005\.2 GiB usable/);
    expect(expectSuggestionsFix(text, filename, messages, { settings: BF16_R1 })).toBe(messages[0]!.suggestions!.length);
  });

  it("reads the accelerator type and count as two located parts of one scalar, num_nodes and TP from shell arithmetic", () => {
    const text = readFixture("skypilot/deepseek-r1-bf16-a100.yaml");
    const [deployment] = deploymentsOf(text, "task.yaml");
    expect(deployment).toMatchObject({ format: "skypilot", name: "deepseek-r1-bf16" });
    expect(writtenAt(text, deployment!, "gpuType")).toBe("A100-80GB");
    expect(writtenAt(text, deployment!, "gpuCount")).toBe("8");
    expect(deployment!.fields.gpuType!.range![1]).toBe(deployment!.fields.gpuCount!.range![0] - 1);
    expect(writtenAt(text, deployment!, "nodes")).toBe("2");
    // TP=$(($SKYPILOT_NUM_GPUS_PER_NODE * $SKYPILOT_NUM_NODES)) = 16, from a variable: not editable in place.
    expect(deployment!.fields.tensorParallel).toMatchObject({ value: 16, readonly: true });
    expect(deployment!.fields).toMatchObject({ engine: { value: "sglang" }, model: { value: "DeepSeek-R1-BF16" } });
    // Without the settings entry, the name's `-BF16` suffix says the same: DeepSeek-R1 upcast to BF16.
    const [judged] = judgedOf(text, "task.yaml");
    expect(judged).toMatchObject({ status: "judged", resolved: { model: { model: { id: "deepseek-ai/DeepSeek-R1" } }, request: { weightFormat: { id: "bf16" } } } });
    expect(lintFixture("skypilot/deepseek-r1-bf16-a100.yaml").messages.map(finding)).toEqual([{ ruleId: "vram/weights-fit", messageId: "moeResident", line: 7, column: 29 }]);
  });
});

describe("SkyPilot: single accelerator", () => {
  it("reports Mixtral on A10G:1 at the count; suggestions rewrite `A10G:1` and the run command together", () => {
    const { text, filename, messages } = lintFixture("skypilot/mixtral-a10g.yaml");
    expect(messages.map(finding)).toEqual([{ ruleId: "vram/weights-fit", messageId: "moeResident", line: 8, column: 22 }]);
    expect(expectSuggestionsFix(text, filename, messages)).toBe(messages[0]!.suggestions!.length);
    const eight = messages[0]!.suggestions!.find((suggestion) => /8 × NVIDIA A10G/.test(suggestion.desc))!;
    expect(eight.fix.text.startsWith("8\n")).toBe(true);
    expect(eight.fix.text).toMatch(/--max-model-len 8192 --tensor-parallel-size 8$/);
  });

  it("points a model read from `$MODEL_NAME` at `envs.MODEL_NAME`", () => {
    const text = readFixture("skypilot/mixtral-a10g.yaml");
    const [deployment] = deploymentsOf(text, "task.yaml");
    expect(deployment!.fields.model).toMatchObject({ value: "mistralai/Mixtral-8x7B-Instruct-v0.1", source: "envs.MODEL_NAME" });
    expect(deployment!.fields.model!.readonly).toBeUndefined();
    expect(deployment!.args).toMatchObject({ kind: "string" });
  });

  it("reads SkyPilot's own GPU names (`A100` is the 40 GB part), maps, lists, instance_type and docker run", () => {
    const task = (accelerators: string, run = "vllm serve meta-llama/Llama-3.1-8B-Instruct --max-model-len 8192") => `resources:\n  accelerators: ${accelerators}\nrun: |\n  ${run}\n`;
    const a100 = task("A100:8");
    const [deployment] = deploymentsOf(a100, "task.yaml");
    expect(deployment!.fields.gpuType?.value).toBe("A100-40GB");
    expect(writtenAt(a100, deployment!, "gpuType")).toBe("A100");
    expect(writtenAt(a100, deployment!, "gpuCount")).toBe("8");

    const map = task("{A100-80GB: 4}");
    const [fromMap] = deploymentsOf(map, "task.yaml");
    expect(writtenAt(map, fromMap!, "gpuType")).toBe("A100-80GB");
    expect(writtenAt(map, fromMap!, "gpuCount")).toBe("4");

    expect(deploymentsOf(task("[L4, A10G]"), "task.yaml").map((entry) => entry.name)).toEqual(["[L4]", "[A10G]"]);
    expect(deploymentsOf(task("L4:1", "echo no server here"), "task.yaml")).toEqual([]);

    const docker = task("L4:1", "docker run --gpus all -p 8000:8000 -e MODEL_ID=meta-llama/Llama-3.1-8B-Instruct ghcr.io/huggingface/text-generation-inference:3.0.1 --max-total-tokens 8192");
    expect(deploymentsOf(docker, "task.yaml")[0]!.fields).toMatchObject({ engine: { value: "tgi" }, model: { value: "meta-llama/Llama-3.1-8B-Instruct" }, maxModelLen: { value: 8192 } });

    const anyOf = "resources:\n  any_of:\n    - accelerators: H100:8\n    - accelerators: A100-80GB:8\n      instance_type: p4de.24xlarge\nrun: vllm serve Qwen/Qwen3-32B --tensor-parallel-size 8\n";
    expect(deploymentsOf(anyOf, "task.yaml").map((entry) => [entry.name, entry.fields.instanceType?.value])).toEqual([
      ["[H100:8]", undefined],
      ["[A100-80GB:8]", "p4de.24xlarge"],
    ]);
  });
});

describe("SkyPilot: any-of accelerator sets", () => {
  it("judges every alternative, and offers no edit that would break the others", () => {
    const { text, filename, messages } = lintFixture("skypilot/qwen3-32b-any-of.yaml");
    expect(messages.map(finding)).toEqual([{ ruleId: "vram/weights-fit", messageId: "weightsExceed", line: 6, column: 23 }]);
    expect(expectSuggestionsFix(text, filename, messages)).toBe(messages[0]!.suggestions?.length ?? 0);
    const judged = judgedOf(text, filename);
    expect(judged.map((entry) => [entry.deployment.name, entry.status, entry.status === "judged" && entry.estimate.verdict])).toEqual([
      ["[L40S:1]", "judged", "weights-exceed-memory"],
      ["[H100:1]", "judged", "fits"],
    ]);
    for (const entry of judged) expect(entry.deployment.fields.gpuType?.readonly).toBe(true);
  });
});

describe("SkyPilot: a server started by a script the file does not hold", () => {
  it("is found with the model its envs name and its GPUs, and said to be unchecked; a task naming no model is not a deployment", () => {
    const task = (envs: string) => `name: serve\n${envs}resources:\n  accelerators: H100:1\nsetup: bash scripts/setup.sh\nrun: bash scripts/serve.sh\n`;
    const text = task("envs:\n  MODEL: Qwen/Qwen2.5-7B-Instruct\n  MAX_HOURS: \"8\"\n");
    const [deployment] = deploymentsOf(text, "serve.yaml");
    expect([deployment!.fields.model?.value, deployment!.fields.gpuType?.value, deployment!.fields.gpuCount?.value]).toEqual(["Qwen/Qwen2.5-7B-Instruct", "H100", 1]);
    expect(findings(lint(text, "serve.yaml")).map((message) => message.message)).toEqual([
      // Judged at the script's most favourable reading, its flags still said to be unchecked.
      "Its run script (bash scripts/serve.sh) starts no engine this file shows, so its flags were not checked. At vLLM's defaults (no engine is named), Qwen2.5-7B-Instruct fits 1 × H100 80GB.",
    ]);
    // Where it fails there, no flag of the script makes it fit: an error.
    const tooSmall = task("envs:\n  MODEL: meta-llama/Llama-3.1-405B-Instruct\n");
    expect(findings(lint(tooSmall, "serve.yaml")).map((message) => [message.ruleId, message.severity])).toEqual([["vram/weights-fit", 2]]);
    // A training task on GPUs names no model to serve.
    expect(deploymentsOf(task("envs:\n  EPOCHS: \"3\"\n"), "train.yaml")).toEqual([]);
  });
});

describe("SkyPilot: odd input", () => {
  it("never throws on missing keys, wrong types and nulls", () => {
    const shapes = [
      (value: unknown) => ({ resources: value, run: "vllm serve x/y" }),
      (value: unknown) => ({ resources: { accelerators: value, any_of: value, ordered: value, instance_type: value }, num_nodes: value, envs: value, run: "vllm serve $M --tp $T" }),
      (value: unknown) => ({ resources: { accelerators: { "A100:8": value } }, run: value }),
      (value: unknown) => ({ setup: "x", run: `vllm serve m ${JSON.stringify(value)}`, num_nodes: value }),
    ];
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), fc.integer({ min: 0, max: shapes.length - 1 }), (value, shape) => {
        expect(() => deploymentsOf(JSON.stringify(shapes[shape]!(value)), "task.yaml")).not.toThrow();
      }),
      { numRuns: 300 },
    );
    for (const text of ["run:\n", "run: |\n  # only a comment\nresources: {}\n", "resources:\n  accelerators: {A100:0.5}\nrun: vllm serve m\n", "resources:\n  accelerators: ${GPU}\nrun: vllm serve m\n"]) {
      expect(() => deploymentsOf(text, "task.yaml")).not.toThrow();
    }
  });
});
