/**
 * Whether a deployment's parallel layout can start: the ranks it launches against the GPUs it
 * requests, tensor-parallel sizes the model's heads allow, and pods that fit on one node. Pure.
 */
import { engineById } from "../engines/index.js";
import type { DeploymentValues, ResolvedDeployment } from "../resolve.js";
import type { SizingRequest } from "../sizing/types.js";
import { attentionTensorParallel } from "../sizing/estimate.js";
import type { QuantizationFormat } from "../catalog/types.js";

/** GPUs in the largest single machine people schedule (8-GPU HGX/DGX boards) when no instance type says otherwise. */
export const TYPICAL_GPUS_PER_NODE = 8;

export type ParallelismProblem =
  /** The engine launches more ranks than the deployment has GPUs: it fails to start. */
  | { kind: "ranks-exceed-gpus"; ranks: number; gpus: number }
  /** vLLM requires the attention heads to divide evenly over TP ranks. */
  | { kind: "heads-not-divisible"; tensorParallel: number; heads: number; valid: number[] }
  /** KV heads must divide evenly over TP ranks, or TP must be a multiple of them. */
  | { kind: "kv-heads-not-divisible"; tensorParallel: number; kvHeads: number; valid: number[] }
  /** One pod asks for more GPUs than one node has: it never schedules. */
  | { kind: "exceeds-node"; gpusPerPod: number; nodeGpus: number; instance?: string }
  /** GPUs requested that no rank uses (warning). */
  | { kind: "idle-gpus"; ranks: number; gpus: number; suggestedTensorParallel?: number }
  /** TP above the KV heads: each rank keeps a whole KV head, replicating the cache (warning). */
  | { kind: "kv-replicated"; tensorParallel: number; kvHeads: number }
  /** A weight matrix TP splits is stored in quantization tiles (FP8 blocks, AWQ groups) the split cuts through. */
  | { kind: "tiles-not-divisible"; tensorParallel: number; dimension: TiledDimension; format: QuantizationFormat; valid: number[] };

const ERRORS = new Set<ParallelismProblem["kind"]>(["ranks-exceed-gpus", "heads-not-divisible", "kv-heads-not-divisible", "exceeds-node", "tiles-not-divisible"]);

export function isStartFailure(problem: ParallelismProblem): boolean {
  return ERRORS.has(problem.kind);
}

/**
 * Width of the tiles a quantization stores weights in, along the dimension tensor parallelism
 * splits. vLLM and SGLang refuse to load a shard that cuts a tile: FP8 with 128×128 blocks
 * (`weight_block_size`; vllm model_executor/layers/quantization/utils/fp8_utils.py
 * `validate_fp8_block_shape` and fp8.py's MoE `create_weights`: "The output_size of gate's and
 * up's weight = 192 is not divisible by weight quantization block_n = 128" for Qwen3-235B-A22B-FP8
 * at TP 8), AWQ/GPTQ/W4A16 groups of 128 on a row-parallel input (awq.py, gptq.py: "The input size
 * is not aligned with the quantized weight shape. This can be caused by too large tensor parallel
 * size."), NVFP4 groups of 16 (modelopt.py).
 */
const TILE_WIDTHS: Readonly<Record<string, number>> = { "fp8-block": 128, awq: 128, gptq: 128, "gptq-int8": 128, w4a16: 128, nvfp4: 16 };

/**
 * Formats whose published checkpoints keep the base model's dimensions, so a cut tile is a certain
 * start failure. Group-quantized repositories are often padded for tensor parallelism
 * (Qwen2.5-72B-Instruct-AWQ stores a 29,696-wide MLP for the base model's 29,568), so for them the
 * tiles only steer the sizes a remedy picks.
 */
const UNPADDED_FORMATS: ReadonlySet<string> = new Set(["fp8-block"]);

/** A weight dimension tensor parallelism splits, and the tile it must split into whole tiles of. */
export interface TiledDimension {
  what: "MLP" | "expert MLP" | "shared-expert MLP";
  size: number;
  tile: number;
}

/** What bounds the tensor-parallel sizes of a request: the heads, and the tiled dimensions of its weight format. */
export interface SplitLimits {
  heads: number;
  /** Null for MLA, whose single latent KV head is replicated on every rank by design. */
  kvHeads: number | null;
  tiled: TiledDimension[];
}

/**
 * `certain`: only tiles the engine is known to refuse to cut (a start failure to report); else every
 * tile a split may cut (the sizes a remedy may pick, conservatively).
 */
