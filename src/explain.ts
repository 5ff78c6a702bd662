/**
 * `vram explain FILE…`: every deployment found in the files, where it is, and either its memory
 * breakdown with verdict and remedies, or why it cannot be judged.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { Catalog } from "./catalog/catalog.js";
import { analyzeFile, type FileAnalysis, type Judged, type JudgedDeployment, remediesFor } from "./analysis.js";
import { cliSettingsFor } from "./cli-settings.js";
import { type ParsedAst, parseText } from "./parse-text.js";
import { parseHclForRules } from "./hcl/language.js";
import { loadHclParser } from "./hcl/parser.js";
import { isHclPath } from "./hcl/files.js";
import { isShellPath, parseShellForRules } from "./shell/language.js";
import { checksOfJudged, type DeploymentCheck } from "./judge/checks.js";
import { unjudgedFinding, unjudgedText } from "./judge/unjudged.js";
import { describeRange } from "./report/gpu-range.js";
import { type EstimateJson, estimateJson } from "./report/json.js";
import { passes, renderBreakdown, styleFor } from "./report/text.js";
import { deploymentPerformance } from "./report/performance.js";
import { priceBook } from "./catalog/prices.js";
import { type HostJson, hostJson, renderHost } from "./report/host.js";
import type { CliIo } from "./cli-io.js";

/** Files above this size are not deployment files; reading them would only cost time and memory. */
export const MAX_FILE_BYTES = 10 * 2 ** 20;

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
  /** No GPU type named: the GPUs it could land on, by catalog id, split into those that hold it and those that do not. */
  gpuRange?: { source: "cluster" | "catalog"; fits: string[]; doesNotFit: string[] };
  estimate?: EstimateJson;
  /** Served from the CPU (no GPU requested): host memory against the container's limit. */
  host?: HostJson;
}

export interface ExplainedFile {
  path: string;
  /** Set when the file could not be read or parsed. */
  error?: string;
  deployments: ExplainedDeployment[];
  /** Documents not read at all (aliases that expand past the budget), with where they start and why. */
  unread?: Array<{ location: { line: number; column: number }; reason: string }>;
}

/** How a file is parsed: by its extension; YAML (a superset of JSON) when it says nothing, Go templates masked as the lint route does. */
function parse(path: string, text: string, diskPath: string | undefined): { ast: ParsedAst } | { error: string } {
  if (isHclPath(path)) {
    // Terraform HCL (and Nomad's), read in its module: variables and locals of the sibling .tf files on disk.
    const parsed = parseHclForRules(text, diskPath);
    return parsed.ok ? { ast: parsed.ast } : { error: `cannot parse: ${parsed.message} (line ${parsed.line}, column ${parsed.column})` };
  }
  if (isShellPath(path)) return { ast: parseShellForRules(text) };
  return parseText(text, /\.(json|jsonc|json5)$/i.test(path) ? "json" : "yaml");
}

