import { cpSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ESLint, Linter } from "eslint";
import fc from "fast-check";
import { mutatedTexts } from "../support/mutated.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { explainFile } from "../../src/explain.js";
import type { Deployment } from "../../src/extract/types.js";
import hclPlugin from "../../src/hcl/index.js";
import { parseHcl } from "../../src/hcl/parser.js";
import plugin from "../../src/index.js";
import { hclDeployments, hclFixture, hclJudged, lintHcl, lintHclFixture } from "../support/hcl.js";
import { applySuggestion } from "../support/lint.js";
import { finding } from "./helpers.js";

const brief = (messages: ReturnType<typeof lintHcl>) => messages.map((m) => `${m.ruleId} ${m.line}:${m.column} ${m.messageId}`);

function written(text: string, deployment: Deployment, field: keyof Deployment["fields"]): string | undefined {
  const located = deployment.fields[field];
  if (!located) return undefined;
  const [start, end] = located.range ?? located.node.range;
  return text.slice(start, end);
}

const read = (relative: string) => readFileSync(hclFixture(relative), "utf8");

describe("Terraform docker_container", () => {
  it("reads an engine image's command flags, env and GPUs, and says when every GPU of the host leaves the count unknown", () => {
    const text = `resource "docker_container" "tgi" {
  name    = "tgi"
  image   = "ghcr.io/huggingface/text-generation-inference:3.3.4"
  gpus    = "all"
  command = ["--model-id", "meta-llama/Llama-3.1-8B-Instruct"]
}

resource "docker_container" "vllm" {
  name    = "vllm"
  image   = "vllm/vllm-openai:v0.10.2"
  gpus    = "device=0,1"
  command = ["--model", "Qwen/Qwen2.5-32B-Instruct", "--tensor-parallel-size", "2", "--max-model-len", "16384"]
  env     = ["HF_HOME=/data"]
}

resource "docker_container" "web" {
  name  = "web"
  image = "nginx:1.27"
}
`;
    expect(hclDeployments(text).map((deployment) => [deployment.kind, deployment.name, deployment.fields.model?.value, deployment.fields.gpuCount?.value])).toEqual([
      ["docker_container", "tgi", "meta-llama/Llama-3.1-8B-Instruct", undefined],
      ["docker_container", "vllm", "Qwen/Qwen2.5-32B-Instruct", 2],
    ]);
    expect(lintHcl(text, "main.tf").map((message) => [message.ruleId, message.line, message.message.split(". ")[0]])).toEqual([
      ["vram/unchecked-deployment", 4, 'gpus="all" gives it every GPU of the host, which TGI shards the model over, so this deployment was not checked.'],
      ["vram/pin-gpu-type", 11, "Qwen2.5-32B-Instruct on 2 GPUs fits only some of the GPUs it could land on, and no GPU type is named"],
    ]);
  });
});

describe("Nomad job specifications", () => {
  it("reads each task's engine, GPUs from its device block and GPU type from a ${device.model} constraint, and a task without one on the CPU", () => {
    const values = hclDeployments(read("nomad-jobs/llm.nomad.hcl")).map((deployment) => [
      deployment.name,
      deployment.fields.engine?.value,
      deployment.fields.model?.value,
      deployment.fields.gpuCount?.value ?? deployment.unresolved.gpuCount?.onCpu?.memoryLimit?.value,
      deployment.fields.gpuType?.value,
    ]);
    expect(values).toEqual([
      ["llm/vllm/vllm", "vllm", "Qwen/Qwen3-32B", 2, "NVIDIA A10G"],
      ["llm/embeddings/llama-cpp", "llama.cpp", "/models/bge-m3-Q8_0.gguf", 2048 * 2 ** 20, undefined],
    ]);
    // A device named with its model, a count left to Nomad's default of one, an exec task, a job that runs no engine.
    const exec = hclDeployments(`job "j" {
  group "g" {
    task "serve" {
      driver = "exec"
      config {
        command = "/opt/llama.cpp/llama-server"
        args    = ["-m", "/models/Qwen3-8B-Q4_K_M.gguf", "-ngl", "99"]
      }
      resources {
        device "nvidia/gpu/NVIDIA GeForce RTX 4090" {}
      }
    }
    task "web" {
      driver = "docker"
      config { image = "nginx:1.27" }
    }
  }
}
`);
    expect(exec.map((deployment) => [deployment.fields.engine?.value, deployment.fields.gpuCount?.value, deployment.fields.gpuType?.value])).toEqual([["llama.cpp", 1, "NVIDIA GeForce RTX 4090"]]);
  });
});

describe("Terraform scaleway_inference_deployment", () => {
  it("finds a Scaleway Managed Inference deployment, its catalog model and node type, and says it is not checked", () => {
    const text = `resource "scaleway_inference_deployment" "llm" {
  name        = "chat"
  node_type   = "H100-2"
  model_name  = "meta/llama-3.3-70b-instruct:fp8"
  accept_eula = true
  public_endpoint {
    is_enabled = true
  }
}
`;
    expect(hclDeployments(text).map((deployment) => [deployment.fields.model?.value, deployment.fields.gpuType?.value, deployment.fields.gpuCount?.value])).toEqual([["meta/llama-3.3-70b-instruct:fp8", "H100", 2]]);
    expect(lintHcl(text, "main.tf").map((message) => [message.ruleId, message.line, message.message])).toEqual([
      ["vram/unchecked-deployment", 4, "Scaleway Managed Inference sets its own engine and context, so this deployment was not checked."],
    ]);
  });
});

