/**
 * Normalisation of the names people write, shared by the index builder and the lookups so both
 * sides of every comparison are spelled the same way.
 */

const GPU_VENDOR_WORDS = /^(?:nvidia|tesla|geforce|amd|instinct|radeon)-/;

/**
 * `NVIDIA A100-SXM4-80GB`, `nvidia_a100_sxm4_80gb` and `A100 SXM4 80GB` all become `a100-sxm4-80gb`.
 * Vendor words are dropped only at the start, so `nvidia-gpu-l4` (a KubeAI profile) keeps its shape
 * apart from the leading `nvidia-`.
 */
export function normalizeGpuName(name: string): string {
  let key = name
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, "-")
    .replace(/[^a-z0-9.-]/g, "")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "");
  let previous: string;
  do {
    previous = key;
    key = key.replace(GPU_VENDOR_WORDS, "");
  } while (key !== previous);
  return key;
}

/** Tokens of a normalised GPU name (`a100-sxm4-80gb` → `a100`, `sxm4`, `80gb`), for fuzzy matching. */
export function gpuNameTokens(normalized: string): string[] {
  return normalized.split(/[-.]/).filter((token) => token.length > 0);
}

/**
 * Strips the wrappers around a model reference: `hf://`, `huggingface.co/` URLs, a trailing `/`,
 * a revision (`@main`, `:rev` is left alone because Ollama tags use it). Case is kept for display.
 */
export function stripModelUri(written: string): string {
  let name = written.trim();
  name = name.replace(/^hf:\/\//i, "").replace(/^huggingface:\/\//i, "");
  name = name.replace(/^https?:\/\/(?:www\.)?huggingface\.co\//i, "");
  name = name.replace(/\/(?:tree|blob|resolve)\/[^/]+.*$/i, "");
  name = name.replace(/@[\w.-]+$/, "");
  name = name.replace(/\/+$/, "");
  return name;
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
  const base = name.slice(name.lastIndexOf("/") + 1).toLowerCase();
  return base.replace(/^meta-(?=llama)/, "");
}
