/**
 * A remedy from the recommender → the edits that make a file say it. Each suggestion is one
 * coherent change: the GPU count together with `--tensor-parallel-size`, the quantization together
 * with the model repository, the GPU label in the label's own naming scheme.
 */
import type { Catalog } from "../catalog/catalog.js";
import type { GpuEntry } from "../catalog/types.js";
import type { Deployment, TextEdit } from "../extract/types.js";
import type { ResolvedDeployment } from "../resolve.js";
import type { Remedy } from "../sizing/recommend.js";
import { combine, replaceField, setField } from "./edits.js";

/**
 * The spelling of a GPU under a label or key, so a replaced node-selector value is one the cluster
 * really uses. Undefined when the catalog knows no name of that scheme for the GPU.
 */
export function gpuNameFor(gpu: GpuEntry, source: string): string | undefined {
  const names = [...gpu.names];
  const pick = (pattern: RegExp) => names.find((name) => pattern.test(name));
  switch (source) {
    case "cloud.google.com/gke-accelerator":
      return pick(/^nvidia-(?!gpu-)[a-z0-9-]+$/);
    case "nvidia.com/gpu.product":
      return pick(/^(NVIDIA|Tesla)-[A-Za-z0-9-]+$/);
    case "karpenter.k8s.aws/instance-gpu-name":
      return pick(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
    case "resourceProfile":
      return pick(/^(nvidia|amd)-gpu-[a-z0-9-]+$/);
    default:
      // App configs, SkyPilot, Ray: the short marketing name (`H100`, `A100-80GB`, `L40S`).
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
  const edits: Array<TextEdit | undefined> = [];
  const tensorParallel = change.tensorParallel ?? resolved.request.tensorParallel;
  const pipelineParallel = change.pipelineParallel ?? resolved.request.pipelineParallel;
  const nodes = deployment.fields.nodes?.value ?? 1;
  // A single pod cannot become a multi-node layout by an edit; that needs a LeaderWorkerSet or Ray.
  if (pipelineParallel > 1 && nodes === 1 && !deployment.fields.pipelineParallel && !(engine === "llama.cpp" || engine === "ollama")) {
    return [undefined];
  }
  const total = change.gpuCount ?? tensorParallel * pipelineParallel * resolved.request.dataParallel;
  const perPod = total / nodes;
  if (!Number.isInteger(perPod)) return [undefined];

  if (change.instanceType && deployment.fields.instanceType) {
    edits.push(replaceField(deployment, "instanceType", instanceSpelling(deployment.fields.instanceType.value, change.instanceType)));
    if (deployment.fields.gpuCount) edits.push(replaceField(deployment, "gpuCount", perPod));
  } else if (deployment.fields.gpuCount) {
    edits.push(replaceField(deployment, "gpuCount", perPod));
  } else if (deployment.fields.instanceType) {
    // The instance type sets the count; without an instance of that size there is nothing to write.
    return [undefined];
  } else {
    return [undefined];
  }
  if (engine === "llama.cpp" || engine === "ollama") return edits;
  if (engine === "tgi" && !deployment.fields.tensorParallel) return edits; // NUM_SHARD defaults to every GPU
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
        // A stale --quantization would contradict the new checkpoint; vLLM reads the format from its config.
        const format = catalog.format(change.weightFormat!);
        if (deployment.fields.quantization && format.vllmQuantization) edits.push(replaceField(deployment, "quantization", format.vllmQuantization));
      } else if (change.quantizationFlag) {
        const value = engine === "tgi" && change.weightFormat === "bnb-nf4" ? "bitsandbytes-nf4" : change.quantizationFlag;
        edits.push(setField(deployment, engine, "quantization", value, text));
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
