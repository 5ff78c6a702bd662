import { RuleTester } from "eslint";
import { describe, expect, it } from "vitest";
import plugin from "../../src/index.js";
import { deployment, spanOf } from "../support/manifest.js";
import { findings, lint } from "../support/lint.js";
import "../support/rule-tester.js";

const tester = new RuleTester({ plugins: { vram: plugin as never }, language: "vram/yaml" });
const llama = (flags: string) => `"--model", "meta-llama/Llama-3.1-8B-Instruct", "--max-model-len", "8192"${flags}`;
/** Qwen3-235B-A22B-FP8: 128×128 FP8 blocks, a 1536-wide expert MLP; TP 8 gives 192-wide shards, which vLLM refuses to load. */
const qwenFp8 = (tp: string, extra = "") => deployment(`"--model", "Qwen/Qwen3-235B-A22B-FP8", "--tensor-parallel-size", "${tp}", "--max-model-len", "32768"${extra}`, { gpus: 8, selector: "nvidia-h200-141gb" });

describe("vram/parallelism-matches-gpus", () => {
  tester.run("parallelism-matches-gpus", plugin.rules["parallelism-matches-gpus"] as never, {
    valid: [
      { code: deployment(llama(`, "--tensor-parallel-size", "2"`), { gpus: 2 }), filename: "a.yaml" },
      { code: deployment(llama(`, "--tensor-parallel-size", "2", "--pipeline-parallel-size", "2"`), { gpus: 4 }), filename: "a.yaml" },
      // Idle GPUs are a warning of parallelism-efficiency, not a start failure.
      { code: deployment(llama(""), { gpus: 4 }), filename: "a.yaml" },
      // DeepSeek MLA: no KV-head constraint on TP.
      { code: deployment(`"--model", "deepseek-ai/DeepSeek-V3", "--tensor-parallel-size", "8"`, { gpus: 8, selector: "nvidia-h200-141gb" }), filename: "a.yaml" },
    ],
    invalid: [
      {
        code: deployment(llama(`, "--tensor-parallel-size", "4"`), { gpus: 2 }),
        filename: "a.yaml",
        errors: [
          {
            messageId: "ranksExceedGpus",
            ...spanOf(deployment(llama(`, "--tensor-parallel-size", "4"`), { gpus: 2 }), `"--tensor-parallel-size", "4"`, "4"),
            data: { engine: "vLLM", ranks: 4, layout: "tensor parallel 4", gpus: 2, plural: "s" },
            suggestions: [
              { messageId: "requestGpus", data: { gpus: 4 }, output: deployment(llama(`, "--tensor-parallel-size", "4"`), { gpus: 4 }) },
              { messageId: "useTensorParallel", data: { tp: 2, gpus: "" }, output: deployment(llama(`, "--tensor-parallel-size", "2"`), { gpus: 2 }) },
            ],
          },
        ],
      },
      {
        code: deployment(llama(`, "--tensor-parallel-size", "3"`), { gpus: 3 }),
        filename: "a.yaml",
        errors: [
          {
            messageId: "headsNotDivisible",
            ...spanOf(deployment(llama(`, "--tensor-parallel-size", "3"`), { gpus: 3 }), `"--tensor-parallel-size", "3"`, "3"),
            data: { tp: 3, model: "Llama-3.1-8B-Instruct", heads: 32, engine: "vLLM", valid: "1, 2, 4, 8" },
            suggestions: [
              { messageId: "useTensorParallel", data: { tp: 2, gpus: "" }, output: deployment(llama(`, "--tensor-parallel-size", "2"`), { gpus: 3 }) },
              { messageId: "useTensorParallel", data: { tp: 4, gpus: " on 4 GPUs" }, output: deployment(llama(`, "--tensor-parallel-size", "4"`), { gpus: 4 }) },
            ],
          },
        ],
      },
      {
        code: qwenFp8("8"),
        filename: "a.yaml",
        errors: [
          {
            messageId: "tilesNotDivisible",
            ...spanOf(qwenFp8("8"), `"--tensor-parallel-size", "8"`, "8"),
            data: { tp: 8, size: 1536, what: "expert MLP", shard: 192, tile: 128, format: "FP8", engine: "vLLM", model: "Qwen3-235B-A22B-FP8", valid: "1, 2, 4" },
            suggestions: [
              { messageId: "useTensorParallel", data: { tp: 4, gpus: "" }, output: qwenFp8("4") },
              // The same eight GPUs, all busy: TP 4 × PP 2.
              { messageId: "useTensorParallel", data: { tp: 4, gpus: " × pipeline parallel 2" }, output: qwenFp8("4", `, "--pipeline-parallel-size", "2"`) },
            ],
          },
        ],
      },
      {
        code: deployment(llama(`, "--tensor-parallel-size", "16"`), { gpus: 16 }),
        filename: "a.yaml",
        errors: [
          {
            messageId: "exceedsNode",
            ...spanOf(deployment(llama(`, "--tensor-parallel-size", "16"`), { gpus: 16 }), "nvidia.com/gpu: 16", "16"),
            data: { gpus: 16, nodeGpus: 8, instance: " on the largest common nodes" },
          },
        ],
      },
    ],
  });
});

