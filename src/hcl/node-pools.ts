/**
 * Node pools declared in the module's folder give a deployment its GPU type when its node selector
 * points at them: a pod that selects `cloud.google.com/gke-nodepool = "l4-pool"` (or
 * `google_container_node_pool.l4.name`, or a label of the pool) lands on that pool's nodes, which
 * carry the labels GKE and EKS put on every node — `cloud.google.com/gke-accelerator` for the pool's
 * `guest_accelerator`, `node.kubernetes.io/instance-type` for its machine or instance type. The
 * selector is read with those labels added, so the Kubernetes adapters judge it unchanged. A selector
 * that matches pools of different GPUs, or a pool of several instance types, adds nothing.
 */
import type { AstNode, DocNode } from "../extract/doc.js";
import { str } from "../extract/doc.js";
import type { HCLBlock } from "./ast.js";
import { bodyDoc, NODE_SELECTOR_KEYS } from "./document.js";
import { blockLabels, type HclModule } from "./evaluate.js";
import { isUnknown, LazyMapDoc, ScalarDoc, UnknownDoc } from "./values.js";

export interface NodePool {
  /** `google_container_node_pool.l4`: how Terraform references it. */
  address: string;
  /** Labels its nodes carry: declared ones and those the cloud adds. */
  labels: Map<string, string>;
  /** The labels that say which GPU: accelerator type or instance type. */
  gpuLabels: Array<[string, string]>;
}

const GKE_POOL = "cloud.google.com/gke-nodepool";
const GKE_ACCELERATOR = "cloud.google.com/gke-accelerator";
const EKS_NODEGROUP = "eks.amazonaws.com/nodegroup";
const INSTANCE_TYPE = "node.kubernetes.io/instance-type";

function stringMap(node: DocNode | undefined): Map<string, string> {
  const result = new Map<string, string>();
  for (const [key, value] of node?.type === "map" ? node.entries() : []) {
    const text = isUnknown(value) ? undefined : str(value);
    if (text !== undefined) result.set(key, text);
  }
  return result;
}

function firstBlock(node: DocNode | undefined): DocNode | undefined {
  if (!node) return undefined;
  return node.type === "seq" ? node.items()[0] : node;
}

function gkePool(address: string, body: DocNode): NodePool | undefined {
  const config = firstBlock(body.get("node_config"));
  const labels = stringMap(config?.get("labels"));
  const name = str(body.get("name"));
  if (name && !isUnknown(body.get("name")!)) labels.set(GKE_POOL, name);
  const accelerators = config?.get("guest_accelerator");
  const types = new Set<string>();
  for (const accelerator of accelerators?.type === "seq" ? accelerators.items() : accelerators ? [accelerators] : []) {
    const type = accelerator.get("type");
    if (!type || isUnknown(type)) return undefined;
    const text = str(type);
    if (text) types.add(text.slice(text.lastIndexOf("/") + 1));
  }
  const gpuLabels: Array<[string, string]> = [];
  if (types.size === 1) gpuLabels.push([GKE_ACCELERATOR, [...types][0]!]);
  else if (types.size === 0) {
    // a2/a3/g2 machine types come with their GPUs attached.
    const machine = config?.get("machine_type");
    const text = machine && !isUnknown(machine) ? str(machine) : undefined;
    if (text) gpuLabels.push([INSTANCE_TYPE, text]);
  }
  for (const [key, value] of gpuLabels) labels.set(key, value);
  return { address, labels, gpuLabels };
}

function eksNodeGroup(address: string, body: DocNode): NodePool {
  const labels = stringMap(body.get("labels"));
  const name = body.get("node_group_name");
  if (name && !isUnknown(name) && str(name)) labels.set(EKS_NODEGROUP, str(name)!);
  const types = body.get("instance_types");
  const list = types?.type === "seq" ? types.items() : [];
  const gpuLabels: Array<[string, string]> = [];
  const only = list.length === 1 && !isUnknown(list[0]!) ? str(list[0]) : undefined;
  if (only) {
    gpuLabels.push([INSTANCE_TYPE, only]);
    labels.set(INSTANCE_TYPE, only);
  }
  return { address, labels, gpuLabels };
}

