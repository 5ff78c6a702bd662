/**
 * Ollama (facts/estimator.md §4.1–4.2): llama.cpp underneath, with its own default context by VRAM
 * and its own names (`num_ctx`, `OLLAMA_NUM_PARALLEL`).
 */
import type { ModelEntry } from "../catalog/types.js";
import { GIB } from "../sizing/runtime.js";
import type { EngineProfile } from "./common.js";
import { ggufEngine, layerSplitBudget } from "./llama-cpp.js";

/**
 * Ollama's default context is tiered by total VRAM (server/routes.go, facts/estimator.md §4.2):
 * ≥ 47 GiB → 262,144; ≥ 23 GiB → 32,768; else 4,096 — and never above the model's own context.
 */
export function ollamaDefaultContext(totalMemoryBytes: number, model: ModelEntry): number {
  const gib = totalMemoryBytes / GIB;
  const tiered = gib >= 47 ? 262_144 : gib >= 23 ? 32_768 : 4_096;
  return Math.min(tiered, model.maxPositionEmbeddings);
}

export const ollama: EngineProfile<"ollama"> = {
  ...ggufEngine,
  id: "ollama",
  displayName: "Ollama",
  aliases: [],

  // `ollama serve` takes no model or sizing flags; models arrive through its API.
  command: () => undefined,
  image: (name) => /(^|\/)ollama(:|$|\/)/.test(name),
  flags: [],
  switches: [],
  env: {},
  abbreviations: false,
  servesWithoutFlags: false,

  defaultMemoryFraction: 1,
  budget: (request) => layerSplitBudget(request, ollamaDefaultContext(request.gpu.memoryBytes * request.pipelineParallel, request.model)),
  whenKvTooSmall: () => "Ollama cannot allocate that context on the GPUs.",
};
