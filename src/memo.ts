/**
 * Per-process caches of pure results (resolutions, estimates, remedies, image names): a repository
 * repeats the same model on the same GPUs across files. Each cache is bounded in entries and in the
 * characters of its keys (keys are built from what files write); an entry not read since it was put
 * in goes first. Cached values are shared and treated as read-only by every reader.
 */
export class BoundedCache<V> {
  /** Entries oldest first; `used` marks an entry read since it was last inserted (its second chance). */
  private readonly entries = new Map<string, { value: V; used: boolean }>();
  private keyChars = 0;

  /**
   * @param limit most entries kept.
   * @param maxKeyChars longest key cached: a longer one is a value nobody repeats (a megabyte name),
   *   computed each time instead; the keys together hold at most `limit × maxKeyChars / 8` characters.
   */
  constructor(
    private readonly limit: number,
    private readonly maxKeyChars = 2_048,
  ) {}

  /**
   * The cached value, else `compute()` kept. A hit only marks its entry: the oldest entry goes first
   * unless it was read since it was put in, when it moves to the back once ("second chance", which
   * keeps what is read again as least-recently-used does without moving an entry on every read).
   */
  get(key: string, compute: () => V): V {
    if (key.length > this.maxKeyChars) return compute();
    const entry = this.entries.get(key);
    if (entry) {
      entry.used = true;
      return entry.value;
    }
    const value = compute();
    this.entries.set(key, { value, used: false });
    this.keyChars += key.length;
    const charBudget = (this.limit * this.maxKeyChars) / 8;
    while (this.entries.size > this.limit || (this.keyChars > charBudget && this.entries.size > 1)) {
      const [oldest, kept] = this.entries.entries().next().value!;
      this.entries.delete(oldest);
      // Over the count, an entry read since it was put in moves to the back once; over the
      // characters, the oldest goes whatever it is (a long key must not stay by being read).
      if (kept.used && oldest !== key && this.keyChars <= charBudget) {
        kept.used = false;
        this.entries.set(oldest, kept);
        continue;
      }
      this.keyChars -= oldest.length;
    }
    return value;
  }

  get size(): number {
    return this.entries.size;
  }
}

/** The cache kept for `owner` (a catalog, a model entry), created on first use and dropped with the owner. */
export function cacheOf<Owner extends object, V>(caches: WeakMap<Owner, BoundedCache<V>>, owner: Owner, limit: number): BoundedCache<V> {
  let cache = caches.get(owner);
  if (!cache) caches.set(owner, (cache = new BoundedCache(limit)));
  return cache;
}

const identities = new WeakMap<object, number>();
let nextIdentity = 1;

/** A number that stands for one object in a cache key (a settings entry is its own, even with a catalog entry's id). */
export function identityOf(object: object): number {
  let identity = identities.get(object);
  if (identity === undefined) identities.set(object, (identity = nextIdentity++));
  return identity;
}
