import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createClient,
  credentialExpiry,
  defineAdapter,
  type ExchangeError,
  type ExchangeEvent,
  GrantType,
  isExchangeError,
  MemoryCacheStore,
  privateKeyJwt,
} from '../src/index.js';
import { CLIENT_ID, startAuthServer } from './support/auth-server.js';
import { closeServersAfterEach, setup, track } from './support/client.js';
import { makeIdToken, makeKeys } from './support/fixtures.js';
import { heldReply, until } from './support/held.js';
import { sendJson } from './support/http-server.js';

closeServersAfterEach();

// Longer than any test may run: a dropped connection is then the signal's doing, not the deadline's.
const NO_DEADLINE = { timeoutMs: 120_000 };

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the exchange to fail');
    },
    (error: unknown) => error as ExchangeError,
  );

describe('exchange options: signal', () => {
  it('refuses at once, before any request, when the signal has already fired', async () => {
    const { as, client } = await setup();
    const controller = new AbortController();
    controller.abort();
    const error = await failure(
      client.exchange(
        'thing',
        { subjectToken: await makeIdToken(), resource: 'orn:r' },
        { signal: controller.signal },
      ),
    );
    expect(isExchangeError(error, 'aborted')).toBe(true);
    expect(error.step).toBe('build');
    expect(error.retryable).toBe(false);
    expect((error.cause as Error).name).toBe('AbortError');
    expect(as.requests).toHaveLength(0);
  });

  it('drops the HTTP request it is waiting on, and reports the step it was in', async () => {
    const held = heldReply();
    const { as, client } = await setup({ reply: held.reply }, NO_DEADLINE);
    const controller = new AbortController();
    const pending = client.exchange(
      'thing',
      { subjectToken: await makeIdToken(), resource: 'orn:r' },
      { signal: controller.signal },
    );
    await until(() => held.gates.length === 1);
    controller.abort(new Error('the user left'));
    const error = await failure(pending);
    expect(error.code).toBe('aborted');
    expect(error.step).toBe('send');
    expect((error.cause as Error).message).toBe('the user left');
    await until(() => held.state.closed === 1);
    expect(as.tokenRequests()).toHaveLength(1);
  });

  it('takes AbortSignal.timeout, the reason kept as the cause', async () => {
    const held = heldReply();
    const { client } = await setup({ reply: held.reply }, NO_DEADLINE);
    const error = await failure(
      client.exchange(
        'thing',
        { subjectToken: await makeIdToken(), resource: 'orn:r' },
        { signal: AbortSignal.timeout(50) },
      ),
    );
    expect(error.code).toBe('aborted');
    expect((error.cause as Error).name).toBe('TimeoutError');
    await until(() => held.state.closed === 1);
  });

  it('ends a wait between retries, however long the wait', async () => {
    const { as, client } = await setup(
      {
        reply: ({ response }) =>
          sendJson(response, 503, { error: 'temporarily_unavailable' }, { 'retry-after': '1' }),
      },
      // A wait that never ends: only the signal can end the call.
      { retry: { sleep: () => new Promise<void>(() => undefined) } },
    );
    const controller = new AbortController();
    const pending = client.exchange(
      'thing',
      { subjectToken: await makeIdToken(), resource: 'orn:r' },
      { signal: controller.signal },
    );
    await until(() => as.tokenRequests().length === 1);
    controller.abort();
    const error = await failure(pending);
    expect(error.code).toBe('aborted');
    expect(as.tokenRequests()).toHaveLength(1);
  });

  it('leaves a shared exchange running for the callers who still wait, and caches it', async () => {
    const held = heldReply();
    const { as, client } = await setup({ reply: held.reply }, { cache: new MemoryCacheStore() });
    const input = { subjectToken: await makeIdToken(), resource: 'orn:r' };
    const controller = new AbortController();
    const leaving = client.exchange('thing', input, { signal: controller.signal });
    const staying = client.exchange('thing', input, { signal: new AbortController().signal });
    const plain = client.exchange('thing', input);
    await until(() => held.gates.length === 1);
    controller.abort();
    expect((await failure(leaving)).code).toBe('aborted');
    held.gates[0]?.();
    const [a, b] = await Promise.all([staying, plain]);
    expect(a.token).toBe('opaque-credential-1');
    expect(b.token).toBe('opaque-credential-1');
    expect(held.state.closed).toBe(0);
    expect((await client.exchange('thing', input)).token).toBe('opaque-credential-1');
    expect(as.tokenRequests()).toHaveLength(1);
  });

  it('stops a shared exchange once every caller has left; the next call starts afresh', async () => {
    const held = heldReply();
    const events: ExchangeEvent[] = [];
    const { as, client } = await setup(
      { reply: held.reply },
      { ...NO_DEADLINE, cache: new MemoryCacheStore(), onEvent: (event) => events.push(event) },
    );
    const input = { subjectToken: await makeIdToken(), resource: 'orn:r' };
    const first = new AbortController();
    const second = new AbortController();
    const callers = [first, second].map((controller) =>
      failure(client.exchange('thing', input, { signal: controller.signal })),
    );
    await until(() => held.gates.length === 1);
    first.abort();
    second.abort();
    // Started before the abandoned exchange has settled: it must not join it.
    const again = client.exchange('thing', input);
    const errors = await Promise.all(callers);
    expect(errors.map((error) => error.code)).toEqual(['aborted', 'aborted']);
    await until(() => held.state.closed === 1);
    await until(() => events.some((event) => event.type === 'exchange.failed'));
    expect(events.find((event) => event.type === 'exchange.failed')).toMatchObject({
      code: 'aborted',
      step: 'send',
    });
    await until(() => held.gates.length === 2);
    held.gates[1]?.();
    expect((await again).token).toBe('opaque-credential-2');
    expect(as.tokenRequests()).toHaveLength(2);
  });

  it('reaches a later hop: the second server sees its request dropped', async () => {
    const keys = await makeKeys();
    const org = track(await startAuthServer({ publicJwk: keys.publicJwk }));
    const held = heldReply(({ response }) =>
      sendJson(response, 200, { access_token: 'at', token_type: 'Bearer', expires_in: 60 }),
    );
    const other = track(
      await startAuthServer({
        publicJwk: keys.publicJwk,
        issuerPath: '/oauth2/other',
        discovery: 'oauth',
        reply: held.reply,
      }),
    );
    let seen: AbortSignal | undefined;
    const client = createClient({
      issuer: org.issuer,
      clientId: CLIENT_ID,
      auth: privateKeyJwt({ key: keys.privateJwk }),
      cache: false,
      ...NO_DEADLINE,
      adapters: [
        defineAdapter({
          name: 'two-hop',
          requestedTokenType: 'urn:example:params:oauth:token-type:grant',
          input: z.object({ resource: z.string() }),
          form: () => ({ audience: other.issuer }),
          response: z.object({ access_token: z.string() }),
          async finish(response, context) {
            seen = context.signal;
            const metadata = await context.discover(other.issuer);
            const answer = await context.tokenRequest({
              tokenEndpoint: metadata.token_endpoint,
              issuer: metadata.issuer,
              form: { grant_type: GrantType.jwtBearer, assertion: response.access_token },
              response: z.object({ access_token: z.string() }),
            });
            return {
              token: answer.access_token,
              expiresAt: credentialExpiry({ expiresIn: 60, now: context.now() }),
            };
          },
        }),
      ],
    });
    const controller = new AbortController();
    const pending = client.exchange(
      'two-hop',
      { subjectToken: await makeIdToken(), resource: 'orn:r' },
      { signal: controller.signal },
    );
    await until(() => held.gates.length === 1);
    expect(seen?.aborted).toBe(false);
    controller.abort();
    const error = await failure(pending);
    expect(error.code).toBe('aborted');
    expect(error.step).toBe('finish');
    await until(() => held.state.closed === 1);
    expect(seen?.aborted).toBe(true);
  });

  it('answers a bad options argument with a configuration error', async () => {
    const { as, client } = await setup();
    const input = { subjectToken: await makeIdToken(), resource: 'orn:r' };
    const bad: unknown[] = [null, 'signal', { signal: 'stop' }, { signal: {} }, { timeout: 5 }];
    for (const options of bad) {
      const error = await failure(client.exchange('thing', input, options as never));
      expect(error.code).toBe('configuration');
      expect(error.message).toMatch(/exchange option/);
    }
    expect(as.requests).toHaveLength(0);
  });
});
