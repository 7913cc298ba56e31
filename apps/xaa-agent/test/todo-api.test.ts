import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningServer } from '@onbehalf/sample-kit';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTodoApi } from '../src/todo-api.js';

const AUDIENCE = 'api://todo';
let issuer: string;
let api: RunningServer;
let closeJwks: () => void;
let signingKey: CryptoKey;
let strangerKey: CryptoKey;

/** A key set server standing in for the custom authorization server's `/v1/keys`. */
beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  signingKey = pair.privateKey;
  strangerKey = (await generateKeyPair('ES256')).privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'as-key', alg: 'ES256', use: 'sig' };

  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  issuer = `http://127.0.0.1:${port}/oauth2/default`;
  closeJwks = () => server.close();

  api = await startTodoApi({
    issuer,
    jwksUri: `http://127.0.0.1:${port}/keys`,
    audience: AUDIENCE,
  });
});

afterAll(async () => {
  await api.stop();
  closeJwks();
});

interface Mint {
  claims?: JWTPayload;
  typ?: string | null;
  key?: CryptoKey;
}

/** Mints an access token that is good unless the options say otherwise. */
function mint({ claims = {}, typ = 'at+jwt', key }: Mint = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: issuer,
    aud: AUDIENCE,
    sub: '00u-demo',
    client_id: 'wlp-demo-agent',
    scope: 'todo.read todo.write',
    iat: now,
    exp: now + 300,
    jti: crypto.randomUUID(),
    ...claims,
  })
    .setProtectedHeader({ alg: 'ES256', kid: 'as-key', ...(typ ? { typ } : {}) })
    .sign(key ?? signingKey);
}

function list(authorization?: string): Promise<Response> {
  return fetch(`${api.url}/todos`, { headers: authorization ? { authorization } : {} });
}

function add(authorization: string, body: unknown = { title: 'Water the plants' }) {
  return fetch(`${api.url}/todos`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function expectInvalidToken(response: Response, description: RegExp): Promise<void> {
  expect(response.status).toBe(401);
  const challenge = response.headers.get('www-authenticate') ?? '';
  expect(challenge).toMatch(/^Bearer realm="todo-api", error="invalid_token"/);
  const body = await response.json();
  expect(body.error).toBe('invalid_token');
  expect(body.error_description).toMatch(description);
}

describe('todo API', () => {
  it('serves a caller whose token is good (control for every refusal below)', async () => {
    const token = await mint();
    const created = await add(`Bearer ${token}`);
    expect(created.status).toBe(201);
    expect((await created.json()).todo.title).toBe('Water the plants');

    const listed = await list(`Bearer ${token}`);
    expect(listed.status).toBe(200);
    const body = await listed.json();
    expect(body.user).toBe('00u-demo');
    expect(body.todos.map((todo: { title: string }) => todo.title)).toContain('Water the plants');
  });

  it('accepts Okta-style scp arrays and the application/at+jwt typ', async () => {
    const token = await mint({
      claims: { scope: undefined, scp: ['todo.read'] },
      typ: 'application/at+jwt',
    });
    expect((await list(`Bearer ${token}`)).status).toBe(200);
  });

  it('refuses a request without a token: 401, a challenge naming the scope, no error code', async () => {
    const response = await list();
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      'Bearer realm="todo-api", scope="todo.read"',
    );
  });

  it('refuses a token in another scheme or malformed', async () => {
    const token = await mint();
    expect((await list(`Basic ${token}`)).status).toBe(401);
    expect((await list('Bearer not a token')).status).toBe(401);
    await expectInvalidToken(await list('Bearer abc.def.ghi'), /invalid/);
  });

  it('refuses an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await mint({ claims: { iat: now - 600, exp: now - 120 } });
    await expectInvalidToken(await list(`Bearer ${token}`), /expired/);
  });

  it('says why a claim fails: nbf in the future, a claim of the wrong type, a missing one', async () => {
    const now = Math.floor(Date.now() / 1000);
    const notYet = await mint({ claims: { nbf: now + 600 } });
    await expectInvalidToken(
      await list(`Bearer ${notYet}`),
      /^The access token is not valid yet\.$/,
    );
    const wrongType = await mint({ claims: { exp: String(now + 300) } as unknown as JWTPayload });
    await expectInvalidToken(await list(`Bearer ${wrongType}`), /claim of the wrong type/);
    const noSubject = await mint({ claims: { sub: undefined } });
    await expectInvalidToken(await list(`Bearer ${noSubject}`), /missing a required claim/);
  });

  it('refuses a token for another audience', async () => {
    const token = await mint({ claims: { aud: 'api://payroll' } });
    await expectInvalidToken(await list(`Bearer ${token}`), /not for this API/);
  });

  it('refuses a token from another issuer', async () => {
    const token = await mint({ claims: { iss: 'http://127.0.0.1:1/oauth2/other' } });
    await expectInvalidToken(await list(`Bearer ${token}`), /untrusted issuer/);
  });

  it('refuses a token that is not an RFC 9068 access token (typ JWT, no typ)', async () => {
    await expectInvalidToken(await list(`Bearer ${await mint({ typ: 'JWT' })}`), /RFC 9068/);
    await expectInvalidToken(await list(`Bearer ${await mint({ typ: null })}`), /RFC 9068/);
  });

  it('refuses a token signed by a key outside the key set, and a tampered one', async () => {
    await expectInvalidToken(
      await list(`Bearer ${await mint({ key: strangerKey })}`),
      /signature is invalid/,
    );
    const good = await mint();
    const tampered = `${good.slice(0, -2)}${good.endsWith('AA') ? 'BB' : 'AA'}`;
    await expectInvalidToken(await list(`Bearer ${tampered}`), /signature is invalid/);
  });

  it('refuses an unsigned token (alg none)', async () => {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${encode({ alg: 'none', typ: 'at+jwt' })}.${encode({
      iss: issuer,
      aud: AUDIENCE,
      sub: '00u-demo',
      iat: now,
      exp: now + 300,
      scope: 'todo.read',
    })}.`;
    await expectInvalidToken(await list(`Bearer ${unsigned}`), /invalid/);
  });

  it('refuses to list without todo.read: 403 insufficient_scope naming the scope', async () => {
    const token = await mint({ claims: { scope: 'todo.write' } });
    const response = await list(`Bearer ${token}`);
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toBe(
      'Bearer realm="todo-api", error="insufficient_scope", scope="todo.read"',
    );
  });

  it('refuses to add without todo.write, and adds nothing', async () => {
    const readOnly = await mint({ claims: { sub: '00u-reader', scope: 'todo.read' } });
    const response = await add(`Bearer ${readOnly}`);
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toContain('scope="todo.write"');
    expect((await (await list(`Bearer ${readOnly}`)).json()).todos).toEqual([]);
  });

  it('keeps each user’s todos apart', async () => {
    const other = await mint({ claims: { sub: '00u-other' } });
    expect((await (await list(`Bearer ${other}`)).json()).todos).toEqual([]);
  });

  it('refuses a malformed body and a non-JSON body after authenticating', async () => {
    const token = await mint();
    expect((await add(`Bearer ${token}`, { title: '' })).status).toBe(400);
    const response = await fetch(`${api.url}/todos`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(response.status).toBe(415);
  });
});
