import { describe, expect, it } from "vitest";
import { bundledCatalog } from "../src/catalog/load.js";
import { type DeploymentValues, resolveDeployment } from "../src/resolve.js";
import { estimateMemory } from "../src/sizing/estimate.js";
import { meetsTarget, recommend, roundDownReadable, validTensorParallel } from "../src/sizing/recommend.js";

const catalog = bundledCatalog();

function remediesFor(values: DeploymentValues, minConcurrentSequences = 1) {
  const resolution = resolveDeployment(catalog, { engine: "vllm", ...values });
  if (!resolution.ok) throw new Error(JSON.stringify(resolution.unresolved));
  const { request, instance } = resolution.resolved;
  const estimate = estimateMemory(request);
  return { estimate, remedies: recommend(catalog, request, estimate, { minConcurrentSequences, ...(instance ? { instance } : {}) }) };
}

describe("recommend", () => {
  it("offers nothing for a deployment that already fits", () => {
    expect(remediesFor({ model: "mistralai/Mixtral-8x7B-Instruct-v0.1", gpuType: "H100", gpuCount: 2, tensorParallel: 2 }).remedies).toEqual([]);
  });

  it("Mixtral on one A10G: least change first — the same checkpoint on more A10Gs (in-flight FP8, then bf16), then the AWQ checkpoint, then a larger GPU — each re-estimated to fit", () => {
    const { remedies } = remediesFor({ model: "mistralai/Mixtral-8x7B-Instruct-v0.1", gpuType: "A10G" });
    expect(remedies.map((remedy) => remedy.kind)).toEqual(["quantization", "more-gpus", "quantization", "larger-gpu"]);
    expect(remedies[0]!.change).toMatchObject({ weightFormat: "fp8", quantizationFlag: "fp8", tensorParallel: 4 });
    expect(remedies[1]!.change).toMatchObject({ tensorParallel: 8, gpuCount: 8 });
    // A checkpoint to find and trust is more change than a flag, even on fewer GPUs.
    expect(remedies[2]!.change).toMatchObject({ weightFormat: "awq", checkpoint: "TheBloke/Mixtral-8x7B-Instruct-v0.1-AWQ", tensorParallel: 2, gpuCount: 2 });
    expect(remedies[3]!.change).toMatchObject({ gpu: "h200" });
    for (const remedy of remedies) {
      expect(remedy.estimate.verdict).toBe("fits");
      expect(estimateMemory(remedy.request)).toEqual(remedy.estimate);
    }
  });

  it("a pre-quantized checkpoint is kept first: Mixtral AWQ on one A10G is offered 2 × A10G before another 4-bit format on those same GPUs (issue 10)", () => {
    const { remedies } = remediesFor({ model: "TheBloke/Mixtral-8x7B-Instruct-v0.1-AWQ", gpuType: "A10G", maxModelLen: 32768 });
    expect(remedies[0]).toMatchObject({ kind: "more-gpus", change: { tensorParallel: 2, gpuCount: 2 } });
    expect(remedies[0]!.change.weightFormat).toBeUndefined();
    const otherFormat = remedies.findIndex((remedy) => remedy.change.weightFormat !== undefined);
    expect(otherFormat === -1 || otherFormat > 0).toBe(true);
  });

  it("keeps a pinned instance type consistent: only GPU counts an instance of that family offers", () => {
    const { remedies } = remediesFor({ model: "mistralai/Mixtral-8x7B-Instruct-v0.1", instanceType: "g5.2xlarge" });
    const layouts = remedies.filter((remedy) => remedy.change.tensorParallel !== undefined);
    expect(layouts.length).toBeGreaterThan(0);
    for (const remedy of layouts) {
      const instance = catalog.resolveInstance(remedy.change.instanceType!);
      expect(instance?.gpuCount).toBe(remedy.change.gpusPerNode);
    }
    expect(layouts[0]!.change).toMatchObject({ weightFormat: "fp8", tensorParallel: 4, instanceType: "g5.12xlarge" });
    expect(layouts.map((remedy) => remedy.change.instanceType)).toEqual(["g5.12xlarge", "g5.48xlarge", "g5.12xlarge"]);
  });

  it("moves an Azure instance type within its family (NC A100 v4), not to another series", () => {
    const { remedies } = remediesFor({ model: "meta-llama/Llama-3.3-70B-Instruct", instanceType: "Standard_NC24ads_A100_v4", maxModelLen: 8192 });
    const layout = remedies.find((remedy) => remedy.kind === "more-gpus")!;
    expect(layout.change).toMatchObject({ tensorParallel: 2, instanceType: "Standard_NC48ads_A100_v4" });
  });

  it("ranks by price when a price hook prices the remedies, within the same amount of change", () => {
    const values = { model: "mistralai/Mixtral-8x7B-Instruct-v0.1", gpuType: "A10G" };
    const resolution = resolveDeployment(catalog, { engine: "vllm", ...values });
    if (!resolution.ok) throw new Error("unresolved");
    const { request } = resolution.resolved;
    // A price list where 8 GPUs cost less than 4 (a spot market, say): the 8-GPU layout comes first.
    const hourlyCost = (changed: typeof request) => (changed.tensorParallel * changed.pipelineParallel === 8 ? 1 : 10);
    const remedies = recommend(catalog, request, estimateMemory(request), { hourlyCost });
    expect(remedies[0]!.change).toMatchObject({ tensorParallel: 8 });
  });

  it("never offers a tensor-parallel size that cuts block-FP8 tiles, exceeds the KV heads or leaves idle GPUs on a node: Qwen3-235B-A22B-FP8", () => {
    // moe_intermediate_size 1536: TP 8 gives 192-wide shards, not whole 128-wide blocks; 4 KV heads.
    const { remedies } = remediesFor({ model: "Qwen/Qwen3-235B-A22B-FP8", gpuType: "H100", gpuCount: 2, tensorParallel: 2, maxModelLen: 32768 });
    const layouts = remedies.filter((remedy) => remedy.change.tensorParallel !== undefined);
    expect(layouts.length).toBeGreaterThan(0);
    for (const remedy of layouts) {
      expect(1536 / remedy.change.tensorParallel! % 128).toBe(0);
      expect(remedy.change.tensorParallel!).toBeLessThanOrEqual(4);
    }
  });

  it("stacks pipeline stages inside one node when tensor parallel is bounded below the node's size", () => {
    // Qwen3-235B-A22B in bf16 needs more than 4 H100s, but TP stops at its 4 KV heads: TP 4 × PP 2 on one 8-GPU node.
    const { remedies } = remediesFor({ model: "Qwen/Qwen3-235B-A22B", gpuType: "H100", gpuCount: 4, tensorParallel: 4, maxModelLen: 8192 });
    const layout = remedies.find((remedy) => remedy.kind === "more-gpus")!;
    expect(layout.change).toMatchObject({ tensorParallel: 4, pipelineParallel: 2, gpuCount: 8, gpusPerNode: 8 });
  });

  it("suggests a shorter context first when only the KV cache is short (an FP8 cache only when that is enough)", () => {
    const { estimate, remedies } = remediesFor({ model: "meta-llama/Llama-3.1-8B-Instruct", gpuType: "L4" });
    expect(estimate.verdict).toBe("kv-cache-too-small");
    const kinds = remedies.map((remedy) => remedy.kind);
    expect(kinds[0]).toBe("max-model-len");
    expect(kinds).not.toContain("kv-cache-dtype"); // halving 16 GiB of KV still does not fit 4.7 GiB
    const nearly = remediesFor({ model: "meta-llama/Llama-3.1-8B-Instruct", gpuType: "L4", maxModelLen: 65536 }).remedies;
    expect(nearly[0]!.kind).toBe("kv-cache-dtype");
    const shorter = remedies.find((remedy) => remedy.kind === "max-model-len")!;
    expect(shorter.change.maxModelLen! % 1024).toBe(0);
    expect(shorter.estimate.verdict).toBe("fits");
  });

  it("raises the bar with minConcurrentSequences", () => {
    const { estimate, remedies } = remediesFor({ model: "meta-llama/Llama-3.1-8B-Instruct", gpuType: "L4", maxModelLen: 32768 }, 4);
    expect(estimate.verdict).toBe("fits");
    expect(meetsTarget(estimate, 4)).toBe(false);
    for (const remedy of remedies) expect(remedy.estimate.maxConcurrency).toBeGreaterThanOrEqual(4);
  });

  it("does not offer in-flight quantization of a checkpoint that is already quantized (DeepSeek-V3 FP8)", () => {
    const { remedies } = remediesFor({ model: "deepseek-ai/DeepSeek-V3", gpuType: "H100", gpuCount: 8, tensorParallel: 8, maxModelLen: 65536 });
    for (const remedy of remedies.filter((r) => r.kind === "quantization")) {
      expect(catalog.format(remedy.change.weightFormat!).needsPrequantizedCheckpoint).toBe(true);
    }
    expect(remedies.map((remedy) => remedy.kind)).toContain("more-gpus");
    const multiNode = remedies.find((remedy) => remedy.kind === "more-gpus")!;
    expect(multiNode.change).toMatchObject({ tensorParallel: 8, pipelineParallel: 2, gpuCount: 16 });
  });

  it("only offers tensor-parallel sizes that divide the attention heads", () => {
    const resolution = resolveDeployment(catalog, { model: "meta-llama/Llama-3.1-8B-Instruct", gpuType: "L4" });
    if (!resolution.ok) throw new Error("unresolved");
    expect(validTensorParallel(resolution.resolved.request, 4)).toBe(true);
    expect(validTensorParallel(resolution.resolved.request, 3)).toBe(false);
    // 8 KV heads: TP 16 would replicate the KV cache (a parallelism-efficiency finding).
    expect(validTensorParallel(resolution.resolved.request, 16)).toBe(false);
  });

  it("rounds suggested contexts to readable sizes", () => {
    expect(roundDownReadable(37_999)).toBe(37_888);
    expect(roundDownReadable(3_000)).toBe(2_816);
  });
});
