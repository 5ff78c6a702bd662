/**
 * Speed calibration: the efficiencies and fixed costs the speed model (src/sizing/speed.ts)
 * multiplies its byte and FLOP counts by. Each engine module names its own (`speed`); the values
 * are fitted by `npm run calibrate:speed -- --fit` on the fit split of
 * test/calibration/speed-cases.json (measured serving runs, each with its source); the held-out
 * split is only scored.
 *
 * What each constant means:
 * - `bandwidthEfficiency`: share of the GPU's datasheet memory bandwidth a decode step's reads reach
 *   (weights, touched experts, KV). facts/speed.md: 0.75–0.9 at batch 1 on one GPU.
 * - `computeEfficiency`: share of dense tensor TFLOPS the batched decode GEMMs (and the prefill
 *   chunks mixed into decode steps) reach.
 * - `prefillEfficiency`: the same for a lone prefill (time to first token), where GEMMs are large.
 * - `stepOverheadMs`: fixed cost per decode step (scheduling, sampling, kernel launches that CUDA
 *   graphs do not hide); facts/speed.md: ≈ 0.5 ms at TP 1 on H100 vLLM.
 * - `perSequenceUs`: per-sequence cost per step (sampling, detokenization, block tables).
 * - `allReduceUs`: latency of one tensor-parallel all-reduce (two per layer) over NVLink or PCIe —
 *   the fixed cost that grows with TP (facts/speed.md: several ms per step at TP 4–8 on H100).
 * - `rangeLow`/`rangeHigh`: the measured/estimated ratios shown with every estimate (the band 80 %
 *   of the calibration runs fall in, widened), so it never reads as more precise than it is.
 */

export interface SpeedCalibration {
  bandwidthEfficiency: number;
  computeEfficiency: number;
  prefillEfficiency: number;
  stepOverheadMs: number;
  perSequenceUs: number;
  allReduceUs: { nvlink: number; pcie: number };
  rangeLow: number;
  rangeHigh: number;
}

/**
 * One set of constants fitted on the fit split of test/calibration/speed-cases.json (SGLang and
 * vLLM runs on B200, H100 and H200; `npm run calibrate:speed -- --fit`), which the held-out
 * TensorRT-LLM (NIM) and vLLM runs then score: the engines' kernels differ less than the spread of
 * the measurements allows to tell apart. See docs/speed.md for the table and its sources.
 */
export const MEASURED_SPEED: SpeedCalibration = {
  bandwidthEfficiency: 0.708,
  computeEfficiency: 0.45,
  prefillEfficiency: 0.6,
  stepOverheadMs: 0.952,
  perSequenceUs: 0,
  // Not fitted (no PCIe multi-GPU runs in the set): NCCL's ring latency over PCIe, ~2× NVLink's.
  allReduceUs: { nvlink: 30.2, pcie: 60 },
  // The runs' 10th–90th percentile of measured/estimated is 0.90–1.12; shown widened to 0.75–1.5×
  // because the runs cover few GPU classes and engines.
  rangeLow: 0.75,
  rangeHigh: 1.5,
};

/** An engine's speed calibration, and the engine whose measured runs it was fitted on. */
export interface EngineSpeed {
  calibration: SpeedCalibration;
  /** The engine id the constants were fitted or scored on; another id means they are borrowed. */
  fittedOn: string;
}
