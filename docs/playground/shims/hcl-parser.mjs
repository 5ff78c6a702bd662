// src/hcl/parser.ts in the browser: the page does not read Terraform .tf (its parser is WebAssembly
// that the eslint-plugin-vram/hcl entry loads from the package); YAML and JSON need none of it.
const unavailable = () => {
  throw new Error("Terraform .tf files are not read in the playground");
};
export const GRAMMAR_FILE = "tree-sitter-terraform.wasm";
export const grammarPath = unavailable;
export const loadHclParser = async () => unavailable();
export const hclParserLoaded = () => false;
export const parseHcl = unavailable;
