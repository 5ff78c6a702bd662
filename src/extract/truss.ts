/**
 * Baseten Truss `config.yaml` (truss docs "Configuration"): the GPUs in `resources.accelerator`
 * (`H100:2`, `A10G`), and what serves the model — a custom server's `docker_server.start_command`
 * (a shell line that runs vLLM, SGLang…), or the TensorRT-LLM engine builder's `trt_llm.build`
 * (`checkpoint_repository.repo`, `tensor_parallel_count`, `max_seq_len`, `quantization_type`).
 * Otherwise the Truss's own Python model serves `model_metadata.repo_id` (or a model only its code
 * names), in a way the file does not show: on a GPU, found and said to be unchecked.
 */
import type { ExtractContext } from "./context.js";
import type { DocNode } from "./doc.js";
import { str } from "./doc.js";
import { shellTokens } from "./engine-seam.js";
import { runScript } from "./shell.js";
import { type FieldSink, locate, mergeFields, newSink, readField, scriptEngineCall, setLocated, setUnresolved, typeAndCount } from "./kit.js";
import type { Deployment } from "./types.js";
import type { Engine } from "../sizing/types.js";
import { folder } from "./downloads.js";

/** TensorRT-LLM builder `quantization_type` → the weight format and the KV cache type it stores. */
const TRT_QUANTIZATION: Readonly<Record<string, { format?: string; kvCacheDtype?: string }>> = {
  no_quant: {},
  fp8: { format: "fp8" },
  fp8_kv: { format: "fp8", kvCacheDtype: "fp8" },
  fp4: { format: "nvfp4" },
  fp4_kv: { format: "nvfp4", kvCacheDtype: "fp8" },
  weights_int8: { format: "int8" },
  smooth_quant: { format: "int8" },
  weights_int4: { format: "w4a16" },
};

function isTruss(document: DocNode): boolean {
  const resources = document.get("resources");
  if (resources?.type !== "map" || (resources.get("accelerator") === undefined && resources.get("use_gpu") === undefined)) return false;
  return ["docker_server", "trt_llm", "model_metadata", "base_image", "model_name", "model_class_name"].some((key) => document.get(key) !== undefined);
}

/** `resources.accelerator`: `H100:2` (type and count, each editable in place), `A10G` (one). */
function readAccelerator(sink: FieldSink, resources: DocNode, ctx: ExtractContext): void {
  const node = resources.get("accelerator");
  const raw = str(node);
  if (!node || raw === undefined) {
    setUnresolved(sink, "gpuCount", { raw: "none", node: (node ?? resources).node, reason: "unsupported", source: "resources.accelerator", note: "No GPU is requested (resources.accelerator is unset)" });
    return;
  }
  const parsed = typeAndCount(raw, node.embedded ? undefined : node.node, ctx.text);
  if (!parsed || (parsed.count !== undefined && !(Number.isInteger(parsed.count) && parsed.count > 0))) {
    setUnresolved(sink, "gpuType", { raw, node: node.node, reason: "invalid", source: "resources.accelerator" });
    return;
  }
  const at = <T>(value: T, range: [number, number] | undefined) => ({ value, node: node.node, source: "resources.accelerator", ...(range ? { range } : { readonly: true }) });
  setLocated(sink, "gpuType", at(parsed.type, parsed.typeRange));
  setLocated(sink, "gpuCount", at(parsed.count ?? 1, parsed.count === undefined ? undefined : parsed.countRange));
}

/** `trt_llm.build`: the checkpoint, tensor parallel, context and stored format of the engine it builds. */
function trtllmBuild(sink: FieldSink, build: DocNode): void {
  setLocated(sink, "engine", { ...locate<Engine>(build, "trtllm", "trt_llm.build"), readonly: true });
  const checkpoint = build.get("checkpoint_repository");
  readField(sink, "model", checkpoint?.type === "map" ? checkpoint.get("repo") : checkpoint, "string", "checkpoint_repository.repo");
  readField(sink, "tensorParallel", build.get("tensor_parallel_count"), "int", "tensor_parallel_count");
  readField(sink, "maxModelLen", build.get("max_seq_len"), "size", "max_seq_len");
  const typeNode = build.get("quantization_type");
  const type = str(typeNode);
  if (!typeNode || type === undefined) return;
  const known = TRT_QUANTIZATION[type.toLowerCase()];
  if (!known) setUnresolved(sink, "quantization", { raw: type, node: typeNode.node, reason: "invalid", source: "quantization_type" });
  else {
    // The builder quantizes a 16-bit checkpoint: the values are not the flags' words, so never edited.
    if (known.format) setLocated(sink, "quantization", { ...locate(typeNode, known.format, "quantization_type"), readonly: true });
    if (known.kvCacheDtype) setLocated(sink, "kvCacheDtype", { ...locate(typeNode, known.kvCacheDtype, "quantization_type"), readonly: true });
  }
}

