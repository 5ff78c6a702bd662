/**
 * A remedy from the recommender → the edits that make a file say it. Each suggestion is one
 * coherent change: the GPU count together with `--tensor-parallel-size`, the quantization together
 * with the model repository, the GPU label in the label's own naming scheme.
 */
import { byCodePoint, type Catalog } from "../catalog/catalog.js";
import type { GpuEntry } from "../catalog/types.js";
import { engineById } from "../engines/index.js";
import type { Deployment, TextEdit } from "../extract/types.js";
import type { ResolvedDeployment } from "../resolve.js";
import type { Remedy } from "../sizing/recommend.js";
import { combine, gpuCountEdits, replaceField, setField } from "./edits.js";
import { lookup } from "../lookup.js";

/** Label keys whose values follow one scheme the catalog records per GPU. */
const LABEL_SCHEMES: Record<string, keyof GpuEntry["labels"]> = {
  "cloud.google.com/gke-accelerator": "gke",
  "cloud.google.com/gke-tpu-accelerator": "gke",
  "nvidia.com/gpu.product": "gfd",
  "karpenter.k8s.aws/instance-gpu-name": "karpenter",
  resourceProfile: "kubeai",
};

/** How a GPU name is written: what a replacement must keep so the field reads as one scheme. */
interface NameShape {
  vendorPrefix: boolean;
  /** KubeAI's `nvidia-gpu-…` profiles. */
  gpuWord: boolean;
  /** `…-80gb`, `…-141GB`, `A100-80G`. */
  memorySuffix: boolean;
  separator: "-" | "_" | " " | "";
  letterCase: "lower" | "upper" | "mixed";
}

function shapeOf(name: string): NameShape {
  const letters = name.replace(/[^A-Za-z]/g, "");
  return {
    vendorPrefix: /^(?:nvidia|amd)[-_ ]/i.test(name),
    gpuWord: /^(?:nvidia|amd)[-_ ]gpu[-_ ]/i.test(name),
    memorySuffix: /\dg(?:b|ib)?$/i.test(name) || /\dg(?:b|ib)?[-_ ]/i.test(name),
    separator: name.includes("-") ? "-" : name.includes("_") ? "_" : name.includes(" ") ? " " : "",
    letterCase: letters === letters.toLowerCase() ? "lower" : letters === letters.toUpperCase() ? "upper" : "mixed",
  };
}

/** Every way the catalog spells a GPU: its names and its label values. */
function spellingsOf(gpu: GpuEntry): string[] {
  return [...new Set([...gpu.names, ...Object.values(gpu.labels).filter((label): label is string => typeof label === "string")])];
}

/** `name` in the letter case of `shape` (a lowercase field stays lowercase). */
function cased(name: string, shape: NameShape): string {
  return shape.letterCase === "lower" ? name.toLowerCase() : shape.letterCase === "upper" ? name.toUpperCase() : name;
}

/**
 * The spelling of `gpu` for a field that holds `written` (a spelling of `current`), so a replaced
 * value reads in the field's own scheme: a node-selector label takes the value the cluster really
 * uses (`cloud.google.com/gke-accelerator: nvidia-h100-80gb` → `nvidia-h200-141gb`); any other field
 * takes the catalog spelling of the same shape — vendor prefix, memory suffix, separator, letter
 * case — as what is written there (`nvidia-h100-80gb` is never replaced by `H200`). Undefined when
 * the catalog has no spelling of that shape: a suggestion in another vocabulary is not offered.
 */
export function gpuNameFor(gpu: GpuEntry, written: { source: string; value: string }, current?: GpuEntry): string | undefined {
  const scheme = lookup(LABEL_SCHEMES, written.source);
  if (scheme) return gpu.labels[scheme];
  if (written.source === "accelerator_type") {
    // Ray's accelerator constants: `A100-80G`, `A100-40G`, `H100`, `L4`, `A10G`.
    return gpu.names.filter((name) => /^[A-Z][A-Z0-9]*(?:-\d+G)?$/.test(name) && /^[A-Z]+\d/.test(name)).sort((a, b) => a.length - b.length)[0];
  }
  // A label value of the current GPU written under another key (a custom node label): the same scheme.
  const asLabel = current ? (Object.keys(current.labels) as Array<keyof GpuEntry["labels"]>).find((key) => current.labels[key]?.toLowerCase() === written.value.toLowerCase()) : undefined;
  if (asLabel && gpu.labels[asLabel]) return cased(gpu.labels[asLabel]!, shapeOf(written.value));
  const want = shapeOf(written.value);
  const candidates = spellingsOf(gpu).filter((name) => {
    const shape = shapeOf(name);
    return shape.vendorPrefix === want.vendorPrefix && shape.gpuWord === want.gpuWord && shape.memorySuffix === want.memorySuffix && (shape.separator === want.separator || shape.separator === "");
  });
  // Of several names of one shape, the shortest is the plain one (`H100-80GB`, not `H100-80GB-HBM3`).
  const best = candidates.sort((a, b) => a.length - b.length || byCodePoint(a.toLowerCase(), b.toLowerCase()) || byCodePoint(a, b))[0];
  return best === undefined ? undefined : cased(want.separator === "_" ? best.replace(/-/g, "_") : best, want);
}

/** Keeps a SageMaker `ml.` prefix (or its absence) when switching instance types. */
function instanceSpelling(written: string, id: string): string {
  return /^ml\./i.test(written) && !/^ml\./i.test(id) ? `ml.${id}` : id;
}

/** The model reference rewritten to another repository, keeping an `hf://` scheme. */
function modelReference(written: string, repository: string): string {
  return /^hf:\/\//i.test(written) ? `hf://${repository}` : repository;
}

