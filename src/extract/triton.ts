/**
 * Triton Inference Server's vLLM backend (triton-inference-server/vllm_backend): each model of the
 * model repository is a vLLM engine built from the `model.json` of its version folder, whose keys
 * are vLLM's engine arguments (src/model.py: `AsyncEngineArgs(**json.load(model.json))`).
 * `config.pbtxt` parameters are not engine arguments; the backend reads only `model.json`.
 *
 * Manifests write the file into a ConfigMap that the pod mounts (the Triton container itself, or an
 * init container that copies it into the repository). A Triton pod that mounts a ConfigMap of the
 * same file holding one `model.json` that names a model is read as that vLLM engine on the Triton
 * container's GPUs, unless the `config.pbtxt` it mounts names another backend. Several such files
 * mean several engines sharing the GPUs, said to be unchecked.
 */
import type { ExtractContext } from "./context.js";
import { type DocNode, parseEmbedded, str, UnreadableDocument } from "./doc.js";
import { readEngineConfig } from "./engine-config.js";
import { type FieldSink, mergeFields, setUnresolved } from "./kit.js";

/** What unsizedServer calls Triton (src/extract/engine-seam.ts). */
export const TRITON = "Triton Inference Server";

/** A vLLM backend's engine arguments found in a ConfigMap the pod mounts. */
interface EngineArgsFile {
  configMap: string;
  key: string;
  document: DocNode;
}

/** The files of the ConfigMaps the pod mounts (`volumes[].configMap`, and those of `projected` volumes). */
function mountedFiles(podSpec: DocNode, ctx: ExtractContext): Array<{ configMap: string; key: string; file: DocNode }> {
  const names = new Set<string>();
  for (const volume of podSpec.get("volumes")?.items() ?? []) {
    const direct = str(volume.get("configMap")?.get("name"));
    if (direct) names.add(direct);
    for (const source of volume.get("projected")?.get("sources")?.items() ?? []) {
      const projected = str(source.get("configMap")?.get("name"));
      if (projected) names.add(projected);
    }
  }
  return [...names].flatMap((configMap) => [...(ctx.configMaps.get(configMap) ?? [])].map(([key, file]) => ({ configMap, key, file })));
}

/** The `model.json` files (keys ending in `model.json`) that name a model. */
function engineArgsFiles(files: ReturnType<typeof mountedFiles>): EngineArgsFile[] {
  const found: EngineArgsFile[] = [];
  for (const { configMap, key, file } of files) {
    const text = str(file);
    if (!key.endsWith("model.json") || text === undefined || !text.includes("model")) continue;
    let document: DocNode | undefined;
    try {
      document = parseEmbedded(text, file.node)[0];
    } catch (error) {
      if (!(error instanceof UnreadableDocument)) throw error;
    }
    if (document?.type === "map" && document.get("model") !== undefined) found.push({ configMap, key, document });
  }
  return found;
}

/**
 * Whether the model configs mounted (`config.pbtxt`) leave the vLLM backend possible: none, or one
 * that names `backend: "vllm"`. A repository of another backend's models (a Python model of its
 * own that happens to read a model.json) is not this engine.
 */
function vllmBackendConfigs(files: ReturnType<typeof mountedFiles>): boolean {
  const configs = files.flatMap(({ key, file }) => (key.endsWith("config.pbtxt") && str(file) !== undefined ? [str(file)!] : []));
  return configs.length === 0 || configs.some((text) => /\bbackend\s*:\s*"vllm"/.test(text));
}

/**
 * The vLLM engine a Triton container runs, read into `sink` from the `model.json` its pod mounts;
 * false when the pod mounts none (the server stays found but unsized).
 */
export function readTritonVllmBackend(sink: FieldSink, podSpec: DocNode, ctx: ExtractContext, where: DocNode): boolean {
  const mounted = mountedFiles(podSpec, ctx);
  const files = engineArgsFiles(mounted);
  if (files.length === 0 || !vllmBackendConfigs(mounted)) return false;
  if (files.length > 1) {
    setUnresolved(sink, "engine", {
      raw: TRITON,
      node: where.node,
      reason: "unsupported",
      source: "image",
      // Each is an engine of its own on the same GPUs; the keys say which files they are.
      note: `It runs ${files.length} vLLM models on the same GPUs (${files.map((file) => file.key).join(", ")})`,
    });
    return true;
  }
  const [file] = files as [EngineArgsFile];
  const settings = readEngineConfig(file.document, "vllm", `${file.key}: `);
  mergeFields(sink, settings);
  sink.fields.engine = { value: "vllm", node: where.node, source: `${TRITON} vLLM backend (${file.configMap}/${file.key})`, readonly: true };
  return true;
}
