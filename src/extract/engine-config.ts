/**
 * Engine config documents: the YAML an engine is told to read (`--config FILE`, TensorRT-LLM
 * `--extra_llm_api_options FILE`, Dynamo `--extra-engine-args FILE`), read with the engine's own
 * table of settings (src/engines, `configFields`):
 * - mounted into a pod from a ConfigMap of the same file, it is merged into the container's
 *   deployment (TensorRT-LLM lets the file override the flags; vLLM lets flags override the file);
 * - standing alone (a TensorRT-LLM LLM API YAML: `kv_cache_config.free_gpu_memory_fraction`,
 *   `max_num_tokens`, `enable_attention_dp`…), it is a deployment when it names a model.
 */
import { configFieldsOf, type Engine, ENGINE_IDS, engineById, parseFlagValue } from "../engines/index.js";
import type { ExtractContext } from "./context.js";
import type { DocNode } from "./doc.js";
import { parseEmbedded, str } from "./doc.js";
import type { EngineCall } from "./engine-seam.js";
import { type FieldSink, mergeFields, newSink, readScalar, setLocated, setUnresolved } from "./kit.js";
import type { Deployment } from "./types.js";
import { trimTrailing } from "../text.js";

const trimTrailingSlashes = (path: string | undefined) => (path === undefined ? undefined : trimTrailing(path, "/"));

function keyOf(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, "");
}

/** The child of a mapping whose key reads as `key` (`max_num_tokens`, `max-num-tokens`, `maxNumTokens`). */
function child(node: DocNode | undefined, key: string): DocNode | undefined {
  if (node?.type !== "map") return undefined;
  const wanted = keyOf(key);
  return node.entries().find(([name]) => keyOf(name) === wanted)?.[1];
}

/** The settings an engine config document holds, read with the engine's table. */
export function readEngineConfig(document: DocNode, engine: Engine, sourcePrefix = ""): FieldSink {
  const sink = newSink();
  for (const spec of configFieldsOf(engine)) {
    let node: DocNode | undefined = document;
    for (const key of spec.path) node = child(node, key);
    const source = `${sourcePrefix}${spec.path.join(".")}`;
    const read = readScalar(node, "string", source);
    if (!read) continue;
    if ("reason" in read) {
      setUnresolved(sink, spec.field, read);
      continue;
    }
    // The value as the engine's flag of that kind reads it (`moe_expert_parallel_size: 4` enables expert parallelism).
    const value = parseFlagValue(spec.kind, String(read.value));
    if (value === undefined) setUnresolved(sink, spec.field, { raw: String(read.value), node: read.node, reason: "invalid" });
    else setLocated(sink, spec.field, { ...read, value });
  }
  return sink;
}

/**
 * The ConfigMap value a path inside the container names, through its `volumeMounts` and the pod's
 * `volumes` (`configMap.name`, `items` that rename keys, `subPath` mounts of one key).
 */
export function mountedConfigMapFile(path: string, container: DocNode, podSpec: DocNode, ctx: ExtractContext): DocNode | undefined {
  for (const mount of container.get("volumeMounts")?.items() ?? []) {
    const mountPath = trimTrailingSlashes(str(mount.get("mountPath")));
    const volumeName = str(mount.get("name"));
    if (!mountPath || !volumeName) continue;
    const subPath = str(mount.get("subPath"));
    let relative: string | undefined;
    if (subPath !== undefined) relative = path === mountPath ? subPath : undefined;
    else if (path.startsWith(`${mountPath}/`)) relative = path.slice(mountPath.length + 1);
    if (relative === undefined) continue;
    const volume = podSpec.get("volumes")?.items().find((item) => str(item.get("name")) === volumeName);
    const configMap = volume?.get("configMap");
    const data = ctx.configMaps.get(str(configMap?.get("name")) ?? "");
    if (!data) continue;
    const items = configMap?.get("items")?.items() ?? [];
    const key = items.length > 0 ? str(items.find((item) => str(item.get("path")) === relative)?.get("key")) : relative;
    const file = key === undefined ? undefined : data.get(key);
    if (file) return file;
  }
  return undefined;
}

/**
 * Merges the config file a container's engine is told to read into its call, when the file is a
 * ConfigMap mounted into the pod from the same manifest. Fields the file sets are read-only there
 * (they are written inside a string).
 */
export function applyMountedConfig(call: EngineCall, container: DocNode, podSpec: DocNode, ctx: ExtractContext): void {
  const path = call.configFile?.value;
  if (!path) return;
  const file = mountedConfigMapFile(path, container, podSpec, ctx);
  const text = str(file);
  if (!file || text === undefined) return;
  const document = parseEmbedded(text, file.node)[0];
  if (!document || document.type !== "map") return;
  const settings = readEngineConfig(document, call.engine, `${path}: `);
  // TensorRT-LLM's file overrides its flags; elsewhere the command line wins and the file fills the rest.
  mergeFields(call, settings, engineById(call.engine).configOverridesFlags ? "override" : "fill");
}

/**
 * A standalone engine config document (TensorRT-LLM `--config` / `extra_llm_api_options` YAML),
 * recognised by keys only that engine's documents have (`configDocumentKeys`), when it names its model.
 */
export function extractEngineConfigDocument(document: DocNode, ctx: ExtractContext): Deployment[] | undefined {
  void ctx;
  if (document.type !== "map") return undefined;
  const engine = ENGINE_IDS.find((id) => engineById(id).configDocumentKeys?.some((key) => child(document, key) !== undefined));
  if (!engine) return undefined;
  const sink = readEngineConfig(document, engine);
  // Without a model the file is one half of a deployment (the command names the model): nothing to judge here.
  if (!sink.fields.model && !sink.unresolved.model) return [];
  const kind = `${engineById(engine).displayName} config`;
  sink.fields.engine = { value: engine, node: document.node, source: kind, readonly: true };
  return [
    {
      format: "engine-config",
      kind,
      name: undefined,
      fields: sink.fields,
      unresolved: sink.unresolved,
      anchor: document.node,
      ...(document.embedded ? {} : { args: { kind: "map", node: document, keyStyle: "snake" } }),
    },
  ];
}
