// src/hcl/index.ts in the browser (see hcl-parser.mjs): the entry's top-level await has no place in a classic script.
export default undefined;
