/**
 * Whether the precision and quantization a deployment asks for run on its GPU in its engine, and
 * agree with the checkpoint. Pure; the kernel minimums are the engine's (src/engines), the catalog's
 * where the engine follows vLLM's.
 */
import { baseModelKey, type Catalog } from "../catalog/catalog.js";
import type { GpuEntry, QuantizationFormat } from "../catalog/types.js";
import { engineById, engineRunsOn, engineRunsOnVendor, GPU_VENDORS, needsCheckpoint } from "../engines/index.js";
import { vendorDevice } from "../report/plain.js";
import { type DeploymentValues, flagFormat, flagNamesStoredFormat, type ResolvedDeployment } from "../resolve.js";

export type QuantizationProblem =
  /** The weights' format has no kernel on this GPU (below its minimum compute capability). */
  | { kind: "below-minimum"; format: QuantizationFormat; gpu: GpuEntry; minimum: number; fromFlag: boolean }
  /** `--dtype bfloat16` on a GPU without BF16 (compute capability below 8.0). */
  | { kind: "bf16-unsupported"; gpu: GpuEntry }
  /** An FP8 KV cache on a GPU below 8.0 (no attention backend stores it there). */
  | { kind: "fp8-kv-unsupported"; gpu: GpuEntry; kvCacheDtype: string }
  /** The flag names a format the checkpoint is not stored in. */
  | { kind: "flag-mismatch"; flag: string; flagFormat: QuantizationFormat; stored: QuantizationFormat }
  /** The engine does not run on this vendor's accelerators at all (TensorRT-LLM on AMD, llama.cpp on TPUs); `runsOn`: where it does, as a phrase. */
  | { kind: "vendor-unsupported"; engine: string; gpu: GpuEntry; runsOn: string }
  | { kind: "capability-unsupported"; engine: string; minimum: number; gpu: GpuEntry };

/** Minimum compute capability of an FP8 KV cache: FlashInfer from SM80; Triton's FP8 needs SM89 (vLLM attention backends). */
export const FP8_KV_MIN_COMPUTE_CAPABILITY = 8.0;
/** `--dtype bfloat16` needs compute capability 8.0 (vLLM `_check_valid_dtype`). */
export const BF16_MIN_COMPUTE_CAPABILITY = 8.0;

/** Storage families: a flag and a checkpoint agree when they are of one family (`awq` and `awq_marlin`…). */
function family(format: QuantizationFormat): string {
  if (format.id.startsWith("gguf")) return "gguf";
  if (format.id.startsWith("bnb")) return "bnb";
  if (format.id.startsWith("gptq")) return "gptq";
  if (format.id.startsWith("fp8")) return "fp8";
  if (format.kind === "float") return "float";
  return format.id;
}

export function checkQuantization(catalog: Catalog, resolved: ResolvedDeployment, stated: DeploymentValues): QuantizationProblem[] {
  const { request, model } = resolved;
  const { gpu } = request;
  const problems: QuantizationProblem[] = [];
  const capability = gpu.computeCapability;
  const engine = engineById(request.engine);
  if (!engineRunsOnVendor(request.engine, gpu.vendor)) {
    const vendors = engine.vendors ?? GPU_VENDORS;
    return [{ kind: "vendor-unsupported", engine: engine.displayName, gpu, runsOn: vendors.length === 1 ? `an ${vendorDevice(vendors[0]!)}` : "a GPU" }];
  }
  if (!engineRunsOn(request.engine, gpu)) return [{ kind: "capability-unsupported", engine: engine.displayName, minimum: engine.minCudaCapability!, gpu }];
  if (!engine.checksQuantization) return problems;

  const stored = model.format ?? catalog.format(model.model.nativeFormat);
  const written = stated.quantization?.trim();
  // `compressed-tensors`, `gguf`: the checkpoint's own config decides; `experts_int8` quantizes while loading; nothing to compare.
  const named = written && flagNamesStoredFormat(request.engine, written) ? flagFormat(catalog, request.engine, written) : undefined;
  // Only an engine's flag loads a checkpoint: an app config's `quant: gptq-4bit` without an engine
  // command says which weights are served (sized as such), not how a bf16 repository is to be read.
  if (named && written && stated.engine !== undefined) {
    const prequantizedFlag = named.needsPrequantizedCheckpoint && family(named) !== family(stored);
    const quantizedCheckpoint = stored.kind !== "float" && family(named) !== family(stored);
    if (prequantizedFlag || quantizedCheckpoint) problems.push({ kind: "flag-mismatch", flag: written, flagFormat: named, stored });
  }

  if (capability === null) return problems; // CUDA compute capabilities only; other vendors are not judged here.
  const format = request.weightFormat;
  const minimum = engine.minComputeCapability(format, gpu);
  // Plain dtypes are the bf16 check's business: with `auto`, vLLM casts bf16 weights to float16 by itself.
  if (format.kind !== "float" && minimum !== null && capability < minimum && !problems.some((p) => p.kind === "flag-mismatch")) {
    problems.push({ kind: "below-minimum", format, gpu, minimum, fromFlag: named !== undefined });
  }
  if (stated.dtype && /^(bfloat16|bf16)$/i.test(stated.dtype.trim()) && capability < BF16_MIN_COMPUTE_CAPABILITY) {
    problems.push({ kind: "bf16-unsupported", gpu });
  }
  const kv = stated.kvCacheDtype?.trim().toLowerCase();
  if (kv && kv.startsWith("fp8") && capability < FP8_KV_MIN_COMPUTE_CAPABILITY) {
    problems.push({ kind: "fp8-kv-unsupported", gpu, kvCacheDtype: stated.kvCacheDtype!.trim() });
  }
  return problems;
}

/**
 * Formats that do run on the GPU, for a deployment whose format does not: what the engine can
 * quantize to at load (no checkpoint needed), or a pre-quantized checkpoint the catalog knows.
 */
export function runnableFormats(catalog: Catalog, resolved: ResolvedDeployment): Array<{ format: QuantizationFormat; checkpoint?: string }> {
  const { gpu } = resolved.request;
  const engine = engineById(resolved.request.engine);
  const capability = gpu.computeCapability ?? 0;
  const candidates = engine.alternativeFormats;
  // In-flight quantization needs 16-bit weights to start from: the checkpoint as deployed must be one.
  const storedIsFloat = (resolved.model.format ?? catalog.format(resolved.model.model.nativeFormat)).kind === "float";
  const result: Array<{ format: QuantizationFormat; checkpoint?: string }> = [];
  for (const id of candidates) {
    const format = catalog.format(id);
    const minimum = engine.minComputeCapability(format, gpu);
    if (minimum !== null && capability < minimum) continue;
    if (needsCheckpoint(engine.id, format)) {
      // The same model as written: a checkpoint of a sibling sharing the catalog entry (R1 for V3) would change it.
      const wanted = baseModelKey(resolved.model.displayName);
      const checkpoint = catalog.checkpoints.find(
        (entry) => entry.kind === "hf-repo" && entry.format === id && catalog.model(entry.model) === resolved.model.model && baseModelKey(entry.name) === wanted,
      )?.name;
      if (checkpoint) result.push({ format, checkpoint });
    } else if (storedIsFloat) {
      result.push({ format });
    }
  }
  return result;
}
