import type { DeploymentValues, LayoutOwner } from "../resolve.js";
import type { AstNode, DocNode } from "./doc.js";
import type { Engine } from "../sizing/types.js";

export type FieldName = keyof DeploymentValues;

/** A value and where it is written, so a report underlines it and a fix replaces exactly it. */
export interface Located<T> {
  value: T;
  /** The AST node that holds the value (a scalar, or the string a flag sits in). */
  node: AstNode;
  /** Source range of exactly the value inside a larger string (a flag value in a shell command). */
  range?: [number, number];
  /** The value cannot be edited where it is reported (it was parsed out of a string, or comes from elsewhere). */
  readonly?: boolean;
  /** The setting that holds it, for messages: `--tensor-parallel-size`, `nvidia.com/gpu`, `resourceProfile`. */
  source: string;
  /**
   * What removing the setting takes: the list items of a flag and its value, or the source range of
   * `--flag value` inside a shell string. Absent when it cannot be removed by a local edit.
   */
  removal?: { items: DocNode[] } | { range: [number, number] };
  /** Other places that must hold the same value (a pod's GPU `requests` beside its `limits`). */
  mirrors?: Array<Located<T>>;
  /**
   * Further values the setting takes in turn, each judged as a deployment of its own: the other
   * models an Ollama script pulls into the same server, which loads one when it is asked for.
   */
  others?: Array<Located<string>>;
}

export type LocatedFields = { [K in FieldName]?: Located<NonNullable<DeploymentValues[K]>> };

/** A text edit: replace `range` (zero width: insert) with `text`. */
export interface TextEdit {
  range: [number, number];
  text: string;
}

/** Where engine flags live, so a suggestion can add one that is not written yet. */
export type ArgsTarget =
  /** A YAML/JSON list of argument tokens; `equals`: the list writes `--flag=value` as one item. */
  | { kind: "list"; node: DocNode; equals: boolean }
  /** A shell string; flags are inserted at `insertAt` (after the engine command's last token). */
  | { kind: "string"; node: DocNode; insertAt: number }
  /** A mapping of settings (vLLM `--config` YAML, Ray `engine_kwargs`, app configs); keys in the file's style. */
  | { kind: "map"; node: DocNode; keyStyle: "snake" | "kebab" | "camel" };

/**
 * Why a written value could not be read statically:
 * - `template`: Helm/Go `{{ }}` or Jinja (quoted or not);
 * - `variable`: `${VAR}`, `$(VAR)`, `$VAR` set at deploy time;
 * - `reference`: a storage location (`pvc://`, `s3://`, a local path) or a name defined elsewhere;
 * - `invalid`: a value no engine or scheduler accepts (`nvidia.com/gpu: -1`, TP `1.5`);
 * - `unsupported`: a valid setting this plugin cannot size (a MIG slice, an Ascend NPU).
 */
export interface UnresolvedValue {
  raw: string;
  node: AstNode;
  /**
   * `chart-template`: the deployment sits in a Go template (a Helm chart's `templates/`) whose control
   * lines (`{{- if }}`, `{{- toYaml .Values.resources | nindent 12 }}`) may add or drop any setting:
   * only the rendered output can be judged.
   */
  reason: "template" | "variable" | "reference" | "invalid" | "unsupported" | "chart-template";
  /** Exact source range of the value inside a larger string (a flag in a shell command). */
  range?: [number, number];
  /** The setting as the file names it (`--tensor-parallel-size`, `nvidia.com/gpu`), for messages. */
  source?: string;
  /** For `unsupported`: what the file asks for, as a phrase (`a MIG slice (nvidia.com/mig-4g.71gb)`). */
  note?: string;
  /**
   * The least the value can be, where the file leaves it to the host (`count: all`: at least one
   * GPU). A deployment that fits there fits at any larger count, where each GPU holds less.
   */
  atLeast?: number;
  /**
   * No GPU is requested, so the container runs where the node puts it: on the CPU, for an engine
   * that can (`onCpu` in its profile). The image it runs, which says whether it is a CPU build, the
   * memory the container is limited to, and the setting that limits it (`resources.limits.memory`,
   * compose `mem_limit`), written or not.
   */
  onCpu?: { image?: string; memoryLimit?: MemoryLimit; limitSetting: string };
  /**
   * The engine is started by a script the file does not show (`bash service.sh $MODEL_PATH`): the
   * engine the image or the script's path names, if any. The deployment is then judged at the
   * most favourable reading of the script (analysis.ts `judgeUnseenLaunch`).
   */
  unseenLaunch?: { engine?: Engine };
  /** GPUs of one of these vendors, which the file does not say (`/dev/dri` given to a Vulkan build: AMD's or Intel's). */
  vendors?: ReadonlyArray<"amd" | "intel">;
}

