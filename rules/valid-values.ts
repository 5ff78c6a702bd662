/**
 * vram/valid-values — a value no engine or scheduler accepts (`nvidia.com/gpu: -1`, `2.5` or
 * `80Gi`; tensor parallel `0`, `-2` or `1.5`; `--gpu-memory-utilization -0.5`; `--max-model-len
 * -8192`) is reported at the value, in one wording, and the deployment is never judged on it.
 */
import { UNJUDGED_MESSAGES } from "../src/judge/unjudged.js";
import { createRule } from "../src/rule-kit/create-rule.js";
import { reportUnjudged } from "../src/rule-kit/driver.js";

type MessageIds = keyof (typeof UNJUDGED_MESSAGES)["valid-values"] | "missingReason";

export default createRule<MessageIds, []>({
  name: "valid-values",
  meta: {
    type: "problem",
    docs: {
      description: "Report GPU counts, parallel sizes, memory fractions and context lengths no engine or scheduler accepts, at the value",
      recommended: "warn",
      strict: "error",
    },
    schema: [],
    messages: UNJUDGED_MESSAGES["valid-values"],
  },
  create(context) {
    return {
      Program() {
        reportUnjudged(context, "valid-values");
      },
    };
  },
});
