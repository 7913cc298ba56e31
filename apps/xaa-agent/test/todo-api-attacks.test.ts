import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningServer } from '@onbehalf/sample-kit';
import {
  exportJWK,
  exportSPKI,
  generateKeyPair,
  type JWSHeaderParameters,
  type JWTPayload,
  SignJWT,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTodoApi } from '../src/todo-api.js';

const AUDIENCE = 'api://todo';
let issuer: string;
let api: RunningServer;
let closeJwks: () => void;
let signingKey: CryptoKey;
let publicPem: string;
let publicJwk: Record<string, unknown>;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true });
  signingKey = pair.privateKey;
  publicPem = await exportSPKI(pair.publicKey);
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'as-key', alg: 'ES256', use: 'sig' };
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ keys: [publicJwk] }));
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

function claims(extra: JWTPayload = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: issuer,
    aud: AUDIENCE,
    sub: '00u-attacker',
    client_id: 'wlp-demo-agent',
    scope: 'todo.read todo.write',
    iat: now,
    exp: now + 300,
    jti: crypto.randomUUID(),
    ...extra,
  };
}

function mint(extra: JWTPayload = {}, header: Partial<JWSHeaderParameters> = {}): Promise<string> {
  return new SignJWT(claims(extra))
    .setProtectedHeader({ alg: 'ES256', kid: 'as-key', typ: 'at+jwt', ...header })
    .sign(signingKey);
}

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

function list(token: string): Promise<Response> {
  return fetch(`${api.url}/todos`, { headers: { authorization: `Bearer ${token}` } });
}

function post(token: string | undefined, body: BodyInit, type = 'application/json') {
  return fetch(`${api.url}/todos`, {
    method: 'POST',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': type },
    body,
  });
}

describe('todo API under attack: tokens', () => {
  it('accepts the control token', async () => {
    expect((await list(await mint())).status).toBe(200);
  });

  it('refuses alg none, with and without a signature part', async () => {
    const header = encode({ alg: 'none', typ: 'at+jwt', kid: 'as-key' });
    for (const token of [`${header}.${encode(claims())}.`, `${header}.${encode(claims())}.AAAA`]) {
      expect((await list(token)).status).toBe(401);
    }
  });

  it('refuses HS256 signed with the server’s public key (algorithm confusion)', async () => {
    for (const secret of [publicPem, JSON.stringify(publicJwk), String(publicJwk.x)]) {
      const token = await new SignJWT(claims())
        .setProtectedHeader({ alg: 'HS256', kid: 'as-key', typ: 'at+jwt' })
        .sign(new TextEncoder().encode(secret));
      const response = await list(token);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
    }
  });

  it('refuses a token of the right issuer for another audience, in every form', async () => {
    for (const aud of ['api://payroll', ['api://payroll'], [], 'api://todo/', 'API://TODO']) {
      const response = await list(await mint({ aud }));
      expect(response.status, JSON.stringify(aud)).toBe(401);
    }
  });

  it('refuses typ JWT, no typ, and an ID-JAG typ', async () => {
    for (const typ of ['JWT', 'oauth-id-jag+jwt', 'jwt']) {
      expect((await list(await mint({}, { typ }))).status, typ).toBe(401);
    }
    const noTyp = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'ES256', kid: 'as-key' })
      .sign(signingKey);
    expect((await list(noTyp)).status).toBe(401);
  });

  it('refuses scopes in the wrong shape or merely alike (403, never 200)', async () => {
    const shapes: JWTPayload[] = [
      { scope: ['todo.read'] },
      { scope: undefined, scp: 'todo.read' },
      { scope: 'todo.readx' },
      { scope: 'todo.read,todo.write' },
      { scope: 'todo.read\ttodo.write'.replace('todo.read\t', 'x\t') },
      { scope: 'TODO.READ' },
      { scope: undefined },
      { scope: '' },
      { scope: 'todo.write', scp: [42] },
    ];
    for (const extra of shapes) {
      const response = await list(await mint(extra));
      expect(response.status, JSON.stringify(extra)).toBe(403);
    }
    expect((await list(await mint({ scope: '  todo.read  ' }))).status).toBe(200);
  });

  it('refuses an unknown crit header and a key embedded in the token', async () => {
    // jose refuses to sign an unknown crit, so these are signed by hand (ES256, RFC 7518 §3.4).
    const byHand = async (header: object) => {
      const input = `${encode(header)}.${encode(claims())}`;
      const signature = await crypto.subtle.sign(
        { name: 'ECDSA', hash: 'SHA-256' },
        signingKey,
        new TextEncoder().encode(input),
      );
      return `${input}.${Buffer.from(signature).toString('base64url')}`;
    };
    const header = { alg: 'ES256', kid: 'as-key', typ: 'at+jwt' };
    expect((await list(await byHand(header))).status).toBe(200);
    const crit = await byHand({ ...header, crit: ['x-unknown'], 'x-unknown': 1 });
    expect((await list(crit)).status).toBe(401);

    const attacker = await generateKeyPair('ES256', { extractable: true });
    const embedded = await new SignJWT(claims())
      .setProtectedHeader({
        alg: 'ES256',
        typ: 'at+jwt',
        jwk: await exportJWK(attacker.publicKey),
        jku: 'http://127.0.0.1:1/keys',
      })
      .sign(attacker.privateKey);
    expect((await list(embedded)).status).toBe(401);
  });

  it('refuses a huge header and a huge kid, and stays up', async () => {
    const hugeKid = await mint({}, { kid: 'k'.repeat(10_000) });
    const response = await list(hugeKid);
    expect([401, 431]).toContain(response.status);
    const hugeHeader = `${encode({ alg: 'ES256', typ: 'at+jwt', pad: 'x'.repeat(7000) })}.${encode(claims())}.AAAA`;
    expect((await list(hugeHeader)).status).toBe(401);
    const tooLong = `${encode({ alg: 'ES256', pad: 'x'.repeat(9000) })}.${encode(claims())}.AAAA`;
    expect((await list(tooLong)).status).toBe(401);
    expect((await list(await mint())).status).toBe(200);
  });
});

