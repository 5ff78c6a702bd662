/**
 * MIG (Multi-Instance GPU) slices as GPUs of their own. A GPU instance gets a fraction of its GPU's
 * compute slices and its own share of the memory (NVIDIA MIG user guide, "Supported MIG Profiles");
 * a process placed on one sees only that memory, so a slice is sized as a GPU with the memory
 * `nvidia-smi mig -lgip` prints for its profile (each parent's `migProfiles`, with sources).
 */
import type { GpuEntry, MigProfile } from "./types.js";

/**
 * A MIG slice as schedulers write it: GPU feature discovery's single-strategy product label
 * (`NVIDIA-A100-SXM4-40GB-MIG-1g.5gb`), the device plugin's mixed-strategy resource
 * (`nvidia.com/mig-3g.40gb`, `+` written `.`: `nvidia.com/mig-1g.10gb.me`) or a bare profile.
 * Linear: one optional lazy prefix, then fixed tokens anchored at the end.
 */
const MIG_NAME = /^(.*?)[-_ ]?mig[-_ ]?([1-8]g\.\d+gb)(?:[.+-]((?:me|gfx)(?:\.all)?))?$/i;

export interface MigName {
  /** What names the GPU the slice is of (`NVIDIA-A100-SXM4-40GB`); empty when only the profile is written. */
  parent: string;
  /** The profile as `nvidia-smi` names it (`1g.10gb+me`). */
  profile: string;
}

/** The parent and profile a MIG slice name writes, or undefined when it names no slice. */
export function parseMigName(written: string): MigName | undefined {
  // GPU names are short; a longer text is no slice (and the lazy prefix stays cheap).
  if (written.length > 256) return undefined;
  const match = MIG_NAME.exec(written.trim());
  if (!match) return undefined;
  let parent = match[1]!.replace(/^nvidia\.com\/?$/i, "");
  while (parent.length > 0 && "-_ ".includes(parent.at(-1)!)) parent = parent.slice(0, -1);
  const suffix = match[3]?.toLowerCase();
  // `-me` (without media extensions) is its own profile; the device plugin writes `+` as `.`.
  const joined = suffix === undefined ? "" : written.trim().toLowerCase().endsWith(`-${suffix}`) ? `-${suffix}` : `+${suffix}`;
  return { parent, profile: `${match[2]!.toLowerCase()}${joined}` };
}

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
