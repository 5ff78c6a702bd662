/**
 * The plugin's own text languages (`vram/hcl`, `vram/shell`): the language object ESLint asks to
 * parse a file, and its source code — ESLint's inline directives read from the language's comments
 * (`# eslint-disable-next-line vram/weights-fit -- …`), and a traversal of its tree by its visitor keys.
 */
import { CallMethodStep, ConfigCommentParser, Directive, TextSourceCodeBase, VisitNodeStep } from "@eslint/plugin-kit";
import type { File, Language, OkParseResult, ParseResult, RulesConfig } from "@eslint/core";

const commentParser = new ConfigCommentParser();
const INLINE_CONFIG = /^\s*eslint(?:-enable|-disable(?:(?:-next)?-line)?)?(?:\s|$)/u;

interface Located {
  type: string;
  range: [number, number];
  loc: { start: { line: number; column: number }; end: { line: number; column: number } };
}

/** A comment: its text without the language's markers, which directives are parsed from. */
export interface TextComment extends Located {
  value: string;
}

type Problem<Comment extends TextComment> = { ruleId: null; message: string; loc: Comment["loc"] };

export abstract class CommentSourceCode<Root extends Located & { comments: Comment[] }, Node extends Located & { parent?: unknown }, Comment extends TextComment> extends TextSourceCodeBase<{
  LangOptions: Record<string, never>;
  RootNode: Root;
  SyntaxElementWithLoc: Node;
  ConfigNode: Comment;
}> {
  abstract readonly visitorKeys: Record<string, readonly string[]>;
  private steps: Array<VisitNodeStep | CallMethodStep> | undefined;

  constructor(text: string, ast: Root) {
    super({ text, ast });
  }

  getAllComments(): Comment[] {
    return this.ast.comments;
  }

  getInlineConfigNodes(): Comment[] {
    return this.ast.comments.filter((comment) => INLINE_CONFIG.test(comment.value));
  }

  getDisableDirectives(): { problems: Array<Problem<Comment>>; directives: Directive[] } {
    const problems: Array<Problem<Comment>> = [];
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

  applyInlineConfig(): { configs: Array<{ config: { rules: RulesConfig }; loc: Comment["loc"] }>; problems: Array<Problem<Comment>> } {
    const configs: Array<{ config: { rules: RulesConfig }; loc: Comment["loc"] }> = [];
    const problems: Array<Problem<Comment>> = [];
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
    const visit = (node: Located & { parent?: unknown }) => {
      steps.push(new VisitNodeStep({ target: node, phase: 1, args: [node, node.parent] }));
      for (const key of this.visitorKeys[node.type] ?? []) {
        const child = (node as unknown as Record<string, unknown>)[key];
        if (Array.isArray(child)) for (const item of child as Node[]) visit(item);
        else if (child && typeof child === "object") visit(child as Node);
      }
      steps.push(new VisitNodeStep({ target: node, phase: 2, args: [node, node.parent] }));
    };
    visit(this.ast);
    steps.push(new CallMethodStep({ target: "onCodePathEnd", args: [{}, this.ast] }));
    this.steps = steps;
    return steps;
  }
}

function textOf(file: File): string {
  return typeof file.body === "string" ? file.body : new TextDecoder().decode(file.body);
}

/** A language of text files that takes no options: `parseText` and `sourceCode` are what differ. */
export abstract class TextLanguage<Root, Code extends TextSourceCodeBase> implements Language {
  readonly fileType = "text" as const;
  readonly lineStart = 1 as const;
  readonly columnStart = 0 as const;
  readonly nodeTypeKey = "type";
  readonly defaultLanguageOptions = {};

  constructor(readonly visitorKeys: Record<string, string[]>) {}

  protected abstract parseText(text: string, file: File): ParseResult<Root>;
  protected abstract sourceCode(text: string, ast: Root): Code;

  /**
   * Takes none, and ignores those set for every file: a config without `files` sets JavaScript's
   * (typescript-eslint's `recommended` sets `parser` and `sourceType`) for the scripts and Terraform
   * files too, and refusing them would stop ESLint on every run, as eslint-plugin-yml's language would not.
   */
  validateLanguageOptions(): void {}

  parse(file: File): ParseResult<Root> {
    return this.parseText(textOf(file), file);
  }

  createSourceCode(file: File, parseResult: OkParseResult<Root>): Code {
    return this.sourceCode(textOf(file), parseResult.ast);
  }
}