/**
 * A container's memory limit in bytes, with how its setting writes sizes: Kubernetes quantities
 * (`4Gi`, `16G` decimal) or Docker's binary multiples (`8g`, `6G`), times `scale` for a bare number
 * (kreuzwerker/docker's `memory` counts MB), so a fix writes the limit as the file does.
 */
export interface MemoryLimit extends Located<number> {
  style: "kubernetes" | "docker";
  scale: number;
}

/** GPU memory bounds a format states instead of a GPU type (dstack `24GB..80GB`), in GiB. */
export interface GpuMemoryRange {
  minGiB?: number;
  maxGiB?: number;
}

export interface Deployment {
  /** The adapter that found it: `kubernetes`, `app-config`, `kubeai`… */
  format: string;
  /** What the user calls it: `Deployment`, `InferenceService`, `app config`. */
  kind: string;
  /** `metadata.name`, or the key of the object. */
  name: string | undefined;
  fields: LocatedFields;
  /** Settings written as templates or variables that could not be resolved; judging them would be a guess. */
  unresolved: Partial<Record<FieldName, UnresolvedValue>>;
  /** The node a finding falls back to when no single value is to blame (the container, the object). */
  anchor: AstNode;
  /** The engine's release as the file states it (the image tag of `vllm/vllm-openai:v0.10.1`). */
  engineVersion?: string;
  /** Where engine flags live, to add `--max-model-len`, `--quantization`… */
  args?: ArgsTarget;
  /**
   * Where a GPU count or type that is not written yet would go, per format (e.g. a pod's
   * `resources.limits`), when the adapter knows.
   */
  resourceTarget?: DocNode;
  /**
   * The pod specs (or a chart's values) where a `nodeSelector` pinning the GPU type would go, all
   * of which must agree (an LWS leader and its workers). Absent when the format has no such place.
   */
  placementTargets?: DocNode[];
  /** Who settles the parallel layout when the file leaves it out (see `LayoutOwner`); absent: the engine's defaults. */
  layoutOwner?: LayoutOwner;
  /**
   * The config a llama-swap server reads, from a ConfigMap of the same file: the deployment stands
   * for the models that config starts, each on this server's GPUs (extract/index.ts reads them).
   */
  swapConfig?: DocNode;
  /** The objects whose annotations may suppress findings (the workload and its pod template). */
  annotationHolders?: DocNode[];
  /** No GPU type, but the GPU memory it may land on: the range it is judged on is narrowed to it. */
  gpuMemoryRange?: GpuMemoryRange;
  /** Whose GPUs it asks for, where the file says so apart from its GPU resource (LLMKube's `hardware.gpu.vendor`). */
  gpuVendor?: "nvidia" | "amd" | "intel";
  /**
   * `--max-model-len auto` (vLLM, KAITO) or `-1`: the engine picks the largest context the KV cache
   * holds, so a too-small cache shortens the context rather than stopping the start.
   */
  maxModelLenAuto?: { node: AstNode; raw: string };
  /**
   * The largest model the serving configuration claims to serve (an OME runtime's
   * `modelSizeRange.max`): checked against the GPUs at the judged model's weight format.
   */
  sizeClaim?: { parameters: number; written: string; node: AstNode };
  /**
   * The file may let the engine serve past the model's own context, or change what that context is
   * (see `CONTEXT_OVERRIDE` in extract/index.ts): a context longer than the model's is then no refusal.
   */
  contextOverridable?: true;
  /** What extraction had to assume, for messages (`MODEL at its default (Qwen/Qwen3-8B)` for `${MODEL:-Qwen/Qwen3-8B}`). */
  assumptions?: string[];
  /** Terraform JSON `"//"` comments and similar in-data notes on the object. */
  notes?: DocNode[];
  /**
   * The value that switches this deployment off (`enabled: false` of a Helm values entry): the
   * chart renders nothing for it unless a later values file turns it on. Rules may skip it or
   * lower the severity.
   */
  disabled?: { node: AstNode; source: string };
}
