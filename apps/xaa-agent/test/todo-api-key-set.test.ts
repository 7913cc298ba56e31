import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningServer } from '@onbehalf/sample-kit';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTodoApi } from '../src/todo-api.js';

const AUDIENCE = 'api://todo';
const ISSUER = 'http://127.0.0.1:1/oauth2/default';

type Misbehaviour = (request: IncomingMessage, response: ServerResponse) => void;

let signingKey: CryptoKey;
let publicJwk: JWK;
let jwksServer: Server;
let jwksUri: string;
/** What the key set server does; `undefined` means it answers with the right keys. */
let misbehaviour: Misbehaviour | undefined;
const apis: RunningServer[] = [];

beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true });
  signingKey = pair.privateKey;
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'as-key', alg: 'ES256', use: 'sig' };

  jwksServer = createServer((request, response) => {
    if (misbehaviour) {
      misbehaviour(request, response);
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ keys: [publicJwk] }));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  const { port } = jwksServer.address() as AddressInfo;
  jwksUri = `http://127.0.0.1:${port}/oauth2/default/v1/keys`;
});

afterEach(async () => {
  misbehaviour = undefined;
  await Promise.all(apis.splice(0).map((api) => api.stop()));
});

afterAll(async () => {
  jwksServer.closeAllConnections();
  await new Promise((resolve) => jwksServer.close(resolve));
});

/** A fresh todo API, so no key set is cached from an earlier test. */
async function todoApi(uri = jwksUri): Promise<RunningServer> {
  const api = await startTodoApi({
    issuer: ISSUER,
    jwksUri: uri,
    audience: AUDIENCE,
    jwksTimeoutMs: 200,
  });
  apis.push(api);
  return api;
}

/** An access token that is good in every way. */
function goodToken(): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: ISSUER,
    aud: AUDIENCE,
    sub: '00u-demo',
    client_id: 'wlp-demo-agent',
    scope: 'todo.read',
    iat: now,
    exp: now + 300,
    jti: crypto.randomUUID(),
  })
    .setProtectedHeader({ alg: 'ES256', kid: 'as-key', typ: 'at+jwt' })
    .sign(signingKey);
}

const list = (api: RunningServer, token: string) =>
  fetch(`${api.url}/todos`, { headers: { authorization: `Bearer ${token}` } });

/** The key set failure is the API's problem: 503, JSON, Retry-After, and the token not blamed. */
async function expectUnavailable(response: Response, token: string): Promise<void> {
  expect(response.status).toBe(503);
  expect(response.headers.get('retry-after')).toBe('5');
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.headers.get('www-authenticate')).toBeNull();
  const text = await response.text();
  expect(JSON.parse(text)).toEqual({
    error: 'temporarily_unavailable',
    error_description: 'The access token cannot be checked right now. Try again later.',
  });
  expect(text).not.toContain(token);
}

const json =
  (body: string): Misbehaviour =>
  (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(body);
  };

describe('todo API when its key set fails', () => {
  it('answers 503, not invalid_token, when the key set server is down', async () => {
    const down = createServer();
    await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
    const { port } = down.address() as AddressInfo;
    await new Promise((resolve) => down.close(resolve));

    const token = await goodToken();
    await expectUnavailable(
      await list(await todoApi(`http://127.0.0.1:${port}/keys`), token),
      token,
    );
  });

  const cases: Array<[string, Misbehaviour]> = [
    [
      'answers 500',
      (_request, response) => {
        response.writeHead(500);
        response.end();
      },
    ],
    ['never answers', () => {}],
    [
      'answers HTML',
      (_request, response) => {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<html>maintenance</html>');
      },
    ],
    ['answers truncated JSON', json('{"keys": [')],
    ['answers JSON that is not a key set', json('{"keys": "as-key"}')],
  ];

  for (const [name, behaviour] of cases) {
    it(`answers 503 when the key set server ${name}, and serves the same token once it recovers`, async () => {
      const api = await todoApi();
      const token = await goodToken();

      misbehaviour = behaviour;
      await expectUnavailable(await list(api, token), token);

      // The token was good all along: a failed download is not cached.
      misbehaviour = undefined;
      expect((await list(api, token)).status).toBe(200);
    });
  }

  it('answers 503 when the key set holds its key in a form that cannot be imported', async () => {
    const broken = { kty: 'EC', crv: 'P-256', kid: 'as-key', alg: 'ES256', x: 'AA', y: 'AA' };
    misbehaviour = json(JSON.stringify({ keys: [broken] }));
    const token = await goodToken();
    await expectUnavailable(await list(await todoApi(), token), token);
  });

  it('still blames the token for a kid the healthy key set does not hold', async () => {
    const api = await todoApi();
    const token = await new SignJWT({
      iss: ISSUER,
      aud: AUDIENCE,
      sub: '00u-demo',
      scope: 'todo.read',
    })
      .setProtectedHeader({ alg: 'ES256', kid: 'unknown-key', typ: 'at+jwt' })
      .setExpirationTime('5m')
      .setIssuedAt()
      .sign(signingKey);
    const response = await list(api, token);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });
});
