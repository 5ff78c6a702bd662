/**
 * The per-file analysis every rule reads: extract deployments → resolve against the catalog →
 * estimate. Computed once per file (cached on the AST root) and shared by all rules.
 */
import { type Catalog, GGUF_WITHOUT_TYPE, isGgufQ8WithWideLayers } from "./catalog/catalog.js";
import type { GpuEntry, QuantizationFormat } from "./catalog/types.js";
import { extractFile } from "./extract/index.js";
import type { UnreadDocument } from "./extract/doc.js";
import { valuesOf } from "./extract/engine-args.js";
import type { Deployment, FieldName, UnresolvedValue } from "./extract/types.js";
import { type DeploymentValues, type Resolution, resolveDeployment, type ResolvedDeployment, type Unresolved, withAutoContext } from "./resolve.js";
import { readSettings, type VramSettings } from "./settings.js";
import { estimateMemory, requestKey, SizingInputError } from "./sizing/estimate.js";
import { type ContextRefusal, contextRefusal, refusalText } from "./judge/context-limit.js";
import { memoryFinding } from "./judge/memory-finding.js";
import { deviceNoun, shortGpuName, vendorDevice } from "./report/plain.js";
import { BoundedCache, cacheOf, identityOf } from "./memo.js";
import { type GpuRange, rangeCandidates, splitRange, vendorOfResource, withinMemory } from "./judge/gpu-range.js";
import { checkQuantization } from "./judge/quantization.js";
import { type Remedy, recommend } from "./sizing/recommend.js";
import type { MemoryEstimate, SizingRequest } from "./sizing/types.js";
import { type HostMemory, hostMemoryOf } from "./sizing/host.js";
import { cpuKvCacheOf, cpuKvCacheUnset, DEFAULT_ENGINE, engineById, engineOfModelName, engineRunsOnVendor } from "./engines/index.js";
import type { MemoryLimit } from "./extract/types.js";

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
      /**
       * No GPU type is named: the range of GPUs it could land on, split into those it fits and those
       * it does not. `resolved`/`estimate` are then on the smallest GPU it fits, or (none fits) on
       * the largest, so every other rule judges the best case it could be scheduled on.
       */
      range?: GpuRange;
      /**
       * Started by a script the file does not show: judged at its most favourable reading
       * (`judgeUnseenLaunch`); `holds`: it fits there, so only the script's own flags are unchecked.
       */
      unseenLaunch?: { launch: UnresolvedValue; holds: boolean; shortenedContext?: number };
    }
  /** A name the catalog does not know, or no GPU/model stated: nothing can be checked. */
  | { status: "unresolved"; deployment: Deployment; values: DeploymentValues; unresolved: Unresolved }
  /** A setting is a template, a variable or malformed: judging would be a guess. */
  | {
      status: "incomplete";
      deployment: Deployment;
      values: DeploymentValues;
      field: FieldName;
      value: UnresolvedValue;
      /** A context set elsewhere that decides the verdict: the longest its GPUs hold, beside the model's whole one. */
      contextBound?: { fitsUpToTokens: number; wholeTokens: number; model: string; gpus: string };
    }
  /** Values no engine accepts (TP 0, utilisation 1.5); other rules say why. */
  | { status: "invalid"; deployment: Deployment; values: DeploymentValues; resolved: ResolvedDeployment; message: string; refusal?: ContextRefusal }
  /** No GPU requested, by an engine that serves from host memory: judged against the container's memory limit. */
  | { status: "cpu"; deployment: Deployment; values: DeploymentValues; resolved: ResolvedDeployment; host: HostJudgement };

/**
 * A deployment served from the CPU, against the memory its container is limited to: `fits` when it
 * holds the memory at the context the engine allocates, `exceeds-limit` when it does not even at the
 * fewest tokens the engine may shrink that to, `context-decides` in between, and `no-limit` when
 * the file limits nothing (the host's memory is not in it).
 */
export interface HostJudgement {
  verdict: "fits" | "exceeds-limit" | "context-decides" | "no-limit";
  /** At the context the engine allocates (the file's, else its default on the CPU). */
  memory: HostMemory;
  /** At the fewest tokens the engine may shrink an unset context to (llama.cpp `--fit`), when fewer. */
  fewest?: HostMemory;
  limit?: MemoryLimit;
}

