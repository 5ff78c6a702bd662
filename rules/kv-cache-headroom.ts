/**
 * vram/kv-cache-headroom — after the weights, the KV cache must hold one `max_model_len` sequence
 * (else vLLM refuses to start), and with `minConcurrentSequences` that many at once.
 */
import { createRule } from "../src/rule-kit/create-rule.js";
import { forEachJudged } from "../src/rule-kit/driver.js";
import { assumptionNote, locationOf, remediesFor, reportTarget, suggestionsFor } from "../src/rule-kit/report.js";
import { engineById } from "../src/engines/index.js";
import { concurrency, gib, tokens } from "../src/report/wording.js";
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
      return " (max_model_len is unset, so the engine uses the model's max_position_embeddings)";
    case "engine-default":
      return " (the engine's default context)";
  }
}

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
    messages: {
      kvTooSmall:
        "The KV cache cannot hold one {{maxModelLen}}-token sequence{{lengthNote}}: {{model}} needs {{needed}} GiB of KV cache per GPU for it, and {{available}} GiB is left after {{weights}} GiB of weights and {{runtime}} GiB of runtime memory ({{capacity}} tokens). {{outcome}} {{largest}}{{assumption}}",
      contextCapped:
        "{{engine}} starts but serves requests of at most {{served}} tokens, not the {{maxModelLen}} set: {{model}} needs {{needed}} GiB of KV cache per GPU for one, and {{available}} GiB is left after {{weights}} GiB of weights.{{assumption}}",
      lowConcurrency:
        "The KV cache holds {{concurrency}} {{maxModelLen}}-token sequences at once, fewer than the {{required}} required{{lengthNote}}: {{capacity}} tokens ({{available}} GiB per GPU after {{weights}} GiB of weights). {{largest}}{{assumption}}",
      applyRemedy: "Use {{remedy}}",
    },
  },
  create(context, options) {
    const required = options?.minConcurrentSequences ?? 1;
    return {
      Program() {
        forEachJudged(context, "kv-cache-headroom", (judged, analysis) => {
          const { estimate, resolved, deployment } = judged;
          const tooSmall = estimate.verdict === "kv-cache-too-small";
          // An engine that starts with a shorter context than the file sets (SGLang, TensorRT-LLM, LMDeploy) does not serve what is asked.
          const capped = estimate.contextCappedFrom !== undefined && estimate.maxModelLenSource === "set";
          const crowded = estimate.verdict === "fits" && estimate.maxConcurrency < required;
          if (!tooSmall && !crowded && !capped) return;
          const remedies = remediesFor(analysis, judged, required);
          if (capped && !tooSmall) {
            context.report({
              loc: locationOf(context, reportTarget(deployment, ["maxModelLen", "model"])),
              messageId: "contextCapped",
              data: {
                engine: engineById(estimate.engine).displayName,
                model: resolved.model.displayName,
                served: tokens(estimate.maxModelLen),
                maxModelLen: tokens(estimate.contextCappedFrom!),
                needed: gib(estimate.contextCappedKvBytes ?? estimate.requestKvBytes),
                available: gib(estimate.perGpu.kvCacheBytes),
                weights: gib(estimate.perGpu.weightBytes),
                assumption: assumptionNote(judged, required),
                servedTokens: estimate.maxModelLen,
              },
              suggest: suggestionsFor(context, analysis, judged, remedies, "applyRemedy"),
            });
            return;
          }
          const shorter = remedies.find((remedy) => remedy.kind === "max-model-len")?.change.maxModelLen;
          const largest = shorter
            ? `The largest max_model_len that fits${required > 1 ? ` ${required} sequences` : ""} is ${tokens(shorter)}.`
            : "No max_model_len of at least 256 tokens fits.";
          context.report({
            loc: locationOf(context, reportTarget(deployment, ["maxModelLen", "model"])),
            messageId: tooSmall ? "kvTooSmall" : "lowConcurrency",
            data: {
              model: resolved.model.displayName,
              maxModelLen: tokens(estimate.maxModelLen),
              lengthNote: lengthNote(estimate),
              needed: gib(estimate.requestKvBytes),
              available: gib(estimate.perGpu.kvCacheBytes),
              weights: gib(estimate.perGpu.weightBytes),
              runtime: gib(estimate.perGpu.activationBytes + estimate.perGpu.overheadBytes),
              capacity: tokens(estimate.kvCapacityTokens),
              concurrency: concurrency(estimate.maxConcurrency),
              required,
              outcome: outcome(estimate),
              largest,
              assumption: assumptionNote(judged, required),
              kvCapacityTokens: estimate.kvCapacityTokens,
              largestFittingMaxModelLen: shorter ?? null,
            },
            suggest: suggestionsFor(context, analysis, judged, remedies, "applyRemedy"),
          });
        });
      },
    };
  },
});
