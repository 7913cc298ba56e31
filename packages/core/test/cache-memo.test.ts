import { describe, expect, it } from 'vitest';
import { BoundedMemo } from '../src/bounded-memo.js';
import { type CacheKeyParts, cacheKey, KEY_MEMO_ENTRIES_PER_SUBJECT } from '../src/cache-key.js';
import { type CacheStore, MemoryCacheStore, shortHash } from '../src/index.js';
import { readSubject, SUBJECT_MEMO_ENTRIES, subjectMemoSize } from '../src/subject.js';
import { closeServersAfterEach, setup } from './support/client.js';
import { makeIdToken } from './support/fixtures.js';

closeServersAfterEach();

describe('BoundedMemo', () => {
  it('keeps at most maxEntries, dropping the oldest first', () => {
    const memo = new BoundedMemo<number>(2, 1000);
    memo.set('a', 1);
    memo.set('b', 2);
    memo.set('c', 3);
    expect(memo.size).toBe(2);
    expect(memo.get('a')).toBeUndefined();
    expect(memo.get('b')).toBe(2);
    expect(memo.get('c')).toBe(3);
  });

  it('keeps the total key length under maxKeyChars and never keeps an oversized key', () => {
    const memo = new BoundedMemo<number>(100, 10);
    memo.set('aaaa', 1);
    memo.set('bbbb', 2);
    memo.set('cccc', 3);
    expect(memo.keyChars).toBeLessThanOrEqual(10);
    expect(memo.get('aaaa')).toBeUndefined();
    expect(memo.get('cccc')).toBe(3);
    memo.set('x'.repeat(11), 4);
    expect(memo.get('x'.repeat(11))).toBeUndefined();
    expect(memo.get('cccc')).toBe(3);
  });
});

describe('subject memo', () => {
  it('is bounded, and remembers what a fresh derivation gives', async () => {
    const token = await makeIdToken('memo-user');
    const first = readSubject(token);
    expect(readSubject(token)).toBe(first);
    expect(first.shortHash).toBe(shortHash(token));
    for (let i = 0; i < SUBJECT_MEMO_ENTRIES + 200; i += 1) readSubject(`not-a-jwt-${i}`);
    expect(subjectMemoSize().entries).toBeLessThanOrEqual(SUBJECT_MEMO_ENTRIES);
    // Pushed out by the others, then derived again to the same values.
    const again = readSubject(token);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });

  it('gives two tokens of one user one identity but two token hashes', async () => {
    const a = readSubject(await makeIdToken('same-user'));
    const b = readSubject(await makeIdToken('same-user'));
    expect(a.identity).toBe(b.identity);
    expect(a.tokenHash).not.toBe(b.tokenHash);
    expect(a.shortHash).not.toBe(b.shortHash);
  });
});

describe('cacheKey memo', () => {
  const parts = (form: Record<string, string>, token = 'opaque-token'): CacheKeyParts => ({
    server: ['https://org.example.com', undefined],
    clientId: 'client',
    subject: readSubject(token),
    adapter: 'thing',
    form,
    extra: [],
  });

  it('gives what a fresh derivation gives, and a new key for new generations', () => {
    const key = cacheKey(parts({ resource: 'orn:1', scope: 'b a' }), ['0', '0']);
    expect(cacheKey(parts({ scope: 'a b', resource: 'orn:1' }), ['0', '0'])).toBe(key);
    // A Subject derived again (not the remembered object) reaches the same key.
    const copy = { ...parts({ resource: 'orn:1', scope: 'a b' }) };
    copy.subject = { ...copy.subject };
    expect(cacheKey(copy, ['0', '0'])).toBe(key);
    expect(cacheKey(parts({ resource: 'orn:1', scope: 'a b' }), ['0', 'g2'])).not.toBe(key);
    expect(
      cacheKey(parts({ resource: 'orn:1', scope: 'a b' }, 'other-token'), ['0', '0']),
    ).not.toBe(key);
    expect(key).not.toContain('orn:1');
  });

  it('keeps every key distinct past the per-subject bound', () => {
    const keys = new Set<string>();
    const first = cacheKey(parts({ resource: 'orn:0' }), ['0', '0']);
    for (let i = 0; i < KEY_MEMO_ENTRIES_PER_SUBJECT * 3; i += 1) {
      keys.add(cacheKey(parts({ resource: `orn:${i}` }), ['0', '0']));
    }
    expect(keys.size).toBe(KEY_MEMO_ENTRIES_PER_SUBJECT * 3);
    expect(cacheKey(parts({ resource: 'orn:0' }), ['0', '0'])).toBe(first);
  });

  it('never confuses parts that concatenate alike', () => {
    const a = cacheKey(parts({ resource: 'ab', audience: 'c' }), ['0', '0']);
    const b = cacheKey(parts({ resource: 'a', audience: 'bc' }), ['0', '0']);
    const c = cacheKey(parts({ resource: 'a' }), ['0', '0', '']);
    const d = cacheKey(parts({ resource: 'a' }), ['0', '0']);
    expect(new Set([a, b, c, d]).size).toBe(4);
  });
});