describe('todo API under attack: bodies', () => {
  it('refuses a very large body with 413, authenticated or not, and stays up', async () => {
    const big = JSON.stringify({ title: 'x'.repeat(5 * 1024 * 1024) });
    const anonymous = await post(undefined, big).catch(() => undefined);
    if (anonymous) expect(anonymous.status).toBe(401);
    const response = await post(await mint(), big).catch(() => undefined);
    if (response) expect(response.status).toBe(413);
    expect((await list(await mint())).status).toBe(200);
  });

  it('refuses a 1 MB todo title and a 201-character one, and stores nothing', async () => {
    const token = await mint({ sub: '00u-big-title' });
    const megabyte = await post(token, JSON.stringify({ title: 'x'.repeat(1024 * 1024) })).catch(
      () => undefined,
    );
    if (megabyte) expect(megabyte.status).toBe(413);
    expect((await post(token, JSON.stringify({ title: 'y'.repeat(201) }))).status).toBe(400);
    expect((await (await list(token)).json()).todos).toEqual([]);
  });

  it('treats __proto__ in JSON as data: no pollution, no title taken from it', async () => {
    const token = await mint({ sub: '00u-proto' });
    const fromProto = await post(token, '{"__proto__": {"title": "from the prototype"}}');
    expect(fromProto.status).toBe(400);

    const extra = await post(
      token,
      '{"title": "plain", "__proto__": {"done": true, "polluted": 1}, "constructor": {"prototype": {"polluted": 1}}}',
    );
    expect(extra.status).toBe(201);
    expect((await extra.json()).todo).toMatchObject({ title: 'plain', done: false });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const listed = await (await list(token)).json();
    expect(Object.keys(listed.todos[0]).sort()).toEqual(['createdAt', 'done', 'id', 'title']);
  });

  it('refuses a body that is not UTF-8 JSON, or JSON of the wrong shape', async () => {
    const token = await mint({ sub: '00u-bytes' });
    const bytes = Buffer.concat([
      Buffer.from('{"title": "a'),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from('"}'),
    ]);
    expect((await post(token, bytes)).status).toBe(400);
    for (const body of ['null', '[]', '"title"', '{"title": 1}', '{"title": "   "}', '{']) {
      expect((await post(token, body)).status, body).toBe(400);
    }
    expect((await (await list(token)).json()).todos).toEqual([]);
  });
});
