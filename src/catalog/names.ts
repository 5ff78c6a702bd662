/**
 * Normalisation of the names people write, shared by the index builder and the lookups so both
 * sides of every comparison are spelled the same way.
 *
 * Everything here runs in time linear in the name's length whatever it contains (a name can be a
 * 300 KB string pasted into a manifest): single passes over the characters, no regular expression
 * built from input and no pattern whose quantifiers can backtrack over it.
 */
import { trimTrailing } from "../text.js";

const GPU_VENDOR_WORDS = ["nvidia-", "tesla-", "geforce-", "amd-", "instinct-", "radeon-"];

function isLowerAlnum(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57);
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isLetter(code: number): boolean {
  return code >= 97 && code <= 122;
}

/**
 * `NVIDIA A100-SXM4-80GB`, `nvidia_a100_sxm4_80gb` and `A100 SXM4 80GB` all become `a100-sxm4-80gb`.
 * Vendor words are dropped only at the start, so `nvidia-gpu-l4` (a KubeAI profile) keeps its shape
 * apart from the leading `nvidia-`.
 */
export function normalizeGpuName(name: string): string {
  const lower = name.toLowerCase();
  let key = "";
  let pendingDash = false;
  for (let i = 0; i < lower.length; i++) {
    const code = lower.charCodeAt(i);
    if (isLowerAlnum(code) || code === 46 /* . */) {
      if (pendingDash && key.length > 0) key += "-";
      pendingDash = false;
      key += lower[i];
    } else if (code === 45 /* - */ || code === 95 /* _ */ || code === 32 || code === 9 || code === 10 || code === 13) {
      pendingDash = true;
    }
    // Anything else is dropped, as before: `RTX™ 4090` → `rtx-4090`.
  }
  let stripped = true;
  while (stripped) {
    stripped = false;
    for (const word of GPU_VENDOR_WORDS) {
      if (key.startsWith(word)) {
        key = key.slice(word.length);
        stripped = true;
      }
    }
  }
  return key;
}

/** Tokens of a normalised GPU name (`a100-sxm4-80gb` → `a100`, `sxm4`, `80gb`), for fuzzy matching. */
export function gpuNameTokens(normalized: string): string[] {
  return normalized.split(/[-.]/).filter((token) => token.length > 0);
}

/**
 * Wrappers around a model reference: Hugging Face URIs, and LiteLLM's provider prefixes for a server
 * of one's own (`ollama/llama3.3:70b`, `ollama_chat/…`, `hosted_vllm/Qwen/Qwen3-8B`; docs.litellm.ai "Providers").
 */
const URI_PREFIXES = ["hf://", "huggingface://", "https://huggingface.co/", "http://huggingface.co/", "https://www.huggingface.co/", "http://www.huggingface.co/", "ollama/", "ollama_chat/", "hosted_vllm/"];
const REPO_FILE_PATHS = ["/tree/", "/blob/", "/resolve/"];
const LITELLM_HUGGINGFACE = "huggingface/";

/**
 * A folder of the Hugging Face cache (`…/hub/models--nvidia--NVIDIA-Nemotron-3-Nano-30B-A3B-NVFP4/snapshots/<rev>`)
 * holds the repository its name spells (huggingface_hub: `models--{owner}--{name}`); a Windows path
 * is read with `/` (`F:\\models\\gpt-oss-20b-MXFP4.gguf`).
 */
export function hubCacheModel(written: string): string {
  const path = written.includes("\\") ? written.replaceAll("\\", "/") : written;
  const at = path.lastIndexOf("/models--");
  const start = at >= 0 ? at + "/models--".length : path.startsWith("models--") ? "models--".length : -1;
  if (start < 0) return ownerFolder(path) ?? path;
  const end = path.indexOf("/", start);
  const folder = end >= 0 ? path.slice(start, end) : path.slice(start);
  const rest = end >= 0 ? path.slice(end) : "";
  const separator = folder.indexOf("--");
  // Only the cache's own layout: the folder, then nothing or its `snapshots/<revision>`.
  if (separator <= 0 || separator + 2 >= folder.length || !/^(\/snapshots(\/[^/]+)?)?\/?$/.test(rest)) return path;
  return `${folder.slice(0, separator)}/${folder.slice(separator + 2)}`;
}

/**
 * A folder named `<owner>--<name>` (`/models/BAAI--bge-m3`, `/data/Qwen--Qwen2.5-7B-Instruct/`): the
 * repository spelled the way the Hugging Face cache spells it, without its `models--` prefix, as
 * download scripts name their target folders.
 */
