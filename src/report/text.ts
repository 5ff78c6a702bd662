/**
 * The human-readable breakdown of one judged deployment, for `vram estimate` and `vram explain`.
 */
import type { Catalog } from "../catalog/catalog.js";
import type { ResolvedDeployment } from "../resolve.js";
import type { Remedy } from "../sizing/recommend.js";
import type { MemoryEstimate } from "../sizing/types.js";
import { keepsNoKvCache } from "../sizing/estimate.js";
import { concurrency, describeCheck, describeRemedy, ENGINE_NAMES, formatLabel, gib, gpuName, params, tokens } from "./wording.js";
import type { DeploymentCheck } from "../judge/checks.js";
import { renderTerminalBar } from "./memory-bar.js";
import type { Performance } from "./performance.js";
import { money } from "../catalog/prices.js";

export interface Style {
  good(text: string): string;
  bad(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
  /** Set on a terminal: the breakdown draws the memory bar (plain output, piped, stays as it is). */
  terminal?: { columns: number; color: boolean };
}

const plain: Style = { good: (t) => t, bad: (t) => t, dim: (t) => t, bold: (t) => t };

/** ANSI colours only for a terminal that has not opted out (NO_COLOR, https://no-color.org). */
export function styleFor(stream: { isTTY?: boolean; columns?: number }, env: NodeJS.ProcessEnv): Style {
  if (!stream.isTTY) return plain;
  const color = env.NO_COLOR === undefined && env.TERM !== "dumb";
  const terminal = { columns: stream.columns ?? 80, color };
  if (!color) return { ...plain, terminal };
  const wrap = (code: string) => (text: string) => `\u001b[${code}m${text}\u001b[0m`;
  return { good: wrap("32"), bad: wrap("31"), dim: wrap("2"), bold: wrap("1"), terminal };
}

/** The bar's width on a terminal: the rest of the line after `vram explain`'s indent, within 24–64 cells. */
function barWidth(columns: number): number {
  return Math.max(24, Math.min(64, columns - 10));
}

/** "Mixtral-8x7B-Instruct-v0.1 is a Mixture-of-Experts model: 12.9B parameters are active per token but all 46.7B must be resident". */
export function moeSentence(resolved: ResolvedDeployment): string | undefined {
  const { model, displayName } = resolved.model;
  if (!model.moe) return undefined;
  return `${displayName} is a Mixture-of-Experts model: ${params(model.params.active)} parameters are active per token but all ${params(model.params.total)} must be resident`;
}

/** Whether the estimate meets the bar: it fits, with room for `minConcurrent` full-length sequences at once. */
export function meetsConcurrency(estimate: MemoryEstimate, minConcurrent: number): boolean {
  return estimate.verdict === "fits" && estimate.maxConcurrency >= minConcurrent;
}

/** The CLI's verdict, the rules' under `configs.recommended`: memory fits and no check stops the start. */
export function passes(estimate: MemoryEstimate, checks: readonly DeploymentCheck[], minConcurrent: number): boolean {
  return meetsConcurrency(estimate, minConcurrent) && !checks.some((check) => check.severity === "error");
}

/** The memory verdict under a check that stops the start: never worded as "fits". */
function memoryAloneSentence(estimate: MemoryEstimate, verdict: string): string {
  if (estimate.verdict !== "fits") return verdict;
  if (keepsNoKvCache(estimate)) return `the weights would fit with ${gib(estimate.perGpu.kvCacheBytes)} GiB per GPU to spare, if it started.`;
  return `the KV cache would hold ${tokens(estimate.kvCapacityTokens)} tokens, ${concurrency(estimate.maxConcurrency)} × ${tokens(estimate.maxModelLen)}-token sequences, if it started.`;
}

export function verdictSentence(estimate: MemoryEstimate, minConcurrent = 1): string {
  const budget = gib(estimate.perGpu.budgetBytes);
  switch (estimate.verdict) {
    case "fits":
      if (keepsNoKvCache(estimate)) return `Fits: no KV cache is kept (each input is read in one pass); ${gib(estimate.perGpu.kvCacheBytes)} GiB per GPU is left for batches.`;
      if (estimate.maxConcurrency < minConcurrent) {
        return `Too few sequences at once: the KV cache (${tokens(estimate.kvCapacityTokens)} tokens) holds ${concurrency(estimate.maxConcurrency)} × ${tokens(estimate.maxModelLen)}-token sequences, fewer than the ${minConcurrent} required.`;
      }
      return `Fits: ${tokens(estimate.kvCapacityTokens)} tokens of KV cache, ${concurrency(estimate.maxConcurrency)} × ${tokens(estimate.maxModelLen)}-token sequences at once.`;
    case "weights-exceed-memory":
      return `Does not fit: weights and runtime memory exceed the ${budget} GiB budget per GPU by ${gib(estimate.shortfallBytes)} GiB.`;
    case "kv-cache-too-small": {
      const largest = estimate.largestFittingMaxModelLen;
      return (
        `KV cache too small: one ${tokens(estimate.maxModelLen)}-token sequence needs ${gib(estimate.requestKvBytes)} GiB per GPU, ` +
        `${gib(estimate.perGpu.kvCacheBytes)} GiB is left` +
        (largest ? `; the largest max_model_len that fits is ${tokens(largest)}.` : ".")
      );
    }
  }
}

export function renderBreakdown(
  catalog: Catalog,
  resolved: ResolvedDeployment,
  estimate: MemoryEstimate,
  remedies: Remedy[],
  style: Style = plain,
  minConcurrent = 1,
  checks: readonly DeploymentCheck[] = [],
  performance?: Performance,
): string {
  const { request } = resolved;
  const lines: string[] = [];
  const layout = [
    `${resolved.requestedGpus} × ${gpuName(request.gpu)}`,
    ENGINE_NAMES[request.engine],
    `TP ${estimate.parallel.tensor}` + (estimate.parallel.pipeline > 1 ? ` × PP ${estimate.parallel.pipeline}` : "") + (estimate.parallel.data > 1 ? ` × DP ${estimate.parallel.data}` : ""),
    formatLabel(catalog, estimate.settings.weightFormat),
  ];
  lines.push(style.bold(`${resolved.model.displayName} on ${layout.join(" · ")}`));
  const moe = moeSentence(resolved);
  if (moe) {
    lines.push(
      `${moe} (${gib(estimate.totalWeightBytes)} GiB of weights; the active parameters alone would be ${gib(estimate.activeWeightBytes)} GiB).`,
    );
  }
  lines.push("");

  const rows: Array<[string, string]> = [
    ["GPU memory", gib(estimate.perGpu.memoryBytes)],
    [`Budget (${Math.round(estimate.settings.gpuMemoryUtilization * 100)} %)`, gib(estimate.perGpu.budgetBytes)],
    [`Weights (${estimate.settings.weightFormat})`, gib(estimate.perGpu.weightBytes)],
    ["Activations (peak)", gib(estimate.perGpu.activationBytes)],
    ["Runtime overhead", gib(estimate.perGpu.overheadBytes)],
    [
      keepsNoKvCache(estimate)
        ? "Free for batches"
        : estimate.settings.budgetKind === "fraction-of-free"
          ? `KV cache (${Math.round(estimate.settings.memoryFraction * 100)} % of the rest)`
          : "KV cache",
      gib(estimate.perGpu.kvCacheBytes),
    ],
  ];
  if (estimate.offloadedWeightBytesPerGpu > 0) rows.splice(3, 0, ["Weights offloaded to CPU", gib(estimate.offloadedWeightBytesPerGpu)]);
  // Rows are indented by two, so the widest label sets the column at two more than its length.
  const labelWidth = Math.max(...rows.map(([label]) => label.length + 2), 22);
  const valueWidth = Math.max(...rows.map(([, value]) => value.length));
  lines.push(`${"Per GPU".padEnd(labelWidth)}  ${"GiB".padStart(valueWidth)}`);
  for (const [label, value] of rows) lines.push(`  ${label.padEnd(labelWidth - 2)}  ${value.padStart(valueWidth)}`);
  lines.push("");
  if (style.terminal) lines.push(...renderTerminalBar(estimate.perGpu, barWidth(style.terminal.columns), style.terminal.color), "");

  const lengthNote = estimate.maxModelLenSource === "set" ? "" : estimate.maxModelLenSource === "model-default" ? " (model default)" : " (engine default)";
  const facts: Array<[string, string]> = keepsNoKvCache(estimate)
    ? [
        ["KV cache", "none (each input is read in one pass)"],
        ["max_model_len", `${tokens(estimate.maxModelLen)}${lengthNote}`],
      ]
    : [
        ["KV cache per token", `${(estimate.kvBytesPerToken / 1024).toFixed(1)} KiB per GPU`],
        ["KV capacity", `${tokens(estimate.kvCapacityTokens)} tokens`],
        ["max_model_len", `${tokens(estimate.maxModelLen)}${lengthNote}`],
        ["Concurrency", `${concurrency(estimate.maxConcurrency)} × full-length sequences`],
      ];
  for (const [label, value] of facts) lines.push(`${label.padEnd(labelWidth)}  ${value}`);
  lines.push("");

  const verdict = verdictSentence(estimate, minConcurrent);
  const errors = checks.filter((check) => check.severity === "error");
  const modelName = resolved.model.displayName;
  if (errors.length > 0) {
    // A layout or format the engine refuses decides before memory does.
    for (const check of errors) lines.push(style.bad(`✗ Does not start: ${describeCheck(check, modelName)}.`));
    lines.push(style.dim(`  Memory alone: ${memoryAloneSentence(estimate, verdict)}`));
  } else {
    lines.push(meetsConcurrency(estimate, minConcurrent) ? style.good(`✓ ${verdict}`) : style.bad(`✗ ${verdict}`));
  }
  for (const check of checks) if (check.severity === "warning") lines.push(`  ! ${describeCheck(check, modelName)}`);
  for (const note of [...resolved.assumptions, ...estimate.assumptions]) lines.push(style.dim(`  assumes ${note}`));
  for (const warning of estimate.warnings) lines.push(`  ! ${warning}`);

  if (performance) lines.push("", ...renderPerformance(performance, style));

  if (remedies.length > 0) {
    lines.push("", "Remedies (each re-estimated):");
    remedies.forEach((remedy, index) => lines.push(`  ${index + 1}. ${describeRemedy(catalog, remedy)}`));
  } else if (!meetsConcurrency(estimate, minConcurrent)) {
    lines.push("", "No single change among quantization, more GPUs or a larger GPU makes it fit.");
  }
  return lines.join("\n");
}

function ms(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function rate(value: number): string {
  return tokens(Math.round(value));
}

function share(value: number): string {
  return `${Math.round(value * 100)} %`;
}

const LIMIT_WORDS = { set: "as stated", "kv-cache": "what the KV cache holds", "max-num-seqs": "the engine's max_num_seqs" } as const;

/** The speed, cost and double-penalty section of a breakdown. */
export function renderPerformance(performance: Performance, style: Style = plain): string[] {
  const { speed, cost } = performance;
  if (!speed) return [`${style.bold("Serving speed")}: not estimated, as ${performance.unknown}`];
  const { decode, prefill, workload } = speed;
  const lines = [
    style.bold(
      `Serving speed (${tokens(workload.inputTokens)} input + ${tokens(workload.outputTokens)} output tokens, ${tokens(speed.concurrency)} ${speed.concurrency === 1 ? "sequence" : "sequences"} at once: ${LIMIT_WORDS[speed.concurrencyLimit]})`,
    ),
  ];
  const b = decode.breakdown;
  const rows: Array<[string, string]> = [
    ["Decode", `${ms(decode.msPerToken)} ms per output token (${ms(decode.msPerTokenRange[0])}–${ms(decode.msPerTokenRange[1])}), ${rate(decode.outputTokensPerSecond)} tokens/s per replica`],
    ["Time to first token", `${ms(prefill.timeToFirstTokenMs)} ms`],
    [
      "Bound",
      `${speed.bound} (per step: weights ${ms(b.weightsMs)} ms, KV ${ms(b.kvMs)} ms, compute ${ms(b.computeMs)} ms, overhead ${ms(b.overheadMs)} ms` +
        (b.hostMs > 0 ? `, CPU memory ${ms(b.hostMs)} ms` : "") +
        (b.prefillShareMs > 0 ? `, others' prefills ${ms(b.prefillShareMs)} ms` : "") +
        ")",
    ],
  ];
  if (decode.expertsTouchedPerLayer !== null) rows.push(["Experts per step", `${decode.expertsTouchedPerLayer.toFixed(1)} per MoE layer; ${share(decode.weightShareRead)} of the weights read`]);
  rows.push([
    "Cost",
    cost
      ? `$${money(cost.usdPerHour)}/h per replica` +
        (cost.usdPerMillionOutputTokens !== null ? `, $${money(cost.usdPerMillionOutputTokens)} per million output tokens` : "") +
        ` (${cost.description})`
      : "no price known for these GPUs (settings.vram.prices adds one)",
  ]);
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  for (const [label, value] of rows) lines.push(`  ${label.padEnd(width)}${value}`);
  for (const note of speed.assumptions) lines.push(style.dim(`  assumes ${note}`));
  const penalty = performance.doublePenalty;
  if (penalty) {
    lines.push("", style.bold("Mixture-of-Experts double penalty"));
    const moe = penalty.moe;
    lines.push(
      `  s = ${params(moe.activeParams)} / ${params(moe.totalParams)} = ${penalty.activeShare.toFixed(2)} of the parameters are active per token; at ${tokens(speed.concurrency)} sequences a step reads ${share(moe.weightShareRead)} of the weights, ` +
        `and the resident experts leave KV cache for ${concurrency(moe.kvLimitedBatchAtMaxLen)} full-length sequences.`,
    );
    const dense = penalty.dense;
    if (dense) {
      const cell = (f: typeof moe) =>
        [
          `${gib(f.weightBytes)} GiB weights`,
          `${concurrency(f.kvLimitedBatchAtMaxLen)} × full-length sequences`,
          `${share(f.weightShareRead)} read per step`,
          f.msPerToken !== null ? `${ms(f.msPerToken)} ms/token` : "speed unknown",
          f.outputTokensPerSecond !== null ? `${rate(f.outputTokensPerSecond)} tokens/s at ${tokens(f.concurrency ?? 0)} sequences` : "",
        ]
          .filter((part) => part.length > 0)
          .join(", ");
      const denseLabel = `Dense ${params(dense.totalParams)}:`;
      const labelWidth = Math.max(denseLabel.length, 9) + 2;
      lines.push(`  ${"This MoE:".padEnd(labelWidth)}${cell(moe)}`);
      lines.push(`  ${denseLabel.padEnd(labelWidth)}${dense.fits ? cell(dense) : "does not fit these GPUs"} (${penalty.denseSource})`);
      for (const note of penalty.assumptions) lines.push(style.dim(`  assumes ${note}`));
    } else {
      lines.push(style.dim("  Name the dense size you hold equal in quality (--dense-equivalent-params 70B, or settings.vram.denseEquivalentParams) to compare it on these GPUs."));
    }
  }
  return lines;
}
