// The `process` global some bundled packages read (environment, platform), as a browser has none.
export const process = { env: {}, platform: "browser", argv: [], versions: {}, cwd: () => "/", emitWarning() {}, nextTick: (callback, ...args) => queueMicrotask(() => callback(...args)) };
