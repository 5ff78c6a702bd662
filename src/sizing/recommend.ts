/**
 * The recommender: for a deployment that does not fit (or leaves too little KV headroom), the
 * cheapest changes that do, each re-estimated by the same estimator. Pure; reads the catalog only.
 */
import { isMigSlice } from "../catalog/mig.js";
import { baseModelKey, byCodePoint, type Catalog } from "../catalog/catalog.js";
import type { GpuEntry, InstanceEntry, QuantizationFormat } from "../catalog/types.js";
import { engineById, formatRunsOn, needsCheckpoint } from "../engines/index.js";
import { type BoundedCache, cacheOf, identityOf } from "../memo.js";
import { requestKey, tryEstimate } from "./estimate.js";
import { splitLimits, tensorParallelAllowed } from "../judge/parallelism.js";
import type { MemoryEstimate, SizingRequest } from "./types.js";

export type RemedyKind = "quantization" | "kv-cache-dtype" | "max-model-len" | "more-gpus" | "larger-gpu";

export interface Remedy {
  kind: RemedyKind;
  /** What to change, in engine terms. Only the fields that change are set. */
  change: {
    /** Weight format id to store/run the weights in. */
    weightFormat?: string;
    /** The engine's quantization flag value for it (null: the checkpoint's own config says it). */
    quantizationFlag?: string | null;
    /** A pre-quantized checkpoint the catalog knows for the format. */
    checkpoint?: string;
    /** The format needs a pre-quantized checkpoint and the catalog knows none for this model. */
    needsCheckpoint?: boolean;
    kvCacheDtype?: string;
    maxModelLen?: number;
    tensorParallel?: number;
    pipelineParallel?: number;
    /** GPUs one replica uses after the change. */
    gpuCount?: number;
    /** GPUs per node/pod after the change (multi-node layouts). */
    gpusPerNode?: number;
    gpu?: string;
    /** A cloud instance type with the GPUs, when the deployment named one. */
    instanceType?: string;
  };
  request: SizingRequest;
  estimate: MemoryEstimate;
}

export interface RecommendOptions {
  /** Full-length sequences the KV cache must hold at once (kv-cache-headroom's `minConcurrentSequences`). */
  minConcurrentSequences?: number;
  /** The instance type the GPUs came from, so GPU remedies can name the instance to switch to. */
  instance?: InstanceEntry;
  /** Largest number of GPUs in one node (default 8, or the instance family's largest size). */
  gpusPerNodeLimit?: number;
  /** At most this many remedies (default 5). */
  limit?: number;
  /**
   * The model as the deployment names it: a pre-quantized checkpoint is only suggested when it holds
   * the same model (DeepSeek-V3 and R1 share a catalog entry, but not their weights).
   */
  writtenModel?: string;
  /**
   * What a layout costs per hour, when prices are known: remedies that change equally much are then
   * ranked by it instead of by GPU count. Must be pure in the request (results are memoized).
   */
  hourlyCost?: (request: SizingRequest) => number | undefined;
}

/**
 * GPUs a remedy may move to: the ones clouds rent for serving, smallest memory first. A narrower
 * list keeps suggestions actionable; users with other hardware name it in their files.
 */
export const CANDIDATE_GPU_IDS = ["l4", "a10g", "a10", "l40s", "a100-40gb", "a100-80gb", "h100-80gb", "h100-nvl", "h200", "b200", "mi300x"];

const MAX_NODES = 8;

/**
 * Whether an estimate meets the bar: it starts, serves the context asked for (an engine that starts
 * with a shorter one does not), and the cache holds `minConcurrent` full sequences.
 */
export function meetsTarget(estimate: MemoryEstimate, minConcurrent: number): boolean {
  return estimate.verdict === "fits" && estimate.contextCappedFrom === undefined && estimate.maxConcurrency >= minConcurrent;
}

/**
 * Tensor-parallel sizes a remedy may use: the engine starts with them (heads, KV heads, quantization
 * tiles: judge/parallelism.ts), and they do not exceed the KV heads, which would keep a copy of the
 * KV cache per rank (vram/parallelism-efficiency).
 */
