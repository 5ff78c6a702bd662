/**
 * vram/parallelism-matches-gpus — the engine's parallel layout must be one it can start: no more
 * ranks than GPUs, a tensor-parallel size the model's heads allow, pods that fit on one node.
 */
import { checksOfJudged, parallelismProblemsOf } from "../src/judge/checks.js";
import { isStartFailure, type ParallelismProblem, splitLimits, validTensorParallelSizes } from "../src/judge/parallelism.js";
import { ENGINE_NAMES, shortFormatLabel } from "../src/report/wording.js";
import { combine, gpuCountEdits, replaceField, setField } from "../src/rule-kit/edits.js";
import { createRule } from "../src/rule-kit/create-rule.js";
import { forEachJudged } from "../src/rule-kit/driver.js";
import { locationOf, offer, reportTarget } from "../src/rule-kit/report.js";
import type { Deployment } from "../src/extract/types.js";
import type { ResolvedDeployment } from "../src/resolve.js";

type MessageIds = "ranksExceedGpus" | "headsNotDivisible" | "kvHeadsNotDivisible" | "tilesNotDivisible" | "exceedsNode" | "requestGpus" | "useTensorParallel" | "missingReason";

function layout(resolved: ResolvedDeployment): string {
  const { tensorParallel, pipelineParallel, dataParallel } = resolved.request;
  return `tensor parallel ${tensorParallel}${pipelineParallel > 1 ? ` × pipeline parallel ${pipelineParallel}` : ""}${dataParallel > 1 ? ` × data parallel ${dataParallel}` : ""}`;
}

/** Sets the tensor-parallel size, raising the GPU count with it when the layout needs more GPUs than requested. */
function tensorParallelEdit(deployment: Deployment, resolved: ResolvedDeployment, tp: number, text: string, pipelineParallel = resolved.request.pipelineParallel) {
  const { dataParallel, engine } = resolved.request;
  const needed = tp * pipelineParallel * dataParallel;
  const edits = [setField(deployment, engine, "tensorParallel", tp, text)];
  if (pipelineParallel !== resolved.request.pipelineParallel) edits.push(setField(deployment, engine, "pipelineParallel", pipelineParallel, text));
  if (needed > resolved.requestedGpus) {
    const moreGpus = gpuCountEdits(deployment, needed);
    if (!moreGpus) return undefined;
    edits.push(...moreGpus);
  }
  return combine(edits);
}

