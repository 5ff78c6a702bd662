/**
 * `vram explain FILE…`: every deployment found in the files, where it is, and either its memory
 * breakdown with verdict and remedies, or why it cannot be judged.
 */
import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { parseJSON } from "jsonc-eslint-parser";
import { parseYAML } from "yaml-eslint-parser";
import { analyzeFile, type FileAnalysis, type JudgedDeployment, remediesFor } from "./analysis.js";
import { unresolvedMessage } from "./resolve.js";
import { type EstimateJson, estimateJson } from "./report/json.js";
import { renderBreakdown, styleFor } from "./report/text.js";
import type { CliIo } from "./cli-io.js";

export interface ExplainedDeployment {
  kind: string;
  name: string | null;
  format: string;
  /** Where the deployment is written (1-based line and column). */
  location: { line: number; column: number };
  status: JudgedDeployment["status"];
  /** The setting that switches the deployment off (`enabled`); lint rules skip it, explain still sizes it. */
  disabledBy?: string;
  /** Why it cannot be judged (status other than "judged"). */
  reason?: string;
  estimate?: EstimateJson;
}

export interface ExplainedFile {
  path: string;
  /** Set when the file could not be read or parsed. */
  error?: string;
  deployments: ExplainedDeployment[];
}

function parse(path: string, text: string): { type: string; body?: unknown[] } {
  if (/\.(ya?ml)$/i.test(path)) return parseYAML(text) as never;
  if (/\.(json|jsonc|json5)$/i.test(path)) return parseJSON(text) as never;
  // Unknown extension: YAML is a superset of JSON.
  return parseYAML(text) as never;
}

function reasonOf(judged: JudgedDeployment): string | undefined {
  switch (judged.status) {
    case "judged":
      return undefined;
    case "unresolved":
      return unresolvedMessage(judged.unresolved);
    case "incomplete":
      return `${judged.field} is written as "${judged.value.raw}" (${judged.value.reason === "invalid" ? "not a valid value" : "resolved only at deploy time"}), so the deployment is not judged`;
    case "invalid":
      return judged.message;
  }
}

/** The explained file, and the analysis it came from (to render breakdowns without re-reading). */
export function explainFile(path: string, text: string, settings?: unknown, minConcurrent = 1): { file: ExplainedFile; analysis?: FileAnalysis } {
  let ast: { type: string; body?: unknown[] };
  try {
    ast = parse(path, text);
  } catch (error) {
    return { file: { path, error: `cannot parse: ${error instanceof Error ? error.message : String(error)}`, deployments: [] } };
  }
  const analysis = analyzeFile(ast, text, settings);
  const file: ExplainedFile = {
    path,
    deployments: analysis.deployments.map((judged) => {
      const anchor = judged.deployment.fields.model?.node ?? judged.deployment.unresolved.model?.node ?? judged.deployment.anchor;
      const entry: ExplainedDeployment = {
        kind: judged.deployment.kind,
        name: judged.deployment.name ?? null,
        format: judged.deployment.format,
        location: { line: anchor.loc.start.line, column: anchor.loc.start.column + 1 },
        status: judged.status,
        ...(judged.deployment.disabled ? { disabledBy: judged.deployment.disabled.source } : {}),
      };
      const reason = reasonOf(judged);
      if (reason) entry.reason = reason;
      if (judged.status === "judged") {
        entry.estimate = estimateJson(analysis.catalog, judged.resolved, judged.estimate, remediesFor(analysis, judged, minConcurrent));
      }
      return entry;
    }),
  };
  return { file, analysis };
}

export function runExplain(argv: string[], io: CliIo): number {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { json: { type: "boolean" }, "min-concurrent-sequences": { type: "string" }, help: { type: "boolean", short: "h" } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help || positionals.length === 0) {
    io.stdout.write("Usage: vram explain FILE... [--json] [--min-concurrent-sequences N]\n");
    return values.help ? 0 : 2;
  }
  const rawConcurrent = values["min-concurrent-sequences"];
  const minConcurrent = rawConcurrent === undefined ? 1 : Number(rawConcurrent);
  if (!Number.isInteger(minConcurrent) || minConcurrent < 1) {
    io.stderr.write(`vram: --min-concurrent-sequences must be a whole number of at least 1, got "${rawConcurrent}"\n`);
    return 2;
  }

  const files: ExplainedFile[] = [];
  const analyses = new Map<ExplainedFile, FileAnalysis>();
  for (const written of positionals) {
    const absolute = resolve(io.cwd, written);
    const path = relative(io.cwd, absolute) || written;
    let text: string;
    try {
      text = readFileSync(absolute, "utf8");
    } catch (error) {
      files.push({ path, error: `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, deployments: [] });
      continue;
    }
    const explained = explainFile(path, text, undefined, minConcurrent);
    files.push(explained.file);
    if (explained.analysis) analyses.set(explained.file, explained.analysis);
  }

  if (values.json) {
    io.stdout.write(`${JSON.stringify({ files }, null, 2)}\n`);
  } else {
    const style = styleFor(io.stdout, io.env);
    const blocks: string[] = [];
    for (const file of files) {
      const lines = [style.bold(file.path)];
      if (file.error) lines.push(`  ${style.bad(file.error)}`);
      else if (file.deployments.length === 0) lines.push(style.dim("  no model deployments found"));
      const analysis = analyses.get(file);
      file.deployments.forEach((deployment, index) => {
        const where = `${file.path}:${deployment.location.line}:${deployment.location.column}`;
        const off = deployment.disabledBy ? `, switched off by ${deployment.disabledBy} (lint rules skip it)` : "";
        const title = `${deployment.kind}${deployment.name ? ` ${deployment.name}` : ""} (${where}${off})`;
        const judged = analysis?.deployments[index];
        if (!analysis || judged?.status !== "judged") {
          lines.push(`  ${title}: not judged — ${deployment.reason}`);
          return;
        }
        lines.push(`  ${title}`);
        const breakdown = renderBreakdown(analysis.catalog, judged.resolved, judged.estimate, remediesFor(analysis, judged, minConcurrent), style, minConcurrent);
        lines.push(...breakdown.split("\n").map((line) => (line ? `    ${line}` : "")));
      });
      blocks.push(lines.join("\n"));
    }
    io.stdout.write(`${blocks.join("\n\n")}\n`);
  }

  if (files.some((file) => file.error)) return 2;
  const misfit = files.some((file) =>
    file.deployments.some((deployment) => !deployment.disabledBy && deployment.estimate && !(deployment.estimate.verdict === "fits" && deployment.estimate.maxConcurrency >= minConcurrent)),
  );
  return misfit ? 1 : 0;
}
