import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import packageJson from '../package.json' with { type: 'json' };
import { createClient, type ExchangeError, privateKeyJwt } from '../src/index.js';
import { CLIENT_ID, defaultReply, type Reply } from './support/auth-server.js';
import { clientAt, closeServersAfterEach, setup, track } from './support/client.js';
import { makeIdToken, makeKeys, recordingSleep, thingAdapter } from './support/fixtures.js';
import { sendJson, startServer } from './support/http-server.js';

closeServersAfterEach();

const input = async () => ({ subjectToken: await makeIdToken(), resource: 'orn:r' });

async function outcome(reply: Reply, clientOptions = {}) {
  const { as, client, waits } = await setup({ reply }, clientOptions);
  const result = await client.exchange('thing', await input()).then(
    (credential) => ({ credential, error: undefined }),
    (error: ExchangeError) => ({ credential: undefined, error }),
  );
  return { ...result, as, waits };
}

const okBody = (issued: string | null) =>
  JSON.stringify({ issued_token_type: issued, access_token: 'o', token_type: 'N_A' });

describe('content types of a 200', () => {
  it('accepts application/json with a charset parameter', async () => {
    const { credential } = await outcome(({ request, response }) => {
      response.writeHead(200, { 'content-type': 'Application/JSON; charset=utf-8' });
      response.end(okBody(request.form.get('requested_token_type')));
    });
    expect(credential?.token).toBe('o');
  });

  it.each(['application/jsonp', 'text/json', 'application/json-seq', 'text/plain'])(
    'refuses %s even when the body is a valid answer',
    async (type) => {
      const { error } = await outcome(({ request, response }) => {
        response.writeHead(200, { 'content-type': type });
        response.end(okBody(request.form.get('requested_token_type')));
      });
      expect(error?.code).toBe('invalid_response');
      expect(error?.status).toBe(200);
    },
  );

  it('reads an answer sent in pieces, a character split between two of them', async () => {
    const { credential } = await outcome(({ request, response }) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      const body = Buffer.from(
        JSON.stringify({
          issued_token_type: request.form.get('requested_token_type'),
          access_token: 'caf\u00e9-\u{1f511}',
          token_type: 'N_A',
        }),
      );
      // Cut inside the four bytes of the key emoji, and send the rest a moment later.
      const cut = body.indexOf(Buffer.from('\u{1f511}')) + 2;
      response.write(body.subarray(0, cut));
      setTimeout(() => response.end(body.subarray(cut)), 20);
    });
    expect(credential?.token).toBe('caf\u00e9-\u{1f511}');
  });

  it('refuses a valid JSON object followed by garbage', async () => {
    const { error } = await outcome(({ request, response }) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(`${okBody(request.form.get('requested_token_type'))}<script>`);
    });
    expect(error?.code).toBe('invalid_response');
  });
});

describe('size and deadline', () => {
  it('counts decoded bytes: a small gzip body that expands to 20 MB is cut off', async () => {
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(65_536);
    const { error } = await outcome(({ response }) => {
      response.writeHead(200, {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'content-length': String(bomb.length),
      });
      response.end(bomb);
    });
    expect(error?.code).toBe('response_too_large');
  });

  it('a body dripping a byte at a time hits the deadline of the whole body', async () => {
    const { error, as } = await outcome(
      ({ response }) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        const timer = setInterval(() => {
          if (response.destroyed) clearInterval(timer);
          else response.write(' ');
        }, 20);
        response.on('close', () => clearInterval(timer));
      },
      { timeoutMs: 400 },
    );
    expect(error?.code).toBe('timeout');
    expect(as.tokenRequests()).toHaveLength(1);
  });
});

