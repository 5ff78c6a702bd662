import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseYAML } from "yaml-eslint-parser";
import { type DocNode, documentsOf } from "../src/extract/doc.js";
import { commandTokens, engineFromImage, type EngineCall, parseEngineCall, parseValue, valuesOf } from "../src/extract/engine-args.js";

/** Parses a container snippet and runs its command + args through the engine parser. */
function call(yaml: string, env: Record<string, string> = {}, image?: string): { call: EngineCall | undefined; text: string } {
  const text = yaml;
  const [container] = documentsOf(parseYAML(text) as never) as DocNode[];
  const items = [...(container!.get("command")?.items() ?? []), ...(container!.get("args")?.items() ?? [])];
  const { tokens, shell } = commandTokens(items, text, new Map(Object.entries(env)));
  const argsList = !shell ? container!.get("args") ?? container!.get("command") : undefined;
  const imageEngine = engineFromImage(image ?? (container!.get("image")?.value as string | undefined));
  return { call: parseEngineCall(tokens, { ...(imageEngine ? { imageEngine } : {}), ...(argsList ? { argsList } : {}) }), text };
}

/** The text a located field points at. */
function at(text: string, result: EngineCall, field: keyof EngineCall["fields"]): string {
  const located = result.fields[field]!;
  const [start, end] = located.range ?? located.node.range;
  return text.slice(start, end);
}

