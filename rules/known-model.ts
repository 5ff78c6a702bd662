/**
 * vram/known-model — a deployment whose model, GPU, instance type or quantization the catalog does
 * not know (or whose values no engine accepts) cannot be checked: say so, name the closest catalog
 * entries, and show how to add one in settings — rather than staying silent.
 */
import { createRule } from "../src/rule-kit/create-rule.js";
import { forEachDeployment } from "../src/rule-kit/driver.js";
import { locationOf, reportTarget } from "../src/rule-kit/report.js";

type MessageIds = "unknownModel" | "unknownGpu" | "unknownInstance" | "unknownQuantization" | "invalidValue" | "missingReason";

export default createRule<MessageIds, []>({
  name: "known-model",
  meta: {
    type: "suggestion",
    docs: {
      description: "Report models, GPUs and instance types the catalog does not know, so a deployment that could not be checked is not mistaken for one that passed",
      recommended: "warn",
      strict: "error",
    },
    schema: [],
    messages: {
      unknownModel:
        "\"{{written}}\" is not in the catalog, so nothing about this deployment was checked. Closest entries: {{closest}}. To size it, add it to settings.vram.models — for a fine-tune, { id: \"{{written}}\", extends: \"{{first}}\" } (docs/settings.md).",
      unknownGpu:
        "GPU \"{{written}}\" is not in the catalog, so nothing about this deployment was checked. Closest entries: {{closest}}. Add it to settings.vram.gpus (docs/settings.md).",
      unknownInstance:
        "Instance type \"{{written}}\" is not in the catalog, so its GPUs are unknown and nothing was checked. Add it to settings.vram.instanceTypes as { id: \"{{written}}\", gpu, gpuCount } (docs/settings.md).",
      unknownQuantization: "Quantization or dtype \"{{written}}\" is not one the catalog knows, so the weights could not be sized.",
      invalidValue: "{{message}}, so this deployment was not checked.",
    },
  },
  create(context) {
    return {
      Program() {
        forEachDeployment(context, "known-model", (judged) => {
          const { deployment } = judged;
          if (judged.status === "invalid") {
            context.report({
              loc: locationOf(context, reportTarget(deployment, ["tensorParallel", "pipelineParallel", "gpuMemoryUtilization", "maxModelLen", "model"])),
              messageId: "invalidValue",
              data: { message: judged.message.charAt(0).toUpperCase() + judged.message.slice(1) },
            });
            return;
          }
          if (judged.status !== "unresolved") return;
          const unresolved = judged.unresolved;
          switch (unresolved.reason) {
            case "unknown-model":
              context.report({
                loc: locationOf(context, reportTarget(deployment, ["model"])),
                messageId: "unknownModel",
                data: { written: unresolved.written, closest: unresolved.closest.join(", "), first: unresolved.closest[0] ?? "" },
              });
              break;
            case "unknown-gpu":
              context.report({
                loc: locationOf(context, reportTarget(deployment, ["gpuType"])),
                messageId: "unknownGpu",
                data: { written: unresolved.written, closest: unresolved.closest.join(", ") },
              });
              break;
            case "unknown-instance":
              context.report({ loc: locationOf(context, reportTarget(deployment, ["instanceType"])), messageId: "unknownInstance", data: { written: unresolved.written } });
              break;
            case "unknown-quantization":
              context.report({
                loc: locationOf(context, reportTarget(deployment, ["quantization", "dtype"])),
                messageId: "unknownQuantization",
                data: { written: unresolved.written },
              });
              break;
            default:
              // No model or no GPU named: not a deployment this plugin can size; stay silent.
              break;
          }
        });
      },
    };
  },
});
