// What eslint-json-compat-utils imports from "eslint": the rest of ESLint's Node API is not for browsers.
export { SourceCode } from "../../../node_modules/eslint/lib/languages/js/source-code/index.js";
