/**
 * vram/known-model — a deployment whose model, GPU, instance type or quantization the catalog does
 * not know cannot be checked: say so, name the closest catalog entries, and show how to add one in
 * settings — rather than staying silent. (Invalid values are `vram/valid-values`' findings, other
 * reasons a deployment goes unchecked `vram/unchecked-deployment`'s; see `src/judge/unjudged.ts`.)
 */
import { fittedTemplate, settingsExample, UNJUDGED_MESSAGES } from "../src/judge/unjudged.js";
import { createRule } from "../src/rule-kit/create-rule.js";
import { printable } from "../src/report/wording.js";
import { forEachDeployment, reportUnjudged } from "../src/rule-kit/driver.js";
import { fileAnalysis, locationOf, reportTarget } from "../src/rule-kit/report.js";

type MessageIds = keyof (typeof UNJUDGED_MESSAGES)["known-model"] | "assumedModel" | "unreadDocument" | "missingReason";

const MESSAGES = {
  ...UNJUDGED_MESSAGES["known-model"],
  assumedModel:
    "\"{{written}}\" is not in the catalog; sized as {{base}} from its name. That is an assumption (the family and size the name states): to make sure, add it to settings.vram.models: {{example}} (docs/settings.md).",
  unreadDocument: "This YAML document was not read, so nothing in it was checked: {{reason}}.",
};

/**
 * The assumed-model message's data with the settings entry that fits in 320 characters (both forms,
 * else extending the base, else its config.json; long names — a NIM image with its registry, a
 * base with its organisation — then lose their path where the message quotes them, the settings
 * entry keeping them whole).
 */
function assumedModelData(written: string, base: string): Record<string, string> {
  const forms = ["both", "extends", "config"] as const;
  const lastPart = (name: string) => name.slice(name.lastIndexOf("/") + 1);
  const named = [
    { written, base },
    { written: printable(lastPart(written), 60), base },
    { written: printable(lastPart(written), 60), base: lastPart(base) },
  ];
  const candidates = named.flatMap((names) => forms.map((form) => ({ ...names, example: settingsExample(written, base, form).slice(2) })));
  return fittedTemplate(MESSAGES.assumedModel, candidates) ?? candidates[1]!;
}

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
    messages: MESSAGES,
  },
  create(context) {
    return {
      Program() {
        for (const { node, reason } of fileAnalysis(context)?.unread ?? []) {
          context.report({ loc: { start: node.loc.start, end: node.loc.start }, messageId: "unreadDocument", data: { reason } });
        }
        reportUnjudged(context, "known-model");
        forEachDeployment(context, "known-model", (judged) => {
          if ((judged.status !== "judged" && judged.status !== "cpu") || judged.resolved.model.via !== "family") return;
          // A fine-tune nobody catalogued, sized by its family and size: say so, so a pass is not read as confirmed.
          const { deployment } = judged;
          const written = printable(deployment.fields.model?.value ?? judged.resolved.model.displayName, 100);
          context.report({
            loc: locationOf(context, reportTarget(deployment, ["model"])),
            messageId: "assumedModel",
            data: assumedModelData(written, judged.resolved.model.model.id),
          });
        });
      },
    };
  },
});
