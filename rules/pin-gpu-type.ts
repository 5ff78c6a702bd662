/**
 * vram/pin-gpu-type — a deployment that names no GPU type (most manifests request
 * `nvidia.com/gpu: N` only) is judged against every GPU it could land on (`settings.vram.cluster`,
 * else the catalog's GPUs of its vendor). When none of them holds it, `weights-fit` and
 * `kv-cache-headroom` report an error on the largest; when some do and some do not, this rule warns,
 * naming both, and offers node selectors that pin a GPU that fits, in the file's own label scheme.
 * Silent when every GPU it could land on fits.
 */
import type { SuggestedEdit } from "@eslint/core";
import type { GpuEntry } from "../src/catalog/types.js";
import { deploymentChecks } from "../src/judge/checks.js";
import { prominence, rangeWords } from "../src/report/gpu-range.js";
import { gpuName } from "../src/report/wording.js";
import { nodeSelectorEdits } from "../src/rule-kit/edits.js";
import { createRule } from "../src/rule-kit/create-rule.js";
import { forEachJudged } from "../src/rule-kit/driver.js";
import { gpuNameFor } from "../src/rule-kit/remedy-edits.js";
import { applyEdits, locationOf, reportTarget } from "../src/rule-kit/report.js";

type MessageIds = "someGpusFit" | "pinGpu" | "missingReason";

/** The node label a file already speaks: GKE's accelerator label, Karpenter's GPU name, else GPU feature discovery's product label. */
function labelScheme(text: string): string {
  if (text.includes("cloud.google.com/")) return "cloud.google.com/gke-accelerator";
  if (text.includes("karpenter.")) return "karpenter.k8s.aws/instance-gpu-name";
  return "nvidia.com/gpu.product";
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
    messages: {
      someGpusFit:
        "{{model}} on {{gpus}} needs GPUs of {{fitMemory}} GiB or more ({{fitting}}); {{failing}}. No GPU type is named: pin one, or list your cluster's GPUs in settings.vram.cluster.",
      pinGpu: "Pin the {{gpu}} ({{label}}: {{value}})",
    },
  },
  create(context) {
    return {
      Program() {
        forEachJudged(context, "pin-gpu-type", (judged, analysis, text) => {
          const { range } = judged;
          if (!range || range.fitting.length === 0 || range.failing.length === 0) return;
          const { deployment, resolved } = judged;
          // A layout or format the engine refuses fails on every GPU: that error decides, not the GPU type.
          if (deploymentChecks(analysis.catalog, resolved, judged.values, judged.estimate).some((check) => check.severity === "error")) return;
          // The GPUs the engine uses (TP × PP × DP), which is what has to hold the model.
          const count = judged.estimate.gpuCount;
          const suggest: SuggestedEdit<MessageIds>[] = [];
          const targets = deployment.placementTargets;
          if (targets && targets.length > 0) {
            const label = labelScheme(text);
            // The smallest GPUs that fit first, the most common of a size before the rest.
            const size = (gpu: GpuEntry) => Math.round(gpu.memoryBytes / 2 ** 30);
            const candidates = [...range.fitting].sort((a, b) => size(a) - size(b) || prominence(b) - prominence(a));
            for (const gpu of candidates) {
              if (suggest.length === 3) break;
              const value = gpuNameFor(gpu, label);
              const edits = value ? nodeSelectorEdits(targets, label, value, text) : undefined;
              if (value && edits) suggest.push({ messageId: "pinGpu", data: { gpu: gpuName(gpu), label, value }, fix: applyEdits(edits) });
            }
          }
          context.report({
            loc: locationOf(context, reportTarget(deployment, ["gpuCount", "tensorParallel", "model"])),
            messageId: "someGpusFit",
            data: { model: resolved.model.displayName, gpus: `${count} GPU${count === 1 ? "" : "s"}`, ...rangeWords(range) },
            suggest,
          });
        });
      },
    };
  },
});
