/**
 * Bounded in-process memories for connectors: idempotent starts, sent message ids, caches. They
 * stay small however long the process runs. Anything a webhook needs after a restart or on another
 * gateway instance belongs in the store, not here.
 */

export interface BoundedMapOptions {
  /** Entries older than this are forgotten (read as absent). */
  ttlMs?: number;
  /** The clock for `ttlMs`; defaults to `Date.now`. */
  now?: () => number;
}

/** A map that forgets: at most `max` entries (oldest insert first out) and, with `ttlMs`, none older. */
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, { value: V; at: number }>();
  private readonly ttlMs: number;
  private readonly now: () => number;
  /** Walks the keys oldest first; every key it passed has been evicted. */
  private evictor: Iterator<K> | undefined;

  constructor(
    private readonly max: number,
    options: BoundedMapOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? Number.POSITIVE_INFINITY;
    this.now = options.now ?? Date.now;
  }

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.ttlMs !== Number.POSITIVE_INFINITY && this.now() - entry.at > this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  has(key: K): boolean {
    return this.get(key) !== undefined;
  }

  set(key: K, value: V): this {
    this.entries.delete(key);
    this.entries.set(key, { value, at: this.ttlMs === Number.POSITIVE_INFINITY ? 0 : this.now() });
    while (this.entries.size > this.max) {
      // One live iterator, kept between calls: a fresh `keys().next()` walks past every slot earlier
      // evictions emptied (until the map is rehashed), which made a full map's `set` O(size).
      let oldest = (this.evictor ??= this.entries.keys()).next();
      if (oldest.done) oldest = (this.evictor = this.entries.keys()).next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    return this;
  }

  delete(key: K): boolean {
    return this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Runs `fn` once per key at a time: concurrent callers with the same key share the promise. */
export class SingleFlight<T> {
  private readonly pending = new Map<string, Promise<T>>();

  run(key: string, fn: () => Promise<T>): { promise: Promise<T>; shared: boolean } {
    const existing = this.pending.get(key);
    if (existing) return { promise: existing, shared: true };
    return { promise: this.share(key, fn), shared: false };
  }

  /**
   * As `run`, answering the promise alone. The key is dropped by a branch off the caller's own
   * promise (callers resume after it): no `finally` step, which measured several µs of CPU per
   * call on a connector's send path (cxone).
   */
  share(key: string, fn: () => Promise<T>): Promise<T> {
    const existing = this.pending.get(key);
    if (existing) return existing;
    const promise = fn();
    this.pending.set(key, promise);
    promise.then(
      () => this.pending.delete(key),
      () => this.pending.delete(key),
    );
    return promise;
  }
}

/**
 * Remembers the outcome of a keyed operation: the first call runs `fn`, later calls with the same
 * key get the same promise (a start or a send is never made twice), and a failure is forgotten so a
 * retry can run again.
 */
export class OnceByKey<T> {
  private readonly memory: BoundedMap<string, Promise<T>>;

  constructor(max: number, options: BoundedMapOptions = {}) {
    this.memory = new BoundedMap(max, options);
  }

  /** `first` is false when an earlier call with this key is answered again (a duplicate). */
  run(key: string, fn: () => Promise<T>): { promise: Promise<T>; first: boolean } {
    const known = this.memory.get(key);
    if (known) return { promise: known, first: false };
    const promise = fn();
    this.memory.set(key, promise);
    promise.catch(() => {
      if (this.memory.get(key) === promise) this.memory.delete(key);
    });
    return { promise, first: true };
  }

  forget(key: string): void {
    this.memory.delete(key);
  }
}
