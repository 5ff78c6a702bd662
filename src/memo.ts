/**
 * Per-process caches of pure results (resolutions, estimates, remedies, image names): a repository
 * repeats the same model on the same GPUs across files. Bounded, oldest entry out first; cached
 * values are shared and treated as read-only by every reader.
 */
export class BoundedCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly limit: number) {}

  get(key: string, compute: () => V): V {
    if (this.entries.has(key)) return this.entries.get(key)!;
    const value = compute();
    if (this.entries.size >= this.limit) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, value);
    return value;
  }
}

/** The cache kept for `owner` (a catalog, a model entry), created on first use and dropped with the owner. */
export function cacheOf<Owner extends object, V>(caches: WeakMap<Owner, BoundedCache<V>>, owner: Owner, limit: number): BoundedCache<V> {
  let cache = caches.get(owner);
  if (!cache) caches.set(owner, (cache = new BoundedCache(limit)));
  return cache;
}
