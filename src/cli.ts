#!/usr/bin/env node
/**
 * `vram` — size an LLM deployment from the command line.
 *
 *   vram lint [PATH…] [--format stylish|json|sarif] [--stdin --stdin-filename F] …
 *   vram estimate --model M --gpu G [vLLM-style flags] [--json]
 *   vram explain FILE… [--json]
 *
 * Exit codes: 0 fits and starts (lint: no error), 1 does not (what the rules report as errors), 2
 * usage error (one line on stderr, never a stack trace).
 *
 * Installed as `vram` and as `eslint-plugin-vram`, so `npx eslint-plugin-vram lint` runs it too.
 */
import { distance } from "fastest-levenshtein";
import { realpathSync } from "node:fs";
import { text } from "node:stream/consumers";
import { fileURLToPath } from "node:url";
import { catalogDate, pluginMeta } from "./meta.js";
import { type CliIo, UsageError } from "./cli-io.js";
import { SizingInputError } from "./sizing/estimate.js";
import { lookup } from "./lookup.js";
import { printable } from "./text.js";


const HELP = `Usage:
  vram lint [PATH...] [options]                     lint YAML, JSON and Terraform files, no config needed
                                                    (vram lint --help for its options)
  vram estimate --model MODEL --gpu GPU [options]   size one deployment
  vram explain FILE... [--json]                     every deployment found in files
  vram --version

estimate and explain read settings.vram (models, GPUs, defaults) and the kv-cache-headroom option from the
nearest eslint.config.* (or --config FILE), so they judge as the rules do.

estimate options (named as vLLM names them):
  --model NAME                    HF id, hf:// URI, pre-quantized repo, GGUF file, Ollama tag, NIM image,
                                  or a local model folder (./models/x: its config.json is read)
  --gpu NAME                      GPU (A10G, H100, nvidia-l4, NVIDIA-A100-SXM4-80GB, A100-80GB:8)
                                  or cloud instance type (g5.12xlarge, ml.p4d.24xlarge)
  --gpu-count N                   GPUs in the deployment (default: TP x PP x DP)
  --engine NAME                   vllm (default), sglang, tgi, llama.cpp, ollama, trtllm
                                  (tensorrt-llm), lmdeploy, tei (text-embeddings-inference)
  --engine-version V              the engine's release (v0.10.1)
  --tensor-parallel-size N        (alias --tp)
  --pipeline-parallel-size N      (alias --pp)
  --data-parallel-size N          (alias --dp)
  --enable-expert-parallel
  --quantization NAME             awq, gptq, fp8, bitsandbytes, ...
  --dtype NAME                    auto, bfloat16, float16, float32
  --kv-cache-dtype NAME           auto, fp8, ...
  --max-model-len N               8192, 32k; auto or -1: the largest context that fits
  --gpu-memory-utilization F      0 < F <= 1: the engine's memory fraction (vLLM default 0.9)
  --max-num-seqs N
  --max-num-batched-tokens N
  --cpu-offload-gb N
  --kv-cache-memory-bytes N       vLLM's KV cache size per GPU (9663676416, 9G); it then ignores
                                  --gpu-memory-utilization
  --enforce-eager
  --min-concurrent-sequences N    full-length sequences the KV cache must hold (default 1,
                                  or the ESLint config's vram/kv-cache-headroom option)
  --concurrency N                 requests at once for the speed estimate (default: what the KV cache holds)
  --input-len N, --output-len N   prompt and answer tokens for the speed estimate (default 1,000 each)
  --dense-equivalent-params P     a MoE's quality-equivalent dense size (70B), compared side by side
  --config FILE                   ESLint config to read settings.vram from
  --json                          machine-readable output (docs/cli.md)

With --engine, the engine's own flags work too (docs/cli.md): SGLang --mem-fraction-static,
--tp-size, --context-length; TGI --num-shard, --max-total-tokens, --cuda-memory-fraction;
llama.cpp -c, -ngl, --parallel, -ctk/-ctv; TensorRT-LLM --kv_cache_free_gpu_memory_fraction,
--max_batch_size, --max_num_tokens, --max_seq_len; LMDeploy --cache-max-entry-count,
--session-len, --quant-policy; ...

Exit status: 0 fits and starts, 1 does not fit or does not start (the same findings the
rules report as errors), 2 usage error.`;

