import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findings, lint, readFixture } from "../support/lint.js";
import { deploymentsOf, expectSuggestionsFix, finding, judgedOf, lintFixture, writtenAt } from "./helpers.js";

describe("Terraform JSON: SageMaker endpoints", () => {
  it("reports Mixtral on ml.g5.2xlarge at the instance_type value, and every suggestion fixes it", () => {
    const { text, filename, messages } = lintFixture("terraform/sagemaker-mixtral-g5-2xlarge.tf.json");
    expect(filename).toBe("sagemaker-mixtral-g5-2xlarge.tf.json");
    expect(messages.map(finding)).toEqual([{ ruleId: "vram/weights-fit", messageId: "moeResident", line: 44, column: 30 }]);
    const lines = text.split("\n");
    expect(lines[43]!.slice(29, 44)).toBe('"ml.g5.2xlarge"');
    expect(messages[0]!.suggestions?.length).toBeGreaterThan(0);
    expect(expectSuggestionsFix(text, filename, messages)).toBe(messages[0]!.suggestions!.length);
    // Instance types keep SageMaker's `ml.` prefix.
    expect(messages[0]!.suggestions!.some((suggestion) => suggestion.fix.text.includes('"ml.g5.48xlarge"'))).toBe(true);
  });

  it("is clean on ml.p4d.24xlarge with SM_NUM_GPUS 8", () => {
    const { text, filename, messages } = lintFixture("terraform/sagemaker-mixtral-p4d.tf.json");
    expect(messages).toEqual([]);
    const [judged] = judgedOf(text, filename);
    expect(judged).toMatchObject({ status: "judged", values: { instanceType: "ml.p4d.24xlarge", tensorParallel: 8, engine: "tgi", maxModelLen: 8192 } });
  });

  it("joins the endpoint to its model through ${aws_sagemaker_model.x.name} and collects the \"//\" notes", () => {
    const text = readFixture("terraform/sagemaker-mixtral-g5-2xlarge.tf.json");
    const [deployment] = deploymentsOf(text, "main.tf.json");
    expect(deployment).toMatchObject({ format: "terraform", kind: "aws_sagemaker_endpoint_configuration", name: "mixtral" });
    expect(writtenAt(text, deployment!, "model")).toBe('"mistralai/Mixtral-8x7B-Instruct-v0.1"');
    expect(deployment!.fields.engine?.value).toBe("tgi");
    expect(deployment!.notes?.map((note) => note.value)).toEqual(["TGI reads HF_MODEL_ID and shards over SM_NUM_GPUS GPUs (every GPU of the instance by default)."]);
  });

  it("leaves ${var.x} unresolved and follows ${local.x} to a literal local", () => {
    const text = readFixture("terraform/sagemaker-variables.tf.json");
    expect(lintFixture("terraform/sagemaker-variables.tf.json").messages.map((message) => `${message.ruleId} ${message.messageId}`)).toEqual(["vram/unchecked-deployment variable"]);
    const [deployment] = deploymentsOf(text, "main.tf.json");
    expect(deployment!.unresolved).toMatchObject({ instanceType: { raw: "${var.instance_type}", reason: "variable" }, model: { reason: "variable" } });
    expect(deployment!.fields.maxModelLen?.value).toBe(4096);
    expect(writtenAt(text, deployment!, "maxModelLen")).toBe('"4096"');
  });

  it("reads LMI OPTION_* and SageMaker vLLM SM_VLLM_* settings", () => {
    const model = (image: string, environment: Record<string, string>) =>
      JSON.stringify({
        resource: {
          aws_sagemaker_model: { m: { name: "m", primary_container: [{ image, environment }] } },
          aws_sagemaker_endpoint_configuration: { c: { production_variants: [{ model_name: "m", instance_type: "ml.g5.12xlarge" }] } },
        },
      });
    const lmi = deploymentsOf(model("763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.29.0-lmi11.0.0-cu124", { HF_MODEL_ID: "meta-llama/Llama-3.1-8B-Instruct", OPTION_MAX_MODEL_LEN: "8192", OPTION_TENSOR_PARALLEL_DEGREE: "max" }), "lmi.tf.json");
    expect(lmi[0]!.fields).toMatchObject({ model: { value: "meta-llama/Llama-3.1-8B-Instruct" }, maxModelLen: { value: 8192 }, instanceType: { value: "ml.g5.12xlarge" } });
    expect(lmi[0]!.fields.tensorParallel).toBeUndefined();
    const vllm = deploymentsOf(model("763104351884.dkr.ecr.us-east-1.amazonaws.com/vllm:0.11.0-gpu-py312-sagemaker", { SM_VLLM_MODEL: "Qwen/Qwen3-32B", SM_VLLM_TENSOR_PARALLEL_SIZE: "4", SM_VLLM_MAX_MODEL_LEN: "16384" }), "vllm.tf.json");
    expect(vllm[0]!.fields).toMatchObject({ engine: { value: "vllm" }, model: { value: "Qwen/Qwen3-32B" }, tensorParallel: { value: 4 }, maxModelLen: { value: 16384 } });
  });

  it("reads a call of the llm-sagemaker module", () => {
    const text = JSON.stringify({
      module: {
        llama: { source: "philschmid/llm-sagemaker/aws", hf_model_id: "meta-llama/Meta-Llama-3-8B-Instruct", instance_type: "ml.g5.2xlarge", tgi_config: { max_total_tokens: 4096 } },
      },
    });
    expect(judgedOf(text, "main.tf.json")[0]).toMatchObject({ status: "judged", values: { engine: "tgi", maxModelLen: 4096, instanceType: "ml.g5.2xlarge" } });
  });
});