export function validTensorParallel(request: SizingRequest, tp: number): boolean {
  const limits = splitLimits(request);
  return tensorParallelAllowed(limits, tp) && (limits.kvHeads === null || tp <= limits.kvHeads);
}

function runsNatively(format: QuantizationFormat, gpu: GpuEntry): boolean {
  if (format.nativeComputeCapability === null) return true;
  return gpu.computeCapability !== null && gpu.computeCapability >= format.nativeComputeCapability;
}

/**
 * Remedies are pure in (catalog, request, options); repositories repeat the same model on the same
 * GPUs across many files, so results are kept per catalog for the recent requests.
 */
const memo = new WeakMap<Catalog, BoundedCache<Remedy[]>>();

export function recommend(catalog: Catalog, request: SizingRequest, current: MemoryEstimate, options: RecommendOptions = {}): Remedy[] {
  const minConcurrent = options.minConcurrentSequences ?? 1;
  if (meetsTarget(current, minConcurrent)) return [];
  const key = [requestKey(request), minConcurrent, options.instance?.id, options.gpusPerNodeLimit, options.limit, options.writtenModel, options.hourlyCost ? identityOf(options.hourlyCost) : ""].join("|");
  return cacheOf(memo, catalog, 512).get(key, () => computeRemedies(catalog, request, current, options));
}

function computeRemedies(catalog: Catalog, request: SizingRequest, current: MemoryEstimate, options: RecommendOptions): Remedy[] {
  const minConcurrent = options.minConcurrentSequences ?? 1;
  const limit = options.limit ?? 5;
  const remedies: Remedy[] = [];
  const kvBound = current.verdict === "kv-cache-too-small" || current.verdict === "fits";

  if (kvBound) {
    const kvDtype = kvCacheRemedy(request, current, minConcurrent);
    if (kvDtype) remedies.push(kvDtype);
    const context = maxModelLenRemedy(request, minConcurrent);
    if (context) remedies.push(context);
  }
  remedies.push(...quantizationRemedies(catalog, request, minConcurrent, options));
  const moreGpus = moreGpusRemedy(catalog, request, minConcurrent, options);
  if (moreGpus) remedies.push(moreGpus);
  const larger = largerGpuRemedy(catalog, request, minConcurrent, options);
  if (larger) remedies.push(larger);
  return rankByChange(remedies, options).slice(0, limit);
}

/** The order remedy kinds are offered in when they change equally much. */
const KIND_ORDER: readonly RemedyKind[] = ["kv-cache-dtype", "max-model-len", "quantization", "more-gpus", "larger-gpu"];

/**
 * Least change first: what the user keeps matters more than what is added. A remedy that keeps the
 * checkpoint and the GPU type comes before one that needs another checkpoint (a pre-quantized
 * repository to find, trust and evaluate), and that before another GPU type (another node pool or
 * instance); within each, the cheapest (by `hourlyCost` when it prices both, else by GPUs), then a
 * precision kept before one changed, then the engine's own settings before hardware.
 */
export function rankByChange(remedies: Remedy[], options: Pick<RecommendOptions, "hourlyCost"> = {}): Remedy[] {
  const cost = (remedy: Remedy) => options.hourlyCost?.(remedy.request);
  const keyOf = (remedy: Remedy) => ({
    checkpoint: Number(remedy.change.checkpoint !== undefined || remedy.change.needsCheckpoint === true),
    gpuType: Number(remedy.change.gpu !== undefined),
    gpus: remedy.estimate.gpuCount,
    precision: Number(remedy.change.weightFormat !== undefined),
    kind: KIND_ORDER.indexOf(remedy.kind),
  });
  return remedies
    .map((remedy, index) => ({ remedy, index, key: keyOf(remedy), cost: cost(remedy) }))
    .sort((a, b) => {
      const priced = a.cost !== undefined && b.cost !== undefined ? a.cost - b.cost : 0;
      return (
        a.key.gpuType - b.key.gpuType ||
        a.key.checkpoint - b.key.checkpoint ||
        priced ||
        a.key.gpus - b.key.gpus ||
        a.key.precision - b.key.precision ||
        a.key.kind - b.key.kind ||
        a.index - b.index
      );
    })
    .map(({ remedy }) => remedy);
}

