/**
 * SkyPilot task YAML: `resources.accelerators` (`A100:8`, `{A100-80GB: 8}`, `{ A100-80GB:8 }`, the
 * any-of set `{H100:1, H200:1}`, a list), `resources.any_of`/`ordered` alternatives,
 * `resources.instance_type`, `num_nodes`, `envs`, and the engine command in the `run:` script.
 * One deployment per accelerator alternative, since SkyPilot may launch any of them. The script is
 * read with the variables SkyPilot sets (`SKYPILOT_NUM_GPUS_PER_NODE`, `SKYPILOT_NUM_NODES`) and the
 * task's `envs`, so `TP=$(($SKYPILOT_NUM_GPUS_PER_NODE * $SKYPILOT_NUM_NODES))` resolves per alternative.
 */
import type { ExtractContext } from "./context.js";
import type { AstNode, DocNode } from "./doc.js";
import { str } from "./doc.js";
import { shellTokens } from "./engine-seam.js";
import { locate, mergeFields, MODEL_ENV_NAMES, newSink, readField, scriptEngineCall, setLocated, setUnresolved, typeAndCount } from "./kit.js";
import { nimImageReader } from "./nim.js";
import { namedModel } from "./crd-kit.js";
import { printable } from "../text.js";
import type { Deployment, Located, UnresolvedValue } from "./types.js";
import { lookup } from "../lookup.js";
import { engineNamedInPath } from "../engines/index.js";

/** SkyPilot's names whose memory differs from the catalog's default reading (`sky show-gpus`: `A100` is the 40 GB part). */
const SKYPILOT_GPU_NAMES: Record<string, string> = {
  a100: "A100-40GB",
  v100: "V100-16GB",
};

interface Accelerator {
  /** As written, for the deployment name: `A100:8`. */
  label: string;
  gpuType?: Located<string>;
  gpuCount?: Located<number>;
  unresolved?: UnresolvedValue;
}

function isSkyPilotTask(document: DocNode): boolean {
  if (document.type !== "map") return false;
  const run = document.get("run");
  if (!run || (run.type !== "scalar" && run.type !== "null")) return false;
  return document.get("resources")?.type === "map" || document.get("num_nodes") !== undefined || document.get("envs") !== undefined || document.get("setup") !== undefined;
}

/** `A100:8` / `A100` as a scalar (a value, or a key of a flow mapping whose value is empty). */
function fromScalar(raw: string, astNode: AstNode, embedded: boolean, ctx: ExtractContext, countNode?: DocNode): Accelerator | undefined {
  const parsed = typeAndCount(raw, embedded ? undefined : astNode, ctx.text);
  if (!parsed) return { label: raw, unresolved: { raw, node: astNode, reason: /\$/.test(raw) ? "variable" : "invalid" } };
  const name = lookup(SKYPILOT_GPU_NAMES, parsed.type.toLowerCase()) ?? parsed.type;
  const at = (value: unknown, range: [number, number] | undefined): Located<never> =>
    ({ value, node: astNode, source: "accelerators", ...(range ? { range } : { readonly: true }) }) as Located<never>;
  const accelerator: Accelerator = { label: raw.trim(), gpuType: at(name, parsed.typeRange) };
  if (countNode) {
    const count = countNode.type === "scalar" ? Number(countNode.value) : NaN;
    if (Number.isInteger(count) && count > 0) accelerator.gpuCount = locate(countNode, count, "accelerators");
    else accelerator.unresolved = { raw: String(countNode.value), node: countNode.node, reason: "invalid" };
    accelerator.label = `${parsed.type}:${String(countNode.value)}`;
  } else if (parsed.count === undefined) {
    accelerator.gpuCount = { ...at(1, undefined), readonly: true };
  } else if (Number.isInteger(parsed.count) && parsed.count > 0) {
    accelerator.gpuCount = at(parsed.count, parsed.countRange);
  } else {
    // A fraction of a GPU (`A100:0.5`) shares it with other tasks: no budget to judge against.
    accelerator.unresolved = { raw, node: astNode, reason: "invalid" };
  }
  return accelerator;
}

