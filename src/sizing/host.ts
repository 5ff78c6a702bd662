/**
 * Host memory of a deployment served from the CPU (llama.cpp, Ollama, TEI's CPU images with no GPU
 * requested): the whole weight file, the KV cache the engine allocates for its context, and the
 * compute buffer of a forward pass, all in the container's memory. Pure; read off an estimate made
 * with every layer on one device, so the weight and KV arithmetic is the estimator's own.
 */
import type { MemoryEstimate } from "./types.js";

export interface HostMemory {
  /** The whole model at its stored format (llama.cpp and Ollama map the GGUF file into memory). */
  weightBytes: number;
  /** The KV cache allocated for the context (every slot's, for an engine that allocates it up front); 0 for an encoder. */
  kvCacheBytes: number;
  /** The compute buffer of one forward pass (llama.cpp's graph for a 512-token micro-batch; TEI's batch). */
  computeBytes: number;
  /** The server's own processes beyond all that (vLLM's CPU build: three that each import torch); 0 for most engines. */
  runtimeBytes: number;
  neededBytes: number;
  /** The context the KV cache is allocated for. */
  contextTokens: number;
}

/**
 * The host memory an estimate with every layer on one device describes. Engines that serve on the
 * CPU allocate their KV cache for the context up front (llama.cpp `-c`, Ollama `num_ctx` ×
 * parallel) or at the size they are given (vLLM's CPU build), which is the estimate's KV cache; an
 * encoder keeps none. The device's own runtime
 * (CUDA context, graphs) is not counted: the CPU has none.
 */
export function hostMemoryOf(estimate: MemoryEstimate, runtimeBytes = 0): HostMemory {
  const kvCacheBytes = estimate.kvBytesPerToken === 0 ? 0 : estimate.perGpu.kvCacheBytes;
  const computeBytes = estimate.perGpu.activationBytes;
  return {
    weightBytes: estimate.totalWeightBytes,
    kvCacheBytes,
    computeBytes,
    runtimeBytes,
    neededBytes: estimate.totalWeightBytes + kvCacheBytes + computeBytes + runtimeBytes,
    contextTokens: estimate.maxModelLen,
  };
}
