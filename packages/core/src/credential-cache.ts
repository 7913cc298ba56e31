import { randomUUID } from 'node:crypto';
import type { Credential } from './adapter.js';
import { BoundedMemo } from './bounded-memo.js';
import type { CacheStore } from './cache.js';
import { type CacheKeyParts, cacheKey } from './cache-key.js';
import { Flight, type Progress } from './flight.js';
import { sha256 } from './hash.js';
import { isThenable } from './thenable.js';

/** The longest a credential stays cached, whatever its lifetime: 24 hours. */
export const MAX_ENTRY_TTL_MS = 86_400_000;
// Generation markers must outlive every entry written before them (see `evict`).
const GENERATION_TTL_MS = MAX_ENTRY_TTL_MS + 3_600_000;
const GLOBAL_GENERATION = 'onbehalf:generation';
const GENERATION_KEY_MEMO_ENTRIES = 1000;

interface Entry {
  readonly credential: Credential;
  /** When the entry stops being served: `expiresAt` minus the margin, in milliseconds. */
  readonly staleAt: number;
}

function generation(value: unknown): string {
  return typeof value === 'string' ? value : '0';
}

function isEntry(value: unknown): value is Entry {
  const entry = value as Partial<Entry> | undefined;
  return (
    typeof entry === 'object' &&
    entry !== null &&
    typeof entry.staleAt === 'number' &&
    entry.credential?.expiresAt instanceof Date
  );
}

/** Makes a credential: `signal` fires once every caller has aborted; `progress` tracks the step. */
export type Produce<C extends Credential> = (
  signal: AbortSignal | undefined,
  progress: Progress,
) => Promise<C>;

/** Outcome of a cached run: the credential, and whether it came from the cache. */
export interface CachedOutcome<C extends Credential> {
  readonly credential: C;
  readonly hit: boolean;
}

/**
 * The **cache** step: credentials stored until `marginMs` before they expire, checked again
 * against the client clock on every read; one exchange per key however many callers wait;
 * failures never stored, so a failed refresh never serves the old credential.
 *
 * Eviction works through generation markers kept in the store: evicting a user (or
 * everything) writes a fresh marker that is part of every key, so older entries are never
 * read again, in this process or any other sharing the store, and expire on their own.
 */
export class CredentialCache {
  readonly #store: CacheStore;
  readonly #marginMs: number;
  readonly #clock: () => number;
  readonly #onStoreError: (error: unknown) => void;
  readonly #inFlight = new Map<string, Flight<CachedOutcome<Credential>>>();
  readonly #generationKeys = new BoundedMemo<string>(GENERATION_KEY_MEMO_ENTRIES, Infinity);

  constructor(options: {
    store: CacheStore;
    marginMs: number;
    clock: () => number;
    onStoreError: (error: unknown) => void;
  }) {
    this.#store = options.store;
    this.#marginMs = options.marginMs;
    this.#clock = options.clock;
    this.#onStoreError = options.onStoreError;
  }

  /**
   * The cached credential for `parts` when fresh, else the result of `produce`, stored when it
   * lives longer than the margin. Concurrent calls for one key share one `produce` (see
   * {@link Flight} for what `signal` does to it). When the store answers synchronously, a hit
   * is returned as is, without a promise.
   */
  run<C extends Credential>(
    parts: CacheKeyParts,
    produce: Produce<C>,
    signal?: AbortSignal,
  ): CachedOutcome<C> | Promise<CachedOutcome<C>> {
    const generations = this.#generations(parts.subject.identity);
    if (isThenable(generations)) {
      return Promise.resolve(generations).then((read) =>
        this.#lookup(cacheKey(parts, read), parts, produce, signal),
      );
    }
    return this.#lookup(cacheKey(parts, generations), parts, produce, signal);
  }

