/**
 * Remembers which ID-JAG `jti` values were already redeemed, so each ID-JAG is used once
 * (RFC 7523 §3 item 7, ID-JAG draft §4.4).
 *
 * `consume` must be atomic: when several requests present the same `jti` at once, exactly one
 * may get `true`. A deployment with more than one instance needs a shared store that offers
 * this, for example Redis `SET key 1 NX PXAT expiresAt`, or a database insert on a unique key.
 */
export interface ReplayStore {
  /**
   * Records `jti` and resolves to `true` on its first use, `false` when it was seen before.
   * `expiresAt` (epoch milliseconds) is when the entry may be forgotten: after it, the token it
   * came from is refused as expired anyway.
   *
   * Resolve to the boolean itself, not the client's reply: `verifyIdJag` accepts the ID-JAG only
   * on exactly `true`, and refuses it (code `replayed`) on anything else, such as Redis's `'OK'`
   * or `null`, on a throw, and when no answer comes within its `replayStoreTimeoutMs` (5 s by
   * default). Give the client its own shorter timeout so a hung connection fails fast.
   */
  consume(jti: string, expiresAt: number): Promise<boolean>;
}

/** Options of {@link MemoryReplayStore}. */
export interface MemoryReplayStoreOptions {
  /** Clock used to forget expired entries, in epoch milliseconds. Default `Date.now`. */
  now?: () => number;
  /** How often expired entries are swept out, in milliseconds. Default 60 000. */
  sweepIntervalMs?: number;
}

/**
 * An in-process {@link ReplayStore}. Atomic within one Node.js process because the check and the
 * write happen with no `await` between them. Only for a single instance: it is not shared
 * between processes, and it forgets everything on restart (an ID-JAG lives at most five minutes,
 * so a restart reopens at most that window).
 */
export class MemoryReplayStore implements ReplayStore {
  readonly #entries = new Map<string, number>();
  readonly #now: () => number;
  readonly #sweepIntervalMs: number;
  #lastSweep: number;

  constructor(options: MemoryReplayStoreOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
    this.#lastSweep = this.#now();
  }

  /** How many `jti` values are currently remembered. */
  get size(): number {
    return this.#entries.size;
  }

  /** {@inheritDoc ReplayStore.consume} */
  async consume(jti: string, expiresAt: number): Promise<boolean> {
    return this.consumeSync(jti, expiresAt);
  }

  /** The synchronous core of {@link MemoryReplayStore.consume}. */
  consumeSync(jti: string, expiresAt: number): boolean {
    this.#sweep();

    // A remembered jti is refused whatever its expiry: only the sweep forgets entries.
    if (this.#entries.has(jti)) return false;
    this.#entries.set(jti, expiresAt);
    return true;
  }

  #sweep(): void {
    const now = this.#now();
    if (now - this.#lastSweep < this.#sweepIntervalMs) return;

    this.#lastSweep = now;
    for (const [jti, expiresAt] of this.#entries) {
      if (expiresAt <= now) this.#entries.delete(jti);
    }
  }
}
