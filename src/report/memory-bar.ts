/**
 * One GPU's memory as a stacked bar — weights, activations, runtime, KV cache, and what the engine
 * leaves free — with the engine's budget marked: the picture every sizing calculator draws. The
 * segments are shared by the terminal (`vram estimate` / `vram explain` on a TTY) and the playground
 * page (docs/playground/); both draw the binding GPU's numbers from the estimate. Pure.
 */
import type { PerGpuMemory } from "../sizing/types.js";
import { gib } from "./wording.js";

export type SegmentKind = "weights" | "activations" | "runtime" | "kv" | "free";

export interface MemorySegment {
  kind: SegmentKind;
  label: string;
  bytes: number;
}

export interface MemoryBar {
  segments: MemorySegment[];
  memoryBytes: number;
  budgetBytes: number;
  /** Weights, activations, runtime memory and KV cache together: above the GPU's memory when it does not fit. */
  usedBytes: number;
  /** What the bar spans: the GPU's memory, or what the deployment needs when that is more. */
  scaleBytes: number;
}

export const SEGMENT_LABELS: Readonly<Record<SegmentKind, string>> = {
  weights: "weights",
  activations: "activations",
  runtime: "runtime",
  kv: "KV cache",
  free: "free",
};

export function memoryBar(perGpu: PerGpuMemory): MemoryBar {
  const parts: Array<[SegmentKind, number]> = [
    ["weights", perGpu.weightBytes],
    ["activations", perGpu.activationBytes],
    ["runtime", perGpu.overheadBytes],
    ["kv", perGpu.kvCacheBytes],
  ];
  const usedBytes = parts.reduce((sum, [, bytes]) => sum + Math.max(0, bytes), 0);
  parts.push(["free", Math.max(0, perGpu.memoryBytes - usedBytes)]);
  return {
    segments: parts.map(([kind, bytes]) => ({ kind, label: SEGMENT_LABELS[kind], bytes: Math.max(0, bytes) })),
    memoryBytes: perGpu.memoryBytes,
    budgetBytes: perGpu.budgetBytes,
    usedBytes,
    scaleBytes: Math.max(perGpu.memoryBytes, usedBytes),
  };
}

/**
 * Whole cells per segment summing to `width`: proportional (largest remainder), and at least one
 * for a segment that is there at all, so 0.4 GiB of activations beside 87 GiB of weights still shows.
 */
export function cellWidths(bar: MemoryBar, width: number): number[] {
  const exact = bar.segments.map((segment) => (bar.scaleBytes > 0 ? (segment.bytes / bar.scaleBytes) * width : 0));
  const cells = exact.map(Math.floor);
  let left = width - cells.reduce((sum, value) => sum + value, 0);
  const byRemainder = exact.map((value, index) => [value - Math.floor(value), index] as const).sort((a, b) => b[0] - a[0]);
  for (const [remainder, index] of byRemainder) {
    if (left <= 0 || remainder === 0) break;
    cells[index]!++;
    left--;
  }
  bar.segments.forEach((segment, index) => {
    if (segment.bytes <= 0 || cells[index]! > 0) return;
    const widest = cells.indexOf(Math.max(...cells));
    if (cells[widest]! <= 1) return;
    cells[widest]!--;
    cells[index] = 1;
  });
  return cells;
}

const GLYPHS: Readonly<Record<SegmentKind, string>> = { weights: "█", activations: "▓", runtime: "▒", kv: "░", free: "·" };
/** ANSI colours: weights blue, activations yellow, runtime magenta, KV green, free dim; past the GPU's memory red. */
const COLORS: Readonly<Record<SegmentKind, string>> = { weights: "34", activations: "33", runtime: "35", kv: "32", free: "2" };
const OVERFLOW_COLOR = "31";

/** A marker under column `column` with its label after it, or before it when the line would run past `width`. */
function markerLine(column: number, label: string, width: number): string {
  if (column + 2 + label.length <= width) return `${" ".repeat(column)}└ ${label}`;
  return `${" ".repeat(Math.max(0, column - label.length - 1))}${label} ┘`;
}

/**
 * The bar for a terminal `width` columns wide (the bar itself, indented by two), a marker line for
 * the budget (and for the GPU's memory when the deployment needs more), and a legend.
 */
export function renderTerminalBar(perGpu: PerGpuMemory, width: number, color: boolean): string[] {
  const bar = memoryBar(perGpu);
  const paint = (code: string, text: string) => (color && text ? `\u001b[${code}m${text}\u001b[0m` : text);
  const cells = cellWidths(bar, width);
  const memoryColumn = Math.round((bar.memoryBytes / bar.scaleBytes) * width);
  let drawn = "";
  let column = 0;
  bar.segments.forEach((segment, index) => {
    const count = cells[index]!;
    const inside = Math.max(0, Math.min(count, memoryColumn - column));
    drawn += paint(COLORS[segment.kind], GLYPHS[segment.kind].repeat(inside));
    drawn += paint(OVERFLOW_COLOR, GLYPHS[segment.kind].repeat(count - inside));
    column += count;
  });
  const budgetColumn = Math.min(width - 1, Math.round((bar.budgetBytes / bar.scaleBytes) * width));
  const share = Math.round((bar.budgetBytes / bar.memoryBytes) * 100);
  const lines = [`  ${drawn}`];
  if (bar.usedBytes > bar.memoryBytes) {
    lines.push(`  ${markerLine(budgetColumn, `budget ${gib(bar.budgetBytes)} GiB (${share} %)`, width)}`);
    lines.push(`  ${markerLine(Math.min(width - 1, memoryColumn), `GPU ${gib(bar.memoryBytes)} GiB; ${gib(bar.usedBytes)} GiB needed`, width)}`);
  } else {
    lines.push(`  ${markerLine(budgetColumn, `budget ${gib(bar.budgetBytes)} of ${gib(bar.memoryBytes)} GiB (${share} %)`, width)}`);
  }
  const legend = bar.segments
    .filter((segment) => segment.bytes > 0 || segment.kind === "kv")
    .map((segment) => `${paint(COLORS[segment.kind], GLYPHS[segment.kind])} ${segment.label}`);
  lines.push(`  ${legend.join("  ")}`);
  return lines;
}
