/**
 * NVIDIA NIM. `NIMService` (apps.nvidia.com/v1alpha1): the model is the image
 * (`spec.image.repository`, which the catalog knows as a NIM name), GPUs from `spec.resources`,
 * placement from `spec.nodeSelector`/`affinity`, and the profile — `NIM_MODEL_PROFILE` or
 * `spec.storage.nimCache.profile` — when it is written in the readable form
 * `<backend>-<precision>-tp<N>-pp<M>` (hash ids say nothing statically). Multi-node NIMs set
 * `spec.multiNode.parallelism.{tensor,pipeline}` (pods = pipeline).
 */
import { DEFAULT_ENGINE, describeImage, engineByName } from "../engines/index.js";
import type { ExtractContext } from "./context.js";
import type { DocNode } from "./doc.js";
import { rangeInScalar, str } from "./doc.js";
import { containerGpus, nodePlacement } from "./pod.js";
import { crdDeployment, holders, modelReference, type Unresolved } from "./crd-kit.js";
import { type EnvMap, type FieldSink, type ImageReader, locate, mergeFields, newSink, readEnv, readField, readScalar, setLocated, setUnresolved } from "./kit.js";
import { parseEngineCall, shellTokens } from "./engine-seam.js";
import type { Deployment, FieldName, Located, LocatedFields } from "./types.js";
import { lookup } from "../lookup.js";

/**
 * NIM registry publishers by model family (`nvcr.io/nim/<publisher>/<model>`), for the places that
 * name a NIM without its publisher (KServe `modelFormat.name: nvidia-nim-llama3-70b-instruct`).
 * A wrong guess only fails to resolve in the catalog; it never changes a verdict.
 */
const NIM_PUBLISHERS: Array<[RegExp, string]> = [
  [/nemotron|^nv-|^nvidia/i, "nvidia"],
  [/^(meta-)?(llama|codellama)/i, "meta"],
  [/^(mixtral|mistral|codestral|mathstral)/i, "mistralai"],
  [/^deepseek/i, "deepseek-ai"],
  [/^(gemma|codegemma|recurrentgemma)/i, "google"],
  [/^gpt-oss/i, "openai"],
  [/^qwen/i, "qwen"],
  [/^phi/i, "microsoft"],
];

/** `llama3-70b-instruct` → `nvcr.io/nim/meta/llama3-70b-instruct` (the name as written when no publisher fits). */
export function nimModelFromName(name: string): string {
  const clean = name.replace(/-\d+(\.\d+)+$/, "");
  const publisher = NIM_PUBLISHERS.find(([pattern]) => pattern.test(clean))?.[1];
  return publisher ? `nvcr.io/nim/${publisher}/${clean}` : clean;
}

/** NIM profile precisions → what the resolver reads as a quantization or dtype. */
const PROFILE_PRECISION: Record<string, string> = {
  bf16: "bf16",
  fp16: "fp16",
  fp8: "fp8",
  nvfp4: "nvfp4",
  mxfp4: "mxfp4",
  int4_awq: "awq",
  awq: "awq",
  int8wo: "int8",
  int8_wo: "int8",
  int4wo: "gptq",
  int4_wo: "gptq",
};

/**
 * `vllm-bf16-tp4-pp1`, `tensorrt_llm-h100-fp8-tp2-pp1-throughput` → precision, TP and PP, each
 * located at its characters inside the scalar.
 */
export function readNimProfile(node: DocNode | undefined, ctx: ExtractContext, fields: LocatedFields): void {
  const raw = str(node);
  if (!node || !raw || /^[0-9a-f]{32,}$/i.test(raw)) return;
  const parts = raw.split("-");
  let offset = 0;
  for (const part of parts) {
    const start = offset;
    offset += part.length + 1;
    const range = rangeInScalar(node, raw, ctx.text, start, start + part.length);
    const precision = lookup(PROFILE_PRECISION, part.toLowerCase());
    if (precision) {
      fields.quantization = locate(node, precision, "NIM profile", { readonly: true });
      continue;
    }
    const parallel = /^(tp|pp)(\d+)$/i.exec(part);
    if (!parallel) continue;
    const digits = parallel[2]!;
    const digitRange = range ? ([range[1] - digits.length, range[1]] as [number, number]) : undefined;
    const located = locate(node, Number(digits), "NIM profile", digitRange ? { range: digitRange, readonly: true } : { readonly: true });
    if (parallel[1]!.toLowerCase() === "tp") fields.tensorParallel = located;
    else fields.pipelineParallel = located;
  }
  // The backend leads the profile name: `vllm-…`, `sglang-…`, `tensorrt_llm-…`.
  const engine = engineByName(parts[0]);
  if (engine) fields.engine = locate(node, engine, "NIM profile", { readonly: true });
}

