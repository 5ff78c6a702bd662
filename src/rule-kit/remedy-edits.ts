/**
 * A remedy from the recommender → the edits that make a file say it. Each suggestion is one
 * coherent change: the GPU count together with `--tensor-parallel-size`, the quantization together
 * with the model repository, the GPU label in the label's own naming scheme.
 */
import type { Catalog } from "../catalog/catalog.js";
import type { GpuEntry } from "../catalog/types.js";
import { engineById } from "../engines/index.js";
import type { Deployment, TextEdit } from "../extract/types.js";
import type { ResolvedDeployment } from "../resolve.js";
import type { Remedy } from "../sizing/recommend.js";
import { combine, gpuCountEdits, replaceField, setField } from "./edits.js";

/**
 * The spelling of a GPU under a label or key, so a replaced node-selector value is one the cluster
 * really uses. Undefined when the catalog knows no name of that scheme for the GPU.
 */
export function gpuNameFor(gpu: GpuEntry, source: string): string | undefined {
  // Of several names of one scheme, the shortest is the plain one (`nvidia-h100-80gb`, not `nvidia-h100-mega-80gb`).
  const pick = (pattern: RegExp) => gpu.names.filter((name) => pattern.test(name)).sort((a, b) => a.length - b.length)[0];
  switch (source) {
    case "cloud.google.com/gke-accelerator":
      return gpu.labels.gke;
    case "nvidia.com/gpu.product":
      return gpu.labels.gfd;
    case "karpenter.k8s.aws/instance-gpu-name":
      return gpu.labels.karpenter;
    case "resourceProfile":
      return gpu.labels.kubeai ?? pick(/^(nvidia|amd)-gpu-[a-z0-9-]+$/);
    case "accelerator_type":
      // Ray's accelerator constants: `A100-80G`, `A100-40G`, `H100`, `L4`, `A10G`.
      return pick(/^[A-Z][A-Z0-9]*\d[A-Z0-9]*(-\d+G)?$/);
    default:
      // App configs, SkyPilot: the short marketing name (`H100`, `A100-80GB`, `L40S`).
      return pick(/^[A-Z][A-Z0-9]*[0-9][A-Za-z0-9-]*$/) ?? pick(/^[A-Z0-9][A-Za-z0-9 -]+$/);
  }
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
  // A single pod cannot become a multi-node layout by an edit; that needs a LeaderWorkerSet or Ray.
  if (pipelineParallel > 1 && nodes === 1 && !deployment.fields.pipelineParallel && !splitsLayers) {
    return [undefined];
  }
  const total = change.gpuCount ?? tensorParallel * pipelineParallel * resolved.request.dataParallel;
  if (total % nodes !== 0) return [undefined];

  // The platform allocates the GPUs the layout asks for: a count it derived (read-only) follows the new sizes.
  const countFollowsLayout = deployment.layoutOwner === "gpus-from-tensor" && (!deployment.fields.gpuCount || deployment.fields.gpuCount.readonly);
  if (change.instanceType && deployment.fields.instanceType) {
    edits.push(replaceField(deployment, "instanceType", instanceSpelling(deployment.fields.instanceType.value, change.instanceType)));
    if (deployment.fields.gpuCount) edits.push(...(gpuCountEdits(deployment, total) ?? [undefined]));
  } else if (deployment.fields.gpuCount && !countFollowsLayout) {
    edits.push(...(gpuCountEdits(deployment, total) ?? [undefined]));
  } else if (!countFollowsLayout) {
    // Neither a count nor an instance type of that size can be written here.
    return [undefined];
  }
  if (splitsLayers) return edits;
  // The platform runs tensor parallel over every GPU (TGI's NUM_SHARD, KAITO, NIM): the count is the layout.
  const tensorFollowsCount = shardsOverAllGpus || deployment.layoutOwner === "tensor-from-gpus";
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
        const name = gpuNameFor(gpu, deployment.fields.gpuType.source);
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