describe("Terraform HCL fixtures through eslint-plugin-vram/hcl", () => {
  it.each([
    ["gke-vllm-mixtral/main.tf", ["vram/weights-fit 60:34 moeResident"]],
    ["sagemaker-llama-g5/main.tf", ["vram/weights-fit 34:30 weightsExceed"]],
    ["gke-node-pool-qwen/serving.tf", ["vram/weights-fit 36:34 weightsExceed"]],
    ["eks-manifest-llama/manifests.tf", ["vram/kv-cache-headroom 24:90 kvTooSmall", "vram/weights-fit 63:35 weightsExceed", "vram/kv-cache-headroom 93:26 kvTooSmall"]],
    // The release whose values are a file beside it is found and said to be unchecked.
    ["helm-vllm-stack/main.tf", ["vram/weights-fit 12:5 moeResident", "vram/unchecked-deployment 62:13 unsupported"]],
    ["gpu-instances/main.tf", ["vram/weights-fit 5:19 weightsExceed"]],
    // Llama 3.3 70B on Model Garden's vLLM at one L4; Gemma 3 4B with its own container_spec fits.
    ["vertex-model-garden/main.tf", ["vram/weights-fit 17:29 weightsExceed"]],
    // Found and said to be unchecked: an Ollama on the host's AMD GPUs that pulls no model, a model from a variable, an Ollama that names none.
    ["homelab-hosts/main.tf", ["vram/unchecked-deployment 10:1 noModel", "vram/unchecked-deployment 33:15 variable", "vram/unchecked-deployment 58:15 noModel"]],
    // A chart named for an engine whose values are in a file beside this one: found and said to be unchecked.
    // Ingress is no engine; vllm-stack with no values deploys no engine (its defaults list no model).
    ["values-elsewhere/main.tf", ["vram/unchecked-deployment 20:5 unsupported"]],
    // Modules whose source is named for an engine, given their model as a local or a variable; redis is no engine.
    ["values-elsewhere/modules.tf", ["vram/unchecked-deployment 11:20 variable", "vram/unchecked-deployment 19:19 variable"]],
    // Models named by the host folder mounted where the engine reads them: the workstation's GPU type is not stated.
    ["bind-mounted-models/main.tf", ["vram/pin-gpu-type 9:13 someGpusFit"]],
    // Cloud Run: Gemma 3 27B at bf16 on the one L4 its v2 node selector names; a v1 (Knative) CPU Ollama fits its 2 GiB.
    ["cloud-run-gpu/main.tf", ["vram/weights-fit 48:30 weightsExceed"]],
    // A Nomad job: Qwen3 32B at bf16 on the two A10Gs its device block asks for; a CPU embeddings task fits its 2 GB.
    ["nomad-jobs/llm.nomad.hcl", ["vram/weights-fit 37:19 weightsExceed"]],
    // A Nomad job written in a nomad_job's jobspec heredoc: Llama 3.1 70B at bf16 on its device block's two L4s, reported in the heredoc.
    ["nomad-terraform/jobs.tf", ["vram/weights-fit 35:23 weightsExceed"]],
    // A jobspec heredoc with interpolations is read too: an Ollama whose model a Nomad action pulls from a variable names none.
    ["nomad-terraform/ollama.tf", ["vram/unchecked-deployment 24:5 noModel"]],
    // A variable file applied with -var-file, read as an app config: Qwen3 32B at bf16 over the two L4s of a g2-standard-24.
    ["presets/qwen3-32b-l4.tfvars", ["vram/weights-fit 9:22 weightsExceed"]],
    ["presets/network.tfvars", []],
  ])("%s", (relative, expected) => {
    expect(brief(lintHclFixture(relative).messages)).toEqual(expected);
  });

  it("says which file holds the values of a chart named for an engine", () => {
    expect(lintHclFixture("values-elsewhere/main.tf").messages.map((message) => message.message)).toEqual([
      "Its values are in ollama-values.yaml.tpl, which this file does not show, so this deployment was not checked.",
    ]);
  });

  it.each(["gke-vllm-mixtral/variables.tf", "gke-vllm-mixtral/locals.tf", "gke-node-pool-qwen/cluster.tf", "eks-manifest-llama/node-groups.tf", "sagemaker-llama-g5/variables.tf", "homelab-hosts/variables.tf"])(
    "%s (definitions only) has no findings",
    (relative) => {
      expect(lintHclFixture(relative).messages).toEqual([]);
    },
  );

  it("every suggestion, applied, still parses as HCL and removes its finding (re-linted with every rule)", () => {
    let checked = 0;
    for (const relative of ["gke-vllm-mixtral/main.tf", "sagemaker-llama-g5/main.tf", "gke-node-pool-qwen/serving.tf", "eks-manifest-llama/manifests.tf", "nomad-terraform/jobs.tf", "presets/qwen3-32b-l4.tfvars"]) {
      const { text, path, messages } = lintHclFixture(relative);
      for (const message of messages) {
        const before = messages.filter((other) => other.ruleId === message.ruleId).length;
        for (const suggestion of message.suggestions ?? []) {
          const fixed = applySuggestion(text, suggestion);
          expect(parseHcl(fixed).syntaxError, `${relative}: ${suggestion.desc}`).toBeUndefined();
          const after = lintHcl(fixed, path, { level: "all" });
          expect(after.filter((other) => other.fatal)).toEqual([]);
          expect(after.filter((other) => other.ruleId === message.ruleId).length, `${relative}: ${suggestion.desc}`).toBeLessThan(before);
          checked++;
        }
      }
    }
    expect(checked).toBe(10);
  });

  it("reads user data wrapped in base64encode, and a script run as another user (`su … -c`)", () => {
    const text = `resource "aws_instance" "ollama" {
  ami           = "ami-0c1234567890abcde"
  instance_type = "g5.xlarge"
  user_data = base64encode(<<-EOF
    #!/bin/bash
    curl -fsSL https://ollama.com/install.sh | sh
    systemctl start ollama
    su -s /bin/bash ollama -c "ollama pull llama3.1:8b"
  EOF
  )
}
`;
    const [deployment] = hclDeployments(text, "main.tf");
    expect([deployment?.fields.model?.value, deployment?.fields.engine?.value, deployment?.fields.instanceType?.value]).toEqual(["llama3.1:8b", "ollama", "g5.xlarge"]);
    expect(lintHcl(text, "main.tf").map((message) => message.ruleId)).toEqual([]);
  });

  it("names a model given as a mounted path by the host folder mounted there (docker volumes, docker run -v, hostPath)", () => {
    const { text, path } = lintHclFixture("bind-mounted-models/main.tf");
    expect(hclDeployments(text, path).map((deployment) => [deployment.fields.model?.value, deployment.fields.model?.readonly, deployment.assumptions])).toEqual([
      ["/srv/models/Qwen2.5-7B-Instruct", true, ["/model is the host's /srv/models/Qwen2.5-7B-Instruct, mounted there"]],
      ["/data/models/Mistral-7B-Instruct-v0.3", true, ["/weights is the host's /data/models/Mistral-7B-Instruct-v0.3, mounted there"]],
      ["/mnt/nvme/models/Meta-Llama-3.1-8B-Instruct", true, ["/models/llm is the host's /mnt/nvme/models/Meta-Llama-3.1-8B-Instruct, mounted there"]],
    ]);
  });

  it("reads a Model Garden deployment: the Hugging Face id or the publisher model's version, the machine spec, a container_spec's flags", () => {
    const { text, path } = lintHclFixture("vertex-model-garden/main.tf");
    const [llama, gemma] = hclDeployments(text, path);
    expect([llama!.fields.model?.value, llama!.fields.engine?.value, llama!.fields.gpuType?.value, llama!.fields.gpuCount?.value, llama!.layoutOwner, llama!.assumptions]).toEqual([
      "meta-llama/Llama-3.3-70B-Instruct",
      "vllm",
      "NVIDIA_L4",
      1,
      "tensor-from-gpus",
      ["Model Garden serves it with its vLLM container, as no container_spec is set"],
    ]);
    // The machine type fixes the GPUs: no fix rewrites the accelerator alone.
    expect([llama!.fields.gpuCount?.readonly, llama!.fields.gpuType?.readonly]).toEqual([true, true]);
    expect([gemma!.fields.model?.value, gemma!.fields.maxModelLen?.value, gemma!.fields.gpuMemoryUtilization?.value, gemma!.layoutOwner]).toEqual(["gemma-3-4b-it", 8192, 0.95, undefined]);
  });

  it("edits HCL in place: the GPU type inside its string, a list item of an HCL tuple, a YAML value inside a heredoc", () => {
    const mixtral = lintHclFixture("gke-vllm-mixtral/main.tf");
    expect(mixtral.messages[0]!.suggestions!.map((s) => s.fix.text)).toEqual(['"nvidia-a100-80gb"']);
    const qwen = lintHclFixture("gke-node-pool-qwen/serving.tf");
    const fixes = qwen.messages[0]!.suggestions!.map((s) => applySuggestion(qwen.text, s).split("\n")[31]!.trim());
    // Least change first: more of the same GPUs, then in-flight FP8 on them, then another checkpoint.
    expect(fixes).toEqual([
      'command = ["vllm", "serve", "Qwen/Qwen3-32B", "--tensor-parallel-size", "4", "--max-model-len", "32768"]',
      'command = ["vllm", "serve", "Qwen/Qwen3-32B", "--tensor-parallel-size", "4", "--max-model-len", "32768", "--quantization", "fp8"]',
      'command = ["vllm", "serve", "Qwen/Qwen3-32B-AWQ", "--tensor-parallel-size", "2", "--max-model-len", "32768"]',
    ]);
    const heredoc = lintHclFixture("eks-manifest-llama/manifests.tf");
    const mistral = heredoc.messages.find((m) => m.line === 63)!;
    expect(mistral.suggestions!.length).toBeGreaterThan(0);
    for (const suggestion of mistral.suggestions!) expect(suggestion.fix.range[0]).toBeGreaterThan(heredoc.text.indexOf("<<-EOT"));
  });
});