/** Every GKE node pool and EKS node group of the module (inline `node_pool` blocks of a GKE cluster too). */
export function collectNodePools(module: HclModule): NodePool[] {
  const pools: NodePool[] = [];
  for (const file of module.files) {
    const evaluator = module.evaluator(file);
    for (const item of file.program.body) {
      if (item.type !== "HCLBlock" || item.blockType.name !== "resource" || item.hasError) continue;
      const [type, name] = blockLabels(item) ?? [];
      if (!type || !name) continue;
      const address = `${type}.${name}`;
      if (type === "google_container_node_pool") {
        const pool = gkePool(address, bodyDoc(item.body, evaluator, item));
        if (pool) pools.push(pool);
      } else if (type === "aws_eks_node_group") {
        pools.push(eksNodeGroup(address, bodyDoc(item.body, evaluator, item)));
      } else if (type === "google_container_cluster") {
        for (const inner of item.body) {
          if (inner.type !== "HCLBlock" || inner.blockType.name !== "node_pool") continue;
          const pool = gkePool(`${address}.node_pool`, bodyDoc((inner as HCLBlock).body, evaluator, inner));
          if (pool) pools.push(pool);
        }
      }
    }
  }
  return pools;
}

/** What a selector entry says about a pool: matches, contradicts, or is not a label pools declare. */
function entryMatches(pool: NodePool, key: string, value: DocNode): boolean | undefined {
  if (value instanceof UnknownDoc) {
    // `google_container_node_pool.l4.name`, `aws_eks_node_group.gpu.node_group_name`
    const reference = /^([\w-]+\.[\w-]+)\.(?:name|node_group_name|id)$/.exec(value.raw);
    if (!reference || (key !== GKE_POOL && key !== EKS_NODEGROUP)) return undefined;
    return pool.address === reference[1];
  }
  const text = str(value);
  if (text === undefined || !pool.labels.has(key)) return undefined;
  return pool.labels.get(key) === text;
}

/** The selector with the GPU labels of the one kind of pool it selects added (reported on the selecting entry). */
export function withPoolLabels(selector: DocNode, pools: NodePool[]): DocNode {
  if (selector.type !== "map" || pools.length === 0) return selector;
  const entries = selector.entries();
  let matched: NodePool[] = [];
  let via: AstNode | undefined;
  for (const pool of pools) {
    let any = false;
    let contradicted = false;
    for (const [key, value] of entries) {
      const verdict = entryMatches(pool, key, value);
      if (verdict === false) contradicted = true;
      if (verdict === true) {
        any = true;
        via ??= value.node;
      }
    }
    if (any && !contradicted) matched.push(pool);
  }
  matched = matched.filter((pool) => pool.gpuLabels.length > 0);
  if (matched.length === 0 || !via) return selector;
  const signature = (pool: NodePool) => JSON.stringify(pool.gpuLabels);
  if (matched.some((pool) => signature(pool) !== signature(matched[0]!))) return selector;
  const implied = matched[0]!.gpuLabels.filter(([key]) => !selector.get(key));
  if (implied.length === 0) return selector;
  const node = via;
  return new LazyMapDoc(() => [...entries, ...implied.map(([key, value]): [string, DocNode] => [key, new ScalarDoc(value, node, true)])], selector.node, selector.embedded, selector.keyNode);
}

/** A document (YAML decoded from a heredoc) whose node selectors, at any depth, read with pool labels. */
export class PoolAwareDoc implements DocNode {
  readonly type: DocNode["type"];
  readonly value: DocNode["value"];
  readonly node: AstNode;
  readonly keyNode: AstNode | undefined;
  readonly embedded: boolean;

  constructor(
    private readonly inner: DocNode,
    private readonly place: (selector: DocNode) => DocNode,
  ) {
    this.type = inner.type;
    this.value = inner.value;
    this.node = inner.node;
    this.keyNode = inner.keyNode;
    this.embedded = inner.embedded;
  }

  private wrap(key: string | undefined, doc: DocNode): DocNode {
    if (key !== undefined && NODE_SELECTOR_KEYS.has(key)) return this.place(doc);
    return doc.type === "map" || doc.type === "seq" ? new PoolAwareDoc(doc, this.place) : doc;
  }

  get(key: string): DocNode | undefined {
    const found = this.inner.get(key);
    return found ? this.wrap(key, found) : undefined;
  }

  entries(): Array<[string, DocNode]> {
    return this.inner.entries().map(([key, value]) => [key, this.wrap(key, value)]);
  }

  items(): DocNode[] {
    return this.inner.items().map((item) => this.wrap(undefined, item));
  }
}
