/**
 * Engine releases as people write them — an image tag (`vllm/vllm-openai:v0.10.1`,
 * `lmsysorg/sglang:v0.4.6.post1-cu124`, `ghcr.io/ggml-org/llama.cpp:server-cuda-b6000`), a pip
 * version (`1.0.0rc6`), `--engine-version`, or `settings.vram.engineVersions` — read into numbers
 * that compare. Memory semantics that changed between releases ask `atLeast`; a version that does
 * not parse (`latest`, `nightly`, `sha-3f2a1b`) or is absent means the current release.
 */

/** A release as numbers: `[0, 10, 1]` for `v0.10.1`, `[6000]` for llama.cpp build `b6000`. */
export type Release = readonly number[];

/**
 * Tags that name a moving release rather than a version — `latest`, `nightly`, llama.cpp's
 * `server-cuda`, Ollama's `rocm` — so they mean the current one.
 */
export const MOVING_TAG = /^(latest|nightly|main|master|stable|dev|edge|release|head|rocm|cuda|((server|full|light)(-[a-z0-9]+)?))$/i;

/**
 * The release a written version names, or undefined when it names none (a moving tag, a commit
 * hash). `numbering` is how the engine numbers releases: `semver` (`0.10.1`, `v3.3.6-rocm`,
 * `0.4.6.post1`, `1.0.0rc6`) or `build` (llama.cpp's `b6000`, also inside `server-cuda-b6000`).
 */
export function parseRelease(written: string | undefined, numbering: "semver" | "build"): Release | undefined {
  if (written === undefined) return undefined;
  const text = written.trim();
  if (text === "" || MOVING_TAG.test(text)) return undefined;
  if (numbering === "build") {
    const build = /(?:^|[-_:])b(\d{3,6})(?:$|[-_.])/i.exec(text) ?? /^(\d{3,6})$/.exec(text);
    return build ? [Number(build[1])] : undefined;
  }
  // A source build without tags reports `0.1.devN+g<commit>` (setuptools-scm): no release at all.
  if (/^v?0\.1\.dev\d/i.test(text)) return undefined;
  // A leading `v`, then dotted numbers; anything after (`.post1`, `rc6`, `-cu124`, `-rocm`) is a build of that release.
  const match = /^v?(\d{1,4})(?:\.(\d{1,4}))?(?:\.(\d{1,4}))?(?![\d])/i.exec(text);
  if (!match) return undefined;
  return [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)];
}

/** Compares two releases component by component (missing components are 0). */
export function compareReleases(a: Release, b: Release): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** Whether `release` is `minimum` or later; an unknown release is the current one, so it is. */
export function atLeast(release: Release | undefined, minimum: Release): boolean {
  return release === undefined || compareReleases(release, minimum) >= 0;
}

/** A release as written back for messages (`0.10.1`, `b6000`). */
export function releaseText(release: Release, numbering: "semver" | "build"): string {
  return numbering === "build" ? `b${release[0]}` : release.join(".");
}
