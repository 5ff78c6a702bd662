/**
 * Every deployment without a verdict maps to exactly one finding of one of the three speaking
 * rules, and under `configs.recommended` none of them is silent: on every fixture and every
 * corpus file, each unjudged deployment that is not switched off has its finding.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hasVerdict, type JudgedDeployment } from "../src/analysis.js";
import { parseJSON } from "jsonc-eslint-parser";
import { parseYAML } from "yaml-eslint-parser";
import { explainFile } from "../src/explain.js";
import { mayDescribeDeployment, readDeployments } from "../src/extract/index.js";
import type { Deployment, UnresolvedValue } from "../src/extract/types.js";
import { UNJUDGED_MESSAGES, unjudgedFinding } from "../src/judge/unjudged.js";
import type { Unresolved } from "../src/resolve.js";
import plugin from "../src/index.js";
import { CORPUS, corpusFiles, corpusPresent } from "./corpus/corpus.js";
import { lintHcl } from "./support/hcl.js";
import { FIXTURES, findings, lint } from "./support/lint.js";

const node = { range: [0, 1], loc: { start: { line: 1, column: 0 }, end: { line: 1, column: 1 } }, type: "YAMLScalar" } as never;
const deployment: Deployment = { format: "kubernetes", kind: "Deployment", name: "x", fields: {}, unresolved: {}, anchor: node };

const REASONS: UnresolvedValue["reason"][] = ["template", "variable", "reference", "invalid", "unsupported", "chart-template"];
const UNRESOLVED: Unresolved[] = [
  { reason: "no-model" },
  { reason: "no-gpu" },
  { reason: "unknown-model", written: "acme/x", closest: [] },
  { reason: "unknown-gpu", written: "x9", closest: ["L4"] },
  { reason: "unknown-instance", written: "p9.large" },
  { reason: "unknown-quantization", written: "int3", closest: [] },
  { reason: "unknown-kv-cache-dtype", written: "fp3" },
];

describe("one finding per unjudged deployment", () => {
  const cases: JudgedDeployment[] = [
    ...REASONS.map((reason) => ({ status: "incomplete" as const, deployment, values: {}, field: "gpuCount" as const, value: { raw: "x", node, reason } })),
    ...REASONS.map((reason) => ({ status: "incomplete" as const, deployment, values: {}, field: "model" as const, value: { raw: "pvc://x", node, reason } })),
    ...UNRESOLVED.map((unresolved) => ({ status: "unresolved" as const, deployment, values: {}, unresolved })),
    { status: "invalid", deployment, values: {}, resolved: {} as never, message: "pipeline parallel size 99 exceeds the model's 32 layers" },
  ];

  it.each(cases.map((judged) => [judged.status === "incomplete" ? `${judged.status} ${judged.field} ${judged.value.reason}` : judged.status === "unresolved" ? `unresolved ${judged.unresolved.reason}` : judged.status, judged] as const))(
    "%s maps to one rule's message",
    (_label, judged) => {
      const finding = unjudgedFinding(judged);
      expect(finding).toBeDefined();
      expect(Object.keys(UNJUDGED_MESSAGES[finding!.rule])).toContain(finding!.messageId);
      expect(plugin.rules[finding!.rule]!.meta.messages?.[finding!.messageId]).toBe((UNJUDGED_MESSAGES[finding!.rule] as Record<string, string>)[finding!.messageId]);
    },
  );

  it("each speaking rule is a warning in recommended and an error in strict", () => {
    for (const rule of Object.keys(UNJUDGED_MESSAGES)) {
      expect(plugin.rules[rule]!.meta.docs).toMatchObject({ recommended: "warn", strict: "error" });
    }
  });
});

/** The YAML, JSON and Terraform fixtures, as paths under fixtures/ (Helm chart folders and Terraform modules included). */
function fixtureFiles(dir = FIXTURES, prefix = ""): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return fixtureFiles(path, `${prefix}${entry}/`);
    return /\.(ya?ml|json|tf)$/.test(entry) ? [`${prefix}${entry}`] : [];
  });
}

/**
 * Unjudged deployments (not switched off) against the speaking rules' findings: each one must have
 * its own. A `.tf` file is read at its place on disk, with the module around it.
 */
function silentUnjudged(path: string): number {
  const text = readFileSync(path, "utf8");
  const filename = path.slice(path.lastIndexOf("/") + 1);
  const terraform = filename.endsWith(".tf");
  const { analysis } = terraform ? explainFile(filename, text, undefined, 1, path) : explainFile(filename, text);
  const unjudged = (analysis?.deployments ?? []).filter((entry) => !hasVerdict(entry) && !entry.deployment.disabled);
  const messages = terraform ? lintHcl(text, path) : findings(lint(text, filename));
  const spoken = messages.filter((message) => message.ruleId && Object.keys(UNJUDGED_MESSAGES).includes(message.ruleId.slice(5)));
  return Math.max(0, unjudged.length - spoken.length);
}

describe("no found-but-unjudged deployment is silent under configs.recommended", () => {
  it("on every fixture", () => {
    const silent = fixtureFiles().filter((file) => silentUnjudged(join(FIXTURES, file)) > 0);
    expect(silent).toEqual([]);
  });

  it.skipIf(!corpusPresent)("on every corpus file", () => {
    const silent = corpusFiles().filter((file) => silentUnjudged(join(CORPUS, file)) > 0);
    expect(silent).toEqual([]);
  });
});

describe("the first test of a file's text never hides a deployment", () => {
  /** Files whose text fails `mayDescribeDeployment` but where the adapters would find something. */
  const hidden = (root: string, files: string[]) =>
    files.filter((file) => {
      if (file.endsWith(".tf")) return false;
      const text = readFileSync(join(root, file), "utf8");
      if (mayDescribeDeployment(text)) return false;
      const parsed = file.endsWith(".json") ? parseJSON(text) : safeYaml(text);
      return parsed !== undefined && readDeployments(parsed as never, text).length > 0;
    });

  it("on every fixture", () => {
    expect(hidden(FIXTURES, fixtureFiles())).toEqual([]);
  });

  it.skipIf(!corpusPresent)("on every corpus file", () => {
    expect(hidden(CORPUS, corpusFiles())).toEqual([]);
  });

  it("lets a plain Service or a CI workflow through unread", () => {
    for (const text of ["apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  ports: [{port: 80}]\n", "name: ci\non: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n"]) {
      expect(mayDescribeDeployment(text)).toBe(false);
    }
  });
});

function safeYaml(text: string): unknown {
  try {
    return parseYAML(text);
  } catch {
    return undefined;
  }
}
