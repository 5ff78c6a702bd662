/**
 * The ESLint language `vram/shell`: shell scripts (`serve.sh`, `start-vllm.sh`) that start a serving
 * engine, directly (`vllm serve …`, `python -m sglang.launch_server …`, `llama-server …`) or in a
 * container (`docker run --gpus all vllm/vllm-openai …`). The program is the script as one node; the
 * extractor reads it as a script document (src/extract/shell-script.ts), and findings point at the
 * words of the command inside it. Whole-line `#` comments carry ESLint's inline directives, so
 * `# eslint-disable-next-line vram/weights-fit -- sized for a later upgrade` works as in JavaScript.
 */
import type { ParseResult } from "@eslint/core";
import { CommentSourceCode, type TextComment, TextLanguage } from "../comment-source-code.js";
import type { DocNode } from "../extract/doc.js";
import { lineStartsOf, positionAt } from "../text.js";

type Location = { start: { line: number; column: number }; end: { line: number; column: number } };

/** The script's text as one node: what the command's words are located in. */
export interface ShellScript {
  type: "ShellScript";
  range: [number, number];
  loc: Location;
  parent?: ShellProgram;
}

export interface ShellComment extends TextComment {
  type: "Line";
}

export interface ShellProgram {
  type: "Program";
  range: [number, number];
  loc: Location;
  body: ShellScript[];
  comments: ShellComment[];
  tokens: never[];
}

export type ShellNode = ShellProgram | ShellScript | ShellComment;

export const SHELL_VISITOR_KEYS: Record<string, string[]> = { Program: ["body"], ShellScript: [], Line: [] };

/**
 * Shell scripts (zsh's too: macOS's login shell, whose command lines read as sh's), and Slurm batch
 * scripts (`sbatch job.slurm`), which are shell scripts with `#SBATCH` directives.
 */
const SHELL_FILE_SUFFIXES = [".sh", ".bash", ".zsh", ".slurm", ".sbatch"];

/** The file patterns the language reads. */
export const SHELL_FILES = SHELL_FILE_SUFFIXES.map((suffix) => `**/*${suffix}`);

export function isShellPath(path: string): boolean {
  const lower = path.toLowerCase();
  return SHELL_FILE_SUFFIXES.some((suffix) => lower.endsWith(suffix));
}

/** Whole-line comments (`# …`, indented or not), not the `#!` line that names the interpreter. */
const COMMENT_LINE = /^[ \t]*#(?!!)(.*)$/gm;

/** Parses a script for the rules and `vram explain`: never fails, as a shell reads any text. */
export function parseShellForRules(text: string): ShellProgram {
  const starts = lineStartsOf(text);
  const loc = (from: number, to: number): Location => ({ start: positionAt(starts, from), end: positionAt(starts, to) });
  const comments: ShellComment[] = [];
  for (const match of text.matchAll(COMMENT_LINE)) {
    const start = match.index + match[0].indexOf("#");
    const end = match.index + match[0].length;
    comments.push({ type: "Line", value: match[1]!, range: [start, end], loc: loc(start, end) });
  }
  const program: ShellProgram = { type: "Program", range: [0, text.length], loc: loc(0, text.length), body: [], comments, tokens: [] };
  const script: ShellScript = { type: "ShellScript", range: [0, text.length], loc: loc(0, text.length), parent: program };
  program.body.push(script);
  const document: DocNode = {
    node: script,
    keyNode: undefined,
    embedded: false,
    type: "scalar",
    value: text,
    get: () => undefined,
    entries: () => [],
    items: () => [],
  };
  // The script is the file's one document (see `describesItself` in src/extract/doc.ts).
  Object.defineProperty(program, "docNodes", { value: () => [document], enumerable: false });
  // How the rules re-read the file with a suggestion applied, to check it before offering it (rule-kit/verify.ts).
  Object.defineProperty(program, "reparse", { value: (changed: string) => parseShellForRules(changed), enumerable: false });
  return program;
}

export class ShellSourceCode extends CommentSourceCode<ShellProgram, ShellNode, ShellComment> {
  readonly visitorKeys = SHELL_VISITOR_KEYS;
}

export class ShellLanguage extends TextLanguage<ShellProgram, ShellSourceCode> {
  constructor() {
    super(SHELL_VISITOR_KEYS);
  }

  protected parseText(text: string): ParseResult<ShellProgram> {
    return { ok: true, ast: parseShellForRules(text) };
  }

  protected sourceCode(text: string, ast: ShellProgram): ShellSourceCode {
    return new ShellSourceCode(text, ast);
  }
}