function layoutEdits(deployment: Deployment, resolved: ResolvedDeployment, remedy: Remedy, text: string): Array<TextEdit | undefined> {
  const { change } = remedy;
  const engine = resolved.request.engine;
  const { splitsLayers, shardsOverAllGpus } = engineById(engine);
  const edits: Array<TextEdit | undefined> = [];
  const tensorParallel = change.tensorParallel ?? resolved.request.tensorParallel;
  const pipelineParallel = change.pipelineParallel ?? resolved.request.pipelineParallel;
  const nodes = deployment.fields.nodes?.value ?? 1;
  const total = change.gpuCount ?? tensorParallel * pipelineParallel * resolved.request.dataParallel;
  if (total % nodes !== 0) return [undefined];
  // Pipeline stages on more nodes than the file runs pods: that needs a LeaderWorkerSet or Ray, not an edit.
  if (!splitsLayers && change.gpusPerNode !== undefined && total / nodes > change.gpusPerNode * resolved.request.dataParallel) return [undefined];
  // The platform runs tensor parallel over every GPU of a pod (TGI's NUM_SHARD, KAITO, NIM): only a pure TP layout is expressible.
  const tensorFollowsCount = shardsOverAllGpus || deployment.layoutOwner === "tensor-from-gpus";
  if (tensorFollowsCount && !deployment.fields.tensorParallel && !splitsLayers && tensorParallel * resolved.request.dataParallel !== total / nodes) return [undefined];

  // The platform allocates the GPUs the layout asks for: a count it derived (read-only) follows the new sizes.
  const countFollowsLayout = deployment.layoutOwner === "gpus-from-tensor" && (!deployment.fields.gpuCount || deployment.fields.gpuCount.readonly);
  if (change.instanceType && deployment.fields.instanceType) {
    edits.push(replaceField(deployment, "instanceType", instanceSpelling(deployment.fields.instanceType.value, change.instanceType)));
    if (deployment.fields.gpuCount) edits.push(...(gpuCountEdits(deployment, total) ?? [undefined]));
  } else if (deployment.fields.gpuCount && !countFollowsLayout) {
    edits.push(...(gpuCountEdits(deployment, total) ?? [undefined]));
  } else if (!countFollowsLayout && deployment.args?.kind === "map" && !deployment.fields.instanceType && nodes === 1) {
    // A settings mapping (an app config) that leaves the count out: it gains one, in its own key style.
    edits.push(setField(deployment, engine, "gpuCount", total, text));
  } else if (!countFollowsLayout) {
    // Neither a count nor an instance type of that size can be written here.
    return [undefined];
  }
  if (splitsLayers) return edits;
  // The count is the layout there.
  if (tensorFollowsCount && !deployment.fields.tensorParallel) return edits;
  if (tensorParallel !== resolved.request.tensorParallel || deployment.fields.tensorParallel) {
    edits.push(setField(deployment, engine, "tensorParallel", tensorParallel, text));
  }
  if (pipelineParallel !== resolved.request.pipelineParallel) edits.push(setField(deployment, engine, "pipelineParallel", pipelineParallel, text));
  return edits;
}

/** Edits that apply a remedy to the file, or undefined when the file cannot say it by a local edit. */
export function remedyEdits(
  catalog: Catalog,
  deployment: Deployment,
  resolved: ResolvedDeployment,
  remedy: Remedy,
  text: string,
): TextEdit[] | undefined {
  const { change } = remedy;
  const engine = resolved.request.engine;
  const edits: Array<TextEdit | undefined> = [];
  switch (remedy.kind) {
    case "kv-cache-dtype":
      edits.push(setField(deployment, engine, "kvCacheDtype", change.kvCacheDtype!, text));
      break;
    case "max-model-len":
      edits.push(setField(deployment, engine, "maxModelLen", change.maxModelLen!, text));
      break;
    case "quantization": {
      const written = deployment.fields.model;
      if (change.checkpoint) {
        if (!written) return undefined;
        edits.push(replaceField(deployment, "model", modelReference(written.value, change.checkpoint)));
        // A stale --quantization would contradict the new checkpoint; the engine reads the format from its config.
        const flag = engineById(engine).quantizationFlag(catalog.format(change.weightFormat!));
        if (deployment.fields.quantization && flag) edits.push(replaceField(deployment, "quantization", flag));
      } else if (change.quantizationFlag) {
        edits.push(setField(deployment, engine, "quantization", change.quantizationFlag, text));
      } else {
        return undefined;
      }
      if (change.tensorParallel !== undefined || change.gpuCount !== undefined) edits.push(...layoutEdits(deployment, resolved, remedy, text));
      break;
    }
    case "more-gpus":
      edits.push(...layoutEdits(deployment, resolved, remedy, text));
      break;
    case "larger-gpu": {
      const gpu = catalog.gpu(change.gpu!);
      if (!gpu) return undefined;
      if (resolved.gpuSource === "instance" && deployment.fields.instanceType && change.instanceType) {
        edits.push(replaceField(deployment, "instanceType", instanceSpelling(deployment.fields.instanceType.value, change.instanceType)));
      } else if (deployment.fields.gpuType) {
        const name = gpuNameFor(gpu, deployment.fields.gpuType, resolved.request.gpu);
        if (!name) return undefined;
        edits.push(replaceField(deployment, "gpuType", name));
        if (deployment.fields.gpuMemoryMiB) edits.push(replaceField(deployment, "gpuMemoryMiB", Math.round(gpu.memoryBytes / 2 ** 20)));
        if (deployment.fields.instanceType) return undefined; // the instance type would contradict the new GPU
      } else {
        return undefined;
      }
      break;
    }
  }
  return combine(edits);
}
