/**
 * Re-parsing only what an edit touches (src/reparse.ts) reads every edited file exactly as a full
 * parse does: the cases the suggestions make are spliced, the ones whose meaning reaches outside the
 * edited node are left to a full parse, and random edits on every fixture never give a splice that
 * differs from a full parse of the same text, nor one of a text that does not parse.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { getStaticYAMLValue, parseYAML, type AST } from "yaml-eslint-parser";
import { reparseEdited } from "../src/reparse.js";
import { applyTextEdits } from "../src/rule-kit/verify.js";
import { parseText } from "../src/parse-text.js";
import type { TextEdit } from "../src/extract/types.js";
import { plainYamlTexts } from "./support/yaml-texts.js";

/** The test suite sets VRAM_CHECK_REPARSE (vitest.config.ts): each splice is compared with a full parse, and throws on a difference. */
expect(process.env.VRAM_CHECK_REPARSE).toBe("1");

/** A Deployment up to its containers: the manifests below add theirs. */
const DEPLOYMENT_HEAD = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: qwen
spec:
  template:
    spec:
      containers:
`;

const MANIFEST = `${DEPLOYMENT_HEAD}        - name: vllm
          image: vllm/vllm-openai:v0.11.0
          args: ["--model", "Qwen/Qwen2.5-7B-Instruct", "--max-model-len", "16384"]
          command:
            - python3
            - -m
            - vllm.entrypoints.openai.api_server
          resources:
            limits:
              nvidia.com/gpu: 1 # one L4
---
kind: ConfigMap
data:
  LOG_LEVEL: info
`;

/** `text` with `edits` re-parsed by window, or undefined where it parses whole. */
function spliced(text: string, edits: TextEdit[]): AST.YAMLProgram | undefined {
  const ast = parseText(text, "yaml");
  if (!("ast" in ast)) throw new Error(ast.error);
  return reparseEdited(ast.ast, text, edits, applyTextEdits(text, edits));
}

const at = (text: string, needle: string, offset = 0) => text.indexOf(needle) + offset;

describe("reparseEdited", () => {
  it.each<[string, (text: string) => TextEdit[]]>([
    ["a GPU count replaced", (text) => [{ range: [at(text, "gpu: 1") + 5, at(text, "gpu: 1") + 6], text: "2" }]],
    ["flags appended to a flow sequence", (text) => [{ range: [at(text, '"16384"') + 7, at(text, '"16384"') + 7], text: ', "--tensor-parallel-size", "2"' }]],
    ["a model replaced inside a flow sequence", (text) => [{ range: [at(text, '"Qwen/'), at(text, '-Instruct"') + 10], text: '"Qwen/Qwen2.5-7B-Instruct-AWQ"' }]],
    ["an item added to a block sequence", (text) => [{ range: [at(text, "api_server") + 10, at(text, "api_server") + 10], text: "\n            - --port=8000" }]],
    ["a nodeSelector added to a pod spec", (text) => [{ range: [at(text, "gpu: 1") + 6, at(text, "gpu: 1") + 6], text: "\n      nodeSelector:\n        cloud.google.com/gke-accelerator: nvidia-l4" }]],
    [
      "two edits in two places",
      (text) => [
        { range: [at(text, "gpu: 1") + 5, at(text, "gpu: 1") + 6], text: "2" },
        { range: [at(text, '"16384"') + 7, at(text, '"16384"') + 7], text: ', "--tensor-parallel-size", "2"' },
      ],
    ],
  ])("splices %s, as a full parse reads it", (_name, edits) => {
    const result = spliced(MANIFEST, edits(MANIFEST));
    expect(result).toBeDefined();
    expect(result!.body).toHaveLength(2);
  });

  /** A container that runs its engine from a shell script, as real manifests most often write it. */
  const SCRIPTED = `${DEPLOYMENT_HEAD}        - name: sglang
          image: lmsysorg/sglang:v0.4.9
          command: ["sh", "-c"]
          args:
            - |
              python3 -m sglang.launch_server \\
                --model-path Qwen/Qwen3-8B \\
                --tp-size 1 2>&1 | tee /tmp/log
          resources:
            limits:
              nvidia.com/gpu: 1
