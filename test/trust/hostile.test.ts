/**
 * Bounded work on any input: alias bombs, regex-shaped keys and 100–300 KB values finish in
 * milliseconds with a clear message (never a crash, a hang or a heap abort), through ESLint and
 * through `vram explain`. Each family of patterns over file text gets adversarial strings; the
 * project's lint (eslint-plugin-regexp) checks every pattern for super-linear backtracking and moves.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import type { Linter } from "eslint";
import { describe, expect, it } from "vitest";
import { ALIAS_EXPANSION_LIMIT, readDocuments } from "../../src/extract/doc.js";
import { runCli } from "../support/cli.js";
import plugin from "../../src/index.js";
import { findings, lint, readFixture } from "../support/lint.js";

// Warm up (modules, catalog), so a timing is the input's cost alone.
findings(lint(readFixture("kubernetes/mixtral-8x7b-a10g.yaml"), "warm-up.yaml", { level: "all" }));
findings(lint("{}", "warm-up.json", { level: "all" }));

/** Time of one lint under `all`. */
function timedLint(text: string, filename: string): { messages: Linter.LintMessage[]; ms: number } {
  const start = performance.now();
  const messages = findings(lint(text, filename, { level: "all" }));
  return { messages, ms: performance.now() - start };
}

/** Time of parsing alone (every rule off): the share of a lint that is ESLint's and the parser's, not the plugin's. */
function parseOnly(text: string, filename: string): number {
  const rulesOff = Object.fromEntries(Object.keys(plugin.rules).map((name) => [`vram/${name}`, "off" as const]));
  const start = performance.now();
  lint(text, filename, { level: "all", rules: rulesOff });
  return performance.now() - start;
}

/** `a0: &a0 [lol × width]`, `a1: &a1 [*a0 × width]`, …: width^depth values from a few hundred bytes. */
function aliasBomb(name: string, width: number, depth: number, indent = ""): string {
  const lines = [`${indent}${name}0: &${name}0 [${Array(width).fill("lol").join(", ")}]`];
  for (let level = 1; level < depth; level++) lines.push(`${indent}${name}${level}: &${name}${level} [${Array(width).fill(`*${name}${level - 1}`).join(", ")}]`);
  return lines.join("\n");
}

const MIXTRAL_A10G = readFixture("kubernetes/mixtral-8x7b-a10g.yaml");

/** A budget for one lint of a hostile file: what a user would still call instant, with room for a busy 2-core CI machine. */
const INSTANT_MS = 1_500;

