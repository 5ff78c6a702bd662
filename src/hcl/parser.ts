/**
 * The HCL parser: web-tree-sitter (tree-sitter compiled to WebAssembly) with the `terraform`
 * dialect of tree-sitter-hcl. Both WebAssembly modules ship inside npm packages — web-tree-sitter's
 * runtime in its own package, the grammar copied into this package's `dist/grammars/` at build time
 * from the pinned `@tree-sitter-grammars/tree-sitter-hcl` — so nothing is downloaded or compiled at
 * install or run time. Loading is asynchronous (WebAssembly compilation), once per process; parsing
 * is synchronous afterwards, as ESLint needs.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Language, Parser } from "web-tree-sitter";
import { type HCLProgram, toProgram } from "./ast.js";

export const GRAMMAR_FILE = "tree-sitter-terraform.wasm";

/**
 * The grammar shipped in the package (`dist/grammars/`, two folders up from the built module:
 * `dist/src/hcl/` or the bundle's `dist/src/chunks/`), else the dev dependency's copy (running from source).
 */
export function grammarPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const bundled = join(here, "..", "..", "grammars", GRAMMAR_FILE);
  if (existsSync(bundled)) return bundled;
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("@tree-sitter-grammars/tree-sitter-hcl/package.json")), GRAMMAR_FILE);
}

let loading: Promise<Parser> | undefined;
let parser: Parser | undefined;

/** Loads the WebAssembly parser (idempotent; resolves once per process). */
export function loadHclParser(): Promise<void> {
  loading ??= (async () => {
    await Parser.init();
    const language = await Language.load(readFileSync(grammarPath()));
    const created = new Parser();
    created.setLanguage(language);
    parser = created;
    return created;
  })();
  return loading.then(() => undefined);
}

export function hclParserLoaded(): boolean {
  return parser !== undefined;
}

/**
 * Parses HCL text into the program ESLint sees. Never throws on bad input: syntax errors are
 * recorded on the program (`syntaxError`) and the rest of the file is still read.
 */
export function parseHcl(text: string): HCLProgram {
  if (!parser) throw new Error("The HCL parser is not loaded: await loadHclParser() first (the eslint-plugin-vram/hcl entry does).");
  const tree = parser.parse(text);
  if (!tree) throw new Error("tree-sitter returned no tree");
  try {
    return toProgram(tree, text);
  } finally {
    // The tree lives in WebAssembly memory, outside the garbage collector's reach.
    tree.delete();
  }
}
