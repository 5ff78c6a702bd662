/**
 * AWS CloudFormation templates (YAML or JSON) that deploy a SageMaker real-time endpoint: each
 * `AWS::SageMaker::EndpointConfig` production variant's `InstanceType`, joined to the
 * `AWS::SageMaker::Model` its `ModelName` names, whose `PrimaryContainer` (or `Containers[]`) image
 * and `Environment` say what serves which model (the same containers Terraform's `aws_sagemaker_model`
 * declares: src/extract/sagemaker.ts).
 *
 * Values may be intrinsic functions (CloudFormation User Guide, "Intrinsic function reference"):
 * `!Ref Param` / `{"Ref": "Param"}` of a template parameter is read as the parameter's `Default`, and
 * the finding says so, since a stack may be created with another value; a parameter without a default,
 * `!Sub` with variables, `!If`, `!FindInMap` or `!ImportValue` are left unresolved.
 */
import type { AST as YamlAst } from "yaml-eslint-parser";
import type { ExtractContext } from "./context.js";
import type { AstNode, DocNode } from "./doc.js";
import { str } from "./doc.js";
import { type EnvMap, locate, mergeFields, newSink, readResolvedField, setUnresolved, type ValueKind, virtualMap } from "./kit.js";
import { sagemakerContainerCall } from "./sagemaker.js";
import type { Deployment, FieldName, UnresolvedValue } from "./types.js";

interface Template {
  resources: Resource[];
  parameters: DocNode | undefined;
  /** `HuggingFaceModelId at its default (Qwen/Qwen2.5-7B-Instruct)`, for each parameter read at its default. */
  assumptions: Set<string>;
  /**
   * Defaults of parameters that list `AllowedValues`: an edit of the default alone would make a value
   * the template refuses, so such values are not edited in place.
   */
  constrained: Set<AstNode>;
  /** `AWS::SageMaker::Model` resources by logical id and by the `ModelName` text they write (built once: variants look up in them). */
  modelsById: Map<string, Resource>;
  modelsByName: Map<string, Resource>;
}

type Resource = { id: string; type: string; properties: DocNode | undefined; resource: DocNode };

/** A template: `Resources` whose entries carry an `AWS::` type. */
function readTemplate(document: DocNode): Template | undefined {
  const resources = document.get("Resources");
  if (resources?.type !== "map") return undefined;
  const list = resources.entries().flatMap(([id, resource]) => {
    const type = str(resource.get("Type"));
    return type ? [{ id, type, properties: resource.get("Properties"), resource }] : [];
  });
  if (!list.some((resource) => resource.type.startsWith("AWS::"))) return undefined;
  const modelsById = new Map<string, Resource>();
  const modelsByName = new Map<string, Resource>();
  for (const resource of list) {
    if (resource.type !== "AWS::SageMaker::Model") continue;
    modelsById.set(resource.id, resource);
    const name = str(resource.properties?.get("ModelName"));
    if (name !== undefined && !modelsByName.has(name)) modelsByName.set(name, resource);
  }
  return { resources: list, parameters: document.get("Parameters"), assumptions: new Set(), constrained: new Set(), modelsById, modelsByName };
}

/** The YAML tag a value is written with (`!Ref`, `!Sub`), which CloudFormation reads as a function. */
function tagOf(node: DocNode): string | undefined {
  return (node.node as Partial<YamlAst.YAMLWithMeta>).tag?.tag;
}

/** `!Ref X` (YAML short form) or `{"Ref": "X"}`: the name referred to. */
function refName(node: DocNode): string | undefined {
  if (node.type === "map") {
    const entries = node.entries();
    return entries.length === 1 && entries[0]![0] === "Ref" ? str(entries[0]![1]) : undefined;
  }
  return tagOf(node) === "!Ref" ? str(node) : undefined;
}

/** `!GetAtt X.Attr`, `{"Fn::GetAtt": ["X", "Attr"]}` or `{"Fn::GetAtt": "X.Attr"}`: the resource X. */
function getAttResource(node: DocNode): string | undefined {
  const long = node.type === "map" ? node.get("Fn::GetAtt") : undefined;
  if (long?.type === "seq") return str(long.items()[0]);
  const short = long ?? (tagOf(node) === "!GetAtt" ? node : undefined);
  return str(short)?.split(".")[0];
}

/** An intrinsic function other than `Ref` (`Fn::ImportValue shared-name`, `!If`…), as written, when the value is one. */
function otherIntrinsic(node: DocNode): string | undefined {
  if (node.type === "map") {
    const [key, argument] = node.entries()[0] ?? [];
    return key?.startsWith("Fn::") ? [key, str(argument)].filter(Boolean).join(" ") : undefined;
  }
  const tag = tagOf(node);
  return tag && /^!(Sub|If|FindInMap|ImportValue|Join|Select|Split|GetAtt|Base64|Cidr|GetAZs)$/.test(tag) ? tag : undefined;
}

/**
 * The value a property holds when the stack is created with its parameters' defaults: the scalar
 * itself, a referenced parameter's `Default` (recorded as an assumption), or why it is not known.
 */
