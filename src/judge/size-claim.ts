/**
 * A serving configuration that claims larger models than its GPUs hold (an OME runtime's
 * `modelSizeRange.max`): the weights alone of a model of the claimed size, at the judged model's
 * weight format, against the memory the judged model gets. Weights are a floor of what a model
 * needs, so this never reports a size that could fit — with no GPU type named, on any GPU it could
 * land on. Pure.
 */
import type { Judged } from "../analysis.js";

export interface SizeClaimShortfall {
  /** The claim as written (`70B`) and where. */
  claim: NonNullable<Judged["deployment"]["sizeClaim"]>;
  /** Weights of a model of the claimed size at the judged model's format. */
  weightBytes: number;
  /** Memory the weights may take on the GPUs the judged model uses. */
  usableBytes: number;
  gpusUsed: number;
  /** The largest parameter count whose weights fit `usableBytes` at that format. */
  largestParams: number;
}

export function sizeClaimShortfall(judged: Judged): SizeClaimShortfall | undefined {
  const claim = judged.deployment.sizeClaim;
  const { estimate } = judged;
  const { model } = judged.resolved.model;
  if (!claim || claim.parameters <= model.params.total) return undefined;
  const gpusUsed = estimate.parallel.tensor * estimate.parallel.pipeline;
  const { perGpu } = estimate;
  // Engines that take a fraction of what the weights leave free still need the weights to fit the memory.
  const usableBytes = (estimate.settings.budgetKind === "fraction-of-total" ? perGpu.budgetBytes : perGpu.memoryBytes) * gpusUsed;
  const bytesPerParameter = estimate.totalWeightBytes / model.params.total;
  const weightBytes = claim.parameters * bytesPerParameter;
  if (weightBytes <= usableBytes) return undefined;
  // No GPU type is named: the estimate is on the smallest GPU that holds the judged model, but the
  // runtime may land on larger ones; the claim is wrong only if the largest it could land on cannot hold it.
  const largestBytes = judged.range ? Math.max(...judged.range.fitting.map((gpu) => gpu.memoryBytes), ...judged.range.failing.map(({ gpu }) => gpu.memoryBytes)) : 0;
  if (largestBytes > perGpu.memoryBytes && weightBytes <= (usableBytes * largestBytes) / perGpu.memoryBytes) return undefined;
  return { claim, weightBytes, usableBytes, gpusUsed, largestParams: usableBytes / bytesPerParameter };
}
