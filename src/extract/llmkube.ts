/**
 * LLMKube (inference.llmkube.dev/v1alpha1; defilantech/LLMKube api/v1alpha1). An `InferenceService`
 * serves the `Model` its `modelRef` names: the Model holds the weights (`spec.source`, `hf://…` or
 * a GGUF URL) and the hardware (`hardware.gpu.count`, `vendor`, `memory` — the least memory per
 * GPU — and `layers`), the InferenceService the runtime (`llamacpp`, the default, `vllm`, `sglang`,
 * `tgi`), its settings (`contextSize`, `parallelSlots`, `cacheTypeK`…, `vllmConfig`,
 * `sglangConfig`, `tgiConfig`), `extraArgs` appended to the generated flags, `resources.gpu` when
 * the Model states no count, and `nodeSelector`/`affinity`. What the operator writes for each is
 * internal/controller/runtime_*.go; the GPU count is pkg/apiutil/gpu.go `GPUCount`. A Model defined
 * in another file is a reference the deployment cannot be judged without.
 */
import { ALL_LAYERS, engineById } from "../engines/index.js";
import type { Engine } from "../sizing/types.js";
import type { ExtractContext } from "./context.js";
import { kubernetesObjects } from "./context.js";
import type { DocNode } from "./doc.js";
import { str } from "./doc.js";
import { flagListCall } from "./engine-seam.js";
import { crdDeployment, engineNamed, type FieldPath, holders, modelReference, readFieldTable } from "./crd-kit.js";
import { locate, mergeFields, newSink, plainEnv, readEnv, readField, readScalar, setLocated, setUnresolved, type FieldSink } from "./kit.js";
import { nodePlacement } from "./pod.js";
import type { Deployment, GpuMemoryRange } from "./types.js";

const GROUP = "inference.llmkube.dev";

/** The `Model` of that name in the same file. */
function llmkubeModel(name: string, ctx: ExtractContext): DocNode | undefined {
  for (const document of ctx.documents) {
    for (const object of kubernetesObjects(document)) {
      if (str(object.get("kind")) === "Model" && str(object.get("apiVersion"))?.startsWith(`${GROUP}/`) && str(object.get("metadata")?.get("name")) === name) return object;
    }
  }
  return undefined;
}

/** Each runtime's settings block, as the operator turns it into flags (runtime_vllm.go, runtime_sglang.go, runtime_tgi.go). */
const RUNTIME_SETTINGS: Partial<Record<Engine, readonly FieldPath[]>> = {
  vllm: [
    { field: "tensorParallel", path: ["vllmConfig", "tensorParallelSize"], kind: "int" },
    { field: "maxModelLen", path: ["vllmConfig", "maxModelLen"], kind: "int" },
    { field: "quantization", path: ["vllmConfig", "quantization"], kind: "string" },
    { field: "dtype", path: ["vllmConfig", "dtype"], kind: "string" },
    { field: "kvCacheDtype", path: ["vllmConfig", "kvCacheDtype"], kind: "string" },
    { field: "maxNumBatchedTokens", path: ["vllmConfig", "maxNumBatchedTokens"], kind: "int" },
    { field: "gpuMemoryUtilization", path: ["vllmConfig", "gpuMemoryUtilization"], kind: "float" },
    { field: "cpuOffloadGiB", path: ["vllmConfig", "cpuOffloadGB"], kind: "float" },
    { field: "expertParallel", path: ["vllmConfig", "enableExpertParallel"], kind: "bool" },
    // `parallelSlots` → `--max-num-seqs` (runtime_vllm_args.go appendMaxNumSeqsArgs).
    { field: "maxNumSeqs", path: ["parallelSlots"], kind: "int" },
  ],
  sglang: [
    { field: "tensorParallel", path: ["sglangConfig", "tensorParallelSize"], kind: "int" },
    { field: "dataParallel", path: ["sglangConfig", "dataParallelSize"], kind: "int" },
    { field: "maxModelLen", path: ["sglangConfig", "contextLength"], kind: "int" },
    { field: "gpuMemoryUtilization", path: ["sglangConfig", "memFractionStatic"], kind: "float" },
    { field: "maxNumSeqs", path: ["sglangConfig", "maxRunningRequests"], kind: "int" },
    { field: "quantization", path: ["sglangConfig", "quantization"], kind: "string" },
    { field: "kvCacheDtype", path: ["sglangConfig", "kvCacheDtype"], kind: "string" },
  ],
  tgi: [
    { field: "quantization", path: ["tgiConfig", "quantize"], kind: "string" },
    { field: "maxModelLen", path: ["tgiConfig", "maxTotalTokens"], kind: "int" },
    { field: "maxInputTokens", path: ["tgiConfig", "maxInputLength"], kind: "int" },
    { field: "dtype", path: ["tgiConfig", "dtype"], kind: "string" },
  ],
  "llama.cpp": [
    { field: "maxModelLen", path: ["contextSize"], kind: "int" },
    { field: "maxNumSeqs", path: ["parallelSlots"], kind: "int" },
    { field: "flashAttention", path: ["flashAttention"], kind: "bool" },
    { field: "kvCacheDtype", path: ["cacheTypeK"], kind: "string" },
    { field: "kvCacheValueDtype", path: ["cacheTypeV"], kind: "string" },
    { field: "cpuMoeLayers", path: ["moeCPULayers"], kind: "int" },
  ],
};

