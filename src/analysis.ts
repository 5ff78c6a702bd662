/**
 * The per-file analysis every rule reads: extract deployments → resolve against the catalog →
 * estimate. Computed once per file (cached on the AST root) and shared by all rules.
 */
import type { Catalog } from "./catalog/catalog.js";
import { extractDeployments } from "./extract/index.js";
import { valuesOf } from "./extract/engine-args.js";
import type { Deployment, FieldName, UnresolvedValue } from "./extract/types.js";
import { type DeploymentValues, type Resolution, resolveDeployment, type ResolvedDeployment, type Unresolved } from "./resolve.js";
import { readSettings, type VramSettings } from "./settings.js";
import { estimateMemory, SizingInputError } from "./sizing/estimate.js";
import { type Remedy, recommend } from "./sizing/recommend.js";
import type { MemoryEstimate } from "./sizing/types.js";

/** Settings the estimate does not hinge on: an unresolved value there still allows a verdict. */
const MINOR_FIELDS = new Set<FieldName>(["maxNumSeqs", "maxNumBatchedTokens", "enforceEager", "engine"]);

export type JudgedDeployment =
  | { status: "judged"; deployment: Deployment; values: DeploymentValues; resolved: ResolvedDeployment; estimate: MemoryEstimate }
  /** A name the catalog does not know, or no GPU/model stated: nothing can be checked. */
  | { status: "unresolved"; deployment: Deployment; values: DeploymentValues; unresolved: Unresolved }
  /** A setting is a template, a variable or malformed: judging would be a guess. */
  | { status: "incomplete"; deployment: Deployment; values: DeploymentValues; field: FieldName; value: UnresolvedValue }
  /** Values no engine accepts (TP 0, utilisation 1.5); other rules say why. */
  | { status: "invalid"; deployment: Deployment; values: DeploymentValues; resolved: ResolvedDeployment; message: string };

export interface FileAnalysis {
  catalog: Catalog;
  settings: VramSettings;
  deployments: JudgedDeployment[];
}

interface CacheEntry {
  settingsRaw: unknown;
  analysis: FileAnalysis;
}

const cache = new WeakMap<object, CacheEntry>();

export function judge(deployment: Deployment, settings: VramSettings): JudgedDeployment {
  const values = valuesOf(deployment.fields);
  const blocking = (Object.entries(deployment.unresolved) as Array<[FieldName, UnresolvedValue]>).find(([field]) => !MINOR_FIELDS.has(field));
  if (blocking) return { status: "incomplete", deployment, values, field: blocking[0], value: blocking[1] };
  const resolution: Resolution = resolveDeployment(settings.catalog, values, settings.defaults);
  if (!resolution.ok) return { status: "unresolved", deployment, values, unresolved: resolution.unresolved };
  try {
    return { status: "judged", deployment, values, resolved: resolution.resolved, estimate: estimateMemory(resolution.resolved.request) };
  } catch (error) {
    if (error instanceof SizingInputError) return { status: "invalid", deployment, values, resolved: resolution.resolved, message: error.message };
    throw error;
  }
}

/** The analysis of a parsed file (yaml-eslint-parser or jsonc-eslint-parser AST). */
export function analyzeFile(ast: { type: string; body?: unknown[] }, text: string, settingsRaw: unknown): FileAnalysis {
  const cached = cache.get(ast);
  if (cached && cached.settingsRaw === settingsRaw) return cached.analysis;
  const settings = readSettings(settingsRaw);
  const deployments = extractDeployments(ast, text).map((deployment) => judge(deployment, settings));
  const analysis: FileAnalysis = { catalog: settings.catalog, settings, deployments };
  cache.set(ast, { settingsRaw, analysis });
  return analysis;
}

const remedyCache = new WeakMap<MemoryEstimate, Map<number, Remedy[]>>();

/** Remedies for a judged deployment at a concurrency target, computed once per target. */
export function remediesFor(analysis: FileAnalysis, judged: Extract<JudgedDeployment, { status: "judged" }>, minConcurrent: number): Remedy[] {
  let byTarget = remedyCache.get(judged.estimate);
  if (!byTarget) {
    byTarget = new Map();
    remedyCache.set(judged.estimate, byTarget);
  }
  let remedies = byTarget.get(minConcurrent);
  if (!remedies) {
    remedies = recommend(analysis.catalog, judged.resolved.request, judged.estimate, {
      minConcurrentSequences: minConcurrent,
      ...(judged.resolved.instance ? { instance: judged.resolved.instance } : {}),
    });
    byTarget.set(minConcurrent, remedies);
  }
  return remedies;
}
