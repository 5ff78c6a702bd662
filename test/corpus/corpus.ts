/**
 * The real public configs in `../shared/corpus` (beside the project in CI, absent elsewhere): where
 * they are, and what linting one of them finds, in the compact form the expectations are written in.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { explainFile } from "../../src/explain.js";
import { lintHcl } from "../support/hcl.js";
import { findings, lint, ROOT } from "../support/lint.js";

export const CORPUS = join(ROOT, "..", "shared", "corpus");
export const corpusPresent = existsSync(CORPUS);

/** Corpus files the plugin reads (YAML, JSON and Terraform HCL), as `<owner>__<repo>/<file>`. */
export function corpusFiles(): string[] {
  if (!corpusPresent) return [];
  const files: string[] = [];
  for (const repository of readdirSync(CORPUS).sort()) {
    const folder = join(CORPUS, repository);
    if (!statSync(folder).isDirectory()) continue;
    for (const file of readdirSync(folder).sort()) if (/\.(ya?ml|json|tf)$/i.test(file)) files.push(`${repository}/${file}`);
  }
  return files;
}

export interface CorpusOutcome {
  /** `Kind name: status` per deployment (`, off` when switched off in the file). */
  deployments: string[];
  /** `rule line:column messageId` per finding; `parse-error line:column` when the file is not valid YAML/JSON. */
  findings: string[];
}

/**
 * Lints one corpus file under its own base name with the recommended config; `.tf` files through
 * `eslint-plugin-vram/hcl` at their place on disk, so the other `.tf` files beside them form the module.
 */
export function lintCorpusFile(relative: string): CorpusOutcome & { text: string; fatal: boolean } {
  const path = join(CORPUS, relative);
  const text = readFileSync(path, "utf8");
  const filename = relative.slice(relative.indexOf("/") + 1);
  const terraform = filename.endsWith(".tf");
  const messages = terraform ? lintHcl(text, path) : findings(lint(text, filename));
  const { file } = terraform ? explainFile(filename, text, undefined, 1, path) : explainFile(filename, text);
  return {
    text,
    fatal: messages.some((message) => message.fatal),
    deployments: file.deployments.map((deployment) => `${deployment.kind} ${deployment.name ?? "-"}: ${deployment.status}${deployment.disabledBy ? ", off" : ""}`),
    findings: messages.map((message) => (message.fatal ? `parse-error ${message.line}:${message.column}` : `${message.ruleId} ${message.line}:${message.column} ${message.messageId}`)),
  };
}
