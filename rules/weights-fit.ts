/**
 * vram/weights-fit — the model's weights plus runtime memory must fit the GPUs it is given. For a
 * Mixture-of-Experts model whose active parameters would fit where the total does not, the message
 * names the active-vs-total trap.
 */
import { engineById } from "../src/engines/index.js";
import type { Engine, MemoryEstimate } from "../src/sizing/types.js";
import { createRule } from "../src/rule-kit/create-rule.js";
import type { FileAnalysis, Judged } from "../src/analysis.js";
import { policyOf } from "../src/rule-kit/policy.js";
import { sizeClaimShortfall } from "../src/judge/size-claim.js";
import { forEachJudged } from "../src/rule-kit/driver.js";
import { assumptionNote, fitted, locationOf, remediesFor, reportTarget, suggestionsFor } from "../src/rule-kit/report.js";
import { briefRemedy, ENGINE_NAMES, gib, params, shortFormatLabel, shortGpuName } from "../src/report/wording.js";

type MessageIds = "moeResident" | "weightsExceed" | "spillsToCpu" | "sizeClaim" | "applyRemedy" | "missingReason";

/**
 * Messages: the verdict and its two deciding numbers first (weights needed, memory usable), then
 * why (the Mixture-of-Experts trap), what was assumed, and the best remedy; the per-GPU arithmetic
 * is in `vram explain` and docs/rules/weights-fit.md.
 */
const VERDICT = "{{model}} needs {{needed}} GiB{{perGpu}} at {{format}}; {{gpus}} {{has}} {{usable}} GiB usable{{perGpu}}{{beside}}.";
const TAIL = "{{detail}}{{assumption}}{{remedy}}";

const MESSAGES = {
  moeResident: `${VERDICT}${TAIL}`,
  weightsExceed: `${VERDICT}${TAIL}`,
  spillsToCpu: `${VERDICT} {{engine}} keeps the rest in CPU memory and runs those layers at CPU speed.${TAIL}`,
  sizeClaim:
    "Models of {{claimed}} do not fit: {{weights}} GiB of weights at {{format}} vs {{usable}} GiB usable on {{gpus}}. modelSizeRange.max claims them; {{model}} fits, models above {{largest}} cannot. Lower it or give the runtime more GPUs.",
  applyRemedy: "Use {{remedy}}",
};

/**
 * What the GPUs must hold against what they offer: all of it across the GPUs, or per GPU when a
 * pipeline stage is heavier than its share (the total would hide the GPU that overflows).
 */
function needs(estimate: MemoryEstimate, gpusUsed: number): { needed: string; usable: string; perGpu: string } {
  const { perGpu } = estimate;
  const runtime = perGpu.activationBytes + perGpu.overheadBytes;
  const total = estimate.totalWeightBytes + runtime * gpusUsed;
  if (total > perGpu.budgetBytes * gpusUsed) return { needed: gib(total), usable: gib(perGpu.budgetBytes * gpusUsed), perGpu: "" };
  return { needed: gib(perGpu.weightBytes + runtime), usable: gib(perGpu.budgetBytes), perGpu: " per GPU" };
}

export default createRule<MessageIds, []>({
  name: "weights-fit",
  meta: {
    type: "problem",
    docs: {
      description: "Require the model's weights (every expert of a Mixture-of-Experts model) plus runtime memory to fit the GPUs",
      recommended: "error",
      strict: "error",
    },
    hasSuggestions: true,
    schema: [],
    messages: MESSAGES,
  },
  create(context) {
    const reportSizeClaim = (judged: Judged, analysis: FileAnalysis) => {
      const shortfall = sizeClaimShortfall(judged);
      if (!shortfall) return;
      const { estimate, resolved } = judged;
      context.report({
        loc: locationOf(context, shortfall.claim.node),
        messageId: "sizeClaim",
        data: {
          claimed: shortfall.claim.written,
          format: shortFormatLabel(analysis.catalog, estimate.settings.weightFormat),
          weights: gib(shortfall.weightBytes),
          usable: gib(shortfall.usableBytes),
          gpus: `${shortfall.gpusUsed} × ${shortGpuName(resolved.request.gpu)}`,
          model: resolved.model.displayName,
          largest: params(shortfall.largestParams),
        },
      });
    };
    return {
      Program() {
        forEachJudged(context, "weights-fit", (judged, analysis) => {
          if (judged.estimate.verdict !== "weights-exceed-memory") {
            reportSizeClaim(judged, analysis);
            return;
          }
          const { estimate, resolved, deployment } = judged;
          const { model } = resolved.model;
          const engine: Engine = resolved.request.engine;
          const gpusUsed = estimate.parallel.tensor * estimate.parallel.pipeline;
          // The trap: hardware sized by the active parameters, while every expert must be resident.
          const moeTrap = model.moe !== null && model.params.active < 0.6 * model.params.total;
          const remedies = remediesFor(analysis, judged, policyOf(context.sourceCode).minConcurrentSequences);
          const { suggest, best } = suggestionsFor(context, analysis, judged, remedies, "applyRemedy", { rule: "weights-fit", kind: "weights-exceed-memory" });
          // An engine left to choose the layers keeps the rest on the CPU; with the count written (`-ngl 99`) it fails to allocate them.
          const messageId: MessageIds = engineById(engine).splitsLayers && judged.values.gpuLayers === undefined ? "spillsToCpu" : moeTrap ? "moeResident" : "weightsExceed";
          const gpus = `${gpusUsed} × ${shortGpuName(resolved.request.gpu)}${resolved.instance && deployment.fields.instanceType ? ` (${deployment.fields.instanceType.value})` : ""}`;
          context.report({
            loc: locationOf(context, reportTarget(deployment, ["gpuCount", "gpuType", "instanceType", "model"])),
            messageId,
            data: {
              ...fitted(
                MESSAGES[messageId as keyof typeof MESSAGES],
                {
                  model: resolved.model.displayName,
                  ...needs(estimate, gpusUsed),
                  format: shortFormatLabel(analysis.catalog, estimate.settings.weightFormat),
                  gpus,
                  has: gpusUsed === 1 ? "has" : "have",
                  // vLLM --kv-cache-memory-bytes: the cache is set aside first, whatever the weights need.
                  beside: estimate.settings.fixedKvCacheBytes === undefined ? "" : ` beside the ${gib(estimate.settings.fixedKvCacheBytes)} GiB KV cache --kv-cache-memory-bytes keeps`,
                  engine: ENGINE_NAMES[engine],
                  detail:
                    messageId === "moeResident"
                      ? ` Only ${params(model.params.active)} of its ${params(model.params.total)} parameters are active per token, but every expert must be resident.`
                      : "",
                  assumption: assumptionNote(judged),
                  remedy: best ? ` Fits with ${briefRemedy(analysis.catalog, best)}.` : " No single change among quantization, more GPUs or a larger GPU makes it fit.",
                },
                ["remedy", "detail"],
              ),
              shortfallBytes: estimate.shortfallBytes,
              weightBytes: estimate.totalWeightBytes,
            },
            suggest,
          });
        });
      },
    };
  },
});
