/**
 * vram/known-model — a deployment whose model, GPU, instance type or quantization the catalog does
 * not know cannot be checked: say so, name the closest catalog entries, and show how to add one in
 * settings — rather than staying silent. (Invalid values are `vram/valid-values`' findings, other
 * reasons a deployment goes unchecked `vram/unchecked-deployment`'s; see `src/judge/unjudged.ts`.)
 */
import { settingsExample, UNJUDGED_MESSAGES } from "../src/judge/unjudged.js";
import { createRule } from "../src/rule-kit/create-rule.js";
import { printable } from "../src/report/wording.js";
import { forEachJudged, reportUnjudged } from "../src/rule-kit/driver.js";
import { locationOf, reportTarget } from "../src/rule-kit/report.js";

type MessageIds = keyof (typeof UNJUDGED_MESSAGES)["known-model"] | "assumedModel" | "missingReason";

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
      ...UNJUDGED_MESSAGES["known-model"],
      assumedModel:
        "\"{{written}}\" is not in the catalog; it is sized as {{base}}, whose family and size its name states. That is an assumption: to make sure, add it to settings.vram.models: {{example}} (docs/settings.md).",
    },
  },
  create(context) {
    return {
      Program() {
        reportUnjudged(context, "known-model");
        forEachJudged(context, "known-model", (judged) => {
          if (judged.resolved.model.via !== "family") return;
          // A fine-tune nobody catalogued, sized by its family and size: say so, so a pass is not read as confirmed.
          const { deployment } = judged;
          const written = printable(deployment.fields.model?.value ?? judged.resolved.model.displayName, 100);
          context.report({
            loc: locationOf(context, reportTarget(deployment, ["model"])),
            messageId: "assumedModel",
            data: { written, base: judged.resolved.model.model.id, example: settingsExample(written, judged.resolved.model.model.id).slice(2) },
          });
        });
      },
    };
  },
});
