/**
 * How MIG (Multi-Instance GPU) slices are named, for the readers of files (extraction) and the
 * catalog that sizes them (catalog/mig.ts) alike.
 */

/**
 * A MIG slice as schedulers write it: GPU feature discovery's single-strategy product label
 * (`NVIDIA-A100-SXM4-40GB-MIG-1g.5gb`), the device plugin's mixed-strategy resource
 * (`nvidia.com/mig-3g.40gb`, `+` written `.`: `nvidia.com/mig-1g.10gb.me`).
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
