/**
 * vLLM production-stack operator `VLLMRuntime` (production-stack.vllm.ai/v1alpha1), read by a field
 * table from its CRD (operator/api/v1alpha1/vllmruntime_types.go): the operator turns these into
 * `vllm serve <modelURL>` flags and the pod's GPU request. `vllmConfig.extraArgs` holds any other
 * flag; `deploymentConfig.nodeSelectorTerms` may name the GPU type.
 */
import type { ExtractContext } from "./context.js";
import type { DocNode } from "./doc.js";
import { str } from "./doc.js";
import { commandTokens, parseEngineCall } from "./engine-seam.js";
import { nodePlacement } from "./pod.js";
import { crdDeployment, type FieldPath, holders, modelReference, readFieldTable, type Unresolved } from "./crd-kit.js";
import { locate, mergeFields, virtualMap } from "./kit.js";
import type { Deployment, LocatedFields } from "./types.js";

const VLLM_RUNTIME: readonly FieldPath[] = [
  { field: "maxModelLen", path: ["model", "maxModelLen"], kind: "int" },
  { field: "dtype", path: ["model", "dtype"], kind: "string" },
  { field: "maxNumSeqs", path: ["model", "maxNumSeqs"], kind: "int" },
  { field: "tensorParallel", path: ["vllmConfig", "tensorParallelSize"], kind: "int" },
  { field: "gpuMemoryUtilization", path: ["vllmConfig", "gpuMemoryUtilization"], kind: "float" },
  { field: "gpuCount", path: ["deploymentConfig", "resources", "gpu"], kind: "int" },
];

export function productionStackRuntime(object: DocNode, ctx: ExtractContext, kind: string): Deployment[] {
  const spec = object.get("spec");
  if (!spec || spec.type !== "map") return [];
  const fields: LocatedFields = {};
  const unresolved: Unresolved = {};
  const terms = spec.get("deploymentConfig")?.get("nodeSelectorTerms");
  if (terms) {
    const affinity = virtualMap(
      { nodeAffinity: virtualMap({ requiredDuringSchedulingIgnoredDuringExecution: virtualMap({ nodeSelectorTerms: terms }, terms.node) }, terms.node) },
      terms.node,
    );
    mergeFields({ fields, unresolved }, { fields: nodePlacement(virtualMap({ affinity }, terms.node)) });
  }
  const modelUrl = spec.get("model")?.get("modelURL");
  const model = modelReference(modelUrl, "modelURL");
  if (model.located) fields.model = model.located;
  else if (model.unresolved) unresolved.model = model.unresolved;
  readFieldTable(spec, VLLM_RUNTIME, fields, unresolved);
  fields.engine = locate(modelUrl ?? spec, "vllm", "VLLMRuntime");

  // Flags in `extraArgs` come after the generated ones on the command line and win.
  const extra = spec.get("vllmConfig")?.get("extraArgs");
  const { tokens } = commandTokens(extra?.items() ?? [], ctx.text, new Map());
  const call = parseEngineCall(tokens, { imageEngine: "vllm", ...(extra?.type === "seq" ? { argsList: extra } : {}) });
  if (call) {
    delete call.fields.model;
    mergeFields({ fields, unresolved }, call);
  }
  return [
    crdDeployment("production-stack", kind, str(object.get("metadata")?.get("name")), (modelUrl ?? spec).node, fields, unresolved, {
      ...(call?.args ? { args: call.args } : {}),
      annotationHolders: holders(object.get("metadata")),
    }),
  ];
}
