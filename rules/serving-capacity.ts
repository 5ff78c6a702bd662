/**
 * vram/serving-capacity — what the file says a deployment must serve (a `vram.lint/target`
 * annotation, or `settings.vram.targets`): that many requests at once of those lengths, within a
 * time per output token, a time to first token or a throughput. Checked against the KV cache and
 * the speed model (src/sizing/speed.ts); a miss names the target that fails and the cheapest change
 * that meets it.
 */
import { priceBook, money } from "../src/catalog/prices.js";
import { checkTarget, TARGET_ANNOTATION, type ServingTarget, type TargetFailure, writtenTarget } from "../src/judge/targets.js";
import { describeRemedy, gpuName, tokens } from "../src/report/wording.js";
import { createRule } from "../src/rule-kit/create-rule.js";
import { forEachJudged } from "../src/rule-kit/driver.js";
import { fitted, locationOf, reportTarget, suggestionsFor } from "../src/rule-kit/report.js";

type MessageIds = "missed" | "unknown" | "unreadable" | "applyRemedy" | "missingReason";

/** The first failure ends the verdict sentence; any others follow it. */
function failuresText(failures: TargetFailure[]): string {
  const [first, ...rest] = failures.map(failureText);
  return rest.length === 0 ? first! : `${first!}. Also ${rest.join("; ")}`;
}

/** The verdict and its numbers first, then the target it was held to; the arithmetic is in `vram explain`. */
const MISSED = "{{model}} misses its target: {{failures}}. Target: {{target}}.{{remedy}}";

function ms(value: number): string {
  return value >= 100 ? tokens(Math.round(value)) : value.toFixed(1);
}

/** "64 requests of 2,000 + 500 tokens". */
export function targetText(target: ServingTarget): string {
  const parts: string[] = [];
  if (target.concurrency !== undefined) parts.push(`${tokens(target.concurrency)} requests at once`);
  if (target.inputTokens !== undefined || target.outputTokens !== undefined) {
    parts.push(`${target.inputTokens !== undefined ? tokens(target.inputTokens) : "default"} input + ${target.outputTokens !== undefined ? tokens(target.outputTokens) : "default"} output tokens`);
  }
  if (target.itlMs !== undefined) parts.push(`≤ ${ms(target.itlMs)} ms per token`);
  if (target.ttftMs !== undefined) parts.push(`≤ ${ms(target.ttftMs)} ms to first token`);
  if (target.outputTokensPerSecond !== undefined) parts.push(`≥ ${tokens(Math.round(target.outputTokensPerSecond))} tokens/s`);
  return parts.join(", ");
}

export function failureText(failure: TargetFailure): string {
  switch (failure.kind) {
    case "kv-cache":
      return `the KV cache holds ${tokens(failure.holds)} such requests, not ${tokens(failure.required)}`;
    case "max-num-seqs":
      return `the engine runs at most ${tokens(failure.allows)} sequences at once`;
    case "itl":
      return `${ms(failure.estimatedMs)} ms per output token, over ${ms(failure.requiredMs)}`;
    case "ttft":
      return `${ms(failure.estimatedMs)} ms to first token, over ${ms(failure.requiredMs)}`;
    case "throughput":
      return `${tokens(Math.round(failure.estimated))} tokens/s, under ${tokens(Math.round(failure.required))}`;
  }
}

export default createRule<MessageIds, []>({
  name: "serving-capacity",
  meta: {
    type: "suggestion",
    docs: {
      description: "Check the load a deployment must serve (a vram.lint/target annotation or settings.vram.targets) against its KV cache and estimated speed",
      recommended: "off",
      strict: "error",
    },
    hasSuggestions: true,
    schema: [],
    messages: {
      missed: MISSED,
      unknown: "{{model}}'s serving target ({{target}}) cannot be checked: {{reason}}.",
      unreadable: `This ${TARGET_ANNOTATION} cannot be read: {{reason}}. Write it as "concurrency=64, input=2000, output=500, itl-ms=50".`,
      applyRemedy: "Use {{remedy}}",
    },
  },
  create(context) {
    return {
      Program() {
        forEachJudged(context, "serving-capacity", (judged, analysis) => {
          const { deployment, resolved, estimate } = judged;
          const written = writtenTarget(deployment);
          if (written?.error !== undefined) {
            context.report({ loc: locationOf(context, written.node), messageId: "unreadable", data: { reason: written.error } });
            return;
          }
          const target = written?.target ?? analysis.settings.targets;
          if (!target) return;
          const where = written?.node ?? reportTarget(deployment, ["model"]);
          const model = resolved.model.displayName;
          const book = priceBook(analysis.catalog, analysis.settings.prices);
          const checked = checkTarget(analysis.catalog, book, resolved, estimate, target);
          if ("unknown" in checked) {
            context.report({ loc: locationOf(context, where), messageId: "unknown", data: { model, target: targetText(target), reason: checked.unknown } });
            return;
          }
          if (checked.failures.length === 0) return;
          const { remedy } = checked;
          // The change alone: a remedy's text up to the headroom it states after the colon.
          const change = (r: typeof remedy) => (r ? describeRemedy(analysis.catalog, r.remedy).split(":")[0]! : "");
          const remedyText = remedy
            ? ` Cheapest change that meets it: ${change(remedy)} (${ms(remedy.speed.decode.msPerToken)} ms/token${remedy.cost ? `, $${money(remedy.cost.usdPerHour)}/h` : ""}).`
            : ` No single change of GPU count, GPU (${gpuName(resolved.request.gpu)} or another), FP8 weights or FP8 KV cache meets it.`;
          context.report({
            loc: locationOf(context, where),
            messageId: "missed",
            data: {
              ...fitted(
                MISSED,
                { model, target: targetText(target), failures: failuresText(checked.failures), remedy: remedyText },
                ["remedy"],
              ),
              msPerToken: checked.speed.decode.msPerToken,
            },
            suggest: remedy
              ? suggestionsFor(context, analysis, judged, [remedy.remedy], "applyRemedy", { rule: "serving-capacity", kind: "missed" }, () => `${change(remedy)} (${ms(remedy.speed.decode.msPerToken)} ms/token at ${tokens(remedy.speed.concurrency)} requests)`).suggest
              : [],
          });
        });
      },
    };
  },
});
