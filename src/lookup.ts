/** Plain data read from a user's file (settings, Helm values): a mapping, not a list or a scalar. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * A table lookup keyed by text from the user's file: only the table's own entries count, so a
 * written `toString` or `constructor` is an unknown key, not a property of every object.
 */
export function lookup<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Sets an own property even when the key is `__proto__`, so written keys never reach a prototype. */
export function setOwn(target: object, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}
