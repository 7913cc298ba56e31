/**
 * Where cached credentials live. Every method may return a promise, so a shared store (Redis,
 * Memcached) fits behind it. Values are live objects (credentials with a `Date` and redacting
 * printers): a store that serialises must restore them, or it will miss.
 */
export interface CacheStore {
  /** The value stored under `key`, or `undefined`. */
  get(key: string): unknown | Promise<unknown>;
  /** Stores `value` under `key` for `ttlMs` milliseconds. */
  set(key: string, value: unknown, ttlMs: number): void | Promise<void>;
  /** Removes `key`. */
  delete(key: string): void | Promise<void>;
}

/** Options of `MemoryCacheStore`. */
export interface MemoryCacheStoreOptions {
  /** Most entries kept; the least recently used goes first. Defaults to 1000. */
  readonly maxEntries?: number;
  /** Milliseconds since the epoch. Defaults to `Date.now`. */
  readonly clock?: () => number;
}

/** The default `CacheStore`: in process memory, bounded, least recently used evicted first. */
export class MemoryCacheStore implements CacheStore {
  readonly #entries = new Map<string, { value: unknown; expiresAt: number }>();
  readonly #maxEntries: number;
  readonly #clock: () => number;

  constructor(options: MemoryCacheStoreOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 1000;
    this.#clock = options.clock ?? Date.now;
    if (!Number.isInteger(this.#maxEntries) || this.#maxEntries < 1) {
      throw new RangeError('"maxEntries" must be a positive integer');
    }
  }

  /** The number of entries held, expired ones included until they are next read. */
  get size(): number {
    return this.#entries.size;
  }

  get(key: string): unknown {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (entry.expiresAt <= this.#clock()) return undefined;
    this.#entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: unknown, ttlMs: number): void {
    this.#entries.delete(key);
    if (!(ttlMs > 0)) return;
    this.#entries.set(key, { value, expiresAt: this.#clock() + ttlMs });
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }
}
