/**
 * Replays measured serving runs (`speed-cases.json`) through the resolver, the memory estimator and
 * the speed model, and scores the estimates: the share within 2× of the measured time per output
 * token, and per model/GPU/engine group the Spearman rank correlation between estimated and
 * measured times. Used by `speed-calibration.test.ts` (assertions) and `npm run calibrate:speed`.
 */
import { readFileSync } from "node:fs";
import { bundledCatalog } from "../../src/catalog/load.js";
import { type DeploymentValues, resolveDeployment } from "../../src/resolve.js";
import { estimateMemory } from "../../src/sizing/estimate.js";
import { estimateSpeed, type SpeedEstimate } from "../../src/sizing/speed.js";
import type { SpeedCalibration } from "../../src/engines/speed-calibration.js";
import type { Engine } from "../../src/engines/index.js";

export interface SpeedCase {
  id: string;
  /** `fit`: the constants were tuned on it; `holdout`: only ever scored. */
  split: "fit" | "holdout";
  /** Runs of one model, GPU and engine (configurations of which are ranked against each other). */
  group: string;
  source: string;
  /** Where the figure was read when the source is a run page (a repository file that archives it). */
  via?: string;
  engine: string;
  engineVersion: string | null;
  model: string;
  quantization?: string;
  kvCacheDtype?: string;
  gpu: string;
  tensorParallel: number;
  dataParallel?: number;
  expertParallel?: boolean;
  maxModelLen?: number;
  inputTokens: number;
  outputTokens: number;
  concurrency: number;
  measured: { msPerToken?: number; timeToFirstTokenMs?: number; outputTokensPerSecond?: number };
  notes: string;
}

export interface SpeedCaseResult {
  case: SpeedCase;
  skipped?: string;
  speed?: SpeedEstimate;
  /** Estimated / measured time per output token. */
  ratio?: number;
}

export const SPEED_CASES_PATH = new URL("./speed-cases.json", import.meta.url);

export function loadSpeedCases(): SpeedCase[] {
  return JSON.parse(readFileSync(SPEED_CASES_PATH, "utf8")) as SpeedCase[];
}

export function speedCaseValues(item: SpeedCase): DeploymentValues {
  const gpus = item.tensorParallel * (item.dataParallel ?? 1);
  return {
    engine: item.engine as Engine,
    model: item.model,
    gpuType: item.gpu,
    gpuCount: gpus,
    tensorParallel: item.tensorParallel,
    ...(item.dataParallel ? { dataParallel: item.dataParallel } : {}),
    ...(item.expertParallel ? { expertParallel: true } : {}),
    ...(item.quantization ? { quantization: item.quantization } : {}),
    ...(item.kvCacheDtype ? { kvCacheDtype: item.kvCacheDtype } : {}),
    // Benchmarks size the context to the workload; the speed does not depend on it beyond the KV cache.
    maxModelLen: item.maxModelLen ?? item.inputTokens + item.outputTokens + 64,
  };
}

export function runSpeedCase(item: SpeedCase, calibration?: SpeedCalibration): SpeedCaseResult {
  const resolution = resolveDeployment(bundledCatalog(), speedCaseValues(item));
  if (!resolution.ok) return { case: item, skipped: `${resolution.unresolved.reason}${"written" in resolution.unresolved ? ` ${resolution.unresolved.written}` : ""}` };
  const { request } = resolution.resolved;
  const memory = estimateMemory(request);
  const result = estimateSpeed(request, memory, { inputTokens: item.inputTokens, outputTokens: item.outputTokens, concurrency: item.concurrency }, calibration);
  if (!result.known) return { case: item, skipped: result.reason };
  const out: SpeedCaseResult = { case: item, speed: result.speed };
  if (item.measured.msPerToken) out.ratio = result.speed.decode.msPerToken / item.measured.msPerToken;
  return out;
}

/** Spearman rank correlation (average ranks for ties); NaN when either side has no spread. */
export function spearman(a: number[], b: number[]): number {
  const rank = (values: number[]) => {
    const order = values.map((value, index) => ({ value, index })).sort((x, y) => x.value - y.value);
    const ranks = new Array<number>(values.length);
    for (let i = 0; i < order.length; ) {
      let j = i;
      while (j + 1 < order.length && order[j + 1]!.value === order[i]!.value) j++;
      for (let k = i; k <= j; k++) ranks[order[k]!.index] = (i + j) / 2;
      i = j + 1;
    }
    return ranks;
  };
  const ra = rank(a);
  const rb = rank(b);
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const ma = mean(ra);
  const mb = mean(rb);
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < ra.length; i++) {
    num += (ra[i]! - ma) * (rb[i]! - mb);
    da += (ra[i]! - ma) ** 2;
    db += (rb[i]! - mb) ** 2;
  }
  return da === 0 || db === 0 ? Number.NaN : num / Math.sqrt(da * db);
}

