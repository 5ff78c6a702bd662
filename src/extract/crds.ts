/**
 * Serving custom resources, by API group and kind. Adding a kind is a row here plus its reader
 * (most readers are field tables over `crd-kit.ts`, or reuse the pod reader for embedded pod
 * templates) and a fixture. Detection looks at `apiVersion` and `kind` only, so other documents
 * cost one map lookup.
 */
import type { ExtractContext } from "./context.js";
import type { DocNode } from "./doc.js";
import { str } from "./doc.js";
import { apiGroup } from "./crd-kit.js";
import { kaitoInferenceSet, kaitoMultiRoleInference, kaitoWorkspace } from "./kaito.js";
import { inferenceService, llmInferenceService, servingRuntime } from "./kserve.js";
import { kubeaiModel } from "./kubeai.js";
import { leaderWorkerSet } from "./lws.js";
import { nimService } from "./nim.js";
import { productionStackRuntime } from "./production-stack.js";
import { rayCluster, rayClusterFleet, rayJob, rayService, stormService } from "./ray.js";
import type { Deployment } from "./types.js";
import { arksApplication, arksDisaggregatedApplication } from "./arks.js";
import { dynamoComponentDeployment, dynamoDeploymentRequest, dynamoGraphDeployment } from "./dynamo.js";
import { modelBooster, modelServing } from "./kthena.js";
import { llmazOpenModel, llmazPlayground } from "./llmaz.js";
import { omeInferenceService, omeServingRuntime } from "./ome.js";
import { roleBasedGroup } from "./rbg.js";
import { modelDeployment } from "./airunway.js";
import { llmkubeInferenceService } from "./llmkube.js";

type CrdReader = (object: DocNode, ctx: ExtractContext, kind: string) => Deployment[];

/** Kinds that are claimed but describe no deployment by themselves (runtimes, caches, shared configs). */
const NOTHING: CrdReader = () => [];