`;

  it.each<[string, (text: string) => TextEdit[]]>([
    ["a flag changed inside the script (the container is the window: the script ends its args)", (text) => [{ range: [at(text, "--tp-size 1") + 10, at(text, "--tp-size 1") + 11], text: "2" }]],
    ["a nodeSelector added to the pod spec that holds the script", (text) => [{ range: [at(text, "gpu: 1") + 6, at(text, "gpu: 1") + 6], text: "\n      nodeSelector:\n        nvidia.com/gpu.product: NVIDIA-L4" }]],
    ["a script line added", (text) => [{ range: [at(text, "Qwen3-8B \\") + 10, at(text, "Qwen3-8B \\") + 10], text: "\n                --context-length 8192 \\" }]],
  ])("splices %s, as a full parse reads it", (_name, edits) => {
    const result = spliced(SCRIPTED, edits(SCRIPTED));
    expect(result).toBeDefined();
    expect(result!.body).toHaveLength(1);
  });

  it.each<[string, string, (text: string) => TextEdit]>([
    ["an edit inside a block scalar that ends the document's only mapping", "args:\n  - |\n    vllm serve m\n", (text) => ({ range: [at(text, "serve m") + 7, at(text, "serve m") + 7], text: " --tp 2" })],
    ["a line added in a mapping that holds a block scalar keeping its trailing lines", "a:\n  s: |+\n    x\n\n  n: [1]\nb: 2\n", (text) => ({ range: [at(text, "1]"), at(text, "1]")], text: "\n   2, " })],
    ["an anchor added to the edited node", "a:\n  b: [1]\nc: 3\n", (text) => ({ range: [at(text, "[1]"), at(text, "[1]")], text: "&x " })],
    ["an edit next to an anchor others refer to", "a: {k: &x 1, j: 2}\nb: *x\n", (text) => ({ range: [at(text, "2}") + 1, at(text, "2}") + 1], text: ", i: 3" })],
    ["an insertion at the document's start", "a: 1\n", () => ({ range: [0, 0], text: "b: 2\n" })],
    ["a tab in the edited node", "a:\n  b: [1,\t2]\nc: 3\n", (text) => ({ range: [at(text, "2]") + 1, at(text, "2]") + 1], text: ", 3" })],
    ["a Go template file", "a: {{ .Values.x }}\nb: [1]\n", (text) => ({ range: [at(text, "1]") + 1, at(text, "1]") + 1], text: ", 2" })],
    ["a YAML 1.1 document", "%YAML 1.1\n---\na: [1]\n", (text) => ({ range: [at(text, "1]") + 1, at(text, "1]") + 1], text: ", 2" })],
  ])("parses whole %s", (_name, text, edit) => {
    expect(spliced(text, [edit(text)])).toBeUndefined();
  });

  it("parses only the keys a nodeSelector adds to a pod spec: the pod spec's own keys are the file's nodes", () => {
    const parsed = parseText(MANIFEST, "yaml");
    if (!("ast" in parsed)) throw new Error(parsed.error);
    const edit: TextEdit = { range: [at(MANIFEST, "gpu: 1") + 6, at(MANIFEST, "gpu: 1") + 6], text: "\n      nodeSelector:\n        cloud.google.com/gke-accelerator: nvidia-l4" };
    const podSpec = (program: AST.YAMLProgram) => {
      const deployment = program.body[0]!.content as AST.YAMLMapping;
      const pairValue = (mapping: AST.YAMLMapping, key: string) => mapping.pairs.find((pair) => (pair.key as AST.YAMLScalar).value === key)!.value as AST.YAMLMapping;
      return pairValue(pairValue(pairValue(deployment, "spec"), "template"), "spec");
    };
    const result = reparseEdited(parsed.ast, MANIFEST, [edit], applyTextEdits(MANIFEST, [edit]))!;
    expect(podSpec(result).pairs.map((pair) => (pair.key as AST.YAMLScalar).value)).toEqual(["containers", "nodeSelector"]);
    expect(podSpec(result).pairs[0]).toBe(podSpec(parsed.ast as AST.YAMLProgram).pairs[0]);
  });

  it.each<[string, string, (text: string) => TextEdit]>([
    ["between two keys", "spec:\n  a: 1\n  c: 3\nz: 0\n", (text) => ({ range: [at(text, "a: 1") + 4, at(text, "a: 1") + 4], text: "\n  b:\n    - x" })],
    ["after a key whose line ends in a comment", "spec:\n  a: 1 # one\nz: 0\n", (text) => ({ range: [at(text, "a: 1") + 4, at(text, "a: 1") + 4], text: "\n  b: 2" })],
    // Not alone: the script's final line break moves, so the mapping that holds both is the window.
    ["after a script, with the mapping that holds them", "spec:\n  run: |\n    vllm serve m\n  b: 2\nz: 0\n", (text) => ({ range: [at(text, "serve m") + 7, at(text, "serve m") + 7], text: "\n  c: 3" })],
  ])("splices new keys %s, as a full parse reads them", (_name, text, edit) => {
    expect(spliced(text, [edit(text)])).toBeDefined();
  });

  it.each<[string, string, (text: string) => TextEdit]>([
    ["a key the mapping already has (a full parse rejects the file)", "spec:\n  a: 1\n  b: 2\nz: 0\n", (text) => ({ range: [at(text, "a: 1") + 4, at(text, "a: 1") + 4], text: "\n  b: 3" })],
  ])("parses whole %s", (_name, text, edit) => {
    expect(spliced(text, [edit(text)])).toBeUndefined();
  });

  it("re-parses a line added inside a flow sequence with the block mapping that holds it", () => {
    const text = "a:\n  b: [1, 2]\nc: 3\n";
    const result = spliced(text, [{ range: [at(text, "2]"), at(text, "2]")], text: "\n   3, " }]);
    expect(result?.body[0]?.content?.type).toBe("YAMLMapping");
  });

  it("follows an alias to the anchored value as edited (the self-check compares values with aliases followed)", () => {
    const text = "a: &x [1, 2]\nb: *x\n";
    const result = spliced(text, [{ range: [at(text, "2]") + 1, at(text, "2]") + 1], text: ", 3" }]);
    expect(result && getStaticYAMLValue(result.body[0]!)).toEqual({ a: [1, 2, 3], b: [1, 2, 3] });
  });

  it("checks a remembered window parse against each node it stands for", () => {
    // Both windows read "  [1, 2]" after their edit: the flow sequence is spliced, the scalar turned into one is parsed whole.
    const sequence = "k:\n  [1]\n";
    expect(spliced(sequence, [{ range: [at(sequence, "1]") + 1, at(sequence, "1]") + 1], text: ", 2" }])).toBeDefined();
    const scalar = "k:\n  abc\n";
    expect(spliced(scalar, [{ range: [at(scalar, "abc"), at(scalar, "abc") + 3], text: "[1, 2]" }])).toBeUndefined();
  });

  it("re-parses an edit inside nested flow collections in the outermost one", () => {
    const text = "a: {b: [1], c: 2}\n";
    const result = spliced(text, [{ range: [at(text, "1]") + 1, at(text, "1]") + 1], text: ", 2" }]);
    expect(result?.body[0]?.content?.type).toBe("YAMLMapping");
  });
});

/** Every YAML fixture that parses as plain YAML (a chart template is parsed whole: it has no windows). */
function fixtureTexts(): string[] {
  return plainYamlTexts(new URL("../fixtures/", import.meta.url).pathname);
}

/** Every node of a parsed text (from yaml-eslint-parser's AST), where the random edits are placed. */
function nodesOf(text: string): AST.YAMLNode[] {
  const nodes: AST.YAMLNode[] = [];
  const visit = (value: unknown, key: string) => {
    if (key === "parent" || !value || typeof value !== "object") return;
    if (Array.isArray(value)) value.forEach((item) => visit(item, ""));
    else {
      if ("range" in value && "type" in value) nodes.push(value as AST.YAMLNode);
      for (const [childKey, child] of Object.entries(value)) if (childKey !== "tokens" && childKey !== "comments") visit(child, childKey);
    }
  };
  visit(parseYAML(text).body, "");
  return nodes;
}

describe("reparseEdited on random edits of every fixture", () => {
  const files = fixtureTexts().map((text) => ({ text, nodes: nodesOf(text) }));
  // Mostly what suggestions write (names, numbers, flags), sometimes what changes YAML's structure.
  const part = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom("a", "7", "x-y", "org/model", "--flag", ", 2", "k: v") },
    { weight: 1, arbitrary: fc.constantFrom(" ", ",", ":", ": ", "#", "-", "- ", "[", "]", "{", "}", '"', "'", "\n", "\n  ", "\n    - x", "|", "&a", "*a", "!!str", "\t") },
  );
  let splices = 0;

  it(`never gives an AST a full parse would not (${files.length} files)`, () => {
    fc.assert(
      fc.property(
        fc.nat({ max: files.length - 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.constantFrom("a scalar replaced", "inside a node", "at a node's end", "a new line after a node", "anywhere"),
        fc.nat({ max: 12 }),
        fc.nat({ max: 12 }),
        fc.array(part, { maxLength: 3 }),
        (fileIndex, where, placement, length, indent, parts) => {
          const { text, nodes } = files[fileIndex]!;
          const node = nodes[Math.min(nodes.length - 1, Math.floor(where * nodes.length))]!;
          const [from, to] = node.range;
          let edit: TextEdit;
          if (placement === "a scalar replaced") {
            const scalars = nodes.filter((candidate) => candidate.type === "YAMLScalar");
            const scalar = scalars[Math.min(scalars.length - 1, Math.floor(where * scalars.length))] ?? node;
            edit = { range: scalar.range, text: parts.join("") };
          } else if (placement === "inside a node") {
            const start = Math.min(to, from + length);
            edit = { range: [start, Math.min(to, start + (length % 4))], text: parts.join("") };
          } else if (placement === "at a node's end") edit = { range: [to, to], text: parts.join("") };
          else if (placement === "a new line after a node") {
            // Half at the node's own column (a sibling), half anywhere.
            const column = indent % 2 === 0 ? node.loc.start.column : indent;
            edit = { range: [to, to], text: `\n${" ".repeat(column)}${parts.join("") || "k: v"}` };
          }
          else {
            const start = Math.floor(where * text.length);
            edit = { range: [start, Math.min(text.length, start + length)], text: parts.join("") };
          }
          const changed = applyTextEdits(text, [edit]);
          let result: AST.YAMLProgram | undefined;
          try {
            result = spliced(text, [edit]);
          } catch (error) {
            // The comparison inside reparseEdited throws on a difference, and a full parse throws on a text that does not parse.
            throw new Error(`${String(error).slice(0, 2_000)}\nedit ${JSON.stringify(edit)}`);
          }
          if (result) {
            expect(() => parseYAML(changed)).not.toThrow();
            splices++;
          }
        },
      ),
      { numRuns: Number(process.env.REPARSE_RUNS ?? 4_000) },
    );
    // The edits reach the windows: a property over edits that are all parsed whole would prove nothing.
    expect(splices).toBeGreaterThan(400);
  });
});
