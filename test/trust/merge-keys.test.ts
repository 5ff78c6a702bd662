/**
 * YAML merge keys (`<<: *vllm`): deployments that share one anchor are judged at the anchor's
 * values, and a finding there is reported once, not once per deployment that merges it (issue 10:
 * merge keys gave duplicate findings at one location). Each deployment is still its own in `vram explain`.
 */
import { describe, expect, it } from "vitest";
import { explainFile } from "../../src/explain.js";
import { findings, lint, readFixture } from "../support/lint.js";

const COMPOSE = readFixture("compose/vllm-blue-green-merge-key.yaml");

/** Two containers of one pod merging one container definition. */
const CONTAINERS = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: mixtral
spec:
  template:
    spec:
      nodeSelector:
        cloud.google.com/gke-accelerator: nvidia-l4
      containers:
        - &vllm
          name: vllm
          image: vllm/vllm-openai:v0.11.0
          args: ["--model", "mistralai/Mixtral-8x7B-Instruct-v0.1", "--max-model-len", "8192"]
          resources:
            limits:
              nvidia.com/gpu: 1
        - <<: *vllm
          name: vllm-canary
`;

const at = (text: string, level: "recommended" | "all") => findings(lint(text, "file.yaml", { level })).map((message) => `${message.ruleId} ${message.line}:${message.column}`);

describe("deployments that share a merge key", () => {
  it("two compose services merging one anchor: one finding at the anchor, under recommended and all", () => {
    for (const level of ["recommended", "all"] as const) expect(at(COMPOSE, level)).toEqual(["vram/pin-gpu-type 20:25"]);
    expect(explainFile("compose.yaml", COMPOSE).file.deployments.map((deployment) => deployment.name)).toEqual(["vllm-blue", "vllm-green"]);
  });

  it("two containers merging one container definition: one weights-fit finding at the GPU count", () => {
    expect(at(CONTAINERS, "all")).toEqual(["vram/weights-fit 17:31"]);
  });

  it("different findings at one place are all kept", () => {
    const twoProblems = CONTAINERS.replace('"8192"]', '"8192", "--tensor-parallel-size", "3"]');
    const messages = findings(lint(twoProblems, "file.yaml", { level: "all" }));
    expect(new Set(messages.map((message) => message.message)).size).toBe(messages.length);
    expect(messages.length).toBeGreaterThan(1);
  });
});
