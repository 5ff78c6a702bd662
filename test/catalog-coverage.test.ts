/**
 * Coverage of the names people write: each id of test/catalog/model-ids.json goes through
 * `vram estimate --model ID --gpu H200 --gpu-count 8 --tensor-parallel-size 8 --json`, and counts when it
 * resolves, its `model.totalParams` is within 6 % of the published count, and `model.weightFormat`
 * names the stored format. At least 95 % must; the summary line is the number reported for the catalog.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { EstimateJson } from "../src/report/json.js";
import { runCli } from "./support/cli.js";

interface Expected {
  id: string;
  publishedBillions: number;
  format: string;
}

const { ids } = JSON.parse(readFileSync(new URL("catalog/model-ids.json", import.meta.url), "utf8")) as { ids: Expected[] };

interface Outcome {
  id: string;
  resolved: boolean;
  paramsWithin6Percent: boolean;
  formatNamed: boolean;
  detail: string;
}

async function check(expected: Expected): Promise<Outcome> {
  const { code, stdout, stderr } = await runCli(["estimate", "--model", expected.id, "--gpu", "H200", "--gpu-count", "8", "--tensor-parallel-size", "8", "--json"]);
  if (code === 2) return { id: expected.id, resolved: false, paramsWithin6Percent: false, formatNamed: false, detail: stderr.trim() };
  const json = JSON.parse(stdout) as EstimateJson;
  const error = json.model.totalParams / (expected.publishedBillions * 1e9) - 1;
  return {
    id: expected.id,
    resolved: true,
    paramsWithin6Percent: Math.abs(error) <= 0.06,
    formatNamed: json.model.weightFormat.includes(expected.format),
    detail: `${json.model.id} ${(json.model.totalParams / 1e9).toFixed(2)}B (${(error * 100).toFixed(1)} %) ${json.model.weightFormat}`,
  };
}

describe("names people write", () => {
  it(`resolve with the published size and the stored format (${ids.length} ids, at least 95 %)`, async () => {
    expect(ids.length).toBeGreaterThanOrEqual(150);
    const outcomes: Outcome[] = [];
    for (const expected of ids) outcomes.push(await check(expected));
    const passed = outcomes.filter((outcome) => outcome.resolved && outcome.paramsWithin6Percent && outcome.formatNamed);
    const failures = outcomes.filter((outcome) => !passed.includes(outcome)).map((outcome) => `${outcome.id}: ${outcome.detail}`);
    const rate = (count: number) => `${((count / outcomes.length) * 100).toFixed(1)} %`;
    console.warn(
      `catalog coverage: ${passed.length}/${outcomes.length} (${rate(passed.length)}) pass; resolved ${rate(outcomes.filter((o) => o.resolved).length)}, ` +
        `params within 6 % ${rate(outcomes.filter((o) => o.paramsWithin6Percent).length)}, format named ${rate(outcomes.filter((o) => o.formatNamed).length)}` +
        (failures.length > 0 ? `\n  ${failures.join("\n  ")}` : ""),
    );
    expect(passed.length / outcomes.length).toBeGreaterThanOrEqual(0.95);
  }, 60_000);
});
