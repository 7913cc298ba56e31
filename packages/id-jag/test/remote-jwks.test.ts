import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type IdJagError,
  issueIdJag,
  type KeySetFetch,
  MemoryReplayStore,
  verifyIdJag,
} from '../src/index.js';
import { AS, CLIENT, IDP, OTHER_IDP, rsaKey, type TestKey } from './fixtures.js';
import { type JwksServer, startJwksServer } from './jwks-server.js';

const servers: JwksServer[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(...keys: TestKey[]): Promise<JwksServer> {
  const server = await startJwksServer(keys.map((key) => key.publicJwk));
  servers.push(server);
  return server;
}

const issue = (key: TestKey, issuer = IDP) =>
  issueIdJag({
    key: key.privateKey,
    kid: key.kid,
    issuer,
    subject: '00u-demo',
    audience: AS,
    clientId: CLIENT,
    scope: ['todo.read'],
  }).then(({ jwt }) => jwt);

const verify = (jwt: string, server: JwksServer, extra: Record<string, unknown> = {}) =>
  verifyIdJag(jwt, {
    trustedIssuers: [{ issuer: IDP, jwksUri: server.url, ...extra }],
    audience: AS,
    clientId: CLIENT,
    replayStore: new MemoryReplayStore(),
  });

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (error: IdJagError) => error.code,
  );

describe('remote key sets', () => {
  it('verifies against a JWKS fetched over HTTP and caches it', async () => {
    const key = await rsaKey('org-1');
    const server = await serve(key);

    await expect(verify(await issue(key), server)).resolves.toBeDefined();
    await expect(verify(await issue(key), server)).resolves.toBeDefined();
    expect(server.requests).toBe(1);
  });

  it('refreshes on an unknown kid at most once per cooldown', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.UTC(2030, 0, 1));
    const current = await rsaKey('org-1');
    const rotated = await rsaKey('org-2');
    const forged = await rsaKey('ghost');
    const server = await serve(current);

    expect(await codeOf(verify(await issue(current), server))).toBe('accepted');
    expect(server.requests).toBe(1);

    // The issuer rotates; within the cooldown the new kid does not trigger a fetch yet.
    server.keys = [current.publicJwk, rotated.publicJwk];
    vi.setSystemTime(Date.UTC(2030, 0, 1, 0, 0, 1));
    expect(await codeOf(verify(await issue(rotated), server))).toBe('signature');
    expect(server.requests).toBe(1);

    // After the cooldown, one unknown kid refetches once and the rotated key works.
    vi.setSystemTime(Date.UTC(2030, 0, 1, 0, 0, 31));
    expect(await codeOf(verify(await issue(rotated), server))).toBe('accepted');
    expect(server.requests).toBe(2);

    // A flood of unknown kids right after costs no further fetch...
    vi.setSystemTime(Date.UTC(2030, 0, 1, 0, 0, 32));
    for (let i = 0; i < 5; i++) {
      expect(await codeOf(verify(await issue(forged), server))).toBe('signature');
    }
    expect(server.requests).toBe(2);

    // ...and one more cooldown later, exactly one.
    vi.setSystemTime(Date.UTC(2030, 0, 1, 0, 1, 5));
    for (let i = 0; i < 5; i++) {
      expect(await codeOf(verify(await issue(forged), server))).toBe('signature');
    }
    expect(server.requests).toBe(3);
  });

  it('never uses one issuer key set for another', async () => {
    const keyA = await rsaKey('shared-kid');
    const keyB = await rsaKey('shared-kid');
    const serverA = await serve(keyA);
    const serverB = await serve(keyB);
    const trustedIssuers = [
      { issuer: IDP, jwksUri: serverA.url },
      { issuer: OTHER_IDP, jwksUri: serverB.url },
    ];
    const opts = {
      trustedIssuers,
      audience: AS,
      clientId: CLIENT,
      replayStore: new MemoryReplayStore(),
    };

    // Signed by A's key, claiming to come from B.
    expect(await codeOf(verifyIdJag(await issue(keyA, OTHER_IDP), opts))).toBe('signature');
    expect(serverA.requests).toBe(0);
    expect(serverB.requests).toBe(1);

    expect(await codeOf(verifyIdJag(await issue(keyB, OTHER_IDP), opts))).toBe('accepted');
    expect(await codeOf(verifyIdJag(await issue(keyA, IDP), opts))).toBe('accepted');
  });

  it('never contacts the JWKS of an untrusted issuer nor a jku', async () => {
    const key = await rsaKey('org-1');
    const server = await serve(key);
    expect(await codeOf(verify(await issue(key, 'https://evil.test'), server))).toBe(
      'untrusted_issuer',
    );
    expect(server.requests).toBe(0);
  });

  it('reports a failing key set as jwks: 500, HTML, redirect, hang', async () => {
    const key = await rsaKey('org-1');
    const jwt = await issue(key);

    const failing = await serve(key);
    failing.handler = (_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{}');
    };
    expect(await codeOf(verify(jwt, failing))).toBe('jwks');

    const html = await serve(key);
    html.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>sign in</html>');
    };
    expect(await codeOf(verify(jwt, html))).toBe('jwks');

    const target = await serve(key);
    const redirecting = await serve(key);
    redirecting.handler = (_req, res) => {
      res.writeHead(302, { location: target.url });
      res.end();
    };
    expect(await codeOf(verify(jwt, redirecting))).toBe('jwks');
    expect(target.requests).toBe(0);

    const hanging = await serve(key);
    hanging.handler = () => {};
    expect(await codeOf(verify(jwt, hanging, { timeoutMs: 200 }))).toBe('jwks');
  });

  it('downloads through the given fetch', async () => {
    const key = await rsaKey('org-1');
    const server = await serve(key);
    const urls: string[] = [];
    const result = await verifyIdJag(await issue(key), {
      trustedIssuers: [{ issuer: IDP, jwksUri: new URL(server.url) }],
      audience: AS,
      clientId: CLIENT,
      fetch: (url, init) => {
        urls.push(url);
        return fetch(url, init);
      },
    });
    expect(result.claims.iss).toBe(IDP);
    expect(urls).toEqual([server.url]);
  });

  it('keeps its key set cache only for the same fetch function across calls', async () => {
    const key = await rsaKey('org-1');
    const server = await serve(key);
    const withFetch = async (fetchKeys: KeySetFetch) =>
      verifyIdJag(await issue(key), {
        trustedIssuers: [{ issuer: IDP, jwksUri: server.url }],
        audience: AS,
        clientId: CLIENT,
        replayStore: new MemoryReplayStore(),
        fetch: fetchKeys,
      });

    // The documented way: one wrapper, made once, passed on every call.
    const wrapper: KeySetFetch = (url, init) => fetch(url, init);
    for (let call = 0; call < 3; call += 1) await withFetch(wrapper);
    expect(server.requests).toBe(1);

    // A wrapper made per call starts from an empty cache every time.
    for (let call = 0; call < 3; call += 1) await withFetch((url, init) => fetch(url, init));
    expect(server.requests).toBe(4);
  });
});
