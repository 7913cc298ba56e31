import { describe, expect, it } from 'vitest';
import { type CacheStore, type ExchangeError, MemoryCacheStore } from '../src/index.js';
import { defaultReply, type Reply } from './support/auth-server.js';
import { closeServersAfterEach, setup } from './support/client.js';
import { makeIdToken } from './support/fixtures.js';
import { sendJson } from './support/http-server.js';

closeServersAfterEach();

/** A frozen clock the test moves by hand; the server double checks assertions against it. */
function frozenClock() {
  const state = { now: Date.now() };
  return { state, clock: () => state.now, seconds: () => Math.floor(state.now / 1000) };
}

async function cachedSetup(reply: Reply = defaultReply, extra: Record<string, unknown> = {}) {
  const time = frozenClock();
  const { as, client } = await setup(
    { reply, now: time.seconds },
    { cache: new MemoryCacheStore({ clock: time.clock }), clock: time.clock, ...extra },
  );
  return { as, client, time };
}

describe('cache', () => {
  it('serves from the cache until the margin before expiry (frozen clock)', async () => {
    const { as, client, time } = await cachedSetup();
    const input = { subjectToken: await makeIdToken(), resource: 'orn:r' };
    const first = await client.exchange('thing', input);
    time.state.now += 269_000;
    const second = await client.exchange('thing', input);
    expect(second).toBe(first);
    expect(as.tokenRequests()).toHaveLength(1);
    time.state.now += 1_000;
    const third = await client.exchange('thing', input);
    expect(third.token).toBe('opaque-credential-2');
    expect(as.tokenRequests()).toHaveLength(2);
  });

  it('honours cacheMarginSeconds', async () => {
    const { as, client, time } = await cachedSetup(defaultReply, { cacheMarginSeconds: 100 });
    const input = { subjectToken: await makeIdToken(), resource: 'orn:r' };
    await client.exchange('thing', input);
    time.state.now += 199_000;
    await client.exchange('thing', input);
    expect(as.tokenRequests()).toHaveLength(1);
    time.state.now += 1_000;
    await client.exchange('thing', input);
    expect(as.tokenRequests()).toHaveLength(2);
  });

  it('does not cache a credential that is already within the margin', async () => {
    const { as, client } = await cachedSetup(({ request, response, count }) =>
      sendJson(response, 200, {
        issued_token_type: request.form.get('requested_token_type'),
        access_token: `short-${count}`,
        token_type: 'N_A',
        expires_in: 20,
      }),
    );
    const input = { subjectToken: await makeIdToken(), resource: 'orn:r' };
    await client.exchange('thing', input);
    await client.exchange('thing', input);
    expect(as.tokenRequests()).toHaveLength(2);
  });

  it('inputs the adapter names in cacheKey split the cache even when the form is the same', async () => {
    const { as, client } = await cachedSetup();
    const subjectToken = await makeIdToken();
    const first = await client.exchange('thing', { subjectToken, resource: 'orn:r', variant: 'a' });
    const other = await client.exchange('thing', { subjectToken, resource: 'orn:r', variant: 'b' });
    const again = await client.exchange('thing', { subjectToken, resource: 'orn:r', variant: 'a' });
    expect(other).not.toBe(first);
    expect(again).toBe(first);
    expect(as.tokenRequests()).toHaveLength(2);
  });

  it('100 concurrent calls for one key make one request', async () => {
    const { as, client } = await cachedSetup(async (context) => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      defaultReply(context);
    });
    const input = { subjectToken: await makeIdToken(), resource: 'orn:r', scope: ['b', 'a'] };
    const results = await Promise.all(
      Array.from({ length: 100 }, () => client.exchange('thing', input)),
    );
    expect(as.tokenRequests()).toHaveLength(1);
    expect(new Set(results.map((r) => r.token))).toEqual(new Set(['opaque-credential-1']));
  });

  it('two users with the same scopes make two requests', async () => {
    const { as, client } = await cachedSetup();
    const alice = await client.exchange('thing', {
      subjectToken: await makeIdToken('alice'),
      resource: 'orn:r',
      scope: 'a b',
    });
    const bob = await client.exchange('thing', {
      subjectToken: await makeIdToken('bob'),
      resource: 'orn:r',
      scope: 'a b',
    });
    expect(as.tokenRequests()).toHaveLength(2);
    expect(alice.token).not.toBe(bob.token);
  });

  it('scope order does not split the key; resource, audience and adapter input do', async () => {
    const { as, client } = await cachedSetup();
    const subjectToken = await makeIdToken();
    await client.exchange('thing', { subjectToken, resource: 'orn:r', scope: 'a b' });
    await client.exchange('thing', { subjectToken, resource: 'orn:r', scope: ['b', 'a'] });
    expect(as.tokenRequests()).toHaveLength(1);
    await client.exchange('thing', { subjectToken, resource: 'orn:other', scope: 'a b' });
    await client.exchange('thing', { subjectToken, resource: 'orn:r', scope: 'a' });
    await client.exchange('thing', {
      subjectToken,
      resource: 'orn:r',
      scope: 'a b',
      audience: 'https://api.example.com',
    });
    expect(as.tokenRequests()).toHaveLength(4);
  });

  it('a failed refresh is not replaced by the stale value', async () => {
    const { as, client, time } = await cachedSetup((context) =>
      context.count === 1
        ? defaultReply(context)
        : sendJson(context.response, 400, { error: 'invalid_grant' }),
    );
    const input = { subjectToken: await makeIdToken(), resource: 'orn:r' };
    await client.exchange('thing', input);
    time.state.now += 280_000;
    const error = (await client.exchange('thing', input).catch((e) => e)) as ExchangeError;
    expect(error.code).toBe('subject_token_rejected');
    expect(as.tokenRequests()).toHaveLength(2);
  });

  it('never caches a failure', async () => {
    const { as, client } = await cachedSetup((context) =>
      context.count === 1
        ? sendJson(context.response, 403, { error: 'access_denied' })
        : defaultReply(context),
    );
    const input = { subjectToken: await makeIdToken(), resource: 'orn:r' };
    await expect(client.exchange('thing', input)).rejects.toThrow(/policy/);
    const credential = await client.exchange('thing', input);
    expect(credential.token).toBe('opaque-credential-2');
    expect(as.tokenRequests()).toHaveLength(2);
  });

  it('evict drops every credential of one user and only theirs; clear drops all', async () => {
    const { as, client } = await cachedSetup();
    const alice = await makeIdToken('alice');
    const aliceAgain = await makeIdToken('alice');
    const bob = await makeIdToken('bob');
    await client.exchange('thing', { subjectToken: alice, resource: 'orn:1' });
    await client.exchange('thing', { subjectToken: alice, resource: 'orn:2' });
    await client.exchange('thing', { subjectToken: bob, resource: 'orn:1' });
    expect(as.tokenRequests()).toHaveLength(3);

    await client.evict({ subjectToken: aliceAgain });
    await client.exchange('thing', { subjectToken: bob, resource: 'orn:1' });
    expect(as.tokenRequests()).toHaveLength(3);
    await client.exchange('thing', { subjectToken: alice, resource: 'orn:1' });
    await client.exchange('thing', { subjectToken: alice, resource: 'orn:2' });
    expect(as.tokenRequests()).toHaveLength(5);

    await client.clear();
    await client.exchange('thing', { subjectToken: bob, resource: 'orn:1' });
    expect(as.tokenRequests()).toHaveLength(6);
  });

  it('a cache hit needs the same token: a forged token for the same user goes to the server', async () => {
    const { as, client } = await cachedSetup();
    const real = await makeIdToken('alice');
    const [header, payload] = real.split('.');
    const forged = `${header}.${payload}.forged-signature`;
    await client.exchange('thing', { subjectToken: real, resource: 'orn:1' });
    await client.exchange('thing', { subjectToken: forged, resource: 'orn:1' });
    expect(as.tokenRequests()).toHaveLength(2);
  });

  it('an expired subject token is never answered from the cache', async () => {
    const { as, client, time } = await cachedSetup();
    const subjectToken = await makeIdToken('alice', {
      exp: Math.floor(time.state.now / 1000) + 60,
    });
    await client.exchange('thing', { subjectToken, resource: 'orn:1' });
    time.state.now += 61_000;
    await client.exchange('thing', { subjectToken, resource: 'orn:1' });
    expect(as.tokenRequests()).toHaveLength(2);
  });

  it('cache: false sends every call', async () => {
    const { as, client } = await setup();
    const input = { subjectToken: await makeIdToken(), resource: 'orn:r' };
    await client.exchange('thing', input);
    await client.exchange('thing', input);
    expect(as.tokenRequests()).toHaveLength(2);
  });

  it('works with an asynchronous store, with stale entries checked on read', async () => {
    const time = frozenClock();
    const entries = new Map<string, unknown>();
    const ttls: number[] = [];
    const store: CacheStore = {
      get: async (key) => entries.get(key),
      set: async (key, value, ttlMs) => {
        ttls.push(ttlMs);
        entries.set(key, value);
      },
      delete: async (key) => {
        entries.delete(key);
      },
    };
    const { as, client } = await setup({ now: time.seconds }, { cache: store, clock: time.clock });
    const input = { subjectToken: await makeIdToken(), resource: 'orn:r' };
    await client.exchange('thing', input);
    await client.exchange('thing', input);
    expect(as.tokenRequests()).toHaveLength(1);
    expect(ttls).toEqual([270_000]);
    // This store never expires anything: the client clock must.
    time.state.now += 271_000;
    await client.exchange('thing', input);
    expect(as.tokenRequests()).toHaveLength(2);
    await client.evict(input);
    await client.exchange('thing', input);
    expect(as.tokenRequests()).toHaveLength(3);
  });

  it('a failing store degrades to no cache instead of failing exchanges', async () => {
    const warnings: string[] = [];
    const broken: CacheStore = {
      get: () => {
        throw new Error('store down');
      },
      set: async () => {
        throw new Error('store down');
      },
      delete: () => undefined,
    };
    const { as, client } = await setup(
      {},
      { cache: broken, logger: { warn: (message) => warnings.push(message) } },
    );
    const input = { subjectToken: await makeIdToken(), resource: 'orn:r' };
    await client.exchange('thing', input);
    await client.exchange('thing', input);
    expect(as.tokenRequests()).toHaveLength(2);
    expect(warnings).toContain('onbehalf cache store failed');
  });
});

describe('MemoryCacheStore', () => {
  it('evicts the least recently used entry beyond maxEntries', () => {
    const store = new MemoryCacheStore({ maxEntries: 2 });
    store.set('a', 1, 1000);
    store.set('b', 2, 1000);
    store.get('a');
    store.set('c', 3, 1000);
    expect(store.get('a')).toBe(1);
    expect(store.get('b')).toBeUndefined();
    expect(store.get('c')).toBe(3);
    expect(store.size).toBe(2);
  });

  it('expires entries by its clock', () => {
    let now = 0;
    const store = new MemoryCacheStore({ clock: () => now });
    store.set('a', 1, 1000);
    now = 999;
    expect(store.get('a')).toBe(1);
    now = 1000;
    expect(store.get('a')).toBeUndefined();
  });
});
