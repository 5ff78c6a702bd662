/**
 * The per-file analysis every rule reads: extract deployments → resolve against the catalog →
 * estimate. Computed once per file (cached on the AST root) and shared by all rules.
 */
import type { Catalog } from "./catalog/catalog.js";
import type { GpuEntry } from "./catalog/types.js";
import { extractFile } from "./extract/index.js";
import type { UnreadDocument } from "./extract/doc.js";
import { valuesOf } from "./extract/engine-args.js";
import type { Deployment, FieldName, UnresolvedValue } from "./extract/types.js";
import { type DeploymentValues, type Resolution, resolveDeployment, type ResolvedDeployment, type Unresolved } from "./resolve.js";
import { readSettings, type VramSettings } from "./settings.js";
import { estimateMemory, requestKey, SizingInputError } from "./sizing/estimate.js";
import { shortGpuName } from "./report/plain.js";
import { BoundedCache, cacheOf, identityOf } from "./memo.js";
import { type Remedy, recommend } from "./sizing/recommend.js";
import type { MemoryEstimate, SizingRequest } from "./sizing/types.js";

/** Settings the estimate does not hinge on: an unresolved value there still allows a verdict. */
const MINOR_FIELDS = new Set<FieldName>(["maxNumSeqs", "maxNumBatchedTokens", "enforceEager", "engine"]);

export type JudgedDeployment =
  | {
      status: "judged";
      deployment: Deployment;
      values: DeploymentValues;
      resolved: ResolvedDeployment;
      estimate: MemoryEstimate;
      /** The other GPUs an ambiguous name (`Tesla-V100`: 16 or 32 GB) could mean, and the estimate on each. */
      alternatives?: Array<{ gpu: GpuEntry; estimate: MemoryEstimate }>;
    }
  /** A name the catalog does not know, or no GPU/model stated: nothing can be checked. */
  | { status: "unresolved"; deployment: Deployment; values: DeploymentValues; unresolved: Unresolved }
  /** A setting is a template, a variable or malformed: judging would be a guess. */
  | { status: "incomplete"; deployment: Deployment; values: DeploymentValues; field: FieldName; value: UnresolvedValue }
  /** Values no engine accepts (TP 0, utilisation 1.5); other rules say why. */
  | { status: "invalid"; deployment: Deployment; values: DeploymentValues; resolved: ResolvedDeployment; message: string };

/** A deployment with a verdict: resolved against the catalog and estimated. */
export type Judged = Extract<JudgedDeployment, { status: "judged" }>;

export interface FileAnalysis {
  catalog: Catalog;
  settings: VramSettings;
  deployments: JudgedDeployment[];
  /** Documents not read at all (aliases past the expansion budget): whatever they deploy is unchecked. */
  unread: UnreadDocument[];
}

interface CacheEntry {
  settingsRaw: unknown;
  baseDir: string | undefined;
  analysis: FileAnalysis;
}

const cache = new WeakMap<object, CacheEntry>();

/**
 * Estimates by model, GPU and format entry (objects: a settings entry is its own), then by the rest
 * of the request: one process-wide cache of the most recently used (an estimate is ~3 KB).
 */
const estimates = new BoundedCache<MemoryEstimate>(2_048);

/** Entries the process-wide estimate cache holds now (it never holds more than its bound). */
export function cachedEstimates(): number {
  return estimates.size;
}

function estimateOnce(request: SizingRequest): MemoryEstimate {
  const key = `${identityOf(request.model)}|${identityOf(request.gpu)}|${identityOf(request.weightFormat)}|${requestKey(request)}`;
  return estimates.get(key, () => estimateMemory(request));
}

/** Resolutions by catalog (settings make their own), then by the values as written. */
const resolutions = new WeakMap<Catalog, BoundedCache<Resolution>>();