/**
 * A server given the folder Truss mounts weights in (`--model-path /cache/model/qwen3`) serves the
 * repository mounted there: `weights[].source` at its `mount_location` (`hf://Qwen/Qwen3-32B-FP8@<rev>`),
 * or `model_cache[].repo_id` at `/app/model_cache/<volume_folder>` (truss docs, "Caching model weights").
 */
function mountedWeights(sink: FieldSink, document: DocNode): void {
  const served = sink.fields.model?.value;
  if (typeof served !== "string" || !served.startsWith("/")) return;
  for (const entry of document.get("weights")?.items() ?? []) {
    const source = entry.get("source");
    const written = str(source);
    if (!source || written === undefined || folder(str(entry.get("mount_location")) ?? "") !== folder(served)) continue;
    setLocated(sink, "model", { ...locate(source, written.replace(/@[^/@]*$/, ""), "weights.source"), readonly: true });
    return;
  }
  for (const entry of document.get("model_cache")?.items() ?? []) {
    const repo = entry.get("repo_id");
    const volume = str(entry.get("volume_folder"));
    if (!repo || str(repo) === undefined || volume === undefined || folder(`/app/model_cache/${volume}`) !== folder(served)) continue;
    setLocated(sink, "model", { ...locate(repo, str(repo)!, "model_cache.repo_id"), readonly: true });
    return;
  }
}

export function extractTruss(document: DocNode, ctx: ExtractContext): Deployment[] | undefined {
  if (document.type !== "map" || !isTruss(document)) return undefined;
  const sink = newSink();
  const start = document.get("docker_server")?.get("start_command");
  const build = document.get("trt_llm")?.get("build");
  let anchor: DocNode = document.get("resources")!;
  if (build?.type === "map") {
    trtllmBuild(sink, build);
  } else if (start && str(start) !== undefined) {
    // `sh -c "HF_TOKEN=$(cat /secrets/…) vllm serve …"`: the shell runs the quoted script.
    const script = scriptEngineCall(runScript(shellTokens(start, ctx.text, new Map()), ctx.text, new Map()));
    if (!script) return [];
    mergeFields(sink, script.call);
    setLocated(sink, "engine", { ...locate<Engine>(start, script.call.engine, "docker_server.start_command"), readonly: true });
    anchor = start;
  } else {
    const repo = document.get("model_metadata")?.get("repo_id");
    const resources = document.get("resources")!;
    // A Truss on no GPU (`use_gpu: false`, no accelerator) is nothing to size.
    if ((!repo || str(repo) === undefined) && resources.get("accelerator") === undefined && resources.get("use_gpu")?.value !== true) return [];
    if (repo && str(repo) !== undefined) readField(sink, "model", repo, "string", "model_metadata.repo_id");
    // The Truss's own Python model (model/model.py) loads the weights: what it loads, and how, is not in this file.
    const where = repo ?? resources.get("accelerator") ?? resources;
    setUnresolved(sink, "engine", { raw: "model/model.py", node: where.node, reason: "unsupported", source: repo ? "model_metadata.repo_id" : "resources", note: "The Truss's own Python model serves it, which this file does not show" });
  }
  mountedWeights(sink, document);
  if (!sink.fields.model && !sink.unresolved.model) readField(sink, "model", document.get("model_metadata")?.get("repo_id"), "string", "model_metadata.repo_id");
  readAccelerator(sink, document.get("resources")!, ctx);
  return [{ format: "truss", kind: "Truss config", name: str(document.get("model_name")), fields: sink.fields, unresolved: sink.unresolved, anchor: anchor.node, resourceTarget: document.get("resources")! }];
}
