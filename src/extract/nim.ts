/**
 * NVIDIA NIM. `NIMService` (apps.nvidia.com/v1alpha1): the model is the image
 * (`spec.image.repository`, which the catalog knows as a NIM name), GPUs from `spec.resources`,
 * placement from `spec.nodeSelector`/`affinity`, and the profile — `NIM_MODEL_PROFILE` or
 * `spec.storage.nimCache.profile` — when it is written in the readable form
 * `<backend>-<precision>-tp<N>-pp<M>` (hash ids say nothing statically). Multi-node NIMs set
 * `spec.multiNode.parallelism.{tensor,pipeline}` (pods = pipeline).
 */
import { engineByName } from "../engines/index.js";
import type { ExtractContext } from "./context.js";
import type { DocNode } from "./doc.js";
import { str } from "./doc.js";
import { containerGpus, nodePlacement } from "./pod.js";
import { crdDeployment, holders, modelReference, partRange, type Unresolved } from "./crd-kit.js";
import { locate, readEnv, readField } from "./kit.js";
import type { Deployment, LocatedFields } from "./types.js";
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
    const range = partRange(node, ctx.text, start, start + part.length);
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

export function nimService(object: DocNode, ctx: ExtractContext, kind: string): Deployment[] {
  const spec = object.get("spec");
  if (!spec || spec.type !== "map") return [];
  const fields: LocatedFields = { ...nodePlacement(spec) };
  const unresolved: Unresolved = {};
  const repository = spec.get("image")?.get("repository");
  const image = str(repository);
  if (repository && image) {
    if (/\{\{|\$/.test(image)) unresolved.model = { raw: image, node: repository.node, reason: /\{\{/.test(image) ? "template" : "variable" };
    else fields.model = locate(repository, image, "image.repository", { readonly: true });
  }
  const gpus = containerGpus(spec);
  if (gpus.located) fields.gpuCount = gpus.located;
  else if (gpus.unresolved) unresolved.gpuCount = gpus.unresolved;

  const env = readEnv(spec.get("env"));
  // NIM LLM environment variables (docs.nvidia.com/nim/large-language-models, "Environment Variables").
  const path = env.get("NIM_MODEL_PATH");
  if (path) {
    const reference = modelReference(path.node, "NIM_MODEL_PATH");
    if (reference.located) fields.model = reference.located;
  }
  readNimProfile(spec.get("storage")?.get("nimCache")?.get("profile"), ctx, fields);
  readNimProfile(env.get("NIM_MODEL_PROFILE")?.node, ctx, fields);
  const maxLen = env.get("NIM_MAX_MODEL_LEN");
  if (maxLen) readField({ fields, unresolved }, "maxModelLen", maxLen.node, "int", "NIM_MAX_MODEL_LEN");
  const tp = env.get("NIM_TENSOR_PARALLEL_SIZE");
  if (tp) readField({ fields, unresolved }, "tensorParallel", tp.node, "int", "NIM_TENSOR_PARALLEL_SIZE");
  const pp = env.get("NIM_PIPELINE_PARALLEL_SIZE");
  if (pp) readField({ fields, unresolved }, "pipelineParallel", pp.node, "int", "NIM_PIPELINE_PARALLEL_SIZE");

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