/** A deployment with a verdict: resolved against the catalog and estimated. */
export type Judged = Extract<JudgedDeployment, { status: "judged" }>;

/** Whether it has a verdict: on its GPUs, or served from the CPU against a memory limit that decides. */
export function hasVerdict(judged: JudgedDeployment): boolean {
  return judged.status === "judged" || (judged.status === "cpu" && (judged.host.verdict === "fits" || judged.host.verdict === "exceeds-limit"));
}

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

/** Estimates by request object: a cached resolution hands every file the same request, so most lookups need no key text. */
const estimatesByRequest = new WeakMap<SizingRequest, MemoryEstimate>();

function estimateOnce(request: SizingRequest): MemoryEstimate {
  let estimate = estimatesByRequest.get(request);
  if (!estimate) {
    const key = `${identityOf(request.model)}|${identityOf(request.gpu)}|${identityOf(request.weightFormat)}|${requestKey(request)}`;
    estimate = estimates.get(key, () => estimateMemory(request));
    estimatesByRequest.set(request, estimate);
  }
  return estimate;
}

/** Resolutions by catalog (settings make their own), then by the values as written. */
const resolutions = new WeakMap<Catalog, BoundedCache<Resolution>>();

const valuesKeys = new WeakMap<DeploymentValues, { defaults: unknown; key: string }>();

/** The values as written and the defaults as key text, once per judged deployment: its resolutions and its range verdict all start with it. */
function valuesKey(values: DeploymentValues, defaults: unknown): string {
  const known = valuesKeys.get(values);
  if (known && known.defaults === defaults) return known.key;
  const key = JSON.stringify([values, defaults]);
  valuesKeys.set(values, { defaults, key });
  return key;
}

function resolveOnce(settings: VramSettings, values: DeploymentValues, layoutOwner: Deployment["layoutOwner"], rangeGpu?: GpuEntry, ggufFormat?: QuantizationFormat): Resolution {
  const key = valuesKey(values, settings.defaults) + JSON.stringify([layoutOwner ?? null, rangeGpu?.id ?? null, ggufFormat?.id ?? null]);
  return cacheOf(resolutions, settings.catalog, 512).get(key, () => resolveDeployment(settings.catalog, values, settings.defaults, layoutOwner, rangeGpu, ggufFormat));
}

/**
 * Which unresolved value keeps a deployment from a verdict: an invalid value first (it is an error
 * in the file, and always said), then a setting that cannot be sized, then templates, variables and
 * references. Minor settings (a batch limit, the engine) only block when they are invalid or cannot be
 * sized (an engine this version does not size): the engine's default is judged otherwise.
 */
const BLOCKING_ORDER: UnresolvedValue["reason"][] = ["chart-template", "invalid", "unsupported", "template", "variable", "reference"];

function blockingValue(deployment: Deployment): [FieldName, UnresolvedValue] | undefined {
  // The first of the earliest reason in BLOCKING_ORDER, in the order the fields were read (the model's first).
  let blocking: [FieldName, UnresolvedValue] | undefined;
  let rank = Infinity;
  for (const field in deployment.unresolved) {
    const value = deployment.unresolved[field as FieldName];
    if (!value || (value.reason !== "invalid" && value.reason !== "unsupported" && MINOR_FIELDS.has(field as FieldName))) continue;
    const order = BLOCKING_ORDER.indexOf(value.reason);
    // Of values unknown for the same reason, the model's is said first: nothing is sized without it.
    if (order < rank || (order === rank && field === "model")) {
      blocking = [field as FieldName, value];
      rank = order;
    }
  }
  return blocking;
}

