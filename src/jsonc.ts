/**
 * jsonc-eslint-parser, loaded the first time a JSON document is read or re-parsed: importing it
 * costs ~11 ms (measured after eslint-plugin-yml is loaded), which a run over YAML files alone
 * would pay for nothing. Node 20.19+ (the engines range) loads the ES module synchronously.
 */
import { createRequire } from "node:module";
import type * as JsoncParser from "jsonc-eslint-parser";

let loaded: typeof JsoncParser | undefined;

function parser(): typeof JsoncParser {
  loaded ??= createRequire(import.meta.url)("jsonc-eslint-parser") as typeof JsoncParser;
  return loaded;
}

export function parseJSON(text: string): ReturnType<typeof JsoncParser.parseJSON> {
  return parser().parseJSON(text);
}

export function getStaticJSONValue(node: Parameters<typeof JsoncParser.getStaticJSONValue>[0]): unknown {
  return parser().getStaticJSONValue(node);
}
