/**
 * vram/quantization-supported — the precision and quantization must run on the named GPU in the
 * named engine (kernel minimums by compute capability), and a `--quantization` flag must match how
 * the checkpoint is stored.
 */
import type { SuggestedEdit } from "@eslint/core";
import type { QuantizationFormat } from "../src/catalog/types.js";
import { engineById } from "../src/engines/index.js";
import { checksOfJudged, quantizationProblemsOf } from "../src/judge/checks.js";
import { type QuantizationProblem, runnableFormats } from "../src/judge/quantization.js";
import { ENGINE_NAMES, formatLabel, gpuName, headroom } from "../src/report/wording.js";
import { vendorDevice } from "../src/report/plain.js";
import { combine, removeField, replaceField, setField } from "../src/rule-kit/edits.js";
import { createRule } from "../src/rule-kit/create-rule.js";
import { forEachJudged } from "../src/rule-kit/driver.js";
import { locationOf, offer, reportTarget } from "../src/rule-kit/report.js";
import type { TextEdit } from "../src/extract/types.js";
import { tryEstimate } from "../src/sizing/estimate.js";
import type { MemoryEstimate, SizingRequest } from "../src/sizing/types.js";

type MessageIds = "belowMinimum" | "vendorUnsupported" | "capabilityUnsupported" | "bf16Unsupported" | "fp8KvUnsupported" | "flagMismatch" | "useFormat" | "useFloat16" | "useAutoKv" | "missingReason";

function fits(request: SizingRequest): MemoryEstimate | undefined {
  const estimate = tryEstimate(request);
  return estimate?.verdict === "fits" ? estimate : undefined;
}

function modelReference(written: string, repository: string): string {
  return /^hf:\/\//i.test(written) ? `hf://${repository}` : repository;
}

