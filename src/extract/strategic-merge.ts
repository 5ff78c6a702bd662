/**
 * A patch over a base, read as one document: Kubernetes' strategic merge as pod templates use it
 * (RoleBasedGroup `templateRef.patch` over a `roleTemplates` entry). Maps merge key by key; lists
 * of named entries (`containers`, `env`, `volumes`) merge by `name`; anything else in the patch
 * replaces the base (`command`, `args`, scalars). Values keep the node they were written at, so a
 * finding points at the base or the patch, wherever the deciding value is.
 */
import type { DocNode } from "./doc.js";
import { str } from "./doc.js";

/** `patch` merged over `base`; either alone when the other is absent. */
export function strategicMerge(base: DocNode | undefined, patch: DocNode | undefined): DocNode | undefined {
  if (!patch || patch.type === "null") return base;
  if (!base || base.type === "null") return patch;
  if (base.type === "map" && patch.type === "map") return new MergedDoc(base, patch);
  if (base.type === "seq" && patch.type === "seq" && namedEntries(base) && namedEntries(patch)) return new MergedDoc(base, patch);
  return patch;
}

/** Whether every item of a list is a map with a `name` (the merge key of the pod template's lists). */
function namedEntries(list: DocNode): boolean {
  return list.items().every((item) => item.type === "map" && str(item.get("name")) !== undefined);
}

class MergedDoc implements DocNode {
  readonly type: "map" | "seq";
  readonly value = undefined;
  private entryList: Array<[string, DocNode]> | undefined;
  private itemList: DocNode[] | undefined;

  constructor(
    private readonly base: DocNode,
    private readonly patch: DocNode,
  ) {
    this.type = base.type === "seq" ? "seq" : "map";
  }

  /** The patch's node: what a user edits to change the merged result. */
  get node(): DocNode["node"] {
    return this.patch.node;
  }

  get keyNode(): DocNode["keyNode"] {
    return this.patch.keyNode;
  }

  get embedded(): boolean {
    return this.base.embedded || this.patch.embedded;
  }

  get(key: string): DocNode | undefined {
    return this.type === "map" ? strategicMerge(this.base.get(key), this.patch.get(key)) : undefined;
  }

  entries(): Array<[string, DocNode]> {
    if (this.type !== "map") return [];
    if (!this.entryList) {
      const keys = [...new Set([...this.base.entries().map(([key]) => key), ...this.patch.entries().map(([key]) => key)])];
      this.entryList = keys.map((key) => [key, this.get(key)!]);
    }
    return this.entryList;
  }

  items(): DocNode[] {
    if (this.type !== "seq") return [];
    if (!this.itemList) {
      const patches = new Map(this.patch.items().map((item) => [str(item.get("name")), item]));
      const merged = this.base.items().map((item) => strategicMerge(item, patches.get(str(item.get("name"))))!);
      const baseNames = new Set(this.base.items().map((item) => str(item.get("name"))));
      this.itemList = [...merged, ...this.patch.items().filter((item) => !baseNames.has(str(item.get("name"))))];
    }
    return this.itemList;
  }
}
