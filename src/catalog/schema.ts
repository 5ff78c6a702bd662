/**
 * JSON Schemas of the catalog entries (mirroring `types.ts`). The bundled data is checked against
 * them by the test suite; user entries in `settings.vram` are checked at lint time.
 */

const positiveInt = { type: "integer", minimum: 1 } as const;
const nonNegativeInt = { type: "integer", minimum: 0 } as const;
const sources = { type: "array", items: { type: "string", minLength: 1 }, minItems: 1 } as const;
const notes = { type: "array", items: { type: "string" } } as const;

export const modelSchema = {
  type: "object",
  additionalProperties: false,
  required: [
    "id", "aliases", "architecture", "layers", "hiddenSize", "intermediateSize", "attentionHeads", "kvHeads", "headDim",
    "vocabSize", "tieWordEmbeddings", "maxPositionEmbeddings", "attention", "windowedAttention", "recurrent", "moe",
    "params", "nativeFormat", "checkpointBytes", "sources",
  ],
  properties: {
    id: { type: "string", pattern: "^[^\\s/]+/[^\\s/]+$" },
    aliases: { type: "array", items: { type: "string", pattern: "^[^\\s/]+/[^\\s/]+$" } },
    architecture: { type: "string", minLength: 1 },
    layers: positiveInt,
    hiddenSize: positiveInt,
    intermediateSize: { anyOf: [positiveInt, { type: "null" }] },
    attentionHeads: positiveInt,
    kvHeads: positiveInt,
    headDim: positiveInt,
    vocabSize: positiveInt,
    tieWordEmbeddings: { type: "boolean" },
    maxPositionEmbeddings: positiveInt,
    attention: {
      oneOf: [
        { type: "object", additionalProperties: false, required: ["kind"], properties: { kind: { enum: ["mha", "gqa"] } } },
        {
          type: "object",
          additionalProperties: false,
          required: ["kind", "kvLoraRank", "qkRopeHeadDim", "qkNopeHeadDim", "vHeadDim", "qLoraRank"],
          properties: {
            kind: { const: "mla" },
            kvLoraRank: positiveInt,
            qkRopeHeadDim: positiveInt,
            qkNopeHeadDim: positiveInt,
            vHeadDim: positiveInt,
            qLoraRank: { anyOf: [positiveInt, { type: "null" }] },
          },
        },
      ],
    },
    windowedAttention: {
      anyOf: [
        { type: "null" },
        {
          type: "object",
          additionalProperties: false,
          required: ["kind", "window", "layers"],
          properties: { kind: { enum: ["sliding", "chunked"] }, window: positiveInt, layers: positiveInt },
        },
      ],
    },
    recurrent: {
      anyOf: [
        { type: "null" },
        {
          type: "object",
          additionalProperties: false,
          required: ["kind", "layers", "stateBytesPerSequencePerLayer", "paramsPerLayer"],
          properties: {
            kind: { enum: ["mamba", "linear-attention"] },
            layers: positiveInt,
            stateBytesPerSequencePerLayer: { type: "number", minimum: 0 },
            paramsPerLayer: { anyOf: [{ type: "number", minimum: 0 }, { type: "null" }] },
          },
        },
      ],
    },
    moe: {
      anyOf: [
        { type: "null" },
        {
          type: "object",
          additionalProperties: false,
          required: ["experts", "expertsPerToken", "expertIntermediateSize", "sharedExperts", "sharedExpertIntermediateSize", "moeLayers"],
          properties: {
            experts: positiveInt,
            expertsPerToken: positiveInt,
            expertIntermediateSize: positiveInt,
            sharedExperts: nonNegativeInt,
            sharedExpertIntermediateSize: { anyOf: [positiveInt, { type: "null" }] },
            moeLayers: positiveInt,
          },
        },
      ],
    },
    params: {
      type: "object",
      additionalProperties: false,
      required: ["total", "active"],
      properties: {
        total: { type: "number", exclusiveMinimum: 0 },
        active: { type: "number", exclusiveMinimum: 0 },
        vision: { type: "number", minimum: 0 },
        mtp: { type: "number", minimum: 0 },
      },
    },
    nativeFormat: { type: "string", minLength: 1 },
    checkpointBytes: { anyOf: [{ type: "number", exclusiveMinimum: 0 }, { type: "null" }] },
    sources,
    notes,
  },
} as const;