describe("YAML alias bombs leave their document unread, with a message, in milliseconds", () => {
  const bomb = aliasBomb("a", 9, 9);
  const complexKey = MIXTRAL_A10G.replace("          resources:\n", "          ? *b8\n          : 1\n          resources:\n").replace("apiVersion: apps/v1\n", `apiVersion: apps/v1\n${aliasBomb("b", 9, 9)}\n`);
  const kaito = readFixture("kaito/workspace-phi-4-custom-config.yaml").replace("    max_probe_steps: 6\n", `    max_probe_steps: 6\n${aliasBomb("c", 9, 9, "    ")}\n`);
  const reason = (why: string) => `This YAML document was not read, so nothing in it was checked: ${why}.`;
  const bombed = "its aliases expand to more than 100,000 values (an alias bomb)";
  const cases: Array<[name: string, text: string, line: number, message: string]> = [
    ["a nested-alias bomb", `${bomb}\n`, 1, reason(bombed)],
    // The Deployment's document starts after the fixture's two comment lines.
    ["a bomb as a complex key inside a Deployment", complexKey, 3, reason(bombed)],
    // The ConfigMap alone is data; the Workspace that reads the bomb out of it is the document left unread.
    ["a bomb in a ConfigMap string a KAITO Workspace reads", kaito, kaito.slice(0, kaito.indexOf("kind: Workspace")).split("\n").length - 1, reason("it reads YAML from a string in which the aliases expand to more than 100,000 values (an alias bomb)")],
    // Each alias right after a JSON-like key's colon, with no space: still an alias, still counted.
    ["a bomb of JSON-like flow mappings beside a model", `${bomb.replace(/\[((?:\*a\d, )*\*a\d)\]/g, (_all, items: string) => `{${items.split(", ").map((item, index) => `"k${index}":${item}`).join(", ")}}`)}\nmodel: mistralai/Mixtral-8x7B-Instruct-v0.1\ngpu: A10G\n`, 1, reason(bombed)],
    ["an alias inside the node it names", "a: &a {b: *a, c: *a}\nmodel: mistralai/Mixtral-8x7B-Instruct-v0.1\ngpu: A10G\n", 1, reason("an alias refers to a node that holds it, or it nests too deep, so it never ends")],
  ];

  it("the bombs are small", () => {
    expect(bomb.length).toBeLessThan(1_300);
  });

  for (const [name, text, line, message] of cases) {
    it(`${name}: one known-model message at the document, nothing judged`, () => {
      const { messages, ms } = timedLint(text, "bomb.yaml");
      expect(messages.map((found) => [found.ruleId, found.line, found.message])).toEqual([["vram/known-model", line, message]]);
      expect(ms).toBeLessThan(INSTANT_MS);
    });
  }

  it("the other documents of the file are still judged", () => {
    const { messages } = timedLint(`${bomb}\n---\n${MIXTRAL_A10G}`, "bomb.yaml");
    expect(messages.map((message) => message.ruleId)).toEqual(["vram/known-model", "vram/weights-fit"]);
  });

  it("a document whose anchors expand to just under the budget is read and judged", () => {
    const near = `${aliasBomb("a", 9, 5)}\nmodel: mistralai/Mixtral-8x7B-Instruct-v0.1\ngpu: A10G\n`;
    expect(9 ** 5).toBeLessThan(ALIAS_EXPANSION_LIMIT);
    const { messages, ms } = timedLint(near, "config.yaml");
    expect(messages.map((message) => message.ruleId)).toEqual(["vram/weights-fit"]);
    expect(ms).toBeLessThan(INSTANT_MS);
  });

  it("vram explain says which document was not read, and exits 0", async () => {
    const folder = mkdtempSync(join(tmpdir(), "vram-hostile-"));
    writeFileSync(join(folder, "bomb.yaml"), complexKey);
    const start = performance.now();
    const { code, stdout } = await runCli(["explain", "bomb.yaml"], folder);
    expect(performance.now() - start).toBeLessThan(INSTANT_MS * 2);
    expect(code).toBe(0);
    expect(stdout).toBe("bomb.yaml\n  document at bomb.yaml:3:1 not read: its aliases expand to more than 100,000 values (an alias bomb)\n");
  });
});

describe("a document nested past the reading limit is left unread, anchors or not", () => {
  // yaml-eslint-parser's own recursion stops near 1,000 levels, so the tree is built by hand: each
  // flow sequence holds the next, as `[[[…x…]]]` would. With an anchor, aliases are counted too.
  const nested = (levels: number, anchored: boolean) => {
    const scalar = { type: "YAMLScalar", style: "plain", value: "x", range: [levels, levels + 1] };
    let content: object = scalar;
    for (let level = levels; level > 0; level--) content = { type: "YAMLSequence", style: "flow", entries: [content], range: [level - 1, 2 * levels + 2 - level] };
    return { type: "Program", body: [{ type: "YAMLDocument", directives: [], anchors: anchored ? { x: [scalar] } : {}, content }] };
  };
  const text = (levels: number) => `${"[".repeat(levels)}x${"]".repeat(levels)}\n`;

  it.each([
    ["without an anchor", false],
    ["with an anchor", true],
  ])("%s", (_name, anchored) => {
    const deep = readDocuments(nested(2_001, anchored), text(2_001));
    expect(deep.documents).toEqual([]);
    expect(deep.unread.map((document) => document.reason)).toEqual(["an alias refers to a node that holds it, or it nests too deep, so it never ends"]);
    const shallow = readDocuments(nested(1_999, anchored), text(1_999));
    expect([shallow.documents.length, shallow.unread.length]).toEqual([1, 0]);
  });
});

