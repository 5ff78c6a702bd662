/**
 * Parsing a deployment file's text outside ESLint (`vram explain`, and re-checking a suggestion's
 * result): YAML with Go-template actions masked as the lint route does, or JSON (JSONC, JSON5).
 */
import { parseJSON } from "./jsonc.js";
import { parseYAML } from "yaml-eslint-parser";
import { parseMaskingTemplates } from "./extract/go-template.js";

export type ParsedAst = { type: string; body?: unknown[] };

/** The AST, or the parser's error in one line (a parser may quote kilobytes of the file). */
export function parseText(text: string, syntax: "yaml" | "json"): { ast: ParsedAst } | { error: string } {
  const attempt =
    (parser: (text: string) => unknown) =>
    (input: string): { ast: ParsedAst } | { error: string } => {
      try {
        return { ast: parser(input) as ParsedAst };
      } catch (error) {
        const { message, lineNumber, column } = error as { message?: string; lineNumber?: number; column?: number };
        const first = String(message ?? error).split("\n")[0]!.trim();
        const where = typeof lineNumber === "number" ? ` (line ${lineNumber}${typeof column === "number" ? `, column ${column}` : ""})` : "";
        return { error: `cannot parse: ${first.length > 160 ? `${first.slice(0, 159)}…` : first}${where}` };
      }
    };
  if (syntax === "json") return attempt(parseJSON)(text);
  return parseMaskingTemplates(text, attempt(parseYAML), (result) => ("ast" in result ? result.ast : undefined));
}

/** The syntax of an AST the rules read, or undefined for one this module cannot parse again (HCL). */
export function syntaxOf(ast: ParsedAst): "yaml" | "json" | undefined {
  const first = (ast.body as Array<{ type?: string }> | undefined)?.[0]?.type;
  return first === "YAMLDocument" ? "yaml" : first === "JSONExpressionStatement" ? "json" : undefined;
}
