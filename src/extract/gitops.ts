/**
 * Chart values that GitOps tools hand to Helm, read like a values file of the chart: Flux
 * `HelmRelease` (helm.toolkit.fluxcd.io) `spec.values`, and Argo CD `Application`
 * (argoproj.io) `spec.source.helm.valuesObject` or its `values` string (also under `spec.sources[]`).
 * Values pulled from elsewhere (`valuesFrom`, `valueFiles`) are not in the file and not read.
 */
import { apiGroup } from "./crd-kit.js";
import type { DocNode } from "./doc.js";
import { parseEmbedded, str } from "./doc.js";

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
      if (object?.type === "map") return [object];
      const text = str(helm?.get("values"));
      return text !== undefined && !/\{\{/.test(text) ? parseEmbedded(text, helm!.get("values")!.node).filter((document) => document.type === "map") : [];
    });
  }
  return undefined;
}
