/**
 * Each engine's own flags in `vram estimate`, read through the registry's flag tables: SGLang's
 * `--mem-fraction-static`, TGI's `--num-shard`, llama.cpp's `-c` / `-ngl`, TensorRT-LLM's
 * `--kv_cache_free_gpu_memory_fraction`, LMDeploy's `--cache-max-entry-count`… The portable flags
 * (vLLM's spelling: `--tensor-parallel-size`, `--gpu-memory-utilization`…) work with every engine;
 * an engine's own flag only with `--engine` naming it.
 */
import { type ValueKind, ENGINE_IDS, type Engine, engineById, flagFor, parseFlagValue } from "./engines/index.js";
import type { FieldName } from "./extract/types.js";
import { UsageError } from "./cli-io.js";
import type { DeploymentValues } from "./resolve.js";

/** parseArgs' option config. */
type CliOption = { type: "string" | "boolean" };

interface NativeFlag {
  /** The long option as written, without `--` (`mem-fraction-static`, `kv_cache_free_gpu_memory_fraction`). */
  option: string;
  field: FieldName;
  kind: ValueKind;
  engines: Engine[];
}

function takesNoValue(kind: ValueKind): boolean {
  return kind === "bool" || kind === "allLayers";
}

let natives: Map<string, NativeFlag> | undefined;

/**
 * Every engine's long flags that the portable options do not already spell, by option name. vLLM's
 * flags are the portable ones, so they are not repeated here.
 */
function nativeFlags(portable: ReadonlySet<string>): Map<string, NativeFlag> {
  if (natives) return natives;
  natives = new Map();
  for (const id of ENGINE_IDS) {
    const profile = engineById(id);
    for (const spec of [...profile.flags, ...(profile.settingNames ?? [])]) {
      if (spec.field === "configFile" || spec.field === "modelFile" || spec.field === "model") continue;
      for (const name of spec.names) {
        if (!name.startsWith("--")) continue;
        const option = name.slice(2);
        if (portable.has(option)) continue;
        const known = natives.get(option);
        if (known) {
          if (!known.engines.includes(id)) known.engines.push(id);
        } else natives.set(option, { option, field: spec.field, kind: spec.kind, engines: [id] });
      }
    }
  }
  return natives;
}

/** The parseArgs options of every engine's own flags. */
export function engineCliOptions(portable: ReadonlySet<string>): Record<string, CliOption> {
  const options: Record<string, CliOption> = {};
  for (const flag of nativeFlags(portable).values()) options[flag.option] = { type: takesNoValue(flag.kind) ? "boolean" : "string" };
  return options;
}

/**
 * The engine's short flags spelled out (`-ngl 20` → `--n-gpu-layers 20`, `-c 8192` → `--ctx-size
 * 8192`), since parseArgs takes only one-letter short options; only for the engine `--engine`
 * names, whose short flags mean what it says.
 */
export function expandShortFlags(argv: string[], engine: Engine): string[] {
  const shorts = new Map<string, string>();
  for (const spec of engineById(engine).flags) {
    const long = spec.names.find((name) => name.startsWith("--"));
    if (!long) continue;
    for (const name of spec.names) if (/^-[^-]/.test(name)) shorts.set(name, long);
  }
  return argv.map((arg) => {
    const eq = arg.indexOf("=");
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const long = shorts.get(flag);
    return long ? `${long}${eq > 0 ? arg.slice(eq) : ""}` : arg;
  });
}

/** `--engine NAME` as written in argv, before parsing (short flags depend on it). */
export function engineInArgv(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--engine") return argv[i + 1];
    if (argv[i]!.startsWith("--engine=")) return argv[i]!.slice("--engine=".length);
  }
  return undefined;
}

/**
 * The values of the engine's own flags given on the command line. A flag of another engine is a
 * usage error naming that engine and this engine's spelling of the setting.
 */
export function readEngineFlags(values: Record<string, string | boolean | undefined>, engine: Engine, portable: ReadonlySet<string>): Partial<DeploymentValues> {
  const read: Partial<Record<FieldName, { value: unknown; option: string }>> = {};
  for (const flag of nativeFlags(portable).values()) {
    const raw = values[flag.option];
    if (raw === undefined) continue;
    if (!flag.engines.includes(engine)) {
      const owners = flag.engines.map((id) => engineById(id).displayName).join(" and ");
      const own = flagFor(engine, flag.field) ?? flagFor("vllm", flag.field);
      throw new UsageError(`--${flag.option} is a flag of ${owners} (--engine ${flag.engines[0]})${own ? `; ${engineById(engine).displayName} takes ${own}` : ""}`);
    }
    const value = typeof raw === "boolean" ? (flag.kind === "bool" ? raw : parseFlagValue(flag.kind, "true")) : parseFlagValue(flag.kind, raw);
    if (value === undefined) throw new UsageError(`--${flag.option} must be ${describeKind(flag.kind)}, got "${String(raw)}"`);
    const earlier = read[flag.field];
    if (earlier && earlier.value !== value) throw new UsageError(`--${earlier.option} and --${flag.option} set the same thing to different values`);
    read[flag.field] = { value, option: flag.option };
  }
  const result: Partial<Record<FieldName, unknown>> = {};
  for (const [field, entry] of Object.entries(read)) if (entry) result[field as FieldName] = entry.value;
  return result as Partial<DeploymentValues>;
}

function describeKind(kind: ValueKind): string {
  switch (kind) {
    case "int":
    case "size":
    case "enabledByCount":
      return "a whole number";
    case "float":
      return "a number";
    case "kvQuantPolicy":
      return "0, 4 or 8";
    case "gib":
      return "a whole number of GiB";
    default:
      return "a valid value";
  }
}
