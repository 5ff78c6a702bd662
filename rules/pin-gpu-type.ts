/**
 * vram/pin-gpu-type — a deployment that names no GPU type (most manifests request
 * `nvidia.com/gpu: N` only) is judged against every GPU it could land on (`settings.vram.cluster`,
 * else the catalog's GPUs of its vendor). When none of them holds it, `weights-fit` and
 * `kv-cache-headroom` report an error on the largest; when some do and some do not, this rule warns,
 * naming both, and offers node selectors that pin a GPU that fits, in the file's own label scheme.
 * Silent when every GPU it could land on fits.
 */
import type { GpuEntry } from "../src/catalog/types.js";
import { checksOfJudged } from "../src/judge/checks.js";
import { deviceNoun } from "../src/report/plain.js";
import { prominence, rangeWords } from "../src/report/gpu-range.js";
import { gpuName } from "../src/report/wording.js";
import { nodeSelectorEdits } from "../src/rule-kit/edits.js";
import { createRule } from "../src/rule-kit/create-rule.js";
import { forEachJudged } from "../src/rule-kit/driver.js";
import { gpuNameFor } from "../src/rule-kit/remedy-edits.js";
import { fitted, locationOf, offerVariants, reportTarget } from "../src/rule-kit/report.js";
import type { TextEdit } from "../src/extract/types.js";
import { str } from "../src/extract/doc.js";
import { someGpusFit } from "../src/judge/findings.js";

type MessageIds = "someGpusFit" | "pinGpu" | "missingReason";

/** Desktop cards (GeForce, Radeon RX) and past workstation ones (Quadro, TITAN): a cluster node rarely carries one now, so a pin offers them last. */
const DESKTOP_GPU = /GeForce|Radeon RX|Quadro|TITAN/;

/** Offered last: desktop and workstation cards, and GPUs older than Volta (compute capability below 7.0: the Tesla P4, P40, P100). */
function offeredLast(gpu: GpuEntry): boolean {
  return DESKTOP_GPU.test(gpu.name) || (gpu.computeCapability !== null && gpu.computeCapability < 7);
}

/** The order GPUs are offered in, per list of fitting GPUs (range verdicts, and so their lists, are shared across files). */
const pinOrders = new WeakMap<readonly GpuEntry[], GpuEntry[]>();

/** Data-centre GPUs before desktop cards, the smallest that fit first, the most common of a size before the rest. */
function pinOrder(fitting: readonly GpuEntry[]): GpuEntry[] {
  let order = pinOrders.get(fitting);
  if (!order) {
    const keyed = fitting.map((gpu) => ({ gpu, desktop: offeredLast(gpu) ? 1 : 0, size: Math.round(gpu.memoryBytes / 2 ** 30), prominence: prominence(gpu) }));
    keyed.sort((a, b) => a.desktop - b.desktop || a.size - b.size || b.prominence - a.prominence);
    pinOrders.set(fitting, (order = keyed.map(({ gpu }) => gpu)));
  }
  return order;
}

/** GKE's TPU slice shape (`cloud.google.com/gke-tpu-topology: 2x4`), as a pod's node selector writes it. */
const TPU_TOPOLOGY_LABEL = "cloud.google.com/gke-tpu-topology";

/** TPU v4 and v5p slices are 3D tori (`2x2x1`), v5e and v6e 2D (`2x4`): Google Cloud TPU docs, "v4", "v5p", "v5e", "v6e". */
function topologyDimensions(gpu: GpuEntry): number {
  return /v4|v5p/.test(gpu.id) ? 3 : 2;
}

const MESSAGES = {
  someGpusFit: "{{model}} on {{gpus}} fits only some of the {{device}}s it could land on, and no {{device}} type is named. It fits the {{fitting}} ({{fitMemory}} GiB or more){{failing}}.{{advice}}",
  pinGpu: "Pin the {{gpu}} ({{label}}: {{value}})",
};

