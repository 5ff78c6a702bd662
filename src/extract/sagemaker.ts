/**
 * SageMaker serving containers, wherever they are written (Terraform's `aws_sagemaker_model` and
 * endpoint modules, CloudFormation's `AWS::SageMaker::Model`): the engine the image runs (TGI, LMI,
 * vLLM) and the settings its environment carries (`HF_MODEL_ID`, `SM_NUM_GPUS`, LMI `OPTION_*`,
 * `SM_VLLM_*`).
 */
import type { Engine } from "../sizing/types.js";
import { str } from "./doc.js";
import { applyEnvFields, type ArgToken, type EngineCall, engineFromImage, parseEngineCall } from "./engine-seam.js";
import { type EnvMap, newSink, readField, setUnresolved, type ValueKind } from "./kit.js";
import type { FieldName } from "./types.js";

/** LMI (DJL) container settings (docs.djl.ai serving configurations; `OPTION_` env = `option.` property). */
const LMI_ENV: Record<string, { field: FieldName; kind: ValueKind }> = {
  HF_MODEL_ID: { field: "model", kind: "string" },
  OPTION_MODEL_ID: { field: "model", kind: "string" },
  OPTION_TENSOR_PARALLEL_DEGREE: { field: "tensorParallel", kind: "int" },
  TENSOR_PARALLEL_DEGREE: { field: "tensorParallel", kind: "int" },
  OPTION_PIPELINE_PARALLEL_DEGREE: { field: "pipelineParallel", kind: "int" },
  OPTION_MAX_MODEL_LEN: { field: "maxModelLen", kind: "int" },
  OPTION_DTYPE: { field: "dtype", kind: "string" },
  OPTION_QUANTIZE: { field: "quantization", kind: "string" },
  OPTION_GPU_MEMORY_UTILIZATION: { field: "gpuMemoryUtilization", kind: "float" },
  OPTION_MAX_ROLLING_BATCH_SIZE: { field: "maxNumSeqs", kind: "int" },
  OPTION_ENFORCE_EAGER: { field: "enforceEager", kind: "bool" },
};

/** Where SageMaker unpacks a model's `model_data_url` / `model_uri` artifacts (a path, not a name). */
const SAGEMAKER_ARTIFACTS = /^\/opt\/ml\/model(\/|$)/;

/** The serving engine of a SageMaker container (its image, its environment) and the settings that environment carries. */
export function sagemakerContainerCall(image: string | undefined, env: EnvMap, text: string): (EngineCall & { lmi?: boolean }) | undefined {
  const call = sagemakerEngineCall(image, env, text);
  const model = call?.fields.model;
  // `HF_MODEL_ID=/opt/ml/model`: the weights are the artifacts SageMaker unpacks there, which the file does not name.
  if (call && model && SAGEMAKER_ARTIFACTS.test(String(model.value))) {
    delete call.fields.model;
    call.unresolved.model = { raw: String(model.value), node: model.node, reason: "reference", source: model.source };
  }
  return call;
}

function sagemakerEngineCall(image: string | undefined, env: EnvMap, text: string): (EngineCall & { lmi?: boolean }) | undefined {
  const names = [...env.keys()];
  const lmi = /djl-inference|djl-lmi|\blmi\b/i.test(image ?? "") || (!image && names.some((name) => name.startsWith("OPTION_")));
  const vllm = !lmi && (/vllm/i.test(image ?? "") || (!image && names.some((name) => name.startsWith("SM_VLLM_"))));
  const tgi = !lmi && !vllm && (/tgi|text-generation-inference/i.test(image ?? "") || env.has("SM_NUM_GPUS") || env.has("HF_MODEL_ID") || env.has("MODEL_ID"));
  if (lmi) {
    const sink = newSink();
    for (const [name, spec] of Object.entries(LMI_ENV)) {
      const entry = env.get(name);
      if (!entry) continue;
      if (spec.field === "tensorParallel" && entry.value === "max") continue; // every GPU of the instance
      if (entry.value === undefined) {
        // A value known at deploy time, as written (`${var.tp}`, `{"Fn::If": […]}`).
        const written = str(entry.node) ?? text.slice(entry.node.node.range[0], entry.node.node.range[1]);
        setUnresolved(sink, spec.field, { raw: written, node: entry.node.node, reason: "variable", source: name });
      }
      else readField(sink, spec.field, entry.node, spec.kind, name);
    }
    // LMI picks vLLM or its own engine (`OPTION_ROLLING_BATCH`); both shard over every GPU unless told otherwise.
    return { engine: "vllm", fields: sink.fields, unresolved: sink.unresolved, lmi: true };
  }
  if (vllm) {
    // The SageMaker vLLM container turns `SM_VLLM_<FLAG>` into `--<flag>`.
    const tokens: ArgToken[] = [];
    for (const [name, entry] of env) {
      if (!name.startsWith("SM_VLLM_")) continue;
      tokens.push({ text: `--${name.slice(8).toLowerCase().replace(/_/g, "-")}`, from: entry.node });
      const literal = entry.node.node;
      const verbatim = entry.value !== undefined && literal.type === "JSONLiteral" && text.slice(literal.range[0] + 1, literal.range[1] - 1) === entry.value;
      tokens.push({ text: entry.value ?? "\u0000\u0000", from: entry.node, ...(verbatim ? { range: [literal.range[0] + 1, literal.range[1] - 1] as [number, number] } : {}) });
    }
    const call = parseEngineCall(tokens, { imageEngine: "vllm" }) ?? { engine: "vllm" as Engine, fields: {}, unresolved: {} };
    delete call.args;
    const model = env.get("HF_MODEL_ID");
    if (!call.fields.model && !call.unresolved.model && model) {
      const sink = { fields: call.fields, unresolved: call.unresolved };
      readField(sink, "model", model.node, "string", "HF_MODEL_ID");
    }
    return call;
  }
  if (tgi) {
    const call: EngineCall = { engine: "tgi", fields: {}, unresolved: {} };
    applyEnvFields(call, env);
    return call;
  }
  const engine = engineFromImage(image);
  return engine ? { engine, fields: {}, unresolved: {} } : undefined;
}

