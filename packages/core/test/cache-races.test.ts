import { describe, expect, it } from 'vitest';
import { type ExchangeError, MemoryCacheStore, PolicyRefusalError } from '../src/index.js';
import { defaultReply, type Reply } from './support/auth-server.js';
import { closeServersAfterEach, setup } from './support/client.js';
import { makeIdToken } from './support/fixtures.js';
import { heldReply, until } from './support/held.js';
import { sendJson } from './support/http-server.js';

closeServersAfterEach();

async function cachedSetup(reply: Reply) {
  return setup({ reply }, { cache: new MemoryCacheStore() });
}

describe('cache under concurrency', () => {
  it('every waiter of a failed exchange gets the failure; the next call tries again', async () => {
    const { reply, gates } = heldReply((context) =>
      context.count === 1
        ? sendJson(context.response, 403, { error: 'access_denied' })
        : defaultReply(context),
    );
    const { as, client } = await cachedSetup(reply);
    const input = { subjectToken: await makeIdToken(), resource: 'orn:r' };
    const waiting = Array.from({ length: 10 }, () =>
      client.exchange('thing', input).catch((error: ExchangeError) => error),
    );
    await until(() => gates.length === 1);
    gates[0]?.();
    const outcomes = await Promise.all(waiting);
    expect(outcomes.every((outcome) => outcome instanceof PolicyRefusalError)).toBe(true);
    expect(as.tokenRequests()).toHaveLength(1);

    const retry = client.exchange('thing', input);
    await until(() => gates.length === 2);
    gates[1]?.();
    expect((await retry).token).toBe('opaque-credential-2');
    expect(as.tokenRequests()).toHaveLength(2);
  });

  it('an exchange in flight when the user is evicted is not served to later calls', async () => {
    const { reply, gates } = heldReply(defaultReply);
    const { as, client } = await cachedSetup(reply);
    const input = { subjectToken: await makeIdToken('alice'), resource: 'orn:r' };

    const before = client.exchange('thing', input);
    await until(() => gates.length === 1);
    await client.evict(input);
    const after = client.exchange('thing', input);
    await until(() => gates.length === 2);
    expect(as.tokenRequests()).toHaveLength(2);

    gates[0]?.();
    gates[1]?.();
    const [old, fresh] = await Promise.all([before, after]);
    expect(old.token).not.toBe(fresh.token);

    const later = await client.exchange('thing', input);
    expect(later).toBe(fresh);
    expect(as.tokenRequests()).toHaveLength(2);
  });
});
