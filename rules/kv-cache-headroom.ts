/**
 * vram/kv-cache-headroom — after the weights, the KV cache must hold one `max_model_len` sequence
 * (else vLLM refuses to start), and with `minConcurrentSequences` that many at once.
 */
import { createRule } from "../src/rule-kit/create-rule.js";
import { memoryFinding } from "../src/judge/findings.js";
import { policyOf, registerRule } from "../src/rule-kit/policy.js";
import { forEachJudged } from "../src/rule-kit/driver.js";
import { assumptionNote, fitted, locationOf, remediesFor, reportTarget, suggestionsFor } from "../src/rule-kit/report.js";
import { engineById } from "../src/engines/index.js";
import { briefRemedy, concurrency, gib, tokens } from "../src/report/wording.js";
import type { MemoryEstimate } from "../src/sizing/types.js";

type MessageIds = "kvTooSmall" | "contextCapped" | "lowConcurrency" | "applyRemedy" | "missingReason";

export interface KvCacheHeadroomOptions {
  /** Full-length sequences the KV cache must hold at once (default 1). */
  minConcurrentSequences?: number;
}

function lengthNote(estimate: MemoryEstimate): string {
  switch (estimate.maxModelLenSource) {
    case "set":
      return "";
    case "model-default":
      return " max_model_len is unset, so the model's full context counts.";
    case "engine-default":
      return " That is the engine's default context.";
  }
}

/**
 * Messages: the verdict and its two deciding numbers first (tokens or sequences the cache holds,
 * against what one or `required` sequences need), then what the engine does, what was assumed, and
 * the best remedy; the per-GPU arithmetic is in `vram explain` and docs/rules/kv-cache-headroom.md.
 */
const MESSAGES = {
  contextCapped:
    "{{engine}} starts but serves requests of at most {{served}} tokens, not the {{maxModelLen}} set. {{model}} needs {{needed}} GiB of KV cache per GPU for one; {{available}} GiB is left.{{assumption}}{{remedy}}",
  kvTooSmall: "The KV cache holds {{capacity}} tokens after the weights, fewer than one {{maxModelLen}}-token sequence. {{outcome}}{{lengthNote}}{{assumption}}{{remedy}}{{largest}}",
  lowConcurrency: "The KV cache holds {{concurrency}} {{maxModelLen}}-token sequences at once, fewer than the {{required}} required.{{lengthNote}}{{assumption}}{{remedy}}{{largest}}",
  applyRemedy: "Use {{remedy}}",
};

/** What the engine does at start-up when one such sequence does not fit (its module says). */
function outcome(estimate: MemoryEstimate): string {
  return engineById(estimate.engine).whenKvTooSmall(estimate);
}

export default createRule<MessageIds, [KvCacheHeadroomOptions]>({
  name: "kv-cache-headroom",
  meta: {
    type: "problem",
    docs: {
      description: "Require the KV cache left after the weights to hold max_model_len tokens (and, by option, several such sequences at once)",
      recommended: "error",
      strict: "error",
    },
    hasSuggestions: true,
    schema: [
      {
        type: "object",
        additionalProperties: false,
        properties: { minConcurrentSequences: { type: "integer", minimum: 1 } },
      },
    ],
    defaultOptions: [{ minConcurrentSequences: 1 }],
    messages: MESSAGES,
  },
  create(context, options) {
    const required = options?.minConcurrentSequences ?? 1;
    registerRule(context.sourceCode, "kv-cache-headroom", required);
    return {
      Program() {
        forEachJudged(context, "kv-cache-headroom", (judged, analysis) => {
          const { estimate, resolved, deployment } = judged;
          const finding = memoryFinding(estimate, required);
          if (finding?.rule !== "kv-cache-headroom") return;
          const tooSmall = finding.kind === "kv-cache-too-small";
          const remedies = remediesFor(analysis, judged, policyOf(context.sourceCode).minConcurrentSequences);
          const { suggest, best } = suggestionsFor(context, analysis, judged, remedies, "applyRemedy", finding);
          if (finding.kind === "context-capped") {
            // An engine that starts with a shorter context than the file sets (SGLang, TensorRT-LLM, LMDeploy) does not serve what is asked.
            context.report({
              loc: locationOf(context, reportTarget(deployment, ["maxModelLen", "model"])),
              messageId: "contextCapped",
              data: {
                ...fitted(
                  MESSAGES.contextCapped,
                  {
                    engine: engineById(estimate.engine).displayName,
                    served: tokens(estimate.maxModelLen),
                    maxModelLen: tokens(estimate.contextCappedFrom!),
                    model: resolved.model.displayName,
                    needed: gib(estimate.contextCappedKvBytes ?? estimate.requestKvBytes),
                    available: gib(estimate.perGpu.kvCacheBytes),
                    assumption: assumptionNote(judged, required),
                    remedy: best ? ` Fits with ${briefRemedy(analysis.catalog, best)}.` : "",
                  },
                  ["remedy"],
                ),
                servedTokens: estimate.maxModelLen,
              },
              suggest,
            });
            return;
          }
          const shorter = remedies.find((remedy) => remedy.kind === "max-model-len")?.change.maxModelLen;
          const messageId = tooSmall ? "kvTooSmall" : "lowConcurrency";
          context.report({
            loc: locationOf(context, reportTarget(deployment, ["maxModelLen", "model"])),
            messageId,
            data: {
              ...fitted(
                MESSAGES[messageId],
                {
                  maxModelLen: tokens(estimate.maxModelLen),
                  lengthNote: lengthNote(estimate),
                  capacity: tokens(estimate.kvCapacityTokens),
                  concurrency: concurrency(estimate.maxConcurrency),
                  required,
                  outcome: outcome(estimate),
                  assumption: assumptionNote(judged, required),
                  remedy: best ? ` Fits with ${briefRemedy(analysis.catalog, best)}.` : "",
                  largest:
                    best?.kind === "max-model-len"
                      ? ""
                      : shorter
                        ? ` The largest max_model_len that fits${required > 1 ? ` ${required} sequences` : ""} is ${tokens(shorter)}.`
                        : " No max_model_len of at least 256 tokens fits.",
                },
                ["largest", "lengthNote", "remedy"],
              ),
              kvCapacityTokens: estimate.kvCapacityTokens,
              largestFittingMaxModelLen: shorter ?? null,
            },
            suggest,
          });
        });
      },
    };
  },
});
