/**
 * The ESLint language `vram/hcl`: parses `.tf` files with the tree-sitter HCL parser and gives the
 * rules a program whose documents are the file in Terraform-JSON shape, evaluated in its module.
 * Comments (`#`, `//`, `/* *\/`) carry ESLint's inline directives, so
 * `# eslint-disable-next-line vram/weights-fit -- sized for a later upgrade` works as in JavaScript.
 */
import type { File, Language, OkParseResult, ParseResult, RulesConfig } from "@eslint/core";
import { CallMethodStep, ConfigCommentParser, Directive, TextSourceCodeBase, VisitNodeStep } from "@eslint/plugin-kit";
import type { DocNode } from "../extract/doc.js";
import { HCL_VISITOR_KEYS, type HCLComment, type HclNode, type HCLProgram, LineIndex } from "./ast.js";
import { fileDocuments } from "./folder.js";
import { parseHcl } from "./parser.js";

const commentParser = new ConfigCommentParser();
const INLINE_CONFIG = /^\s*eslint(?:-enable|-disable(?:(?:-next)?-line)?)?(?:\s|$)/u;

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

export class HclSourceCode extends TextSourceCodeBase<{ LangOptions: Record<string, never>; RootNode: HCLProgram; SyntaxElementWithLoc: HclNode; ConfigNode: HCLComment }> {
  readonly visitorKeys = HCL_VISITOR_KEYS;
  private steps: Array<VisitNodeStep | CallMethodStep> | undefined;

  constructor(text: string, ast: HCLProgram) {
    super({ text, ast });
  }

  getAllComments(): HCLComment[] {
    return this.ast.comments;
  }

  getInlineConfigNodes(): HCLComment[] {
    return this.ast.comments.filter((comment) => INLINE_CONFIG.test(comment.value));
  }

  getDisableDirectives(): { problems: Array<{ ruleId: null; message: string; loc: HCLComment["loc"] }>; directives: Directive[] } {
    const problems: Array<{ ruleId: null; message: string; loc: HCLComment["loc"] }> = [];
    const directives: Directive[] = [];
    for (const comment of this.getInlineConfigNodes()) {
      const directive = commentParser.parseDirective(comment.value);
      if (!directive) continue;
      const { label, value, justification } = directive;
      if (label === "eslint-disable-line" && comment.loc.start.line !== comment.loc.end.line) {
        problems.push({ ruleId: null, message: `${label} comment should not span multiple lines.`, loc: comment.loc });
        continue;
      }
      if (label === "eslint-disable" || label === "eslint-enable" || label === "eslint-disable-next-line" || label === "eslint-disable-line") {
        directives.push(new Directive({ type: label.slice(7) as never, node: comment, value, justification }));
      }
    }
    return { problems, directives };
  }

  applyInlineConfig(): { configs: Array<{ config: { rules: RulesConfig }; loc: HCLComment["loc"] }>; problems: Array<{ ruleId: null; message: string; loc: HCLComment["loc"] }> } {
    const configs: Array<{ config: { rules: RulesConfig }; loc: HCLComment["loc"] }> = [];
    const problems: Array<{ ruleId: null; message: string; loc: HCLComment["loc"] }> = [];
    for (const comment of this.getInlineConfigNodes()) {
      const directive = commentParser.parseDirective(comment.value);
      if (directive?.label !== "eslint") continue;
      const parsed = commentParser.parseJSONLikeConfig(directive.value);
      if (parsed.ok) configs.push({ config: { rules: parsed.config as RulesConfig }, loc: comment.loc });
      else problems.push({ ruleId: null, message: parsed.error.message, loc: comment.loc });
    }
    return { configs, problems };
  }

  override traverse(): Iterable<VisitNodeStep | CallMethodStep> {
    if (this.steps) return this.steps;
    const steps: Array<VisitNodeStep | CallMethodStep> = [new CallMethodStep({ target: "onCodePathStart", args: [{}, this.ast] })];
    const visit = (node: HclNode) => {
      steps.push(new VisitNodeStep({ target: node, phase: 1, args: [node, node.parent] }));
      for (const key of HCL_VISITOR_KEYS[node.type] ?? []) {
        const child = (node as unknown as Record<string, unknown>)[key];
        if (Array.isArray(child)) for (const item of child as HclNode[]) visit(item);
        else if (child && typeof child === "object") visit(child as HclNode);
      }
      steps.push(new VisitNodeStep({ target: node, phase: 2, args: [node, node.parent] }));
    };
    visit(this.ast);
    steps.push(new CallMethodStep({ target: "onCodePathEnd", args: [{}, this.ast] }));
    this.steps = steps;
    return steps;
  }
}

export class HclLanguage implements Language {
  readonly fileType = "text" as const;
  readonly lineStart = 1 as const;
  readonly columnStart = 0 as const;
  readonly nodeTypeKey = "type";
  readonly visitorKeys = HCL_VISITOR_KEYS;
  readonly defaultLanguageOptions = {};

  validateLanguageOptions(options: Record<string, unknown>): void {
    const keys = Object.keys(options ?? {});
    if (keys.length > 0) throw new TypeError(`vram/hcl takes no language options (got ${keys.join(", ")}).`);
  }

  parse(file: File): ParseResult<HCLProgram> {
    const text = typeof file.body === "string" ? file.body : new TextDecoder().decode(file.body);
    const parsed = parseHclForRules(text, file.physicalPath ?? file.path);
    if (!parsed.ok) return { ok: false, errors: [{ message: parsed.message, line: parsed.line, column: parsed.column }] };
    return { ok: true, ast: parsed.ast };
  }

  createSourceCode(file: File, parseResult: OkParseResult<HCLProgram>): HclSourceCode {
    const text = typeof file.body === "string" ? file.body : new TextDecoder().decode(file.body);
    return new HclSourceCode(text, parseResult.ast);
  }
}
