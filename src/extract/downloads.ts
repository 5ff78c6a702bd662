/**
 * Models a pod downloads before it serves them from a local folder, so that `vllm serve /models/qwen`
 * is judged as the repository the folder holds:
 * - `huggingface-cli download <repo> --local-dir <dir>` (or `hf download`), in an init container or
 *   earlier in the serving container's own script;
 * - `snapshot_download(repo_id="<repo>", local_dir="<dir>")` in a `python -c` line;
 * - KServe's storage initializer: a container's `STORAGE_URI` lands in `/mnt/models` (kserve
 *   pkg/constants `DefaultModelLocalMountPath`), as do the two arguments of its init container image;
 * - Kthena's downloader image (`--source hf://<repo> --output-dir <dir>`);
 * - a script of the project's own named for fetching (`model-sync.sh <repo> <dir>`), given exactly
 *   one repository and one folder.
 * Only a download whose source names a Hugging Face repository (or a model by its size) is linked;
 * a bucket or a volume says nothing about the weights.
 */
import { namedModel } from "./crd-kit.js";
import type { ExtractContext } from "./context.js";
import type { DocNode } from "./doc.js";
import { str } from "./doc.js";
import { type EnvMap, plainEnv } from "./kit.js";
import { type ArgToken, commandTokens } from "./shell.js";
import type { Located } from "./types.js";
import { trimTrailing } from "../text.js";

/** Where KServe's storage initializer writes the model a `STORAGE_URI` names. */
const KSERVE_MOUNT = "/mnt/models";

/** huggingface-cli download options that take a value (huggingface_hub commands/download.py). */
const DOWNLOAD_VALUE_FLAGS = new Set(["--repo-type", "--revision", "--include", "--exclude", "--cache-dir", "--local-dir", "--token", "--max-workers"]);

const SNAPSHOT_DOWNLOAD = /snapshot_download\(\s*(?:repo_id\s*=\s*)?["']([^"']+)["'][^)]*?local_dir\s*=\s*["']([^"']+)["']/;

interface Download {
  directory: string;
  model: Located<string>;
}

/** A local folder as engines read it: no trailing slash, `./` kept. */
export function folder(path: string): string {
  return path.length > 1 ? trimTrailing(path, "/") || "/" : path;
}

/** Whether a model value is a folder of the pod rather than a repository name. */
export function isLocalFolder(value: string): boolean {
  return value.startsWith("/") || value.startsWith("./") || value.startsWith("~/");
}

/** The repository a download's source names, read-only at the token that wrote it. */
function downloadedModel(token: ArgToken | undefined, source: string): Located<string> | undefined {
  const value = token?.text.trim();
  if (!token || !value || value.includes("\u0000") || !namedModel(value)) return undefined;
  return { value, node: token.from.node, source, readonly: true };
}

function flagValueOf(tokens: ArgToken[], start: number, end: number, names: readonly string[]): ArgToken | undefined {
  for (let i = start; i < end; i++) {
    const text = tokens[i]!.text;
    for (const name of names) {
      if (text === name) return tokens[i + 1];
      if (text.startsWith(`${name}=`)) return { ...tokens[i]!, text: text.slice(name.length + 1) };
    }
  }
  return undefined;
}

/** Programs and scripts named for fetching a model: `model-sync.sh`, `download_model.py`, `fetch-weights`. */
const FETCHING_PROGRAM = /download|sync|fetch|pull/i;

/**
 * A download by a script of the project's own (`/bin/sh /scripts/model-sync.sh
 * lukealonso/MiniMax-M2.5-NVFP4 /model-cache`): a program named for fetching, given exactly one
 * repository and exactly one folder of the pod.
 */
function scriptDownload(command: ArgToken[]): Download | undefined {
  const program = command.findIndex((token) => FETCHING_PROGRAM.test(token.text.slice(token.text.lastIndexOf("/") + 1)));
  if (program < 0) return undefined;
  const operands = command.slice(program + 1).filter((token) => !token.text.startsWith("-"));
  const folders = operands.filter((token) => isLocalFolder(token.text));
  const repositories = operands.filter((token) => !isLocalFolder(token.text) && namedModel(token.text) === "repository");
  if (folders.length !== 1 || repositories.length !== 1) return undefined;
  const model = downloadedModel(repositories[0], command[program]!.text.slice(command[program]!.text.lastIndexOf("/") + 1));
  return model ? { directory: folder(folders[0]!.text), model } : undefined;
}

