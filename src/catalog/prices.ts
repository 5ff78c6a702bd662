/**
 * On-demand prices (USD per hour) of the catalog's cloud instance types: one dated snapshot, one
 * region per cloud (`./data/prices/<cloud>.json`, each naming its date, region and source), plus
 * what `settings.vram.prices` adds or overrides. GPUs without an instance are priced per GPU from
 * the cheapest snapshot instance that carries them, and say so.
 */
import type { Catalog } from "./catalog.js";
import { bundledPriceSnapshots } from "./load.js";
import type { GpuEntry, InstanceEntry, PriceFile } from "./types.js";

/** A price snapshot file (schema: `PriceFile` in ./types.ts). */
export type PriceSnapshot = PriceFile;

/** A price with where it comes from, for messages ("AWS us-east-1 on-demand, 2026-08-26"). */
export interface Price {
  usdPerHour: number;
  /** The instance type priced, or the GPU priced per unit. */
  item: string;
  source: string;
  /** Where the figure comes from, for the reader: "AWS us-east-1 on-demand, 2026-08-26", "settings.vram.prices". */
  description: string;
}

/** `settings.vram.prices`: USD per hour by instance type, and per GPU for GPUs rented without a named instance. */
export interface PriceOverrides {
  instanceTypes?: Record<string, number>;
  gpus?: Record<string, number>;
}

/** The bundled snapshots, read on first use with the rest of the catalog's data. */
export function priceSnapshots(): readonly PriceSnapshot[] {
  return bundledPriceSnapshots();
}

function snapshotDescription(snapshot: PriceSnapshot): string {
  return `${snapshot.cloud.toUpperCase()} ${snapshot.region} on-demand, ${snapshot.date}`;
}

/** The price table a catalog and its settings give: instance id → price. */
export class PriceBook {
  private readonly instances = new Map<string, Price>();
  private readonly gpus = new Map<string, Price>();

  constructor(
    private readonly catalog: Catalog,
    overrides: PriceOverrides = {},
    snapshots: readonly PriceSnapshot[] = priceSnapshots(),
  ) {
    for (const snapshot of snapshots) {
      for (const { instanceType, usdPerHour } of snapshot.prices) {
        this.instances.set(instanceType, { usdPerHour, item: instanceType, source: snapshot.source, description: snapshotDescription(snapshot) });
      }
    }
    for (const [written, usdPerHour] of Object.entries(overrides.instanceTypes ?? {})) {
      const id = catalog.resolveInstance(written)?.id ?? written;
      this.instances.set(id, { usdPerHour, item: id, source: "settings.vram.prices", description: "settings.vram.prices" });
    }
    for (const [written, usdPerGpuHour] of Object.entries(overrides.gpus ?? {})) {
      const gpu = catalog.resolveGpu(written)?.gpu;
      if (!gpu) continue;
      this.gpus.set(gpu.id, { usdPerHour: usdPerGpuHour, item: gpu.id, source: "settings.vram.prices", description: "settings.vram.prices" });
    }
  }

  /** An instance type's hourly price, when known. */
  instance(instance: InstanceEntry | string): Price | undefined {
    const id = typeof instance === "string" ? (this.catalog.resolveInstance(instance)?.id ?? instance) : instance.id;
    return this.instances.get(id);
  }

  /**
   * One GPU's hourly price: the settings' figure, else the cheapest per-GPU price among the
   * snapshot's instances with this GPU (the host's vCPUs and memory come with it).
   */
  gpu(gpu: GpuEntry): Price | undefined {
    const set = this.gpus.get(gpu.id);
    if (set) return set;
    let best: { price: Price; perGpu: number } | undefined;
    for (const instance of this.catalog.instances) {
      if (instance.gpu !== gpu.id || instance.gpuCount < 1) continue;
      const price = this.instances.get(instance.id);
      if (!price) continue;
      const perGpu = price.usdPerHour / instance.gpuCount;
      if (!best || perGpu < best.perGpu) best = { price, perGpu };
    }
    if (!best) return undefined;
    return { usdPerHour: best.perGpu, item: gpu.id, source: best.price.source, description: `per GPU of ${best.price.item}, ${best.price.description}` };
  }
}

/** Dollars with cents, or three significant digits below a dollar. */
export function money(usd: number): string {
  return usd >= 1 ? usd.toFixed(2) : usd.toPrecision(3);
}

const books = new WeakMap<Catalog, WeakMap<object, PriceBook>>();
const noOverrides: PriceOverrides = {};

/** The price book of a catalog and its settings' prices, built once per pair. */
export function priceBook(catalog: Catalog, overrides: PriceOverrides = noOverrides): PriceBook {
  let byOverrides = books.get(catalog);
  if (!byOverrides) books.set(catalog, (byOverrides = new WeakMap()));
  let book = byOverrides.get(overrides);
  if (!book) byOverrides.set(overrides, (book = new PriceBook(catalog, overrides)));
  return book;
}