describe('cache hit path', () => {
  it('a different token of the same user misses even after many hits', async () => {
    const { as, client } = await setup({}, { cache: new MemoryCacheStore() });
    const first = await makeIdToken('alice');
    const second = await makeIdToken('alice');
    for (let i = 0; i < 5; i += 1)
      await client.exchange('thing', { subjectToken: first, resource: 'orn:1' });
    expect(as.tokenRequests()).toHaveLength(1);
    await client.exchange('thing', { subjectToken: second, resource: 'orn:1' });
    expect(as.tokenRequests()).toHaveLength(2);
  });

  it('evict and clear still reach keys whose derivation is remembered', async () => {
    const { as, client } = await setup({}, { cache: new MemoryCacheStore() });
    const input = { subjectToken: await makeIdToken('bob'), resource: 'orn:1' };
    for (let i = 0; i < 5; i += 1) await client.exchange('thing', input);
    expect(as.tokenRequests()).toHaveLength(1);
    await client.evict(input);
    await client.exchange('thing', input);
    expect(as.tokenRequests()).toHaveLength(2);
    for (let i = 0; i < 5; i += 1) await client.exchange('thing', input);
    expect(as.tokenRequests()).toHaveLength(2);
    await client.clear();
    await client.exchange('thing', input);
    expect(as.tokenRequests()).toHaveLength(3);
  });

  it('an eviction by another client sharing the store is seen on the next read', async () => {
    const store = new MemoryCacheStore();
    const one = await setup({}, { cache: store });
    const other = await setup({}, { cache: store });
    const input = { subjectToken: await makeIdToken('carol'), resource: 'orn:1' };
    await one.client.exchange('thing', input);
    await one.client.exchange('thing', input);
    expect(one.as.tokenRequests()).toHaveLength(1);
    await other.client.evict(input);
    await one.client.exchange('thing', input);
    expect(one.as.tokenRequests()).toHaveLength(2);
  });

  it('mixes synchronous entries with asynchronous generation markers', async () => {
    const entries = new Map<string, unknown>();
    const store: CacheStore = {
      get: (key) =>
        key.startsWith('onbehalf:generation')
          ? Promise.resolve(entries.get(key))
          : entries.get(key),
      set: (key, value) => {
        entries.set(key, value);
      },
      delete: (key) => {
        entries.delete(key);
      },
    };
    const { as, client } = await setup({}, { cache: store });
    const input = { subjectToken: await makeIdToken('dave'), resource: 'orn:1' };
    await client.exchange('thing', input);
    await client.exchange('thing', input);
    expect(as.tokenRequests()).toHaveLength(1);
    await client.evict(input);
    await client.exchange('thing', input);
    expect(as.tokenRequests()).toHaveLength(2);
  });

  it('a store whose reads reject is reported and read as a miss', async () => {
    const warnings: string[] = [];
    const store: CacheStore = {
      get: () => Promise.reject(new Error('store down')),
      set: () => undefined,
      delete: () => undefined,
    };
    const { as, client } = await setup(
      {},
      { cache: store, logger: { warn: (message) => warnings.push(message) } },
    );
    const input = { subjectToken: await makeIdToken('erin'), resource: 'orn:1' };
    const credential = await client.exchange('thing', input);
    await client.exchange('thing', input);
    expect(credential.token).toBeTruthy();
    expect(as.tokenRequests()).toHaveLength(2);
    expect(warnings).toContain('onbehalf cache store failed');
  });

  it('events still name the subject by its short hash on a hit', async () => {
    const events: { type: string; subject: string }[] = [];
    const { client } = await setup(
      {},
      { cache: new MemoryCacheStore(), onEvent: (event) => events.push(event) },
    );
    const subjectToken = await makeIdToken('frank');
    await client.exchange('thing', { subjectToken, resource: 'orn:1' });
    await client.exchange('thing', { subjectToken, resource: 'orn:1' });
    const hit = events.find((event) => event.type === 'cache.hit');
    expect(hit?.subject).toBe(shortHash(subjectToken));
  });
});
