import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/support/fast-check-seed.ts"],
    testTimeout: 30_000,
    // Every re-parse of part of a file (src/reparse.ts) is compared with a full parse of it.
    env: { VRAM_CHECK_REPARSE: "1" },
    hookTimeout: 120_000,
  },
});
