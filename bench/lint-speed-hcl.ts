/**
 * `npm run bench:hcl`: lint speed on Terraform `.tf` files through `eslint-plugin-vram/hcl`, against
 * the YAML route on the same deployments. Generates N LLM deployments twice: as Kubernetes YAML
 * manifests, and as Terraform modules (a folder with `main.tf` — a `kubernetes_deployment_v1` whose
 * model and GPU count come from `var.*` — and `variables.tf`, so every lint also reads a sibling).
 * Each route runs in its own Node process on the built package (see bench/lint-route.mjs): one
 * warm-up lint, the fastest of three. Prints files per second, and the HCL parser alone in ms per
 * file on the generated files and on an 8 KB and a 26 KB module. Not a timed test.
 *
 *   npm run bench:hcl [-- --deployments 1000 --rounds 3]
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type * as HclParser from "../src/hcl/parser.js";

// The built package is what is measured; typed from the sources, so a clean clone type-checks before a build.
const { loadHclParser, parseHcl } = (await import(new URL("../dist/src/hcl/parser.js", import.meta.url).href)) as typeof HclParser;

const { values } = parseArgs({ options: { deployments: { type: "string", default: "1000" }, rounds: { type: "string", default: "3" } } });
const count = Number(values.deployments);
const rounds = Number(values.rounds);
const out = fileURLToPath(new URL("./.out/hcl/", import.meta.url));
const yamlDir = join(out, "yaml");
const tfDir = join(out, "tf");

const LAYOUTS: Array<[string, string, number, number]> = [
  ["meta-llama/Llama-3.1-8B-Instruct", "nvidia-l4", 1, 8192],
  ["mistralai/Mixtral-8x7B-Instruct-v0.1", "nvidia-h100-80gb", 2, 32768],
  ["Qwen/Qwen3-30B-A3B", "nvidia-a100-80gb", 1, 16384],
  ["openai/gpt-oss-20b", "nvidia-h100-80gb", 1, 32768],
  // one in five does not fit
  ["mistralai/Mixtral-8x7B-Instruct-v0.1", "nvidia-l4", 1, 32768],
];

function yaml(index: number): string {
  const [model, gpu, gpus, context] = LAYOUTS[index % LAYOUTS.length]!;
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: llm-${index}
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
          args: ["--model", "${model}", "--max-model-len", "${context}", "--tensor-parallel-size", "${gpus}"]
          ports:
            - containerPort: 8000
          resources:
            limits:
              nvidia.com/gpu: ${gpus}
`;
}

function terraform(index: number): { main: string; variables: string } {
  const [model, gpu, gpus, context] = LAYOUTS[index % LAYOUTS.length]!;
  return {
    main: `resource "kubernetes_deployment_v1" "llm" {
  metadata {
    name = "llm-${index}"
  }
  spec {
    replicas = 1
    selector {
      match_labels = { app = "llm-${index}" }
    }
    template {
      metadata {
        labels = { app = "llm-${index}" }
      }
      spec {
        node_selector = {
          "cloud.google.com/gke-accelerator" = "${gpu}"
        }
        container {
          name  = "vllm"
          image = "vllm/vllm-openai:v0.11.0"
          args  = ["--model", var.model, "--max-model-len", "${context}", "--tensor-parallel-size", tostring(var.gpu_count)]
          port {
            container_port = 8000
          }
          resources {
            limits = { "nvidia.com/gpu" = var.gpu_count }
          }
        }
      }
    }
  }
}
`,
    variables: `variable "model" {\n  type    = string\n  default = "${model}"\n}\n\nvariable "gpu_count" {\n  type    = number\n  default = ${gpus}\n}\n`,
  };
}

rmSync(out, { recursive: true, force: true });
mkdirSync(yamlDir, { recursive: true });
for (let i = 0; i < count; i++) {
  writeFileSync(join(yamlDir, `m${String(i).padStart(5, "0")}.yaml`), yaml(i));
  const folder = join(tfDir, `m${String(i).padStart(5, "0")}`);
  mkdirSync(folder, { recursive: true });
  const { main, variables } = terraform(i);
  writeFileSync(join(folder, "main.tf"), main);
  writeFileSync(join(folder, "variables.tf"), variables);
}

interface Sample {
  wallMs: number;
  cpuMs: number;
  files: number;
  problems: number;
}
const runner = fileURLToPath(new URL("./lint-route.mjs", import.meta.url));
const ROUTES: Array<[string, string, string]> = [
  ["recommended", yamlDir, "YAML manifests, vram recommended"],
  ["hcl-floor", tfDir, "Terraform, vram/hcl language + no-op rule"],
  ["hcl-recommended", tfDir, "Terraform, vram/hcl recommended"],
];
const best = new Map<string, Sample>();
for (let round = 0; round < rounds; round++) {
  for (const [route, dir] of ROUTES) {
    const sample = JSON.parse(execFileSync(process.execPath, ["--expose-gc", runner, route, dir], { encoding: "utf8" })) as Sample;
    const previous = best.get(route);
    if (!previous || sample.wallMs < previous.wallMs) best.set(route, sample);
  }
}
console.log(`${count} LLM deployments: ${count} YAML manifests; ${count} Terraform modules (${2 * count} .tf files, main.tf + variables.tf)`);
for (const [route, , label] of ROUTES) {
  const sample = best.get(route)!;
  console.log(`${label.padEnd(44)} ${(sample.files / (sample.wallMs / 1000)).toFixed(0).padStart(6)} files/s   ${(sample.wallMs / sample.files).toFixed(2)} ms/file   wall ${sample.wallMs.toFixed(0)} ms, ${sample.files} files, ${sample.problems} findings`);
}
const yamlRate = best.get("recommended")!;
const hclRate = best.get("hcl-recommended")!;
console.log(`Terraform ÷ YAML, ms per file: ${(hclRate.wallMs / hclRate.files / (yamlRate.wallMs / yamlRate.files)).toFixed(2)} ×; per deployment (two .tf files each): ${(hclRate.wallMs / count / (yamlRate.wallMs / count)).toFixed(2)} ×`);

// The parser alone.
await loadHclParser();
const parseMs = (text: string, times: number) => {
  for (let i = 0; i < 20; i++) parseHcl(text);
  const started = performance.now();
  for (let i = 0; i < times; i++) parseHcl(text);
  return (performance.now() - started) / times;
};
const generated = readFileSync(join(tfDir, "m00000", "main.tf"), "utf8");
const module8k = readFileSync(fileURLToPath(new URL("../fixtures/terraform-hcl/gke-vllm-mixtral/main.tf", import.meta.url)), "utf8");
const eightKb = module8k.repeat(Math.ceil(8192 / module8k.length)).slice(0, 8192);
const big = Array.from({ length: 10 }, (_, i) => module8k.replaceAll('"vllm"', `"vllm_${i}"`)).join("\n").slice(0, 26 * 1024);
console.log(`HCL parser (tree-sitter WebAssembly → ESLint AST): ${parseMs(generated, 500).toFixed(3)} ms for a ${(generated.length / 1024).toFixed(1)} KB main.tf, ` + `${parseMs(eightKb, 200).toFixed(2)} ms per 8 KB, ${parseMs(big, 100).toFixed(2)} ms per 26 KB`);
const grammar = fileURLToPath(new URL("../dist/grammars/tree-sitter-terraform.wasm", import.meta.url));
console.log(`grammar ${(statSync(grammar).size / 1024).toFixed(0)} KB (dist/grammars/tree-sitter-terraform.wasm)`);
