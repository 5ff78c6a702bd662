/**
 * How the GPU range of a deployment that names no GPU type reads, in one place: the rule's message
 * (`vram/pin-gpu-type`) and `vram explain` word it the same way.
 */
import type { GpuEntry } from "../catalog/types.js";
import type { GpuRange } from "../judge/gpu-range.js";
import { gib, gpuName } from "./wording.js";
import { deviceNoun, vendorDevice } from "./plain.js";

/** "NVIDIA A100 80GB" → "A100 80GB": vendor names once, in the sentence. */
function shortName(gpu: GpuEntry): string {
  return gpuName(gpu).replace(/^(NVIDIA|AMD)\s+/, "");
}

/** How often a GPU is what a cluster really has: labelled by GKE, Karpenter and GPU feature discovery first. */
export function prominence(gpu: GpuEntry): number {
  return (gpu.labels.gke ? 1 : 0) + (gpu.labels.karpenter ? 1 : 0) + (gpu.labels.gfd ? 1 : 0) + (gpu.labels.kubeai ? 1 : 0);
}

/** Up to `limit` names for a sentence: the most common GPUs of the list, in the list's order. */
function names(gpus: GpuEntry[], limit: number, joiner = ", "): string {
  const shown = [...gpus].sort((a, b) => prominence(b) - prominence(a) || gpus.indexOf(a) - gpus.indexOf(b)).slice(0, limit);
  shown.sort((a, b) => gpus.indexOf(a) - gpus.indexOf(b));
  return shown.map(shortName).join(joiner) + (gpus.length > limit ? "…" : "");
}

const words = new WeakMap<GpuRange, { fitMemory: string; fitting: string; failing: string }>();

/** The parts of a sentence about a range some of which fits: the smallest memory that fits, the GPUs on each side (once per range). */
export function rangeWords(range: GpuRange): { fitMemory: string; fitting: string; failing: string } {
  let found = words.get(range);
  if (!found) words.set(range, (found = wordsOf(range)));
  return found;
}

function wordsOf(range: GpuRange): { fitMemory: string; fitting: string; failing: string } {
  const byMemory = range.failing.filter((entry) => entry.why === "memory").map((entry) => entry.gpu);
  const byFormat = range.failing.filter((entry) => entry.why === "format").map((entry) => entry.gpu);
  const failing: string[] = [];
  // A GPU with more memory than one it fits can still fail it, where its engine's default batch is larger (vLLM's on an 80 GB H100 against an A100's).
  const overlaps = byMemory.length > 0 && range.fitting.length > 0 && byMemory[0]!.memoryBytes >= range.fitting[0]!.memoryBytes;
  if (overlaps) failing.push(`the ${names(byMemory, 2)} cannot hold it (${gib(byMemory[0]!.memoryBytes)} GiB or less, or a larger default batch)`);
  else if (byMemory.length > 0) failing.push(`those of ${gib(byMemory[0]!.memoryBytes)} GiB or less (${names(byMemory, 2)}) cannot hold it`);
  if (byFormat.length > 0) failing.push(`the ${names(byFormat, 2, " and ")} ${byFormat.length === 1 ? "has" : "have"} no kernels for its format`);
  return { fitMemory: range.fitting[0] ? gib(range.fitting[0].memoryBytes) : "", fitting: names(range.fitting, 3), failing: failing.length > 0 ? `; ${failing.join("; ")}` : "" };
}

/** One line for `vram explain`: which GPUs of the range hold the deployment. */
export function describeRange(range: GpuRange, starts = true): string {
  const where = range.source === "cluster" ? "settings.vram.cluster" : `the catalog's ${vendorDevice(range.vendor)}s`;
  const unnamed = `no ${deviceNoun(range.vendor)} type is named`;
  if (!starts) return `${unnamed}; as written it starts on none of ${where}`;
  if (range.fitting.length === 0) return `${unnamed}, and none of ${where} holds it`;
  if (range.failing.length === 0) return `${unnamed}; every one of ${where} holds it`;
  const words = rangeWords(range);
  return `${unnamed}; of ${where} it fits the ${words.fitting} (${words.fitMemory} GiB or more)${words.failing}`;
}
