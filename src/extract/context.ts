import type { DocNode } from "./doc.js";
import { str } from "./doc.js";

/** What every adapter may look at besides its own document: the file's text and its other documents. */
export interface ExtractContext {
  /** The whole source text (token positions inside strings are found in it). */
  text: string;
  documents: DocNode[];
  /** ConfigMaps defined in the same file, by name → data entries (for `envFrom` and `configMapKeyRef`). */
  configMaps: Map<string, Map<string, DocNode>>;
  /**
   * Dynamic Resource Allocation claims defined in the same file, by `ResourceClaimTemplate/<name>`
   * or `ResourceClaim/<name>` → their `devices` (resource.k8s.io), for pods that claim GPUs by name.
   */
  resourceClaims: Map<string, DocNode>;
}

/** A class, not a literal with a getter of its own: one is made for every analysis, and a literal with an accessor costs several times as much. */
class FileContext implements ExtractContext {
  private sameFile: Map<string, Map<string, DocNode>> | undefined;
  private claims: Map<string, DocNode> | undefined;

  constructor(
    readonly text: string,
    readonly documents: DocNode[],
  ) {}

  /** Read on first use: most files have no container that reads a ConfigMap. */
  get configMaps(): Map<string, Map<string, DocNode>> {
    this.sameFile ??= sameFileConfigMaps(this.documents);
    return this.sameFile;
  }

  /** Read on first use: only containers that claim devices by name look. */
  get resourceClaims(): Map<string, DocNode> {
    this.claims ??= sameFileClaims(this.documents);
    return this.claims;
  }
}

function sameFileClaims(documents: DocNode[]): Map<string, DocNode> {
  const claims = new Map<string, DocNode>();
  for (const document of documents) {
    for (const object of kubernetesObjects(document)) {
      const kind = str(object.get("kind"));
      if (!/^resource\.k8s\.io\//.test(str(object.get("apiVersion")) ?? "") || (kind !== "ResourceClaimTemplate" && kind !== "ResourceClaim")) continue;
      const name = str(object.get("metadata")?.get("name"));
      // A template holds a claim spec in `spec.spec`; a claim is one.
      const devices = (kind === "ResourceClaimTemplate" ? object.get("spec")?.get("spec") : object.get("spec"))?.get("devices");
      if (name && devices) claims.set(`${kind}/${name}`, devices);
    }
  }
  return claims;
}

export function createContext(text: string, documents: DocNode[]): ExtractContext {
  return new FileContext(text, documents);
}

function sameFileConfigMaps(documents: DocNode[]): Map<string, Map<string, DocNode>> {
  const configMaps = new Map<string, Map<string, DocNode>>();
  for (const document of documents) {
    for (const object of kubernetesObjects(document)) {
      if (str(object.get("kind")) !== "ConfigMap") continue;
      const name = str(object.get("metadata")?.get("name"));
      if (name) configMaps.set(name, new Map(object.get("data")?.entries() ?? []));
    }
  }
  return configMaps;
}

/** A document's Kubernetes objects: the object itself, the items of a `kind: List`, or an OpenShift Template's objects. */
export function kubernetesObjects(document: DocNode): DocNode[] {
  if (document.type !== "map") return [];
  if (str(document.get("kind")) === "List") return document.get("items")?.items().filter((item) => item.type === "map") ?? [];
  // An OpenShift Template (template.openshift.io) holds the objects it creates in `objects`.
  if (str(document.get("kind")) === "Template" && /^template\.openshift\.io\//.test(str(document.get("apiVersion")) ?? "")) {
    return document.get("objects")?.items().filter((item) => item.type === "map") ?? [];
  }
  return str(document.get("apiVersion")) !== undefined && str(document.get("kind")) !== undefined ? [document] : [];
}
