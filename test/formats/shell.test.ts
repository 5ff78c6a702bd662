/**
 * Shell scripts through the `vram/shell` language: the engine a script starts (directly, or in a
 * `docker run`), after the script's own assignments, judged with the GPUs it passes; comments carry
 * ESLint's directives; any text parses, and nothing throws or hangs.
 */
import fc from "fast-check";
import { mutatedTexts } from "../support/mutated.js";
import { describe, expect, it } from "vitest";
import { explainFile } from "../../src/explain.js";
import { parseShellForRules } from "../../src/shell/language.js";
import { documentsOf } from "../../src/extract/doc.js";
import { shellTokens } from "../../src/extract/shell.js";
import { applySuggestion, findings, lint, readFixture } from "../support/lint.js";
import { deploymentsOf, judgedOf } from "./helpers.js";

const brief = (messages: ReturnType<typeof lint>) => findings(messages).map((message) => `${message.ruleId} ${message.line}:${message.column} ${message.message.split(". ")[0]}`);

describe("shell scripts", () => {
  const serve = `#!/usr/bin/env bash
set -euo pipefail
MODEL="meta-llama/Llama-3.1-70B-Instruct"
TP=\${TP:-2}
exec vllm serve "$MODEL" --tensor-parallel-size "$TP" --max-model-len 16384
`;

  it("reads a direct start after the script's assignments, its defaults included", () => {
    const [deployment] = deploymentsOf(serve, "serve.sh");
    expect(deployment).toMatchObject({ format: "shell", kind: "script" });
    expect(deployment!.fields.model?.value).toBe("meta-llama/Llama-3.1-70B-Instruct");
    expect(deployment!.fields.tensorParallel?.value).toBe(2);
    expect(deployment!.fields.maxModelLen?.value).toBe(16384);
  });

  it("judges it on the cluster's GPUs, and every suggestion fixes it in the script", () => {
    const settings = { vram: { cluster: { gpus: ["l4"] } } };
    const messages = lint(serve, "serve.sh", { settings });
    expect(brief(messages)).toEqual(["vram/weights-fit 3:8 Llama-3.1-70B-Instruct needs 135.8 GiB at bf16; 2 × L4 have 40.5 GiB usable"]);
    const suggestions = findings(messages).flatMap((message) => message.suggestions ?? []);
    for (const suggestion of suggestions) expect(findings(lint(applySuggestion(serve, suggestion), "serve.sh", { settings })).filter((message) => message.ruleId === "vram/weights-fit")).toEqual([]);
  });

  it("reads a docker run after other commands, with the GPUs it passes", () => {
    const script = `#!/bin/sh
docker rm -f qwen 2>/dev/null || true
docker pull lmsysorg/sglang:v0.5.3
docker run -d --name qwen --gpus '"device=0,1"' --ipc=host \\
  -e HF_TOKEN="$HF_TOKEN" \\
  lmsysorg/sglang:v0.5.3 \\
  python3 -m sglang.launch_server --model-path Qwen/Qwen3-32B --tp 2
`;
    const [deployment] = deploymentsOf(script, "run.sh");
    expect(deployment!.fields.engine?.value).toBe("sglang");
    expect(deployment!.fields.gpuCount).toMatchObject({ value: 2, source: "--gpus" });
    expect(deployment!.fields.tensorParallel?.value).toBe(2);
  });

  it("reads a default's quotes as the shell does, and llama.cpp's -c 0 as the model's own context, shrunk to what fits", () => {
    const sglang = `MODEL_PATH=\${MODEL_PATH:-"deepseek-ai/DeepSeek-R1-Distill-Qwen-32B"}
python3 -m sglang.launch_server --model-path $MODEL_PATH --tp 2
`;
    expect(deploymentsOf(sglang, "run.sh")[0]!.fields.model?.value).toBe("deepseek-ai/DeepSeek-R1-Distill-Qwen-32B");
    const zero = "llama-server -hf unsloth/gpt-oss-20b-GGUF:F16 --ctx-size 0 --jinja -ngl 99\n";
    expect(deploymentsOf(zero, "serve.sh")[0]).toMatchObject({ maxModelLenAuto: { raw: "0" } });
    const [judged] = judgedOf(zero, "serve.sh", { cluster: { gpus: ["rtx-4090"] } });
    expect(judged).toMatchObject({ status: "judged", estimate: { verdict: "fits" } });
    expect(judged!.status === "judged" && judged!.resolved.assumptions).toContain("llama.cpp's context 0 is the model's own, which it shrinks to what fits: 131,072 tokens here");
    // An engine that reads no such value: still invalid.
    expect(brief(lint("vllm serve Qwen/Qwen3-8B --max-model-len 0\n", "serve.sh"))).toEqual(["vram/valid-values 1:42 --max-model-len: 0 is not a valid context length, so this deployment was not checked"]);
  });

  it("reads a command handed to ssh, tmux or screen, as words or one string, and leaves other commands alone", () => {
    const values = (script: string) => deploymentsOf(script, "run.sh").map(({ fields }) => [fields.model?.value, fields.tensorParallel?.value ?? null, fields.gpuCount?.value ?? null]);
    expect(values(`ssh -p 2222 -o BatchMode=yes admin@gpu01 vllm serve Qwen/Qwen3-8B --tensor-parallel-size 2\n`)).toEqual([["Qwen/Qwen3-8B", 2, null]]);
    expect(values(`ssh -t gpu01 "docker run --gpus 4 vllm/vllm-openai:v0.10.2 --model Qwen/Qwen3-32B -tp 4"\n`)).toEqual([["Qwen/Qwen3-32B", 4, 4]]);
    expect(values(`tmux new -d -s llm -c /srv 'llama-server -hf unsloth/Qwen3-8B-GGUF:Q4_K_M -ngl 99'\n`)).toEqual([["unsloth/Qwen3-8B-GGUF:Q4_K_M", null, null]]);
    expect(values(`screen -dmS sglang python3 -m sglang.launch_server --model-path Qwen/Qwen3-8B --tp 2\n`)).toEqual([["Qwen/Qwen3-8B", 2, null]]);
    // Not a command runner: tmux's other subcommands, ssh with nothing to run, an option's value that names an engine.
    expect(values(`tmux send-keys -t llm "vllm serve Qwen/Qwen3-8B" Enter\nssh gpu01\nssh -i vllm gpu01 uptime\n`)).toEqual([]);
  });

  it("reads the words of bash arrays where they are expanded, appended ones too, and locates them", () => {
    const script = `#!/bin/bash\nargs=(\n  Qwen/Qwen3-32B\n  --max-model-len 8192\n)\nargs+=(--tensor-parallel-size 2)\nempty=()\nvllm serve "\${args[@]}" "\${empty[@]}" "\${unset[@]}"\n`;
    const [deployment] = deploymentsOf(script, "serve.sh");
    expect([deployment!.fields.model?.value, deployment!.fields.maxModelLen?.value, deployment!.fields.tensorParallel?.value]).toEqual(["Qwen/Qwen3-32B", 8192, 2]);
    expect(script.slice(...deployment!.fields.tensorParallel!.range!)).toBe("2");
  });

  it("reads every engine a script starts, each a deployment; an Ollama server's later pulls are its models, each judged once", () => {
    const script = `#!/bin/bash
ssh gpu01 "vllm serve Qwen/Qwen3-14B"
CUDA_VISIBLE_DEVICES=0 nohup vllm serve BAAI/bge-m3 --port 8001 > embed.log 2>&1 &
if [ "$BIG" = 1 ]; then
  vllm serve Qwen/Qwen3-235B-A22B --tensor-parallel-size 8
else
  vllm serve Qwen/Qwen3-8B
fi
ollama serve &
ollama pull qwen3:30b-a3b
ollama pull nomic-embed-text
`;
    const deployments = deploymentsOf(script, "start.sh");
    expect(deployments.map(({ fields }) => [fields.engine?.value, fields.model?.value])).toEqual([
      ["vllm", "Qwen/Qwen3-14B"],
      ["vllm", "BAAI/bge-m3"],
      ["vllm", "Qwen/Qwen3-235B-A22B"],
      ["vllm", "Qwen/Qwen3-8B"],
      ["ollama", "qwen3:30b-a3b"],
      ["ollama", "nomic-embed-text"],
    ]);
  });

  it("an array doubled in a loop or appended to without end stays bounded", () => {
    const doubled = `a=(x y)\n${'a=("\${a[@]}" "\${a[@]}")\n'.repeat(60)}${'echo "\${a[@]}"\n'.repeat(2_000)}vllm serve Qwen/Qwen3-8B\n`;
    const appended = `${"a+=(--enforce-eager)\n".repeat(50_000)}vllm serve Qwen/Qwen3-8B "\${a[@]}"\n`;
    for (const script of [doubled, appended]) expect(deploymentsOf(script, "serve.sh").map(({ fields }) => fields.model?.value)).toEqual(["Qwen/Qwen3-8B"]);
  });

  it("reads a Slurm job's GPU type, not its count, and TRL's vLLM server", () => {
    const [grpo] = deploymentsOf(readFixture("shell/grpo-trl-vllm-serve.sh"), "grpo.sh");
    // The job's eight H100s are shared with the trainer: the server's own flags say how many it uses.
    expect([grpo!.fields.engine?.value, grpo!.fields.model?.value, grpo!.fields.gpuType?.value, grpo!.fields.gpuCount, grpo!.fields.maxModelLen?.value]).toEqual(["vllm", "Qwen/Qwen2.5-32B-Instruct", "h100", undefined, 8192]);
    const [slurm] = deploymentsOf(readFixture("shell/vllm-llama-70b.slurm"), "job.slurm");
    expect([slurm!.fields.gpuType?.value, slurm!.fields.gpuType?.source]).toEqual(["l40s", "#SBATCH --gres"]);
    // `gpu:2` names no type.
    expect(deploymentsOf("#SBATCH --gres=gpu:2\nvllm serve Qwen/Qwen3-8B\n", "job.sh")[0]!.fields.gpuType).toBeUndefined();
  });

  it("counts the GPUs CUDA_VISIBLE_DEVICES lets an engine see, where it uses every one it sees", () => {
    const count = (script: string) => deploymentsOf(script, "serve.sh").map(({ fields }) => fields.gpuCount?.value ?? null);
    // llama.cpp splits its layers over the GPUs it sees; TGI shards over them; vLLM uses what its flags say.
    expect(count(`CUDA_VISIBLE_DEVICES=0,1 ./llama-server -m /models/Llama-3.3-70B-Instruct-Q4_K_M.gguf -ngl 99\n`)).toEqual([2]);
    expect(count(`export CUDA_VISIBLE_DEVICES=0,1,2,3\ntext-generation-launcher --model-id meta-llama/Llama-3.1-70B-Instruct\n`)).toEqual([4]);
    expect(count(`CUDA_VISIBLE_DEVICES=0,1 vllm serve Qwen/Qwen3-8B\n`)).toEqual([null]);
    // Set by `env` for the command it runs (its options skipped), after `nohup` too.
    expect(count(`nohup env -u HIP_VISIBLE_DEVICES CUDA_VISIBLE_DEVICES=0,1,2 ./llama-server -m /m/Qwen3-8B-Q4_K_M.gguf &\n`)).toEqual([3]);
    // A prefix holds for its own command only; an unexported assignment for none; a variable list is not counted.
    expect(count(`CUDA_VISIBLE_DEVICES=0,1 echo warm\nllama-server -m /m/Qwen3-8B-Q4_K_M.gguf\n`)).toEqual([null]);
    expect(count(`CUDA_VISIBLE_DEVICES=0,1\nllama-server -m /m/Qwen3-8B-Q4_K_M.gguf\n`)).toEqual([null]);
    expect(count(`export CUDA_VISIBLE_DEVICES=$GPUS\nllama-server -m /m/Qwen3-8B-Q4_K_M.gguf\n`)).toEqual([null]);
  });

  it("reads models pulled over Ollama's REST API into the server the script starts, not those sent to another host", () => {
    const deployments = deploymentsOf(readFixture("shell/ollama-docker-api-pull.sh"), "setup.sh");
    expect(deployments.map(({ fields }) => [fields.engine?.value, fields.model?.value, fields.gpuCount?.value])).toEqual([
      ["ollama", "llama3.1:70b", 1],
      ["ollama", "llama3.2:3b", 1],
    ]);
    expect(deploymentsOf(`curl http://gpu-box.lan:11434/api/pull -d '{"name": "mistral"}'\n`, "pull.sh")).toEqual([]);
    // `docker exec` into the server's container pulls into it too.
    expect(deploymentsOf("docker run -d --gpus=1 --name ollama ollama/ollama\ndocker exec ollama ollama pull qwen3:8b\n", "up.sh").map(({ fields }) => fields.model?.value)).toEqual(["qwen3:8b"]);
  });

  it("splits an unquoted variable holding the flags into words, as the shell does, and keeps a quoted one whole", () => {
    const script = 'ARGS="--model Qwen/Qwen3-8B --tensor-parallel-size 2 --max-model-len 8192"\nvllm serve $ARGS\n';
    const [deployment] = deploymentsOf(script, "serve.sh");
    expect([deployment!.fields.model?.value, deployment!.fields.tensorParallel?.value, deployment!.fields.maxModelLen?.value]).toEqual(["Qwen/Qwen3-8B", 2, 8192]);
    expect(deploymentsOf(script.replace("$ARGS", '"$ARGS"'), "serve.sh")[0]!.fields.tensorParallel).toBeUndefined();
    // Appended to with a value set at run time, its known words still read.
    const appended = script.replace("vllm serve", 'if [ -n "$TOKENIZER" ]; then ARGS="$ARGS --tokenizer $TOKENIZER"; fi\nvllm serve');
    expect(deploymentsOf(appended, "serve.sh").map(({ fields }) => [fields.model?.value, fields.tensorParallel?.value])).toEqual([["Qwen/Qwen3-8B", 2]]);
  });

  it("reads a script argument's default (`${1:-…}`) as a run without arguments gives it", () => {
    const script = '#!/bin/bash\nMODEL="${1:-Qwen/Qwen3-8B}"\nvllm serve "$MODEL" --max-model-len "${2:-8192}"\n';
    expect(deploymentsOf(script, "serve.sh").map(({ fields }) => [fields.model?.value, fields.maxModelLen?.value])).toEqual([["Qwen/Qwen3-8B", 8192]]);
    // Given by the command that runs it (`sh -c SCRIPT NAME ARG`), the argument is read instead.
    const manifest = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: vllm\n      image: vllm/vllm-openai:v0.11.0\n      command: ["sh", "-c", \'vllm serve "${1:-Qwen/Qwen3-8B}"\', "serve", "Qwen/Qwen3-14B"]\n';
    expect(deploymentsOf(manifest, "pod.yaml").map(({ fields }) => fields.model?.value)).toEqual(["Qwen/Qwen3-14B"]);
  });

  it("finds a model handed to a server script the file does not hold, and says its engine is unchecked", () => {
    const [job] = deploymentsOf(readFixture("shell/slurm-unseen-server-script.slurm"), "job.slurm");
    expect([job!.fields.model?.value, job!.fields.gpuType?.value, job!.unresolved.engine?.raw]).toEqual(["/scratch/models/Qwen2.5-72B-Instruct", "a100_80gb", "scripts/serve_vllm.sh"]);
    expect(deploymentsOf("MODEL_ID=meta-llama/Llama-3.1-8B-Instruct PORT=8000 bash vllm/server.sh\n", "job.sh").map(({ fields }) => fields.model?.value)).toEqual(["meta-llama/Llama-3.1-8B-Instruct"]);
    // A training script, or a server script given no model, is nothing read here.
    expect(deploymentsOf('MODEL=Qwen/Qwen3-8B\nbash train.sh "$MODEL"\nbash serve.sh --port 8000\n', "job.sh")).toEqual([]);
    // The job's GPUs are the script's: one node's count (`--gres`, `--gpus-per-node`) on a one-node job, the job's `--gpus` always.
    const gpusOf = (directives: string) => deploymentsOf(`#!/bin/bash\n${directives}export MODEL_ID=meta-llama/Llama-3.1-70B-Instruct\nsrun bash serve.sh\n`, "job.slurm")[0]!.fields.gpuCount?.value;
    expect([gpusOf("#SBATCH --gres=gpu:h100:4\n"), gpusOf("#SBATCH --gpus-per-node=h100:8\n"), gpusOf("#SBATCH --nodes=2\n#SBATCH --gpus-per-node=h100:8\n"), gpusOf("#SBATCH -N 2\n#SBATCH -G 16\n")]).toEqual([4, 8, undefined, 16]);
  });

  it("reads a Cloud Run GPU service deployed with gcloud run deploy: its image, list flags and GPUs", () => {
    const [deployment] = deploymentsOf(readFixture("shell/cloud-run-deploy-gemma.sh"), "deploy.sh");
    const { fields } = deployment!;
    expect([fields.engine?.value, fields.model?.value, fields.maxModelLen?.value, fields.gpuCount?.value, fields.gpuType?.value, fields.gpuType?.source]).toEqual(["vllm", "google/gemma-3-12b-it", 32768, 1, "nvidia-l4", "--gpu-type"]);
    // Other gcloud commands, and a deploy of an image that runs no engine this version knows, deploy nothing it reads.
    expect(deploymentsOf(`gcloud run services list\ngcloud run deploy web --image gcr.io/acme/web:1 --gpu 1\n`, "deploy.sh")).toEqual([]);
  });

  it("points a finding at a value set outside the script", () => {
    const messages = lint(`#!/bin/bash\nvllm serve Qwen/Qwen3-8B --tensor-parallel-size "\${TP}"\n`, "serve.sh");
    expect(brief(messages)).toEqual(["vram/unchecked-deployment 2:50 --tensor-parallel-size is set at deploy time ($TP), so this deployment was not checked"]);
  });

  it("reads a script with no engine as no deployment", () => {
    expect(deploymentsOf("#!/bin/bash\ntar czf /backups/models.tgz /srv/models\necho vllm done\n", "backup.sh")).toEqual([]);
    expect(lint("#!/bin/bash\npkill -f 'vllm serve' || true\n", "stop.sh")).toEqual([]);
  });

  it("reads whole-line comments as comments (not the #! line), so directives apply", () => {
    const program = parseShellForRules("#!/bin/bash\n# eslint-disable vram/pin-gpu-type -- one RTX 4090\n  # indented\necho '# not a comment line'\n");
    expect(program.comments.map((comment) => [comment.value, comment.loc.start.line])).toEqual([
      [" eslint-disable vram/pin-gpu-type -- one RTX 4090", 2],
      [" indented", 3],
    ]);
    const script = "#!/bin/bash\nllama-server -m /models/Qwen2.5-Coder-14B-Instruct-Q4_K_M.gguf -ngl 99 -c 32768\n";
    expect(brief(lint(script, "serve.sh"))).toEqual(["vram/pin-gpu-type 2:17 Qwen2.5-Coder-14B-Instruct-Q4_K_M.gguf on 1 GPU fits only some of the GPUs it could land on, and no GPU type is named"]);
    expect(lint(`#!/bin/bash\n# eslint-disable vram/pin-gpu-type -- one RTX 4090\n${script.slice(12)}`, "serve.sh")).toEqual([]);
  });

  it("reads a command line written for Windows with its backslashes as path separators", () => {
    const text = String.raw`C:\Tools\llama.cpp\llama-server.exe -m "D:\models\gemma-3-12b-it-Q4_K_M.gguf" -ngl 99`;
    const document = documentsOf(parseShellForRules(text));
    expect(shellTokens(document[0]!, text, new Map()).map((token) => token.text)).toEqual([String.raw`C:\Tools\llama.cpp\llama-server.exe`, "-m", String.raw`D:\models\gemma-3-12b-it-Q4_K_M.gguf`, "-ngl", "99"]);
    // A POSIX line keeps its escapes.
    const posix = String.raw`vllm serve my\ model`;
    expect(shellTokens(documentsOf(parseShellForRules(posix))[0]!, posix, new Map()).map((token) => token.text)).toEqual(["vllm", "serve", "my model"]);
  });

  it("random and mutated scripts never throw or hang", () => {
    const texts = [serve, "docker run --gpus all vllm/vllm-openai --model x\n", "llama-server -m a.gguf\n"];
    fc.assert(
      fc.property(mutatedTexts(texts, ["$", "{", "}", "(", ")", '"', "'", "\\", "\n", "#", ";", "&&", "|", "=", " ", "x", "1", "--tp", "docker run", "vllm serve", "C:\\"], 30), (text) => {
        const started = performance.now();
        lint(text, "run.sh", { level: "all" });
        explainFile("run.sh", text);
        expect(performance.now() - started).toBeLessThan(2000);
      }),
      { numRuns: 150 },
    );
  });
});
