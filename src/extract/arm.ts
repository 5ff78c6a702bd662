/**
 * Azure Resource Manager templates (JSON; Bicep compiles to them) that deploy an Azure Machine
 * Learning online deployment: each `Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments`
 * resource is one deployment, on the VM size its `properties.instanceType` names (some templates
 * write it as `sku.name`), serving the model its `properties.model` names (an
 * `azureml://registries/<registry>/models/<name>/versions/<n>` reference, as Azure ML's model
 * catalog deploys them) — the same deployment `az ml online-deployment create -f deploy.yml` makes
 * from YAML.
 *
 * Values may be template expressions (ARM template reference, "Template functions"):
 * `[parameters('name')]` is read as the parameter's `defaultValue`, and the finding says so, since a
 * deployment may pass another value; `[variables('name')]` as the variable when it is a plain value.
 * Any other expression is a value known only when the template is deployed.
 */
import type { ExtractContext } from "./context.js";
import type { AstNode, DocNode } from "./doc.js";
import { str } from "./doc.js";
import { newSink, readResolvedField, setUnresolved, type ValueKind } from "./kit.js";
import type { Deployment, FieldName, UnresolvedValue } from "./types.js";

const ONLINE_DEPLOYMENT = /^microsoft\.machinelearningservices\/workspaces\/onlineendpoints\/deployments$/i;

/** An ARM template: the deploymentTemplate `$schema`, or `resources` of `Microsoft.` types. */
interface Template {
  parameters: DocNode | undefined;
  variables: DocNode | undefined;
  assumptions: Set<string>;
  /** Parameter defaults with `allowedValues`: a new default outside the list would be refused, so they are not edited. */
  constrained: Set<AstNode>;
}

/** Every resource of the template, child resources (`resources` of a resource) included. */
function resourcesOf(list: DocNode | undefined, depth = 0): DocNode[] {
  if (list?.type !== "seq" || depth > 4) return [];
  return list.items().flatMap((resource) => (resource.type === "map" ? [resource, ...resourcesOf(resource.get("resources"), depth + 1)] : []));
}

/** `[parameters('x')]` / `[variables('x')]`: the function and the name; undefined for other text. */
function reference(text: string): { kind: "parameters" | "variables"; name: string } | undefined {
  const match = /^\[\s*(parameters|variables)\(\s*'([^']*)'\s*\)\s*\]$/i.exec(text.trim());
  return match ? { kind: match[1]!.toLowerCase() as "parameters" | "variables", name: match[2]! } : undefined;
}

/** A template expression (`[concat(…)]`); `[[` escapes a literal bracket. */
function isExpression(text: string): boolean {
  return text.startsWith("[") && !text.startsWith("[[") && text.endsWith("]");
}

/** The value a property holds when the template is deployed with its defaults, or why it is not known. */
function resolve(node: DocNode, template: Template, source: string): DocNode | UnresolvedValue {
  const text = str(node);
  if (text === undefined || !isExpression(text)) return node;
  const ref = reference(text);
  if (ref?.kind === "parameters") {
    const parameter = template.parameters?.get(ref.name);
    const fallback = parameter?.get("defaultValue");
    if (!parameter) return { raw: text, node: node.node, reason: "reference", source };
    if (fallback?.type !== "scalar" || str(fallback) === "" || isExpression(str(fallback) ?? "")) return { raw: text, node: node.node, reason: "variable", source };
    template.assumptions.add(`${ref.name} at its default (${str(fallback)})`);
    if (parameter.get("allowedValues")) template.constrained.add(fallback.node);
    return fallback;
  }
  if (ref?.kind === "variables") {
    const variable = template.variables?.get(ref.name);
    if (variable?.type === "scalar" && !isExpression(str(variable) ?? "")) return variable;
  }
  return { raw: text, node: node.node, reason: "variable", source };
}

function readProperty(sink: ReturnType<typeof newSink>, field: FieldName, node: DocNode | undefined, kind: ValueKind, source: string, template: Template): void {
  if (node) readResolvedField(sink, field, resolve(node, template, source), kind, source);
}

export function extractArmTemplate(document: DocNode, ctx: ExtractContext): Deployment[] | undefined {
  void ctx;
  const resources = resourcesOf(document.get("resources"));
  const deployments = resources.filter((resource) => ONLINE_DEPLOYMENT.test(str(resource.get("type")) ?? ""));
  if (deployments.length === 0) return undefined;
  const template: Template = { parameters: document.get("parameters"), variables: document.get("variables"), assumptions: new Set(), constrained: new Set() };
  return deployments.map((resource) => {
    template.assumptions.clear();
    const sink = newSink();
    const properties = resource.get("properties");
    const sku = resource.get("sku");
    // A managed deployment's VM size; some templates write it as the SKU's name.
    const skuName = sku?.get("name");
    const instance = properties?.get("instanceType") ?? (/^\s*(Standard_|\[)/i.test(str(skuName) ?? "") ? skuName : undefined);
    readProperty(sink, "instanceType", instance, "string", instance === skuName ? "sku.name" : "instanceType", template);
    const model = properties?.get("model");
    if (model) readProperty(sink, "model", model, "string", "model", template);
    else setUnresolved(sink, "model", { raw: "(not set)", node: (properties ?? resource).node, reason: "reference", source: "model" });
    for (const [field, located] of Object.entries(sink.fields)) {
      if (located && template.constrained.has(located.node)) sink.fields[field as FieldName] = { ...located, readonly: true } as never;
    }
    const assumptions = [...template.assumptions];
    return {
      format: "arm",
      kind: "Azure ML online deployment",
      // A name built by an expression (`[concat(parameters('workspace'), '/', …)]`) is shown as nothing rather than as code.
      name: ((name) => (name === undefined || isExpression(name) ? undefined : name))(str(resource.get("name"))),
      fields: sink.fields,
      unresolved: sink.unresolved,
      anchor: resource.node,
      ...(assumptions.length > 0 ? { assumptions } : {}),
    };
  });
}