const CRD_READERS: Array<{ group: string; kinds: string[]; read: CrdReader }> = [
  { group: "serving.kserve.io", kinds: ["InferenceService"], read: inferenceService },
  { group: "serving.kserve.io", kinds: ["LLMInferenceService"], read: llmInferenceService },
  { group: "serving.kserve.io", kinds: ["ServingRuntime", "ClusterServingRuntime"], read: servingRuntime },
  { group: "serving.kserve.io", kinds: ["LLMInferenceServiceConfig", "InferenceGraph", "TrainedModel"], read: NOTHING },
  { group: "kubeai.org", kinds: ["Model"], read: kubeaiModel },
  { group: "kaito.sh", kinds: ["Workspace"], read: kaitoWorkspace },
  { group: "kaito.sh", kinds: ["InferenceSet"], read: kaitoInferenceSet },
  { group: "kaito.sh", kinds: ["MultiRoleInference"], read: kaitoMultiRoleInference },
  { group: "leaderworkerset.x-k8s.io", kinds: ["LeaderWorkerSet"], read: leaderWorkerSet },
  { group: "ray.io", kinds: ["RayService"], read: rayService },
  { group: "ray.io", kinds: ["RayCluster"], read: rayCluster },
  { group: "ray.io", kinds: ["RayJob"], read: rayJob },
  { group: "orchestration.aibrix.ai", kinds: ["RayClusterFleet"], read: rayClusterFleet },
  { group: "orchestration.aibrix.ai", kinds: ["StormService"], read: stormService },
  { group: "apps.nvidia.com", kinds: ["NIMService"], read: nimService },
  { group: "apps.nvidia.com", kinds: ["NIMCache", "NIMPipeline", "NemoCustomizer", "NemoEvaluator", "NemoGuardrail", "NemoDatastore", "NemoEntitystore"], read: NOTHING },
  { group: "production-stack.vllm.ai", kinds: ["VLLMRuntime"], read: productionStackRuntime },
  { group: "production-stack.vllm.ai", kinds: ["VLLMRouter", "CacheServer", "LoraAdapter"], read: NOTHING },
  { group: "nvidia.com", kinds: ["DynamoGraphDeployment"], read: dynamoGraphDeployment },
  { group: "nvidia.com", kinds: ["DynamoComponentDeployment"], read: dynamoComponentDeployment },
  { group: "nvidia.com", kinds: ["DynamoGraphDeploymentRequest"], read: dynamoDeploymentRequest },
  { group: "nvidia.com", kinds: ["DynamoModel"], read: NOTHING },
  { group: "workloads.x-k8s.io", kinds: ["RoleBasedGroup"], read: roleBasedGroup },
  { group: "workloads.x-k8s.io", kinds: ["RoleBasedGroupScalingAdapter", "ClusterEngineRuntimeProfile", "RoleBasedGroupSet"], read: NOTHING },
  { group: "ome.io", kinds: ["InferenceService"], read: omeInferenceService },
  { group: "ome.io", kinds: ["ClusterServingRuntime", "ServingRuntime"], read: omeServingRuntime },
  { group: "ome.io", kinds: ["ClusterBaseModel", "BaseModel", "FineTunedWeight", "BenchmarkJob", "AcceleratorClass"], read: NOTHING },
  { group: "llmaz.io", kinds: ["OpenModel", "Model"], read: llmazOpenModel },
  { group: "inference.llmaz.io", kinds: ["Playground"], read: llmazPlayground },
  { group: "inference.llmaz.io", kinds: ["BackendRuntime"], read: NOTHING },
  { group: "arks.scitix.ai", kinds: ["ArksApplication"], read: arksApplication },
  { group: "arks.ai", kinds: ["ArksApplication"], read: arksApplication },
  { group: "arks.scitix.ai", kinds: ["ArksDisaggregatedApplication", "ArksDisaggregatedapplication"], read: arksDisaggregatedApplication },
  { group: "arks.ai", kinds: ["ArksDisaggregatedApplication", "ArksDisaggregatedapplication"], read: arksDisaggregatedApplication },
  { group: "arks.scitix.ai", kinds: ["ArksModel", "ArksEndpoint", "ArksToken", "ArksQuota"], read: NOTHING },
  { group: "arks.ai", kinds: ["ArksModel", "ArksEndpoint", "ArksToken", "ArksQuota"], read: NOTHING },
  // Kthena's workload group moved from workload.serving.volcano.sh to workload.kthena.io; files of both are in use.
  { group: "workload.serving.volcano.sh", kinds: ["ModelServing"], read: modelServing },
  { group: "workload.serving.volcano.sh", kinds: ["ModelBooster"], read: modelBooster },
  { group: "networking.serving.volcano.sh", kinds: ["ModelRoute", "ModelServer"], read: NOTHING },
  { group: "workload.kthena.io", kinds: ["ModelServing"], read: modelServing },
  { group: "workload.kthena.io", kinds: ["ModelBooster"], read: modelBooster },
  { group: "airunway.ai", kinds: ["ModelDeployment"], read: modelDeployment },
  { group: "airunway.ai", kinds: ["InferenceProviderConfig", "AgentDeployment", "AgentProviderConfig"], read: NOTHING },
  { group: "inference.llmkube.dev", kinds: ["InferenceService"], read: llmkubeInferenceService },
  { group: "inference.llmkube.dev", kinds: ["Model", "ModelPool", "ModelRouter", "LoRAAdapter", "GPUQuota"], read: NOTHING },
];

const BY_GROUP_KIND = new Map<string, CrdReader>();
for (const { group, kinds, read } of CRD_READERS) for (const kind of kinds) BY_GROUP_KIND.set(`${group}/${kind}`, read);

/** Deployments of a serving custom resource; undefined when the object is not one of these kinds. */
export function extractServingCrd(object: DocNode, ctx: ExtractContext): Deployment[] | undefined {
  const kind = str(object.get("kind"));
  if (!kind) return undefined;
  const read = BY_GROUP_KIND.get(`${apiGroup(object)}/${kind}`);
  return read ? read(object, ctx, kind) : undefined;
}

/** Kinds known to describe no deployment by themselves (runtimes, caches, routes): not walked for containers. */
export function isInertCrd(object: DocNode): boolean {
  const kind = str(object.get("kind"));
  return kind !== undefined && BY_GROUP_KIND.get(`${apiGroup(object)}/${kind}`) === NOTHING;
}