/** A file's text as ESLint reads it (without a UTF-8 byte-order mark), or why it was not read. */
function readText(absolute: string): { text: string } | { error: string } {
  let fd: number | undefined;
  try {
    fd = openSync(absolute, "r");
    const stat = fstatSync(fd);
    // Devices, FIFOs and sockets (/dev/zero, a named pipe) never end, or end when someone else decides.
    if (!stat.isFile()) return { error: "not read: not a regular file" };
    if (stat.size > MAX_FILE_BYTES) return { error: `not read: ${(stat.size / 2 ** 20).toFixed(1)} MiB is more than the ${MAX_FILE_BYTES / 2 ** 20} MiB a deployment file can be` };
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < stat.size) {
      const bytes = readSync(fd, buffer, read, stat.size - read, read);
      if (bytes === 0) break;
      read += bytes;
    }
    const text = buffer.subarray(0, read).toString("utf8");
    return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  } catch (error) {
    return { error: `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Why it has no verdict: the same sentence the rule that speaks for it reports. */
function reasonOf(judged: JudgedDeployment, catalog: Catalog): string | undefined {
  const finding = unjudgedFinding(judged, catalog);
  if (!finding) return undefined;
  // Mid-sentence after "not judged —": "It sits…" reads "it sits…"; names and acronyms keep their case.
  const text = unjudgedText(finding);
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}

/**
 * The explained file, and the analysis it came from (to render breakdowns without re-reading).
 * `diskPath`: where the file is, for formats that read their folder (Terraform modules); `.tf` files
 * need the HCL parser loaded (`loadHclParser()`). `baseDir`: the folder `settings.vram.models[].config`
 * paths are relative to, as ESLint's working folder is for the rules.
 */
export function explainFile(path: string, text: string, settings?: unknown, minConcurrent = 1, diskPath?: string, baseDir?: string): { file: ExplainedFile; analysis?: FileAnalysis } {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const parsed = parse(path, text, diskPath);
  if ("error" in parsed) return { file: { path, error: parsed.error, deployments: [] } };
  const analysis = analyzeFile(parsed.ast, text, settings, baseDir);
  const file: ExplainedFile = {
    path,
    ...(analysis.unread.length > 0
      ? { unread: analysis.unread.map(({ node, reason }) => ({ location: { line: node.loc.start.line, column: node.loc.start.column + 1 }, reason })) }
      : {}),
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
      const reason = reasonOf(judged, analysis.catalog);
      if (reason) entry.reason = reason;
      if (judged.status === "cpu") entry.host = hostJson(judged.resolved, judged.host);
      if (judged.status === "judged") {
        const checks = checksOf(analysis, judged);
        entry.estimate = estimateJson(analysis.catalog, judged.resolved, judged.estimate, remediesFor(analysis, judged, minConcurrent), checks, deploymentPerformance(analysis, judged), priceBook(analysis.catalog, analysis.settings.prices));
        if (judged.range) {
          const fitting = judged.range.fitting.map((gpu) => gpu.id);
          const failing = judged.range.failing.map((entry) => entry.gpu.id);
          // A layout or format the engine refuses starts on no GPU, whatever its memory.
          entry.gpuRange = startsAsWritten(checks) ? { source: judged.range.source, fits: fitting, doesNotFit: failing } : { source: judged.range.source, fits: [], doesNotFit: [...fitting, ...failing] };
        }
      }
      return entry;
    }),
  };
  return { file, analysis };
}

/** Whether no check stops the start (a layout or format the engine refuses is an error on every GPU). */
function startsAsWritten(checks: readonly DeploymentCheck[]): boolean {
  return !checks.some((check) => check.severity === "error");
}

/** What the rules check besides memory, for a judged deployment (see src/judge/checks.ts). */
function checksOf(analysis: FileAnalysis, judged: Judged) {
  return checksOfJudged(analysis.catalog, judged);
}

export async function runExplain(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { json: { type: "boolean" }, "min-concurrent-sequences": { type: "string" }, config: { type: "string" }, help: { type: "boolean", short: "h" } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help || positionals.length === 0) {
    io.stdout.write("Usage: vram explain FILE... [--json] [--min-concurrent-sequences N] [--config FILE]\n");
    return values.help ? 0 : 2;
  }
  const rawConcurrent = values["min-concurrent-sequences"];
  const flagConcurrent = rawConcurrent === undefined ? undefined : Number(rawConcurrent);
  if (flagConcurrent !== undefined && (!Number.isInteger(flagConcurrent) || flagConcurrent < 1)) {
    io.stderr.write(`vram: --min-concurrent-sequences must be a whole number of at least 1, got "${rawConcurrent}"\n`);
    return 2;
  }

  if (positionals.some(isHclPath)) await loadHclParser();
  const files: ExplainedFile[] = [];
  const analyses = new Map<ExplainedFile, { analysis: FileAnalysis; minConcurrent: number }>();
  for (const written of positionals) {
    const absolute = resolve(io.cwd, written);
    const path = relative(io.cwd, absolute) || written;
    const read = readText(absolute);
    if ("error" in read) {
      files.push({ path, error: read.error, deployments: [] });
      continue;
    }
    // Each file is judged with the settings its own ESLint config gives it.
    const cli = await cliSettingsFor(io, absolute, values.config);
    const minConcurrent = flagConcurrent ?? cli.minConcurrentSequences ?? 1;
    const explained = explainFile(path, read.text, cli.settingsRaw, minConcurrent, absolute, io.cwd);
    files.push(explained.file);
    if (explained.analysis) analyses.set(explained.file, { analysis: explained.analysis, minConcurrent });
  }

  if (values.json) {
    io.stdout.write(`${JSON.stringify({ files }, null, 2)}\n`);
  } else {
    const style = styleFor(io.stdout, io.env);
    const blocks: string[] = [];
    for (const file of files) {
      const lines = [style.bold(file.path)];
      if (file.error) lines.push(`  ${style.bad(file.error)}`);
      for (const { location, reason } of file.unread ?? []) lines.push(`  ${style.bad(`document at ${file.path}:${location.line}:${location.column} not read: ${reason}`)}`);
      if (!file.error && file.deployments.length === 0 && !file.unread) lines.push(style.dim("  no model deployments found"));
      const { analysis, minConcurrent } = analyses.get(file) ?? { analysis: undefined, minConcurrent: 1 };
      file.deployments.forEach((deployment, index) => {
        const where = `${file.path}:${deployment.location.line}:${deployment.location.column}`;
        const off = deployment.disabledBy ? `, switched off by ${deployment.disabledBy} (lint rules skip it)` : "";
        const title = `${deployment.kind}${deployment.name ? ` ${deployment.name}` : ""} (${where}${off})`;
        const judged = analysis?.deployments[index];
        if (analysis && judged?.status === "cpu") {
          lines.push(`  ${title}`);
          lines.push(...renderHost(analysis.catalog, judged.resolved, judged.host, style).split("\n").map((line) => (line ? `    ${line}` : "")));
          return;
        }
        if (!analysis || judged?.status !== "judged") {
          lines.push(`  ${title}: not judged — ${deployment.reason}`);
          return;
        }
        lines.push(`  ${title}`);
        const checks = checksOf(analysis, judged);
        if (judged.range) lines.push(style.dim(`    ${describeRange(judged.range, startsAsWritten(checks))}`));
        const breakdown = renderBreakdown(analysis.catalog, judged.resolved, judged.estimate, remediesFor(analysis, judged, minConcurrent), style, minConcurrent, checks, deploymentPerformance(analysis, judged));
        lines.push(...breakdown.split("\n").map((line) => (line ? `    ${line}` : "")));
      });
      blocks.push(lines.join("\n"));
    }
    io.stdout.write(`${blocks.join("\n\n")}\n`);
  }

  if (files.some((file) => file.error)) return 2;
  const misfit = [...analyses.values()].some(({ analysis, minConcurrent }) =>
    analysis.deployments.some(
      (judged) =>
        !judged.deployment.disabled &&
        ((judged.status === "judged" && !passes(judged.estimate, checksOf(analysis, judged), minConcurrent)) || (judged.status === "cpu" && judged.host.verdict === "exceeds-limit")),
    ),
  );
  return misfit ? 1 : 0;
}
