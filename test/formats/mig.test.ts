/**
 * MIG slices: a GPU instance has its own share of its GPU's memory, so a deployment placed on one is
 * sized on that slice, never on the whole GPU, however the slice is written: GPU feature
 * discovery's single-strategy product label, a mixed-strategy resource (with or without the parent
 * GPU in a node selector), a chart's GPU resource setting. One engine runs on one slice.
 */
import { describe, expect, it } from "vitest";
import { bundledCatalog } from "../../src/catalog/load.js";
import { parseMigName } from "../../src/catalog/mig.js";
import { explainFile } from "../../src/explain.js";
import { findings, lint } from "../support/lint.js";

const messagesOf = (text: string, filename = "deployment.yaml") => findings(lint(text, filename)).map((message) => [message.ruleId, message.message]);
const judgedOf = (text: string, filename = "deployment.yaml") => explainFile(filename, text).analysis!.deployments;
const gpuOf = (text: string, filename = "deployment.yaml") => judgedOf(text, filename).map((judged) => ("resolved" in judged ? judged.resolved.request.gpu.name : judged.status));

const deployment = (placement: string, resources: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: qwen
spec:
  template:
    spec:
${placement}      containers:
        - name: vllm
          image: vllm/vllm-openai:v0.11.0
          args: ["--model", "Qwen/Qwen2.5-7B-Instruct", "--max-model-len", "8192"]
          resources:
            limits:
${resources}`;

describe("MIG slices", () => {
  it("sizes a single-strategy product label as the slice, not the whole GPU it is a slice of", () => {
    const onSlice = deployment("      nodeSelector:\n        nvidia.com/gpu.product: NVIDIA-A100-SXM4-40GB-MIG-1g.5gb\n", "              nvidia.com/gpu: 1\n");
    expect(messagesOf(onSlice)).toEqual([
      ["vram/weights-fit", "Qwen2.5-7B-Instruct needs 14.9 GiB at bf16; 1 × A100 40GB MIG 1g.5gb has 4.3 GiB usable. Fits with 1 × NVIDIA A10G."],
    ]);
    // The whole GPU fits it.
    expect(messagesOf(onSlice.replace("-MIG-1g.5gb", ""))).toEqual([]);
    // Two devices of a single-strategy MIG node are two slices, which one engine cannot span.
    expect(messagesOf(onSlice.replace("nvidia.com/gpu: 1", "nvidia.com/gpu: 2"))).toEqual([
      ["vram/unchecked-deployment", "2 GPUs of NVIDIA-A100-SXM4-40GB-MIG-1g.5gb are 2 MIG slices; an engine runs on one, so this deployment was not checked."],
    ]);
  });

  it("sizes a mixed-strategy resource on the GPU a node selector names, else on the smallest GPU with that profile", () => {
    const onH100 = deployment("      nodeSelector:\n        nvidia.com/gpu.product: NVIDIA-H100-80GB-HBM3\n", "              nvidia.com/mig-1g.10gb: 1\n");
    expect(messagesOf(onH100)).toEqual([
      ["vram/weights-fit", "Qwen2.5-7B-Instruct needs 14.9 GiB at bf16; 1 × H100 80GB MIG 1g.10gb has 8.8 GiB usable. Fits with AWQ 4-bit weights (Qwen/Qwen2.5-7B-Instruct-AWQ)."],
    ]);
    const anyGpu = deployment("", "              nvidia.com/mig-3g.40gb: 1\n");
    expect(messagesOf(anyGpu)).toEqual([]);
    expect(gpuOf(anyGpu)).toEqual(["NVIDIA A100 80GB MIG 3g.40gb"]);
    const [judged] = judgedOf(anyGpu);
    expect("resolved" in judged! && judged.resolved.assumptions).toContain('"nvidia.com/mig-3g.40gb" is the A100 80GB MIG 3g.40gb, the smallest it names (also the H100 80GB MIG 3g.40gb)');
    expect(messagesOf(anyGpu.replace("mig-3g.40gb: 1", "mig-3g.40gb: 2"))).toEqual([
      ["vram/unchecked-deployment", "nvidia.com/mig-3g.40gb: 2 asks for 2 MIG slices; an engine runs on one, so this deployment was not checked."],
    ]);
  });

  it("reads GKE's partition label as the slice of the pool's accelerator", () => {
    // GKE's own example: Gemma 3 1B in a 1g.5gb partition of an A100, seven replicas on one a2-highgpu-1g.
    const placement = "      nodeSelector:\n        cloud.google.com/gke-accelerator: nvidia-tesla-a100\n        cloud.google.com/gke-gpu-partition-size: 1g.5gb\n";
    const gemma1b = deployment(placement, "              nvidia.com/gpu: 1\n").replace("Qwen/Qwen2.5-7B-Instruct", "google/gemma-3-1b-it");
    expect(messagesOf(gemma1b)).toEqual([]);
    expect(gpuOf(gemma1b)).toEqual(["NVIDIA A100 40GB MIG 1g.5gb"]);
    expect(messagesOf(gemma1b.replace("gemma-3-1b-it", "gemma-3-4b-it"))).toEqual([
      ["vram/weights-fit", "gemma-3-4b-it needs 9.1 GiB at bf16; 1 × A100 40GB MIG 1g.5gb has 4.3 GiB usable. Fits with 1 × NVIDIA A10G."],
    ]);
  });

  it("reads a chart's MIG resource setting (vllm-stack's requestGPUType) as the slice each replica gets", () => {
    const values = `servingEngineSpec:
  modelSpec:
  - name: mistral
    modelURL: mistralai/Mistral-7B-Instruct-v0.2
    requestGPU: 1
    requestGPUType: "nvidia.com/mig-4g.71gb"
`;
    expect(messagesOf(values, "values.yaml")).toEqual([]);
    expect(gpuOf(values, "values.yaml")).toEqual(["NVIDIA H200 141GB MIG 4g.71gb"]);
  });

  it("parses every way a slice is written, and never resolves one to its whole GPU", () => {
    expect(parseMigName("NVIDIA-A100-SXM4-40GB-MIG-1g.5gb")).toEqual({ parent: "NVIDIA-A100-SXM4-40GB", profile: "1g.5gb" });
    expect(parseMigName("nvidia.com/mig-1g.10gb.me")).toEqual({ parent: "", profile: "1g.10gb+me" });
    expect(parseMigName("NVIDIA-RTX-PRO-6000-Blackwell-Server-Edition-MIG-1g.24gb-me")).toEqual({ parent: "NVIDIA-RTX-PRO-6000-Blackwell-Server-Edition", profile: "1g.24gb-me" });
    expect(parseMigName("NVIDIA-A100-SXM4-80GB")).toBeUndefined();
    const catalog = bundledCatalog();
    expect(catalog.resolveGpu("NVIDIA-H200-MIG-7g.141gb")?.gpu).toMatchObject({ id: "h200-mig-7g.141gb", memoryBytes: 139.75 * 2 ** 30 });
    expect(catalog.resolveGpu("nvidia.com/mig-1g.5gb")).toMatchObject({ via: "name", gpu: { id: "a100-40gb-mig-1g.5gb" } });
    // A profile the catalog has no memory for (B200's 7g.180gb) is an unknown GPU, not the B200.
    expect(catalog.resolveGpu("NVIDIA-B200-MIG-7g.180gb")).toBeUndefined();
    // Slices are no GPU a deployment naming none could land on.
    expect(catalog.gpus.some((gpu) => gpu.id.includes("-mig-"))).toBe(false);
  });
});
