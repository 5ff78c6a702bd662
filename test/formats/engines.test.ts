import { describe, expect, it } from "vitest";
import { findings, lint, readFixture } from "../support/lint.js";
import { judgedOf } from "./helpers.js";
import { expectFindings, expectSuggestionsResolve, extractedValues, fixtureValues, statuses } from "./serving-crds.support.js";

describe("TensorRT-LLM deployments", () => {
  it("reads trtllm-serve's flags and the LLM API options of a ConfigMap mounted where --extra_llm_api_options points", () => {
    const file = "engines/trtllm-llama-3.1-70b-fp8-2xh100.yaml";
    expect(fixtureValues(file)).toEqual([
      {
        kind: "Deployment",
        name: "llama-70b-trtllm",
        gpuType: "NVIDIA-H100-80GB-HBM3",
        model: "nvidia/Llama-3.1-70B-Instruct-FP8",
        engine: "trtllm",
        tensorParallel: 2,
        gpuCount: 2,
        // From the mounted extra-llm-api-options.yaml.
        gpuMemoryUtilization: 0.85,
        maxNumSeqs: 64,
        maxNumBatchedTokens: 8192,
        maxModelLen: 32768,
        attentionDataParallel: false,
        unresolved: [],
      },
    ]);
    expect(statuses(file)).toEqual(["Deployment llama-70b-trtllm: judged"]);
    expectFindings(file, []);
    const [judged] = judgedOf(readFixture(file), file);
    expect(judged!.values).toMatchObject({ engine: "trtllm", engineVersion: "1.0.0" });
    if (judged?.status !== "judged") throw new Error("not judged");
    expect(judged.estimate.settings).toMatchObject({ budgetKind: "fraction-of-free", memoryFraction: 0.85, maxNumSeqs: 64 });
  });

  it("says TensorRT-LLM lowers max_seq_len when 128k does not fit one L4, at the flag in the shell script", () => {
    const file = "engines/trtllm-llama-3.1-8b-l4-long-context.yaml";
    expect(fixtureValues(file)[0]).toMatchObject({ engine: "trtllm", maxModelLen: 131072, gpuMemoryUtilization: 0.9, gpuCount: 1 });
    // Line 29: `                --max_seq_len 131072 \`.
    // It starts (only an empty pool stops it) but serves shorter requests than the file sets.
    const result = expectFindings(file, ["vram/kv-cache-headroom 29:31 contextCapped"]);
    expect(result.messages[0]!.message).toBe(
      "TensorRT-LLM starts but serves requests of at most 43,808 tokens, not the 131,072 set. Llama-3.1-8B-Instruct needs 16.0 GiB of KV cache per GPU for one; 5.3 GiB is left. Fits with max_model_len 43,008.",
    );
    expect(result.messages[0]!.suggestions!.map((suggestion) => suggestion.desc)).toEqual([
      "Use max_model_len 43,008: 43,808 KV tokens, 1.0 × 43,008-token sequences",
      // Least change first: the same checkpoint on more L4s before another checkpoint.
      "Use 2 × NVIDIA L4 at TP 2: 195,616 KV tokens, 1.4 × 131,072-token sequences",
      "Use FP8 (per-tensor/per-channel scales) weights (neuralmagic/Meta-Llama-3.1-8B-Instruct-FP8) on 2 × NVIDIA L4 at TP 2: 243,552 KV tokens, 1.8 × 131,072-token sequences",
      "Use AWQ 4-bit (group 128) weights (hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4) on 2 × NVIDIA L4 at TP 2: 266,592 KV tokens, 2.0 × 131,072-token sequences",
      "Use 1 × NVIDIA A100 40GB: 168,288 KV tokens, 1.2 × 131,072-token sequences",
    ]);
    const fixed = expectSuggestionsResolve(file, result);
    expect(fixed[0]).toContain("--max_seq_len 43008 \\");
  });

  it("reads a standalone trtllm-serve --config file without judging it (no model, no GPUs)", () => {
    const file = "engines/trtllm-config-deepseek-r1.yaml";
    expectFindings(file, []);
    expect(fixtureValues(file)).toEqual([]);
    // Named with a model, the file is a deployment of its own.
    const named = `model: meta-llama/Llama-3.1-8B-Instruct\n${readFixture(file)}`;
    expect(extractedValues(named)[0]).toMatchObject({ engine: "trtllm", model: "meta-llama/Llama-3.1-8B-Instruct", tensorParallel: 8, maxNumSeqs: 384, maxNumBatchedTokens: 4096, maxModelLen: 2248, gpuMemoryUtilization: 0.85, kvCacheDtype: "fp8" });
  });
});