describe("SkyPilot envs keys are never built into a pattern", () => {
  const task = (key: string) => `envs:\n  ${JSON.stringify(key)}: mistralai/Mixtral-8x7B-Instruct-v0.1\n  MODEL: mistralai/Mixtral-8x7B-Instruct-v0.1\nresources:\n  accelerators: A10G:1\nrun: |\n  vllm serve $MODEL --max-model-len 8192 $${"a".repeat(40)}c\n`;

  for (const key of ["((", "(a+)+b", "[", "\\", ".*", "a{1,99999}", `${"(a|a)*".repeat(10)}b`]) {
    it(`key ${JSON.stringify(key)}: judged as usual, at envs.MODEL`, () => {
      const { messages, ms } = timedLint(task(key), "task.yaml");
      expect(messages.map((message) => `${message.ruleId} ${message.line}`)).toEqual(["vram/weights-fit 5"]);
      expect(ms).toBeLessThan(INSTANT_MS);
    });
  }

  it("regex-shaped keys and values never throw (property)", () => {
    const metacharacters = fc.constantFrom(..."()[]{}+*?.|^$\\-aA1_ ".split(""));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ unit: metacharacters, maxLength: 40 }), fc.string({ unit: metacharacters, maxLength: 40 })), { maxLength: 5 }), (envs) => {
        const lines = envs.map(([key, value]) => `  ${JSON.stringify(key || "k")}: ${JSON.stringify(value)}`);
        const text = `envs:\n${lines.join("\n")}\n  MODEL: mistralai/Mixtral-8x7B-Instruct-v0.1\nresources:\n  accelerators: A10G:1\nrun: vllm serve $MODEL ${envs.map(([key]) => `$${key}`).join(" ")}\n`;
        const messages = findings(lint(text, "task.yaml", { level: "all" }));
        expect(messages.filter((message) => message.fatal && !/duplicated mapping key|Map keys must be unique/i.test(message.message))).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });
});

describe("alias graphs never crash or hang (property)", () => {
  /** A document of anchors whose items are scalars or aliases to earlier (or, for cycles, the same) anchors, used as values and complex keys of a Deployment. */
  const graph = fc.record({
    anchors: fc.array(fc.record({ width: fc.integer({ min: 1, max: 12 }), refs: fc.array(fc.nat(), { maxLength: 12 }), map: fc.boolean() }), { minLength: 1, maxLength: 12 }),
    selfRef: fc.boolean(),
    asKey: fc.boolean(),
  });

  it("every document is judged, or left unread with the message, within the time budget", () => {
    const outcomes = new Set<string>();
    fc.assert(
      fc.property(graph, ({ anchors, selfRef, asKey }) => {
        const lines: string[] = [];
        anchors.forEach((anchor, index) => {
          const items = Array.from({ length: anchor.width }, (_, item) => {
            const ref = anchor.refs[item];
            if (ref === undefined || index === 0) return "lol";
            const target = selfRef && item === 0 ? index : ref % index;
            return target === index ? "*self" : `*x${target}`;
          });
          const body = anchor.map ? `{${items.map((item, at) => `k${at}: ${item}`).join(", ")}}` : `[${items.join(", ")}]`;
          lines.push(`  x${index}: &x${index} ${body.replace("*self", `*x${index}`)}`);
        });
        const last = `*x${anchors.length - 1}`;
        const text = MIXTRAL_A10G.replace("metadata:\n", `metadata:\n  annotations:\n    note: ok\n`).replace(
          "      containers:\n",
          `      anchors:\n${lines.map((line) => `  ${line.trimStart().replace(/^/, "      ")}`).join("\n")}\n      ${asKey ? `? ${last}\n      : 1` : `extra: ${last}`}\n      containers:\n`,
        );
        const start = performance.now();
        const messages = findings(lint(text, "bomb.yaml", { level: "all" }));
        expect(performance.now() - start).toBeLessThan(INSTANT_MS * 2);
        expect(messages.filter((message) => message.fatal)).toEqual([]);
        const unread = messages.some((message) => message.ruleId === "vram/known-model" && message.message.startsWith("This YAML document was not read"));
        // Read: judged as the fixture is (Mixtral does not fit one A10G); unread: nothing else said.
        expect(messages.map((message) => message.ruleId)).toEqual(unread ? ["vram/known-model"] : ["vram/weights-fit"]);
        outcomes.add(unread ? "unread" : "judged");
      }),
      { numRuns: 60 },
    );
    expect([...outcomes].sort()).toEqual(["judged", "unread"]);
  });
});