describe("values people write in HCL", () => {
  it("var.x from variables.tf and local.x from locals.tf: reported where used, never edited there", () => {
    const text = read("gke-vllm-mixtral/main.tf");
    const [deployment] = hclDeployments(text, hclFixture("gke-vllm-mixtral/main.tf"));
    expect(deployment).toMatchObject({ kind: "kubernetes_deployment_v1", name: "vllm-mixtral-8x7b" });
    expect(deployment!.fields.model).toMatchObject({ value: "mistralai/Mixtral-8x7B-Instruct-v0.1", readonly: true });
    expect(written(text, deployment!, "model")).toBe("var.model_id");
    expect(deployment!.fields.gpuCount).toMatchObject({ value: 2, readonly: true });
    expect(written(text, deployment!, "gpuCount")).toBe("var.gpu_count");
    expect(deployment!.fields.tensorParallel?.value).toBe(2);
    expect(written(text, deployment!, "tensorParallel")).toBe("tostring(var.gpu_count)");
    expect(deployment!.fields.maxModelLen).toMatchObject({ value: 32768, readonly: true });
    expect(deployment!.fields.gpuMemoryUtilization).toMatchObject({ value: 0.9 });
    expect(deployment!.fields.gpuMemoryUtilization!.readonly).toBeUndefined();
  });

  it("a heredoc of chart values with an unknown variable keeps its known parts' values, so the YAML around them reads", () => {
    const text = [
      'resource "helm_release" "chat" {',
      '  name  = "chat"',
      '  chart = "./vllm-chart"',
      "  values = [",
      "    <<-EOT",
      "    nodeSelector:",
      '      team: "${"platform"}"',
      "    resources:",
      "      limits:",
      '        nvidia.com/gpu: "1"',
      '    command: "vllm serve ${var.model_name} --max-model-len 8192"',
      "    EOT",
      "  ]",
      "}",
      "",
    ].join("\n");
    const [judged] = hclJudged(text);
    // Found, and said to be set at deploy time: `owner: "${"platform"}"` no longer breaks the YAML.
    expect(judged).toMatchObject({ status: "incomplete", field: "model", value: { reason: "variable" } });
  });

  it("without its folder (no path on disk), variables are unknown and the deployment is left unjudged", () => {
    const [judged] = hclJudged(read("gke-vllm-mixtral/main.tf"));
    // Of the values unknown, the model's is said first.
    expect(judged).toMatchObject({ status: "incomplete", field: "model", value: { raw: "${var.model_id}", reason: "variable" } });
  });

  it("terraform.tfvars overrides a variable's default, as terraform plan does", () => {
    const [instance] = hclDeployments(read("gpu-instances/main.tf"), hclFixture("gpu-instances/main.tf"));
    expect(instance!.fields.instanceType).toMatchObject({ value: "g5.12xlarge", readonly: true });
  });

  it("a SageMaker endpoint configuration joins its model through aws_sagemaker_model.x.name; a variable without default stays out of the verdict", () => {
    const text = read("sagemaker-llama-g5/main.tf");
    const [judged] = hclJudged(text, hclFixture("sagemaker-llama-g5/main.tf"));
    expect(judged).toMatchObject({ status: "judged", values: { model: "meta-llama/Llama-3.1-70B-Instruct", instanceType: "ml.g5.2xlarge", engine: "tgi", tensorParallel: 1, maxModelLen: 8192 } });
    expect(judged?.status === "judged" && judged.estimate.verdict).toBe("weights-exceed-memory");
  });

  it("node pools of the folder give the GPU type: by pool reference, by pool label, by EKS node group name", () => {
    const serving = read("gke-node-pool-qwen/serving.tf");
    const [qwen, embeddings] = hclDeployments(serving, hclFixture("gke-node-pool-qwen/serving.tf"));
    expect(qwen!.fields.gpuType).toMatchObject({ value: "nvidia-l4", readonly: true, source: "cloud.google.com/gke-accelerator" });
    expect(written(serving, qwen!, "gpuType")).toBe("google_container_node_pool.l4.name");
    expect(embeddings!.fields.gpuType?.value).toBe("nvidia-l4");
    expect(written(serving, embeddings!, "gpuType")).toBe('"llm-serving"');
    const manifests = read("eks-manifest-llama/manifests.tf");
    const deployments = hclDeployments(manifests, hclFixture("eks-manifest-llama/manifests.tf"));
    expect(deployments.map((d) => [d.name, d.fields.instanceType?.value])).toEqual([
      ["llama-3-1-8b", "g5.2xlarge"],
      ["mistral-small", "g5.2xlarge"],
      ["tgi-gemma", "g5.2xlarge"],
    ]);
  });

  it("a selector that matches pools of different GPUs, or none, adds no GPU type", () => {
    const pools = `
resource "google_container_node_pool" "a" {
  name = "a"
  node_config {
    guest_accelerator {
      type  = "nvidia-l4"
      count = 1
    }
    labels = { tier = "gpu" }
  }
}
resource "google_container_node_pool" "b" {
  name = "b"
  node_config {
    guest_accelerator {
      type  = "nvidia-tesla-t4"
      count = 1
    }
    labels = { tier = "gpu" }
  }
}
resource "kubernetes_pod_v1" "p" {
  metadata { name = "p" }
  spec {
    node_selector = { tier = "gpu" }
    container {
      name  = "vllm"
      image = "vllm/vllm-openai:v0.11.0"
      args  = ["--model", "Qwen/Qwen3-8B"]
    }
  }
}
`;
    const [deployment] = hclDeployments(pools);
    expect(deployment!.fields.gpuType).toBeUndefined();
    const single = pools.replace(/resource "google_container_node_pool" "b"[\s\S]*?\n}\n/, "");
    expect(hclDeployments(single)[0]!.fields.gpuType?.value).toBe("nvidia-l4");
  });

  /** A Kubernetes Deployment in HCL whose vLLM container has one more argument (its `args` or `command`). */
  const vllmDeployment = (argument: string) => `
resource "kubernetes_deployment_v1" "d" {
  metadata { name = "d" }
  spec {
    template {
      spec {
        container {
          name  = "vllm"
          image = "vllm/vllm-openai:v0.11.0"
          ${argument}
        }
      }
    }
  }
}
`;

  it("compact() keeps an unknown item as a value set at deploy time, so the rest of the argument list still counts", () => {
    const [deployment] = hclDeployments(vllmDeployment('args  = compact(["--model", var.model_id, "--max-model-len", "8192", var.enable_prefix_caching ? "--enable-prefix-caching" : ""])'));
    expect(deployment!.unresolved.model).toMatchObject({ reason: "variable" });
    expect(deployment!.fields.maxModelLen?.value).toBe(8192);
  });

  it("string interpolation resolves when every part does; the rest of a command line still counts", () => {
    const tf = (args: string) => `locals { tp = 2 }\n${vllmDeployment(`command = ["/bin/sh", "-c", ${args}]`)}`;
    const known = tf('"vllm serve Qwen/Qwen3-8B --tensor-parallel-size ${local.tp} --max-model-len 8192"');
    const [resolved] = hclDeployments(known);
    expect(resolved!.fields).toMatchObject({ model: { value: "Qwen/Qwen3-8B" }, tensorParallel: { value: 2 }, maxModelLen: { value: 8192 } });
    // Not written verbatim: nothing in this string is edited in place.
    expect(Object.values(resolved!.fields).every((field) => field!.readonly || field!.source === "image")).toBe(true);
    const partial = tf('"vllm serve ${var.model} --tensor-parallel-size 2 --max-model-len 8192"');
    const [unknown] = hclDeployments(partial);
    // The shell words of the command line: `${var.model}`, set at deploy time, named as written.
    expect(unknown!.unresolved.model).toMatchObject({ raw: "${var.model}", reason: "variable" });
    expect(unknown!.fields).toMatchObject({ tensorParallel: { value: 2 }, maxModelLen: { value: 8192 } });
    expect(written(partial, unknown!, "maxModelLen")).toBe("8192");
  });

  it.each([
    ["a module output", "module.llm.model_id", "${module.llm.model_id}"],
    ["a data source", "data.aws_ssm_parameter.model.value", "${data.aws_ssm_parameter.model.value}"],
    ["a function Terraform evaluates at plan time", 'file("${path.module}/model.txt")', '${file("${path.module}/model.txt")}'],
    ["a for expression", "[for m in var.models : m.id][0]", "${[for m in var.models : m.id][0]}"],
  ])("%s leaves the deployment unjudged with a message, never a guess", (_label, expression, raw) => {
    const text = `
resource "kubernetes_deployment_v1" "d" {
  metadata { name = "d" }
  spec {
    template {
      spec {
        node_selector = { "cloud.google.com/gke-accelerator" = "nvidia-l4" }
        container {
          name  = "vllm"
          image = "vllm/vllm-openai:v0.11.0"
          args  = ["--model", ${expression}]
          resources {
            limits = { "nvidia.com/gpu" = 1 }
          }
        }
      }
    }
  }
}
`;
    const [judged] = hclJudged(text);
    expect(judged).toMatchObject({ status: "incomplete", field: "model", value: { raw } });
    const explained = explainFile("main.tf", text);
    expect(explained.file.deployments[0]!.reason).toBe(`--model is set at deploy time (${raw}), so this deployment was not checked. Write the value here to have it checked.`);
    // No verdict is guessed: the one finding (an error only because `all` turns every rule to error) says it was not checked.
    expect(lintHcl(text, "main.tf", { level: "all" }).filter((m) => m.severity === 2).map((m) => m.ruleId)).toEqual(["vram/unchecked-deployment"]);
    expect(lintHcl(text, "main.tf", { level: "recommended" }).map((m) => [m.ruleId, m.severity])).toEqual([["vram/unchecked-deployment", 1]]);
  });

  it("merge, lookup, conditionals and arithmetic evaluate like terraform plan (the llm-sagemaker module's own shape)", () => {
    const text = `
variable "instance_type" { default = "ml.g5.12xlarge" }
variable "hf_token" { default = null }
locals {
  gpus = { "ml.g5.2xlarge" = 1, "ml.g5.12xlarge" = 4 }
  num_gpus = local.gpus[var.instance_type]
}
resource "aws_sagemaker_model" "m" {
  name = "m"
  primary_container {
    image = "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.4.0-tgi2.4.0-gpu-py311-cu124-ubuntu22.04"
    environment = merge(
      {
        HF_MODEL_ID      = "meta-llama/Llama-3.1-8B-Instruct"
        SM_NUM_GPUS      = local.num_gpus
        MAX_TOTAL_TOKENS = lookup({ short = 4096 }, "short", 8192) * 2
      },
      var.hf_token != null ? { HF_TOKEN = var.hf_token } : {}
    )
  }
}
resource "aws_sagemaker_endpoint_configuration" "c" {
  production_variants {
    model_name    = aws_sagemaker_model.m.name
    instance_type = var.instance_type
  }
}
`;
    const [judged] = hclJudged(text);
    expect(judged).toMatchObject({ status: "judged", values: { tensorParallel: 4, maxModelLen: 8192, instanceType: "ml.g5.12xlarge" } });
  });

  it("reads a SageMaker endpoint module by its inputs at any depth, and says weights unpacked at /opt/ml/model name no model", () => {
    const text = `
module "mistral_endpoint" {
  source        = "aws-ia/sagemaker-endpoint/aws"
  endpoint_name = "mistral"
  containers = [{
    image_uri = "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.4.0-tgi2.4.0-gpu-py311-cu124-ubuntu22.04"
    environment = {
      HF_MODEL_ID      = "mistralai/Mistral-7B-Instruct-v0.3"
      SM_NUM_GPUS      = 1
      MAX_TOTAL_TOKENS = 8192
    }
  }]
  production_variant = { variant_name = "AllTraffic", instance_type = "ml.g5.2xlarge", initial_instance_count = 1 }
}
module "jumpstart_phi" {
  source                = "./modules/sagemaker_deployment"
  container_image       = "763104351884.dkr.ecr.eu-west-2.amazonaws.com/huggingface-pytorch-tgi-inference:2.1.1-tgi1.4.2-gpu-py310-cu121-ubuntu22.04"
  model_uri             = "s3://jumpstart-cache-prod-eu-west-2/huggingface-llm/huggingface-llm-phi-2/artifacts/inference-prepack/v1.0.0/"
  instance_type         = "ml.g5.xlarge"
  environment_variables = { "HF_MODEL_ID" : "/opt/ml/model", "SM_NUM_GPUS" : "1" }
}
module "network" {
  source        = "./modules/vpc"
  instance_type = "t3.micro"
}
`;
    const judged = hclJudged(text);
    expect(judged.map((entry) => entry.status)).toEqual(["judged", "incomplete"]);
    expect(judged[0]).toMatchObject({ values: { engine: "tgi", model: "mistralai/Mistral-7B-Instruct-v0.3", instanceType: "ml.g5.2xlarge", maxModelLen: 8192 } });
  });


  it("reads any module whose inputs write a model beside its hardware; the engine and its release from an input named for it", () => {
    const text = `
module "gpt_oss_20b" {
  source        = "../../"
  instance_type = "g6.xlarge"
  subnet_id     = data.aws_subnets.default.ids[0]
  model         = "openai/gpt-oss-20b"
  vllm_timeout  = 600
  vllm_version  = "v0.10.1"
}
module "qwen_vm" {
  source         = "./modules/gpu-vm"
  machine_type   = "g2-standard-8"
  model_id       = "Qwen/Qwen2.5-32B-Instruct"
  max_model_len  = 16384
}
module "from_variables" {
  source        = "./modules/gpu-vm"
  instance_type = var.instance_type
  model         = var.model
}
module "network" {
  source        = "./modules/vpc"
  instance_type = "t3.micro"
}
`;
    const judged = hclJudged(text);
    expect(judged.map((entry) => [entry.status, entry.deployment.name, entry.status === "judged" ? entry.estimate.verdict : undefined])).toEqual([
      ["judged", "gpt_oss_20b", "fits"],
      ["judged", "qwen_vm", "weights-exceed-memory"],
    ]);
    expect(judged[0]).toMatchObject({ values: { engine: "vllm", engineVersion: "v0.10.1", model: "openai/gpt-oss-20b", instanceType: "g6.xlarge" } });
    expect(judged[1]).toMatchObject({ values: { model: "Qwen/Qwen2.5-32B-Instruct", instanceType: "g2-standard-8", maxModelLen: 16384 } });
  });
  it("keys, values, compact and flatten evaluate like terraform plan (values in key order)", () => {
    const text = `
locals {
  pools = { zz_spare = { count = 8 }, l4_pool = { count = 2 } }
  extra = ""
}
resource "kubernetes_deployment" "vllm" {
  metadata { name = "vllm" }
  spec {
    template {
      metadata { labels = { app = "vllm" } }
      spec {
        node_selector = { "cloud.google.com/gke-accelerator" = "nvidia-l4" }
        container {
          name  = "vllm"
          image = "vllm/vllm-openai:v0.10.1"
          args  = flatten([compact(["--model", "Qwen/Qwen2.5-7B-Instruct", local.extra]), ["--tensor-parallel-size", values(local.pools)[0].count], keys(local.pools)[1] == "zz_spare" ? ["--max-model-len", "8192"] : []])
          resources { limits = { "nvidia.com/gpu" = values(local.pools)[0].count } }
        }
      }
    }
  }
}
`;
    const [judged] = hclJudged(text);
    expect(judged).toMatchObject({ status: "judged", values: { model: "Qwen/Qwen2.5-7B-Instruct", tensorParallel: 2, gpuCount: 2, maxModelLen: 8192 } });
  });
});