describe("LMDeploy deployments", () => {
  it("accepts Qwen2.5 7B on one L4 with its 0.8 cache share", () => {
    const file = "engines/lmdeploy-qwen2.5-7b-l4.yaml";
    expect(fixtureValues(file)).toEqual([
      {
        kind: "Deployment",
        name: "qwen-7b-lmdeploy",
        gpuType: "nvidia-l4",
        model: "Qwen/Qwen2.5-7B-Instruct",
        engine: "lmdeploy",
        tensorParallel: 1,
        gpuMemoryUtilization: 0.8,
        maxModelLen: 32768,
        gpuCount: 1,
        unresolved: [],
      },
    ]);
    expectFindings(file, []);
    const [judged] = judgedOf(readFixture(file), file);
    expect(judged!.values).toMatchObject({ engineVersion: "v0.9.2-cu12" });
  });

  it("reports a 72B AWQ model whose KV cache cannot hold a 32k session on two L4s, and offers the instance's four", () => {
    const file = "engines/lmdeploy-qwen2.5-72b-awq-2xl4.yaml";
    expect(fixtureValues(file)[0]).toMatchObject({ engine: "lmdeploy", quantization: "awq", tensorParallel: 2, maxModelLen: 32768, instanceType: "g6.12xlarge" });
    // Line 30: `            - "32768"` after --session-len.
    const result = expectFindings(file, ["vram/kv-cache-headroom 30:16 contextCapped"]);
    expect(result.messages[0]!.message).toContain("LMDeploy starts but serves requests of at most 11,456 tokens, not the 32,768 set");
    expect(result.messages[0]!.suggestions!.map((suggestion) => suggestion.desc)).toEqual([
      "Use max_model_len 11,264: 11,456 KV tokens, 1.0 × 11,264-token sequences",
      "Use 4 × NVIDIA L4 at TP 4 (g6.12xlarge): 124,096 KV tokens, 3.7 × 32,768-token sequences",
    ]);
    expectSuggestionsResolve(file, result);
  });
});

describe("NIM knobs", () => {
  const nimService = (env: string) =>
    [
      "apiVersion: apps.nvidia.com/v1alpha1",
      "kind: NIMService",
      "metadata:",
      "  name: llama-70b",
      "spec:",
      "  image:",
      "    repository: nvcr.io/nim/nvidia/llm-nim",
      "    tag: 1.12.0",
      "  env:",
      env,
      "  resources:",
      "    limits:",
      "      nvidia.com/gpu: 2",
      "",
    ].join("\n");

  it("reads the generic LLM NIM's model path, a TensorRT-LLM profile, memory knobs and passthrough flags", () => {
    const text = nimService(
      [
        "    - name: NIM_MODEL_NAME",
        "      value: hf://meta-llama/Llama-3.1-70B-Instruct",
        "    - name: NIM_MODEL_PROFILE",
        "      value: tensorrt_llm-h100-fp8-tp2-pp1-throughput",
        "    - name: NIM_KVCACHE_PERCENT",
        '      value: "0.85"',
        "    - name: NIM_MAX_MODEL_LEN",
        '      value: "32768"',
      ].join("\n"),
    );
    expect(extractedValues(text)[0]).toMatchObject({ engine: "trtllm", tensorParallel: 2, pipelineParallel: 1, gpuMemoryUtilization: 0.85, maxModelLen: 32768, gpuCount: 2 });
  });

  it("reads NIM_PASSTHROUGH_ARGS with the profile's engine's flags (vLLM without a profile)", () => {
    const text = nimService(
      [
        "    - name: NIM_MODEL_NAME",
        "      value: hf://Qwen/Qwen2.5-7B-Instruct",
        "    - name: NIM_PASSTHROUGH_ARGS",
        '      value: "--max-num-seqs 32 --gpu-memory-utilization 0.7"',
      ].join("\n"),
    );
    expect(extractedValues(text)[0]).toMatchObject({ maxNumSeqs: 32, gpuMemoryUtilization: 0.7 });
  });
});

