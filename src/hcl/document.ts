/**
 * A `.tf` file as the Terraform adapters read Terraform JSON: blocks become objects keyed by their
 * type and labels (`resource.aws_sagemaker_model.llm`, `module.endpoint`, `locals`), nested blocks
 * become objects (repeated ones lists), attributes their evaluated values. Nothing is evaluated
 * until an adapter asks for it.
 */
import type { AstNode, DocNode } from "../extract/doc.js";
import type { HCLBlock, HCLBodyItem } from "./ast.js";
import { blockLabels, type Evaluator } from "./evaluate.js";
import { LazyMapDoc, ListDoc, withKey } from "./values.js";

/** Attribute names whose values are Kubernetes node selectors (provider blocks and manifests). */
export const NODE_SELECTOR_KEYS = new Set(["node_selector", "nodeSelector"]);

function labelTree(blocks: HCLBlock[], level: number, evaluator: Evaluator): DocNode {
  const here = blocks.filter((block) => block.labels.length === level);
  const deeper = blocks.filter((block) => block.labels.length > level);
  if (deeper.length === 0) {
    const bodies = here.map((block) => bodyDoc(block.body, evaluator, block));
    return bodies.length === 1 ? bodies[0]! : new ListDoc(() => bodies, here[0]!, false);
  }
  const groups = new Map<string, HCLBlock[]>();
  const keyNodes = new Map<string, AstNode>();
  for (const block of deeper) {
    const label = blockLabels(block)?.[level];
    if (label === undefined) continue;
    if (!groups.has(label)) {
      groups.set(label, []);
      keyNodes.set(label, block.labels[level]!);
    }
    groups.get(label)!.push(block);
  }
  return new LazyMapDoc(() => [...groups].map(([label, members]) => [label, withKey(labelTree(members, level + 1, evaluator), keyNodes.get(label)!)]), deeper[0]!, false);
}

/** A body (a file, a block's contents) as a map of its attributes and nested blocks. */
export function bodyDoc(items: HCLBodyItem[], evaluator: Evaluator, node: AstNode): DocNode {
  return new LazyMapDoc(
    () => {
      const entries: Array<[string, DocNode]> = [];
      const blocks = new Map<string, HCLBlock[]>();
      for (const item of items) {
        if (item.type === "HCLAttribute") {
          const value = evaluator.evaluate(item.value);
          const placed = NODE_SELECTOR_KEYS.has(item.key.name) ? evaluator.module.placement(value) : value;
          entries.push([item.key.name, withKey(placed, item.key)]);
        } else {
          const name = item.blockType.name;
          if (!blocks.has(name)) blocks.set(name, []);
          blocks.get(name)!.push(item);
        }
      }
      for (const [name, members] of blocks) entries.push([name, withKey(labelTree(members, 0, evaluator), members[0]!.blockType)]);
      return entries;
    },
    node,
    false,
  );
}
