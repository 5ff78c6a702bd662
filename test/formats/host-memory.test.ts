/**
 * Deployments served from the CPU: no GPU requested, an engine that then runs from host memory
 * (llama.cpp, Ollama, TEI's CPU images), judged against the container's memory limit.
 */
import { describe, expect, it } from "vitest";
import type { JudgedDeployment } from "../../src/analysis.js";
import { memoryBytes } from "../../src/extract/kit.js";
import { findings, lint } from "../support/lint.js";
import { judgedOf } from "./helpers.js";
import { lintHcl } from "../support/hcl.js";
import { expectFindings, expectSuggestionsResolve, statuses } from "./serving-crds.support.js";

const GIB = 2 ** 30;

function podWith(container: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: server
spec:
  template:
    spec:
      containers:
        - name: server
${container
  .trim()
  .split("\n")
  .map((line) => `          ${line}`)
  .join("\n")}
`;
}

function onCpu(text: string, filename = "deploy.yaml"): Extract<JudgedDeployment, { status: "cpu" }> {
  const [judged] = judgedOf(text, filename);
  if (judged?.status !== "cpu") throw new Error(`not judged on the CPU: ${judged?.status}`);
  return judged;
}

describe("memory sizes as the formats write them", () => {
  it("reads Kubernetes quantities (binary and decimal suffixes) and Docker sizes (binary multiples)", () => {
    expect([memoryBytes("4Gi", "kubernetes"), memoryBytes("8192Mi", "kubernetes"), memoryBytes("16G", "kubernetes"), memoryBytes("1e9", "kubernetes"), memoryBytes(1073741824, "kubernetes")]).toEqual([
      4 * GIB,
      8 * GIB,
      16e9,
      1e9,
      GIB,
    ]);
    expect([memoryBytes("8g", "docker"), memoryBytes("512m", "docker"), memoryBytes("2GB", "docker"), memoryBytes("6G", "docker")]).toEqual([8 * GIB, 512 * 2 ** 20, 2 * GIB, 6 * GIB]);
    // Not sizes: a template, a variable, a unit Kubernetes does not have, nothing.
    for (const written of ["{{ .Values.memory }}", "${MEM}", "8gb", "", "-4Gi"]) expect(memoryBytes(written, "kubernetes"), written).toBeUndefined();
  });
});

describe("deployments served from the CPU", () => {
  it("sizes Ollama's default tag at its default context for no VRAM: weights, KV cache and compute buffer against the limit", () => {
    const judged = onCpu(podWith(`
image: ollama/ollama:0.12.3
command: ["/bin/sh", "-c", "ollama serve & sleep 3 && ollama pull qwen2.5:7b && wait"]
resources:
  limits:
    memory: 4Gi`));
    const { host } = judged;
    expect([host.verdict, host.limit?.value, host.memory.contextTokens, judged.resolved.request.weightFormat.id]).toEqual(["exceeds-limit", 4 * GIB, 4096, "gguf-q4_k_m"]);
    // Qwen2.5-7B: 28 layers × 4 KV heads × 128 × (K + V) × 2 bytes = 56 KiB per token, f16.
    expect(host.memory.kvCacheBytes).toBe(4096 * 28 * 4 * 128 * 2 * 2);
    expect(host.memory.neededBytes).toBe(host.memory.weightBytes + host.memory.kvCacheBytes + host.memory.computeBytes);
    expect(host.memory.weightBytes / GIB).toBeCloseTo(4.3, 1);
  });

  it("passes what fits, says so for no limit, and leaves a llama.cpp context it may shrink to the context when the limit is in between", () => {
    const gguf = (limit: string, context = "") => `
image: ghcr.io/ggml-org/llama.cpp:server
args: ["-m", "/models/Llama-3.2-3B-Instruct-Q4_K_M.gguf"${context}]
${limit}`;
    expect(onCpu(podWith(gguf("resources: {limits: {memory: 4Gi}}", ', "-c", "8192"'))).host.verdict).toBe("fits");
    expect(onCpu(podWith(gguf("resources: {requests: {memory: 4Gi}}", ', "-c", "8192"'))).host.verdict).toBe("no-limit");
    // No -c: the model's own 131,072 tokens (builds with --fit), which --fit may shrink to 4,096.
    const open = onCpu(podWith(gguf("resources: {limits: {memory: 6Gi}}")));
    expect([open.host.verdict, open.host.memory.contextTokens, open.host.fewest?.contextTokens]).toEqual(["context-decides", 131072, 4096]);
    expect(open.host.fewest!.neededBytes).toBeLessThan(6 * GIB);
    expect(open.host.memory.neededBytes).toBeGreaterThan(6 * GIB);
    expect(onCpu(podWith(gguf("resources: {limits: {memory: 2Gi}}"))).host.verdict).toBe("exceeds-limit");
  });

  it("judges a GGUF file that states no type where every type agrees", () => {
    const named = (limit: string) => podWith(`
image: ghcr.io/ggml-org/llama.cpp:server
args: ["-m", "/models/llama3.2-1b.gguf", "-c", "2048"]
resources: {limits: {memory: ${limit}}}`);
    const roomy = onCpu(named("4Gi"));
    expect([roomy.host.verdict, roomy.resolved.request.weightFormat.id]).toEqual(["fits", "gguf-f16"]);
    expect(roomy.resolved.assumptions).toContain("the file name states no quantization type; judged at GGUF F16, the largest, and it fits");
    // At 1 GiB even the smallest type does not fit; between, the type decides and it stays unsized.
    expect(onCpu(named("256Mi")).host.verdict).toBe("exceeds-limit");
    expect(judgedOf(named("1Gi"), "deploy.yaml")[0]?.status).toBe("unresolved");
  });

  it("keeps engines that need a GPU unchecked, and TEI's GPU images too", () => {
    for (const image of ["vllm/vllm-openai:v0.11.0", "ghcr.io/huggingface/text-embeddings-inference:1.8"]) {
      const text = podWith(`
image: ${image}
args: ["--model", "BAAI/bge-small-en-v1.5"]
resources: {limits: {memory: 8Gi}}`);
      const [judged] = judgedOf(text, "deploy.yaml");
      expect([judged?.status, judged?.status === "incomplete" ? judged.value.note : undefined], image).toEqual(["incomplete", "No GPU is requested (no nvidia.com/gpu in its resources)"]);
    }
  });

  it("suggests the raised limit in the unit the file writes", () => {
    const ollama = (limit: string) =>
      podWith(`
image: ollama/ollama:0.12.3
command: ["/bin/sh", "-c", "ollama serve & sleep 3 && ollama pull qwen2.5:7b && wait"]
resources:
  limits:
    memory: ${limit}`);
    const suggested = (limit: string) => findings(lint(ollama(limit), "deploy.yaml")).flatMap((message) => (message.suggestions ?? []).map((suggestion) => suggestion.desc));
    // 4.9 GiB needed, a tenth more, up to a whole GiB: 6 GiB, as Mi, Gi or decimal G (6.44e9 bytes → 7G).
    expect([suggested("4096Mi"), suggested("4Gi"), suggested("4G")]).toEqual([["Raise the memory limit to 6144Mi"], ["Raise the memory limit to 6Gi"], ["Raise the memory limit to 7G"]]);
  });

  it("reads Terraform's docker_container memory in MB", () => {
    const text = `resource "docker_container" "llm" {
  name    = "llm"
  image   = "ghcr.io/ggml-org/llama.cpp:server"
  command = ["-m", "/models/Qwen2.5-7B-Instruct-Q4_K_M.gguf", "-c", "4096"]
  memory  = 3072
}
`;
    const [judged] = lintHcl(text, "main.tf").filter((message) => message.ruleId === "vram/host-memory-fit");
    expect(judged?.message).toMatch(/^Qwen2\.5-7B-Instruct-Q4_K_M\.gguf needs about 4\.9 GiB of memory on the CPU, more than its 3\.0 GiB limit\. It is killed, or rereads/);
    // The suggested limit is written in MB, as the attribute counts.
    expect(judged?.suggestions?.map((suggestion) => suggestion.desc)).toEqual(["Raise the memory limit to 6144 MB"]);
  });

  it("fixtures: reports the limit that cannot hold the model at the limit, with a raised limit that passes every rule", () => {
    for (const relative of ["ollama/cpu-nodes-memory-limits.yaml", "compose/llama-server-cpu-mem-limit.yml"]) {
      const result = expectFindings(relative, relative.startsWith("ollama") ? ["vram/host-memory-fit 39:23 exceedsLimit"] : ["vram/host-memory-fit 31:19 exceedsLimit"]);
      expect(expectSuggestionsResolve(relative, result)).toHaveLength(1);
    }
    expect(statuses("ollama/cpu-nodes-memory-limits.yaml")).toEqual(["Deployment ollama-chat: cpu", "Deployment llama-server-summarizer: cpu"]);
    expect(findings(lint("services: {}\n", "compose.yaml"))).toEqual([]);
  });
});

describe("vLLM's CPU KV cache variable", () => {
  it("sizes the CPU build's KV cache, and a GPU deployment that carries it ignores it, as vLLM does", () => {
    const service = (image: string, reservation: string) => `services:
  vllm:
    image: ${image}
    command: ["--model", "Qwen/Qwen2.5-7B-Instruct", "--max-model-len", "8192"]
    environment:
      VLLM_CPU_KVCACHE_SPACE: "40"
${reservation}`;
    const gpu = `    deploy:
      resources:
        reservations:
          devices:
            - driver: nvidia
              count: 1
              capabilities: [gpu]
`;
    const [onGpu] = judgedOf(service("vllm/vllm-openai:v0.11.0", gpu), "compose.yaml");
    expect(onGpu!.values.cpuKvCacheBytes).toBe(40 * GIB);
    expect(onGpu!.status === "judged" && onGpu!.resolved.request.kvCacheMemoryBytes).toBeUndefined();
    const [onCpu] = judgedOf(service("public.ecr.aws/q9t5s3a7/vllm-cpu-release-repo:v0.11.0", "    mem_limit: 64g\n"), "compose.yaml");
    expect(onCpu!.status === "cpu" && [onCpu!.host.verdict, onCpu!.host.memory.kvCacheBytes]).toEqual(["fits", 40 * GIB]);
  });
});
