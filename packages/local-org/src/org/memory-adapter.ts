import type { Adapter, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  expiresAt: number;
}

const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
]);

// How long a reserved replay-detection id is held before oidc-provider saves it with its expiry.
const RESERVATION_MS = 3_600_000;

/**
 * An in-process storage adapter for oidc-provider (its `adapter` option). Everything is lost on
 * stop, which is what a local org wants. One difference from oidc-provider's example adapter:
 * `ReplayDetection.find` reserves an unseen id in the same tick, so two concurrent uses of one
 * client assertion `jti` cannot both pass (RFC 7523 §3 item 7).
 */
export function createMemoryAdapter(): new (name: string) => Adapter {
  const store = new Map<string, Entry>();
  const byGrant = new Map<string, Set<string>>();
  const byUid = new Map<string, string>();
  let writes = 0;

  const sweep = () => {
    const now = Date.now();
    for (const [key, entry] of store) if (entry.expiresAt <= now) store.delete(key);
  };

  const get = (key: string): Entry | undefined => {
    const entry = store.get(key);
    if (entry && entry.expiresAt <= Date.now()) {
      store.delete(key);
      return undefined;
    }
    return entry;
  };

  return class MemoryAdapter implements Adapter {
    readonly #name: string;

    constructor(name: string) {
      this.#name = name;
    }

    #key(id: string): string {
      return `${this.#name}:${id}`;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      if (++writes % 500 === 0) sweep();
      const key = this.#key(id);
      const expiresAt =
        expiresIn === undefined ? Number.POSITIVE_INFINITY : Date.now() + expiresIn * 1000;
      store.set(key, { payload: structuredClone(payload), expiresAt });
      if (GRANTABLE.has(this.#name) && payload.grantId) {
        const members = byGrant.get(payload.grantId) ?? new Set<string>();
        members.add(key);
        byGrant.set(payload.grantId, members);
      }
      if (this.#name === 'Session' && payload.uid) byUid.set(payload.uid, id);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      const key = this.#key(id);
      const entry = get(key);
      if (this.#name === 'ReplayDetection' && entry === undefined) {
        store.set(key, { payload: {}, expiresAt: Date.now() + RESERVATION_MS });
        return undefined;
      }
      return entry ? structuredClone(entry.payload) : undefined;
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const id = byUid.get(uid);
      return id === undefined ? undefined : this.find(id);
    }

    async findByUserCode(): Promise<AdapterPayload | undefined> {
      return undefined;
    }

    async consume(id: string): Promise<void> {
      const entry = get(this.#key(id));
      if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
    }

    async destroy(id: string): Promise<void> {
      const key = this.#key(id);
      const entry = store.get(key);
      if (entry?.payload.uid) byUid.delete(entry.payload.uid);
      store.delete(key);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      for (const key of byGrant.get(grantId) ?? []) store.delete(key);
      byGrant.delete(grantId);
    }
  };
}