export function judge(deployment: Deployment, settings: VramSettings): JudgedDeployment {
  const values: DeploymentValues = {
    ...valuesOf(deployment.fields),
    ...(deployment.engineVersion ? { engineVersion: deployment.engineVersion } : {}),
    // An app config's GPU count is its own setting, which its chart or module may spread over nodes.
    ...(deployment.format === "app-config" && deployment.fields.gpuCount ? { gpusMaySpanNodes: true } : {}),
  };
  const blocking = blockingValue(deployment);
  if (blocking) {
    const [field, value] = blocking;
    const onCpu = field === "gpuCount" && value.onCpu ? judgeOnCpu(deployment, settings, values, value.onCpu) : undefined;
    const bounded =
      field === "gpuCount"
        ? judgeAtFewestGpus(deployment, settings, value)
        : field === "maxModelLen"
          ? judgeAtContextBounds(deployment, settings, value)
          : field === "engine" && value.unseenLaunch
            ? judgeUnseenLaunch(deployment, settings, value)
            : undefined;
    return onCpu ?? bounded ?? { status: "incomplete", deployment, values, field, value };
  }
  const resolution = resolveOnce(settings, values, deployment.layoutOwner);
  if (!resolution.ok) {
    if (resolution.unresolved.reason === "no-gpu") return judgeRange(deployment, settings, values);
    const bounds = resolution.unresolved.reason === "unknown-quantization" ? ggufBounds(settings.catalog, resolution.unresolved.written) : undefined;
    const bounded = bounds ? judgeGgufBounds(deployment, settings, values, bounds) : undefined;
    return bounded ?? { status: "unresolved", deployment, values, unresolved: resolution.unresolved };
  }
  try {
    const resolved = fittedContext(withAssumptions(resolution.resolved, deployment), deployment);
    const refused = refusedContext(deployment, values, resolved);
    if (refused) return refused;
    const estimate = estimateOnce(resolved.request);
    const alternatives = (resolved.gpu.alternatives ?? []).map((gpu) => ({ gpu, estimate: estimateOnce({ ...resolved.request, gpu }) }));
    return { status: "judged", deployment, values, resolved, estimate, ...(alternatives.length > 0 ? { alternatives } : {}) };
  } catch (error) {
    if (error instanceof SizingInputError) return { status: "invalid", deployment, values, resolved: resolution.resolved, message: error.message };
    throw error;
  }
}

/**
 * A GPU count left to the host (`count: all` for an engine that shards over every GPU it sees),
 * judged at the fewest it can be: where the deployment fits there on every GPU it could land on, it
 * fits at any count, each GPU holding a smaller shard. Otherwise the count decides, and it stays
 * unjudged (undefined).
 */
function judgeAtFewestGpus(deployment: Deployment, settings: VramSettings, count: UnresolvedValue): JudgedDeployment | undefined {
  if (count.atLeast === undefined) return undefined;
  const { gpuCount: _left, ...unresolved } = deployment.unresolved;
  const fewest: Deployment = { ...deployment, fields: { ...deployment.fields, gpuCount: { value: count.atLeast, node: count.node, source: count.source ?? "count", readonly: true } }, unresolved };
  // GPUs of a vendor the file does not say (`/dev/dri` to a Vulkan build): it must fit every GPU of each.
  let first: JudgedDeployment | undefined;
  for (const vendor of count.vendors ?? [undefined]) {
    const judged = judge(vendor ? { ...fewest, gpuVendor: vendor } : fewest, settings);
    if (judged.status !== "judged" || !holdsIt(judged.estimate, judged.resolved.request) || (judged.range && judged.range.failing.length > 0)) return undefined;
    first ??= judged;
  }
  if (first?.status !== "judged") return undefined;
  const vendors = count.vendors ? `, ${count.vendors.map(vendorDevice).join("s or ")}s, of a type not stated, every one of which holds it` : "";
  const assumption = `${count.raw} gives it every GPU of the host${vendors}; judged on ${count.atLeast}, the fewest, where it fits (more shards hold less each)`;
  return { ...first, resolved: assuming(first.resolved, assumption) };
}

/**
 * A context set elsewhere (`--max-model-len ${MAX_MODEL_LEN}`, a Helm value, a ConfigMap reference),
 * judged where every context agrees: it fits at the model's whole context, so at any shorter one (the
 * KV cache and activations only shrink; engines refuse a longer one unless told to), or its weights
 * alone exceed the GPUs, which no context changes. Between the two the context decides: it stays
 * unchecked, with the longest context its GPUs hold where one GPU type is named.
 */
