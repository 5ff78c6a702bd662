/**
 * The shared analysis of a text as the file being linted: with this file's `settings.vram`, read
 * against ESLint's working folder (where `settings.vram.models[].config` paths are resolved).
 */
import { analyzeFile, type FileAnalysis } from "../analysis.js";
import type { VramRuleContext } from "./create-rule.js";

export function analyzeText(context: VramRuleContext<string, unknown[]>, ast: { type: string; body?: unknown[] }, text: string): FileAnalysis {
  const settings = (context.settings as Record<string, unknown> | undefined)?.vram;
  return analyzeFile(ast, text, settings, (context as { cwd?: string }).cwd);
}