describe("vram/parallelism-efficiency", () => {
  tester.run("parallelism-efficiency", plugin.rules["parallelism-efficiency"] as never, {
    valid: [{ code: deployment(llama(`, "--tensor-parallel-size", "2"`), { gpus: 2 }), filename: "a.yaml" }],
    invalid: [
      {
        code: deployment(llama(""), { gpus: 4 }),
        filename: "a.yaml",
        errors: [
          {
            messageId: "idleGpus",
            ...spanOf(deployment(llama(""), { gpus: 4 }), "nvidia.com/gpu: 4", "4"),
            suggestions: [
              { messageId: "useTensorParallel", data: { tp: 4, gpus: 4 }, output: deployment(llama(`, "--tensor-parallel-size", "4"`), { gpus: 4 }) },
              { messageId: "requestGpus", data: { gpus: 1, plural: "" }, output: deployment(llama(""), { gpus: 1 }) },
            ],
          },
        ],
      },
      {
        // Qwen3-235B has 4 KV heads: TP 8 stores each twice. (Its FP8 checkpoint cannot start at TP 8 at all: parallelism-matches-gpus.)
        code: deployment(`"--model", "Qwen/Qwen3-235B-A22B", "--tensor-parallel-size", "8", "--max-model-len", "32768"`, { gpus: 8, selector: "nvidia-h200-141gb" }),
        filename: "a.yaml",
        errors: [
          {
            messageId: "kvReplicated",
            ...spanOf(deployment(`"--model", "Qwen/Qwen3-235B-A22B", "--tensor-parallel-size", "8", "--max-model-len", "32768"`, { gpus: 8, selector: "nvidia-h200-141gb" }), `"--tensor-parallel-size", "8"`, "8"),
            data: { tp: 8, model: "Qwen3-235B-A22B", kvHeads: 4, factor: 2, replicas: 2 },
          },
        ],
      },
    ],
  });
});

describe("parallelism suggestions keep the layout valid and fitting (issue 10)", () => {
  // Llama-3.1-70B at TP 3 on one H100: 64 heads do not split 3 ways, and 3 ranks need 3 GPUs.
  const tp3 = deployment(`"--model", "meta-llama/Llama-3.1-70B-Instruct", "--tensor-parallel-size", "3", "--max-model-len", "8192"`, { gpus: 1, selector: "nvidia-h100-80gb" });
  const offered = (code: string) => findings(lint(code, "a.yaml", { level: "all" })).map((message) => [message.messageId, (message.suggestions ?? []).map((suggestion) => suggestion.desc)]);

  it("never offers to request GPUs for a tensor-parallel size the model cannot split by (Request 3 GPUs would leave TP 3 refused)", () => {
    expect(offered(tp3)).toEqual([
      // TP 2 is a valid split but 70B in bf16 does not fit two H100s: only TP 4 on 4 GPUs is offered.
      ["headsNotDivisible", ["Use tensor parallel 4 on 4 GPUs"]],
      ["ranksExceedGpus", []],
    ]);
  });

  it("still offers to request GPUs for a valid layout (pipeline parallel 3 on one GPU)", () => {
    const pp3 = deployment(`"--model", "meta-llama/Llama-3.1-70B-Instruct", "--pipeline-parallel-size", "3", "--max-model-len", "8192"`, { gpus: 1, selector: "nvidia-h100-80gb" });
    expect(offered(pp3)).toEqual([["ranksExceedGpus", ["Request 3 GPUs"]]]);
  });
});
