/**
 * What a deployment costs to run: its hourly price per replica and the price of a million output
 * tokens at the speed model's throughput. Pure; prices come from a `PriceBook`
 * (src/catalog/prices.ts: a dated snapshot plus `settings.vram.prices`).
 */
import { money, type PriceBook } from "../catalog/prices.js";
import { gpuName } from "../report/plain.js";
import type { GpuEntry, InstanceEntry } from "../catalog/types.js";
import type { SpeedEstimate } from "./speed.js";

export interface CostEstimate {
  /** One replica (all the GPUs one deployment uses), USD per hour. */
  usdPerHour: number;
  /** At the estimate's concurrency and throughput; null when the speed is unknown. */
  usdPerMillionOutputTokens: number | null;
  /** Where the price comes from: the snapshot's source or `settings.vram.prices`. */
  priceSource: string;
  /** How it was priced, for the reader ("2 × g6e.12xlarge at $10.49/h (AWS us-east-1 on-demand, 2026-08-26)"). */
  description: string;
}

export interface PricedHardware {
  gpu: GpuEntry;
  /** GPUs one replica occupies. */
  gpuCount: number;
  /** The instance type the file names, when it names one. */
  instance?: InstanceEntry;
}

/**
 * The hourly price of the hardware one replica runs on: whole instances when the file names one
 * (as many as its GPUs need), else the GPUs at a per-GPU price; undefined when no price is known.
 */
export function priceOf(book: PriceBook, hardware: PricedHardware): Omit<CostEstimate, "usdPerMillionOutputTokens"> | undefined {
  const { gpu, gpuCount, instance } = hardware;
  if (instance && instance.gpuCount > 0) {
    const price = book.instance(instance);
    if (price) {
      const count = Math.max(1, Math.ceil(gpuCount / instance.gpuCount));
      return {
        usdPerHour: price.usdPerHour * count,
        priceSource: price.source,
        description: `${count} × ${instance.id} at $${money(price.usdPerHour)}/h, ${price.description}`,
      };
    }
  }
  const perGpu = book.gpu(gpu);
  if (!perGpu) return undefined;
  return {
    usdPerHour: perGpu.usdPerHour * gpuCount,
    priceSource: perGpu.source,
    description: `${gpuCount} × ${gpuName(gpu)} at $${money(perGpu.usdPerHour)}/h, ${perGpu.description}`,
  };
}

/** $/M output tokens = price per hour / (3600 × output tokens per second) × 10⁶. */
export function usdPerMillionTokens(usdPerHour: number, outputTokensPerSecond: number): number | null {
  if (!(outputTokensPerSecond > 0)) return null;
  return (usdPerHour / (3600 * outputTokensPerSecond)) * 1e6;
}

/** The cost of a replica and of its output tokens at the speed estimate; null when no price is known. */
export function costOf(book: PriceBook, hardware: PricedHardware, speed: SpeedEstimate | undefined): CostEstimate | null {
  const price = priceOf(book, hardware);
  if (!price) return null;
  return { ...price, usdPerMillionOutputTokens: speed ? usdPerMillionTokens(price.usdPerHour, speed.decode.outputTokensPerSecond) : null };
}