describe("engine invocations", () => {
  it("reads a Windows build of llama-server (`C:\\…\\llama-server.exe`), as llama-swap configs on Windows start it", () => {
    const result = call(`
command: ["C:\\\\llama.cpp\\\\bin\\\\llama-server.exe", "-m", "C:\\\\models\\\\Qwen3-8B-Q4_K_M.gguf", "-ngl", "99", "-c", "8192"]
`).call!;
    expect(result.engine).toBe("llama.cpp");
    expect(valuesOf(result.fields)).toMatchObject({ model: "C:\\models\\Qwen3-8B-Q4_K_M.gguf", gpuLayers: 99, maxModelLen: 8192 });
  });

  it("expands `${VAR:+word}` as the shell does: the word when VAR is set, nothing when it is empty, unknown when it is not in the environment", () => {
    const script = `
command: ["/bin/sh", "-c"]
args:
  - |
    exec vllm serve "$MODEL_ID" \\
      \${PARSER:+--tool-call-parser "$PARSER" --enable-auto-tool-choice} \\
      \${EXTRA:+--max-model-len 8192} \\
      --tensor-parallel-size 2
`;
    const set = call(script, { MODEL_ID: "Qwen/Qwen3-8B", PARSER: "hermes", EXTRA: "" }).call!;
    expect(valuesOf(set.fields)).toEqual({ model: "Qwen/Qwen3-8B", tensorParallel: 2 });
    const unknown = call(script, { MODEL_ID: "Qwen/Qwen3-8B" }).call!;
    expect(valuesOf(unknown.fields)).toMatchObject({ model: "Qwen/Qwen3-8B", tensorParallel: 2 });
    const withLength = call(script, { MODEL_ID: "Qwen/Qwen3-8B", EXTRA: "yes" }).call!;
    expect(valuesOf(withLength.fields)).toMatchObject({ maxModelLen: 8192 });
  });

  it("reads `vllm serve MODEL` with list args, --flag value and --flag=value", () => {
    const { call: result, text } = call(`
command: ["vllm", "serve"]
args: ["mistralai/Mixtral-8x7B-Instruct-v0.1", "--tensor-parallel-size", "2", "--max-model-len=32768", "--enforce-eager"]
`);
    expect(result!.engine).toBe("vllm");
    expect(valuesOf(result!.fields)).toEqual({
      model: "mistralai/Mixtral-8x7B-Instruct-v0.1",
      tensorParallel: 2,
      maxModelLen: 32768,
      enforceEager: true,
    });
    expect(at(text, result!, "maxModelLen")).toBe("32768");
    expect(result!.fields.tensorParallel!.source).toBe("--tensor-parallel-size");
    expect(result!.args).toMatchObject({ kind: "list", equals: false });
  });

  it("reads `python -m vllm.entrypoints.openai.api_server` and the vllm-openai image with args only", () => {
    const module = call(`
command: ["python3", "-m", "vllm.entrypoints.openai.api_server"]
args: ["--model", "Qwen/Qwen3-8B", "--gpu-memory-utilization", "0.85"]
`).call!;
    expect(valuesOf(module.fields)).toEqual({ model: "Qwen/Qwen3-8B", gpuMemoryUtilization: 0.85 });
    const argsOnly = call(`
image: vllm/vllm-openai:v0.11.0
args: ["--model", "Qwen/Qwen3-8B", "--dtype", "half"]
`).call!;
    expect(argsOnly.engine).toBe("vllm");
    expect(valuesOf(argsOnly.fields)).toEqual({ model: "Qwen/Qwen3-8B", dtype: "half" });
    // The image's entrypoint is `vllm serve`: args may lead with the model.
    const positional = call(`
image: vllm/vllm-openai:latest
command: ["stelterlab/Qwen3-Coder-30B-A3B-Instruct-AWQ", "--gpu-memory-utilization", "0.45", "--tensor-parallel-size", "1"]
`).call!;
    expect(valuesOf(positional.fields)).toEqual({ model: "stelterlab/Qwen3-Coder-30B-A3B-Instruct-AWQ", gpuMemoryUtilization: 0.45, tensorParallel: 1 });
    // An image whose entrypoint takes flags only (TGI's launcher) reads no model from a leading word.
    const tgi = call(`
image: ghcr.io/huggingface/text-generation-inference:3.3.4
args: ["meta-llama/Llama-3.1-8B-Instruct", "--max-total-tokens", "8192"]
`).call!;
    expect(valuesOf(tgi.fields)).toEqual({ maxModelLen: 8192 });
  });

  it("reads vLLM's positional model after the options too (argparse takes positionals anywhere), and never a flag's value for it", () => {
    const last = call(`
command: ["sh", "-c", "vllm serve --generation-config auto --served-model-name phi-4 --revision 6fbb3d3 $MODEL"]
`, { MODEL: "microsoft/phi-4" }).call!;
    expect(valuesOf(last.fields)).toEqual({ model: "microsoft/phi-4" });
    const flagged = call(`
command: ["vllm", "serve", "--model", "Qwen/Qwen3-8B", "--max-model-len", "8192", "stray"]
`).call!;
    expect(valuesOf(flagged.fields)).toEqual({ model: "Qwen/Qwen3-8B", maxModelLen: 8192 });
    // An engine that takes no positional model (TGI's launcher) still reads none.
    const tgi = call(`
image: ghcr.io/huggingface/text-generation-inference:3.3.4
args: ["--max-total-tokens", "8192", "meta-llama/Llama-3.1-8B-Instruct"]
`).call!;
    expect(valuesOf(tgi.fields)).toEqual({ maxModelLen: 8192 });
  });

  it("passes a script's arguments to its \"$@\" (an entrypoint wrapper `sh -c 'exec vllm serve \"$@\"' -- --model …`)", () => {
    const text = `
command:
  - /bin/bash
  - -c
  - |
    ulimit -n 65536
    exec vllm serve \${VLLM_ENFORCE_EAGER:+--enforce-eager} "$@"
  - --
  - --model
  - Qwen/Qwen2.5-14B-Instruct-AWQ
  - --max-model-len
  - "16384"
`;
    const result = call(text).call!;
    expect(valuesOf(result.fields)).toEqual({ model: "Qwen/Qwen2.5-14B-Instruct-AWQ", maxModelLen: 16384 });
    // The arguments stay where the file writes them, so a suggestion edits them in place.
    expect(at(text, result, "maxModelLen")).toBe("16384");
  });

  it("reads a command line an entrypoint builds with set -- and runs with \"$@\"", () => {
    const text = `
command: ["/bin/bash", "-lc"]
args:
  - |
    set -eu
    set -- serve Qwen/Qwen3-8B-AWQ \\
      --port 8000 \\
      --max-model-len 32768
    if [ -n "\${VLLM_API_KEY:-}" ]; then
      set -- "$@" --api-key "$VLLM_API_KEY"
    fi
    set -- "$@" --tensor-parallel-size 2
    exec vllm "$@"
`;
    const result = call(text).call!;
    expect(valuesOf(result.fields)).toEqual({ model: "Qwen/Qwen3-8B-AWQ", maxModelLen: 32768, tensorParallel: 2 });
    expect(at(text, result, "maxModelLen")).toBe("32768");
    // Options only (`set -eu`) leave the arguments alone; `set` itself is no model.
    const unset = call(`
command: ["sh", "-c", "set -e; set -- serve \\"$MODEL_ID\\"; exec vllm \\"$@\\"", "--"]
`).call!;
    expect(unset.fields.model?.value).toBeUndefined();
  });

  it("reads the file a `$(hf download REPO FILE)` prints as the model, and no engine a `pkill` or `echo` only names", () => {
    const text = `
command: ["/bin/bash", "-c"]
args:
  - |
    echo "starting llama-server for $HF_REPO"
    pkill -f 'llama-server' 2>/dev/null || true
    MODEL_PATH=$(hf download --quiet "$HF_REPO" "$HF_FILE")
    exec llama-server -m "$MODEL_PATH" -ngl 99 --ctx-size 16384
`;
    const result = call(text, { HF_REPO: "Qwen/Qwen2.5-7B-Instruct-GGUF", HF_FILE: "qwen2.5-7b-instruct-q4_k_m.gguf" }).call!;
    expect([result.engine, valuesOf(result.fields)]).toEqual(["llama.cpp", { model: "Qwen/Qwen2.5-7B-Instruct-GGUF/qwen2.5-7b-instruct-q4_k_m.gguf", gpuLayers: 99, maxModelLen: 16384 }]);
    // Several files print a folder, and any other command substitution stays unknown.
    const folder = call(`command: ["sh", "-c", "M=$(hf download org/x a.gguf b.gguf); llama-server -m $M"]`).call!;
    expect(folder.fields.model).toBeUndefined();
  });

  it("accepts short aliases, underscore spellings and unique prefixes (argparse allow_abbrev)", () => {
    const { call: result } = call(`
command: ["vllm", "serve", "m/x", "-tp", "4", "--gpu_memory_utilization", "0.9", "--max-num-batched-token=4096", "--max-num-seq", "64", "-q", "awq"]
`);
    expect(valuesOf(result!.fields)).toEqual({
      model: "m/x",
      tensorParallel: 4,
      gpuMemoryUtilization: 0.9,
      maxNumBatchedTokens: 4096,
      maxNumSeqs: 64,
      quantization: "awq",
    });
    // A prefix the engine's other flags share is ambiguous to its argparse: `--mode` is not `--model`.
    const ambiguous = call(`
command: ["vllm", "serve", "--model", "facebook/opt-125m", "--mode", "random", "--max-model", "2048"]
`).call!;
    expect(valuesOf(ambiguous.fields)).toEqual({ model: "facebook/opt-125m", maxModelLen: 2048 });
  });

  it("reads a shell script in `sh -c` with continuations, and locates each value inside the string", () => {
    const { call: result, text } = call(`
command: ["/bin/sh", "-c"]
args:
  - |
    pip install -q hf_transfer && \\
    vllm serve deepseek-ai/DeepSeek-V3 \\
      --tensor-parallel-size 8 \\
      --max-model-len 65536 \\
      --trust-remote-code
`);
    expect(valuesOf(result!.fields)).toEqual({ model: "deepseek-ai/DeepSeek-V3", tensorParallel: 8, maxModelLen: 65536 });
    expect(at(text, result!, "tensorParallel")).toBe("8");
    expect(at(text, result!, "model")).toBe("deepseek-ai/DeepSeek-V3");
    expect(result!.args?.kind).toBe("string");
  });

  it("reads folded `>-` scalars and `bash -ec`", () => {
    const { call: result } = call(`
command: ["bash", "-ec"]
args:
  - >-
    set -e;
    python3 -m sglang.launch_server --model-path Qwen/Qwen3-32B --tp 4 --context-length 32768 --mem-fraction-static 0.85
`);
    expect(result!.engine).toBe("sglang");
    expect(valuesOf(result!.fields)).toEqual({ model: "Qwen/Qwen3-32B", tensorParallel: 4, maxModelLen: 32768, gpuMemoryUtilization: 0.85 });
  });

  it("expands Kubernetes $(VAR) and shell $VAR / ${VAR} from the container env; unknown ones leave the value unresolved", () => {
    const env = { MODEL_ID: "meta-llama/Llama-3.1-8B-Instruct", CTX: "8192" };
    const kubernetes = call(`args: ["vllm", "serve", "$(MODEL_ID)", "--max-model-len", "$(CTX)"]`, env).call!;
    expect(valuesOf(kubernetes.fields)).toEqual({ model: "meta-llama/Llama-3.1-8B-Instruct", maxModelLen: 8192 });
    const shell = call(`command: ["sh", "-c", "vllm serve $MODEL_ID --max-model-len \${CTX} --tensor-parallel-size $TP"]`, env).call!;
    expect(valuesOf(shell.fields)).toEqual({ model: "meta-llama/Llama-3.1-8B-Instruct", maxModelLen: 8192 });
    expect(shell.unresolved.tensorParallel).toMatchObject({ reason: "variable" });
  });

  it("never places an expanded or unresolved variable on an equal number elsewhere in the command", () => {
    // `$(TP)` is unknown; the `8000` of --port must not be taken for it, nor `4` inside the model name.
    const text = `args: ["vllm", "serve", "org/model-4b", "--port", "8000", "--tensor-parallel-size", "$(TP)", "--max-model-len", "$(CTX)"]`;
    const result = call(text, { CTX: "8000" }).call!;
    expect(result.unresolved.tensorParallel).toMatchObject({ raw: "$(TP)", reason: "variable" });
    expect(result.fields.tensorParallel).toBeUndefined();
    // The expanded context is read, but it is written in the env, not here: it cannot be edited in place.
    expect(result.fields.maxModelLen).toMatchObject({ value: 8000, readonly: true });
    expect(at(text, result, "maxModelLen")).toBe("$(CTX)");
    // In a script the unknown variable is named as written too.
    const script = call(`command: ["sh", "-c", "vllm serve org/model-4b --port 8000 --tensor-parallel-size \${TP}"]`).call!;
    expect(script.unresolved.tensorParallel).toMatchObject({ raw: "$TP", reason: "variable" });
  });

  it("follows assignments earlier in the script; shell arithmetic stays unresolved", () => {
    const assigned = call(`command: ["sh", "-c", "TP=4; vllm serve m/x --tensor-parallel-size $TP"]`).call!;
    expect(assigned.fields.tensorParallel?.value).toBe(4);
    const arithmetic = call(`command: ["sh", "-c", "TP=$(($SKYPILOT_NUM_GPUS_PER_NODE * $SKYPILOT_NUM_NODES)); vllm serve m/x --tensor-parallel-size $TP"]`).call!;
    expect(arithmetic.unresolved.tensorParallel).toBeDefined();
    expect(arithmetic.fields.tensorParallel).toBeUndefined();
  });

  it("stops at the end of the engine command (`&`, `;`, `|`)", () => {
    const { call: result } = call(`command: ["sh", "-c", "vllm serve m/x --max-model-len 4096 & python3 client.py --tensor-parallel-size 9"]`);
    expect(valuesOf(result!.fields)).toEqual({ model: "m/x", maxModelLen: 4096 });
  });

  it("reads SGLang's --ep-size as expert parallelism (1: none), and TRL's vllm-serve as vLLM", () => {
    const ep = call(`command: ["python3", "-m", "sglang.launch_server", "--model-path", "Qwen/Qwen3-Coder-480B-A35B-Instruct-FP8", "--tp-size=8", "--ep-size=8"]`).call!;
    expect(valuesOf(ep.fields)).toMatchObject({ tensorParallel: 8, expertParallel: true });
    expect(valuesOf(call(`command: ["python3", "-m", "sglang.launch_server", "--model-path", "m/x", "--expert-parallel-size", "1"]`).call!.fields)).toMatchObject({ expertParallel: false });
    const trl = call(`command: ["trl", "vllm-serve", "--model", "Qwen/Qwen2.5-7B", "--tensor_parallel_size", "2"]`).call!;
    expect([trl.engine, valuesOf(trl.fields)]).toEqual(["vllm", { model: "Qwen/Qwen2.5-7B", tensorParallel: 2 }]);
  });

  it("reads TGI and llama.cpp flags", () => {
    const tgi = call(`args: ["text-generation-launcher", "--model-id", "meta-llama/Llama-2-70b-chat-hf", "--num-shard", "2", "--quantize", "bitsandbytes-nf4"]`).call!;
    expect(tgi.engine).toBe("tgi");
    expect(valuesOf(tgi.fields)).toEqual({ model: "meta-llama/Llama-2-70b-chat-hf", tensorParallel: 2, quantization: "bitsandbytes-nf4" });
    const llama = call(`command: ["/app/llama-server", "-m", "/models/mixtral-8x7b-instruct-v0.1.Q4_K_M.gguf", "-ngl", "20", "-c", "8192", "--n-cpu-moe", "12"]`).call!;
    expect(llama.engine).toBe("llama.cpp");
    expect(valuesOf(llama.fields)).toEqual({ model: "/models/mixtral-8x7b-instruct-v0.1.Q4_K_M.gguf", gpuLayers: 20, maxModelLen: 8192, cpuMoeLayers: 12 });
  });

  it("reads vLLM's --kv-cache-memory-bytes, spelled out or abbreviated, in bytes or a size", () => {
    for (const args of [`["--kv-cache-memory-bytes", "9663676416", "--gpu-memory-utilization", "0.9"]`, `["--gpu-memory-utilization", "0.9", "--kv-cache-memory", "9G"]`]) {
      const result = call(`command: ["vllm", "serve", "Qwen/Qwen3-8B"]\nargs: ${args}`).call!;
      expect(valuesOf(result.fields)).toEqual({ model: "Qwen/Qwen3-8B", gpuMemoryUtilization: 0.9, kvCacheMemoryBytes: 9_663_676_416 });
    }
  });

  it("reads llama.cpp's -ngl as any whole number, auto or all (common/arg.cpp)", () => {
    const layers = (value: string) => valuesOf(call(`command: ["llama-server", "-m", "/models/qwen2.5-7b-instruct-q4_k_m.gguf", "-ngl", "${value}"]`).call!.fields).gpuLayers;
    expect(["-1", "auto", "AUTO", "-2", "all", "0", "99"].map(layers)).toEqual([-1, -1, -1, -2, 1_000_000, 0, 99]);
    const half = call(`command: ["llama-server", "-m", "/models/qwen2.5-7b-instruct-q4_k_m.gguf", "-ngl", "half"]`).call!;
    expect(half.unresolved.gpuLayers).toMatchObject({ raw: "half", reason: "invalid" });
  });

  it("reads llama.cpp's --hf-file as the file of the --hf-repo it pulls, so its quant type is the format", () => {
    const written = call(`args: ["--hf-repo", "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF", "--hf-file", "Meta-Llama-3.1-8B-Instruct-Q8_0.gguf", "-ngl", "99"]`, {}, "ghcr.io/ggml-org/llama.cpp:server-cuda").call!;
    expect(valuesOf(written.fields)).toEqual({ model: "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF/Meta-Llama-3.1-8B-Instruct-Q8_0.gguf", gpuLayers: 99 });
    // The joined name is in the file as two texts: a fix must not write it over the repository's.
    expect(written.fields.model!.readonly).toBe(true);
    // The file given first, a tag the file replaces, and a local path the file does not apply to.
    const fileFirst = call(`command: ["llama-server", "-hff", "Qwen2.5-7B-Instruct-Q6_K.gguf", "-hf", "Qwen/Qwen2.5-7B-Instruct-GGUF:Q4_K_M"]`).call!;
    expect(valuesOf(fileFirst.fields)).toEqual({ model: "Qwen/Qwen2.5-7B-Instruct-GGUF/Qwen2.5-7B-Instruct-Q6_K.gguf" });
    const local = call(`command: ["llama-server", "-m", "/models/qwen2.5-7b-instruct-q4_k_m.gguf", "--hf-file", "other.gguf"]`).call!;
    expect(valuesOf(local.fields)).toEqual({ model: "/models/qwen2.5-7b-instruct-q4_k_m.gguf" });
    // A file named by a variable leaves the repository's default, which the resolution states as assumed.
    const unknownFile = call(`args: ["--hf-repo", "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF", "--hf-file", "$(GGUF_FILE)"]`, {}, "ghcr.io/ggml-org/llama.cpp:server-cuda").call!;
    expect(valuesOf(unknownFile.fields)).toEqual({ model: "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF" });
  });

  it("marks malformed values invalid instead of guessing", () => {
    const { call: result } = call(`args: ["vllm", "serve", "m/x", "--tensor-parallel-size", "two"]`);
    expect(result!.unresolved.tensorParallel).toMatchObject({ raw: "two", reason: "invalid" });
  });

  it("ignores containers that run no engine", () => {
    expect(call(`command: ["nginx", "-g", "daemon off;"]`).call).toBeUndefined();
    // An engine project's router or gateway image runs no model, whatever its flags.
    for (const image of ["lmcache/lmstack-router:latest", "ghcr.io/vllm-project/production-stack/router:v0.1.7", "lmsysorg/sglang-router:v0.2.1", "ghcr.io/llm-d/llm-d-routing-sidecar:v0.3.0"]) {
      expect(engineFromImage(image), image).toBeUndefined();
    }
    expect(engineFromImage("registry.local:5000/vllm/vllm-openai:v0.11.0")).toBe("vllm");
    expect(call(`command: ["sh", "-c", "sleep infinity"]`).call).toBeUndefined();
  });

  it("parses vLLM's human-readable sizes", () => {
    expect(parseValue("size", "32k")).toBe(32_000);
    expect(parseValue("size", "32K")).toBe(32_768);
    expect(parseValue("size", "1M")).toBe(1_048_576);
    expect(parseValue("size", "lots")).toBeUndefined();
    expect(parseValue("int", "1.5")).toBeUndefined();
    expect(parseValue("float", "0.9")).toBe(0.9);
  });

  it("never throws on arbitrary command lines", () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 12 }), fc.string(), (args, script) => {
        const yaml = `command: ${JSON.stringify(["sh", "-c", script])}\nargs: ${JSON.stringify(args)}\n`;
        expect(() => call(yaml)).not.toThrow();
        expect(() => call(`args: ${JSON.stringify(["vllm", "serve", ...args])}\n`)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });
});