describe("Terraform JSON: Kubernetes provider", () => {
  it("reports the snake_case kubernetes_deployment_v1 at its GPU limit; the kubernetes_manifest Deployment fits", () => {
    const { text, filename, messages } = lintFixture("terraform/kubernetes-vllm.tf.json");
    expect(messages.map(finding)).toEqual([{ ruleId: "vram/weights-fit", messageId: "weightsExceed", line: 38, column: 59 }]);
    expect(expectSuggestionsFix(text, filename, messages)).toBe(messages[0]!.suggestions!.length);
    const deployments = deploymentsOf(text, filename);
    expect(deployments.map((deployment) => [deployment.kind, deployment.name])).toEqual([
      ["kubernetes_deployment_v1", "llama-70b"],
      ["Deployment", "qwen-7b"],
    ]);
    expect(deployments[0]!.fields).toMatchObject({ gpuType: { value: "nvidia-a100-80gb" }, gpuCount: { value: 1 }, maxModelLen: { value: 16384 } });
    expect(deployments[0]!.notes?.map((note) => note.value)).toEqual(["vram: capacity review pending (INFRA-2231)"]);
  });

  it("reads helm_release values and set blocks through the Helm values adapters", () => {
    const { text, filename, messages } = lintFixture("terraform/helm-release-vllm-stack.tf.json");
    expect(messages.map(finding)).toEqual([
      { ruleId: "vram/weights-fit", messageId: "moeResident", line: 12, column: 11 },
      // The release whose values are read from a file: found, and said to be unchecked.
      { ruleId: "vram/unchecked-deployment", messageId: "unsupported", line: 30, column: 20 },
    ]);
    expect(messages[0]!.suggestions ?? []).toEqual([]); // the values live in a string: nothing to edit in place
    const deployments = deploymentsOf(text, filename);
    expect(deployments.map((deployment) => [deployment.kind, deployment.name])).toEqual([
      ["helm_release (vllm-stack modelSpec)", "mixtral"],
      ["helm_release (KubeAI catalog entry)", "llama-3.1-8b-instruct-l4"],
      ["helm_release", "from_file"],
    ]);
    expect(deployments[0]!.fields).toMatchObject({ gpuCount: { value: 2, readonly: true }, tensorParallel: { value: 2 }, gpuType: { value: "nvidia-l4" } });
    expect(deployments[0]!.notes?.map((note) => note.value)).toEqual(["The production-stack chart; GPU count comes from the set block below."]);
  });

  it("reads the containers of an in-house chart's values in a helm_release, a one-string command included", () => {
    const values = 'nodeSelector:\n  cloud.google.com/gke-accelerator: nvidia-tesla-t4\nresources:\n  limits:\n    nvidia.com/gpu: "1"\ncommand: "vllm serve deepseek-ai/DeepSeek-R1-Distill-Llama-8B --max_model 2048"\n';
    const release = JSON.stringify({ resource: { helm_release: { deepseek_gpu: { chart: "./manifests/vllm-chart", values: [values] } } } });
    const [judged] = judgedOf(release, "main.tf.json");
    expect(judged).toMatchObject({ status: "judged", values: { engine: "vllm", model: "deepseek-ai/DeepSeek-R1-Distill-Llama-8B", maxModelLen: 2048, gpuCount: 1, gpuType: "nvidia-tesla-t4" } });
    expect(findings(lint(release, "main.tf.json")).map((message) => [message.ruleId, message.messageId])).toEqual([["vram/weights-fit", "weightsExceed"]]);
  });

  it("judges Helm values whose other keys are interpolated, and leaves an interpolated setting unresolved", () => {
    const release = (values: string) => JSON.stringify({ resource: { helm_release: { r: { chart: "vllm-stack", values: [values] } } } });
    const values = "servingEngineSpec:\n  modelSpec:\n  - name: m\n    tag: ${var.image_tag}\n    modelURL: meta-llama/Llama-3.1-8B-Instruct\n    requestGPU: 1\n    nodeSelectorTerms:\n    - matchExpressions:\n      - {key: cloud.google.com/gke-accelerator, operator: In, values: [nvidia-l4]}\n";
    expect(judgedOf(release(values), "main.tf.json")[0]).toMatchObject({ status: "judged", values: { model: "meta-llama/Llama-3.1-8B-Instruct", gpuCount: 1 } });
    expect(judgedOf(release(values.replace("requestGPU: 1", "requestGPU: ${var.gpus}")), "main.tf.json")[0]).toMatchObject({ status: "incomplete", field: "gpuCount" });
  });

  it("judges GPU instances that name their model in tags, metadata or the startup script", () => {
    const { text, filename, messages } = lintFixture("terraform/gpu-instances.tf.json");
    expect(messages.map(finding)).toEqual([{ ruleId: "vram/weights-fit", messageId: "weightsExceed", line: 7, column: 26 }]);
    expect(expectSuggestionsFix(text, filename, messages)).toBe(messages[0]!.suggestions!.length);
    const judged = judgedOf(text, filename);
    expect(judged.map((entry) => [entry.deployment.kind, entry.deployment.name, entry.status])).toEqual([
      ["aws_instance", "llama_70b", "judged"],
      ["google_compute_instance", "qwen_t4", "judged"],
      ["azurerm_linux_virtual_machine", "llama_8b", "judged"],
    ]);
    expect(judged[0]!.values).toMatchObject({ model: "meta-llama/Llama-3.1-70B-Instruct", instanceType: "g5.12xlarge", tensorParallel: 4, maxModelLen: 8192 });
    expect(judged[1]!.values).toMatchObject({ gpuType: "nvidia-tesla-t4", gpuCount: 1, dtype: "half" });
    expect(judged[1]!.values.instanceType).toBeUndefined();
  });
});