export const checkpointSchema = {
  type: "object",
  additionalProperties: false,
  required: ["name", "kind", "model", "format", "sources"],
  properties: {
    name: { type: "string", minLength: 1 },
    kind: { enum: ["hf-repo", "ollama", "nim", "kaito-preset"] },
    model: { type: "string", minLength: 1 },
    format: { anyOf: [{ type: "string", minLength: 1 }, { type: "null" }] },
    sources,
  },
} as const;

export const quantizationSchema = {
  type: "object",
  additionalProperties: false,
  required: [
    "id", "label", "bitsPerWeight", "appliesTo", "kind", "minComputeCapability", "nativeComputeCapability",
    "needsPrequantizedCheckpoint", "vllmQuantization", "aliases", "sources",
  ],
  properties: {
    id: { type: "string", pattern: "^[a-z0-9_.-]+$" },
    label: { type: "string", minLength: 1 },
    bitsPerWeight: { type: "number", exclusiveMinimum: 0, maximum: 32 },
    appliesTo: { enum: ["all", "linear", "experts"] },
    kind: { enum: ["float", "weight-only", "weight-activation"] },
    minComputeCapability: { anyOf: [{ type: "number" }, { type: "null" }] },
    nativeComputeCapability: { anyOf: [{ type: "number" }, { type: "null" }] },
    needsPrequantizedCheckpoint: { type: "boolean" },
    vllmQuantization: { anyOf: [{ type: "string" }, { type: "null" }] },
    aliases: { type: "array", items: { type: "string", minLength: 1 } },
    sources,
    notes,
  },
} as const;

export const gpuSchema = {
  type: "object",
  additionalProperties: false,
  required: [
    "id", "name", "vendor", "architecture", "memoryBytes", "memorySource", "memoryBandwidthGBps", "computeCapability",
    "bf16", "fp8", "fp4", "interconnect", "hostLinkGBps", "names", "labels", "sources",
  ],
  properties: {
    id: { type: "string", pattern: "^[a-z0-9][a-z0-9.-]*$" },
    name: { type: "string", minLength: 1 },
    vendor: { enum: ["nvidia", "amd", "intel", "google", "aws", "apple"] },
    architecture: { type: "string", minLength: 1 },
    memoryBytes: { type: "number", minimum: 2 ** 30 },
    memorySource: { enum: ["nvidia-smi", "cloud-api", "marketed"] },
    memoryBandwidthGBps: { anyOf: [{ type: "number", exclusiveMinimum: 0 }, { type: "null" }] },
    computeCapability: { anyOf: [{ type: "number", minimum: 3, maximum: 20 }, { type: "null" }] },
    bf16: { type: "boolean" },
    fp8: { type: "boolean" },
    fp4: { type: "boolean" },
    interconnect: { anyOf: [{ type: "string" }, { type: "null" }] },
    hostLinkGBps: { anyOf: [{ type: "number", exclusiveMinimum: 0 }, { type: "null" }] },
    names: { type: "array", items: { type: "string", minLength: 1 } },
    labels: {
      type: "object",
      additionalProperties: false,
      properties: {
        gfd: { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9._-]*$" },
        gke: { type: "string", pattern: "^nvidia-[a-z0-9-]+$" },
        karpenter: { type: "string", pattern: "^[a-z0-9-]+$" },
        kubeai: { type: "string", pattern: "^[a-z]+-gpu-[a-z0-9-]+$" },
      },
    },
    sources,
    notes,
  },
} as const;

export const ambiguousGpuNameSchema = {
  type: "object",
  additionalProperties: false,
  required: ["name", "gpu", "alternatives", "reason"],
  properties: {
    name: { type: "string", minLength: 1 },
    gpu: { type: "string", minLength: 1 },
    alternatives: { type: "array", items: { type: "string" } },
    reason: { type: "string", minLength: 1 },
  },
} as const;

export const instanceSchema = {
  type: "object",
  additionalProperties: false,
  required: ["id", "cloud", "gpu", "gpuCount", "aliases", "sources"],
  properties: {
    id: { type: "string", minLength: 1 },
    cloud: { enum: ["aws", "gcp", "azure", "oci"] },
    gpu: { type: "string", minLength: 1 },
    gpuCount: positiveInt,
    aliases: { type: "array", items: { type: "string", minLength: 1 } },
    sources,
  },
} as const;
