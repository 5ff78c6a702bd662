/**
 * The ESLint language `vram/hcl`: parses `.tf` files with the tree-sitter HCL parser and gives the
 * rules a program whose documents are the file in Terraform-JSON shape, evaluated in its module.
 * Comments (`#`, `//`, `/* *\/`) carry ESLint's inline directives, so
 * `# eslint-disable-next-line vram/weights-fit -- sized for a later upgrade` works as in JavaScript.
 */
import type { File, ParseResult } from "@eslint/core";
import { CommentSourceCode, TextLanguage } from "../comment-source-code.js";
import type { DocNode } from "../extract/doc.js";
import { HCL_VISITOR_KEYS, type HCLComment, type HclNode, type HCLProgram, LineIndex } from "./ast.js";
import { fileDocuments } from "./folder.js";
import { parseHcl } from "./parser.js";

/** A program that builds its documents on first use (see `documentsOf` in src/extract/doc.ts). */
function describe(program: HCLProgram, path: string | undefined, text: string): void {
  let documents: DocNode[] | undefined;
  Object.defineProperty(program, "docNodes", {
    value: () => (documents ??= fileDocuments(path, text, program)),
    enumerable: false,
  });
}

/** Parses HCL for the rules and `vram explain`; a syntax error is reported at its position (1-based). */
export function parseHclForRules(text: string, path: string | undefined): { ok: true; ast: HCLProgram } | { ok: false; message: string; line: number; column: number } {
  const program = parseHcl(text);
  if (program.syntaxError) {
    const position = new LineIndex(text).position(program.syntaxError.offset);
    return { ok: false, message: `HCL syntax error: ${program.syntaxError.message}`, line: position.line, column: position.column + 1 };
  }
  describe(program, path, text);
  // How the rules re-read the file with a suggestion applied, to check it before offering it (rule-kit/verify.ts).
  Object.defineProperty(program, "reparse", {
    value: (changed: string) => {
      const parsed = parseHclForRules(changed, path);
      return parsed.ok ? parsed.ast : undefined;
    },
    enumerable: false,
  });
  return { ok: true, ast: program };
}

export class HclSourceCode extends CommentSourceCode<HCLProgram, HclNode, HCLComment> {
  readonly visitorKeys = HCL_VISITOR_KEYS;
}

export class HclLanguage extends TextLanguage<HCLProgram, HclSourceCode> {
  constructor() {
    super(HCL_VISITOR_KEYS);
  }

  protected parseText(text: string, file: File): ParseResult<HCLProgram> {
    const parsed = parseHclForRules(text, file.physicalPath ?? file.path);
    if (!parsed.ok) return { ok: false, errors: [{ message: parsed.message, line: parsed.line, column: parsed.column }] };
    return { ok: true, ast: parsed.ast };
  }

  protected sourceCode(text: string, ast: HCLProgram): HclSourceCode {
    return new HclSourceCode(text, ast);
  }
}
