/**
 * vram/host-memory-fit — a deployment that requests no GPU and is served from host memory
 * (llama.cpp, Ollama, TEI's CPU images) must fit the memory its container is limited to: the whole
 * weight file, the KV cache for its context and a compute buffer. Past the limit the kernel kills
 * the container, or (weights memory-mapped, as llama.cpp and Ollama map GGUF files) keeps evicting
 * them, so every token rereads them from disk. Suggests the limit that holds it, re-checked.
 */
import type { FileAnalysis, JudgedDeployment } from "../src/analysis.js";
import { GIB } from "../src/sizing/runtime.js";
import { createRule } from "../src/rule-kit/create-rule.js";
import { forEachDeployment } from "../src/rule-kit/driver.js";
import { scalarText } from "../src/rule-kit/edits.js";
import { assumptionsNote, fitted, locationOf, verifiedSuggestion } from "../src/rule-kit/report.js";
import type { VramRuleContext } from "../src/rule-kit/create-rule.js";
import { gib, shortFormatLabel, tokens } from "../src/report/wording.js";
import type { Located } from "../src/extract/types.js";

type MessageIds = "exceedsLimit" | "raiseLimit" | "missingReason";

const MESSAGES = {
  exceedsLimit:
    "{{model}} needs about {{needed}} GiB of memory on the CPU, more than its {{limit}} GiB limit. It is killed, or rereads memory-mapped weights from disk for every token: {{weights}} GiB of {{format}} weights, {{kv}} GiB of KV cache for {{context}} tokens, {{compute}} GiB of compute buffer.{{assumption}}",
  raiseLimit: "Raise the memory limit to {{limit}}",
};

/**
 * The limit to suggest: the need and a tenth more for the process around it (tokenizer, HTTP server,
 * page-cache churn), up to a whole GiB, written as the setting writes sizes.
 */
function suggestedLimit(limit: Located<number>, neededBytes: number): { text: string; label: string } {
  const gibs = Math.ceil((neededBytes * 1.1) / GIB);
  // kreuzwerker/docker `memory` counts MB; compose and Docker take `8g`; Kubernetes quantities `8Gi`.
  if (limit.source === "memory") return { text: scalarText(limit.node, gibs * 1024), label: `${gibs * 1024} MB` };
  const written = limit.source.startsWith("deploy.") ? `${gibs}G` : limit.source === "mem_limit" ? `${gibs}g` : `${gibs}Gi`;
  // `8Gi` reads back as a string unquoted: a plain scalar stays plain, as the file wrote it.
  const plain = limit.node.type === "YAMLScalar" && limit.node.style === "plain";
  return { text: plain ? written : scalarText(limit.node, written), label: written };
}

function report(context: VramRuleContext<MessageIds, []>, judged: Extract<JudgedDeployment, { status: "cpu" }>, analysis: FileAnalysis): void {
  const { host, resolved } = judged;
  const limit = host.limit!;
  const { memory } = host;
  const raised = suggestedLimit(limit, memory.neededBytes);
  const suggestion = verifiedSuggestion(
    context,
    analysis,
    judged,
    { rule: "host-memory-fit", kind: "exceeds-limit" },
    { messageId: "raiseLimit", data: { limit: raised.label } },
    [{ range: limit.node.range, text: raised.text }],
  );
  context.report({
    loc: locationOf(context, limit),
    messageId: "exceedsLimit",
    data: fitted(
      MESSAGES.exceedsLimit,
      {
        model: resolved.model.displayName,
        needed: gib(memory.neededBytes),
        limit: gib(limit.value),
        weights: gib(memory.weightBytes),
        format: shortFormatLabel(analysis.catalog, resolved.request.weightFormat.id),
        kv: gib(memory.kvCacheBytes),
        context: tokens(memory.contextTokens),
        compute: gib(memory.computeBytes),
        assumption: assumptionsNote(resolved.assumptions),
      },
      ["assumption"],
    ),
    ...(suggestion ? { suggest: [suggestion] } : {}),
  });
}

export default createRule<MessageIds, []>({
  name: "host-memory-fit",
  meta: {
    type: "problem",
    docs: {
      description: "Require a deployment served from the CPU (no GPU requested) to fit its container's memory limit: weights, KV cache and compute buffer",
      recommended: "error",
      strict: "error",
    },
    hasSuggestions: true,
    schema: [],
    messages: MESSAGES,
  },
  create(context) {
    return {
      Program() {
        forEachDeployment(context, "host-memory-fit", (judged, analysis) => {
          if (judged.status === "cpu" && judged.host.verdict === "exceeds-limit") report(context, judged, analysis);
        });
      },
    };
  },
});