describe("suppression comments", () => {
  const path = hclFixture("gke-vllm-mixtral/main.tf");
  const text = read("gke-vllm-mixtral/main.tf");
  const line60 = '              "nvidia.com/gpu" = var.gpu_count';

  it.each([
    ["#", "# eslint-disable-next-line vram/weights-fit -- the L4 pool is replaced by H100 next sprint"],
    ["//", "// eslint-disable-next-line vram/weights-fit"],
    ["/* */", "/* eslint-disable-next-line vram/weights-fit */"],
  ])("a %s comment on the line before silences the finding", (_kind, comment) => {
    const suppressed = text.replace(line60, `              ${comment}\n${line60}`);
    expect(suppressed).not.toBe(text);
    expect(lintHcl(suppressed, path)).toEqual([]);
  });

  it("eslint-disable / eslint-enable blocks, and an unused directive is reported", () => {
    const lines = text.split("\n");
    const wrapped = ["/* eslint-disable vram/weights-fit */", ...lines.slice(0, 62), "/* eslint-enable vram/weights-fit */", ...lines.slice(62)].join("\n");
    expect(lintHcl(wrapped, path)).toEqual([]);
    const elsewhere = text.replace('resource "kubernetes_namespace_v1"', '# eslint-disable-next-line vram/kv-cache-headroom\nresource "kubernetes_namespace_v1"');
    const config = [...plugin.configs.recommended, ...hclPlugin.configs.recommended, { linterOptions: { reportUnusedDisableDirectives: "error" as const } }];
    const messages = new Linter().verify(elsewhere, config, { filename: path });
    expect(messages.map((m) => [m.ruleId, m.line, m.message.slice(0, 40)])).toEqual([
      [null, 4, "Unused eslint-disable directive (no prob"],
      ["vram/weights-fit", 61, expect.stringMatching(/^Mixtral/)],
    ]);
  });
});

