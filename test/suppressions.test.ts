import { describe, expect, it } from "vitest";
import { brief, findings, lint } from "./support/lint.js";
import { deployment } from "./support/manifest.js";

const MIXTRAL = `"--model", "mistralai/Mixtral-8x7B-Instruct-v0.1", "--max-model-len", "8192"`;

describe("in-data suppressions", () => {
  it("an annotation with a reason silences the named rule for that object only", () => {
    const annotated = deployment(MIXTRAL, { annotations: `    vram.lint/ignore: "weights-fit: sized for the node pool upgrade in Q3"\n` });
    const other = deployment(MIXTRAL).replace("name: svc", "name: other");
    const messages = findings(lint(`${annotated}---\n${other}`, "two.yaml"));
    expect(messages.map(brief)).toEqual(["vram/weights-fit 35:31 moeResident"]); // the second document's GPU count
  });

  it("accepts the per-rule annotation form and several rules in one annotation", () => {
    const perRule = deployment(`"--model", "meta-llama/Llama-3.1-8B-Instruct"`, { annotations: `    vram.lint/ignore-kv-cache-headroom: "context capped at the gateway"\n` });
    expect(findings(lint(perRule, "a.yaml"))).toEqual([]);
    const several = deployment(MIXTRAL, { gpus: 4, annotations: `    vram.lint/ignore: "weights-fit, parallelism-efficiency: benchmark of the failure mode"\n` });
    expect(findings(lint(several, "a.yaml"))).toEqual([]);
  });

  it("an annotation without a reason is itself reported and suppresses nothing", () => {
    const text = deployment(MIXTRAL, { annotations: `    vram.lint/ignore: "weights-fit"\n` });
    const messages = findings(lint(text, "a.yaml"));
    expect(messages.map(brief)).toEqual(["vram/weights-fit 6:23 missingReason", "vram/weights-fit 18:31 moeResident"]);
    expect(messages[0]!.message).toBe(
      'This suppression names weights-fit without a reason, so it suppresses nothing: write "weights-fit: <why>" (vram.lint/ignore annotation or Terraform "//" note).',
    );
  });

  it("works on the pod template's annotations", () => {
    const text = deployment(MIXTRAL).replace("  template:\n", `  template:\n    metadata:\n      annotations:\n        vram.lint/ignore: "weights-fit: load test of the failure"\n`);
    expect(findings(lint(text, "a.yaml"))).toEqual([]);
  });

  it("survives Helm rendering (comments do not; annotations do)", () => {
    const rendered = `---
# Source: llm/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: release-llm
  labels:
    helm.sh/chart: llm-0.4.2
    app.kubernetes.io/managed-by: Helm
  annotations:
    vram.lint/ignore: "weights-fit: this release runs with --cpu-offload on a patched image"
spec:
  template:
    spec:
      nodeSelector:
        cloud.google.com/gke-accelerator: "nvidia-l4"
      containers:
        - name: vllm
          image: "vllm/vllm-openai:v0.11.0"
          args:
            - "--model"
            - "mistralai/Mixtral-8x7B-Instruct-v0.1"
          resources:
            limits:
              nvidia.com/gpu: 1
---
# Source: llm/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: release-llm
spec:
  ports:
    - port: 8000
`;
    expect(findings(lint(rendered, "rendered.yaml"))).toEqual([]);
    expect(findings(lint(rendered.replace(/ {2}annotations:\n.*\n/, ""), "rendered.yaml")).map((message) => message.ruleId)).toEqual(["vram/weights-fit"]);
  });
});

describe("comments", () => {
  it("# eslint-disable-next-line works in YAML", () => {
    const text = deployment(MIXTRAL).replace("              nvidia.com/gpu: 1", "              # eslint-disable-next-line vram/weights-fit -- sized for the upgrade\n              nvidia.com/gpu: 1");
    expect(findings(lint(text, "a.yaml"))).toEqual([]);
  });

  it("// eslint-disable-next-line works in JSONC", () => {
    const text = `{\n  "model": "mistralai/Mixtral-8x7B-Instruct-v0.1",\n  "gpu": "A10G",\n  // eslint-disable-next-line vram/weights-fit -- capacity test\n  "gpu_count": 1\n}\n`;
    expect(findings(lint(text, "app.jsonc"))).toEqual([]);
  });
});
