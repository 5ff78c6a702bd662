import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findings, lint, readFixture } from "../support/lint.js";
import { deploymentsOf, expectSuggestionsFix, finding, judgedOf, lintFixture, writtenAt } from "./helpers.js";

/** Compose never names the GPU type; a team states theirs once. */
const A10G = { vram: { defaults: { gpu: "A10G" } } };

describe("docker-compose", () => {
  it("reports Mixtral on one reserved GPU at `count` once a GPU type is assumed, and every suggestion fixes it", () => {
    const { text, filename, messages } = lintFixture("compose/vllm-mixtral.yaml", { settings: A10G });
    expect(messages.map(finding)).toEqual([{ ruleId: "vram/weights-fit", messageId: "moeResident", line: 25, column: 22 }]);
    expect(expectSuggestionsFix(text, filename, messages, { settings: A10G })).toBe(messages[0]!.suggestions!.length);
    // Without a GPU type it is judged on the GPUs it could run on: Mixtral at bf16 fits one GPU only on the largest.
    expect(lintFixture("compose/vllm-mixtral.yaml").messages.map(finding)).toEqual([{ ruleId: "vram/pin-gpu-type", messageId: "someGpusFit", line: 25, column: 22 }]);
    const judged = judgedOf(text, filename)[0];
    expect(judged).toMatchObject({ status: "judged", resolved: { gpuSource: "range" } });
    if (judged?.status === "judged") expect(judged.range?.failing.map((entry) => entry.gpu.id)).toContain("h100-80gb");
  });

  it("reads a flags-only command list with the engine from the image, and skips services that run no engine", () => {
    const text = readFixture("compose/vllm-mixtral.yaml");
    const deployments = deploymentsOf(text, "compose.yaml");
    expect(deployments.map((deployment) => deployment.name)).toEqual(["vllm"]);
    expect(deployments[0]!.fields).toMatchObject({ engine: { value: "vllm" }, model: { value: "mistralai/Mixtral-8x7B-Instruct-v0.1" }, maxModelLen: { value: 8192 }, gpuMemoryUtilization: { value: 0.92 } });
    expect(writtenAt(text, deployments[0]!, "gpuCount")).toBe("1");
    expect(deployments[0]!.args).toMatchObject({ kind: "list" });
  });

  it("reads GPUs given as device nodes: AMD's /dev/kfd as every AMD GPU of the host, /dev/dri alone as either vendor's, never as no GPU", () => {
    const service = (devices: string) => `services:
  chat:
    image: ghcr.io/ggml-org/llama.cpp:server-vulkan
    command: ["-m", "/models/Llama-3.2-1B-Instruct-Q4_K_M.gguf", "--n-gpu-layers", "99"]
${devices}`;
    const note = (text: string) => deploymentsOf(text, "compose.yaml")[0]!.unresolved.gpuCount?.note;
    expect(note(service("    devices:\n      - /dev/dri:/dev/dri\n"))).toBe("devices: /dev/dri passes in the host's AMD or Intel GPUs, of a type not stated");
    // Judged where it fits every GPU of both vendors; unchecked where one of them decides.
    expect(findings(lint(service("    devices:\n      - /dev/dri:/dev/dri\n"), "compose.yaml"))).toEqual([]);
    const large = service("    devices:\n      - /dev/dri:/dev/dri\n").replace("/models/Llama-3.2-1B-Instruct-Q4_K_M.gguf", "/models/Qwen2.5-32B-Instruct-Q8_0.gguf");
    expect(findings(lint(large, "compose.yaml")).map((message) => message.message)).toEqual([
      "devices: /dev/dri passes in the host's AMD or Intel GPUs, of a type not stated, so this deployment was not checked.",
    ]);
    // `/dev/kfd` is AMD's: every AMD GPU of the host, judged on the AMD GPUs it could be (as `count: all` is on NVIDIA's).
    const kfd = deploymentsOf(service("    devices:\n      - /dev/kfd\n      - /dev/dri/renderD128\n"), "compose.yaml")[0]!;
    expect([kfd.gpuVendor, kfd.unresolved.gpuCount, kfd.fields.gpuCount]).toEqual(["amd", undefined, undefined]);
    // `/dev/dri` alone is Intel's where the image is an Intel build (ipex-llm), AMD's where it is ROCm's.
    const intel = deploymentsOf(`services:\n  ollama:\n    image: intelanalytics/ipex-llm-inference-cpp-xpu:latest\n    devices: [/dev/dri]\n    command: ["/bin/sh", "-c", "ollama serve & sleep 5 && ollama pull qwen2.5:14b && wait"]\n`, "compose.yaml")[0];
    expect([intel?.fields.model?.value, intel?.gpuVendor]).toEqual(["qwen2.5:14b", "intel"]);
    const tgi = deploymentsOf(`services:\n  tgi:\n    image: ghcr.io/huggingface/text-generation-inference:3.3.4-rocm\n    command: ["--model-id", "Qwen/Qwen3-8B"]\n    devices: [/dev/kfd, /dev/dri]\n`, "compose.yaml")[0]!;
    expect([tgi.gpuVendor, tgi.unresolved.gpuCount?.note, tgi.unresolved.gpuCount?.atLeast]).toEqual(["amd", "devices: /dev/kfd gives it every GPU of the host, which TGI shards the model over", 1]);
    expect(note(service("    devices:\n      - /dev/ttyUSB0\n"))).toBe("No GPU is reserved for it (deploy.resources devices or gpus:)");
  });

  it("reads llama.cpp in an image of its own from the variables only llama.cpp reads (LLAMA_ARG_MODEL), and no engine from MODEL_ID", () => {
    const service = (environment: string) => `services:
  llm:
    build: ./llama-cpp-rocm
    environment:
${environment}
    devices: [/dev/kfd, /dev/dri]
`;
    const [llama] = deploymentsOf(service("      - LLAMA_ARG_MODEL=/models/Qwen3-8B-Q5_K_M.gguf\n      - LLAMA_ARG_CTX_SIZE=8192\n      - LLAMA_ARG_N_GPU_LAYERS=999"), "compose.yaml");
    expect([llama!.fields.engine?.value, llama!.fields.model?.value, llama!.fields.maxModelLen?.value, llama!.gpuVendor]).toEqual(["llama.cpp", "/models/Qwen3-8B-Q5_K_M.gguf", 8192, "amd"]);
    expect(deploymentsOf(service("      - MODEL_ID=Qwen/Qwen3-8B"), "compose.yaml").map((deployment) => deployment.fields.engine?.value)).toEqual([]);
  });

  it("says an engine image built here takes its model from a variable of its own, rather than that the file names none", () => {
    const text = `services:
  llamacpp:
    image: qwen-r9700:llamacpp
    build:
      context: docker
      dockerfile: Dockerfile.llamacpp
    environment:
      MODEL: /app/gguf/Qwen3.8-27B-Q5_K_M.gguf
      CTX: "65536"
    devices: [/dev/kfd, /dev/dri]
`;
    expect(findings(lint(text, "compose.yaml")).map((message) => message.message)).toEqual([
      "MODEL names its model, Qwen3.8-27B-Q5_K_M.gguf, which its image's entrypoint reads, so this deployment was not checked.",
    ]);
  });

  it("reads the engine of a service built from the project's own Dockerfile from its flags, when it reserves GPUs", () => {
    const built = (gpus: string) => `services:
  vllm-backend:
    build:
      context: .
      dockerfile: vllm.Dockerfile
    command: >
      --model Qwen/Qwen2.5-7B-Instruct
      --tensor-parallel-size 1
      --max-model-len 16384
${gpus}`;
    const reserved = built("    deploy:\n      resources:\n        reservations:\n          devices:\n            - driver: nvidia\n              count: 1\n              capabilities: [gpu]\n");
    expect(deploymentsOf(reserved, "compose.yaml").map((deployment) => [deployment.fields.engine?.value, deployment.fields.model?.value, deployment.fields.gpuCount?.value])).toEqual([["vllm", "Qwen/Qwen2.5-7B-Instruct", 1]]);
    // Flags alone, with no GPU, say too little: a gateway takes `--model` too.
    expect(deploymentsOf(built(""), "compose.yaml")).toEqual([]);
  });

  it("reads TGI settings from a KEY=value environment list and counts device_ids", () => {
    const text = readFixture("compose/tgi-llama-8b.yaml");
    const [deployment] = deploymentsOf(text, "compose.yaml");
    expect(deployment!.fields).toMatchObject({
      engine: { value: "tgi" },
      model: { value: "meta-llama/Llama-3.1-8B-Instruct", readonly: true },
      tensorParallel: { value: 2, readonly: true },
      maxModelLen: { value: 8192 },
      gpuCount: { value: 2, readonly: true },
    });
    expect(lintFixture("compose/tgi-llama-8b.yaml", { settings: A10G }).messages).toEqual([]);
    expect(judgedOf(text, "compose.yaml", A10G.vram)[0]).toMatchObject({ status: "judged" });
  });

  it("joins a string entrypoint and a folded command; `count: all` leaves the GPU count to the engine", () => {
    const text = readFixture("compose/sglang-qwen.yaml");
    const [deployment] = deploymentsOf(text, "compose.yaml");
    expect(deployment!.fields).toMatchObject({ engine: { value: "sglang" }, model: { value: "Qwen/Qwen2.5-7B-Instruct" }, maxModelLen: { value: 16384 }, gpuMemoryUtilization: { value: 0.85 } });
    expect(deployment!.fields.gpuCount).toBeUndefined();
    expect(deployment!.unresolved).toEqual({});
    expect(deployment!.args).toMatchObject({ kind: "string" });
    expect(lintFixture("compose/sglang-qwen.yaml", { settings: A10G }).messages).toEqual([]);
  });

  it("does not judge TGI on `count: all` without NUM_SHARD (it shards over every GPU of the host)", () => {
    const text = `services:
  tgi:
    image: ghcr.io/huggingface/text-generation-inference:3.0.1
    environment:
      MODEL_ID: meta-llama/Llama-3.1-70B-Instruct
    deploy:
      resources:
        reservations:
          devices:
            - driver: nvidia
              count: all
              capabilities: [gpu]
`;
    expect(judgedOf(text, "compose.yaml", A10G.vram)[0]).toMatchObject({ status: "incomplete", field: "gpuCount" });
  });

  it("runs `sh -c` command strings through the shell with the service environment", () => {
    const text = `services:
  llm:
    image: python:3.12
    environment:
      MODEL: Qwen/Qwen2.5-7B-Instruct
    command: sh -c "pip install vllm && vllm serve $$MODEL --max-model-len 4096"
`;
    const [deployment] = deploymentsOf(text, "compose.yaml");
    expect(deployment!.fields).toMatchObject({ engine: { value: "vllm" }, maxModelLen: { value: 4096, readonly: true } });
    // The shell as the entrypoint and `-c SCRIPT` as the command run the same script.
    const split = text.replace('    command: sh -c "', '    entrypoint: /bin/sh\n    command: -c "');
    expect(deploymentsOf(split, "compose.yaml")[0]!.fields).toMatchObject({ model: { value: "Qwen/Qwen2.5-7B-Instruct" }, maxModelLen: { value: 4096 } });
  });

  it("gives an Ollama server the model another service pulls into it through OLLAMA_HOST, and judges no client", () => {
    const text = `services:
  ollama:
    image: ollama/ollama:0.12.3
    container_name: llm
    deploy:
      resources:
        reservations:
          devices:
            - driver: nvidia
              count: 1
              capabilities: [gpu]
  ollama-init:
    image: ollama/ollama:0.12.3
    environment:
      - OLLAMA_HOST=http://llm:11434
    entrypoint: ["/bin/sh", "-c", "ollama pull llama3.1:8b && echo done"]
    depends_on: [ollama]
`;
    const deployments = deploymentsOf(text, "compose.yaml");
    expect(deployments.map((deployment) => [deployment.name, deployment.fields.model?.value, deployment.fields.gpuCount?.value])).toEqual([["ollama", "llama3.1:8b", 1]]);
  });

  it("reads a one-word entrypoint before a command list as one argv (`entrypoint: /bin/sh`, `command: [-c, script]`)", () => {
    const text = `services:
  ollama-gpu:
    image: ollama/ollama:latest
    container_name: ollama-gpu
    runtime: nvidia
  ollama-pull:
    image: ollama/ollama:latest
    entrypoint: /bin/sh
    environment:
      - OLLAMA_HOST=ollama-gpu:11434
    command:
      - "-c"
      - "sleep 3; ollama pull qwen3:4b; ollama pull phi4-mini"
`;
    // Ollama loads each model it pulls when a request names it: each is judged on the server's GPUs.
    const deployments = deploymentsOf(text, "compose.yaml");
    expect(deployments.map((deployment) => [deployment.name, deployment.fields.model?.value])).toEqual([
      ["ollama-gpu", "qwen3:4b"],
      ["ollama-gpu", "phi4-mini"],
    ]);
  });

  it("judges every model an Ollama script pulls, each on the server's GPUs, so a larger later one is not passed over", () => {
    const text = `services:
  ollama:
    image: ollama/ollama:0.12.3
    container_name: ollama
    deploy:
      resources:
        reservations:
          devices:
            - driver: nvidia
              count: 1
              capabilities: [gpu]
  ollama-pull:
    image: ollama/ollama:0.12.3
    environment:
      - OLLAMA_HOST=ollama:11434
    entrypoint: ["/bin/sh", "-c"]
    command: ["sleep 3; ollama pull llama3.2:3b && ollama pull qwen2.5:32b; ollama pull llama3.2:3b"]
`;
    expect(deploymentsOf(text, "compose.yaml").map((deployment) => deployment.fields.model?.value)).toEqual(["llama3.2:3b", "qwen2.5:32b"]);
    // The 32B (about 19 GiB at Q4_K_M) fits only some GPUs: said, where the first model alone would pass.
    expect(findings(lint(text, "compose.yaml")).map((message) => message.ruleId)).toEqual(["vram/pin-gpu-type"]);
  });

  it("reads a model file whose folder is set at deploy time by its written name, and says so", () => {
    const service = (file: string) => `services:
  llm:
    image: ghcr.io/ggml-org/llama.cpp:server-cuda
    command: -m \${MODELS_DIR}/${file} -c 8192 -ngl 99
    deploy:
      resources:
        reservations:
          devices:
            - driver: nvidia
              count: 1
              capabilities: [gpu]
`;
    const [named] = deploymentsOf(service("Llama-3.2-3B-Instruct-Q4_K_M.gguf"), "compose.yaml");
    expect([named?.fields.model?.value, named?.fields.model?.readonly, named?.assumptions]).toEqual([
      // Compose reads `${MODELS_DIR}` as the shell's `$MODELS_DIR`, set when the service starts.
      "$MODELS_DIR/Llama-3.2-3B-Instruct-Q4_K_M.gguf",
      true,
      ["$MODELS_DIR is set at deploy time; Llama-3.2-3B-Instruct-Q4_K_M.gguf names the model"],
    ]);
    // A file named for nothing stays set at deploy time.
    const [generic] = deploymentsOf(service("model.gguf"), "compose.yaml");
    expect([generic?.fields.model, generic?.unresolved.model?.reason]).toEqual([undefined, "variable"]);
  });

  it("finds a LocalAI server on GPUs and says its models are in its models folder", () => {
    const text = `services:
  localai:
    image: localai/localai:latest-gpu-vulkan
    devices:
      - /dev/dri/renderD128:/dev/dri/renderD128
    volumes:
      - ./models:/models
`;
    const [deployment] = deploymentsOf(text, "compose.yaml");
    expect(deployment?.unresolved.engine?.note).toBe("It runs LocalAI, whose models are configured in its models folder, not in this file");
  });

  it("reads models pulled over Ollama's REST API by another service as the server's, and an engine's flags under an image set at deploy time", () => {
    const pulls = deploymentsOf(readFixture("compose/ollama-pull-over-api.yml"), "compose.yaml");
    expect(pulls.map((deployment) => [deployment.name, deployment.fields.engine?.value, deployment.fields.model?.value, deployment.fields.gpuCount?.value])).toEqual([
      ["ollama", "ollama", "qwen2.5:32b", 1],
      ["ollama", "ollama", "nomic-embed-text", 1],
    ]);
    const flags = deploymentsOf(readFixture("compose/llama-server-flags-image-from-env.yml"), "compose.yaml");
    expect(flags.map((deployment) => [deployment.fields.engine?.value, deployment.unresolved.model?.raw])).toEqual([["llama.cpp", "${MODEL_PATH}"]]);
    // Flags alone on no GPU, or too few to tell an engine, start nothing read here.
    expect(deploymentsOf("services:\n  app:\n    image: ${IMAGE}\n    command: [--port, '8080']\n    gpus: all\n", "compose.yaml")).toEqual([]);
  });

  it("finds an engine's image on GPUs whose whole command is set at deploy time, and says so; not one without GPUs", () => {
    const service = (gpus: string) => `services:\n  vllm:\n    image: vllm/vllm-openai:v0.12.0\n${gpus}    command: \${VLLM_ARGS}\n`;
    const gpus = "    deploy:\n      resources:\n        reservations:\n          devices:\n            - driver: nvidia\n              count: 1\n              capabilities: [gpu]\n";
    expect(findings(lint(service(gpus), "compose.yaml")).map((message) => message.message)).toEqual([
      "command is set at deploy time (${VLLM_ARGS}), so this deployment was not checked. Write the value here to have it checked.",
    ]);
    expect(deploymentsOf(service(""), "compose.yaml")).toEqual([]);
  });

  it("reads the model a service built from the project's own Dockerfile is given in its environment, under any model-naming variable", () => {
    const built = (variable: string) =>
      `services:\n  vllm:\n    build: {context: ., dockerfile: backend/Dockerfile.vllm}\n    environment:\n      - ${variable}=\${${variable}:-Qwen/Qwen2.5-7B-Instruct}\n    gpus: all\n`;
    expect(["MODEL", "VLLM_MODEL", "MODEL_NAME"].map((variable) => deploymentsOf(built(variable), "compose.yaml")[0]?.fields.model?.source)).toEqual(["environment.MODEL", "environment.VLLM_MODEL", "environment.MODEL_NAME"]);
    expect(deploymentsOf(built("EMBEDDINGS"), "compose.yaml")).toEqual([]);
  });

  it("never throws on missing keys, wrong types and nulls", () => {
    const shapes = [
      (value: unknown) => ({ services: value }),
      (value: unknown) => ({ services: { a: value, b: { image: "vllm/vllm-openai", command: value, entrypoint: value, environment: value } } }),
      (value: unknown) => ({ services: { b: { image: "vllm/vllm-openai", command: ["--model", "x/y"], deploy: { resources: { reservations: { devices: [value, { count: value, device_ids: value, capabilities: value }] } } }, gpus: value } } }),
    ];
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), fc.integer({ min: 0, max: shapes.length - 1 }), (value, shape) => {
        expect(() => deploymentsOf(JSON.stringify(shapes[shape]!(value)), "compose.yaml")).not.toThrow();
      }),
      { numRuns: 300 },
    );
    for (const text of ["services:\n", "services: []\n", "services:\n  a:\n  b: 1\n"]) expect(() => deploymentsOf(text, "compose.yaml")).not.toThrow();
  });
});