function ownerFolder(path: string): string | undefined {
  // A folder on disk only (`/models/…`, `./…`, `~/…`, `C:/…`): `local/<owner>--<name>` is a catalog id.
  if (!/^(?:\/|\.{1,2}\/|~|[A-Za-z]:\/)/.test(path)) return undefined;
  const trimmed = trimTrailing(path, "/");
  const folder = trimmed.slice(trimmed.lastIndexOf("/") + 1);
  const separator = folder.indexOf("--");
  if (separator <= 0 || folder.indexOf("--", separator + 2) >= 0 || !/^[A-Za-z0-9][\w.-]*$/.test(folder)) return undefined;
  const [owner, name] = [folder.slice(0, separator), folder.slice(separator + 2)];
  return /^[A-Za-z0-9]/.test(name) && !owner.endsWith("-") ? `${owner}/${name}` : undefined;
}

/**
 * Strips the wrappers around a model reference: `hf://`, `huggingface.co/` URLs (and the file path
 * after `/tree/…`, `/blob/…`, except a GGUF file's name, which says its quantization), a trailing `/`, a revision (`@main`; `:rev` is left alone because
 * Ollama tags use it). Case is kept for display.
 */
/**
 * A catalog of modelcar images tagged by model (`oci://quay.io/redhat-ai-services/modelcar-catalog:granite-3.1-8b-instruct`,
 * KServe's OCI model storage): the tag is the model's name. Any other image keeps its repository's
 * name, and its tag is a release (`oci://…/modelcar-granite-3-1-8b-instruct:1.4`).
 */
function modelcarModel(written: string): string {
  if (!written.toLowerCase().startsWith("oci://")) return written;
  const last = written.slice(written.lastIndexOf("/") + 1);
  const colon = last.lastIndexOf(":");
  if (colon > 0 && /catalog$/i.test(last.slice(0, colon)) && /[a-z]/i.test(last.slice(colon + 1))) return last.slice(colon + 1);
  return written;
}

export function stripModelUri(written: string): string {
  let name = modelcarModel(hubCacheModel(azureMlModel(written.trim())));
  const lower = name.toLowerCase();
  for (const prefix of URI_PREFIXES) {
    if (lower.startsWith(prefix)) {
      name = name.slice(prefix.length);
      break;
    }
  }
  // LiteLLM's `huggingface/` provider before a repository (`huggingface/intfloat/multilingual-e5-small`);
  // `huggingface/CodeBERTa-small-v1` alone is a repository of the huggingface organisation.
  if (name.toLowerCase().startsWith(LITELLM_HUGGINGFACE) && name.indexOf("/", LITELLM_HUGGINGFACE.length) > LITELLM_HUGGINGFACE.length) name = name.slice(LITELLM_HUGGINGFACE.length);
  const lowerName = name.toLowerCase();
  let cut = name.length;
  let marker = "";
  for (const candidate of REPO_FILE_PATHS) {
    const at = lowerName.indexOf(candidate);
    if (at >= 0 && at < cut) [cut, marker] = [at, candidate];
  }
  // A GGUF file of the repository (`…/resolve/main/Model-Q8_0.gguf`) is the weights served: its
  // quantization decides, so it stays as `owner/repo/file.gguf`.
  const path = cut < name.length && marker !== "/tree/" ? name.slice(cut) : "";
  const query = path.indexOf("?");
  const file = (query >= 0 ? path.slice(0, query) : path).slice(path.lastIndexOf("/", query >= 0 ? query : path.length) + 1);
  name = name.slice(0, cut) + (file.toLowerCase().endsWith(".gguf") ? `/${file}` : "");
  // `@revision`: word characters, dots and dashes after the last `@`.
  const at = name.lastIndexOf("@");
  if (at >= 0 && at < name.length - 1 && isRevision(name, at + 1)) name = name.slice(0, at);
  // ModelScope's cache writes a `.` of the repository's name as `___` (`~/.cache/modelscope/hub/Qwen/Qwen2___5-7B-Instruct`).
  return withoutRevisionFolder(trimTrailing(name.includes("___") ? name.replaceAll("___", ".") : name, "/"));
}

/**
 * A local copy kept per revision (`/models/microsoft/Phi-3-mini-4k-instruct/main`, a folder named
 * for the commit it was downloaded at, as the Hugging Face cache's `snapshots/<hash>`): the folder
 * above names the model.
 */
function withoutRevisionFolder(name: string): string {
  const slash = name.lastIndexOf("/");
  if (slash <= 0) return name;
  const last = name.slice(slash + 1);
  return /^(?:main|master|[0-9a-f]{40})$/.test(last) ? name.slice(0, slash) : name;
}

