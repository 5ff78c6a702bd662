/**
 * Small pieces the serving-CRD adapters share (beside the field readers of `kit.ts`): tables of
 * field paths, locating a part of a scalar, model references with a storage scheme, and the GPUs of
 * several pod groups taken together.
 */
import { hubCacheModel } from "../catalog/names.js";
import { engineByName } from "../engines/index.js";
import type { AstNode, DocNode } from "./doc.js";
import { follow, str } from "./doc.js";
import { locate, readField, readScalar, type ValueKind } from "./kit.js";
import { claimedGpus, containerGpus } from "./pod.js";
import type { ExtractContext } from "./context.js";
import type { Deployment, FieldName, Located, LocatedFields, UnresolvedValue } from "./types.js";
import { trimTrailing } from "../text.js";

export type Unresolved = Partial<Record<FieldName, UnresolvedValue>>;

/** One row of a field table: where a CRD keeps a setting, relative to the object. */
export interface FieldPath {
  field: FieldName;
  path: readonly string[];
  kind: ValueKind;
}

/** Reads a table of field paths (the data-driven part of the CRD adapters). */
export function readFieldTable(root: DocNode, table: readonly FieldPath[], fields: LocatedFields, unresolved: Unresolved): void {
  for (const row of table) readField({ fields, unresolved }, row.field, follow(root, row.path), row.kind, row.path[row.path.length - 1]!);
}

/**
 * A model reference with a storage scheme: `hf://org/name` (kept as written: the catalog strips
 * the scheme and a fix keeps it), a bare repository id, or a storage location. A location whose
 * last part names a model by its size (`s3://bucket/Qwen/Qwen2.5-Coder-32B-Instruct`,
 * `pvc://models/llama-3-70b`) is looked up by that name, read-only (the catalog matches names
 * without their owner); one that does not (`pvc://cache`, `/data/`) cannot be named statically.
 */
export function modelReference(node: DocNode | undefined, source: string): { located?: Located<string>; unresolved?: UnresolvedValue } {
  const read = readScalar(node, "string", source);
  if (!read) return {};
  if ("reason" in read) return { unresolved: read };
  const value = String(read.value).trim();
  const { mirrors: _scalarMirrors, ...written } = read;
  const named = namedModel(value);
  if (named === "repository") return { located: { ...written, value } };
  if (named === "sized-name") return { located: { ...written, value, readonly: true } };
  return { unresolved: { raw: value, node: read.node, reason: "reference", source } };
}

/**
 * What a model reference names: a repository (`hf://`, `ollama://`, `owner/name`, a huggingface.co
 * URL), a folder or object whose name states a model's size (`s3://bucket/Qwen2.5-7B-Instruct`), or
 * nothing a catalog can read (other storage).
 */
