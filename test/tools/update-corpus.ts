/**
 * `npx tsx test/tools/update-corpus.ts`: rewrites `test/corpus/expected.json` with what linting each
 * `../shared/corpus` file finds now. Review the diff: every changed verdict needs a reason.
 */
import { writeFileSync } from "node:fs";
import { corpusFiles, lintCorpusFile } from "../corpus/corpus.js";

const expected: Record<string, { deployments: string[]; findings: string[] }> = {};
for (const file of corpusFiles()) {
  const { deployments, findings } = lintCorpusFile(file);
  expected[file] = { deployments, findings };
}
writeFileSync(new URL("../corpus/expected.json", import.meta.url), `${JSON.stringify(expected, null, 2)}\n`);
console.log(`${Object.keys(expected).length} files`);