function judgeAtContextBounds(deployment: Deployment, settings: VramSettings, context: UnresolvedValue): JudgedDeployment | undefined {
  if (context.reason !== "template" && context.reason !== "variable" && context.reason !== "reference") return undefined;
  const { maxModelLen: _set, ...fields } = deployment.fields;
  const { maxModelLen: _unread, ...unresolved } = deployment.unresolved;
  const unset = judge({ ...deployment, fields, unresolved }, settings);
  if (unset.status !== "judged") return undefined;
  const elsewhere = `the context is ${context.raw}, set outside this file`;
  const withNote = (judged: Judged, note: string): Judged => ({ ...judged, resolved: assuming(judged.resolved, `${elsewhere}; ${note}`) });
  if (unset.estimate.verdict === "weights-exceed-memory" && (!unset.range || unset.range.fitting.length === 0)) return withNote(unset, "the weights alone exceed the GPUs' memory, whatever it is");
  const whole = unset.resolved.request.model.maxPositionEmbeddings;
  const source = context.source ?? "max model length";
  const atWhole = judge({ ...deployment, fields: { ...fields, maxModelLen: { value: whole, node: context.node, source, readonly: true } }, unresolved }, settings);
  if (atWhole.status !== "judged" || !holdsIt(atWhole.estimate, atWhole.resolved.request) || (atWhole.range && atWhole.range.failing.length > 0)) {
    // On a named GPU, the longest context it holds is what the value must stay within.
    const fitsUpToTokens = unset.range ? null : unset.estimate.largestFittingMaxModelLen;
    if (fitsUpToTokens === null || fitsUpToTokens <= 0 || fitsUpToTokens >= whole) return undefined;
    const gpus = `${unset.estimate.gpuCount} × ${shortGpuName(unset.resolved.request.gpu)}`;
    return { status: "incomplete", deployment, values: unset.values, field: "maxModelLen", value: context, contextBound: { fitsUpToTokens, wholeTokens: whole, model: unset.resolved.model.displayName, gpus } };
  }
  // Only where the engine refuses a longer context than the model's (vLLM, SGLang), for a model known as written.
  if (!contextRefusal(atWhole.resolved, whole + 1, source, deployment.contextOverridable === true)) return undefined;
  return withNote(atWhole, `judged at the model's whole ${whole.toLocaleString("en-US")} tokens, where it fits (a shorter context needs less)`);
}

/** Half a byte per parameter: the least any engine loads weights in (4-bit formats, before their scales). */
const FOUR_BIT_BYTES_PER_PARAM = 0.5;

/**
 * A server a script the file does not show starts (`bash service.sh $MODEL_PATH $PORT $TP`), its
 * model known: judged at the script's most favourable reading — the engine its image or path names
 * (else the default engine), tensor parallel over every GPU it is given, the checkpoint's own
 * format, and at most the longest context those GPUs hold. It fails there as a fact only where even
 * 4-bit weights exceed its GPUs (the script may quantize while loading); between the two it stays
 * unchecked. Where it fits, the script's own flags stay unchecked, which unchecked-deployment says
 * beside the verdict (`unseenLaunch`).
 */
function judgeUnseenLaunch(deployment: Deployment, settings: VramSettings, launch: UnresolvedValue): JudgedDeployment | undefined {
  if (!deployment.fields.model) return undefined;
  const { engine: _unseen, ...unresolved } = deployment.unresolved;
  // The engine the image or path names, else the one whose own way of naming models the model is written in (an Ollama tag).
  const engine = launch.unseenLaunch?.engine ?? engineOfModelName(deployment.fields.model.value) ?? settings.defaults.engine ?? DEFAULT_ENGINE;
  const at = { node: launch.node, source: launch.source ?? "command", readonly: true as const, ...(launch.range ? { range: launch.range } : {}) };
  const favourable: Deployment = {
    ...deployment,
    fields: { ...deployment.fields, engine: { ...at, value: engine } },
    unresolved,
    ...(deployment.fields.tensorParallel ? {} : { layoutOwner: "tensor-from-gpus" as const }),
  };
  let judged = judge(favourable, settings);
  if (judged.status !== "judged") return undefined;
  const notes = [`${launch.raw} is not shown: judged as ${engineById(engine).displayName}${launch.unseenLaunch?.engine ? "" : " (no engine is named)"} would serve it at its defaults over all its GPUs`];
  const longest = judged.estimate.largestFittingMaxModelLen;
  let shortenedContext: number | undefined;
  if (!deployment.fields.maxModelLen && !holdsIt(judged.estimate, judged.resolved.request) && longest !== null && longest > 0) {
    // The script may set a shorter context than the model's: the longest these GPUs hold.
    const context = Math.min(longest, judged.resolved.request.model.maxPositionEmbeddings);
    const shorter = judge({ ...favourable, fields: { ...favourable.fields, maxModelLen: { ...at, value: context } } }, settings);
    if (shorter.status === "judged") {
      judged = shorter;
      shortenedContext = context;
      notes.push(`at the longest context they hold (${context.toLocaleString("en-US")} tokens), as the script may set one`);
    }
  }
  const holds = holdsIt(judged.estimate, judged.resolved.request);
  // With no GPU count stated it is judged on one: that it fits there holds at any count, that it fails does not.
  if (!holds && !deployment.fields.gpuCount) return undefined;
  // The code it runs may quantize while loading (bitsandbytes' NF4, a 4-bit AWQ of its own): it fails
  // as a fact only where even 4-bit weights exceed what all its GPUs give the engine.
  if (!holds && judged.resolved.model.model.params.total * FOUR_BIT_BYTES_PER_PARAM <= judged.estimate.perGpu.budgetBytes * judged.estimate.gpuCount) return undefined;
  return { ...judged, resolved: assuming(judged.resolved, notes.join(", ")), unseenLaunch: { launch, holds, ...(shortenedContext ? { shortenedContext } : {}) } };
}