/** NIM LLM settings carried by environment variables (docs.nvidia.com/nim/large-language-models, "Environment Variables"). */
const NIM_ENV: Array<{ name: string; field: FieldName; kind: "int" | "float" }> = [
  { name: "NIM_MAX_MODEL_LEN", field: "maxModelLen", kind: "int" },
  { name: "NIM_TENSOR_PARALLEL_SIZE", field: "tensorParallel", kind: "int" },
  { name: "NIM_PIPELINE_PARALLEL_SIZE", field: "pipelineParallel", kind: "int" },
  // The backend's memory knob: the KV share of TensorRT-LLM profiles, vLLM's gpu_memory_utilization.
  { name: "NIM_KVCACHE_PERCENT", field: "gpuMemoryUtilization", kind: "float" },
  { name: "NIM_GPU_MEM_FRACTION", field: "gpuMemoryUtilization", kind: "float" },
  { name: "LLM_MAX_NUM_SEQS", field: "maxNumSeqs", kind: "int" },
];

/**
 * The NIM knobs of a container's environment: the model path, the profile
 * (`<backend>-<precision>-tp<N>-pp<M>`, which names the engine), sizes and memory fractions, and
 * `NIM_PASSTHROUGH_ARGS` — raw flags of the profile's engine (vLLM when no profile says).
 */
export function readNimEnv(env: EnvMap, ctx: ExtractContext, sink: FieldSink): void {
  const path = env.get("NIM_MODEL_PATH") ?? env.get("NIM_MODEL_NAME");
  if (path) {
    const reference = modelReference(path.node, env.has("NIM_MODEL_PATH") ? "NIM_MODEL_PATH" : "NIM_MODEL_NAME");
    if (reference.located) sink.fields.model = reference.located;
  }
  readNimProfile(env.get("NIM_MODEL_PROFILE")?.node, ctx, sink.fields);
  for (const { name, field, kind } of NIM_ENV) {
    const entry = env.get(name);
    if (entry) readField(sink, field, entry.node, kind, name);
  }
  const passthrough = env.get("NIM_PASSTHROUGH_ARGS");
  if (passthrough?.value) {
    const call = parseEngineCall(shellTokens(passthrough.node, ctx.text, new Map()), { imageEngine: sink.fields.engine?.value ?? "vllm" });
    if (call) {
      delete call.fields.model;
      mergeFields(sink, call);
    }
  }
}

/**
 * A `docker run` of a NIM's image (`docker run --gpus all -e NIM_KVCACHE_PERCENT=0.2
 * nvcr.io/nim/meta/llama-3.1-8b-instruct:1.3.0`): the image is its model, its `-e` variables NIM's
 * settings, and the NIM shards the model over every GPU the run passes.
 */
export function nimImageReader(ctx: ExtractContext): ImageReader {
  return (image, env) => {
    if (!isLlmNimImage(image.text)) return undefined;
    const sink = newSink();
    nimImageFields({ value: image.text, node: image.from.node, ...(image.range ? { range: image.range } : {}), source: "image", readonly: true }, env, ctx, sink);
    return { call: { engine: DEFAULT_ENGINE, fields: sink.fields, unresolved: sink.unresolved }, splitter: "the NIM" };
  };
}

