/**
 * `npm run bench`: what the plugin costs on top of ESLint itself, on 2,000 generated small
 * manifests (Deployments with GPUs, Services, ConfigMaps, app configs). Prints median wall times and
 * ratios against ESLint's floor: the fastest route to the same YAML AST (eslint-plugin-yml's
 * `yml/yaml` language) plus a rule that visits every node and does nothing. Not a timed test.
 * The ratio uses CPU time of this process (user + system), which other load on the machine barely
 * moves; wall time is printed beside it.
 *
 *   npm run bench [-- --files 2000 --rounds 5]
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ESLint, type Linter } from "eslint";
import yml from "eslint-plugin-yml";
import * as yamlParser from "yaml-eslint-parser";
import vram from "../src/index.js";

const { values } = parseArgs({ options: { files: { type: "string", default: "2000" }, rounds: { type: "string", default: "5" } } });
const fileCount = Number(values.files);
const rounds = Number(values.rounds);
const dir = fileURLToPath(new URL("./.out/manifests/", import.meta.url));

const MODELS = ["mistralai/Mixtral-8x7B-Instruct-v0.1", "meta-llama/Llama-3.1-8B-Instruct", "Qwen/Qwen3-30B-A3B", "openai/gpt-oss-20b", "Qwen/Qwen2.5-7B-Instruct"];
const GPUS = ["nvidia-l4", "nvidia-a100-80gb", "nvidia-h100-80gb", "nvidia-tesla-t4"];

function manifest(index: number): string {
  const kind = index % 4;
  if (kind === 1) {
    return `apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${index}\n  labels:\n    app: app-${index}\nspec:\n  selector:\n    app: app-${index}\n  ports:\n    - port: 80\n      targetPort: 8000\n      protocol: TCP\n`;
  }
  if (kind === 2) {
    return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg-${index}\ndata:\n  LOG_LEVEL: info\n  WORKERS: "4"\n  FEATURE_FLAGS: "a,b,c"\n`;
  }
  const model = MODELS[index % MODELS.length]!;
  const gpu = GPUS[index % GPUS.length]!;
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: llm-${index}
  labels:
    app: llm-${index}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: llm-${index}
  template:
    metadata:
      labels:
        app: llm-${index}
    spec:
      nodeSelector:
        cloud.google.com/gke-accelerator: ${gpu}
      containers:
        - name: vllm
          image: vllm/vllm-openai:v0.11.0
          args: ["--model", "${model}", "--max-model-len", "${4096 * (1 + (index % 4))}"]
          ports:
            - containerPort: 8000
          readinessProbe:
            httpGet: {path: /health, port: 8000}
          resources:
            limits:
              nvidia.com/gpu: ${1 + (index % 2)}
`;
}

function generate(): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < fileCount; i++) writeFileSync(join(dir, `m${String(i).padStart(5, "0")}.yaml`), manifest(i));
}

/** A rule that visits every node and does nothing: the cost of a traversal. */
const noopPlugin = {
  meta: { name: "bench", namespace: "bench" },
  rules: { noop: { meta: { type: "problem" as const, schema: [] }, create: () => ({ "*"() {} }) } },
};

const routes: Record<string, Linter.Config[]> = {
  "floor: yml/yaml language + no-op rule": [{ files: ["**/*.yaml"], plugins: { yml, bench: noopPlugin }, language: "yml/yaml", rules: { "bench/noop": "error" } } as Linter.Config],
  "classic parser + no-op rule": [{ files: ["**/*.yaml"], plugins: { bench: noopPlugin }, languageOptions: { parser: yamlParser }, rules: { "bench/noop": "error" } } as Linter.Config],
  "vram recommended": vram.configs.recommended,
  "vram all": vram.configs.all,
};

async function time(config: Linter.Config[]): Promise<{ ms: number; cpuMs: number; problems: number }> {
  const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: config, cache: false });
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const results = await eslint.lintFiles(["**/*.yaml"]);
  const cpu = process.cpuUsage(cpuStarted);
  const ms = performance.now() - started;
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const fatal = results.flatMap((result) => result.messages.filter((message) => message.fatal));
  if (fatal.length > 0) throw new Error(`parse errors in generated manifests: ${fatal[0]!.message}`);
  return { ms, cpuMs, problems: results.reduce((sum, result) => sum + result.messages.length, 0) };
}

function median(list: number[]): number {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

generate();
const samples = new Map<string, number[]>(Object.keys(routes).map((name) => [name, []]));
const cpuSamples = new Map<string, number[]>(Object.keys(routes).map((name) => [name, []]));
const problems = new Map<string, number>();
// One warm-up pass, then interleaved rounds so drift affects every route alike.
for (const config of Object.values(routes)) await time(config);
for (let round = 0; round < rounds; round++) {
  for (const [name, config] of Object.entries(routes)) {
    const result = await time(config);
    samples.get(name)!.push(result.ms);
    cpuSamples.get(name)!.push(result.cpuMs);
    problems.set(name, result.problems);
  }
}
const floorName = "floor: yml/yaml language + no-op rule";
const floorCpu = median(cpuSamples.get(floorName)!);
const floorWall = median(samples.get(floorName)!);
console.log(`${fileCount} manifests, ${rounds} rounds, medians per full lint (CPU time decides the ratio)`);
for (const [name, list] of cpuSamples) {
  const cpu = median(list);
  const wall = median(samples.get(name)!);
  console.log(
    `${name.padEnd(42)} CPU ${cpu.toFixed(0).padStart(6)} ms  ${(cpu / floorCpu).toFixed(3)} × floor   ` +
      `wall ${wall.toFixed(0).padStart(6)} ms  ${(wall / floorWall).toFixed(3)} ×   ${problems.get(name)} findings`,
  );
}
