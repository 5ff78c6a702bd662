/**
 * vram/known-model — a deployment whose model, GPU, instance type or quantization the catalog does
 * not know (or whose values no engine accepts) cannot be checked: say so, name the closest catalog
 * entries, and show how to add one in settings — rather than staying silent.
 */
import { stripModelUri } from "../src/catalog/names.js";
import { printable } from "../src/report/wording.js";
import { createRule } from "../src/rule-kit/create-rule.js";
import { forEachDeployment } from "../src/rule-kit/driver.js";
import { fileAnalysis, locationOf, MESSAGE_LIMIT, reportTarget } from "../src/rule-kit/report.js";

type MessageIds = "unknownModel" | "assumedModel" | "unknownGpu" | "unknownInstance" | "unknownQuantization" | "invalidValue" | "unreadDocument" | "missingReason";

/**
 * The `settings.vram.models` entry a user would write: ids are `owner/name`, and a name written
 * without an owner (a KAITO preset, a local directory) is found by its name under any owner.
 */
function settingsExample(written: string, sameSizeBase: string | undefined, form: "both" | "extends" | "config" = "both"): string {
  const name = stripModelUri(written);
  const id = isRepoId(name) ? name : `local/${name.slice(name.lastIndexOf("/") + 1) || "my-model"}`;
  const imported = `{ id: "${id}", config: "./path/to/${id.slice(id.indexOf("/") + 1)}/config.json" } (its config.json)`;
  // Only a base of the same size: extending another size would size the model wrongly.
  const extended = sameSizeBase ? `{ id: "${id}", extends: "${sameSizeBase}" }` : undefined;
  if (extended && form === "extends") return `: ${extended}`;
  return extended && form === "both" ? `: ${imported}, or, for a fine-tune of ${sameSizeBase}, ${extended}` : `: ${imported}`;
}

/**
 * The unknown-model message's data, as complete as 320 characters allow: the near names and both
 * settings entries; else the near names with the entry that fits (extending the base, or reading
 * its config.json); else the near names alone; else an entry alone.
 */
function unknownModelData(written: string, closest: string[], sameSizeBase: string | undefined): Record<string, string> {
  const near = closest.length > 0 ? ` Closest entries: ${closest.join(", ")}.` : "";
  const forms = ["both", "extends", "config"] as const;
  const candidates = [
    ...forms.map((form) => ({ closest: near, example: settingsExample(written, sameSizeBase, form) })),
    { closest: near, example: "" },
    ...forms.map((form) => ({ closest: "", example: settingsExample(written, sameSizeBase, form) })),
  ];
  return { written, ...(candidates.find((data) => render(MESSAGES.unknownModel, { written, ...data }).length <= MESSAGE_LIMIT) ?? { closest: "", example: "" }) };
}

/** Longest name a message repeats from the file (a megabyte one is cut, with "…"). */
const NAME_LIMIT = 100;

function render(template: string, data: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => data[key] ?? whole);
}

/** The assumed-model message's data with the settings entry that fits in 320 characters (both forms, else extending the base, else its config.json). */
function assumedModelData(written: string, base: string): Record<string, string> {
  const forms = ["both", "extends", "config"] as const;
  const candidates = forms.map((form) => ({ written, base, example: settingsExample(written, base, form).slice(2) }));
  return candidates.find((data) => render(MESSAGES.assumedModel, data).length <= MESSAGE_LIMIT) ?? candidates[1]!;
}

/** `owner/name`, one slash, no spaces; checked without a pattern over the input. */
function isRepoId(name: string): boolean {
  const slash = name.indexOf("/");
  return slash > 0 && slash === name.lastIndexOf("/") && slash < name.length - 1 && !/\s/.test(name);
}

/** The reason first; the closest names and the settings example only as far as the message stays short. */
const MESSAGES = {
  unknownModel:
    "\"{{written}}\" is not in the catalog, so nothing about this deployment was checked.{{closest}} To size it, add it to settings.vram.models{{example}} (docs/settings.md).",
  assumedModel:
    "\"{{written}}\" is not in the catalog; it is sized as {{base}}, whose family and size its name states. That is an assumption: to make sure, add it to settings.vram.models: {{example}} (docs/settings.md).",
  unknownGpu:
    "GPU \"{{written}}\" is not in the catalog, so nothing about this deployment was checked. Closest entries: {{closest}}. Add it to settings.vram.gpus (docs/settings.md).",
  unknownInstance:
    "Instance type \"{{written}}\" is not in the catalog, so its GPUs are unknown and nothing was checked. Add it to settings.vram.instanceTypes as { id: \"{{written}}\", gpu, gpuCount } (docs/settings.md).",
  unknownQuantization: "Quantization or dtype \"{{written}}\" is not one the catalog knows, so the weights could not be sized.{{closest}}",
  invalidValue: "{{message}}, so this deployment was not checked.",
  unreadDocument: "This YAML document was not read, so nothing in it was checked: {{reason}}.",
};

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
        forEachDeployment(context, "known-model", (judged, analysis) => {
          const { deployment } = judged;
          if (judged.status === "invalid") {
            context.report({
              loc: locationOf(context, reportTarget(deployment, ["tensorParallel", "pipelineParallel", "gpuMemoryUtilization", "maxModelLen", "model"])),
              messageId: "invalidValue",
              data: { message: judged.message.charAt(0).toUpperCase() + judged.message.slice(1) },
            });
            return;
          }
          if (judged.status === "judged" && judged.resolved.model.via === "family") {
            // A fine-tune nobody catalogued, sized by its family and size: say so, so a pass is not read as confirmed.
            const written = deployment.fields.model?.value ?? judged.resolved.model.displayName;
            context.report({
              loc: locationOf(context, reportTarget(deployment, ["model"])),
              messageId: "assumedModel",
              data: assumedModelData(printable(written, NAME_LIMIT), judged.resolved.model.model.id),
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
                data: unknownModelData(printable(unresolved.written, NAME_LIMIT), unresolved.closest, analysis.catalog.sameSizeBase(unresolved.written)),
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
                data: { written: unresolved.written, closest: unresolved.closest.length > 0 ? ` Closest known formats: ${unresolved.closest.join(", ")}.` : "" },
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