describe("files being typed", () => {
  it("a half-typed file is a parse error at its place: no crash, no verdict", () => {
    const text = read("gke-vllm-mixtral/main.tf");
    const half = text.slice(0, text.indexOf('"nvidia.com/gpu" = var.gpu_count') + 19);
    const messages = lintHcl(half, hclFixture("gke-vllm-mixtral/main.tf"));
    expect(messages.map((m) => ({ fatal: m.fatal, line: m.line, ruleId: m.ruleId }))).toEqual([{ fatal: true, line: 58, ruleId: null }]);
    expect(messages[0]!.message).toMatch(/^Parsing error: HCL syntax error: /);
    expect(explainFile("main.tf", half).file.error).toMatch(/^cannot parse: HCL syntax error: .* \(line 58, column \d+\)$/);
  });

  it("a sibling with a syntax error neither crashes nor lends its broken block's values", () => {
    const folder = mkdtempSync(join(tmpdir(), "vram-hcl-"));
    try {
      cpSync(hclFixture("gke-vllm-mixtral"), folder, { recursive: true });
      writeFileSync(join(folder, "variables.tf"), read("gke-vllm-mixtral/variables.tf").replace('default     = 2\n}', "default = \n"));
      const main = join(folder, "main.tf");
      const [judged] = hclJudged(readFileSync(main, "utf8"), main);
      expect(judged).toMatchObject({ status: "incomplete", value: { raw: "${tostring(var.gpu_count)}", reason: "variable" } });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe("variable files", () => {
  it("a preset is read as an app config; terraform.tfvars beside the module's .tf files is read through them, once", () => {
    const folder = mkdtempSync(join(tmpdir(), "vram-hcl-"));
    try {
      cpSync(hclFixture("gke-vllm-mixtral"), folder, { recursive: true });
      const values = 'model_id  = "meta-llama/Llama-3.1-70B-Instruct"\ngpu_count = 2\n';
      writeFileSync(join(folder, "terraform.tfvars"), values);
      writeFileSync(join(folder, "big.tfvars"), `vllm_model = "meta-llama/Llama-3.1-70B-Instruct"\nvllm_gpu_count = 2\ngpu_type = "nvidia-l4"\n`);
      const rules = (path: string) => lintHcl(readFileSync(path, "utf8"), path).map((message) => `${message.ruleId} ${message.line}`);
      expect(rules(join(folder, "terraform.tfvars"))).toEqual([]);
      expect(rules(join(folder, "big.tfvars"))).toEqual(["vram/weights-fit 2"]);
      // The module's own file judges the values terraform.tfvars gives it.
      const main = join(folder, "main.tf");
      expect(hclJudged(readFileSync(main, "utf8"), main)[0]).toMatchObject({ status: "judged", values: { model: "meta-llama/Llama-3.1-70B-Instruct", gpuCount: 2 } });
      // An *.auto.tfvars that sets none of the module's variables is a preset of its own, read alone;
      // an Ollama tag with no engine named is Ollama's.
      writeFileSync(join(folder, "hosts.auto.tfvars"), 'llm_hosts = [\n  {\n    llm_model     = "llama3.1:70b"\n    instance_type = "g5.xlarge"\n  },\n]\n');
      expect(rules(join(folder, "hosts.auto.tfvars"))).toEqual(["vram/cpu-offload 3"]);
      expect(hclJudged(readFileSync(join(folder, "hosts.auto.tfvars"), "utf8"), join(folder, "hosts.auto.tfvars"))[0]).toMatchObject({ values: { engine: "ollama", instanceType: "g5.xlarge" } });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe("results do not depend on which files are linted together", () => {
  let folder = "";
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), "vram-hcl-"));
    cpSync(hclFixture("gke-vllm-mixtral"), join(folder, "mixtral"), { recursive: true });
    cpSync(hclFixture("gke-node-pool-qwen"), join(folder, "qwen"), { recursive: true });
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  const eslint = () => new ESLint({ cwd: folder, overrideConfigFile: true, overrideConfig: [...plugin.configs.recommended, ...hclPlugin.configs.recommended] });
  const summary = (results: ESLint.LintResult[]) => results.flatMap((r) => r.messages.map((m) => `${r.filePath.slice(folder.length)} ${m.ruleId} ${m.line}:${m.column} ${m.message}`)).sort();

  it("one file alone, its folder, or the whole tree: the same findings for that file", async () => {
    const alone = summary(await eslint().lintFiles(["mixtral/main.tf"]));
    const tree = summary(await eslint().lintFiles(["."])).filter((line) => line.startsWith("/mixtral/main.tf"));
    expect(alone).toHaveLength(1);
    expect(tree).toEqual(alone);
  });

  it("a sibling changed on disk is read again (cached by path, modification time and size)", async () => {
    const variables = join(folder, "mixtral", "variables.tf");
    writeFileSync(variables, readFileSync(variables, "utf8").replace("default     = 2", "default     = 8").replace('"mistralai/Mixtral-8x7B-Instruct-v0.1"', '"mistralai/Mixtral-8x7B-Instruct-v0.1" '));
    utimesSync(variables, new Date(), new Date(Date.now() + 5000));
    expect(summary(await eslint().lintFiles(["mixtral/main.tf"]))).toEqual([]);
  });
});

describe("robustness", () => {
  const texts = ["gke-vllm-mixtral/main.tf", "sagemaker-llama-g5/main.tf", "eks-manifest-llama/manifests.tf", "helm-vllm-stack/main.tf", "gke-node-pool-qwen/serving.tf"].map(read);

  it("random and mutated HCL never throws or hangs", () => {
    fc.assert(
      fc.property(mutatedTexts(texts, ["{", "}", "[", "]", '"', "$", "{", "=", "\n", "<<-EOT\n", "EOT", "var.", "local.", "#", "/*", "(", ")", ",", "x", "1"]), (text) => {
        const started = performance.now();
        lintHcl(text, "main.tf", { level: "all" });
        explainFile("main.tf", text);
        expect(performance.now() - started).toBeLessThan(2000);
      }),
      { numRuns: 150 },
    );
  });

  it("hostile nesting (20,000 levels of lists, parentheses, objects, blocks) is read without exhausting the stack", () => {
    const n = 20_000;
    const text = `x = ${"[".repeat(n)}${"]".repeat(n)}\ny = ${"(".repeat(n)}1${")".repeat(n)}\nz = ${"{a = ".repeat(n)}1${"}".repeat(n)}\n${"b {\n".repeat(n)}${"}\n".repeat(n)}`;
    expect(lintHcl(text, "main.tf", { level: "all" })).toEqual([]);
    expect(explainFile("main.tf", text).file).toEqual({ path: "main.tf", deployments: [] });
  });

  it("references that loop (local.a = local.b, local.b = local.a) are unknown, not a hang", () => {
    const text = `locals {\n  a = local.b\n  b = local.a\n}\nresource "kubernetes_pod_v1" "p" {\n  metadata { name = "p" }\n  spec {\n    container {\n      name = "vllm"\n      image = "vllm/vllm-openai:v0.11.0"\n      args = ["--model", local.a]\n    }\n  }\n}\n`;
    // The pod requests no GPU, which is what leaves it unjudged first; the looping reference is unknown all the same.
    expect(hclJudged(text)[0]).toMatchObject({ status: "incomplete", deployment: { unresolved: { model: { raw: "${local.a}" } } } });
  });

  it("findings point at the right column on lines with characters outside the BMP", () => {
    const text = read("sagemaker-llama-g5/main.tf").replace("# Llama 3.1 70B", "# 🦙 Llama 3.1 70B 🦙");
    expect(lintHcl(text, hclFixture("sagemaker-llama-g5/main.tf")).map(finding)).toEqual([{ ruleId: "vram/weights-fit", messageId: "weightsExceed", line: 34, column: 30 }]);
  });
});