function kvCacheRemedy(request: SizingRequest, current: MemoryEstimate, minConcurrent: number): Remedy | undefined {
  if (current.settings.kvCacheElementBytes <= 1) return undefined;
  if (!engineById(request.engine).fp8KvCache) return undefined;
  // FP8 KV needs FlashInfer (SM80+) or native FP8 attention (SM89+) in vLLM (attention backends' supported_kv_cache_dtypes).
  if (request.gpu.computeCapability === null || request.gpu.computeCapability < 8.0) return undefined;
  const changed: SizingRequest = { ...request, kvCacheDtype: "fp8" };
  const estimate = tryEstimate(changed);
  if (!estimate || !meetsTarget(estimate, minConcurrent)) return undefined;
  return { kind: "kv-cache-dtype", change: { kvCacheDtype: "fp8" }, request: changed, estimate };
}

/**
 * The largest context (rounded down to a readable multiple) at which the cache meets the target.
 * KV memory does not depend on the context length, so one estimate gives the answer.
 */
function maxModelLenRemedy(request: SizingRequest, minConcurrent: number): Remedy | undefined {
  const largest = tryEstimate(request, { concurrency: minConcurrent })?.largestFittingMaxModelLen;
  if (largest === null || largest === undefined) return undefined;
  const readable = roundDownReadable(Math.min(largest, request.maxModelLen ?? request.model.maxPositionEmbeddings));
  if (readable < 256) return undefined;
  const changed: SizingRequest = { ...request, maxModelLen: readable };
  const estimate = tryEstimate(changed);
  if (!estimate || !meetsTarget(estimate, minConcurrent)) return undefined;
  return { kind: "max-model-len", change: { maxModelLen: readable }, request: changed, estimate };
}

/** 12,345 → 12,288 (a multiple of 1,024 above 4,096, of 256 below). */
export function roundDownReadable(length: number): number {
  const step = length >= 4096 ? 1024 : 256;
  return Math.floor(length / step) * step;
}

function quantizationRemedies(catalog: Catalog, request: SizingRequest, minConcurrent: number, options: RecommendOptions): Remedy[] {
  const engine = engineById(request.engine);
  const found: Array<{ remedy: Remedy; format: QuantizationFormat; expressible: boolean; order: number }> = [];
  engine.remedyFormats.forEach((id, order) => {
    const format = catalog.format(id);
    if (format.bitsPerWeight >= request.weightFormat.bitsPerWeight || !formatRunsOn(engine.id, format, request.gpu)) return;
    const checkpointOnly = needsCheckpoint(engine.id, format);
    // In-flight quantization (`--quantization fp8`, bitsandbytes) starts from 16-bit weights; a checkpoint
    // already stored quantized (DeepSeek's FP8, an AWQ repo) can only move to another pre-quantized checkpoint.
    if (!checkpointOnly && request.weightFormat.kind !== "float") return;
    const quantized: SizingRequest = { ...request, weightFormat: format };
    // The format alone, or the format on the fewest more GPUs that then fit.
    const atSameCount = tryEstimate(quantized);
    const fitted: Remedy | undefined =
      atSameCount && meetsTarget(atSameCount, minConcurrent)
        ? { kind: "quantization", change: {}, request: quantized, estimate: atSameCount }
        : moreGpusRemedy(catalog, quantized, minConcurrent, options, "quantization");
    if (!fitted) return;
    const checkpoint = checkpointOnly ? knownCheckpoint(catalog, request.model.id, format.id, options.writtenModel) : undefined;
    fitted.change = {
      weightFormat: format.id,
      quantizationFlag: checkpointOnly ? null : (engine.quantizationFlag(format) ?? null),
      ...(checkpoint ? { checkpoint } : {}),
      ...(checkpointOnly && !checkpoint ? { needsCheckpoint: true } : {}),
      ...fitted.change,
    };
    found.push({ remedy: fitted, format, expressible: !checkpointOnly || checkpoint !== undefined, order });
  });
  // Cheapest first: fewest GPUs, then a change the file can make (a flag, or a checkpoint the
  // catalog knows), then native kernels, then the engine's preference (least lossy, fastest kernels).
  found.sort(
    (a, b) =>
      a.remedy.estimate.gpuCount - b.remedy.estimate.gpuCount ||
      Number(b.expressible) - Number(a.expressible) ||
      Number(runsNatively(b.format, request.gpu)) - Number(runsNatively(a.format, request.gpu)) ||
      a.order - b.order,
  );
  // One remedy per precision class (8-bit, 4-bit…), at most two.
  const remedies: Remedy[] = [];
  const classes = new Set<number>();
  for (const { remedy, format } of found) {
    const precisionClass = Math.round(format.bitsPerWeight / 4);
    if (classes.has(precisionClass)) continue;
    classes.add(precisionClass);
    remedies.push(remedy);
    if (remedies.length === 2) break;
  }
  return remedies;
}