export function nimService(object: DocNode, ctx: ExtractContext, kind: string): Deployment[] {
  const spec = object.get("spec");
  if (!spec || spec.type !== "map") return [];
  const fields: LocatedFields = { ...nodePlacement(spec) };
  const unresolved: Unresolved = {};
  const repository = spec.get("image")?.get("repository");
  const image = readScalar(repository, "string", "image.repository");
  if (image && "reason" in image) unresolved.model = image;
  else if (image) fields.model = { ...(image as Located<string>), readonly: true };
  const gpus = containerGpus(spec);
  if (gpus.located) fields.gpuCount = gpus.located;
  else if (gpus.unresolved) unresolved.gpuCount = gpus.unresolved;

  const env = readEnv(spec.get("env"));
  readNimProfile(spec.get("storage")?.get("nimCache")?.get("profile"), ctx, fields);
  readNimEnv(env, ctx, { fields, unresolved });

  const multiNode = spec.get("multiNode")?.get("parallelism");
  if (multiNode?.type === "map") {
    readField({ fields, unresolved }, "tensorParallel", multiNode.get("tensor"), "int", "multiNode.parallelism.tensor");
    readField({ fields, unresolved }, "pipelineParallel", multiNode.get("pipeline"), "int", "multiNode.parallelism.pipeline");
    if (fields.pipelineParallel && fields.pipelineParallel.value > 1) {
      fields.nodes = { ...fields.pipelineParallel, readonly: true };
      if (fields.gpuCount) fields.gpuCount = { ...fields.gpuCount, readonly: true };
    }
  }
  return [
    crdDeployment("nim", kind, str(object.get("metadata")?.get("name")), (repository ?? spec).node, fields, unresolved, {
      resourceTarget: spec,
      annotationHolders: holders(object.get("metadata")),
      layoutOwner: "tensor-from-gpus",
    }),
  ];
}

/** NIM images that serve no LLM (embedding, reranking, speech, vision and retrieval NIMs). */
const NON_LLM_NIM = /embed|rerank|retriev|parakeet|canary|riva|asr|tts|fastpitch|magpie|audio2|ocdr|ocr|yolo|vista|deplot|page-elements|graphic-elements|table-structure|nv-clip|grounding|maxine|studiovoice|bevformer|sparsedrive|cosmos|safety-guard|nemoguard|paddle/i;

/** Whether an image is an NVIDIA NIM for LLMs: `nvcr.io/nim/<publisher>/<model>` (the model) or the generic `llm-nim`. */
export function isLlmNimImage(image: string | undefined): boolean {
  if (!image || describeImage(image)?.nim !== true) return false;
  const tag = image.search(/[:@]/);
  const repository = tag < 0 ? image : image.slice(0, tag);
  return !NON_LLM_NIM.test(repository.slice(repository.lastIndexOf("/") + 1));
}

/** A first path segment (the registry host) written as a placeholder or a variable. */
const PLACEHOLDER_REGISTRY = /^[^/\s]*(?:<[^<>/]*>|\$\{[^{}/]*\}|\{\{[^{}/]*\}\})[^/\s]*\//;

/**
 * A NIM container's settings: the model (the image, or `NIM_MODEL_NAME` / `NIM_MODEL_PATH` for the
 * generic `llm-nim` image) and NIM's env knobs (`readNimEnv`).
 */
export function nimContainerFields(imageNode: DocNode, env: EnvMap, ctx: ExtractContext, sink: FieldSink): void {
  nimImageFields(locate(imageNode, str(imageNode) ?? "", "image", { readonly: true }), env, ctx, sink);
}

/** The model a NIM's image names (the generic `llm-nim` image: none, unless NIM_MODEL_NAME does), and NIM's env knobs. */
function nimImageFields(written: Located<string>, env: EnvMap, ctx: ExtractContext, sink: FieldSink): void {
  // A registry left as a placeholder (`<YOUR-ACR-NAME>.azurecr.io/nvcr.io/nim/…`, `${REGISTRY}/nim/…`)
  // is where the image is mirrored, not which NIM runs: the path after it names the model.
  const image = { ...written, value: written.value.replace(PLACEHOLDER_REGISTRY, "") };
  if (!/(^|\/)llm-nim(:|$)/.test(image.value.split("@")[0]!)) setLocated(sink, "model", image);
  else if (!env.has("NIM_MODEL_NAME") && !env.has("NIM_MODEL_PATH")) {
    setUnresolved(sink, "model", { raw: image.value, node: image.node, reason: "reference", source: "image (the generic llm-nim image, without NIM_MODEL_NAME)" });
  }
  readNimEnv(env, ctx, sink);
}
