/**
 * Property tests run with a fixed seed, so a run of `npm test` is reproducible and a red CI always
 * points at a change rather than at a lucky draw. `FAST_CHECK_SEED=random npm test` explores new
 * inputs; `FAST_CHECK_SEED=<n>` replays a reported counterexample.
 */
import fc from "fast-check";

const requested = process.env.FAST_CHECK_SEED;
if (requested !== "random") {
  const seed = requested === undefined ? 20_261_122 : Number(requested);
  if (!Number.isInteger(seed)) throw new Error(`FAST_CHECK_SEED must be an integer or "random", got "${requested}"`);
  fc.configureGlobal({ seed });
}
