import { readFileSync } from "node:fs";
import { join } from "node:path";
import { RuleTester } from "eslint";
import { describe, expect, it } from "vitest";
import plugin from "../../src/index.js";
import { parseTarget } from "../../src/judge/targets.js";
import { applySuggestion, FIXTURES, findings, lint } from "../support/lint.js";
import { deployment, spanOf } from "../support/manifest.js";
import "../support/rule-tester.js";

const tester = new RuleTester({ plugins: { vram: plugin as never }, language: "vram/yaml" });
const H100 = { selector: "nvidia-h100-80gb", gpus: 2 };
const llama70bFp8 = `"--model", "meta-llama/Llama-3.3-70B-Instruct", "--quantization", "fp8", "--tensor-parallel-size", "2", "--max-model-len", "8192"`;
const withTarget = (target: string) => deployment(llama70bFp8, { ...H100, annotations: `    vram.lint/target: "${target}"\n` });

describe("vram/serving-capacity", () => {
  const missed = withTarget("concurrency=64, input=2000, output=500, itl-ms=30");
  const tooMany = withTarget("concurrency=400, input=2000, output=500");
  const unreadable = withTarget("concurrency=lots");
  tester.run("serving-capacity", plugin.rules["serving-capacity"] as never, {
    valid: [
      // No target written and none in settings: nothing to check.
      { code: deployment(llama70bFp8, H100), filename: "a.yaml" },
      { code: withTarget("concurrency=64, input=2000, output=500, itl-ms=60"), filename: "a.yaml" },
    ],
    invalid: [
      {
        code: missed,
        filename: "a.yaml",
        errors: [
          {
            ...spanOf(missed, `"concurrency=64, input=2000, output=500, itl-ms=30"`),
            message:
              "Llama-3.3-70B-Instruct misses its target: 49.3 ms per output token, over 30.0. Target: 64 requests at once, 2,000 input + 500 output tokens, ≤ 30.0 ms per token. " +
              "Cheapest change that meets it: 2 × NVIDIA B200 (26.3 ms/token, $28.48/h).",
            suggestions: [{ desc: "Use 2 × NVIDIA B200 (26.3 ms/token at 64 requests)", output: missed.replace("nvidia-h100-80gb", "nvidia-b200") }],
          },
        ],
      },
      {
        code: tooMany,
        filename: "a.yaml",
        errors: [
          {
            message:
              "Llama-3.3-70B-Instruct misses its target: the KV cache holds 85 such requests, not 400. Target: 400 requests at once, 2,000 input + 500 output tokens. " +
              "Cheapest change that meets it: 8 × NVIDIA H100 80GB at TP 8 (83.7 ms/token, $55.04/h).",
            suggestions: [
              {
                desc: "Use 8 × NVIDIA H100 80GB at TP 8 (83.7 ms/token at 400 requests)",
                output: tooMany.replace('"--tensor-parallel-size", "2"', '"--tensor-parallel-size", "8"').replace("nvidia.com/gpu: 2", "nvidia.com/gpu: 8"),
              },
            ],
          },
        ],
      },
      { code: unreadable, filename: "a.yaml", errors: [{ messageId: "unreadable", ...spanOf(unreadable, `"concurrency=lots"`) }] },
      {
        // settings.vram.targets applies to every deployment without an annotation; the finding sits at the model.
        code: deployment(llama70bFp8, H100),
        filename: "a.yaml",
        settings: { vram: { targets: { concurrency: 64, input: 2000, output: 500, "itl-ms": 30 } } },
        errors: [
          {
            messageId: "missed",
            ...spanOf(deployment(llama70bFp8, H100), `"meta-llama/Llama-3.3-70B-Instruct"`, "meta-llama/Llama-3.3-70B-Instruct"),
            suggestions: [{ desc: "Use 2 × NVIDIA B200 (26.3 ms/token at 64 requests)", output: deployment(llama70bFp8, H100).replace("nvidia-h100-80gb", "nvidia-b200") }],
          },
        ],
      },
      {
        // A GPU the catalog has no speed figures for: said, never guessed.
        code: deployment(`"--model", "meta-llama/Llama-3.1-8B-Instruct", "--max-model-len", "8192"`, { selector: "lab-gpu", label: "nvidia.com/gpu.product", annotations: `    vram.lint/target: "concurrency=4"\n` }),
        filename: "a.yaml",
        settings: { vram: { gpus: [{ id: "lab-gpu", name: "Lab GPU", vendor: "nvidia", architecture: "Ada", memoryBytes: 48 * 2 ** 30, memorySource: "marketed", computeCapability: 8.9, bf16: true, fp8: true, fp4: false, names: ["lab-gpu"] }] } },
        errors: [{ message: "Llama-3.1-8B-Instruct's serving target (4 requests at once) cannot be checked: the catalog has no memory bandwidth for the Lab GPU, so its speed is unknown." }],
      },
    ],
  });

  it("reads the target syntax: keys, aliases, units and errors", () => {
    expect(parseTarget("concurrency=64, input=2k, output=500, itl-ms=50, ttft=2s, throughput=1500")).toEqual({
      target: { concurrency: 64, inputTokens: 2000, outputTokens: 500, itlMs: 50, ttftMs: 2000, outputTokensPerSecond: 1500 },
    });
    expect(parseTarget("users: 8; isl: 1000; osl: 200; tpot: 40ms")).toEqual({ target: { concurrency: 8, inputTokens: 1000, outputTokens: 200, itlMs: 40 } });
    expect(parseTarget("qps=5")).toEqual({ error: '"qps" is not a target key (concurrency, input, output, itl-ms, ttft-ms, throughput)' });
    expect(parseTarget("itl-ms=2k")).toEqual({ error: "itl-ms=2k is not a positive number" });
    expect(parseTarget("")).toEqual({ error: "it is empty" });
  });

  describe("fixtures under strict, every suggestion applied and re-linted with every rule", () => {
    const cases: Array<[string, string[]]> = [
      ["kubernetes/llama-3.3-70b-fp8-2xh100-target.yaml", ["vram/serving-capacity 10:23 missed"]],
      ["kubernetes/mixtral-8x7b-4xa100-target.yaml", []],
    ];
    for (const [file, expected] of cases) {
      it(file, () => {
        const text = readFileSync(join(FIXTURES, file), "utf8");
        const messages = findings(lint(text, file, { level: "strict" }));
        expect(messages.map((message) => `${message.ruleId} ${message.line}:${message.column} ${message.messageId}`)).toEqual(expected);
        for (const message of messages) {
          for (const suggestion of message.suggestions ?? []) {
            const fixed = applySuggestion(text, suggestion);
            expect(findings(lint(fixed, file, { level: "all" }))).toEqual([]);
          }
        }
      });
    }
  });

  it("finds a target in a Terraform JSON note", () => {
    const text = readFileSync(join(FIXTURES, "terraform/sagemaker-mixtral-p4d.tf.json"), "utf8").replace(
      '"//": "TGI reads HF_MODEL_ID',
      '"//": "vram.lint/target concurrency=4000, input=4096, output=4096", "/ /": "TGI reads HF_MODEL_ID',
    );
    const [message] = findings(lint(text, "main.tf.json", { level: "strict" })).filter((entry) => entry.ruleId === "vram/serving-capacity");
    expect(message?.message).toMatch(/^Mixtral-8x7B-Instruct-v0\.1 misses its target: the KV cache holds [\d,]+ such requests, not 4,000\. Also the engine runs at most 128 sequences at once\. Target: 4,000 requests at once, 4,096 input \+ 4,096 output tokens\./);
  });
});
