/**
 * Speed, cost and the MoE double penalty of one judged deployment, in the shape `vram estimate`,
 * `vram explain` and their `--json` share (docs/cli.md: `performance`; fields are only ever added).
 */
import { type PriceOverrides, priceBook } from "../catalog/prices.js";
import type { Catalog } from "../catalog/catalog.js";
import type { ResolvedDeployment } from "../resolve.js";
import { type CostEstimate, costOf } from "../sizing/cost.js";
import { type DoublePenalty, doublePenalty } from "../sizing/double-penalty.js";
import { estimateSpeed, type SpeedEstimate, type Workload } from "../sizing/speed.js";
import type { MemoryEstimate } from "../sizing/types.js";
import type { FileAnalysis, Judged } from "../analysis.js";
import { writtenTarget } from "../judge/targets.js";

export interface PerformanceJson extends Pick<SpeedEstimate, "workload" | "concurrency" | "concurrencyLimit" | "bound" | "calibratedOn" | "assumptions"> {
  /** The decode figures without the per-step breakdown (the text output shows that). */
  decode: Omit<SpeedEstimate["decode"], "breakdown">;
  prefill: { timeToFirstTokenMs: number };
  cost: CostEstimate | null;
  /** MoE deployments: the double-penalty figures (null for dense models). */
  moe: DoublePenalty | null;
}

export interface Performance {
  speed?: SpeedEstimate;
  /** Why there is no speed estimate (unknown GPU figures, a deployment that does not load). */
  unknown?: string;
  cost: CostEstimate | null;
  doublePenalty?: DoublePenalty;
}

export interface PerformanceInputs {
  workload?: Partial<Workload>;
  prices?: PriceOverrides;
  /** The dense size the user holds quality-equivalent to the MoE, and where they said so. */
  denseEquivalent?: { params: number; source: string };
}

export function performanceOf(catalog: Catalog, resolved: ResolvedDeployment, memory: MemoryEstimate, inputs: PerformanceInputs = {}): Performance {
  const workload = inputs.workload ?? {};
  const result = estimateSpeed(resolved.request, memory, workload);
  const speed = result.known ? result.speed : undefined;
  const book = priceBook(catalog, inputs.prices);
  const cost = costOf(book, { gpu: resolved.request.gpu, gpuCount: memory.gpuCount, ...(resolved.instance ? { instance: resolved.instance } : {}) }, speed);
  const penalty = doublePenalty(resolved.request, memory, speed, workload, inputs.denseEquivalent);
  return {
    ...(speed ? { speed } : { unknown: (result as { reason: string }).reason }),
    cost,
    ...(penalty ? { doublePenalty: penalty } : {}),
  };
}

export function performanceJson(performance: Performance): PerformanceJson | null {
  const { speed } = performance;
  if (!speed) return null;
  return {
    workload: speed.workload,
    concurrency: speed.concurrency,
    concurrencyLimit: speed.concurrencyLimit,
    bound: speed.bound,
    decode: {
      msPerToken: speed.decode.msPerToken,
      msPerTokenRange: speed.decode.msPerTokenRange,
      outputTokensPerSecond: speed.decode.outputTokensPerSecond,
      expertsTouchedPerLayer: speed.decode.expertsTouchedPerLayer,
      weightShareRead: speed.decode.weightShareRead,
    },
    prefill: { timeToFirstTokenMs: speed.prefill.timeToFirstTokenMs },
    cost: performance.cost
      ? {
          usdPerHour: performance.cost.usdPerHour,
          usdPerMillionOutputTokens: performance.cost.usdPerMillionOutputTokens,
          priceSource: performance.cost.priceSource,
          description: performance.cost.description,
        }
      : null,
    moe: performance.doublePenalty ?? null,
    calibratedOn: speed.calibratedOn,
    assumptions: speed.assumptions,
  };
}

const perJudged = new WeakMap<Judged, Performance>();

/**
 * A judged deployment's performance as `vram explain` shows it: at the load its `vram.lint/target`
 * (or `settings.vram.targets`) states, priced with the settings' prices, and for a MoE beside the
 * dense size `settings.vram.denseEquivalentParams` names for it.
 */
export function deploymentPerformance(analysis: FileAnalysis, judged: Judged): Performance {
  let performance = perJudged.get(judged);
  if (!performance) {
    const written = writtenTarget(judged.deployment);
    const target = written && written.error === undefined ? written.target : analysis.settings.targets;
    const dense = analysis.settings.denseEquivalentParams.get(judged.resolved.model.model.id);
    performance = performanceOf(analysis.catalog, judged.resolved, judged.estimate, {
      workload: {
        ...(target?.inputTokens !== undefined ? { inputTokens: target.inputTokens } : {}),
        ...(target?.outputTokens !== undefined ? { outputTokens: target.outputTokens } : {}),
        ...(target?.concurrency !== undefined ? { concurrency: target.concurrency } : {}),
      },
      prices: analysis.settings.prices,
      ...(dense !== undefined ? { denseEquivalent: { params: dense, source: "settings.vram.denseEquivalentParams" } } : {}),
    });
    perJudged.set(judged, performance);
  }
  return performance;
}
