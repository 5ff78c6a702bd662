/**
 * `npx tsx test/tools/corpus-stats.ts [expected.json]`: the counts the coverage issue reports for
 * `../shared/corpus` — files with a deployment found, deployments judged / unresolved / incomplete /
 * invalid, and found-but-unjudged deployments with no finding under `configs.recommended` (must be
 * 0). With a path, counts an expectations file instead of linting (the "before" of a change).
 */
import { readFileSync } from "node:fs";
import { corpusFiles, lintCorpusFile, type CorpusOutcome } from "../corpus/corpus.js";

const SPEAKING_RULES = ["vram/known-model", "vram/valid-values", "vram/unchecked-deployment"];

const path = process.argv[2];
const outcomes: Record<string, CorpusOutcome> = path ? JSON.parse(readFileSync(path, "utf8")) : Object.fromEntries(corpusFiles().map((file) => [file, lintCorpusFile(file)]));
const statuses = new Map<string, number>();
let filesWithDeployment = 0;
let silent = 0;
let offDeployments = 0;
for (const outcome of Object.values(outcomes)) {
  if (outcome.deployments.length > 0) filesWithDeployment++;
  let unjudged = 0;
  for (const line of outcome.deployments) {
    const [status, off] = line.slice(line.lastIndexOf(": ") + 2).split(", ");
    if (off) {
      offDeployments++;
      continue;
    }
    statuses.set(status!, (statuses.get(status!) ?? 0) + 1);
    if (status !== "judged") unjudged++;
  }
  const spoken = outcome.findings.filter((finding) => SPEAKING_RULES.some((rule) => finding.startsWith(`${rule} `))).length;
  silent += Math.max(0, unjudged - spoken);
}
console.log(JSON.stringify({ files: Object.keys(outcomes).length, filesWithDeployment, deployments: Object.fromEntries(statuses), switchedOff: offDeployments, silentUnjudged: silent }, null, 2));
