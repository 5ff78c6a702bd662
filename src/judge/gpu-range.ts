/**
 * Judging a deployment that names no GPU type (most manifests request `nvidia.com/gpu: N` only):
 * against the range of GPUs it could be scheduled on — `settings.vram.cluster.gpus`, else every
 * catalog GPU of the vendor its resource names. Pure.
 *
 * Cost: GPUs are grouped by what the estimator reads of them (memory, and the engine defaults that
 * follow from it), and for a fixed model, format and layout the verdict only improves with memory,
 * so a binary search over the groups sorted by memory needs about log2(groups) estimates (6 for
 * the ~40 NVIDIA entries) instead of one per GPU. Kernel support by compute capability is not
 * monotone in memory and is checked per GPU, which costs no estimate.
 */
import { byCodePoint } from "../catalog/catalog.js";
import type { GpuEntry } from "../catalog/types.js";
import { type Engine, engineRunsOn } from "../engines/index.js";

export interface GpuRange {
  /** `cluster`: the GPUs of `settings.vram.cluster`; `catalog`: every catalog GPU of `vendor`. */
  source: "cluster" | "catalog";
  vendor: GpuEntry["vendor"];
  /** GPUs it fits on, smallest memory first. */
  fitting: GpuEntry[];
  /** GPUs it does not fit on, largest memory first: too little memory, or no kernel for its format. */
  failing: Array<{ gpu: GpuEntry; why: "memory" | "format" }>;
}

/**
 * Embedded, desktop and laptop parts (Jetson modules, the GB10 of DGX Spark, laptop GPUs, cards of
 * less than 8 GB: the 4 GB GTX 1050 Ti, the 6 GB RTX 2060 and RTX A2000) and a cloud's partial GPUs
 * (Azure's A10 partitions, reached through their instance types) are not what a cluster's
 * `nvidia.com/gpu` nodes carry, so the default range leaves them out; a cluster that has them lists
 * them in `settings.vram.cluster`. Intel's Gaudi is no `gpu.intel.com` device (it is requested as
 * `habana.ai/gaudi`, which is not judged as a GPU).
 */
const NOT_CLUSTER_GPUS = /jetson|laptop|^gb10$|-partition-|^gaudi/;

/** Less memory than any data-centre GPU of the range (8 GB marketed is 7.45 GiB or more). */
const LEAST_CLUSTER_GPU_BYTES = 7 * 2 ** 30;

/**
 * The GPUs a deployment naming none could land on. Of the catalog's, those its engine runs on at all
 * (`minCudaCapability`: vLLM's 7.0 leaves out the Pascal P4, P100 and P40, which a cluster serving it
 * does not schedule it on); a cluster's own list is taken whole.
 */
export function rangeCandidates(all: readonly GpuEntry[], vendor: GpuEntry["vendor"], cluster: readonly GpuEntry[] | undefined, engine: Engine): { source: GpuRange["source"]; gpus: GpuEntry[] } {
  if (cluster && cluster.length > 0) return { source: "cluster", gpus: [...cluster] };
  return { source: "catalog", gpus: all.filter((gpu) => gpu.vendor === vendor && !NOT_CLUSTER_GPUS.test(gpu.id) && gpu.memoryBytes >= LEAST_CLUSTER_GPU_BYTES && engineRunsOn(engine, gpu)) };
}

/**
 * Splits `candidates` into the GPUs a deployment fits on and those it does not. `fitsIn(gpu)` runs
 * the estimate on one GPU of a class; `formatRuns(gpu)` says whether the weights' format and the
 * requested dtypes have kernels on that GPU; `batchClass(gpu)` is what of a GPU besides its memory
 * sets the engine's defaults. Within a batch class more memory never fits less, so each class is
 * searched by memory; across classes it may (an A100 80GB holds a context that vLLM's larger default
 * batch on an 80 GB H100 leaves no room for), so each is searched.
 */
export function splitRange(
  candidates: readonly GpuEntry[],
  fitsIn: (gpu: GpuEntry) => boolean,
  formatRuns: (gpu: GpuEntry) => boolean,
  batchClass: (gpu: GpuEntry) => string = () => "",
): Pick<GpuRange, "fitting" | "failing"> {
  const families = new Map<string, Map<number, GpuEntry[]>>();
  for (const gpu of candidates) {
    const family = batchClass(gpu);
    let classes = families.get(family);
    if (!classes) families.set(family, (classes = new Map()));
    const members = classes.get(gpu.memoryBytes);
    if (members) members.push(gpu);
    else classes.set(gpu.memoryBytes, [gpu]);
  }
  const fitting: GpuEntry[] = [];
  const failing: GpuRange["failing"] = [];
  for (const family of [...families.keys()].sort(byCodePoint)) {
    const groups = [...families.get(family)!.entries()].sort(([a], [b]) => a - b).map(([, members]) => members);
    // The first group it fits in: everything above it in this family fits too.
    let low = 0;
    let high = groups.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (fitsIn(groups[middle]![0]!)) high = middle;
      else low = middle + 1;
    }
    groups.forEach((group, index) => {
      for (const gpu of group) {
        if (index < low) failing.push({ gpu, why: "memory" });
        else if (!formatRuns(gpu)) failing.push({ gpu, why: "format" });
        else fitting.push(gpu);
      }
    });
  }
  fitting.sort((a, b) => a.memoryBytes - b.memoryBytes || byCodePoint(a.id, b.id));
  failing.sort((a, b) => b.gpu.memoryBytes - a.gpu.memoryBytes || byCodePoint(a.gpu.id, b.gpu.id));
  return { fitting, failing };
}

/** The vendor a deployment's GPU resource names (`amd.com/gpu`, Intel's `gpu.intel.com/i915`); NVIDIA when it names none. */
export function vendorOfResource(resource: string | undefined): GpuEntry["vendor"] {
  if (resource?.startsWith("amd.com/")) return "amd";
  if (resource?.startsWith("google.com/")) return "google";
  return resource?.startsWith("gpu.intel.com/") ? "intel" : "nvidia";
}


/**
 * The candidates a stated memory range allows (dstack `24GB..80GB`). Marketing sizes round (an
 * "80GB" H100 reports 79.6 GiB), so the bounds have 6 % of slack.
 */
export function withinMemory(gpus: GpuEntry[], range: { minGiB?: number; maxGiB?: number } | undefined): GpuEntry[] {
  if (!range) return gpus;
  const gib = (gpu: GpuEntry) => gpu.memoryBytes / 2 ** 30;
  return gpus.filter((gpu) => (range.minGiB === undefined || gib(gpu) >= range.minGiB * 0.94) && (range.maxGiB === undefined || gib(gpu) <= range.maxGiB * 1.06));
}
