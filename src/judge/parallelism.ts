/**
 * Whether a deployment's parallel layout can start: the ranks it launches against the GPUs it
 * requests, tensor-parallel sizes the model's heads allow, and pods that fit on one node. Pure.
 */
import { engineById } from "../engines/index.js";
import type { DeploymentValues, ResolvedDeployment } from "../resolve.js";

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
  | { kind: "kv-replicated"; tensorParallel: number; kvHeads: number };

const ERRORS = new Set<ParallelismProblem["kind"]>(["ranks-exceed-gpus", "heads-not-divisible", "kv-heads-not-divisible", "exceeds-node"]);

export function isStartFailure(problem: ParallelismProblem): boolean {
  return ERRORS.has(problem.kind);
}

/** TP sizes from 1 to `limit` that the model's attention and KV heads allow (never above the heads, which TP must divide). */
export function validTensorParallelSizes(heads: number, kvHeads: number | null, limit: number): number[] {
  const sizes: number[] = [];
  for (let tp = 1; tp <= Math.min(limit, heads); tp++) {
    if (heads % tp !== 0) continue;
    if (kvHeads !== null && kvHeads % tp !== 0 && tp % kvHeads !== 0) continue;
    sizes.push(tp);
  }
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
  const kvHeads = model.attention.kind === "mla" ? null : model.kvHeads;
  const nodeLimit = resolved.instance?.gpuCount ?? TYPICAL_GPUS_PER_NODE;

  if (model.attentionHeads % tp !== 0) {
    problems.push({ kind: "heads-not-divisible", tensorParallel: tp, heads: model.attentionHeads, valid: validTensorParallelSizes(model.attentionHeads, kvHeads, Math.max(tp * 2, nodeLimit)) });
  } else if (kvHeads !== null && kvHeads % tp !== 0 && tp % kvHeads !== 0) {
    problems.push({ kind: "kv-heads-not-divisible", tensorParallel: tp, kvHeads, valid: validTensorParallelSizes(model.attentionHeads, kvHeads, Math.max(tp * 2, nodeLimit)) });
  } else if (kvHeads !== null && tp > kvHeads) {
    problems.push({ kind: "kv-replicated", tensorParallel: tp, kvHeads });
  }

  const perPod = stated.gpuCount;
  if (perPod !== undefined && perPod > nodeLimit) {
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
    const fitting = validTensorParallelSizes(model.attentionHeads, kvHeads, gpus / (request.pipelineParallel * request.dataParallel)).filter(
      (size) => size * request.pipelineParallel * request.dataParallel === gpus,
    );
    problems.push({ kind: "idle-gpus", ranks, gpus, ...(fitting.length > 0 ? { suggestedTensorParallel: fitting[fitting.length - 1]! } : {}) });
  }
  return problems;
}
