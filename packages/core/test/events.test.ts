import { describe, expect, it } from 'vitest';
import type { ExchangeEvent } from '../src/index.js';
import { shortHash } from '../src/index.js';
import { defaultReply } from './support/auth-server.js';
import { closeServersAfterEach, setup } from './support/client.js';
import { makeIdToken } from './support/fixtures.js';
import { sendJson } from './support/http-server.js';

closeServersAfterEach();

describe('events and logging', () => {
  it('reports started, succeeded, cache.hit and failed with safe fields', async () => {
    const events: ExchangeEvent[] = [];
    const logs: [string, string, Record<string, unknown>][] = [];
    const level =
      (name: string) =>
      (message: string, fields: Record<string, unknown>): void => {
        logs.push([name, message, fields]);
      };
    const { as, client } = await setup(
      {
        reply: (context) =>
          context.count === 1
            ? defaultReply(context)
            : sendJson(context.response, 403, { error: 'access_denied' }),
      },
      {
        cache: undefined,
        onEvent: (event) => {
          events.push(event);
        },
        logger: { debug: level('debug'), info: level('info'), warn: level('warn') },
      },
    );
    const subjectToken = await makeIdToken();
    const input = { subjectToken, resource: 'orn:r', audience: 'https://api', scope: 'b a' };
    await client.exchange('thing', input);
    await client.exchange('thing', input);
    await client.exchange('thing', { ...input, resource: 'orn:other' }).catch(() => undefined);

    expect(events.map((e) => e.type)).toEqual([
      'exchange.started',
      'exchange.succeeded',
      'cache.hit',
      'exchange.started',
      'exchange.failed',
    ]);
    expect(events[1]).toMatchObject({
      adapter: 'thing',
      issuer: as.issuer,
      audience: 'https://api',
      resource: 'orn:r',
      scopes: ['a', 'b'],
      subject: shortHash(subjectToken),
      attempts: 1,
    });
    expect(events[4]).toMatchObject({
      resource: 'orn:other',
      code: 'policy_refused',
      step: 'parse',
      error: 'access_denied',
      status: 403,
    });
    expect(logs.map(([name, message]) => `${name} ${message}`)).toEqual([
      'debug onbehalf exchange.started',
      'info onbehalf exchange.succeeded',
      'debug onbehalf cache.hit',
      'debug onbehalf exchange.started',
      'warn onbehalf exchange.failed',
    ]);
    expect(logs[1]?.[2]).toMatchObject({ adapter: 'thing', subject: shortHash(subjectToken) });
  });

  it('a throwing or rejecting listener and logger do not break the exchange', async () => {
    const { client } = await setup(
      {},
      {
        onEvent: async () => {
          throw new Error('listener broke');
        },
        logger: {
          info: () => {
            throw new Error('logger broke');
          },
          debug: () => {
            throw new Error('logger broke');
          },
        },
      },
    );
    const credential = await client.exchange('thing', {
      subjectToken: await makeIdToken(),
      resource: 'orn:r',
    });
    expect(credential.token).toBe('opaque-credential-1');
  });

  it('a synchronously throwing listener does not break a failing exchange either', async () => {
    const { client } = await setup(
      { reply: ({ response }) => sendJson(response, 400, { error: 'invalid_grant' }) },
      {
        onEvent: () => {
          throw new Error('listener broke');
        },
      },
    );
    await expect(
      client.exchange('thing', { subjectToken: await makeIdToken(), resource: 'orn:r' }),
    ).rejects.toMatchObject({ code: 'subject_token_rejected' });
  });
});
