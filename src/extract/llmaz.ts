/**
 * llmaz (InftyAI/llmaz). `OpenModel` (llmaz.io/v1alpha1; the older `Model`) names the weights —
 * `source.modelHub.modelID` (`dataSource.modelID`), `source.uri` — and its inference flavors
 * (`inferenceConfig.flavors[]`, older `inferenceFlavors[]`): each a GPU count (`limits`/`requests`)
 * and placement (`nodeSelector`, else the flavor's name, which usually names the GPU: `t4`,
 * `a100-80gb`). A `Playground` (inference.llmaz.io) claims a model by name (`modelClaim.modelName`,
 * optionally a subset of its flavors) and sets the backend (`backendRuntimeConfig.backendName`:
 * vllm by default, sglang, llamacpp, tgi, ollama; its `args` and `resources`). One deployment per
 * flavor the playground may land on; an `OpenModel` no playground in the file claims is judged on
 * its flavors with the default backend.
 */
import type { ExtractContext } from "./context.js";
import { kubernetesObjects } from "./context.js";
import type { DocNode } from "./doc.js";
import { str } from "./doc.js";
import { flagListCall } from "./engine-seam.js";
import { apiGroup, crdDeployment, engineNamed, holders, modelReference } from "./crd-kit.js";
import { locate, mergeFields, newSink, setLocated, setUnresolved } from "./kit.js";
import { nodePlacement, resourceGpus } from "./pod.js";
import type { Deployment } from "./types.js";

/** A flavor name that names a GPU (`t4`, `a100-80gb`, `nvidia-l4`), not a size class (`default`, `small`). */
const GPU_FLAVOR = /^(nvidia-)?(tesla-)?[a-z]{1,3}\d{1,4}[a-z]?(-\d+g(b)?)?$/i;

function openModels(ctx: ExtractContext): Map<string, DocNode> {
  const found = new Map<string, DocNode>();
  for (const document of ctx.documents) {
    for (const object of kubernetesObjects(document)) {
      const kind = str(object.get("kind"));
      if (apiGroup(object) === "llmaz.io" && (kind === "OpenModel" || kind === "Model")) {
        const name = str(object.get("metadata")?.get("name"));
        if (name) found.set(name, object);
      }
    }
  }
  return found;
}

function flavorsOf(model: DocNode): DocNode[] {
  const spec = model.get("spec");
  return (spec?.get("inferenceConfig")?.get("flavors") ?? spec?.get("inferenceFlavors"))?.items().filter((flavor) => flavor.type === "map") ?? [];
}

function weightsOf(model: DocNode) {
  const spec = model.get("spec");
  const hub = spec?.get("source")?.get("modelHub") ?? spec?.get("dataSource");
  const reference = modelReference(hub?.get("modelID") ?? spec?.get("source")?.get("uri") ?? spec?.get("dataSource")?.get("uri"), hub ? "modelID" : "source.uri");
  // A GGUF repository with `filename`: the file names the quantization the catalog sizes.
  const filename = str(hub?.get("filename"));
  if (reference.located && filename && /\.gguf$/i.test(filename)) return { located: { ...reference.located, value: `${reference.located.value}/${filename}`, readonly: true } };
  return reference;
}

interface Backend {
  engineNode: DocNode | undefined;
  config: DocNode | undefined;
}