export default createRule<MessageIds, []>({
  name: "quantization-supported",
  meta: {
    type: "problem",
    docs: {
      description: "Require the precision and quantization to run on the named GPU and to match how the checkpoint is stored",
      recommended: "error",
      strict: "error",
    },
    hasSuggestions: true,
    schema: [],
    messages: {
      belowMinimum:
        "{{format}} needs compute capability {{minimum}} in {{engine}} ({{native}}); {{gpu}} is {{capability}}, so {{engine}} cannot load these weights.{{alternatives}}",
      bf16Unsupported: "bfloat16 needs compute capability 8.0; {{gpu}} is {{capability}}. float16 takes the same memory and runs there.",
      fp8KvUnsupported: "An FP8 KV cache (--kv-cache-dtype {{kvCacheDtype}}) needs compute capability 8.0 in vLLM; {{gpu}} is {{capability}}.",
      flagMismatch:
        "--quantization {{flag}} expects a checkpoint stored as {{flagFormat}}, but {{model}} is stored as {{stored}}, so {{engine}} refuses to load it.{{alternatives}}",
      vendorUnsupported: "{{engine}} does not run on {{devices}}; {{gpu}} cannot run it. Serve it with an engine that runs there, or on {{runsOn}}.",
      capabilityUnsupported: "{{engine}} needs compute capability {{minimum}} or higher; {{gpu}} is {{capability}}, so it cannot run there. Serve it with llama.cpp or Ollama, which run there, or on a newer GPU.",
      useFormat: "Use {{remedy}}",
      useFloat16: "Use float16",
      useAutoKv: "Use the model's dtype for the KV cache (auto){{headroom}}",
    },
  },
  create(context) {
    return {
      Program() {
        forEachJudged(context, "quantization-supported", (judged, analysis, text) => {
          const { deployment, resolved, values } = judged;
          const { catalog } = analysis;
          const { request } = resolved;
          const engine = ENGINE_NAMES[request.engine];
          const gpu = gpuName(request.gpu);
          const capability = request.gpu.computeCapability?.toFixed(1) ?? "";

          /** Switch the weights to a format that runs here and fits: a flag, or a known checkpoint. */
          const formatSuggestions = (exclude: QuantizationFormat, kind: QuantizationProblem["kind"]): SuggestedEdit<MessageIds>[] => {
            const suggestions: SuggestedEdit<MessageIds>[] = [];
            const options = runnableFormats(catalog, resolved).filter(({ format }) => format.id !== exclude.id);
            const floatFormat = catalog.format(resolved.model.model.nativeFormat);
            // Dropping the flag (16-bit weights) is a choice too when the checkpoint is 16-bit.
            if (values.quantization && floatFormat.kind === "float") options.unshift({ format: request.activationBytes === 4 ? catalog.format("fp32") : floatFormat });
            for (const option of options) {
              const estimate = fits({ ...request, weightFormat: option.format });
              if (!estimate) continue;
              const edits: Array<TextEdit | undefined> = [];
              if (option.checkpoint) {
                if (!deployment.fields.model) continue;
                edits.push(replaceField(deployment, "model", modelReference(deployment.fields.model.value, option.checkpoint)));
                const flag = engineById(request.engine).quantizationFlag(option.format);
                if (deployment.fields.quantization && flag) edits.push(replaceField(deployment, "quantization", flag));
              } else if (option.format.kind === "float") {
                edits.push(removeField(deployment, "quantization", text));
              } else if (engineById(request.engine).quantizationFlag(option.format)) {
                edits.push(setField(deployment, request.engine, "quantization", engineById(request.engine).quantizationFlag(option.format)!, text));
              } else {
                continue;
              }
              const combined = combine(edits);
              if (!combined) continue;
              const label = option.format.kind === "float" ? `${option.format.id} weights as stored (no --quantization)` : `${formatLabel(catalog, option.format.id)} weights${option.checkpoint ? ` (${option.checkpoint})` : ""}`;
              suggestions.push(...offer(context, analysis, judged, { rule: "quantization-supported", kind }, [{ messageId: "useFormat", data: { remedy: `${label}: ${headroom({ estimate })}` }, edits: combined }]));
              if (suggestions.length === 3) break;
            }
            return suggestions;
          };

          for (const problem of quantizationProblemsOf(checksOfJudged(catalog, judged))) {
            switch (problem.kind) {
              case "below-minimum": {
                const suggest = formatSuggestions(problem.format, problem.kind);
                context.report({
                  loc: locationOf(context, reportTarget(deployment, problem.fromFlag ? ["quantization", "model"] : ["model"])),
                  messageId: "belowMinimum",
                  data: {
                    format: formatLabel(catalog, problem.format.id),
                    minimum: problem.minimum.toFixed(1),
                    native:
                      problem.format.nativeComputeCapability !== null && problem.format.nativeComputeCapability > problem.minimum
                        ? `native kernels from ${problem.format.nativeComputeCapability.toFixed(1)}, a weight-only fallback from ${problem.minimum.toFixed(1)}`
                        : "its kernels' minimum",
                    gpu,
                    capability,
                    engine,
                    alternatives: suggest.length > 0 ? "" : " No format that runs on this GPU fits it.",
                  },
                  suggest,
                });
                break;
              }
              case "bf16-unsupported": {
                const edits = combine([replaceField(deployment, "dtype", "float16")]);
                context.report({
                  loc: locationOf(context, reportTarget(deployment, ["dtype", "quantization", "model"])),
                  messageId: "bf16Unsupported",
                  data: { gpu, capability },
                  suggest: offer(context, analysis, judged, { rule: "quantization-supported", kind: problem.kind }, [{ messageId: "useFloat16", edits }]),
                });
                break;
              }
              case "fp8-kv-unsupported": {
                const edits = combine([replaceField(deployment, "kvCacheDtype", "auto")]);
                const estimate = fits({ ...request, kvCacheDtype: "auto" });
                context.report({
                  loc: locationOf(context, reportTarget(deployment, ["kvCacheDtype"])),
                  messageId: "fp8KvUnsupported",
                  data: { kvCacheDtype: problem.kvCacheDtype, gpu, capability },
                  suggest: estimate ? offer(context, analysis, judged, { rule: "quantization-supported", kind: problem.kind }, [{ messageId: "useAutoKv", data: { headroom: `: ${headroom({ estimate })}` }, edits }]) : [],
                });
                break;
              }
              case "capability-unsupported": {
                context.report({
                  loc: locationOf(context, reportTarget(deployment, ["gpuType", "instanceType", "engine", "model"])),
                  messageId: "capabilityUnsupported",
                  data: { engine, gpu, capability, minimum: problem.minimum.toFixed(1) },
                });
                break;
              }
              case "vendor-unsupported": {
                context.report({
                  loc: locationOf(context, reportTarget(deployment, ["gpuType", "instanceType", "engine", "model"])),
                  messageId: "vendorUnsupported",
                  data: { engine, gpu, devices: `${vendorDevice(problem.gpu.vendor)}s`, runsOn: problem.runsOn },
                });
                break;
              }
              case "flag-mismatch": {
                const suggest: SuggestedEdit<MessageIds>[] = [];
                // The flag that matches the checkpoint as stored.
                if (problem.stored.kind !== "float" && problem.stored.vllmQuantization) {
                  const edits = combine([replaceField(deployment, "quantization", problem.stored.vllmQuantization)]);
                  const estimate = fits({ ...request, weightFormat: problem.stored });
                  if (estimate) {
                    suggest.push(
                      ...offer(context, analysis, judged, { rule: "quantization-supported", kind: problem.kind }, [
                        { messageId: "useFormat", data: { remedy: `--quantization ${problem.stored.vllmQuantization} (as stored): ${headroom({ estimate })}` }, edits },
                      ]),
                    );
                  }
                }
                suggest.push(...formatSuggestions(problem.stored, problem.kind));
                context.report({
                  loc: locationOf(context, reportTarget(deployment, ["quantization"])),
                  messageId: "flagMismatch",
                  data: {
                    flag: problem.flag,
                    flagFormat: formatLabel(catalog, problem.flagFormat.id),
                    model: resolved.model.displayName,
                    stored: formatLabel(catalog, problem.stored.id),
                    engine,
                    alternatives: "",
                  },
                  suggest,
                });
                break;
              }
            }
          }
        });
      },
    };
  },
});
