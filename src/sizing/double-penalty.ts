/**
 * The Mixture-of-Experts double penalty, shown rather than judged (arXiv 2603.08960, "The qs
 * Inequality"; facts/speed.md): a MoE computes with s = active / total of its parameters, but (1)
 * under load its batch touches most experts, so a step reads far more than s of the weights, and
 * (2) every expert stays resident, taking HBM the KV cache would use, which caps the batch.
 * Whether a dense model would serve better depends on the dense size of equal quality (q · s · N,
 * the user's claim): with one, the same figures are computed for that dense model on the same GPUs.
 */
import type { ModelEntry } from "../catalog/types.js";
import { tryEstimate } from "./estimate.js";
import { estimateSpeed, type SpeedEstimate, type Workload } from "./speed.js";
import type { MemoryEstimate, SizingRequest } from "./types.js";

export interface ServingFigures {
  totalParams: number;
  activeParams: number;
  weightBytes: number;
  /** Full `max_model_len` sequences the KV cache holds at once. */
  kvLimitedBatchAtMaxLen: number;
  /** Share of the resident weights a decode step reads at the concurrency. */
  weightShareRead: number;
  msPerToken: number | null;
  outputTokensPerSecond: number | null;
  concurrency: number | null;
}

export interface DoublePenalty {
  /** s: active / total parameters. */
  activeShare: number;
  moe: ServingFigures;
  /** The dense model of the size the user names, on the same GPUs and workload; null when none is named or it does not fit. */
  dense: (ServingFigures & { fits: boolean }) | null;
  /** Where the dense size comes from (`--dense-equivalent-params`, `settings.vram.denseEquivalentParams`). */
  denseSource: string | null;
  assumptions: string[];
}

function figures(memory: MemoryEstimate, model: ModelEntry, speed: SpeedEstimate | undefined): ServingFigures {
  return {
    totalParams: model.params.total,
    activeParams: model.params.active,
    weightBytes: memory.totalWeightBytes,
    kvLimitedBatchAtMaxLen: memory.maxConcurrency,
    weightShareRead: speed?.decode.weightShareRead ?? 1,
    msPerToken: speed?.decode.msPerToken ?? null,
    outputTokensPerSecond: speed?.decode.outputTokensPerSecond ?? null,
    concurrency: speed?.concurrency ?? null,
  };
}

/**
 * A dense stand-in of `params` parameters with the MoE's attention, layers and vocabulary (so its
 * KV cache per token is the MoE's): the MLP width is what makes up the parameter count.
 */
export function denseStandIn(model: ModelEntry, params: number): ModelEntry {
  const h = model.hiddenSize;
  const embedding = model.vocabSize * h * (model.tieWordEmbeddings ? 1 : 2);
  const attention = model.params.active - embedding - (model.moe ? model.moe.moeLayers * model.moe.expertsPerToken * 3 * h * model.moe.expertIntermediateSize : 0);
  // Attention and norms per layer, from what the active count leaves after the MoE's active MLPs.
  const shared = model.moe ? model.moe.sharedExperts * 3 * h * (model.moe.sharedExpertIntermediateSize ?? model.moe.expertIntermediateSize) * model.moe.moeLayers : 0;
  const attentionTotal = Math.max(0, attention - shared - (model.layers - (model.moe?.moeLayers ?? 0)) * 3 * h * (model.intermediateSize ?? 0));
  const mlpPerLayer = Math.max(h, (params - embedding - attentionTotal) / model.layers);
  return {
    ...model,
    id: `${model.id} (dense ${Math.round(params / 1e9)}B stand-in)`,
    aliases: [],
    intermediateSize: Math.max(1, Math.round(mlpPerLayer / (3 * h))),
    moe: null,
    params: { total: params, active: params },
    checkpointBytes: null,
  };
}

export function doublePenalty(
  request: SizingRequest,
  memory: MemoryEstimate,
  speed: SpeedEstimate | undefined,
  workload: Partial<Workload>,
  dense?: { params: number; source: string },
): DoublePenalty | undefined {
  const { model } = request;
  if (!model.moe) return undefined;
  const result: DoublePenalty = {
    activeShare: model.params.active / model.params.total,
    moe: figures(memory, model, speed),
    dense: null,
    denseSource: dense?.source ?? null,
    assumptions: [],
  };
  if (dense) {
    const standIn = denseStandIn(model, dense.params);
    const denseRequest: SizingRequest = { ...request, model: standIn, expertParallel: false };
    const denseMemory = tryEstimate(denseRequest);
    result.assumptions.push("the dense model is taken with the MoE's attention, layers and KV cache per token; only its MLP width differs");
    if (denseMemory) {
      const fits = denseMemory.verdict !== "weights-exceed-memory";
      // The same load: the MoE's concurrency when it is stated, else each at what its own KV cache holds.
      const denseSpeed = fits ? estimateSpeed(denseRequest, denseMemory, workload) : undefined;
      result.dense = { ...figures(denseMemory, standIn, denseSpeed?.known ? denseSpeed.speed : undefined), fits };
    }
  }
  return result;
}
