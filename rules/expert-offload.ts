/**
 * vram/expert-offload — a Mixture-of-Experts model with weights kept in CPU memory (vLLM
 * `--cpu-offload-gb`, llama.cpp `-ngl` below the layer count, `--n-cpu-moe`, `-ot …exps=CPU`) runs,
 * but decoding is bounded by the host link or the CPU: say how slow, and what would avoid it.
 */
import { offloadOf } from "../src/judge/offload.js";
import { gib, gpuName } from "../src/report/wording.js";
import { createRule } from "../src/rule-kit/create-rule.js";
import { forEachJudged } from "../src/rule-kit/driver.js";
import { fitted, locationOf, reportTarget } from "../src/rule-kit/report.js";
import { CANDIDATE_GPU_IDS } from "../src/sizing/recommend.js";

type MessageIds = "offloaded" | "missingReason";

function rate(tokensPerSecond: number): string {
  return tokensPerSecond >= 10 ? tokensPerSecond.toFixed(0) : tokensPerSecond.toFixed(1);
}

/**
 * The verdict and its two deciding numbers first (decode speed with the offload, and without), then
 * what is offloaded and how it is read, then what would avoid it; the arithmetic is in `vram explain`.
 */
const MESSAGE =
  "{{model}} decodes {{speedWord}} {{offloadedRate}} tokens/s per sequence{{onGpu}}. {{offloaded}} GiB of weights per GPU stay in CPU memory ({{how}}){{path}}. Keeping every expert on the GPUs takes about {{needed}} GiB per GPU{{gpu}}.";

export default createRule<MessageIds, []>({
  name: "expert-offload",
  meta: {
    type: "suggestion",
    docs: {
      description: "Warn when Mixture-of-Experts weights are offloaded to CPU memory, with the decode-speed bound it implies",
      recommended: "warn",
      strict: "error",
    },
    schema: [],
    messages: {
      offloaded: MESSAGE,
    },
  },
  create(context) {
    return {
      Program() {
        forEachJudged(context, "expert-offload", (judged, analysis) => {
          const { deployment, resolved, estimate } = judged;
          const finding = offloadOf(resolved, estimate);
          if (!finding?.slowsDecode) return;
          const { request } = resolved;
          const values = judged.values;
          const how =
            values.cpuOffloadGiB !== undefined
              ? `--cpu-offload-gb ${values.cpuOffloadGiB}`
              : values.cpuMoeLayers !== undefined
                ? values.cpuMoeLayers >= request.model.layers
                  ? "every layer's experts on the CPU"
                  : `the experts of ${values.cpuMoeLayers} layers on the CPU`
                : `${estimate.gpuLayers?.onGpu ?? values.gpuLayers} of ${request.model.layers + 1} layers on the GPU`;
          const candidate = CANDIDATE_GPU_IDS.map((id) => analysis.catalog.gpu(id)).find(
            (gpu) => gpu !== undefined && gpu.vendor === request.gpu.vendor && gpu.memoryBytes * estimate.settings.gpuMemoryUtilization >= finding.memoryToAvoidBytesPerGpu * estimate.settings.gpuMemoryUtilization,
          );
          context.report({
            loc: locationOf(context, reportTarget(deployment, ["cpuOffloadGiB", "cpuMoeLayers", "gpuLayers", "model"])),
            messageId: "offloaded",
            data: {
              ...fitted(
                MESSAGE,
                {
                  model: resolved.model.displayName,
                  offloaded: gib(finding.offloadedBytesPerGpu),
                  how,
                  path: `, read ${finding.path === "pcie" ? "over the host link" : "by the CPU"} at about ${finding.bandwidthGBps.toFixed(0)} GB/s`,
                  offloadedRate: rate(finding.offloadedTokensPerSecond),
                  speedWord: finding.estimated ? "about" : "at most",
                  onGpu: finding.onGpuTokensPerSecond !== undefined ? `, against about ${rate(finding.onGpuTokensPerSecond)} with every weight on the GPUs` : "",
                  needed: gib(finding.memoryToAvoidBytesPerGpu),
                  gpu: candidate ? ` (for example ${estimate.parallel.tensor * estimate.parallel.pipeline} × ${gpuName(candidate)})` : "",
                },
                ["path", "gpu"],
              ),
              offloadedTokensPerSecond: finding.offloadedTokensPerSecond,
            },
          });
        });
      },
    };
  },
});