/**
 * A deployment that requests no GPU, of an engine that then serves from host memory (its profile's
 * `onCpu`, for this image): its model resolved and sized with every layer on one device, the
 * catalog's largest (which only carries the arithmetic: no fitting, no offload), and judged against
 * the container's memory limit. Undefined when the engine needs a GPU: it stays unchecked, as
 * "no GPU is requested".
 */
function judgeOnCpu(deployment: Deployment, settings: VramSettings, values: DeploymentValues, onCpu: NonNullable<UnresolvedValue["onCpu"]>): JudgedDeployment | undefined {
  const engine = engineById(values.engine ?? settings.defaults.engine ?? DEFAULT_ENGINE);
  const onHost = engine.onCpu;
  if (!onHost?.runsFromImage(onCpu.image)) return undefined;
  // An engine whose KV cache on the CPU is the size the file gives, given none: not judged.
  if (cpuKvCacheUnset(engine.id, onCpu.image, values)) return undefined;
  const { gpuCount: _none, ...unresolved } = deployment.unresolved;
  const other = blockingValue({ ...deployment, unresolved });
  if (other) return { status: "incomplete", deployment, values, field: other[0], value: other[1] };
  const carrier = settings.catalog.gpus.reduce((a, b) => (b.memoryBytes > a.memoryBytes ? b : a));
  // One device carries it (no GPU count to assume), at the dtype the engine loads on the CPU.
  const cpuDtype = values.dtype === undefined ? onHost.dtype : undefined;
  const cpuKvCache = onHost.kvCacheAsWritten ? cpuKvCacheOf(values) : undefined;
  const cpuValues = { ...values, gpuCount: 1, ...(cpuDtype ? { dtype: cpuDtype.value } : {}), ...(cpuKvCache !== undefined ? { kvCacheMemoryBytes: cpuKvCache } : {}) };
  const judgeResolved = (resolution: ResolvedDeployment, assumption?: string): JudgedDeployment => {
    const notes = [...(cpuDtype ? [cpuDtype.note] : []), ...(onHost.runtime ? [onHost.runtime.note] : []), ...(assumption ? [assumption] : [])];
    const resolved = withAssumptions(assuming(resolution, ...notes), deployment);
    const { request } = resolved;
    const context = onHost.defaultContext(request);
    const batch = onHost.batchDefaults;
    const estimateAt = (tokens: number) =>
      estimateOnce({
        ...request,
        gpu: carrier,
        maxModelLen: tokens,
        gpuLayers: request.model.layers + 1,
        tensorParallel: 1,
        pipelineParallel: 1,
        dataParallel: 1,
        expertParallel: false,
        ...(batch ? { maxNumBatchedTokens: request.maxNumBatchedTokens ?? batch.maxNumBatchedTokens, maxNumSeqs: request.maxNumSeqs ?? batch.maxNumSeqs } : {}),
      });
    const at = (tokens: number) => hostMemoryOf(estimateAt(tokens), onHost.runtime?.bytes);
    try {
      // A KV cache of the size given that cannot hold one sequence of the context: the engine refuses to start, which is not this judgement's.
      if (onHost.kvCacheAsWritten && estimateAt(request.maxModelLen ?? context.tokens).verdict !== "fits") return { status: "incomplete", deployment, values, field: "gpuCount", value: deployment.unresolved.gpuCount! };
      const memory = at(request.maxModelLen ?? context.tokens);
      const fewest = request.maxModelLen === undefined && context.fewest < context.tokens ? at(context.fewest) : undefined;
      const limit = onCpu.memoryLimit;
      const verdict: HostJudgement["verdict"] = !limit ? "no-limit" : memory.neededBytes <= limit.value ? "fits" : (fewest ?? memory).neededBytes > limit.value ? "exceeds-limit" : "context-decides";
      return { status: "cpu", deployment, values, resolved, host: { verdict, memory, ...(fewest ? { fewest } : {}), ...(limit ? { limit } : {}) } };
    } catch (error) {
      if (error instanceof SizingInputError) return { status: "invalid", deployment, values, resolved, message: error.message };
      throw error;
    }
  };
  const resolution = resolveOnce(settings, cpuValues, deployment.layoutOwner, carrier);
  if (resolution.ok) return judgeResolved(resolution.resolved);
  // A GGUF file of no type, or of one sized only within bounds: judged where the bounds agree, as on GPUs (judgeGgufBounds).
  const bounds = resolution.unresolved.reason === "unknown-quantization" && onCpu.memoryLimit ? ggufBounds(settings.catalog, resolution.unresolved.written) : undefined;
  for (const { format, says, verdict } of bounds?.ends ?? []) {
    const bounded = resolveOnce(settings, cpuValues, deployment.layoutOwner, carrier, format);
    if (!bounded.ok) break;
    const judged = judgeResolved(bounded.resolved, `${bounds!.why}; judged at ${format.label}, ${says}`);
    if (judged.status === "cpu" && judged.host.verdict === verdict) return judged;
  }
  return { status: "unresolved", deployment, values, unresolved: resolution.unresolved };
}