export function splitLimits(request: Pick<SizingRequest, "model" | "weightFormat" | "expertParallel" | "engine">, scope: "certain" | "cautious" = "cautious"): SplitLimits {
  const { model, weightFormat, expertParallel } = request;
  const checked = engineById(request.engine).refusesSplitTiles;
  const tile = checked && (scope === "cautious" || UNPADDED_FORMATS.has(weightFormat.id)) ? TILE_WIDTHS[weightFormat.id] : undefined;
  const tiled: TiledDimension[] = [];
  if (tile !== undefined) {
    if (model.intermediateSize !== null && weightFormat.appliesTo !== "experts") tiled.push({ what: "MLP", size: model.intermediateSize, tile });
    // With expert parallelism every expert stays whole on one rank; shared experts are split like a dense MLP.
    if (model.moe && !expertParallel) tiled.push({ what: "expert MLP", size: model.moe.expertIntermediateSize, tile });
    if (model.moe?.sharedExperts && model.moe.sharedExpertIntermediateSize && weightFormat.appliesTo !== "experts") {
      tiled.push({ what: "shared-expert MLP", size: model.moe.sharedExpertIntermediateSize * model.moe.sharedExperts, tile });
    }
  }
  return { heads: model.attentionHeads, kvHeads: model.attention.kind === "mla" ? null : model.kvHeads, tiled };
}

/** The tiled dimension a TP size cuts through, if any. */
export function cutTile(limits: SplitLimits, tp: number): TiledDimension | undefined {
  return limits.tiled.find((dimension) => dimension.size % tp !== 0 || (dimension.size / tp) % dimension.tile !== 0);
}

/** Whether the engine starts with this TP size: it divides the heads, KV heads divide or are divided, no tile is cut. */
export function tensorParallelAllowed(limits: SplitLimits, tp: number): boolean {
  if (!Number.isInteger(tp) || tp < 1 || limits.heads % tp !== 0) return false;
  if (limits.kvHeads !== null && limits.kvHeads % tp !== 0 && tp % limits.kvHeads !== 0) return false;
  return cutTile(limits, tp) === undefined;
}

/** TP sizes from 1 to `limit` the engine starts with (never above the heads, which TP must divide). */
export function validTensorParallelSizes(limits: SplitLimits, limit: number): number[] {
  const sizes: number[] = [];
  for (let tp = 1; tp <= Math.min(limit, limits.heads); tp++) if (tensorParallelAllowed(limits, tp)) sizes.push(tp);
  return sizes;
}

/**
 * Problems of a resolved deployment. `stated` are the values as the file writes them: checks on
 * counts only run when the file states both the GPU count and the parallel sizes, never on
 * assumed defaults of an app config.
 */
export function checkParallelism(resolved: ResolvedDeployment, stated: DeploymentValues): ParallelismProblem[] {
  const { request } = resolved;
  const { model, engine } = request;
  if (engineById(engine).splitsLayers) return [];
  const problems: ParallelismProblem[] = [];
  const tp = request.tensorParallel;
  // Heads split over the ranks of one attention group (attention data parallelism); the MLP over all.
  const attentionTp = attentionTensorParallel(request);
  const limits = splitLimits(request, "certain");
  const kvHeads = limits.kvHeads;
  const nodeLimit = resolved.instance?.gpuCount ?? TYPICAL_GPUS_PER_NODE;
  const valid = () => validTensorParallelSizes(limits, Math.max(tp * 2, nodeLimit));
  const cut = cutTile(limits, tp);

  if (model.attentionHeads % attentionTp !== 0) {
    problems.push({ kind: "heads-not-divisible", tensorParallel: tp, heads: model.attentionHeads, valid: valid() });
  } else if (kvHeads !== null && kvHeads % attentionTp !== 0 && attentionTp % kvHeads !== 0) {
    problems.push({ kind: "kv-heads-not-divisible", tensorParallel: tp, kvHeads, valid: valid() });
  } else if (cut) {
    problems.push({ kind: "tiles-not-divisible", tensorParallel: tp, dimension: cut, format: request.weightFormat, valid: valid() });
  } else if (kvHeads !== null && attentionTp > kvHeads) {
    problems.push({ kind: "kv-replicated", tensorParallel: attentionTp, kvHeads });
  }

  const perPod = stated.gpuCount;
  if (perPod !== undefined && perPod > nodeLimit && !stated.gpusMaySpanNodes) {
    const instance = resolved.instance?.id;
    problems.push({ kind: "exceeds-node", gpusPerPod: perPod, nodeGpus: nodeLimit, ...(instance ? { instance } : {}) });
  }

  // Count checks need both sides written in the file (or implied by an instance type).
  const gpus = perPod !== undefined || resolved.instance ? resolved.requestedGpus : undefined;
  const parallelStated = stated.tensorParallel !== undefined || stated.pipelineParallel !== undefined || stated.dataParallel !== undefined;
  if (gpus === undefined || (!parallelStated && stated.engine === undefined)) return problems;
  const ranks = tp * request.pipelineParallel * request.dataParallel;
  if (ranks > gpus) {
    problems.push({ kind: "ranks-exceed-gpus", ranks, gpus });
  } else if (ranks < gpus) {
    const fitting = validTensorParallelSizes(limits, gpus / (request.pipelineParallel * request.dataParallel)).filter(
      (size) => size * request.pipelineParallel * request.dataParallel === gpus,
    );
    problems.push({ kind: "idle-gpus", ranks, gpus, ...(fitting.length > 0 ? { suggestedTensorParallel: fitting[fitting.length - 1]! } : {}) });
  }
  return problems;
}
