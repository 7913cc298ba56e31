import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type IdJagError,
  issueIdJag,
  MemoryReplayStore,
  type RemoteTrustedIssuer,
  verifyIdJag,
} from '../src/index.js';
import { AS, CLIENT, IDP, rsaKey, type TestKey } from './fixtures.js';
import { type JwksServer, startJwksServer } from './jwks-server.js';

const servers: JwksServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(keys: Record<string, unknown>[]): Promise<JwksServer> {
  const server = await startJwksServer(keys);
  servers.push(server);
  return server;
}

const issue = (key: TestKey) =>
  issueIdJag({
    key: key.privateKey,
    kid: key.kid,
    issuer: IDP,
    subject: '00u-demo',
    audience: AS,
    clientId: CLIENT,
    scope: ['todo.read'],
  }).then(({ jwt }) => jwt);

const verify = (jwt: string, trusted: Omit<RemoteTrustedIssuer, 'issuer'>) =>
  verifyIdJag(jwt, {
    trustedIssuers: [{ issuer: IDP, ...trusted }],
    audience: AS,
    clientId: CLIENT,
    replayStore: new MemoryReplayStore(),
  }).then(
    () => 'accepted',
    (error: IdJagError) => error.code,
  );

describe('a remote key set that offers the wrong kind of key', () => {
  it.each([
    [
      'a symmetric oct key under the kid',
      { kty: 'oct', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQ', alg: 'RS256' },
    ],
    ['the right key marked use: enc', { use: 'enc' }],
    ['the right key marked for another alg', { alg: 'RS384' }],
    ['the right key allowed only to encrypt', { key_ops: ['encrypt'], use: undefined }],
  ])('%s is never used to verify', async (_name, change) => {
    const key = await rsaKey('k1');
    const offered =
      'kty' in change && change.kty === 'oct'
        ? { ...change, kid: 'k1' }
        : { ...key.publicJwk, ...change };
    const server = await serve([offered]);
    expect(await verify(await issue(key), { jwksUri: server.url })).toBe('signature');
    expect(server.requests).toBe(1);
  });
});

describe('remote key set transport', () => {
  it('refuses a jwksUri over plain http to a host that is not loopback', async () => {
    const key = await rsaKey('k1');
    const jwt = await issue(key);
    for (const jwksUri of ['http://idp.example.test/keys', 'http://127.0.0.1.example.test/keys']) {
      await expect(
        verifyIdJag(jwt, {
          trustedIssuers: [{ issuer: IDP, jwksUri }],
          audience: AS,
          clientId: CLIENT,
        }),
      ).rejects.toThrow(/trustedIssuers\[0\]\.jwksUri: .*https/);
    }
  });

  it('refuses a key set larger than the cap, declared or streamed', async () => {
    const key = await rsaKey('k1');
    const padding = 'x'.repeat(2 * 1024 * 1024);
    const declared = await serve([key.publicJwk]);
    declared.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [key.publicJwk], padding }));
    };
    expect(await verify(await issue(key), { jwksUri: declared.url })).toBe('jwks');

    const streamed = await serve([key.publicJwk]);
    streamed.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(`{"keys":[${JSON.stringify(key.publicJwk)}],"padding":"`);
      for (let i = 0; i < 32; i += 1) res.write('x'.repeat(64 * 1024));
      res.end('"}');
    };
    expect(await verify(await issue(key), { jwksUri: streamed.url })).toBe('jwks');
  });

  it('counts decoded bytes: a small gzip key set that expands to 20 MB is refused', async () => {
    const key = await rsaKey('k1');
    const padding = ' '.repeat(20 * 1024 * 1024);
    const bomb = gzipSync(`{"keys":[${JSON.stringify(key.publicJwk)}],"padding":"${padding}"}`);
    const server = await serve([key.publicJwk]);
    server.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(bomb);
    };
    expect(await verify(await issue(key), { jwksUri: server.url })).toBe('jwks');
  });

  it('an ordinary key set well under the cap still verifies', async () => {
    const key = await rsaKey('k1');
    const others = Array.from({ length: 20 }, (_, i) => ({ ...key.publicJwk, kid: `other-${i}` }));
    const server = await serve([...others, key.publicJwk]);
    expect(await verify(await issue(key), { jwksUri: server.url })).toBe('accepted');
  });
});
