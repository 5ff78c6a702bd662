/**
 * How `vram explain` prints a deployment served from the CPU (no GPU requested): what the host
 * memory holds against the container's limit, and the verdict, as text and as JSON.
 */
import type { Catalog } from "../catalog/catalog.js";
import type { HostJudgement } from "../analysis.js";
import type { ResolvedDeployment } from "../resolve.js";
import type { Style } from "./text.js";
import { engineById } from "../engines/index.js";
import type { Engine } from "../sizing/types.js";
import { ENGINE_NAMES, formatLabel, gib, tokens } from "./wording.js";

export interface HostJson {
  verdict: HostJudgement["verdict"];
  neededGiB: number;
  weightsGiB: number;
  kvCacheGiB: number;
  computeGiB: number;
  /** The server's own processes (vLLM's CPU build); 0 for most engines. */
  runtimeGiB: number;
  contextTokens: number;
  /** At the fewest tokens the engine may shrink an unset context to, when that is fewer. */
  fewestNeededGiB?: number;
  memoryLimitGiB?: number;
  /** The setting that limits it (`resources.limits.memory`, `mem_limit`). */
  memoryLimitSetting?: string;
  assumptions: string[];
}

const round = (bytes: number) => Math.round((bytes / 2 ** 30) * 100) / 100;

export function hostJson(resolved: ResolvedDeployment, host: HostJudgement): HostJson {
  const { memory } = host;
  return {
    verdict: host.verdict,
    neededGiB: round(memory.neededBytes),
    weightsGiB: round(memory.weightBytes),
    kvCacheGiB: round(memory.kvCacheBytes),
    computeGiB: round(memory.computeBytes),
    runtimeGiB: round(memory.runtimeBytes),
    contextTokens: memory.contextTokens,
    ...(host.fewest ? { fewestNeededGiB: round(host.fewest.neededBytes) } : {}),
    ...(host.limit ? { memoryLimitGiB: round(host.limit.value), memoryLimitSetting: host.limit.source } : {}),
    assumptions: [...resolved.assumptions],
  };
}

export function renderHost(catalog: Catalog, resolved: ResolvedDeployment, host: HostJudgement, style: Style): string {
  const { request } = resolved;
  const { memory, limit } = host;
  const lines = [style.bold(`${resolved.model.displayName} on the CPU · ${ENGINE_NAMES[request.engine]} · ${formatLabel(catalog, request.weightFormat.id)}`), ""];
  const rows: Array<[string, string]> = [
    ...(limit ? [[`Memory limit (${limit.source})`, gib(limit.value)] as [string, string]] : []),
    [`Weights (${request.weightFormat.id})`, gib(memory.weightBytes)],
    [memory.kvCacheBytes > 0 ? `KV cache (${kvCacheFor(request.engine, memory.contextTokens)})` : "KV cache (none kept)", gib(memory.kvCacheBytes)],
    ["Compute buffer", gib(memory.computeBytes)],
    ...(memory.runtimeBytes > 0 ? [["Server processes", gib(memory.runtimeBytes)] as [string, string]] : []),
    ["Needed", gib(memory.neededBytes)],
  ];
  const labelWidth = Math.max(...rows.map(([label]) => label.length + 2), 22);
  const valueWidth = Math.max(...rows.map(([, value]) => value.length));
  lines.push(`${"Host memory".padEnd(labelWidth)}  ${"GiB".padStart(valueWidth)}`);
  for (const [label, value] of rows) lines.push(`  ${label.padEnd(labelWidth - 2)}  ${value.padStart(valueWidth)}`);
  lines.push("");
  const needed = `${gib(memory.neededBytes)} GiB`;
  switch (host.verdict) {
    case "fits":
      lines.push(style.good(`✓ Fits: ${needed} of its ${gib(limit!.value)} GiB memory limit.`));
      break;
    case "exceeds-limit":
      lines.push(style.bad(`✗ Does not fit: ${needed}, more than its ${gib(limit!.value)} GiB memory limit: ${pastLimit(request.engine).toLowerCase()}.`));
      break;
    case "context-decides":
      lines.push(style.bad(`? Not checked: ${gib(host.fewest!.neededBytes)} to ${needed} by the context ${ENGINE_NAMES[request.engine]} picks, against its ${gib(limit!.value)} GiB memory limit.`));
      break;
    case "no-limit":
      lines.push(style.bad(`? Not checked: no memory limit is set; it needs about ${needed} of the host's memory.`));
      break;
  }
  for (const assumption of resolved.assumptions) lines.push(style.dim(`  assumes ${assumption}`));
  return lines.join("\n");
}

/** What happens to an engine's server past its memory limit (the engine profile's `onCpu.pastLimit`). */
export function pastLimit(engine: Engine): string {
  return engineById(engine).onCpu?.pastLimit ?? "It is killed, or rereads memory-mapped weights from disk for every token";
}

/** What an engine's KV cache on the CPU is sized for: the context it allocates, or the size the file gives it (vLLM's CPU build). */
export function kvCacheFor(engine: Engine, contextTokens: number): string {
  return engineById(engine).onCpu?.kvCacheAsWritten ? "as set" : `for ${tokens(contextTokens)} tokens`;
}