/** The two formats a GGUF file's weights lie between, the verdict each can decide, and why the type is not known exactly. */
interface GgufBounds {
  why: string;
  ends: Array<{ format: QuantizationFormat; says: string; verdict: "fits" | "exceeds-limit" }>;
}

/**
 * Bounds for a GGUF type the catalog does not size exactly: a file whose name states none lies between
 * GGUF's largest type for a language model (16-bit) and the smallest the catalog sizes; Unsloth's
 * `Q8_K_XL` is Q8_0 with some layers kept at BF16 (docs.unsloth.ai, "Dynamic 2.0"), so between the
 * two. Undefined for any other unknown type.
 */
function ggufBounds(catalog: Catalog, written: string): GgufBounds | undefined {
  const gguf = catalog.formats.filter((format) => format.id.startsWith("gguf-") && format.bitsPerWeight <= 16);
  if (gguf.length === 0) return undefined;
  const largest = gguf.reduce((a, b) => (b.bitsPerWeight > a.bitsPerWeight ? b : a));
  const q8 = gguf.find((format) => format.id === "gguf-q8_0");
  const smallest = written === GGUF_WITHOUT_TYPE ? gguf.reduce((a, b) => (b.bitsPerWeight < a.bitsPerWeight ? b : a)) : isGgufQ8WithWideLayers(written) ? q8 : undefined;
  if (!smallest) return undefined;
  return {
    why: written === GGUF_WITHOUT_TYPE ? "the file name states no quantization type" : `${written} keeps some layers at 16 bits beside Q8_0`,
    ends: [
      { format: largest, says: "the largest, and it fits", verdict: "fits" },
      { format: smallest, says: "the smallest, and even so it does not fit", verdict: "exceeds-limit" },
    ],
  };
}

/**
 * A GGUF file whose name states no type, judged where every type agrees: it fits with its weights on
 * the GPUs even as a 16-bit file (GGUF's largest for a language model), or its memory does not hold
 * it even at the smallest type the catalog sizes. Between the two the type decides, and it stays
 * unsized (undefined).
 */