/**
 * A Hugging Face repository the catalog lists as this model stored in this format; with
 * `writtenModel`, only one whose base name is the written model's (same weights, same tune).
 */
export function knownCheckpoint(catalog: Catalog, modelId: string, formatId: string, writtenModel?: string): string | undefined {
  const model = catalog.model(modelId);
  if (!model) return undefined;
  const wanted = writtenModel === undefined ? undefined : baseModelKey(writtenModel);
  return catalog.checkpoints.find(
    (entry) =>
      entry.kind === "hf-repo" &&
      entry.format === formatId &&
      catalog.model(entry.model) === model &&
      (wanted === undefined || baseModelKey(entry.name) === wanted),
  )?.name;
}

function gpusPerNode(catalog: Catalog, gpu: GpuEntry, options: RecommendOptions): number {
  if (options.gpusPerNodeLimit) return options.gpusPerNodeLimit;
  const sizes = catalog.instances.filter((instance) => instance.gpu === gpu.id).map((instance) => instance.gpuCount);
  return sizes.length > 0 ? Math.max(8, ...sizes) : 8;
}

interface Layout {
  tensorParallel: number;
  pipelineParallel: number;
  /** GPUs one node (pod) holds: the whole layout inside a node, or one pipeline stage per node. */
  nodeGpus: number;
}

/**
 * Layouts with more GPUs than the request's, fewest GPUs first: tensor parallel inside one node;
 * tensor × pipeline parallel inside one node (when the heads, KV heads or quantization tiles bound
 * TP below the node's size); then one pipeline stage per node across nodes (vLLM's multi-node recipe).
 */
function largerLayouts(request: SizingRequest, perNode: number): Layout[] {
  const current = request.tensorParallel * request.pipelineParallel;
  const layouts: Layout[] = [];
  if (engineById(request.engine).splitsLayers) {
    for (let count = current + 1; count <= perNode; count++) layouts.push({ tensorParallel: 1, pipelineParallel: count, nodeGpus: count });
    return layouts;
  }
  const sizes = [...Array(perNode).keys()].map((i) => i + 1).filter((tp) => validTensorParallel(request, tp));
  for (const tp of sizes) if (tp > current) layouts.push({ tensorParallel: tp, pipelineParallel: 1, nodeGpus: tp });
  // Pipeline stages stack on the largest tensor-parallel size the model allows, never on a smaller one.
  const nodeTp = sizes.at(-1) ?? 1;
  for (let pp = 2; nodeTp * pp <= perNode && pp <= request.model.layers; pp++) {
    if (nodeTp * pp > current) layouts.push({ tensorParallel: nodeTp, pipelineParallel: pp, nodeGpus: nodeTp * pp });
  }
  for (let nodes = 2; nodes <= MAX_NODES && nodes <= request.model.layers; nodes++) {
    if (nodeTp * nodes > current) layouts.push({ tensorParallel: nodeTp, pipelineParallel: nodes, nodeGpus: nodeTp });
  }
  // Tensor parallel alone first, fewest GPUs first; pipeline stages inside a node only where TP is
  // bounded below the node's size (they add a pipeline bubble); then across nodes.
  const rank = (layout: Layout) => (layout.pipelineParallel === 1 ? 0 : layout.nodeGpus === layout.tensorParallel * layout.pipelineParallel ? 1 : 2);
  return layouts.sort(
    (a, b) => rank(a) - rank(b) || a.tensorParallel * a.pipelineParallel - b.tensorParallel * b.pipelineParallel || a.pipelineParallel - b.pipelineParallel,
  );
}