/** `hardware.gpu.memory` (`16Gi`, `24G`): the least memory per GPU, in GiB. */
function leastGpuMemory(node: DocNode | undefined): GpuMemoryRange | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(Gi|G|Mi|M|Ti|T)?$/.exec((str(node) ?? "").trim());
  if (!match) return undefined;
  const bytes = Number(match[1]) * { Ti: 2 ** 40, T: 1e12, Gi: 2 ** 30, G: 1e9, Mi: 2 ** 20, M: 1e6, "": 1 }[match[2] ?? ""]!;
  return { minGiB: bytes / 2 ** 30 };
}

/** The vendor whose GPUs the Model asks for: `hardware.gpu.vendor`, or the ROCm tier (`accelerator: rocm`). */
function vendorOf(hardware: DocNode | undefined): Deployment["gpuVendor"] {
  const vendor = str(hardware?.get("gpu")?.get("vendor"))?.toLowerCase();
  if (vendor === "amd" || str(hardware?.get("accelerator"))?.toLowerCase() === "rocm") return "amd";
  return vendor === "intel" ? "intel" : "nvidia";
}

/** The GPUs of the deployment: the Model's `hardware.gpu.count`, else `resources.gpu`; none is a CPU deployment. */
function readGpus(sink: FieldSink, gpu: DocNode | undefined, spec: DocNode): void {
  const modelCount = gpu?.get("count");
  const stated = readScalar(modelCount, "int", "hardware.gpu.count");
  if (stated && ("reason" in stated || Number(stated.value) > 0)) {
    readField(sink, "gpuCount", modelCount, "int", "hardware.gpu.count");
    return;
  }
  const resources = spec.get("resources")?.get("gpu");
  if (!readField(sink, "gpuCount", resources, "int", "resources.gpu") && stated) readField(sink, "gpuCount", modelCount, "int", "hardware.gpu.count");
}

export function llmkubeInferenceService(object: DocNode, ctx: ExtractContext): Deployment[] {
  const spec = object.get("spec");
  if (!spec || spec.type !== "map") return [];
  const sink = newSink();
  const runtimeNode = spec.get("runtime");
  const runtime = str(runtimeNode) ?? "llamacpp";
  const engine = engineNamed(runtime);
  if (engine) setLocated(sink, "engine", locate(runtimeNode ?? spec, engine, "runtime", { readonly: true }));
  else setUnresolved(sink, "engine", { raw: runtime, node: (runtimeNode ?? spec).node, reason: "unsupported", source: "runtime", note: `It runs LLMKube's ${runtime} runtime, which this version does not size` });

  const modelRef = spec.get("modelRef");
  const modelName = str(modelRef);
  const modelObject = modelName ? llmkubeModel(modelName, ctx) : undefined;
  const modelSpec = modelObject?.get("spec");
  const model = modelReference(modelSpec?.get("source"), "Model spec.source");
  if (model.located) setLocated(sink, "model", model.located);
  else if (model.unresolved) setUnresolved(sink, "model", model.unresolved);
  else if (modelRef && modelName) setUnresolved(sink, "model", { raw: modelName, node: modelRef.node, reason: "reference", source: "modelRef" });

  const hardware = modelSpec?.get("hardware");
  const gpu = hardware?.get("gpu");
  readGpus(sink, gpu, spec);
  mergeFields(sink, { fields: nodePlacement(spec) });

  if (engine) {
    readFieldTable(spec, RUNTIME_SETTINGS[engine] ?? [], sink.fields, sink.unresolved);
    // llama.cpp, the runtime that splits layers: the operator writes its offload flags.
    if (engineById(engine).splitsLayers) {
      const offload = readScalar(spec.get("moeCPUOffload"), "bool", "moeCPUOffload");
      if (offload && "value" in offload && offload.value === true) setLocated(sink, "cpuMoeLayers", { ...offload, value: ALL_LAYERS, readonly: true });
      // The operator always passes --n-gpu-layers: `hardware.gpu.layers` when above 0, else 99 (runtime_llamacpp.go).
      const layers = gpu?.get("layers");
      const written = readScalar(layers, "int", "hardware.gpu.layers");
      if (written && "value" in written && Number(written.value) > 0) setLocated(sink, "gpuLayers", written);
      else setLocated(sink, "gpuLayers", locate(layers ?? gpu ?? spec, 99, "hardware.gpu.layers", { readonly: true }));
    }
    // `extraArgs` come after the generated flags, so they win.
    const call = flagListCall(engine, spec.get("extraArgs"), ctx.text, plainEnv(readEnv(spec.get("env"))));
    delete call.fields.model;
    delete call.unresolved.model;
    mergeFields(sink, call);
  }

  // The memory each GPU has settles a GPU name of several sizes (`RTX-4060-Ti`: 8 or 16 GB); with no name, it narrows the range.
  const memoryNode = gpu?.get("memory");
  const memory = leastGpuMemory(memoryNode);
  if (memory && sink.fields.gpuType && !sink.fields.gpuMemoryMiB) setLocated(sink, "gpuMemoryMiB", locate(memoryNode!, Math.round(memory.minGiB! * 1024), "hardware.gpu.memory", { readonly: true }));
  return [
    crdDeployment("llmkube", "InferenceService", str(object.get("metadata")?.get("name")), (modelRef ?? spec).node, sink.fields, sink.unresolved, {
      annotationHolders: holders(object.get("metadata"), modelObject?.get("metadata")),
      placementTargets: [spec],
      // vLLM and SGLang get `--tensor-parallel-size`/`--tp` of every GPU when none is set (TGI shards
      // over every GPU and llama.cpp splits layers over them anyway).
      layoutOwner: "tensor-from-gpus",
      ...(memory && !sink.fields.gpuType ? { gpuMemoryRange: memory } : {}),
      gpuVendor: vendorOf(hardware),
    }),
  ];
}