function judgeGgufBounds(deployment: Deployment, settings: VramSettings, values: DeploymentValues, bounds: GgufBounds): JudgedDeployment | undefined {
  const decides: Record<"fits" | "exceeds-limit", (estimate: MemoryEstimate, request: SizingRequest) => boolean> = { fits: holdsIt, "exceeds-limit": (estimate) => estimate.verdict !== "fits" };
  for (const { format, verdict, says } of bounds.ends) {
    const resolution = resolveOnce(settings, values, deployment.layoutOwner, undefined, format);
    if (!resolution.ok) return undefined;
    try {
      const resolved = fittedContext(withAssumptions(resolution.resolved, deployment), deployment);
      if (refusedContext(deployment, values, resolved)) return undefined;
      const estimate = estimateOnce(resolved.request);
      if (!decides[verdict](estimate, resolved.request)) continue;
      const assumption = `${bounds.why}; judged at ${format.label}, ${says}`;
      return { status: "judged", deployment, values, resolved: assuming(resolved, assumption), estimate };
    } catch (error) {
      if (error instanceof SizingInputError) return undefined;
      throw error;
    }
  }
  return undefined;
}

/**
 * Whether the GPUs hold a deployment: no memory rule would report it (a context the engine shortens
 * included), and the weights stay on them unless the file itself keeps some on the CPU
 * (`--cpu-offload-gb`, `-ngl`, `--n-cpu-moe`; `-ngl -1` leaves the layers to the engine, and the
 * request has none then). Where an engine moves layers to the CPU on its own (Ollama's scheduler,
 * llama.cpp `--fit`), it runs, but at the speed of CPU memory.
 */
function holdsIt(estimate: MemoryEstimate, request: SizingRequest): boolean {
  const offloadAsked = request.cpuOffloadBytes !== undefined || request.gpuLayers !== undefined || request.cpuMoeLayers !== undefined;
  return memoryFinding(estimate, 1) === undefined && (offloadAsked || estimate.offloadedWeightBytesPerGpu === 0);
}

/** `--max-model-len auto` written in the file: judged at the context the engine fits. */
function fittedContext(resolved: ResolvedDeployment, deployment: Deployment): ResolvedDeployment {
  return deployment.maxModelLenAuto ? withAutoContext(resolved, deployment.maxModelLenAuto.raw, estimateOnce) : resolved;
}

/** The resolution with more it assumes (the same object when there are none). */
function assuming(resolved: ResolvedDeployment, ...notes: string[]): ResolvedDeployment {
  return notes.length > 0 ? { ...resolved, assumptions: [...resolved.assumptions, ...notes] } : resolved;
}

/** The resolution with what extraction assumed (a compose default) added to what resolving did. */
function withAssumptions(resolved: ResolvedDeployment, deployment: Deployment): ResolvedDeployment {
  return assuming(resolved, ...(deployment.assumptions ?? []));
}

/** A context the engine refuses to start with (judge/context-limit.ts): not judged, and reported at the value. */
function refusedContext(deployment: Deployment, values: DeploymentValues, resolved: ResolvedDeployment): JudgedDeployment | undefined {
  const setting = deployment.fields.maxModelLen?.source ?? "max model length";
  const refusal = contextRefusal(resolved, values.maxModelLen, setting, deployment.contextOverridable === true);
  return refusal ? { status: "invalid", deployment, values, resolved, message: refusalText(refusal), refusal } : undefined;
}

/** The GPU resource a deployment requests (`amd.com/gpu`), which says whose GPUs it can land on. */
function gpuResource(deployment: Deployment): string | undefined {
  return deployment.fields.gpuCount?.source ?? deployment.unresolved.gpuCount?.source;
}

/** Kernel problems that depend on the GPU (a flag that contradicts the checkpoint does not). */
function formatRunsOn(catalog: Catalog, resolved: ResolvedDeployment, values: DeploymentValues, gpu: GpuEntry): boolean {
  return checkQuantization(catalog, { ...resolved, request: { ...resolved.request, gpu } }, values).every((problem) => problem.kind === "flag-mismatch");
}

/**
 * Range verdicts by catalog, then by everything they depend on: a repository's manifests repeat the
 * same model at the same layout, and each verdict costs several estimates and a kernel check per GPU.
 */
const ranges = new WeakMap<Catalog, BoundedCache<{ judgedOn: GpuEntry; range: GpuRange } | { invalid: string }>>();