function resolve(node: DocNode, template: Template, source: string): DocNode | UnresolvedValue {
  const ref = refName(node);
  if (ref !== undefined) {
    const parameter = template.parameters?.get(ref);
    const fallback = parameter?.get("Default");
    if (!parameter) return { raw: `!Ref ${ref}`, node: node.node, reason: "reference", source };
    if (fallback === undefined || fallback.type !== "scalar" || str(fallback) === "") return { raw: `!Ref ${ref}`, node: node.node, reason: "variable", source };
    template.assumptions.add(`${ref} at its default (${str(fallback)})`);
    if (parameter.get("AllowedValues")) template.constrained.add(fallback.node);
    return fallback;
  }
  // `!Sub "text"`: the text, whose `${…}` variables, if any, leave it unresolved when it is read.
  const sub = node.type === "map" ? node.get("Fn::Sub") : tagOf(node) === "!Sub" ? node : undefined;
  if (sub?.type === "scalar") return sub;
  const intrinsic = otherIntrinsic(node);
  return intrinsic ? { raw: str(node) ?? intrinsic, node: node.node, reason: "variable", source } : node;
}

function readProperty(sink: ReturnType<typeof newSink>, field: FieldName, node: DocNode | undefined, kind: ValueKind, source: string, template: Template): void {
  if (node) readResolvedField(sink, field, resolve(node, template, source), kind, source);
}

/** A container's `Environment`, each value as the stack would see it. */
function containerEnv(container: DocNode, template: Template): EnvMap {
  const env: EnvMap = new Map();
  for (const [name, written] of container.get("Environment")?.entries() ?? []) {
    const value = resolve(written, template, name);
    if ("reason" in value) env.set(name, { value: undefined, node: written });
    else env.set(name, { value: value.type === "scalar" && value.value !== null ? String(value.value) : undefined, node: value });
  }
  return env;
}

/** The `AWS::SageMaker::Model` a production variant's `ModelName` names. */
function modelOf(variant: DocNode, template: Template): Resource | UnresolvedValue {
  const written = variant.get("ModelName");
  if (!written) return { raw: "(not set)", node: variant.node, reason: "reference", source: "ModelName" };
  const byId = (id: string | undefined) => (id === undefined ? undefined : template.modelsById.get(id));
  const text = str(written);
  // `!GetAtt Model.ModelName`, `{"Fn::GetAtt": ["Model", "ModelName"]}`, `!Ref Model` (a model's Ref is its name),
  // or a literal name (or the same `!Sub` text) written on the model too.
  const found = byId(refName(written)) ?? byId(getAttResource(written)) ?? (text === undefined ? undefined : template.modelsByName.get(text));
  return found ?? { raw: str(written) ?? otherIntrinsic(written) ?? "(an expression)", node: written.node, reason: "reference", source: "ModelName" };
}

export function extractCloudFormation(document: DocNode, ctx: ExtractContext): Deployment[] | undefined {
  const template = readTemplate(document);
  if (!template) return undefined;
  const configs = template.resources.filter((resource) => resource.type === "AWS::SageMaker::EndpointConfig");
  if (configs.length === 0) return undefined;
  const deployments: Deployment[] = [];
  for (const config of configs) {
    const variants = config.properties?.get("ProductionVariants")?.items() ?? [];
    for (const variant of variants) {
      if (!variant.get("InstanceType")) continue; // serverless inference and inference components' own pools have no instance here
      template.assumptions.clear();
      const sink = newSink();
      readProperty(sink, "instanceType", variant.get("InstanceType"), "string", "InstanceType", template);
      const model = modelOf(variant, template);
      // A resource's `Metadata` holds suppressions where comments cannot go (strict JSON): `"vram.lint/ignore": "weights-fit: reason"`.
      const annotationHolders = [config, ...("reason" in model ? [] : [model])].flatMap(({ resource }) => {
        const metadata = resource.get("Metadata");
        return metadata?.type === "map" ? [virtualMap({ annotations: metadata }, resource.node)] : [];
      });
      if ("reason" in model) setUnresolved(sink, "model", model);
      else {
        const properties = model.properties;
        if (!properties) continue;
        const primary = properties.get("PrimaryContainer");
        const containers = [...(primary ? [primary] : []), ...(properties.get("Containers")?.items() ?? [])];
        const container = containers.find((item) => item.get("Environment")?.type === "map") ?? containers[0];
        if (!container) continue;
        const imageNode = container.get("Image");
        const image = imageNode ? resolve(imageNode, template, "Image") : undefined;
        const call = sagemakerContainerCall(image && !("reason" in image) ? str(image) : undefined, containerEnv(container, template), ctx.text);
        if (!call) continue;
        mergeFields(sink, call);
        if (!call.lmi) sink.fields.engine = { ...locate(imageNode ?? container, call.engine, "Image"), readonly: true };
      }
      for (const [field, located] of Object.entries(sink.fields)) {
        if (located && template.constrained.has(located.node)) sink.fields[field as FieldName] = { ...located, readonly: true } as never;
      }
      const assumptions = [...template.assumptions];
      deployments.push({
        format: "cloudformation",
        kind: config.type,
        // Variants of one config are told apart by their `VariantName`.
        name: variants.length > 1 && str(variant.get("VariantName")) ? `${config.id} ${str(variant.get("VariantName"))}` : config.id,
        fields: sink.fields,
        unresolved: sink.unresolved,
        anchor: variant.node,
        annotationHolders,
        ...(assumptions.length > 0 ? { assumptions } : {}),
      });
    }
  }
  return deployments;
}
