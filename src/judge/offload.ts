/**
 * Mixture-of-Experts weights kept in CPU memory: how fast decoding can possibly go, and what GPU
 * memory would avoid it. Pure; facts/estimator.md §6 (PCIe / CPU offload bounds).
 */
import { engineById } from "../engines/index.js";
import type { ResolvedDeployment } from "../resolve.js";
import { GIB } from "../sizing/runtime.js";
import type { MemoryEstimate } from "../sizing/types.js";

/**
 * Share of a host link's nominal bandwidth a transfer reaches in practice (PCIe 4.0 x16: ~25 of
 * 31.5 GB/s, facts/estimator.md §6), and of HBM for a memory-bound decode (0.6–0.85 quoted there;
 * the upper end, since these are upper bounds).
 */
export const HOST_LINK_EFFICIENCY = 0.8;
export const HBM_EFFICIENCY = 0.85;
/** DRAM bandwidth of a server socket when llama.cpp computes CPU-resident layers (facts/estimator.md §4.3: 200–400 GB/s). */
export const SERVER_DRAM_GBPS = 300;

export interface OffloadFinding {
  /** Weights per GPU kept in CPU memory. */
  offloadedBytesPerGpu: number;
  /** Of those, what one decoded token touches (a MoE token routes to top-k of the experts). */
  touchedBytesPerToken: number;
  /** Where CPU-resident weights are read from per token. */
  path: "pcie" | "cpu";
  /** The bandwidth those reads are bounded by, GB/s (the host link's effective rate, or server DRAM). */
  bandwidthGBps: number;
  /**
   * Whether the bounds show a slowdown: false when the GPU's own memory is no faster than where the
   * offloaded weights are read (a GDDR6 L4 beside server DRAM), so nothing can be claimed.
   */
  slowsDecode: boolean;
  /** Upper bound on single-sequence decode speed with the offload, tokens/s. */
  offloadedTokensPerSecond: number;
  /** Upper bound with every weight on the GPUs, tokens/s (undefined when the GPU's bandwidth is unknown). */
  onGpuTokensPerSecond?: number;
  /** Per-GPU memory the deployment would need to keep everything on the GPU (weights, runtime and one full-length KV). */
  memoryToAvoidBytesPerGpu: number;
}

export function offloadOf(resolved: ResolvedDeployment, estimate: MemoryEstimate): OffloadFinding | undefined {
  const { model, gpu, engine } = resolved.request;
  if (!model.moe || estimate.offloadedWeightBytesPerGpu <= 0) return undefined;
  const offloaded = estimate.offloadedWeightBytesPerGpu;
  // vLLM copies every offloaded weight over the host link each forward step (t_step ≥ offloaded /
  // link bandwidth, facts/estimator.md §6); llama.cpp computes CPU-resident layers on the CPU and
  // reads only the routed experts a token uses (top-k of E at batch 1).
  const path: OffloadFinding["path"] = engineById(engine).offloadPath;
  const activeShare = model.moe.expertsPerToken / model.moe.experts;
  const touched = path === "pcie" ? offloaded : offloaded * activeShare;
  const bandwidth = path === "pcie" ? (gpu.hostLinkGBps ?? 25) * HOST_LINK_EFFICIENCY : SERVER_DRAM_GBPS;
  const gpus = estimate.parallel.tensor * estimate.parallel.pipeline;
  const activeBytesPerGpu = estimate.activeWeightBytes / gpus;
  const hbmBytesPerSecond = gpu.memoryBandwidthGBps ? gpu.memoryBandwidthGBps * 1e9 * HBM_EFFICIENCY : undefined;
  const onGpu = hbmBytesPerSecond ? hbmBytesPerSecond / activeBytesPerGpu : undefined;
  // A token still passes through the GPU-resident layers (all of them, after a PCIe copy; the rest,
  // beside the CPU's share): the two times add up, so the bound is never above the all-GPU one.
  const gpuReadBytes = path === "pcie" ? activeBytesPerGpu : Math.max(0, activeBytesPerGpu - touched);
  const secondsPerToken = touched / (bandwidth * 1e9) + (hbmBytesPerSecond ? gpuReadBytes / hbmBytesPerSecond : 0);
  const offloadedTokensPerSecond = 1 / secondsPerToken;
  const needed =
    (estimate.perGpu.weightBytes + offloaded + estimate.perGpu.activationBytes + estimate.perGpu.overheadBytes + estimate.requestKvBytes) /
    estimate.settings.gpuMemoryUtilization;
  return {
    offloadedBytesPerGpu: offloaded,
    touchedBytesPerToken: touched,
    path,
    bandwidthGBps: bandwidth,
    slowsDecode: onGpu === undefined || offloadedTokensPerSecond < onGpu,
    offloadedTokensPerSecond,
    ...(onGpu !== undefined ? { onGpuTokensPerSecond: onGpu } : {}),
    memoryToAvoidBytesPerGpu: needed,
  };
}

export function gibOf(bytes: number): number {
  return bytes / GIB;
}