/** A deployment that names no GPU type, judged on the range of GPUs it could be scheduled on (see `judge/gpu-range.ts`). */
function judgeRange(deployment: Deployment, settings: VramSettings, values: DeploymentValues): JudgedDeployment {
  const { catalog } = settings;
  const vendor = deployment.gpuVendor ?? vendorOfResource(gpuResource(deployment));
  const first = resolveOnce(settings, values, deployment.layoutOwner, catalog.gpus[0]);
  if (!first.ok) return { status: "unresolved", deployment, values, unresolved: first.unresolved };
  // The model's context does not depend on the GPU: a refusal holds on every GPU of the range.
  const refused = refusedContext(deployment, values, first.resolved);
  if (refused) return refused;
  const key =
    valuesKey(values, settings.defaults) +
    JSON.stringify([deployment.layoutOwner ?? null, vendor, deployment.gpuMemoryRange ?? null, settings.cluster?.gpus.map((gpu) => gpu.id) ?? null, deployment.maxModelLenAuto ? "auto" : null]);
  const verdict = cacheOf(ranges, catalog, 256).get(key, () => rangeVerdict(settings, values, deployment, vendor, first.resolved));
  if ("invalid" in verdict) return { status: "invalid", deployment, values, resolved: first.resolved, message: verdict.invalid };
  const { judgedOn, range } = verdict;
  const resolution = resolveOnce(settings, values, deployment.layoutOwner, judgedOn);
  if (!resolution.ok) return { status: "unresolved", deployment, values, unresolved: resolution.unresolved };
  const resolved = fittedContext(resolution.resolved, deployment);
  // The judged-on GPU by memory: the smallest that holds it, else the largest it could land on.
  const which = range.source === "cluster" ? `${range.fitting.length > 0 ? "smallest" : "largest"} of settings.vram.cluster` : `${range.fitting.length > 0 ? "smallest" : "largest"} ${vendorDevice(vendor)}`;
  const assumption = `no ${deviceNoun(vendor)} type is named; judged on the ${shortGpuName(judgedOn)}, the ${which}${range.fitting.length > 0 ? " that holds it" : ""}`;
  return { status: "judged", deployment, values, resolved: withAssumptions(assuming(resolved, assumption), deployment), estimate: estimateOnce(resolved.request), range };
}

/** The split of the range and the GPU to judge on: the smallest it fits, else the largest it could land on (with kernels for its format), the best case. */
function rangeVerdict(settings: VramSettings, values: DeploymentValues, deployment: Deployment, vendor: GpuEntry["vendor"], first: ResolvedDeployment): { judgedOn: GpuEntry; range: GpuRange } | { invalid: string } {
  const { catalog } = settings;
  const candidates = rangeCandidates(catalog.gpus, vendor, settings.cluster?.gpus, first.request.engine);
  if (candidates.source === "catalog" && !engineRunsOnVendor(first.request.engine, vendor)) return { invalid: `${engineById(first.request.engine).displayName} does not run on ${vendorDevice(vendor)}s` };
  const gpus = withinMemory(candidates.gpus, deployment.gpuMemoryRange);
  if (gpus.length === 0) return { invalid: `no GPU of ${candidates.source === "cluster" ? "settings.vram.cluster" : "the catalog"} has the memory the file allows` };
  const fits = (gpu: GpuEntry) => {
    const resolution = resolveOnce(settings, values, deployment.layoutOwner, gpu);
    if (!resolution.ok) return false;
    const { request } = fittedContext(resolution.resolved, deployment);
    return holdsIt(estimateOnce(request), request);
  };
  try {
    const profile = engineById(first.request.engine);
    const split = splitRange(gpus, fits, (gpu) => formatRunsOn(catalog, first, values, gpu), (gpu) => profile.gpuBatchClass?.(gpu) ?? "");
    const judgedOn = split.fitting[0] ?? (split.failing.find((entry) => entry.why === "memory") ?? split.failing[0])!.gpu;
    return { judgedOn, range: { source: candidates.source, vendor, ...split } };
  } catch (error) {
    if (error instanceof SizingInputError) return { invalid: error.message };
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
  const source = judged.deployment.fields.gpuType?.source ?? "";
  // What tells them apart where the type is written: a Slurm GPU type is the site's name for it.
  if (source.startsWith("#SBATCH")) return ` It fits the ${names}; a GPU type that names its memory says which.`;
  const memoryLabel = source === "karpenter.k8s.aws/instance-gpu-name" ? "karpenter.k8s.aws/instance-gpu-memory" : "nvidia.com/gpu.memory";
  return ` It fits the ${names}; a ${memoryLabel} label says which.`;
}