/**
 * Azure ML model references as the model they name: `azureml://registries/<registry>/models/<name>/versions/<n>`
 * → `<registry>/<name>`; a workspace's `azureml:<name>:<version>` or `azureml:<name>@latest` → `<name>`
 * (never an Ollama tag).
 */
function azureMlModel(name: string): string {
  const lower = name.toLowerCase();
  if (lower.startsWith("azureml://registries/")) {
    const parts = name.slice("azureml://registries/".length).split("/");
    return parts[1]?.toLowerCase() === "models" && parts[2] ? `${parts[0]}/${parts[2]}` : name;
  }
  if (!lower.startsWith("azureml:") || lower.startsWith("azureml://")) return name;
  const rest = name.slice("azureml:".length);
  const end = [rest.indexOf(":"), rest.indexOf("@")].filter((at) => at > 0).reduce((a, b) => Math.min(a, b), rest.length);
  return rest.slice(0, end);
}

/** `main`, `v1.0`, a commit hash: word characters, dots and dashes. */
function isRevision(name: string, start: number): boolean {
  for (let i = start; i < name.length; i++) {
    const code = name.charCodeAt(i);
    const upper = code >= 65 && code <= 90;
    if (!(upper || isLowerAlnum(code) || code === 46 || code === 45 || code === 95)) return false;
  }
  return true;
}

/** Case-insensitive key for a Hugging Face id or any catalog name. */
export function modelKey(name: string): string {
  return name.trim().toLowerCase();
}

/**
 * Key for the part after the organisation (`neuralmagic/Meta-Llama-3.1-8B-Instruct` →
 * `llama-3.1-8b-instruct`): re-uploads keep the model name but change the organisation, and Meta's
 * older repositories prefix `Meta-`.
 */
export function modelNameKey(name: string): string {
  const base = dottedVersions(name.slice(name.lastIndexOf("/") + 1).toLowerCase());
  return base.startsWith("meta-llama") ? base.slice("meta-".length) : base;
}

/**
 * Single-digit version parts joined by `-` or `_` read as the dotted version they stand for:
 * `llama-3-1-8b` → `llama-3.1-8b`, `phi-3_5-mini` → `phi-3.5-mini`, `qwen2-0_5b` → `qwen2-0.5b`.
 * Only a digit, a separator and a digit with no digit on either side — the first a word of its own,
 * or ending one before `_` (`qwen2_5`) — followed by a separator or the end (or, after `_`, a size's
 * `b`/`m`), so `llama-3-8b`, `qwen2-7b` and dates stay as they are. One pass.
 */
function dottedVersions(key: string): string {
  return compactVersions(dashedVersions(key));
}

/**
 * Two digits glued to a name of three or more letters and ending its word read as the dotted
 * version they stand for, as registries and image names write it (`llama32-3b-instruct` →
 * `llama3.2-3b-instruct`, `qwen25-coder-7b` → `qwen2.5-coder-7b`). A size keeps its unit letter
 * (`llama70b`), so it never reads as a version; a name whose family has no such version stays
 * unresolved, as it was.
 */
function compactVersions(key: string): string {
  let result = "";
  let from = 0;
  let letters = 0;
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    if (isLetter(code)) {
      letters++;
      continue;
    }
    if (letters >= 3 && isDigit(code) && i + 1 < key.length && isDigit(key.charCodeAt(i + 1))) {
      const after = i + 2 < key.length ? key.charCodeAt(i + 2) : -1;
      if (after === -1 || after === 45 || after === 95) {
        result += `${key.slice(from, i + 1)}.`;
        from = i + 1;
      }
    }
    letters = 0;
  }
  return from === 0 ? key : result + key.slice(from);
}

function dashedVersions(key: string): string {
  let result = "";
  let from = 0;
  for (let i = 1; i + 1 < key.length; i++) {
    const separator = key.charCodeAt(i);
    if (separator !== 45 /* - */ && separator !== 95 /* _ */) continue;
    if (!isDigit(key.charCodeAt(i - 1)) || !isDigit(key.charCodeAt(i + 1))) continue;
    // The first digit stands alone (`-3-1`), or, joined by `_`, ends a word (`qwen2_5`, `internvl3_5`).
    const before = i >= 2 ? key.charCodeAt(i - 2) : -1;
    if (isDigit(before) || (separator === 45 && before !== -1 && before !== 45 && before !== 95)) continue;
    const after = i + 2 < key.length ? key.charCodeAt(i + 2) : -1;
    const ends = after === -1 || after === 45 || after === 95 || (separator === 95 && (after === 98 /* b */ || after === 109 /* m */));
    if (!ends || isDigit(after)) continue;
    result += `${key.slice(from, i)}.`;
    from = i + 1;
  }
  return from === 0 ? key : result + key.slice(from);
}