describe('Retry-After that is not a delay', () => {
  const unavailableThenOk =
    (retryAfter: string): Reply =>
    (context) =>
      context.count === 1
        ? sendJson(
            context.response,
            503,
            { error: 'temporarily_unavailable' },
            { 'retry-after': retryAfter },
          )
        : defaultReply(context);

  it.each(['-5', '1.5', 'foo 12', 'soon', '3 seconds'])(
    'garbage %j falls back to the jittered backoff instead of retrying at once',
    async (value) => {
      const { credential, waits } = await outcome(unavailableThenOk(value));
      expect(credential?.token).toBe('opaque-credential-2');
      expect(waits).toHaveLength(1);
      expect(waits[0]).toBeGreaterThanOrEqual(100);
      expect(waits[0]).toBeLessThanOrEqual(200);
    },
  );

  it('an HTTP date in the past means no wait', async () => {
    const { credential, waits } = await outcome(unavailableThenOk('Sun, 06 Nov 1994 08:49:37 GMT'));
    expect(credential?.token).toBe('opaque-credential-2');
    expect(waits).toEqual([0]);
  });
});

describe('discovery under stress', () => {
  it('a 429 on discovery is a retryable failure, not a reason to try the other one', async () => {
    const server = track(
      await startServer((_request, response) =>
        sendJson(response, 429, { error: 'slow_down' }, { 'retry-after': '1' }),
      ),
    );
    const recorder = recordingSleep();
    const client = await clientAt(server.url, { retry: { sleep: recorder.sleep } });
    const error = (await client.exchange('thing', await input()).catch((e) => e)) as ExchangeError;
    expect(error.step).toBe('resolve');
    expect(error.status).toBe(429);
    expect(error.retryable).toBe(true);
    expect(server.requests.map((r) => r.path)).toEqual(
      Array(3).fill('/.well-known/openid-configuration'),
    );
    expect(recorder.waits).toEqual([1000, 1000]);
  });

  it('metadata larger than the size cap is refused while discovering', async () => {
    const big = track(
      await startServer((request, response) =>
        sendJson(response, 200, {
          issuer: `http://127.0.0.1:${portOf(request)}`,
          token_endpoint: `http://127.0.0.1:${portOf(request)}/token`,
          padding: 'x'.repeat(70_000),
        }),
      ),
    );
    const client = await clientAt(big.url);
    const error = (await client.exchange('thing', await input()).catch((e) => e)) as ExchangeError;
    expect(error.code).toBe('response_too_large');
    expect(error.step).toBe('resolve');
    expect(big.requests).toHaveLength(1);
  });

  it.each([
    ['a DNS name that starts with 127.', 'http://127.0.0.1.attacker.example/token'],
    ['a DNS name 127.x', 'http://127.attacker.example/token'],
    ['plain http to another host', 'http://org.example.com/token'],
  ])('a discovered token endpoint on %s is refused before any request', async (_name, url) => {
    const seen: string[] = [];
    const server = track(
      await startServer((request, response) => {
        seen.push(request.path);
        sendJson(response, 200, {
          issuer: `http://127.0.0.1:${portOf(request)}`,
          token_endpoint: url,
        });
      }),
    );
    const client = await clientAt(server.url);
    const error = (await client.exchange('thing', await input()).catch((e) => e)) as ExchangeError;
    expect(error.code).toBe('configuration');
    expect(error.step).toBe('resolve');
    expect(error.message).toContain('"token_endpoint"');
    expect(seen).toEqual(['/.well-known/openid-configuration']);
  });

  it('a configured http endpoint whose host merely starts with 127. is refused', async () => {
    const keys = await makeKeys();
    expect(() =>
      createClient({
        tokenEndpoint: 'http://127.attacker.example/oauth2/v1/token',
        clientId: CLIENT_ID,
        auth: privateKeyJwt({ key: keys.privateJwk }),
        adapters: [thingAdapter()],
      }),
    ).toThrow(/"tokenEndpoint" must use https/);
  });
});

describe('identification', () => {
  it('the server sees User-Agent onbehalf/<the package version>', async () => {
    const { as } = await outcome(defaultReply);
    expect(as.tokenRequests()[0]?.headers['user-agent']).toBe(`onbehalf/${packageJson.version}`);
    expect(as.discoveryRequests()[0]?.headers['user-agent']).toBe(
      `onbehalf/${packageJson.version}`,
    );
  });
});

function portOf(request: { headers: Record<string, unknown> }): string {
  return String(request.headers.host).split(':')[1] ?? '';
}
