/**
 * `npm run bench`: what the plugin costs on top of ESLint itself, on generated repositories of small
 * manifests where one file in ten deploys an LLM (the others are web Deployments, Services and
 * ConfigMaps, as in a real platform repository) — 2,000 and 10,000 files by default. Prints CPU and
 * wall times and ratios against ESLint's floor: the fastest route to the same YAML AST
 * (eslint-plugin-yml's `yml/yaml` language) plus a rule that visits every node and does nothing. Not
 * a timed test. Each route runs in its own Node process (a shared heap and JIT would bill one route's
 * garbage and warm-up to the next): one warm-up lint, then the fastest of three, from a collected
 * heap. Rounds alternate the routes; the ratio is the median over rounds of each route's wall time
 * over the floor's in the same round, so drift in the machine's speed cancels (wall time: V8's
 * concurrent GC threads inflate process CPU time). The fastest times are printed beside it.
 * `--cold` measures what a CI job pays instead: one lint per process, timed from the process's start
 * (loading ESLint, the plugin and its catalog, and the first files linted while the JIT warms up).
 *
 * Three mixes of the LLM files: `typical` (default) — one in ten is misconfigured, and a third name
 * no GPU type (judged on the GPUs they could land on) — `misfits`, where most are (the cost of
 * reporting and of suggestions), and `corpus`, where each is a real deployment file from the
 * `--corpus` folder (default ../shared/corpus beside the project), in turn: serving CRDs, chart
 * values, shell-script launches, larger and costlier per file than the generated Deployments. The
 * corpus mix is written to a temporary folder outside the project and removed afterwards.
 *
 *   npm run bench [-- --files 2000,10000 --rounds 5 --mix typical|misfits|corpus --corpus <folder> --cold]
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { plainYamlTexts } from "../test/support/yaml-texts.js";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    files: { type: "string", default: "2000,10000" },
    rounds: { type: "string", default: "5" },
    mix: { type: "string", default: "typical" },
    corpus: { type: "string", default: fileURLToPath(new URL("../../shared/corpus/", import.meta.url)) },
    cold: { type: "boolean", default: false },
  },
});
if (values.mix !== "typical" && values.mix !== "misfits" && values.mix !== "corpus") throw new Error(`--mix must be typical, misfits or corpus, got ${values.mix}`);
const fileCounts = values.files.split(",").map(Number);
const rounds = Number(values.rounds);
const corpusFiles = values.mix === "corpus" ? readCorpus(values.corpus) : [];
// Real files are never written into the project: the corpus mix goes to a temporary folder.
const dir = values.mix === "corpus" ? mkdtempSync(join(tmpdir(), "vram-bench-")) : fileURLToPath(new URL("./.out/manifests/", import.meta.url));

/** The corpus's YAML files that parse as plain YAML (the floor does not mask a chart's templates). */
function readCorpus(root: string): string[] {
  if (!existsSync(root)) throw new Error(`--mix corpus reads ${root}, which is absent`);
  return plainYamlTexts(root);
}

const MODELS = ["mistralai/Mixtral-8x7B-Instruct-v0.1", "meta-llama/Llama-3.1-8B-Instruct", "Qwen/Qwen3-30B-A3B", "openai/gpt-oss-20b", "Qwen/Qwen2.5-7B-Instruct"];
const GPUS = ["nvidia-l4", "nvidia-a100-80gb", "nvidia-h100-80gb", "nvidia-tesla-t4"];
/** Layouts that fit (model, GKE accelerator, GPUs = tensor parallel size, context). */
const FITTING: Array<[string, string, number, number]> = [
  ["meta-llama/Llama-3.1-8B-Instruct", "nvidia-l4", 1, 8192],
  ["Qwen/Qwen2.5-7B-Instruct", "nvidia-l4", 1, 16384],
  ["mistralai/Mixtral-8x7B-Instruct-v0.1", "nvidia-h100-80gb", 2, 32768],
  ["Qwen/Qwen3-30B-A3B", "nvidia-a100-80gb", 1, 16384],
  ["openai/gpt-oss-20b", "nvidia-h100-80gb", 1, 32768],
];

/** Model, accelerator (undefined: none named), GPU count, tensor parallel size (undefined: not written) and context of the LLM Deployment `llm`. */
function layout(llm: number): { model: string; gpu: string | undefined; gpus: number; tp: number | undefined; context: number } {
  if (values.mix === "typical" && llm % 10 !== 0) {
    const [model, gpu, gpus, context] = FITTING[llm % FITTING.length]!;
    return { model, gpu: llm % 3 === 0 ? undefined : gpu, gpus, tp: gpus > 1 ? gpus : undefined, context };
  }
  return { model: MODELS[llm % MODELS.length]!, gpu: GPUS[llm % GPUS.length]!, gpus: 1 + (llm % 2), tp: undefined, context: 4096 * (1 + (llm % 4)) };
}

