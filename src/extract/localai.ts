/**
 * LocalAI model configurations (mudler/LocalAI `aio/` model files, docs "Advanced configuration"): one
 * model per document — `name` (what clients ask for), `backend` (`llama-cpp` by default for GGUF,
 * or `vllm`), `parameters.model` (a GGUF file, often `huggingface://org/repo/file.gguf`),
 * `context_size`, `gpu_layers` (llama.cpp `-ngl`), `f16`. LocalAI runs on whatever GPU its host
 * has: the deployment is judged on the GPUs it could run on.
 */
import type { ExtractContext } from "./context.js";
import type { DocNode } from "./doc.js";
import { str } from "./doc.js";
import { engineNamed } from "./crd-kit.js";
import { flagFor } from "./engine-seam.js";
import { locate, newSink, readField, setLocated, setUnresolved } from "./kit.js";
import type { Deployment, FieldName } from "./types.js";

function isLocalAi(document: DocNode): boolean {
  const parameters = document.get("parameters");
  if (parameters?.type !== "map" || parameters.get("model") === undefined || document.get("name") === undefined) return false;
  return ["backend", "context_size", "gpu_layers", "f16", "mmap", "template", "threads"].some((key) => document.get(key) !== undefined);
}

/** `huggingface://org/repo/file.gguf` → the file (the catalog reads GGUF file names); other schemes as written. */
function modelFile(raw: string): string {
  return raw.replace(/^(huggingface|hf):\/\/[^/]+\/[^/]+\//i, "");
}

export function extractLocalAi(document: DocNode, ctx: ExtractContext): Deployment[] | undefined {
  void ctx;
  if (document.type !== "map" || !isLocalAi(document)) return undefined;
  const sink = newSink();
  const backendNode = document.get("backend");
  const backend = (str(backendNode) ?? "llama-cpp").toLowerCase();
  // LocalAI's backend names: `llama-cpp` (also `llama`), `vllm`; others (whisper, diffusers, bark…) serve no LLM to size.
  const engine = engineNamed(backend === "llama" ? "llama-cpp" : backend);
  if (!engine) return [];
  setLocated(sink, "engine", locate(backendNode ?? document, engine, "backend"));
  const modelNode = document.get("parameters")!.get("model")!;
  const raw = str(modelNode);
  if (raw !== undefined && modelFile(raw) !== raw) setLocated(sink, "model", locate(modelNode, modelFile(raw), "parameters.model", { readonly: true }));
  else readField(sink, "model", modelNode, "string", "parameters.model");
  readField(sink, "maxModelLen", document.get("context_size"), "int", "context_size");
  readField(sink, "gpuLayers", document.get("gpu_layers"), "int", "gpu_layers");
  // LocalAI passes these keys to backends that have the setting (vLLM); llama.cpp ignores them.
  const settings: Array<[FieldName, string, "float" | "int" | "string"]> = [
    ["gpuMemoryUtilization", "gpu_memory_utilization", "float"],
    ["tensorParallel", "tensor_parallel_size", "int"],
    ["quantization", "quantization", "string"],
  ];
  for (const [field, key, kind] of settings) if (flagFor(engine, field)) readField(sink, field, document.get(key), kind, key);
  if (!sink.fields.model && !sink.unresolved.model) setUnresolved(sink, "model", { raw: "", node: modelNode.node, reason: "invalid", source: "parameters.model" });
  return [{ format: "localai", kind: "LocalAI model", name: str(document.get("name")), fields: sink.fields, unresolved: sink.unresolved, anchor: modelNode.node }];
}
