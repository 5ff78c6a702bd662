/**
 * vram/host-memory-fit — a deployment that requests no GPU and is served from host memory
 * (llama.cpp, Ollama, TEI's and vLLM's CPU images) must fit the memory its container is limited to:
 * the whole weight file, the KV cache for its context and a compute buffer (and vLLM's processes).
 * Past the limit the kernel kills the container, or (weights memory-mapped, as llama.cpp and Ollama
 * map GGUF files) keeps evicting them, so every token rereads them from disk. Suggests the limit that holds it, re-checked.
 */
import type { FileAnalysis, JudgedDeployment } from "../src/analysis.js";
import { GIB } from "../src/sizing/runtime.js";
import { createRule } from "../src/rule-kit/create-rule.js";
import { forEachDeployment } from "../src/rule-kit/driver.js";
import { scalarText } from "../src/rule-kit/edits.js";
import { assumptionsNote, fitted, locationOf, verifiedSuggestion } from "../src/rule-kit/report.js";
import type { VramRuleContext } from "../src/rule-kit/create-rule.js";
import { gib, shortFormatLabel } from "../src/report/wording.js";
import type { MemoryLimit } from "../src/extract/types.js";
import { memoryBytes } from "../src/extract/kit.js";
import { kvCacheFor, pastLimit } from "../src/report/host.js";

type MessageIds = "exceedsLimit" | "raiseLimit" | "missingReason";

const MESSAGES = {
  exceedsLimit:
    "{{model}} needs about {{needed}} GiB of memory on the CPU, more than its {{limit}} GiB limit. {{pastLimit}}: {{weights}} GiB of {{format}} weights, {{kv}} GiB of KV cache {{kvFor}}, {{compute}} GiB of compute buffer{{processes}}.{{assumption}}",
  raiseLimit: "Raise the memory limit to {{limit}}",
};

/**
 * The limit to suggest: the need and a tenth more for the process around it (tokenizer, HTTP server,
 * page-cache churn), up to a whole GiB, in the unit the file already writes (`4Gi` → `6Gi`, `8192Mi`
 * → `6144Mi`, `6G` → `10G`, kreuzwerker/docker's MB → `6144`), rounded up to a whole unit.
 */
function suggestedLimit(limit: MemoryLimit, neededBytes: number): { text: string; label: string } {
  const bytes = Math.ceil((neededBytes * 1.1) / GIB) * GIB;
  const written = limit.node.type === "YAMLScalar" || limit.node.type === "JSONLiteral" || limit.node.type === "HCLLiteral" ? (limit.node as { value: unknown }).value : undefined;
  if (typeof written === "number") {
    const units = String(Math.ceil(bytes / limit.scale));
    return { text: units, label: limit.scale === 2 ** 20 ? `${units} MB` : units };
  }
  const unit = /^[\d.]+(?:e\d+)?[ \t]*([A-Za-z]+)$/.exec(String(written ?? "").trim())?.[1] ?? (limit.style === "kubernetes" ? "Gi" : "g");
  const value = `${Math.ceil(bytes / (memoryBytes(`1${unit}`, limit.style) ?? GIB))}${unit}`;
  // `8Gi` reads back as a string unquoted: a plain scalar stays plain, as the file wrote it.
  const plain = limit.node.type === "YAMLScalar" && limit.node.style === "plain";
  return { text: plain ? value : scalarText(limit.node, value), label: value };
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
        kvFor: kvCacheFor(resolved.request.engine, memory.contextTokens),
        compute: gib(memory.computeBytes),
        processes: memory.runtimeBytes > 0 ? `, ${gib(memory.runtimeBytes)} GiB for the server's processes` : "",
        pastLimit: pastLimit(resolved.request.engine),
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
