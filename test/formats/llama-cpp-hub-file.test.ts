/**
 * llama.cpp pulling one file of a GGUF repository (`--hf-repo` with `--hf-file`, or their
 * `LLAMA_ARG_*` variables): the file's quant type is what loads, not the repository's default Q4_K_M.
 */
import { describe, expect, it } from "vitest";
import { findings, lint, readFixture } from "../support/lint.js";
import { deploymentsOf, expectSuggestionsFix, finding, lintFixture } from "./helpers.js";

const FIXTURE = "kubernetes/llama-3.1-70b-gguf-q8-l40s.yaml";

describe("llama.cpp's file of a GGUF repository", () => {
  it("sizes the Q8_0 file it pulls, which does not fit one L40S, and every suggestion fixes it", () => {
    const { text, filename, messages } = lintFixture(FIXTURE);
    const [deployment] = deploymentsOf(text, filename);
    expect(deployment!.fields.model).toMatchObject({
      value: "bartowski/Meta-Llama-3.1-70B-Instruct-GGUF/Meta-Llama-3.1-70B-Instruct-Q8_0-00001-of-00002.gguf",
      readonly: true,
    });
    expect(messages.map(finding)).toEqual([{ ruleId: "vram/weights-fit", messageId: "weightsExceed", line: 40, column: 31 }]);
    expect(messages.map((message) => message.message)).toEqual([
      "Meta-Llama-3.1-70B-Instruct-Q8_0-00001-of-00002.gguf needs 71.5 GiB at GGUF Q8_0; 1 × L40S has 45.0 GiB usable. Fits with 2 × NVIDIA L40S.",
    ]);
    expect(messages[0]!.suggestions!.map((suggestion) => suggestion.desc)).toEqual([
      "Use 2 × NVIDIA L40S: 8,192 KV tokens, 1.0 × 8,192-token sequences",
      "Use 1 × NVIDIA A100 80GB: 8,192 KV tokens, 1.0 × 8,192-token sequences",
    ]);
    expect(expectSuggestionsFix(text, filename, messages)).toBe(2);
  });

  it("read as the repository alone, the same server would have been a false 'fits'", () => {
    const text = readFixture(FIXTURE);
    const withoutFile = text.replace(/ {12}- name: LLAMA_ARG_HF_FILE\n.*\n/, "");
    expect(withoutFile).not.toContain("LLAMA_ARG_HF_FILE");
    expect(findings(lint(withoutFile, "llama.yaml"))).toEqual([]);
    // The same pair written as flags reads the same.
    const asFlags = text.replace(/ {10}env:\n(?: {12}.*\n)+?(?= {12}- name: HF_TOKEN)/, "          args: [--hf-repo, bartowski/Meta-Llama-3.1-70B-Instruct-GGUF, -hff, Meta-Llama-3.1-70B-Instruct-Q8_0-00001-of-00002.gguf, -ngl, \"99\", -c, \"8192\"]\n          env:\n");
    expect(asFlags).toContain("-hff");
    const message = (messages: ReturnType<typeof findings>) => messages.map(({ messageId, message }) => ({ messageId, message }));
    expect(message(findings(lint(asFlags, "llama.yaml")))).toEqual(message(lintFixture(FIXTURE).messages));
  });
});
