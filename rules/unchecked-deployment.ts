/**
 * vram/unchecked-deployment — a deployment that was found but cannot be checked says why, so
 * silence never reads as a pass: a templated value (Helm `{{ }}`, quoted or not), a value set at
 * deploy time (`$(VAR)`, `${VAR}`), weights from storage that does not name the model (`pvc://`,
 * `s3://`), accelerators that are not GPUs (Ascend NPUs, TPUs, MIG slices), or no model at all.
 */
import { UNJUDGED_MESSAGES } from "../src/judge/unjudged.js";
import { createRule } from "../src/rule-kit/create-rule.js";
import { reportUnjudged } from "../src/rule-kit/driver.js";

type MessageIds = keyof (typeof UNJUDGED_MESSAGES)["unchecked-deployment"] | "missingReason";

export default createRule<MessageIds, []>({
  name: "unchecked-deployment",
  meta: {
    type: "suggestion",
    docs: {
      description: "Report deployments that were found but could not be checked (templated or deploy-time values, storage paths, non-GPU accelerators, no model), so silence never reads as a pass",
      recommended: "warn",
      strict: "error",
    },
    schema: [],
    messages: UNJUDGED_MESSAGES["unchecked-deployment"],
  },
  create(context) {
    return {
      Program() {
        reportUnjudged(context, "unchecked-deployment");
      },
    };
  },
});