/** Every alternative `resources.accelerators` allows. */
function accelerators(node: DocNode | undefined, ctx: ExtractContext): Accelerator[] {
  if (!node) return [];
  if (node.type === "scalar") {
    const raw = str(node);
    const one = raw === undefined ? undefined : fromScalar(raw, node.node, node.embedded, ctx);
    return one ? [one] : [];
  }
  if (node.type === "seq") return node.items().flatMap((item) => accelerators(item, ctx));
  if (node.type !== "map") return [];
  const ast = node.node;
  if (ast.type === "YAMLMapping") {
    // Read the AST: `{ A100-80GB:8 }` is a key with no value, which the document view skips.
    const result: Accelerator[] = [];
    for (const pair of ast.pairs) {
      if (pair.key?.type !== "YAMLScalar" || pair.key.value === null) continue;
      const raw = String(pair.key.value);
      const value = pair.value ? node.entries().find(([key]) => key === raw)?.[1] : undefined;
      const one = fromScalar(raw, pair.key, false, ctx, value && value.type !== "null" ? value : undefined);
      if (one) result.push(one);
    }
    return result;
  }
  return node.entries().flatMap(([key, value]) => {
    const one = fromScalar(key, value.keyNode ?? node.node, node.embedded, ctx, value.type === "null" ? undefined : value);
    return one ? [one] : [];
  });
}

interface Alternative {
  accelerator?: Accelerator;
  instanceType?: DocNode;
}

