/**
 * RunPod Hub templates (`.runpod/hub.json` of a worker repository; runpod-workers/worker-vllm).
 * `config.env[]` declares the worker's settings (`{key, input: {default}}`: `MODEL_NAME`,
 * `MAX_MODEL_LEN`, `TENSOR_PARALLEL_SIZE`, `GPU_MEMORY_UTILIZATION`, `QUANTIZATION`…), each
 * `config.presets[]` sets some of them for one model, `config.gpuCount` the GPUs per worker and
 * `config.gpuIds` the GPU pools it may run on ("ADA_80_PRO,AMPERE_80"): one deployment per preset
 * and pool. A pool is a class of RunPod GPUs of one memory size, judged on the GPU listed for it.
 */
import type { ExtractContext } from "./context.js";
import type { DocNode } from "./doc.js";
import { str } from "./doc.js";
import { locate, newSink, readField, setLocated } from "./kit.js";
import type { Deployment, FieldName } from "./types.js";
import type { ValueKind } from "./kit.js";
import { lookup } from "../lookup.js";

/** RunPod's GPU pools (docs.runpod.io, serverless "GPU types"): the GPU each is judged on (the smallest of its memory class). */
const POOLS: Record<string, string> = {
  AMPERE_16: "rtx4060ti-16gb",
  AMPERE_24: "a10",
  ADA_24: "rtx-4090",
  AMPERE_48: "rtx-a6000",
  ADA_48_PRO: "l40s",
  AMPERE_80: "a100-80gb",
  ADA_80_PRO: "h100-80gb",
  HOPPER_141: "h200",
  BLACKWELL_180: "b200",
};

/** The worker-vllm settings the sizing reads (its `src/engine_args.py` maps each to the vLLM flag). */
const SETTINGS: Record<string, { field: FieldName; kind: ValueKind }> = {
  MODEL_NAME: { field: "model", kind: "string" },
  MAX_MODEL_LEN: { field: "maxModelLen", kind: "size" },
  TENSOR_PARALLEL_SIZE: { field: "tensorParallel", kind: "int" },
  PIPELINE_PARALLEL_SIZE: { field: "pipelineParallel", kind: "int" },
  GPU_MEMORY_UTILIZATION: { field: "gpuMemoryUtilization", kind: "float" },
  QUANTIZATION: { field: "quantization", kind: "string" },
  DTYPE: { field: "dtype", kind: "string" },
  KV_CACHE_DTYPE: { field: "kvCacheDtype", kind: "string" },
  MAX_NUM_SEQS: { field: "maxNumSeqs", kind: "int" },
  ENFORCE_EAGER: { field: "enforceEager", kind: "bool" },
};

function isHubTemplate(document: DocNode): boolean {
  const config = document.get("config");
  return config?.type === "map" && str(config.get("runsOn")) !== undefined && config.get("env")?.type === "seq";
}

export function extractRunPod(document: DocNode, ctx: ExtractContext): Deployment[] | undefined {
  void ctx;
  if (document.type !== "map" || !isHubTemplate(document)) return undefined;
  const config = document.get("config")!;
  if (str(config.get("runsOn"))?.toUpperCase() !== "GPU") return [];
  const declared = new Map<string, DocNode>();
  for (const entry of config.get("env")!.items()) {
    const key = str(entry.get("key"));
    const fallback = entry.get("input")?.get("default") ?? entry.get("value");
    if (key && fallback && fallback.type === "scalar" && str(fallback) !== "") declared.set(key, fallback);
  }
  const presets = config.get("presets")?.items().filter((preset) => preset.type === "map") ?? [];
  const pools = (str(config.get("gpuIds")) ?? "").split(",").map((pool) => pool.trim()).filter((pool) => pool && !pool.startsWith("-"));
  const deployments: Deployment[] = [];
  for (const preset of presets.length > 0 ? presets : [undefined]) {
    for (const pool of pools.length > 0 ? pools : [undefined]) {
      const sink = newSink();
      // worker-vllm's template; a worker whose title names another engine runs that one.
      const named = /sglang/i.test(`${str(document.get("title")) ?? ""} ${str(document.get("description")) ?? ""}`) ? "sglang" : "vllm";
      setLocated(sink, "engine", locate(document.get("title") ?? config, named, "title"));
      const values = new Map(declared);
      for (const [key, value] of preset?.get("defaults")?.entries() ?? []) values.set(key, value);
      for (const [key, value] of values) {
        const setting = lookup(SETTINGS, key);
        if (setting) readField(sink, setting.field, value, setting.kind, key);
      }
      readField(sink, "gpuCount", config.get("gpuCount"), "int", "gpuCount");
      const gpu = pool ? lookup(POOLS, pool.toUpperCase()) : undefined;
      if (pool && gpu) setLocated(sink, "gpuType", locate(config.get("gpuIds")!, gpu, "gpuIds", { readonly: true }));
      const presetName = str(preset?.get("name"));
      deployments.push({
        format: "runpod",
        kind: "RunPod template",
        name: [str(document.get("title")), presetName, pools.length > 1 ? pool : undefined].filter(Boolean).join(" ") || undefined,
        fields: sink.fields,
        unresolved: sink.unresolved,
        anchor: (preset ?? config).node,
      });
    }
  }
  return deployments;
}