/** The node label a file already speaks: GKE's accelerator label (its TPU label for TPUs), Karpenter's GPU name, else GPU feature discovery's product label. */
function labelScheme(text: string, vendor: GpuEntry["vendor"]): string {
  if (vendor === "google") return "cloud.google.com/gke-tpu-accelerator";
  if (text.includes("cloud.google.com/")) return "cloud.google.com/gke-accelerator";
  if (text.includes("karpenter.")) return "karpenter.k8s.aws/instance-gpu-name";
  return "nvidia.com/gpu.product";
}

/** The message's data with the longest advice that leaves room for the GPUs it cannot run on (the deciding facts come first). */
function withAdvice<Data extends { failing: string }>(data: Data, advice: readonly string[]): Data & { advice: string } {
  for (const text of advice) {
    const candidate = fitted(MESSAGES.someGpusFit, { ...data, advice: text }, ["failing"]);
    if (candidate.failing === data.failing) return candidate;
  }
  return fitted(MESSAGES.someGpusFit, { ...data, advice: advice.at(-1)! }, ["failing"]);
}

export default createRule<MessageIds, []>({
  name: "pin-gpu-type",
  meta: {
    type: "suggestion",
    docs: {
      description: "Require a GPU type when the model fits only some of the GPUs the deployment could be scheduled on",
      recommended: "warn",
      strict: "error",
    },
    hasSuggestions: true,
    schema: [],
    messages: MESSAGES,
  },
  create(context) {
    return {
      Program() {
        forEachJudged(context, "pin-gpu-type", (judged, analysis, text) => {
          const { deployment, resolved } = judged;
          // A layout or format the engine refuses fails on every GPU: that error decides, not the GPU type.
          if (!someGpusFit(judged, checksOfJudged(analysis.catalog, judged))) return;
          const range = judged.range!;
          // The GPUs the engine uses (TP × PP × DP), which is what has to hold the model.
          const count = judged.estimate.gpuCount;
          const candidates: Array<{ messageId: MessageIds; data: Record<string, string>; value: string; edits: TextEdit[] }> = [];
          const targets = deployment.placementTargets;
          if (targets && targets.length > 0) {
            const label = labelScheme(text, range.vendor);
            const topology = targets.map((target) => str(target.get("nodeSelector")?.get(TPU_TOPOLOGY_LABEL))).find((value) => value !== undefined && /^\d+x\d+(?:x\d+)?$/.test(value));
            for (const gpu of pinOrder(range.fitting)) {
              if (candidates.length === 3) break;
              // A TPU slice's topology has the generation's dimensions (v5e, v6e: 2x4; v4, v5p: 2x2x1): a pin must keep it valid.
              if (topology !== undefined && gpu.vendor === "google" && topologyDimensions(gpu) !== topology.split("x").length) continue;
              const value = gpuNameFor(gpu, { source: label, value: "" });
              const edits = value ? nodeSelectorEdits(targets, label, value, text) : undefined;
              if (value && edits) candidates.push({ messageId: "pinGpu", data: { gpu: gpuName(gpu), label, value }, value, edits });
            }
          }
          // The pins differ only in the label's value: one is re-parsed, the others judged on it with their GPU (see variantsResolve).
          const suggest = offerVariants(context, analysis, judged, { rule: "pin-gpu-type", kind: "some-gpus-fit" }, "gpuType", candidates);
          context.report({
            loc: locationOf(context, reportTarget(deployment, ["gpuCount", "tensorParallel", "model"])),
            messageId: "someGpusFit",
            data: withAdvice(
              { model: resolved.model.displayName, gpus: `${count} ${deviceNoun(range.vendor)}${count === 1 ? "" : "s"}`, device: deviceNoun(range.vendor), ...rangeWords(range) },
              // A file with no place for a node selector (compose, a Docker host) is pinned in the settings alone.
              targets && targets.length > 0 ? [" Pin one, or list your cluster's GPUs in settings.vram.cluster.", " Pin one."] : [" List its GPUs in settings.vram.cluster.", ""],
            ),
            suggest,
          });
        });
      },
    };
  },
});
