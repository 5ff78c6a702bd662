/**
 * vram/weights-fit — the model's weights plus runtime memory must fit the GPUs it is given. For a
 * Mixture-of-Experts model whose active parameters would fit where the total does not, the message
 * names the active-vs-total trap.
 */
import { engineById } from "../src/engines/index.js";
import type { Engine } from "../src/sizing/types.js";
import { createRule } from "../src/rule-kit/create-rule.js";
import type { FileAnalysis, Judged } from "../src/analysis.js";
import { forEachJudged } from "../src/rule-kit/driver.js";
import { assumptionNote, locationOf, remediesFor, reportTarget, suggestionsFor } from "../src/rule-kit/report.js";
import { describeRemedy, ENGINE_NAMES, formatLabel, gib, gpuName, params } from "../src/report/wording.js";

type MessageIds = "moeResident" | "weightsExceed" | "spillsToCpu" | "sizeClaim" | "applyRemedy" | "missingReason";

const ARITHMETIC =
  "Per GPU: {{weightsPerGpu}} GiB of weights + {{runtime}} GiB of activations and runtime memory against a {{budget}} GiB budget ({{utilization}} × {{memory}} GiB).";

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
    messages: {
      moeResident: `{{model}} is a Mixture-of-Experts model: {{active}} parameters are active per token but all {{total}} must be resident — {{weights}} GiB at {{format}} vs {{usable}} GiB usable on {{gpus}}. ${ARITHMETIC}{{assumption}} {{remedy}}`,
      weightsExceed: `{{model}} does not fit: {{weights}} GiB of weights at {{format}} vs {{usable}} GiB usable on {{gpus}}. ${ARITHMETIC}{{assumption}} {{remedy}}`,
      spillsToCpu: `{{model}} does not fit in GPU memory: {{weights}} GiB of weights at {{format}} vs {{usable}} GiB usable on {{gpus}}; {{engine}} keeps the rest in CPU memory and runs those layers at CPU speed. ${ARITHMETIC}{{assumption}} {{remedy}}`,
      sizeClaim:
        "Models up to {{claimed}} are claimed, but {{claimed}} parameters at {{format}} are {{weights}} GiB of weights vs {{usable}} GiB usable on {{gpus}}. {{model}} fits; models above {{largest}} cannot. Lower modelSizeRange.max or give the runtime more GPUs.",
      applyRemedy: "Use {{remedy}}",
    },
  },
  create(context) {
    /**
     * A serving configuration that claims larger models than its GPUs hold (an OME runtime's
     * `modelSizeRange.max`): the weights alone of a model that size, at the judged model's weight
     * format, against the memory the judged model gets. Weights are a floor of what a model needs,
     * so this never reports a size that could fit.
     */
    const reportSizeClaim = (judged: Judged, analysis: FileAnalysis) => {
      const claim = judged.deployment.sizeClaim;
      const { estimate, resolved } = judged;
      const { model } = resolved.model;
      if (!claim || claim.parameters <= model.params.total) return;
      const gpusUsed = estimate.parallel.tensor * estimate.parallel.pipeline;
      const perGpu = estimate.perGpu;
      // Engines that take a fraction of what the weights leave free still need the weights to fit the memory.
      const usable = (estimate.settings.budgetKind === "fraction-of-total" ? perGpu.budgetBytes : perGpu.memoryBytes) * gpusUsed;
      const bytesPerParameter = estimate.totalWeightBytes / model.params.total;
      const weights = claim.parameters * bytesPerParameter;
      if (weights <= usable) return;
      context.report({
        loc: locationOf(context, claim.node),
        messageId: "sizeClaim",
        data: {
          claimed: claim.written,
          format: formatLabel(analysis.catalog, estimate.settings.weightFormat),
          weights: gib(weights),
          usable: gib(usable),
          gpus: `${gpusUsed} × ${gpuName(resolved.request.gpu)}`,
          model: resolved.model.displayName,
          largest: params(usable / bytesPerParameter),
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
          const perGpu = estimate.perGpu;
          const runtime = perGpu.activationBytes + perGpu.overheadBytes;
          // The trap: hardware sized by the active parameters, while every expert must be resident.
          const moeTrap = model.moe !== null && model.params.active < 0.6 * model.params.total;
          const remedies = remediesFor(analysis, judged, 1);
          const messageId: MessageIds = engineById(engine).splitsLayers ? "spillsToCpu" : moeTrap ? "moeResident" : "weightsExceed";
          context.report({
            loc: locationOf(context, reportTarget(deployment, ["gpuCount", "gpuType", "instanceType", "model"])),
            messageId,
            data: {
              model: resolved.model.displayName,
              active: params(model.params.active),
              total: params(model.params.total),
              weights: gib(estimate.totalWeightBytes),
              format: formatLabel(analysis.catalog, estimate.settings.weightFormat),
              usable: gib(perGpu.budgetBytes * gpusUsed),
              gpus: `${gpusUsed} × ${gpuName(resolved.request.gpu)}${resolved.instance && deployment.fields.instanceType ? ` (${deployment.fields.instanceType.value})` : ""}`,
              weightsPerGpu: gib(perGpu.weightBytes),
              runtime: gib(runtime),
              budget: gib(perGpu.budgetBytes),
              utilization: estimate.settings.gpuMemoryUtilization.toFixed(2),
              memory: gib(perGpu.memoryBytes),
              engine: ENGINE_NAMES[engine],
              assumption: assumptionNote(judged),
              remedy: remedies[0] ? `Fits with ${describeRemedy(analysis.catalog, remedies[0])}.` : "No single change among quantization, more GPUs or a larger GPU makes it fit.",
              shortfallBytes: estimate.shortfallBytes,
              weightBytes: estimate.totalWeightBytes,
            },
            suggest: suggestionsFor(context, analysis, judged, remedies, "applyRemedy"),
          });
        });
      },
    };
  },
});
