/**
 * Strategic merge as pod templates use it (RoleBasedGroup `templateRef.patch`): maps merge key by
 * key, lists of named entries merge by name, anything else the patch replaces.
 */
import { parseYAML } from "yaml-eslint-parser";
import { describe, expect, it } from "vitest";
import { type DocNode, documentsOf, str } from "../../src/extract/doc.js";
import { strategicMerge } from "../../src/extract/strategic-merge.js";

function doc(text: string): DocNode {
  return documentsOf(parseYAML(text) as never)[0]!;
}

/** The merged document as plain values, for comparison. */
function plain(node: DocNode | undefined): unknown {
  if (!node) return undefined;
  if (node.type === "map") return Object.fromEntries(node.entries().map(([key, value]) => [key, plain(value)]));
  if (node.type === "seq") return node.items().map(plain);
  return node.value;
}

describe("strategicMerge", () => {
  const base = doc(`spec:
  nodeSelector: {pool: gpu}
  containers:
    - name: engine
      image: lmsysorg/sglang:v0.5.9
      command: [sleep, infinity]
      resources: {limits: {nvidia.com/gpu: "2"}}
    - name: metrics
      image: exporter:1
`);
  const patch = doc(`spec:
  containers:
    - name: engine
      command: [python3, -m, sglang.launch_server]
    - name: proxy
      image: envoy:1
`);

  it("merges maps by key and named lists by name; the patch replaces everything else", () => {
    expect(plain(strategicMerge(base, patch))).toEqual({
      spec: {
        nodeSelector: { pool: "gpu" },
        containers: [
          { name: "engine", image: "lmsysorg/sglang:v0.5.9", command: ["python3", "-m", "sglang.launch_server"], resources: { limits: { "nvidia.com/gpu": "2" } } },
          { name: "metrics", image: "exporter:1" },
          { name: "proxy", image: "envoy:1" },
        ],
      },
    });
  });

  it("keeps each value's own node: what the base wrote points at the base, what the patch wrote at the patch", () => {
    const engine = strategicMerge(base, patch)!.get("spec")!.get("containers")!.items()[0]!;
    expect(engine.get("image")!.node).toBe(base.get("spec")!.get("containers")!.items()[0]!.get("image")!.node);
    expect(engine.get("command")!.node).toBe(patch.get("spec")!.get("containers")!.items()[0]!.get("command")!.node);
    expect(str(engine.get("name"))).toBe("engine");
  });

  it("is either side alone when the other is absent, and the patch where the two cannot merge", () => {
    expect(strategicMerge(base, undefined)).toBe(base);
    expect(strategicMerge(undefined, patch)).toBe(patch);
    const scalar = doc("spec: replaced");
    expect(plain(strategicMerge(base, scalar))).toEqual({ spec: "replaced" });
    const unnamed = doc("spec:\n  containers: [{image: a}]");
    expect(plain(strategicMerge(base, unnamed)!.get("spec")!.get("containers"))).toEqual([{ image: "a" }]);
  });
});
