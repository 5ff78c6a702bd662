/**
 * vram/parallelism-efficiency — warnings for layouts that start but waste GPUs: GPUs requested that
 * no rank uses, and tensor parallelism beyond the KV heads (the KV cache replicated on every rank).
 */
import { checksOfJudged, parallelismProblemsOf } from "../src/judge/checks.js";
import { ENGINE_NAMES } from "../src/report/wording.js";
import { combine, gpuCountEdits, setField } from "../src/rule-kit/edits.js";
import { createRule } from "../src/rule-kit/create-rule.js";
import { forEachJudged } from "../src/rule-kit/driver.js";
import { locationOf, offer, reportTarget } from "../src/rule-kit/report.js";

type MessageIds = "idleGpus" | "kvReplicated" | "useTensorParallel" | "requestGpus" | "missingReason";

export default createRule<MessageIds, []>({
  name: "parallelism-efficiency",
  meta: {
    type: "suggestion",
    docs: {
      description: "Warn when GPUs are requested but idle, or tensor parallelism exceeds the KV heads and replicates the KV cache",
      recommended: "warn",
      strict: "error",
    },
    hasSuggestions: true,
    schema: [],
    messages: {
      idleGpus:
        "{{gpus}} GPUs are requested but {{engine}} runs {{ranks}} rank{{plural}} (tensor parallel {{tp}}{{rest}}): {{idle}} {{idleGpus}} idle. {{fix}}",
      kvReplicated:
        "Tensor parallel {{tp}} exceeds {{model}}'s {{kvHeads}} KV heads, so the KV cache is kept {{factor}}× over. Every rank stores a whole KV head; tensor parallel {{kvHeads}} with {{replicas}} data-parallel replicas serves the same GPUs without the copies.",
      useTensorParallel: "Use tensor parallel {{tp}} across all {{gpus}} GPUs",
      requestGpus: "Request {{gpus}} GPU{{plural}}",
    },
  },
  create(context) {
    return {
      Program() {
        forEachJudged(context, "parallelism-efficiency", (judged, analysis, text) => {
          const { deployment, resolved } = judged;
          const { request } = resolved;
          for (const problem of parallelismProblemsOf(checksOfJudged(analysis.catalog, judged))) {
            if (problem.kind === "idle-gpus") {
              const suggest = offer(context, analysis, judged, { rule: "parallelism-efficiency", kind: problem.kind }, [
                problem.suggestedTensorParallel && problem.suggestedTensorParallel !== request.tensorParallel
                  ? {
                      messageId: "useTensorParallel",
                      data: { tp: problem.suggestedTensorParallel, gpus: problem.gpus },
                      edits: combine([setField(deployment, request.engine, "tensorParallel", problem.suggestedTensorParallel, text)]),
                    }
                  : undefined,
                { messageId: "requestGpus", data: { gpus: problem.ranks, plural: problem.ranks === 1 ? "" : "s" }, edits: gpuCountEdits(deployment, problem.ranks) },
              ]);
              const idle = problem.gpus - problem.ranks;
              context.report({
                loc: locationOf(context, reportTarget(deployment, ["gpuCount", "tensorParallel", "instanceType"])),
                messageId: "idleGpus",
                data: {
                  gpus: problem.gpus,
                  engine: ENGINE_NAMES[request.engine],
                  ranks: problem.ranks,
                  plural: problem.ranks === 1 ? "" : "s",
                  tp: request.tensorParallel,
                  rest: `${request.pipelineParallel > 1 ? ` × pipeline ${request.pipelineParallel}` : ""}${request.dataParallel > 1 ? ` × data ${request.dataParallel}` : ""}`,
                  idle,
                  idleGpus: idle === 1 ? "GPU sits" : "GPUs sit",
                  fix: problem.suggestedTensorParallel
                    ? `Set --tensor-parallel-size ${problem.suggestedTensorParallel} to use them, or request ${problem.ranks}.`
                    : `Request ${problem.ranks}, or pick a tensor-parallel size that uses all ${problem.gpus}.`,
                },
                suggest,
              });
            } else if (problem.kind === "kv-replicated") {
              context.report({
                loc: locationOf(context, reportTarget(deployment, ["tensorParallel", "gpuCount"])),
                messageId: "kvReplicated",
                data: {
                  tp: problem.tensorParallel,
                  model: resolved.model.displayName,
                  kvHeads: problem.kvHeads,
                  factor: problem.tensorParallel / problem.kvHeads,
                  replicas: problem.tensorParallel / problem.kvHeads,
                },
              });
            }
          }
        });
      },
    };
  },
});