function flavorDeployment(owner: DocNode, kind: string, name: string | undefined, model: DocNode | undefined, flavor: DocNode | undefined, backend: Backend, ctx: ExtractContext, shared = false): Deployment {
  const sink = newSink();
  if (model) {
    const weights = weightsOf(model);
    if (weights.located) setLocated(sink, "model", weights.located);
    else if (weights.unresolved) setUnresolved(sink, "model", weights.unresolved);
  }
  const backendName = str(backend.engineNode) ?? "vllm";
  const engine = engineNamed(backendName);
  if (engine) sink.fields.engine = locate(backend.engineNode ?? owner, engine, "backendName");
  else setUnresolved(sink, "engine", { raw: backendName, node: (backend.engineNode ?? owner).node, reason: "unsupported", source: "backendName", note: `It runs ${backendName}, which this version finds but does not size yet` });
  if (flavor) {
    mergeFields(sink, { fields: nodePlacement(flavor) });
    const flavorName = str(flavor.get("name"));
    // A flavor's name is how playgrounds refer to it: read it as the GPU, never rewrite it.
    if (!sink.fields.gpuType && flavorName && GPU_FLAVOR.test(flavorName)) setLocated(sink, "gpuType", locate(flavor.get("name")!, flavorName, "flavor name", { readonly: true }));
    const gpus = resourceGpus(flavor);
    if (gpus.located) setLocated(sink, "gpuCount", gpus.located);
    else if (gpus.unresolved) setUnresolved(sink, "gpuCount", gpus.unresolved);
  }
  // The playground's own resources win over the flavor's.
  const own = resourceGpus(backend.config?.get("resources"));
  if (own.located) setLocated(sink, "gpuCount", own.located);
  else if (own.unresolved) setUnresolved(sink, "gpuCount", own.unresolved);
  const args = backend.config?.get("args");
  if (engine && args) {
    const call = flagListCall(engine, args, ctx.text);
    delete call.fields.model;
    // The playground's args apply to every flavor it may land on: an edit made for one would change the others.
    if (shared) for (const located of Object.values(call.fields)) if (located) located.readonly = true;
    mergeFields(sink, call);
  }
  const flavorName = flavor ? str(flavor.get("name")) : undefined;
  return crdDeployment("llmaz", kind, name && flavorName ? `${name}/${flavorName}` : name, (flavor ?? owner).node, sink.fields, sink.unresolved, {
    annotationHolders: holders(owner.get("metadata")),
    // One replica runs on one flavor: its GPUs serve the model together unless the args set the sizes.
    layoutOwner: "tensor-from-gpus",
    ...(flavor && !flavor.embedded ? { placementTargets: [flavor] } : {}),
  });
}

export function llmazPlayground(object: DocNode, ctx: ExtractContext, kind: string): Deployment[] {
  const spec = object.get("spec");
  if (!spec || spec.type !== "map") return [];
  const name = str(object.get("metadata")?.get("name"));
  const claim = spec.get("modelClaim") ?? spec.get("modelClaims")?.get("models")?.items()[0];
  const modelNameNode = claim?.get("modelName") ?? claim?.get("name");
  const modelName = str(modelNameNode);
  const config = spec.get("backendRuntimeConfig");
  const backend: Backend = { engineNode: config?.get("backendName") ?? config?.get("name"), config };
  const model = modelName ? openModels(ctx).get(modelName) : undefined;
  if (!model) {
    const deployment = flavorDeployment(object, kind, name, undefined, undefined, backend, ctx);
    if (modelNameNode && modelName) setUnresolved(deployment, "model", { raw: modelName, node: modelNameNode.node, reason: "reference", source: "modelClaim.modelName" });
    return [deployment];
  }
  const chosen = (claim?.get("inferenceFlavors")?.items() ?? []).map((item) => str(item));
  const flavors = flavorsOf(model).filter((flavor) => chosen.length === 0 || chosen.includes(str(flavor.get("name"))));
  if (flavors.length === 0) return [flavorDeployment(object, kind, name, model, undefined, backend, ctx)];
  return flavors.map((flavor) => flavorDeployment(object, kind, name, model, flavor, backend, ctx, flavors.length > 1));
}

/** An OpenModel that no Playground in the file claims: judged on each of its flavors. */
export function llmazOpenModel(object: DocNode, ctx: ExtractContext, kind: string): Deployment[] {
  const name = str(object.get("metadata")?.get("name"));
  for (const document of ctx.documents) {
    for (const other of kubernetesObjects(document)) {
      if (str(other.get("kind")) !== "Playground") continue;
      const claim = other.get("spec")?.get("modelClaim");
      if (str(claim?.get("modelName")) === name) return [];
    }
  }
  const flavors = flavorsOf(object);
  if (flavors.length === 0) return [];
  return flavors.map((flavor) => flavorDeployment(object, kind, name, object, flavor, { engineNode: undefined, config: undefined }, ctx));
}
