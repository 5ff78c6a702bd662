/**
 * Chart values that GitOps tools hand to Helm, read like a values file of the chart: Flux
 * `HelmRelease` (helm.toolkit.fluxcd.io) `spec.values`, and Argo CD `Application`
 * (argoproj.io) `spec.source.helm.valuesObject` or its `values` string (also under `spec.sources[]`),
 * with its `helm.parameters` set over them (read-only: the values are assembled, not written).
 * Values pulled from elsewhere (`valuesFrom`, `valueFiles`) are not in the file and not read: a
 * chart named for a serving engine given only those is found, and said to be unchecked.
 */
import { apiGroup } from "./crd-kit.js";
import type { DocNode } from "./doc.js";
import { embeddedDoc, parseEmbedded, str } from "./doc.js";
import { deepMerge, plain, setPath, setValue } from "./helm-set.js";
import { isRecord } from "../lookup.js";
import { engineFromImage } from "./engine-seam.js";
import { chartWithValuesElsewhere } from "./kit.js";
import type { Deployment } from "./types.js";

/** The values documents a GitOps object passes to a chart; undefined when it is not such an object. */
export function gitOpsChartValues(object: DocNode, kind: string): DocNode[] | undefined {
  const group = apiGroup(object);
  const spec = object.get("spec");
  if (kind === "HelmRelease" && group === "helm.toolkit.fluxcd.io") {
    const values = spec?.get("values");
    return values?.type === "map" ? [values] : [];
  }
  if (kind === "Application" && group === "argoproj.io") {
    const sources = [spec?.get("source"), ...(spec?.get("sources")?.items() ?? [])];
    return sources.flatMap((source) => {
      const helm = source?.get("helm");
      const object = helm?.get("valuesObject");
      const text = str(helm?.get("values"));
      const documents = object?.type === "map" ? [object] : text !== undefined && !/\{\{/.test(text) ? parseEmbedded(text, helm!.get("values")!.node).filter((document) => document.type === "map") : [];
      const parameters = helm?.get("parameters");
      if (parameters?.type !== "seq" || parameters.items().length === 0) return documents;
      // `parameters` (`--set name=value`) apply over the values, as Argo CD passes them to Helm.
      let merged: unknown = {};
      for (const document of documents) merged = deepMerge(merged, plain(document));
      if (!isRecord(merged)) return documents;
      for (const parameter of parameters.items()) {
        const name = str(parameter.get("name"));
        const value = str(parameter.get("value"));
        if (name && value !== undefined) setPath(merged, name, setValue(value, parameter.get("forceString")?.value === true ? "string" : undefined));
      }
      return [embeddedDoc(merged, parameters.node)];
    });
  }
  return undefined;
}

/**
 * A chart named for a serving engine (`chart: ollama`, `vllm-stack`) that a GitOps object installs
 * with its values in files or objects it only names: Argo CD's `helm.valueFiles`, Flux's `valuesFrom`.
 */
export function gitOpsValuesElsewhere(object: DocNode, kind: string): Deployment[] {
  const spec = object.get("spec");
  const name = str(object.get("metadata")?.get("name"));
  const found: Deployment[] = [];
  const add = (chart: DocNode | undefined, elsewhere: DocNode | undefined, file: string | undefined) => {
    const engine = engineFromImage(str(chart));
    if (chart && engine && elsewhere && file) found.push(chartWithValuesElsewhere(engine, chart, file, elsewhere.node, { format: "generic", kind, name }));
  };
  if (kind === "HelmRelease") {
    const from = spec?.get("valuesFrom")?.items()[0];
    add(spec?.get("chart")?.get("spec")?.get("chart"), from, from ? `${str(from.get("kind")) ?? "ConfigMap"} ${str(from.get("name")) ?? ""}`.trim() : undefined);
  } else {
    for (const source of [spec?.get("source"), ...(spec?.get("sources")?.items() ?? [])]) {
      const file = source?.get("helm")?.get("valueFiles")?.items()[0];
      // `$values/apps/ollama/values.yaml`: a file of the repository another source names.
      add(source?.get("chart"), file, str(file)?.replace(/^\$\w+\//, ""));
    }
  }
  return found;
}