/**
 * The words of a model name, lowercase, split at `-`, `_`, spaces and at a run of three or more
 * letters followed by a digit (`qwen2.5` → `qwen`, `2.5`; `llama3` → `llama`, `3`; `r1` and `k2`
 * stay whole): `Meta-Llama-3.1-8B-Instruct` and `llama3.1-8b-instruct` give the same words.
 */
export function nameWords(name: string): string[] {
  const key = modelNameKey(name);
  const words: string[] = [];
  let word = "";
  let letters = 0;
  const flush = () => {
    if (word.length > 0) words.push(word);
    word = "";
    letters = 0;
  };
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    if (code === 45 || code === 95 || code === 32 || code === 58 /* : */) {
      flush();
      continue;
    }
    if (isDigit(code) && letters >= 3 && letters === word.length) flush();
    word += key[i];
    letters = isLetter(code) ? letters + 1 : letters;
  }
  flush();
  // A trailing `.` belongs to no word (`mistral-7b.` → `7b`).
  return words.map((w) => trimDots(w)).filter((w) => w.length > 0);
}

function trimDots(word: string): string {
  let start = 0;
  let end = word.length;
  while (start < end && word.charCodeAt(start) === 46) start++;
  while (end > start && word.charCodeAt(end - 1) === 46) end--;
  return word.slice(start, end);
}

/**
 * `8b`, `0.5b`, `135m`, `8x7b`, `8x22b`: a parameter-count word. Also Gemma 3n's and Gemma 4's
 * effective sizes (`e2b`, `e4b`: google/gemma-3n-E4B-it), which name those models as a size does.
 */
export function isSizeWord(word: string): boolean {
  const last = word.charCodeAt(word.length - 1);
  if (last !== 98 /* b */ && last !== 109 /* m */ && last !== 116 /* t */) return false;
  const body = last === 98 && word.charCodeAt(0) === 101 /* e */ ? word.slice(1, -1) : word.slice(0, -1);
  const times = body.indexOf("x");
  if (times >= 0) return isNumber(body.slice(0, times)) && isNumber(body.slice(times + 1));
  return isNumber(body);
}

/** `a3b`, `a22b`, `a2.7b`: the active-parameter word of a Mixture-of-Experts name. */
export function isActiveSizeWord(word: string): boolean {
  return word.length >= 3 && word.charCodeAt(0) === 97 /* a */ && isSizeWord(word.slice(1));
}

function isNumber(text: string): boolean {
  if (text.length === 0) return false;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 46) dots++;
    else if (!isDigit(code)) return false;
  }
  return dots <= 1 && text.charCodeAt(0) !== 46 && text.charCodeAt(text.length - 1) !== 46;
}

/** What a model's name says about it: the family words before its size, and the size. */
export interface NameShape {
  /** Words before the size word (`llama`, `3.1`), at least one of them alphabetic. */
  family: string[];
  /** The size word (`8b`, `8x7b`), with the active size of an MoE name appended (`30b-a3b`). */
  size: string;
}

/**
 * Family and size of a catalog model's name (`Llama-3.1-8B-Instruct` → `llama 3.1` / `8b`), or
 * undefined when the name states no size (`DeepSeek-V3`, `phi-4`).
 */
export function nameShape(name: string): NameShape | undefined {
  const words = nameWords(name);
  const at = words.findIndex(isSizeWord);
  if (at <= 0) return undefined;
  const family = words.slice(0, at);
  if (!family.some((word) => isLetter(word.charCodeAt(0)) && word.length >= 2)) return undefined;
  const active = words[at + 1] !== undefined && isActiveSizeWord(words[at + 1]!) ? `-${words[at + 1]}` : "";
  return { family, size: `${words[at]}${active}` };
}

/** Every size a written name states (`Hermes-3-Llama-3.1-8B` → `8b`), MoE active sizes appended. */
export function statedSizes(words: readonly string[]): string[] {
  const sizes: string[] = [];
  for (let i = 0; i < words.length; i++) {
    if (!isSizeWord(words[i]!)) continue;
    const next = words[i + 1];
    sizes.push(next !== undefined && isActiveSizeWord(next) ? `${words[i]}-${next}` : words[i]!);
  }
  return sizes;
}

/** Whether `family` occurs as consecutive words of `words`. */
export function containsWords(words: readonly string[], family: readonly string[]): boolean {
  if (family.length === 0 || family.length > words.length) return false;
  outer: for (let start = 0; start + family.length <= words.length; start++) {
    for (let i = 0; i < family.length; i++) if (words[start + i] !== family[i]) continue outer;
    return true;
  }
  return false;
}