describe("every pattern family over file text stays linear on adversarial strings", () => {
  const N = 100_000;
  /** Long runs of what each family of patterns repeats (100 KB), each followed by a character that makes the match fail. */
  const strings: Record<string, string> = {
    letters: `${"a".repeat(N)}!`,
    blanks: `a${" ".repeat(N)}!`,
    slashes: `a${"/".repeat(N)}\n`,
    brackets: `${"[".repeat(N)}x`,
    "shell flag cluster": `-${"c".repeat(N)}!`,
    digits: `${"1".repeat(N)}x`,
    "zeros after a point": `0.${"0".repeat(N)}x`,
    colons: `a${":".repeat(N)}!`,
    "at signs": `a${"@".repeat(N)}!`,
    substitutions: "$(".repeat(N / 2),
    arithmetic: `$((${"(".repeat(N)}`,
    "pvc+hf path": `pvc+hf://${"a/".repeat(N)}\n`,
    "hf URI, 300 KB name": `hf://${"a".repeat(3 * N)}/tree/b`,
    separators: `a${"-._".repeat(N / 3)}!`,
    "suppression note": `vram.lint/ignore${" ".repeat(N)}x`,
    parentheses: `a${" (".repeat(N / 2)}x`,
    "template braces": "{{".repeat(N / 2),
    quotes: '"'.repeat(N),
  };
  const y = (text: string) => JSON.stringify(text);
  const files: Record<string, (value: string) => [filename: string, text: string]> = {
    "Kubernetes args, command, image, labels, annotations": (value) => [
      "deployment.yaml",
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n  annotations:\n    vram.lint/ignore: ${y(value)}\nspec:\n  template:\n    spec:\n      nodeSelector:\n        cloud.google.com/gke-accelerator: ${y(value)}\n      containers:\n        - name: vllm\n          image: ${y(`vllm/vllm-openai:${value}`)}\n          command: ["/bin/sh", ${y(value)}, ${y(`vllm serve ${value} --tensor-parallel-size ${value}`)}]\n          args: [${y(value)}, "--model", ${y(value)}, ${y(`--max-model-len=${value}`)}]\n          resources:\n            limits:\n              nvidia.com/gpu: ${y(value)}\n`,
    ],
    "app config keys and values": (value) => ["config.json", JSON.stringify({ model: value, gpu: value, gpu_count: value, quant: value, [value]: value })],
    "Helm values": (value) => ["values.yaml", `servingEngineSpec:\n  modelSpec:\n    - name: m\n      repository: vllm/vllm-openai\n      modelURL: ${y(value)}\n      requestGPU: 1\n      pvcStorage: ${y(value)}\n      vllmConfig:\n        extraArgs: [${y(value)}]\n`],
    "KubeAI Model": (value) => ["model.yaml", `apiVersion: kubeai.org/v1\nkind: Model\nmetadata:\n  name: m\nspec:\n  url: ${y(`hf://${value}`)}\n  engine: VLLM\n  resourceProfile: ${y(value)}\n  args: [${y(value)}]\n`],
    "Terraform JSON": (value) => [
      "main.tf.json",
      JSON.stringify({
        resource: {
          aws_sagemaker_endpoint_configuration: { [value]: { production_variants: [{ instance_type: value, model_name: `\${aws_sagemaker_model.${value}.name}` }] } },
          aws_sagemaker_model: { [value]: { primary_container: { image: value, environment: { HF_MODEL_ID: value, SM_NUM_GPUS: value } } } },
        },
      }),
    ],
    "SkyPilot task": (value) => ["task.yaml", `envs:\n  ${y(value)}: mistralai/Mixtral-8x7B-Instruct-v0.1\n  M: mistralai/Mixtral-8x7B-Instruct-v0.1\nresources:\n  accelerators: ${y(value)}\nrun: |\n  vllm serve $M ${value.replace(/\n/g, " ")}\n`],
    "CloudFormation template": (value) => [
      "template.yaml",
      `AWSTemplateFormatVersion: "2010-09-09"\nParameters:\n  ${y(value)}: {Type: String, Default: ${y(value)}}\n  P: {Type: String, Default: ${y(value)}, AllowedValues: [${y(value)}]}\nResources:\n  M:\n    Type: AWS::SageMaker::Model\n    Properties:\n      ModelName: !Sub ${y(value)}\n      PrimaryContainer:\n        Image: ${y(value)}\n        Environment:\n          HF_MODEL_ID: !Ref P\n          SM_NUM_GPUS: ${y(value)}\n          ${y(value)}: !If [${y(value)}, ${y(value)}, x]\n  C:\n    Type: AWS::SageMaker::EndpointConfig\n    Properties:\n      ProductionVariants:\n        - {ModelName: !GetAtt ${y(value)}, InstanceType: !Ref ${y(value)}}\n        - {ModelName: ${y(value)}, InstanceType: ${y(value)}}\n`,
    ],
    "DRA claims": (value) => [
      "claims.yaml",
      `apiVersion: resource.k8s.io/v1\nkind: ResourceClaimTemplate\nmetadata:\n  name: ${y(value)}\nspec:\n  spec:\n    devices:\n      requests:\n        - name: ${y(value)}\n          exactly:\n            deviceClassName: ${y(value)}\n            count: ${y(value)}\n            selectors:\n              - cel:\n                  expression: ${y(`device.attributes["gpu.nvidia.com"].productName == "${value}"`)}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  template:\n    spec:\n      resourceClaims:\n        - name: ${y(value)}\n          resourceClaimTemplateName: ${y(value)}\n      containers:\n        - name: vllm\n          image: vllm/vllm-openai\n          args: ["--model", "Qwen/Qwen2.5-7B-Instruct"]\n          resources:\n            claims:\n              - name: ${y(value)}\n                request: ${y(value)}\n`,
    ],
    "docker-compose": (value) => ["compose.yaml", `services:\n  vllm:\n    image: vllm/vllm-openai\n    command: ${y(value)}\n    entrypoint: ["/bin/sh", ${y(value)}, ${y(value)}]\n    deploy:\n      resources:\n        reservations:\n          devices:\n            - driver: nvidia\n              count: ${y(value)}\n`],
  };

  for (const [format, file] of Object.entries(files)) {
    it(`${format}: every value ${Object.keys(strings).length} ways, the plugin's share of each lint in milliseconds`, () => {
      const slow: string[] = [];
      for (const [name, value] of Object.entries(strings)) {
        const [filename, text] = file(value);
        // The plugin's share: the lint less parsing the same text (a megabyte of YAML takes the parser itself a while).
        const total = timedLint(text, filename).ms;
        const ms = total > INSTANT_MS ? total - parseOnly(text, filename) : total;
        if (ms > INSTANT_MS) slow.push(`${name}: ${ms.toFixed(0)} ms`);
      }
      expect(slow).toEqual([]);
    });
  }
});