describe("Terraform plan JSON", () => {
  it("reads planned_values and child modules; a plan's findings offer no edits", () => {
    const { text, filename, messages } = lintFixture("terraform/plan.json");
    expect(messages.map(finding)).toEqual([{ ruleId: "vram/weights-fit", messageId: "weightsExceed", line: 71, column: 38 }]);
    expect(messages[0]!.suggestions ?? []).toEqual([]);
    expect(text.split("\n")[70]!.slice(37, 53)).toBe('"ml.g5.12xlarge"');
    const judged = judgedOf(text, filename);
    expect(judged.map((entry) => [entry.deployment.kind, entry.deployment.name, entry.status])).toEqual([
      ["Deployment", "llama-8b", "judged"],
      ["aws_sagemaker_endpoint_configuration", "this", "judged"],
      ["aws_sagemaker_endpoint_configuration", "small", "judged"],
    ]);
    // `small` has no model_name in planned_values (a name_prefix); the configuration's references join it.
    expect(judged[2]!.values).toMatchObject({ model: "meta-llama/Meta-Llama-3-8B-Instruct", instanceType: "ml.g5.2xlarge" });
  });
});

describe("Terraform: detection and odd input", () => {
  it("leaves JSON that is not Terraform to the other readers", () => {
    const appConfig = JSON.stringify({ resource: "gpu-pool", model: "mistralai/Mixtral-8x7B-Instruct-v0.1", gpu: "A10G" });
    expect(deploymentsOf(appConfig, "config.json").map((deployment) => deployment.format)).toEqual(["app-config"]);
  });

  it("never throws on missing keys, wrong types and nulls", () => {
    const shapes = [
      (value: unknown) => ({ resource: value }),
      (value: unknown) => ({ resource: { aws_sagemaker_endpoint_configuration: { a: value, b: { production_variants: [value, { instance_type: value, model_name: value }] } }, aws_sagemaker_model: { m: value } } }),
      (value: unknown) => ({ resource: { aws_sagemaker_model: { m: { name: "m", primary_container: value } }, aws_sagemaker_endpoint_configuration: { c: { production_variants: { model_name: "m", instance_type: "ml.g5.2xlarge" } } } } }),
      (value: unknown) => ({ resource: { kubernetes_deployment: { d: { spec: [{ template: [{ spec: [{ container: value, node_selector: value }] }] }] } } } }),
      (value: unknown) => ({ resource: { kubernetes_manifest: { m: { manifest: value } }, helm_release: { h: { values: value, set: value } } } }),
      (value: unknown) => ({ resource: { helm_release: { h: { values: [JSON.stringify(value)], set: [{ name: "a.b[0]", value }] } } } }),
      (value: unknown) => ({ resource: { aws_instance: { i: { instance_type: value, tags: { model: "x/y" }, user_data: value } }, google_compute_instance: { g: { guest_accelerator: value, metadata: value } } } }),
      (value: unknown) => ({ format_version: "1.2", planned_values: { root_module: { resources: [value, { type: "aws_instance", name: "x", values: value }], child_modules: [value] } }, configuration: value }),
      (value: unknown) => ({ module: { m: { source: "x", hf_model_id: value, instance_type: value, tgi_config: value } } }),
    ];
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), fc.integer({ min: 0, max: shapes.length - 1 }), (value, shape) => {
        expect(() => deploymentsOf(JSON.stringify(shapes[shape]!(value)), "main.tf.json")).not.toThrow();
      }),
      { numRuns: 400 },
    );
    for (const text of ["{}", "[]", "null", '{"resource": []}', '{"resource": {"aws_instance": null}}', '{"format_version": "1", "planned_values": {}}']) {
      expect(() => deploymentsOf(text, "main.tf.json")).not.toThrow();
    }
  });
});