describe("engine containers that say little", () => {
  const deployment = (container: string, kind = "Deployment") => `apiVersion: apps/v1
kind: ${kind}
metadata:
  name: server
spec:
  template:
    spec:
      containers:
${container}
`;

  it("finds an engine image that runs its entrypoint alone, and says it names no model", () => {
    const vllm = deployment(`        - name: vllm
          image: vllm/vllm-openai:v0.10.1
          env:
            - name: MODEL_PATH
              value: /models/mistral-7b
          resources:
            limits:
              nvidia.com/gpu: 1`);
    expect(extractedValues(vllm)).toEqual([{ kind: "Deployment", name: "server", engine: "vllm", gpuCount: 1, unresolved: [] }]);
    expect(findings(lint(vllm, "server.yaml")).map((message) => message.message)).toEqual([
      "This vLLM deployment names no model in the file, so it was not checked. Name it (--model, MODEL_ID…) or with the annotation vram.lint/model.",
    ]);
  });

  it("finds an engine image on GPUs whose arguments are all set at deploy time, and says so", () => {
    const fromConfigMap = deployment(`        - name: vllm
          image: vllm/vllm-openai:v0.12.0
          args: ["$(VLLM_ARGS)"]
          env:
            - name: VLLM_ARGS
              valueFrom:
                configMapKeyRef: {name: vllm-args, key: args}
          resources:
            limits:
              nvidia.com/gpu: 1`);
    expect(findings(lint(fromConfigMap, "server.yaml")).map((message) => message.message)).toEqual([
      "args is set at deploy time ($(VLLM_ARGS)), so this deployment was not checked. Write the value here to have it checked.",
    ]);
  });

  it("finds an engine image started on GPUs by a script of its own, with the model its env names, and says it is unchecked", () => {
    const custom = deployment(`        - name: vllm
          image: registry.example.com/team/serve-vllm:2.3.0
          command: ["/entrypoint.sh"]
          env:
            - name: MODEL_ID
              value: Qwen/Qwen2.5-7B-Instruct
          resources:
            limits:
              nvidia.com/gpu: 1`);
    expect(extractedValues(custom)).toEqual([{ kind: "Deployment", name: "server", model: "Qwen/Qwen2.5-7B-Instruct", gpuCount: 1, unresolved: ["engine"] }]);
    expect(findings(lint(custom, "server.yaml")).map((message) => message.message)).toEqual([
      "It starts /entrypoint.sh, a script this file does not show, so its flags were not checked. At vLLM's defaults, Qwen2.5-7B-Instruct fits 1 GPU of 20.0 GiB or more.",
      "Qwen2.5-7B-Instruct on 1 GPU fits only some of the GPUs it could land on, and no GPU type is named. It fits the L4, A100 40GB, A100 80GB… (20.0 GiB or more); those of 16.0 GiB or less (V100 16GB, T4…) cannot hold it. Pin one, or list your cluster's GPUs in settings.vram.cluster.",
    ]);
    // The same image running a client without GPUs is no deployment.
    expect(extractedValues(custom.replace("              nvidia.com/gpu: 1", "              cpu: 1"))).toEqual([]);
  });

  it("reads an image it does not know, given only an engine's flags on accelerators, as that engine; not a gateway without them", () => {
    const vendor = deployment(`        - name: server
          image: registry.example.com/ml/llm-server:2025.11
          args: ["--model=mistralai/Mistral-7B-Instruct-v0.3", "--tensor-parallel-size", "1", "--max-model-len", "6144", "--dtype", "bfloat16"]
          resources:
            limits:
              habana.ai/gaudi: 1`);
    expect(extractedValues(vendor)).toEqual([{ kind: "Deployment", name: "server", engine: "vllm", model: "mistralai/Mistral-7B-Instruct-v0.3", tensorParallel: 1, maxModelLen: 6144, dtype: "bfloat16", unresolved: ["gpuCount"] }]);
    expect(findings(lint(vendor, "server.yaml")).map((message) => message.message)).toEqual([
      "habana.ai/gaudi requests Intel Gaudi accelerators, which are not judged as GPUs, so this deployment was not checked.",
    ]);
    // A proxy that also takes --model and --port, with no accelerator, serves no model itself.
    const gateway = deployment(`        - name: gateway
          image: ghcr.io/berriai/litellm:main-v1.74.0
          args: ["--model", "openai/qwen", "--port", "4000", "--num_workers", "4"]
          resources:
            limits:
              cpu: 2`);
    expect(extractedValues(gateway)).toEqual([]);
  });

  it("says a server given the node's GPUs by the NVIDIA runtime is unchecked, not that it requests none", () => {
    const server = (podExtra: string, env: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: server
spec:
  template:
    spec:
${podExtra}      containers:
        - name: vllm
          image: vllm/vllm-openai:v0.10.1
          args: ["--model", "Qwen/Qwen2.5-7B-Instruct"]
${env}`;
    const messages = (text: string) => findings(lint(text, "server.yaml")).map((message) => message.message);
    expect(messages(server("      runtimeClassName: nvidia\n", ""))).toEqual(["runtimeClassName: nvidia gives it the node's GPUs without requesting any, so this deployment was not checked."]);
    expect(messages(server("", "          env:\n            - name: NVIDIA_VISIBLE_DEVICES\n              value: all\n"))).toEqual([
      "NVIDIA_VISIBLE_DEVICES=all gives it the node's GPUs without requesting any, so this deployment was not checked.",
    ]);
    expect(messages(server("", ""))).toEqual(["No GPU is requested (no nvidia.com/gpu in its resources), so this deployment was not checked."]);
  });

  it("reads builds of Ollama named for their GPUs, and not a client that pulls into another pod's server", () => {
    const server = deployment(`        - name: ollama
          image: registry.example.com/ollama-rocm:0.12.3
          env:
            - name: OLLAMA_HOST
              value: "0.0.0.0:11434"
          resources:
            limits:
              amd.com/gpu: 1`);
    expect(extractedValues(server)).toMatchObject([{ engine: "ollama", gpuCount: 1 }]);
    const client = deployment(`        - name: pull
          image: ollama/ollama:0.12.3
          command: ["/bin/sh", "-c", "ollama pull llama3.1:8b"]
          env:
            - name: OLLAMA_HOST
              value: http://ollama.inference.svc:11434`, "Job");
    expect(extractedValues(client)).toEqual([]);
    // The same pull in the server's own pod is its model.
    expect(extractedValues(client.replace("http://ollama.inference.svc:11434", "127.0.0.1:11434"))).toMatchObject([{ engine: "ollama", model: "llama3.1:8b" }]);
  });
});

describe("Text Embeddings Inference deployments", () => {
  it("reads the model and warm-up batch from flags or environment, judges each GPU service without a KV cache, and the CPU build against its memory limit", () => {
    const file = "compose/rag-tei-embeddings.yml";
    expect(fixtureValues(file)).toEqual([
      { kind: "compose service", name: "embeddings", model: "intfloat/e5-large-v2", maxNumBatchedTokens: 65536, engine: "tei", gpuCount: 1, unresolved: [] },
      { kind: "compose service", name: "reranker", model: "BAAI/bge-reranker-v2-m3", maxNumBatchedTokens: 8192, engine: "tei", gpuCount: 1, unresolved: [] },
      { kind: "compose service", name: "reindex-embeddings", model: "BAAI/bge-small-en-v1.5", engine: "tei", unresolved: ["gpuCount"] },
    ]);
    expect(statuses(file)).toEqual(["compose service embeddings: judged", "compose service reranker: judged", "compose service reindex-embeddings: cpu"]);
    expectFindings(file, []);
    const [gpuEmbeddings, reranker, cpuBuild] = judgedOf(readFixture(file), file);
    // The CPU image loads float32 weights: bge-small's 33.4M parameters are 0.12 GiB, well inside 2g.
    if (cpuBuild?.status !== "cpu") throw new Error("not judged on the CPU");
    expect([cpuBuild.host.verdict, cpuBuild.host.limit?.value, cpuBuild.host.memory.kvCacheBytes, cpuBuild.resolved.request.weightFormat.id]).toEqual(["fits", 2 * 2 ** 30, 0, "fp32"]);
    for (const judged of [gpuEmbeddings!, reranker!]) {
      if (judged.status !== "judged") throw new Error("not judged");
      expect(judged.estimate).toMatchObject({ verdict: "fits", kvBytesPerToken: 0, maxConcurrency: Number.POSITIVE_INFINITY });
      expect(judged.estimate.settings.maxNumBatchedTokens).toBe(judged.values.maxNumBatchedTokens);
    }
  });
});