describe("a template of a thousand SageMaker endpoints", () => {
  it("joins every variant to its model in milliseconds", () => {
    const count = 1_000;
    const resources: Record<string, unknown> = {};
    for (let index = 0; index < count; index++) {
      resources[`Model${index}`] = { Type: "AWS::SageMaker::Model", Properties: { ModelName: `m${index}`, PrimaryContainer: { Image: "huggingface-pytorch-tgi-inference:2.4.0", Environment: { HF_MODEL_ID: "Qwen/Qwen2.5-7B-Instruct" } } } };
      resources[`Config${index}`] = { Type: "AWS::SageMaker::EndpointConfig", Properties: { ProductionVariants: [{ ModelName: `m${count - 1 - index}`, InstanceType: "ml.g5.2xlarge" }] } };
    }
    const text = JSON.stringify({ AWSTemplateFormatVersion: "2010-09-09", Resources: resources });
    const total = timedLint(text, "template.json");
    expect(total.messages).toEqual([]);
    expect(total.ms - parseOnly(text, "template.json")).toBeLessThan(INSTANT_MS);
  });
});

describe("a UTF-8 byte-order mark", () => {
  it("is read as ESLint reads it (vram explain: test/cli.test.ts)", () => {
    const messages = findings(lint(`\uFEFF${MIXTRAL_A10G}`, "mixtral.yaml"));
    expect(messages.map((message) => message.ruleId)).toEqual(["vram/weights-fit"]);
  });
});

describe("text from the file is shown safely in messages", () => {
  const deployment = (model: string) => MIXTRAL_A10G.replace('"mistralai/Mixtral-8x7B-Instruct-v0.1"', JSON.stringify(model));

  it("escapes terminal escape sequences and bidirectional overrides, in every rule's data (one place: the rule kit)", () => {
    for (const model of ["acme/\u001b[31mred\u001b[0m-model", "acme/\u202eledom-live"]) {
      const [finding] = findings(lint(deployment(model), "deploy.yaml"));
      expect(finding!.message).not.toMatch(/[\u0000-\u001f\u202a-\u202e]/);
      expect(finding!.message).toContain(model.includes("\u001b") ? "\\u001b[31mred" : "\\u202eledom");
    }
  });

  it("cuts a 300 KB name to a readable length, and the message stays within 320 characters", () => {
    const [finding] = findings(lint(deployment(`acme/${"x".repeat(300_000)}`), "deploy.yaml"));
    expect(finding!.ruleId).toBe("vram/known-model");
    expect(finding!.message).toContain("xxx…");
    expect(finding!.message.length).toBeLessThanOrEqual(320);
  });
});
