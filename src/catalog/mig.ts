/**
 * MIG (Multi-Instance GPU) slices as GPUs of their own. A GPU instance gets a fraction of its GPU's
 * compute slices and its own share of the memory (NVIDIA MIG user guide, "Supported MIG Profiles");
 * a process placed on one sees only that memory, so a slice is sized as a GPU with the memory
 * `nvidia-smi mig -lgip` prints for its profile (each parent's `migProfiles`, with sources).
 */
import type { GpuEntry, MigProfile } from "./types.js";

export { type MigName, parseMigName } from "../mig-names.js";

/** Whether a GPU entry is a MIG slice (`migSliceEntry` names them `<parent>-mig-<profile>`). */
export function isMigSlice(gpu: GpuEntry): boolean {
  return gpu.id.includes("-mig-");
}

/** `NVIDIA A100 40GB (SXM4 / PCIe)` → `NVIDIA A100 40GB`: a slice's name says which GPU, not its board variants. */
function withoutVariants(name: string): string {
  const open = name.lastIndexOf(" (");
  return open > 0 && name.endsWith(")") ? name.slice(0, open) : name;
}

/** Compute slices of a profile (`3g.40gb` → 3). */
function computeSlices(profile: string): number {
  return Number(profile.slice(0, profile.indexOf("g")));
}

/**
 * The slice as a GPU entry: its own memory; compute in proportion to its compute slices (of the
 * parent's largest profile: 7, or 4 on the A30 and RTX PRO 6000); memory bandwidth in proportion
 * to its memory, as each instance owns its memory slices' controllers. No NVLink between slices.
 */
export function migSliceEntry(parent: GpuEntry, profile: MigProfile): GpuEntry {
  const totalSlices = Math.max(...(parent.migProfiles ?? []).map((entry) => computeSlices(entry.profile)));
  const computeShare = computeSlices(profile.profile) / totalSlices;
  const memoryBytes = Math.round(profile.memoryGiB * 2 ** 30);
  const memoryShare = Math.min(1, memoryBytes / parent.memoryBytes);
  const scaled = (value: number | null) => (value === null ? null : Math.round(value * computeShare * 10) / 10);
  const tflops = parent.denseTflops;
  return {
    id: `${parent.id}-mig-${profile.profile}`,
    name: `${withoutVariants(parent.name)} MIG ${profile.profile}`,
    vendor: parent.vendor,
    architecture: parent.architecture,
    memoryBytes,
    memorySource: "nvidia-smi",
    memoryBandwidthGBps: parent.memoryBandwidthGBps === null ? null : Math.round(parent.memoryBandwidthGBps * memoryShare),
    computeCapability: parent.computeCapability,
    bf16: parent.bf16,
    fp8: parent.fp8,
    fp4: parent.fp4,
    ...(tflops ? { denseTflops: { fp16: scaled(tflops.fp16), bf16: scaled(tflops.bf16), fp8: scaled(tflops.fp8), fp4: scaled(tflops.fp4), int8: scaled(tflops.int8) } } : {}),
    interconnect: null,
    hostLinkGBps: parent.hostLinkGBps,
    names: [],
    labels: {},
    sources: profile.sources,
    notes: [
      `a MIG slice of the ${parent.name}: ${computeSlices(profile.profile)} of its ${totalSlices} compute slices and ${profile.memoryGiB} GiB of its memory, as nvidia-smi mig -lgip prints it (the smallest value seen across drivers); bandwidth in proportion to that memory`,
    ],
  };
}
