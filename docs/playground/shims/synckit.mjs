// eslint-plugin-jsonc's worker-thread bridge (for its "auto" config); the page never calls it.
export function createSyncFn() {
  return () => {
    throw new Error("not available in the browser");
  };
}