/** The downloads one command line makes. */
function commandDownloads(tokens: ArgToken[], image: string | undefined): Download[] {
  const downloads: Download[] = [];
  let end = 0;
  for (let start = 0; start < tokens.length; start = end + 1) {
    // One command of the line: up to the next shell operator (`&&`, `;`, `|`).
    end = start;
    while (end < tokens.length && !tokens[end]!.operator) end++;
    for (let i = start; i < end; i++) {
      const word = tokens[i]!.text;
      const program = word.slice(word.lastIndexOf("/") + 1);
      if ((program === "huggingface-cli" || program === "hf") && tokens[i + 1]?.text === "download") {
        let repo: ArgToken | undefined;
        for (let j = i + 2; j < end && !repo; j++) {
          const argument = tokens[j]!.text;
          if (DOWNLOAD_VALUE_FLAGS.has(argument)) j++;
          else if (!argument.startsWith("-")) repo = tokens[j];
        }
        const directory = flagValueOf(tokens, i + 2, end, ["--local-dir"]);
        const model = downloadedModel(repo, `${program} download`);
        if (directory && model) downloads.push({ directory: folder(directory.text), model });
      }
      const snapshot = SNAPSHOT_DOWNLOAD.exec(word);
      if (snapshot) {
        const model = downloadedModel({ ...tokens[i]!, text: snapshot[1]! }, "snapshot_download");
        if (model) downloads.push({ directory: folder(snapshot[2]!), model });
      }
    }
    const script = scriptDownload(tokens.slice(start, end));
    if (script) downloads.push(script);
    if (image && /(^|\/)downloader(:|$)/.test(image)) {
      const directory = flagValueOf(tokens, start, end, ["--output-dir"]);
      const model = downloadedModel(flagValueOf(tokens, start, end, ["--source"]), "--source");
      if (directory && model) downloads.push({ directory: folder(directory.text), model });
    }
    if (image && /(^|\/)storage-initializer(:|$)/.test(image) && end - start === 2) {
      const model = downloadedModel(tokens[start], "storage initializer");
      if (model) downloads.push({ directory: folder(tokens[start + 1]!.text), model });
    }
  }
  return downloads;
}

/** Every download the containers make, the storage URI KServe fetches for them included. */
function containerDownloads(containers: readonly DocNode[], ctx: ExtractContext, envOf: (container: DocNode) => EnvMap): Download[] {
  const downloads: Download[] = [];
  for (const container of containers) {
    const image = str(container.get("image"));
    const items = [...(container.get("command")?.items() ?? []), ...(container.get("args")?.items() ?? [])];
    const words = `${image ?? ""} ${items.map((item) => str(item) ?? "").join(" ")}`;
    const hasStorageUri = container.get("env")?.items().some((entry) => str(entry.get("name")) === "STORAGE_URI") ?? false;
    // Most containers download nothing: tell from the written words before expanding anything.
    if (!hasStorageUri && !/download|sync|fetch|pull|storage-initializer/i.test(words)) continue;
    const env = envOf(container);
    const storage = env.get("STORAGE_URI");
    if (storage?.value) {
      const model = downloadedModel({ text: storage.value, from: storage.node }, "STORAGE_URI");
      if (model) downloads.push({ directory: KSERVE_MOUNT, model });
    }
    if (items.length > 0) downloads.push(...commandDownloads(commandTokens(items, ctx.text, plainEnv(env)).tokens, image));
  }
  return downloads;
}

/**
 * The repository a local model folder was downloaded from, by the pod's init containers, its
 * containers or the serving container itself: undefined when nothing downloads into it, or when
 * two downloads disagree.
 */
export function downloadInto(
  path: string,
  container: DocNode,
  podSpec: DocNode | undefined,
  ctx: ExtractContext,
  envOf: (container: DocNode) => EnvMap,
): Located<string> | undefined {
  if (!isLocalFolder(path)) return undefined;
  // The serving container may not be in a list of the pod spec (a CRD's `mainContainer`): read it too.
  const containers = [...(podSpec?.get("initContainers")?.items() ?? []), ...(podSpec?.get("containers")?.items() ?? []), container];
  const wanted = folder(path);
  const matching = containerDownloads(containers, ctx, envOf).filter((download) => download.directory === wanted);
  const models = new Set(matching.map((download) => download.model.value));
  return models.size === 1 ? matching[0]!.model : undefined;
}