/** One file of the repository: one in ten an LLM Deployment, the rest what surrounds it. */
function manifest(index: number): string {
  const kind = index % 10;
  if (kind === 1 || kind === 4 || kind === 7) {
    return `apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${index}\n  labels:\n    app: app-${index}\nspec:\n  selector:\n    app: app-${index}\n  ports:\n    - port: 80\n      targetPort: 8000\n      protocol: TCP\n`;
  }
  if (kind === 2 || kind === 5 || kind === 8) {
    return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg-${index}\ndata:\n  LOG_LEVEL: info\n  WORKERS: "4"\n  FEATURE_FLAGS: "a,b,c"\n`;
  }
  if (kind !== 0) {
    return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-${index}
  labels:
    app: web-${index}
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web-${index}
  template:
    metadata:
      labels:
        app: web-${index}
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:1.${index % 40}.0
          args: ["--port", "8080", "--log-format", "json"]
          env:
            - name: DATABASE_URL
              valueFrom: {secretKeyRef: {name: db, key: url}}
          ports:
            - containerPort: 8080
          readinessProbe:
            httpGet: {path: /healthz, port: 8080}
          resources:
            requests: {cpu: 250m, memory: 256Mi}
            limits: {cpu: "1", memory: 512Mi}
`;
  }
  if (values.mix === "corpus") return corpusFiles[(index / 10) % corpusFiles.length]!;
  const { model, gpu, gpus, tp, context } = layout(index / 10);
  const selector = gpu ? `      nodeSelector:\n        cloud.google.com/gke-accelerator: ${gpu}\n` : "";
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
${selector}      containers:
        - name: vllm
          image: vllm/vllm-openai:v0.11.0
          args: ["--model", "${model}", "--max-model-len", "${context}"${tp ? `, "--tensor-parallel-size", "${tp}"` : ""}]
          ports:
            - containerPort: 8000
          readinessProbe:
            httpGet: {path: /health, port: 8000}
          resources:
            limits:
              nvidia.com/gpu: ${gpus}
`;
}

function generate(fileCount: number): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < fileCount; i++) writeFileSync(join(dir, `m${String(i).padStart(5, "0")}.yaml`), manifest(i));
}

const ROUTES: Array<[string, string]> = [
  ["floor", "floor: yml/yaml language + no-op rule"],
  ["classic", "classic parser + no-op rule"],
  ["recommended", "vram recommended"],
  ["all", "vram all"],
];

interface Sample {
  wallMs: number;
  cpuMs: number;
  problems: number;
}

const runner = fileURLToPath(new URL("./lint-route.mjs", import.meta.url));
const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
for (const fileCount of fileCounts) {
  generate(fileCount);
  const best = new Map<string, Sample>();
  /** Per round, each route's wall time over the floor's in the same round: drift of the machine cancels. */
  const ratios = new Map<string, number[]>(ROUTES.map(([route]) => [route, []]));
  for (let round = 0; round < rounds; round++) {
    const roundSamples = new Map<string, Sample>();
    for (const [route] of ROUTES) {
      // Plain Node on the built package: a TypeScript loader in the measured process would bill its hooks to the plugin.
      const sample = JSON.parse(execFileSync(process.execPath, ["--expose-gc", runner, route, dir, ...(values.cold ? ["cold"] : [])], { encoding: "utf8", maxBuffer: 1 << 26 })) as Sample;
      roundSamples.set(route, sample);
      const previous = best.get(route);
      best.set(route, {
        wallMs: Math.min(previous?.wallMs ?? Infinity, sample.wallMs),
        cpuMs: Math.min(previous?.cpuMs ?? Infinity, sample.cpuMs),
        problems: sample.problems,
      });
    }
    for (const [route, sample] of roundSamples) ratios.get(route)!.push(sample.wallMs / roundSamples.get("floor")!.wallMs);
  }
  const llmDeployments = Math.ceil(fileCount / 10);
  const llmFiles = values.mix === "corpus" ? `${llmDeployments} real deployment files, ${corpusFiles.length} distinct` : `${llmDeployments} LLM Deployments`;
  const timing = values.cold ? "one cold lint per process, timed from its start" : "a warm-up lint, then the fastest of three";
  console.log(`\n${fileCount} manifests (${llmFiles}, mix "${values.mix}"), ${rounds} rounds of one process per route (${timing})`);
  console.log("ratio = median over rounds of (route ÷ floor in the same round), wall time; fastest times beside");
  for (const [route, label] of ROUTES) {
    const sample = best.get(route)!;
    const list = ratios.get(route)!;
    console.log(
      `${label.padEnd(40)} ${median(list).toFixed(3)} × floor (rounds ${Math.min(...list).toFixed(2)}–${Math.max(...list).toFixed(2)})   ` +
        `fastest wall ${sample.wallMs.toFixed(0).padStart(6)} ms, CPU ${sample.cpuMs.toFixed(0).padStart(6)} ms   ${sample.problems} findings`,
    );
  }
}
if (values.mix === "corpus") rmSync(dir, { recursive: true, force: true });