  #lookup<C extends Credential>(
    key: string,
    parts: CacheKeyParts,
    produce: Produce<C>,
    signal: AbortSignal | undefined,
  ): CachedOutcome<C> | Promise<CachedOutcome<C>> {
    const shared = this.#inFlight.get(key);
    if (shared !== undefined && !shared.abandoned) {
      return shared.join(signal) as Promise<CachedOutcome<C>>;
    }
    const subjectExpired =
      parts.subject.expiresAt !== undefined && parts.subject.expiresAt <= this.#clock();
    let read: unknown;
    if (!subjectExpired) {
      read = this.#get(key);
      if (!isThenable(read) && isEntry(read) && read.staleAt > this.#clock()) {
        return { credential: read.credential as C, hit: true };
      }
    }
    const flight: Flight<CachedOutcome<C>> = new Flight(
      signal,
      async (work, progress) => {
        progress.step = 'cache';
        if (!subjectExpired) {
          const cached = await this.#fresh(key, await read);
          if (cached !== undefined) return { credential: cached as C, hit: true };
        }
        const credential = await produce(work, progress);
        progress.step = 'cache';
        // Once every caller has aborted nothing is stored, even if `produce` finished anyway.
        if (!work?.aborted) await this.#write(key, credential);
        return { credential, hit: false };
      },
      () => {
        if (this.#inFlight.get(key) === flight) this.#inFlight.delete(key);
      },
    );
    this.#inFlight.set(key, flight);
    return flight.join(signal);
  }

  /** Makes every cached credential of one user unreachable (logout). */
  async evict(identity: string): Promise<void> {
    await this.#store.set(this.#generationKey(identity), randomUUID(), GENERATION_TTL_MS);
  }

  /** Makes every cached credential unreachable. */
  async clear(): Promise<void> {
    await this.#store.set(GLOBAL_GENERATION, randomUUID(), GENERATION_TTL_MS);
  }

  #generationKey(identity: string): string {
    const known = this.#generationKeys.get(identity);
    if (known !== undefined) return known;
    const key = `onbehalf:generation:${sha256(identity)}`;
    this.#generationKeys.set(identity, key);
    return key;
  }

  /** Both generation markers, without a promise when the store answers synchronously. */
  #generations(identity: string): string[] | Promise<string[]> {
    const global = this.#get(GLOBAL_GENERATION);
    const user = this.#get(this.#generationKey(identity));
    if (isThenable(global) || isThenable(user)) {
      return Promise.all([global, user]).then(([g, u]) => [generation(g), generation(u)]);
    }
    return [generation(global), generation(user)];
  }

  /** `store.get`, a failure reported and read as `undefined`, synchronous when the store is. */
  #get(key: string): unknown {
    let value: unknown;
    try {
      value = this.#store.get(key);
    } catch (error) {
      this.#onStoreError(error);
      return undefined;
    }
    if (!isThenable(value)) return value;
    return Promise.resolve(value).then(undefined, (error: unknown) => {
      this.#onStoreError(error);
      return undefined;
    });
  }

  /** The credential in a stored value when still fresh; a stale entry is deleted. */
  async #fresh(key: string, value: unknown): Promise<Credential | undefined> {
    if (!isEntry(value)) return undefined;
    if (value.staleAt <= this.#clock()) {
      await this.#safely(() => this.#store.delete(key));
      return undefined;
    }
    return value.credential;
  }

  async #write(key: string, credential: Credential): Promise<void> {
    const staleAt = credential.expiresAt.getTime() - this.#marginMs;
    const ttl = Math.min(staleAt - this.#clock(), MAX_ENTRY_TTL_MS);
    if (!(ttl > 0)) return;
    const entry: Entry = { credential, staleAt };
    await this.#safely(() => this.#store.set(key, entry, ttl));
  }

  async #safely<T>(operation: () => T | Promise<T>): Promise<T | undefined> {
    try {
      return await operation();
    } catch (error) {
      this.#onStoreError(error);
      return undefined;
    }
  }
}
