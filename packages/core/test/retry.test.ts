import { describe, expect, it } from 'vitest';
import { createClient, type ExchangeError, isExchangeError, privateKeyJwt } from '../src/index.js';
import { backoffDelay, parseRetryAfter } from '../src/retry.js';
import { CLIENT_ID, defaultReply } from './support/auth-server.js';
import { closeServersAfterEach, setup } from './support/client.js';
import { makeIdToken, makeKeys, recordingSleep, thingAdapter } from './support/fixtures.js';
import { closedPortUrl, sendJson } from './support/http-server.js';

closeServersAfterEach();

const input = async () => ({ subjectToken: await makeIdToken(), resource: 'orn:r' });

const unavailable = (retryAfter?: string) => (response: Parameters<typeof sendJson>[0]) =>
  sendJson(
    response,
    503,
    { error: 'temporarily_unavailable', error_description: 'try later' },
    retryAfter === undefined ? {} : { 'retry-after': retryAfter },
  );

describe('retries', () => {
  it('retries a 503 after Retry-After: 1 with a new assertion, then succeeds', async () => {
    const { as, client, waits } = await setup({
      reply: (context) =>
        context.count === 1 ? unavailable('1')(context.response) : defaultReply(context),
    });
    const credential = await client.exchange('thing', await input());
    expect(credential.token).toBe('opaque-credential-2');
    expect(waits).toEqual([1000]);
    expect(as.tokenRequests()).toHaveLength(2);
    expect(as.assertions).toHaveLength(2);
    expect(as.assertions[0]?.jti).not.toBe(as.assertions[1]?.jti);
    const [first, second] = as.tokenRequests().map((r) => r.form.get('client_assertion'));
    expect(first).not.toBe(second);
  });

  it('gives up after three 503s with a retryable error', async () => {
    const { as, client, waits } = await setup({ reply: (c) => unavailable('2')(c.response) });
    const error = (await client.exchange('thing', await input()).catch((e) => e)) as ExchangeError;
    expect(isExchangeError(error)).toBe(true);
    expect(error.retryable).toBe(true);
    expect(error.status).toBe(503);
    expect(error.error).toBe('temporarily_unavailable');
    expect(as.tokenRequests()).toHaveLength(3);
    expect(new Set(as.assertions.map((a) => a.jti)).size).toBe(3);
    expect(waits).toEqual([2000, 2000]);
  });

  it('caps Retry-After: 86400 at maxRetryAfterMs, then fails', async () => {
    const { as, client, waits } = await setup({ reply: (c) => unavailable('86400')(c.response) });
    const error = (await client.exchange('thing', await input()).catch((e) => e)) as ExchangeError;
    expect(error.retryable).toBe(true);
    expect(waits).toEqual([10_000, 10_000]);
    expect(as.tokenRequests()).toHaveLength(3);
  });

  it('honours a Retry-After HTTP date', async () => {
    const { client, waits } = await setup(
      {
        reply: (context) =>
          context.count === 1
            ? unavailable(new Date(Date.now() + 5000).toUTCString())(context.response)
            : defaultReply(context),
      },
      {},
    );
    await client.exchange('thing', await input());
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(3000);
    expect(waits[0]).toBeLessThanOrEqual(5000);
  });

  it('retries 429 and a plain 502 with jittered backoff', async () => {
    const { as, client, waits } = await setup({
      reply: (context) => {
        if (context.count === 1) return sendJson(context.response, 429, { error: 'slow_down' });
        if (context.count === 2) {
          context.response.writeHead(502, { 'content-type': 'text/html' });
          context.response.end('<html>bad gateway</html>');
          return;
        }
        return defaultReply(context);
      },
    });
    await client.exchange('thing', await input());
    expect(as.tokenRequests()).toHaveLength(3);
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeGreaterThanOrEqual(100);
    expect(waits[0]).toBeLessThanOrEqual(200);
    expect(waits[1]).toBeGreaterThanOrEqual(200);
    expect(waits[1]).toBeLessThanOrEqual(400);
  });

  it('never retries a 400 invalid_grant: exactly one request', async () => {
    const { as, client, waits } = await setup({
      reply: (c) => sendJson(c.response, 400, { error: 'invalid_grant' }),
    });
    const error = (await client.exchange('thing', await input()).catch((e) => e)) as ExchangeError;
    expect(error.code).toBe('subject_token_rejected');
    expect(error.retryable).toBe(false);
    expect(as.tokenRequests()).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('never retries other 4xx answers', async () => {
    for (const status of [400, 401, 403, 404]) {
      const { as, client } = await setup({
        reply: (c) => sendJson(c.response, status, { error: 'access_denied' }),
      });
      await expect(client.exchange('thing', await input())).rejects.toThrow();
      expect(as.tokenRequests()).toHaveLength(1);
    }
  });

  it('respects a smaller attempt limit', async () => {
    const { as, client, waits } = await setup(
      { reply: (c) => unavailable()(c.response) },
      { retry: { attempts: 1 } },
    );
    const error = (await client.exchange('thing', await input()).catch((e) => e)) as ExchangeError;
    expect(error.retryable).toBe(true);
    expect(as.tokenRequests()).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('retries network errors, then fails with code network', async () => {
    const keys = await makeKeys();
    const recorder = recordingSleep();
    const client = createClient({
      tokenEndpoint: `${await closedPortUrl()}/oauth2/v1/token`,
      clientId: CLIENT_ID,
      auth: privateKeyJwt({ key: keys.privateJwk }),
      adapters: [thingAdapter()],
      retry: { sleep: recorder.sleep },
    });
    const error = (await client.exchange('thing', await input()).catch((e) => e)) as ExchangeError;
    expect(error.code).toBe('network');
    expect(error.step).toBe('send');
    expect(error.retryable).toBe(true);
    expect(recorder.waits).toHaveLength(2);
  });
});

describe('retry helpers', () => {
  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('3', 0)).toBe(3000);
    expect(parseRetryAfter(null, 0)).toBeUndefined();
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:00:07 GMT', now)).toBe(7000);
    expect(parseRetryAfter('Mon, 31 Dec 2029 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('Tuesday, 01-Jan-30 00:00:09 GMT', now)).toBe(9000);
    expect(parseRetryAfter('Tue Jan  1 00:00:11 2030', now)).toBe(11_000);
    for (const garbage of ['-5', '1.5', 'foo 12', '2030-01-01T00:00:05Z', '']) {
      expect(parseRetryAfter(garbage, now)).toBeUndefined();
    }
  });

  it('backs off exponentially with jitter in [step/2, step]', () => {
    expect(backoffDelay(1, 200, () => 0)).toBe(100);
    expect(backoffDelay(1, 200, () => 1)).toBe(200);
    expect(backoffDelay(3, 200, () => 0)).toBe(400);
    expect(backoffDelay(3, 200, () => 1)).toBe(800);
  });
});