export interface SpeedScore {
  runs: number;
  scored: number;
  within2x: number;
  withinShare: number;
  medianAbsLogError: number;
  /** Per group with three or more scored runs. */
  spearman: Array<{ group: string; runs: number; rho: number }>;
  meanSpearman: number;
}

export function scoreSpeed(results: SpeedCaseResult[]): SpeedScore {
  const scored = results.filter((result) => result.ratio !== undefined);
  const within = scored.filter((result) => result.ratio! <= 2 && result.ratio! >= 0.5).length;
  const logErrors = scored.map((result) => Math.abs(Math.log(result.ratio!))).sort((a, b) => a - b);
  const groups = new Map<string, SpeedCaseResult[]>();
  for (const result of scored) groups.set(result.case.group, [...(groups.get(result.case.group) ?? []), result]);
  const rhos: SpeedScore["spearman"] = [];
  for (const [group, runs] of groups) {
    if (runs.length < 3) continue;
    const rho = spearman(
      runs.map((run) => run.speed!.decode.msPerToken),
      runs.map((run) => run.case.measured.msPerToken!),
    );
    if (!Number.isNaN(rho)) rhos.push({ group, runs: runs.length, rho });
  }
  return {
    runs: results.length,
    scored: scored.length,
    within2x: within,
    withinShare: scored.length > 0 ? within / scored.length : 0,
    medianAbsLogError: logErrors.length > 0 ? logErrors[Math.floor(logErrors.length / 2)]! : 0,
    spearman: rhos,
    meanSpearman: rhos.length > 0 ? rhos.reduce((sum, r) => sum + r.rho, 0) / rhos.length : Number.NaN,
  };
}

export function runSpeedCases(calibration?: SpeedCalibration): SpeedCaseResult[] {
  return loadSpeedCases().map((item) => runSpeedCase(item, calibration));
}

function fmt(value: number | undefined, digits = 2): string {
  return value === undefined ? "" : value.toFixed(digits);
}

/** The table and the scores per split, as Markdown. */
export function speedTable(results: SpeedCaseResult[]): string {
  const rows = ["| case | split | B | ISL/OSL | measured ms | estimated ms | est/meas | bound |", "|---|---|---|---|---|---|---|---|"];
  for (const result of results) {
    const item = result.case;
    if (result.skipped) {
      rows.push(`| ${item.id} | ${item.split} | ${item.concurrency} | ${item.inputTokens}/${item.outputTokens} | ${fmt(item.measured.msPerToken)} | skipped: ${result.skipped} | | |`);
      continue;
    }
    rows.push(
      `| ${item.id} | ${item.split} | ${item.concurrency} | ${item.inputTokens}/${item.outputTokens} | ${fmt(item.measured.msPerToken)} | ${fmt(result.speed!.decode.msPerToken)} | ${fmt(result.ratio)} | ${result.speed!.bound} |`,
    );
  }
  rows.push("", speedSummary(results));
  return rows.join("\n");
}

/** The scores per split, one paragraph each (quoted in docs/speed.md and checked there). */
export function speedSummary(results: SpeedCaseResult[]): string {
  const rows: string[] = [];
  for (const split of ["fit", "holdout"] as const) {
    const score = scoreSpeed(results.filter((result) => result.case.split === split));
    if (rows.length > 0) rows.push("");
    rows.push(
      `${split}: ${score.within2x}/${score.scored} within 2× (${(score.withinShare * 100).toFixed(0)} %), median |log error| ${score.medianAbsLogError.toFixed(2)}, ` +
        `mean Spearman ${Number.isNaN(score.meanSpearman) ? "n/a" : score.meanSpearman.toFixed(2)} over ${score.spearman.length} groups` +
        (score.runs > score.scored ? `; ${score.runs - score.scored} not scored` : ""),
    );
    for (const group of score.spearman) rows.push(`  - ${group.group}: ρ = ${group.rho.toFixed(2)} (${group.runs} runs)`);
  }
  return rows.join("\n");
}