/** The alternatives of a `resources` section: its own accelerators, or those of `any_of`/`ordered` items. */
function alternatives(resources: DocNode | undefined, ctx: ExtractContext): Alternative[] {
  if (resources?.type !== "map") return [{}];
  const base = accelerators(resources.get("accelerators"), ctx);
  const baseInstance = resources.get("instance_type");
  const groups = [...(resources.get("any_of")?.items() ?? []), ...(resources.get("ordered")?.items() ?? [])].filter((item) => item.type === "map");
  const result: Alternative[] = [];
  const add = (list: Accelerator[], instanceType: DocNode | undefined) => {
    if (list.length === 0) result.push({ ...(instanceType ? { instanceType } : {}) });
    for (const accelerator of list) result.push({ accelerator, ...(instanceType ? { instanceType } : {}) });
  };
  if (groups.length === 0) add(base, baseInstance);
  for (const group of groups) {
    const own = accelerators(group.get("accelerators"), ctx);
    add(own.length > 0 ? own : base, group.get("instance_type") ?? baseInstance);
  }
  // `any_of: [{use_spot: true}, {use_spot: false}]` repeats the same hardware.
  const seen = new Set<string>();
  return result.filter((alternative) => {
    const key = `${alternative.accelerator?.label ?? ""}|${str(alternative.instanceType) ?? ""}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The variables a script refers to (`$NAME`, `${NAME…}`), in one linear pass: `envs` keys are file
 * text, so they are looked up in this set, never built into a pattern.
 */
function variablesIn(script: string): Set<string> {
  const names = new Set<string>();
  for (const match of script.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(match[1]!);
  return names;
}

/**
 * A task on GPUs whose `envs` name a model but whose `run` starts no engine this file shows
 * (`run: bash scripts/serve.sh`): found, with the model and GPUs, and said to be unchecked.
 */
function scriptElsewhere(document: DocNode, run: DocNode, alternative: Alternative): Deployment | undefined {
  const accelerator = alternative.accelerator;
  if (!accelerator?.gpuCount && !accelerator?.unresolved) return undefined;
  const envs = document.get("envs");
  const named = MODEL_ENV_NAMES.map((name) => envs?.get(name)).find((value) => value?.type === "scalar" && namedModel(String(value.value)) !== undefined);
  if (!named) return undefined;
  const sink = newSink();
  readField(sink, "model", named, "string", `envs.${MODEL_ENV_NAMES.find((name) => envs?.get(name) === named)!}`);
  if (accelerator.gpuType) setLocated(sink, "gpuType", accelerator.gpuType);
  if (accelerator.gpuCount) setLocated(sink, "gpuCount", accelerator.gpuCount);
  const script = printable(str(run) ?? "", 60);
  const engine = engineNamedInPath(str(run) ?? "");
  setUnresolved(sink, "engine", { raw: script, node: run.node, reason: "unsupported", source: "run", note: `Its run script (${script}) starts no engine this file shows`, unseenLaunch: engine ? { engine } : {} });
  return { format: "skypilot", kind: "SkyPilot task", name: str(document.get("name")), fields: sink.fields, unresolved: sink.unresolved, anchor: (document.get("resources") ?? run).node };
}

export function extractSkyPilot(document: DocNode, ctx: ExtractContext): Deployment[] | undefined {
  if (!isSkyPilotTask(document)) return undefined;
  const run = document.get("run")!;
  if (str(run) === undefined) return [];
  const numNodes = document.get("num_nodes");
  const nodesSink = newSink();
  readField(nodesSink, "nodes", numNodes, "int", "num_nodes");
  const nodes = nodesSink.fields.nodes?.value ?? 1;
  const envsNode = document.get("envs");
  const envs = new Map<string, string | undefined>();
  for (const [name, value] of envsNode?.entries() ?? []) envs.set(name, value.type === "scalar" ? String(value.value) : undefined);

  const referenced = variablesIn(str(run) ?? "");
  const options = alternatives(document.get("resources"), ctx);
  const deployments: Deployment[] = [];
  for (const alternative of options) {
    const count = alternative.accelerator?.gpuCount?.value;
    const env = new Map(envs);
    if (count !== undefined) env.set("SKYPILOT_NUM_GPUS_PER_NODE", String(count));
    env.set("SKYPILOT_NUM_NODES", String(nodes));
    const script = scriptEngineCall(shellTokens(run, ctx.text, env), nimImageReader(ctx));
    if (!script) {
      const unseen = scriptElsewhere(document, run, alternative);
      if (unseen) deployments.push(unseen);
      continue;
    }
    const sink = newSink();
    mergeFields(sink, script.call);
    sink.fields.engine = locate(run, script.call.engine, "run");
    for (const [field, located] of Object.entries(sink.fields)) {
      // `vllm serve $MODEL_NAME`: point at `envs.MODEL_NAME`, where the value can be edited.
      if (!located || !located.readonly || located.node !== run.node || located.range) continue;
      const source = [...(envsNode?.entries() ?? [])].filter(
        ([name, value]) => value.type === "scalar" && String(value.value) === String(located.value) && referenced.has(name),
      );
      if (source.length === 1) setLocated(sink, field as never, { ...locate(source[0]![1], located.value, `envs.${source[0]![0]}`) });
    }
    const accelerator = alternative.accelerator;
    const shared = options.length > 1;
    if (shared) {
      // The run script and the other alternatives are shared: an edit made for this one must not
      // break the others (`H100` written over `L40S` in `{L40S:1, H100:1}` duplicates a key).
      for (const [field, located] of Object.entries(sink.fields)) {
        if (located && located.node === run.node) (sink.fields as Record<string, unknown>)[field] = { ...located, readonly: true };
      }
    }
    if (accelerator?.gpuType) setLocated(sink, "gpuType", shared ? { ...accelerator.gpuType, readonly: true } : accelerator.gpuType);
    if (accelerator?.gpuCount) setLocated(sink, "gpuCount", accelerator.gpuCount);
    if (accelerator?.unresolved) sink.unresolved.gpuCount = accelerator.unresolved;
    if (alternative.instanceType) readField(sink, "instanceType", alternative.instanceType, "string", "instance_type");
    if (nodesSink.fields.nodes) setLocated(sink, "nodes", nodesSink.fields.nodes);
    else if (nodesSink.unresolved.nodes) sink.unresolved.nodes = nodesSink.unresolved.nodes;
    const name = str(document.get("name"));
    deployments.push({
      format: "skypilot",
      kind: "SkyPilot task",
      name: options.length > 1 && accelerator ? `${name ? `${name} ` : ""}[${accelerator.label}]` : name,
      fields: sink.fields,
      unresolved: sink.unresolved,
      anchor: (document.get("resources") ?? run).node,
      ...(script.call.args && !shared ? { args: script.call.args } : {}),
    });
  }
  return deployments;
}
