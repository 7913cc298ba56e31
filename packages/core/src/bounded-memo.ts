/**
 * A small in-process map from a string to what was derived from it, bounded by entry count and
 * by the total length of its keys; the oldest insertion goes first. Lookups never reorder, so a
 * hit costs one `Map.get`. Used to avoid deriving the same hashes again on every cache hit.
 */
export class BoundedMemo<V> {
  readonly #entries = new Map<string, V>();
  readonly #maxEntries: number;
  readonly #maxKeyChars: number;
  #keyChars = 0;

  constructor(maxEntries: number, maxKeyChars: number) {
    this.#maxEntries = maxEntries;
    this.#maxKeyChars = maxKeyChars;
  }

  /** The number of entries held. */
  get size(): number {
    return this.#entries.size;
  }

  /** The total length of the keys held, in characters. */
  get keyChars(): number {
    return this.#keyChars;
  }

  /** The value remembered for `key`, or `undefined`. */
  get(key: string): V | undefined {
    return this.#entries.get(key);
  }

  /** Remembers `value` for `key`, dropping the oldest entries past the bounds. */
  set(key: string, value: V): void {
    // A key too long to fit is never kept: it would flush everything else for nothing.
    if (key.length > this.#maxKeyChars || this.#entries.has(key)) return;
    this.#entries.set(key, value);
    this.#keyChars += key.length;
    while (this.#entries.size > this.#maxEntries || this.#keyChars > this.#maxKeyChars) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
      this.#keyChars -= oldest.length;
    }
  }
}