function moreGpusRemedy(
  catalog: Catalog,
  request: SizingRequest,
  minConcurrent: number,
  options: RecommendOptions,
  kind: RemedyKind = "more-gpus",
): Remedy | undefined {
  // One engine runs on one MIG slice, and some engines on one GPU: more of them are no layout (see migSliceType).
  if (isMigSlice(request.gpu) || engineById(request.engine).singleGpu) return undefined;
  const perNode = gpusPerNode(catalog, request.gpu, options);
  // Weights alone bound which layouts can fit: skip those without estimating them.
  const base = tryEstimate(request);
  for (const layout of largerLayouts(request, perNode)) {
    const count = layout.tensorParallel * layout.pipelineParallel;
    if (base && base.totalWeightBytes / count > base.perGpu.budgetBytes) continue;
    const changed: SizingRequest = { ...request, tensorParallel: layout.tensorParallel, pipelineParallel: layout.pipelineParallel };
    const estimate = tryEstimate(changed);
    if (!estimate || !meetsTarget(estimate, minConcurrent)) continue;
    // A pinned instance type must come in a size with that many GPUs, or the pod never schedules.
    const instance = options.instance ? instanceWith(catalog, options.instance, request.gpu.id, layout.nodeGpus) : undefined;
    if (options.instance && !instance) continue;
    return {
      kind,
      change: {
        tensorParallel: layout.tensorParallel,
        pipelineParallel: layout.pipelineParallel,
        gpuCount: count * request.dataParallel,
        gpusPerNode: layout.nodeGpus,
        ...(instance ? { instanceType: instance.id } : {}),
      },
      request: changed,
      estimate,
    };
  }
  return undefined;
}

function largerGpuRemedy(catalog: Catalog, request: SizingRequest, minConcurrent: number, options: RecommendOptions): Remedy | undefined {
  const candidates = CANDIDATE_GPU_IDS.map((id) => catalog.gpu(id))
    .filter((gpu): gpu is GpuEntry => gpu !== undefined)
    .filter((gpu) => gpu.memoryBytes > request.gpu.memoryBytes && gpu.vendor === request.gpu.vendor && formatRunsOn(request.engine, request.weightFormat, gpu))
    .sort((a, b) => a.memoryBytes - b.memoryBytes);
  const perNode = engineById(request.engine).splitsLayers ? request.pipelineParallel : request.tensorParallel;
  for (const gpu of candidates) {
    const changed: SizingRequest = { ...request, gpu };
    const estimate = tryEstimate(changed);
    if (!estimate || !meetsTarget(estimate, minConcurrent)) continue;
    const instance = options.instance ? instanceWith(catalog, options.instance, gpu.id, perNode) : undefined;
    if (options.instance && !instance) continue;
    return { kind: "larger-gpu", change: { gpu: gpu.id, ...(instance ? { instanceType: instance.id } : {}) }, request: changed, estimate };
  }
  return undefined;
}

/** An instance type's family: its name with the sizes taken out (`Standard_NC#ads_A#_v#`, `g#.#xlarge`). */
function instanceFamily(id: string): string {
  return id.replace(/\d+/g, "#");
}

/**
 * The instance of the same cloud with `count` of this GPU: of the original's family when it has one
 * (`Standard_NC24ads_A100_v4` → `Standard_NC48ads_A100_v4`, not an ND size), else the shortest name.
 */
function instanceWith(catalog: Catalog, original: InstanceEntry, gpuId: string, count: number): InstanceEntry | undefined {
  const family = instanceFamily(original.id);
  const matches = catalog.instances
    .filter((instance) => instance.cloud === original.cloud && instance.gpu === gpuId && instance.gpuCount === count)
    .sort((a, b) => Number(instanceFamily(b.id) === family) - Number(instanceFamily(a.id) === family) || a.id.length - b.id.length || byCodePoint(a.id, b.id));
  return matches[0];
}