export default createRule<MessageIds, []>({
  name: "parallelism-matches-gpus",
  meta: {
    type: "problem",
    docs: {
      description: "Require a parallel layout the engine can start: ranks within the GPUs requested, tensor parallel dividing the heads, pods within one node",
      recommended: "error",
      strict: "error",
    },
    hasSuggestions: true,
    schema: [],
    messages: {
      ranksExceedGpus:
        "{{engine}} starts {{ranks}} ranks ({{layout}}) but the deployment requests {{gpus}} GPU{{plural}}, so it fails to start. Request {{ranks}} GPUs or lower the parallel sizes.",
      headsNotDivisible:
        "Tensor parallel {{tp}} does not divide {{model}}'s {{heads}} attention heads, so {{engine}} refuses to start. Sizes that do: {{valid}}.",
      kvHeadsNotDivisible:
        "Tensor parallel {{tp}} and {{model}}'s {{kvHeads}} KV heads do not divide each other, so {{engine}} refuses to start. Sizes that work: {{valid}}.",
      tilesNotDivisible:
        "Tensor parallel {{tp}} splits the {{size}}-wide {{what}} into {{shard}}-wide shards, which {{engine}} cannot load in {{tile}}-wide {{format}} blocks. Sizes that work for {{model}}: {{valid}}.",
      exceedsNode:
        "One pod requests {{gpus}} GPUs, more than one node holds ({{nodeGpus}}{{instance}}), so it never schedules. Spread the model over nodes (LeaderWorkerSet, Ray, --nnodes): tensor parallel within a node, pipeline parallel across nodes.",
      requestGpus: "Request {{gpus}} GPUs",
      useTensorParallel: "Use tensor parallel {{tp}}{{gpus}}",
    },
  },
  create(context) {
    return {
      Program() {
        forEachJudged(context, "parallelism-matches-gpus", (judged, analysis, text) => {
          const { deployment, resolved } = judged;
          const model = resolved.model;
          const engine = ENGINE_NAMES[resolved.request.engine];
          const problems: ParallelismProblem[] = parallelismProblemsOf(checksOfJudged(analysis.catalog, judged)).filter(isStartFailure);
          // A tensor-parallel size the model cannot split by is no layout to request GPUs for: its own
          // finding offers a valid size with the GPUs it needs.
          const splitInvalid = problems.some((problem) => problem.kind === "heads-not-divisible" || problem.kind === "kv-heads-not-divisible" || problem.kind === "tiles-not-divisible");
          for (const problem of problems) {
            switch (problem.kind) {
              case "ranks-exceed-gpus": {
                // The largest valid tensor-parallel size the requested GPUs hold.
                const fitting = Math.floor(problem.gpus / (resolved.request.pipelineParallel * resolved.request.dataParallel));
                const validTp = validTensorParallelSizes(splitLimits(resolved.request), fitting).at(-1);
                const suggest = offer(context, analysis, judged, { rule: "parallelism-matches-gpus", kind: problem.kind }, [
                  splitInvalid ? undefined : { messageId: "requestGpus", data: { gpus: problem.ranks }, edits: gpuCountEdits(deployment, problem.ranks) },
                  validTp && validTp !== resolved.request.tensorParallel && deployment.fields.tensorParallel
                    ? { messageId: "useTensorParallel", data: { tp: validTp, gpus: "" }, edits: combine([replaceField(deployment, "tensorParallel", validTp)]) }
                    : undefined,
                ]);
                context.report({
                  loc: locationOf(context, reportTarget(deployment, ["tensorParallel", "pipelineParallel", "dataParallel", "gpuCount"])),
                  messageId: "ranksExceedGpus",
                  data: { engine, ranks: problem.ranks, layout: layout(resolved), gpus: problem.gpus, plural: problem.gpus === 1 ? "" : "s" },
                  suggest,
                });
                break;
              }
              case "heads-not-divisible":
              case "kv-heads-not-divisible":
              case "tiles-not-divisible": {
                const current = problem.tensorParallel;
                const below = [...problem.valid].reverse().find((tp) => tp < current);
                const above = problem.valid.find((tp) => tp > current);
                const suggest = offer(
                  context,
                  analysis,
                  judged,
                  { rule: "parallelism-matches-gpus", kind: problem.kind },
                  [below, above].flatMap((tp) => {
                    if (tp === undefined) return [];
                    const { pipelineParallel, dataParallel } = resolved.request;
                    const needed = tp * pipelineParallel * dataParallel;
                    const candidates = [{ messageId: "useTensorParallel" as const, data: { tp, gpus: needed > resolved.requestedGpus ? ` on ${needed} GPUs` : "" }, edits: tensorParallelEdit(deployment, resolved, tp, text) }];
                    // A smaller TP with pipeline stages that keep every requested GPU busy (TP 4 × PP 2 on 8 GPUs).
                    const stages = resolved.requestedGpus / (tp * dataParallel);
                    if (tp < current && Number.isInteger(stages) && stages > pipelineParallel) {
                      candidates.push({ messageId: "useTensorParallel" as const, data: { tp, gpus: ` × pipeline parallel ${stages}` }, edits: tensorParallelEdit(deployment, resolved, tp, text, stages) });
                    }
                    return candidates;
                  }),
                );
                const common = { tp: current, model: model.displayName, engine, valid: problem.valid.join(", ") };
                const data =
                  problem.kind === "heads-not-divisible"
                    ? { ...common, heads: problem.heads }
                    : problem.kind === "kv-heads-not-divisible"
                      ? { ...common, kvHeads: problem.kvHeads }
                      : { ...common, size: problem.dimension.size, what: problem.dimension.what, shard: problem.dimension.size / current, tile: problem.dimension.tile, format: shortFormatLabel(analysis.catalog, problem.format.id) };
                context.report({
                  loc: locationOf(context, reportTarget(deployment, ["tensorParallel", "gpuCount"])),
                  messageId: problem.kind === "heads-not-divisible" ? "headsNotDivisible" : problem.kind === "kv-heads-not-divisible" ? "kvHeadsNotDivisible" : "tilesNotDivisible",
                  data,
                  suggest,
                });
                break;
              }
              case "exceeds-node":
                context.report({
                  loc: locationOf(context, reportTarget(deployment, ["gpuCount", "instanceType"])),
                  messageId: "exceedsNode",
                  data: { gpus: problem.gpusPerPod, nodeGpus: problem.nodeGpus, instance: problem.instance ? ` on ${problem.instance}` : " on the largest common nodes" },
                });
                break;
              default:
                break;
            }
          }
        });
      },
    };
  },
});
