/**
 * A context longer than the model's own, which vLLM and SGLang refuse at start-up unless a variable
 * allows it (the engine profile's `longContextOverride`):
 * - vLLM (vllm/config/model.py `_get_and_verify_max_len`): "User-specified max_model_len (131072) is
 *   greater than the derived max_model_len (max_position_embeddings=32768 or model_max_length=None in
 *   model's config.json). … To allow overriding this maximum, set the env var
 *   VLLM_ALLOW_LONG_MAX_MODEL_LEN=1";
 * - SGLang (python/sglang/srt/configs/model_config.py `ModelConfig._derive_context_length`): the same
 *   ValueError unless SGLANG_ALLOW_OVERWRITE_LONGER_CONTEXT_LEN=1.
 * The model's own context is the catalog's `maxPositionEmbeddings`, which the importer derives as vLLM
 * does (the smallest length key of config.json, RoPE-scaled). A layout the engine refuses must not
 * read as a verdict on memory: the deployment is reported as not checked, at the context it sets.
 * Pure.
 */
import { engineById } from "../engines/index.js";
import { tokens } from "../report/plain.js";
import type { ResolvedDeployment } from "../resolve.js";
import { EXTENDS_SOURCE } from "../settings.js";

export interface ContextRefusal {
  /** The setting as the file names it (`--max-model-len`, `--context-length`). */
  setting: string;
  contextTokens: number;
  modelContextTokens: number;
  modelName: string;
  engineName: string;
  /** The variable that lets the engine start anyway (`VLLM_ALLOW_LONG_MAX_MODEL_LEN`). */
  variable: string;
  /** Where the engine takes a RoPE-scaling override, which a longer context needs to read well. */
  ropeOverride: string;
}

/**
 * The refusal of the context `setting` sets, or undefined when the engine starts (or the file may
 * allow it: `Deployment.contextOverridable`). Only for a model known as written (by id, alias,
 * checkpoint or its own name, or a settings entry from its config.json): a fine-tune sized on its
 * family's architecture, or a settings entry that `extends` a base, may have a longer context.
 */
export function contextRefusal(resolved: ResolvedDeployment, setContext: number | undefined, setting: string, overridable: boolean): ContextRefusal | undefined {
  const engine = engineById(resolved.request.engine);
  const override = engine.longContextOverride;
  if (!override || overridable || setContext === undefined) return undefined;
  const { model, via, displayName } = resolved.model;
  if (via === "family" || via === "gguf" || setContext <= model.maxPositionEmbeddings) return undefined;
  // A settings entry that `extends` a catalog model keeps the base's context unless it says otherwise: not known as written.
  if (model.sources[0]?.startsWith(EXTENDS_SOURCE)) return undefined;
  return {
    setting,
    contextTokens: setContext,
    modelContextTokens: model.maxPositionEmbeddings,
    modelName: displayName,
    engineName: engine.displayName,
    variable: override.variable,
    ropeOverride: override.ropeFlag,
  };
}

/** The refusal as one clause, for `vram explain` and `vram estimate`. */
export function refusalText(refusal: ContextRefusal): string {
  return `${refusal.setting} ${tokens(refusal.contextTokens)} is longer than ${refusal.modelName}'s ${tokens(refusal.modelContextTokens)}-token context: ${refusal.engineName} refuses to start unless ${refusal.variable}=1 is set`;
}