function resolveOnce(settings: VramSettings, values: DeploymentValues, layoutOwner: Deployment["layoutOwner"]): Resolution {
  const key = JSON.stringify([values, settings.defaults, layoutOwner ?? null]);
  return cacheOf(resolutions, settings.catalog, 512).get(key, () => resolveDeployment(settings.catalog, values, settings.defaults, layoutOwner));
}

export function judge(deployment: Deployment, settings: VramSettings): JudgedDeployment {
  const values = { ...valuesOf(deployment.fields), ...(deployment.engineVersion ? { engineVersion: deployment.engineVersion } : {}) };
  const blocking = (Object.entries(deployment.unresolved) as Array<[FieldName, UnresolvedValue]>).find(([field]) => !MINOR_FIELDS.has(field));
  if (blocking) return { status: "incomplete", deployment, values, field: blocking[0], value: blocking[1] };
  const resolution = resolveOnce(settings, values, deployment.layoutOwner);
  if (!resolution.ok) return { status: "unresolved", deployment, values, unresolved: resolution.unresolved };
  try {
    const { resolved } = resolution;
    const estimate = estimateOnce(resolved.request);
    const alternatives = (resolved.gpu.alternatives ?? []).map((gpu) => ({ gpu, estimate: estimateOnce({ ...resolved.request, gpu }) }));
    return { status: "judged", deployment, values, resolved, estimate, ...(alternatives.length > 0 ? { alternatives } : {}) };
  } catch (error) {
    if (error instanceof SizingInputError) return { status: "invalid", deployment, values, resolved: resolution.resolved, message: error.message };
    throw error;
  }
}

/** The analysis of a parsed file (yaml-eslint-parser or jsonc-eslint-parser AST). */
export function analyzeFile(ast: { type: string; body?: unknown[] }, text: string, settingsRaw: unknown, baseDir?: string): FileAnalysis {
  const cached = cache.get(ast);
  if (cached && cached.settingsRaw === settingsRaw && cached.baseDir === baseDir) return cached.analysis;
  // `baseDir` resolves settings.vram.models[].config paths: ESLint's working directory for the rules.
  const settings = readSettings(settingsRaw, baseDir);
  const extracted = extractFile(ast, text);
  const deployments = extracted.deployments.map((deployment) => judge(deployment, settings));
  const analysis: FileAnalysis = { catalog: settings.catalog, settings, deployments, unread: extracted.unread };
  cache.set(ast, { settingsRaw, baseDir, analysis });
  return analysis;
}

/**
 * Remedies for a judged deployment at a concurrency target. Memoized by the recommender on
 * everything they depend on (the request, the target, the instance type and the model as written),
 * never on the estimate object: estimates are shared by every file that asks the same request, and
 * remedies for one file's instance type or checkpoint must not reach another file.
 */
export function remediesFor(analysis: FileAnalysis, judged: Judged, minConcurrent: number): Remedy[] {
  return recommend(analysis.catalog, judged.resolved.request, judged.estimate, {
    minConcurrentSequences: minConcurrent,
    writtenModel: judged.resolved.model.displayName,
    ...(judged.resolved.instance ? { instance: judged.resolved.instance } : {}),
  });
}

/**
 * When the GPU name is ambiguous and the verdict hinges on it, what the finding must add: which GPU
 * was assumed is already in the resolution's assumptions; this names the ones where it would pass,
 * so a finding on a guessed GPU never reads as fact.
 */
export function ambiguityNote(judged: Judged, minConcurrent = 1): string {
  const passing = (judged.alternatives ?? []).filter(({ estimate }) => estimate.verdict === "fits" && estimate.maxConcurrency >= minConcurrent);
  if (passing.length === 0) return "";
  const names = passing.map(({ gpu }) => shortGpuName(gpu)).join(" or ");
  const memoryLabel = judged.deployment.fields.gpuType?.source === "karpenter.k8s.aws/instance-gpu-name" ? "karpenter.k8s.aws/instance-gpu-memory" : "nvidia.com/gpu.memory";
  return ` It fits the ${names}; a ${memoryLabel} label says which.`;
}