export function namedModel(value: string): "repository" | "sized-name" | undefined {
  if (/^(hf|huggingface|ollama):\/\//i.test(value) || /^[\w.-]+\/[\w.-]+$/.test(value) || /^https?:\/\/(www\.)?huggingface\.co\//i.test(value)) return "repository";
  // A folder of the Hugging Face cache (`…/models--Qwen--Qwen3-8B/snapshots/<rev>`) names its repository.
  if (value.includes("models--") && hubCacheModel(value) !== value) return "repository";
  const last = trimTrailing(value, "/").split("/").pop() ?? "";
  // An image reference's tag is no part of the name (`oci://…/modelcar-gpt-oss-120b:1.5`), except in
  // a catalog image tagged by model (`oci://…/modelcar-catalog:llama-3.2-1b-instruct`).
  const colon = last.lastIndexOf(":");
  const repository = colon > 0 ? last.slice(0, colon) : last;
  const tag = colon > 0 ? last.slice(colon + 1) : "";
  return NAMED_BY_SIZE.test(repository) || NAMED_BY_SIZE.test(tag) ? "sized-name" : undefined;
}

/** A model name that states its size: `Qwen2.5-Coder-32B-Instruct`, `llama-3-70b`, `Qwen3-30B-A3B`, `phi-3-mini-4k`… */
const NAMED_BY_SIZE = /(^|[-_.])\d+(\.\d+)?[bmBM]([-_.]|$)|(^|[-_.])\d+x\d+[bB]([-_.]|$)/;

/** A Kubernetes apiVersion's group (`serving.kserve.io/v1beta1` → `serving.kserve.io`; `v1` → ``). */
export function apiGroup(object: DocNode): string {
  const apiVersion = str(object.get("apiVersion")) ?? "";
  const slash = apiVersion.lastIndexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

/** The object's metadata holders (for suppression annotations). */
export function holders(...nodes: Array<DocNode | undefined>): DocNode[] {
  return nodes.filter((node): node is DocNode => node !== undefined && node.type === "map");
}

/** A new deployment record for a CRD (fields filled by the caller). */
export function crdDeployment(format: string, kind: string, name: string | undefined, anchor: AstNode, fields: LocatedFields, unresolved: Unresolved, rest: Partial<Deployment> = {}): Deployment {
  return { format, kind, name, fields, unresolved, anchor, ...rest };
}

/** A pod group of a multi-pod layout (a Ray head or worker group, an LWS leader or worker). */
export interface PodGroup {
  podSpec: DocNode | undefined;
  /** Pods in the group (a Ray worker group's `replicas`); 1 for heads and leaders. */
  pods: number;
  /** Where the pod count is written, when it is. */
  podsNode?: DocNode;
}

/** GPUs each pod of a group asks for: the sum over its containers. */
export function podGpus(podSpec: DocNode | undefined, ctx?: ExtractContext): { count: number; located?: Located<number>; unresolved?: UnresolvedValue } {
  let count = 0;
  let located: Located<number> | undefined;
  for (const container of podSpec?.get("containers")?.items() ?? []) {
    let gpus = containerGpus(container);
    // GPUs claimed through Dynamic Resource Allocation, where the file holds the claim.
    const claimed = !gpus.located && !gpus.unresolved && ctx && podSpec ? claimedGpus(container, podSpec, ctx) : undefined;
    if (claimed) gpus = "value" in claimed.count ? { located: claimed.count } : { unresolved: claimed.count };
    if (gpus.unresolved) return { count: 0, unresolved: gpus.unresolved };
    if (gpus.located) {
      count += gpus.located.value;
      located ??= gpus.located;
    }
  }
  return located ? { count, located } : { count };
}

/**
 * The GPUs of several pod groups serving together, as `gpuCount` per pod and `nodes`: editable in
 * place when one template holds every GPU pod, read-only when several templates would have to
 * change together. Groups whose pods carry different GPU counts are summed into one read-only
 * `gpuCount`.
 */
export function groupGpus(groups: PodGroup[], fields: LocatedFields, unresolved: Unresolved, ctx?: ExtractContext): void {
  const withGpus: Array<PodGroup & { gpus: number; located: Located<number> }> = [];
  for (const group of groups) {
    const gpus = podGpus(group.podSpec, ctx);
    if (gpus.unresolved) {
      unresolved.gpuCount = gpus.unresolved;
      return;
    }
    if (gpus.located && gpus.count > 0 && group.pods > 0) withGpus.push({ ...group, gpus: gpus.count, located: gpus.located });
  }
  if (withGpus.length === 0) return;
  const first = withGpus[0]!;
  const pods = withGpus.reduce((sum, group) => sum + group.pods, 0);
  if (pods === 1) {
    fields.gpuCount = first.located;
    return;
  }
  if (withGpus.every((group) => group.gpus === first.gpus)) {
    // One template for every GPU pod: its count can be edited; two templates would have to change together.
    fields.gpuCount = withGpus.length === 1 && first.located.value === first.gpus ? first.located : { ...first.located, value: first.gpus, readonly: true };
    const podsNode = withGpus.length === 1 ? first.podsNode : undefined;
    fields.nodes = podsNode ? locate(podsNode, pods, "replicas", { readonly: true }) : { value: pods, node: first.located.node, source: "pods", readonly: true };
    return;
  }
  const total = withGpus.reduce((sum, group) => sum + group.gpus * group.pods, 0);
  fields.gpuCount = { ...first.located, value: total, readonly: true };
}

/** A pod count such as `replicas`, or 1 when absent; undefined when it is a template. */
export function podCount(node: DocNode | undefined, fallback = 1): number | undefined {
  if (!node) return fallback;
  const read = readScalar(node, "int", "replicas");
  if (!read) return fallback;
  return "reason" in read ? undefined : (read.value as number);
}

/** The engine a platform's `engine:` value names (KubeAI `VLLM`/`OLlama`, Ray `llm_engine: vLLM`). */
export const engineNamed = engineByName;

/**
 * Marks the placement fields read-only: when several pod templates (an LWS leader and workers, a
 * Ray head and worker groups) each carry the node selector, an edit to one alone would split them.
 */
export function freezePlacement(fields: LocatedFields): void {
  for (const field of ["gpuType", "gpuMemoryMiB", "instanceType"] as const) {
    const located = fields[field];
    if (located && !located.readonly) (fields as Record<string, unknown>)[field] = { ...located, readonly: true };
  }
}