type CommandHandler = (argv: string[], io: CliIo) => number | Promise<number>;

const commands: Record<string, CommandHandler> = {
  lint: async (argv, io) => (await import("./lint-command.js")).runLint(argv, io),
  estimate: async (argv, io) => (await import("./estimate-command.js")).runEstimate(argv, io, HELP),
  // Loaded on demand: extraction, the YAML/JSON parsers and settings validation are not needed to estimate.
  explain: async (argv, io) => (await import("./explain.js")).runExplain(argv, io),
};

export { type CliIo, UsageError };

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === "--help" || command === "-h" || command === "help") {
      io.stdout.write(`${HELP}\n`);
      return command === undefined ? 2 : 0;
    }
    if (command === "--version" || command === "-v") {
      io.stdout.write(`${pluginMeta.name} ${pluginMeta.version} (catalog ${catalogDate})\n`);
      return 0;
    }
    const handler = lookup(commands, command);
    if (!handler) throw new UsageError(`unknown command "${command}" (try vram --help)`);
    return await handler(rest, io);
  } catch (error) {
    // settings.ts is not imported here (Ajv is costly at start-up): a bad settings.vram is known by name.
    if (error instanceof UsageError || error instanceof SizingInputError || (error instanceof Error && error.name === "SettingsError")) {
      // The message may quote a value typed or read from a settings file: control characters escaped, one line each.
      io.stderr.write(`vram: ${error.message.split("\n").map((line) => printable(line, 2000)).join("\n")}\n`);
      return 2;
    }
    if (error instanceof Error && "code" in error && typeof error.code === "string" && error.code.startsWith("ERR_PARSE_ARGS")) {
      // Node's message can run over several lines; the first one says what is wrong.
      const unknown = error.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" ? /'(--?[^']+)'/.exec(error.message)?.[1] : undefined;
      const near = unknown ? nearestOptions(unknown) : [];
      const hint = near.length > 0 ? `. Did you mean ${near.join(" or ")}? (vram --help)` : "";
      io.stderr.write(`vram: ${error.message.split("\n")[0]}${hint}\n`);
      return 2;
    }
    throw error;
  }
}

/** The (at most two) options of the help text nearest to an unknown one (`--gpus` → `--gpu`, `--gpu-count`). */
function nearestOptions(written: string): string[] {
  const options = [...new Set(HELP.match(/--[a-z][a-z0-9_-]*/g) ?? [])];
  const stem = written.replace(/^-+/, "").split("=")[0]!.toLowerCase();
  const scored = options.map((option) => {
    const name = option.slice(2);
    // A shared first word (gpus → gpu-count) counts as close as one edit.
    const sharesWord = name.split("-")[0]!.replace(/s$/, "") === stem.split(/[-_]/)[0]!.replace(/s$/, "");
    return { option, score: Math.min(distance(stem.replace(/_/g, "-"), name), sharesWord ? 1 : Infinity) };
  });
  scored.sort((a, b) => a.score - b.score || a.option.length - b.option.length);
  const limit = stem.length >= 5 ? Math.max(2, Math.floor(stem.length / 4)) : 1;
  const near = scored.filter(({ score }) => score <= limit);
  return near.slice(0, near[0]?.score === 0 ? 1 : 2).map(({ option }) => option);
}

/** Run as the `vram` binary (npm links it through a symlink, hence the realpath comparison). */
function invokedDirectly(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), readStdin: () => text(process.stdin) }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`vram: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
