import {
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AssertionAlgorithm,
  clientSecretBasic,
  clientSecretPost,
  createClient,
  type ExchangeError,
  MemoryCacheStore,
  privateKeyJwt,
} from '../src/index.js';
import { type AuthServer, CLIENT_ID, startAuthServer } from './support/auth-server.js';
import { makeIdToken, makeKeys, thingAdapter } from './support/fixtures.js';
import { sendJson } from './support/http-server.js';

const servers: AuthServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function server(options: Parameters<typeof startAuthServer>[0]) {
  const started = await startAuthServer(options);
  servers.push(started);
  return started;
}

async function exchangeOnce(as: AuthServer, auth: ReturnType<typeof privateKeyJwt>) {
  const client = createClient({
    issuer: as.issuer,
    clientId: CLIENT_ID,
    auth,
    adapters: [thingAdapter()],
    cache: false,
  });
  return client.exchange('thing', { subjectToken: await makeIdToken(), resource: 'orn:x' });
}

describe('private_key_jwt', () => {
  it('sends an assertion the server verifies with the public key', async () => {
    const keys = await makeKeys('agent-key');
    const as = await server({ publicJwk: keys.publicJwk, kid: 'agent-key' });
    const credential = await exchangeOnce(
      as,
      privateKeyJwt({ key: keys.privateJwk, kid: 'agent-key', alg: 'ES256' }),
    );
    expect(credential.token).toBe('opaque-credential-1');
    expect(as.authFailures).toEqual([]);
    const [claims] = as.assertions;
    expect(claims).toMatchObject({ iss: CLIENT_ID, sub: CLIENT_ID, aud: as.tokenEndpoint });
    expect(typeof claims?.aud).toBe('string');
    const lifetime = (claims?.exp ?? 0) - (claims?.iat ?? 0);
    expect(lifetime).toBeGreaterThanOrEqual(60);
    expect(lifetime).toBeLessThanOrEqual(300);
    expect(as.assertionHeaders[0]).toMatchObject({ alg: 'ES256', kid: 'agent-key' });
    const form = as.tokenRequests()[0]?.form;
    expect(form?.get('client_assertion_type')).toBe(
      'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    );
    expect(form?.has('client_secret')).toBe(false);
    expect(as.tokenRequests()[0]?.headers.authorization).toBeUndefined();
  });

  it.each(['RS256', 'PS256', 'EdDSA'] as const)(
    'sends an %s assertion the server verifies with the public key',
    async (alg) => {
      const pair = await generateKeyPair(alg, { extractable: true });
      const privateJwk = { ...(await exportJWK(pair.privateKey)), kid: `${alg}-key`, alg };
      const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: `${alg}-key`, alg };
      const as = await server({ publicJwk, kid: `${alg}-key` });
      const credential = await exchangeOnce(as, privateKeyJwt({ key: privateJwk }));
      expect(credential.token).toBe('opaque-credential-1');
      expect(as.authFailures).toEqual([]);
      expect(as.assertionHeaders[0]).toMatchObject({ alg, kid: `${alg}-key` });
      expect(as.assertions[0]).toMatchObject({
        iss: CLIENT_ID,
        sub: CLIENT_ID,
        aud: as.tokenEndpoint,
      });
    },
  );

  it('uses the issuer as audience when asked to', async () => {
    const keys = await makeKeys();
    const as = await server({ publicJwk: keys.publicJwk, assertionAudience: 'issuer' });
    await exchangeOnce(as, privateKeyJwt({ key: keys.privateJwk, audience: 'issuer' }));
    expect(as.assertions[0]?.aud).toBe(as.issuer);
  });

  it('makes a fresh jti for every request', async () => {
    const keys = await makeKeys();
    const as = await server({ publicJwk: keys.publicJwk });
    const auth = privateKeyJwt({ key: keys.privateJwk });
    await exchangeOnce(as, auth);
    await exchangeOnce(as, auth);
    expect(as.assertions).toHaveLength(2);
    expect(as.assertions[0]?.jti).not.toBe(as.assertions[1]?.jti);
  });

  it('accepts a KeyObject and a CryptoKey', async () => {
    const keys = await makeKeys();
    const as = await server({ publicJwk: keys.publicJwk });
    const keyObject = createPrivateKey({ key: keys.privateJwk as JsonWebKey, format: 'jwk' });
    await exchangeOnce(as, privateKeyJwt({ key: keyObject, kid: keys.kid }));
    const cryptoKey = (await importJWK(keys.privateJwk, 'ES256')) as CryptoKey;
    await exchangeOnce(as, privateKeyJwt({ key: cryptoKey, kid: keys.kid }));
    expect(as.assertions).toHaveLength(2);
    expect(as.assertionHeaders.map((h) => h.alg)).toEqual(['ES256', 'ES256']);
  });

  it('signs through a callback, as with a KMS', async () => {
    const keys = await makeKeys();
    const as = await server({ publicJwk: keys.publicJwk });
    const key = await importJWK(keys.privateJwk, 'ES256');
    const seen: unknown[] = [];
    const auth = privateKeyJwt({
      kid: keys.kid,
      alg: 'ES256',
      sign: async (header, claims) => {
        seen.push({ header, claims });
        return new SignJWT({ ...claims }).setProtectedHeader({ ...header }).sign(key);
      },
    });
    await exchangeOnce(as, auth);
    expect(as.assertions).toHaveLength(1);
    expect(seen[0]).toMatchObject({ header: { alg: 'ES256', kid: keys.kid, typ: 'JWT' } });
  });

  it('is refused by the server when signed with another key', async () => {
    const keys = await makeKeys();
    const other = await makeKeys();
    const as = await server({ publicJwk: keys.publicJwk });
    const error = (await exchangeOnce(as, privateKeyJwt({ key: other.privateJwk })).catch(
      (e: unknown) => e,
    )) as ExchangeError;
    expect(as.authFailures).toHaveLength(1);
    expect(error.code).toBe('configuration');
    expect(error.error).toBe('invalid_client');
    expect(error.status).toBe(401);
    expect(as.tokenRequests()).toHaveLength(1);
  });

  it('rejects unusable keys and options when built', async () => {
    const keys = await makeKeys();
    const fails = (make: () => unknown) => {
      try {
        make();
      } catch (error) {
        return (error as ExchangeError).code;
      }
      return 'built';
    };
    expect(fails(() => privateKeyJwt({ key: keys.publicJwk }))).toBe('configuration');
    expect(fails(() => privateKeyJwt({ key: { kty: 'oct', k: 'c2VjcmV0', kid: 'x' } }))).toBe(
      'configuration',
    );
    const { kid: _kid, ...noKid } = keys.privateJwk;
    expect(fails(() => privateKeyJwt({ key: noKid }))).toBe('configuration');
    expect(fails(() => privateKeyJwt({ key: keys.privateJwk, lifetimeSeconds: 3600 }))).toBe(
      'configuration',
    );
    expect(
      fails(() => privateKeyJwt({ key: keys.privateJwk, alg: 'HS256' as unknown as 'ES256' })),
    ).toBe('configuration');
    expect(fails(() => privateKeyJwt({ key: keys.privateJwk }))).toBe('built');
  });

  it('refuses public and secret key objects when built', async () => {
    const keys = await makeKeys();
    const privateKey = createPrivateKey({ key: keys.privateJwk as JsonWebKey, format: 'jwk' });
    const publicCryptoKey = (await importJWK(keys.publicJwk, 'ES256')) as CryptoKey;
    for (const key of [
      createPublicKey(privateKey),
      createSecretKey(Buffer.alloc(32, 1)),
      publicCryptoKey,
      new Uint8Array(32),
    ]) {
      expect(() => privateKeyJwt({ key: key as KeyObject, kid: 'k', alg: 'ES256' })).toThrow(
        /privateKeyJwt: "key" must be a private/,
      );
    }
  });

  it('refuses an alg that does not fit the key when built, not at the first request', async () => {
    const keys = await makeKeys();
    const ec = createPrivateKey({ key: keys.privateJwk as JsonWebKey, format: 'jwk' });
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const ed = generateKeyPairSync('ed25519').privateKey;
    const cases: [KeyObject | JWK, AssertionAlgorithm][] = [
      [keys.privateJwk, 'RS256'],
      [keys.privateJwk, 'ES384'],
      [ec, 'RS256'],
      [rsa, 'ES256'],
      [ed, 'RS256'],
      [{ ...keys.privateJwk, alg: 'RS256' }, 'ES256'],
    ];
    for (const [key, alg] of cases) {
      expect(() => privateKeyJwt({ key, kid: 'k', alg })).toThrow(/"alg"/);
    }
    expect(() => privateKeyJwt({ key: { ...keys.privateJwk, alg: 'RS256' } })).toThrow(/"alg"/);
    expect(() => privateKeyJwt({ key: rsa, kid: 'k', alg: 'PS384' })).not.toThrow();
    expect(() => privateKeyJwt({ key: ed, kid: 'k' })).not.toThrow();
  });

  it('makes a new assertion (own jti, iat, exp) for each of three attempts', async () => {
    const keys = await makeKeys();
    let now = Date.UTC(2030, 0, 1);
    const as = await server({
      publicJwk: keys.publicJwk,
      now: () => Math.floor(now / 1000),
      reply: ({ response }) => {
        now += 7_000;
        sendJson(response, 503, { error: 'temporarily_unavailable' });
      },
    });
    const client = createClient({
      issuer: as.issuer,
      clientId: CLIENT_ID,
      auth: privateKeyJwt({ key: keys.privateJwk, lifetimeSeconds: 60 }),
      adapters: [thingAdapter()],
      clock: () => now,
      retry: { sleep: async () => undefined },
    });
    await client
      .exchange('thing', { subjectToken: await makeIdToken(), resource: 'orn:x' })
      .catch(() => undefined);
    expect(as.assertions).toHaveLength(3);
    expect(new Set(as.assertions.map((a) => a.jti)).size).toBe(3);
    const start = Date.UTC(2030, 0, 1) / 1000;
    expect(as.assertions.map((a) => a.iat)).toEqual([start, start + 7, start + 14]);
    expect(as.assertions.map((a) => (a.exp ?? 0) - (a.iat ?? 0))).toEqual([60, 60, 60]);
  });

  it('a signer that never settles times out at authenticate and holds no cache key', async () => {
    const keys = await makeKeys();
    const as = await server({ publicJwk: keys.publicJwk });
    const key = await importJWK(keys.privateJwk, 'ES256');
    let calls = 0;
    const client = createClient({
      issuer: as.issuer,
      clientId: CLIENT_ID,
      auth: privateKeyJwt({
        kid: keys.kid,
        alg: 'ES256',
        sign: (header, claims) => {
          calls += 1;
          if (calls === 1) return new Promise<string>(() => undefined);
          return new SignJWT({ ...claims }).setProtectedHeader({ ...header }).sign(key);
        },
      }),
      adapters: [thingAdapter()],
      cache: new MemoryCacheStore(),
      timeoutMs: 300,
    });
    const input = { subjectToken: await makeIdToken(), resource: 'orn:x' };
    const error = (await client.exchange('thing', input).catch((e: unknown) => e)) as ExchangeError;
    expect(error).toMatchObject({ code: 'timeout', step: 'authenticate', retryable: true });
    expect(as.tokenRequests()).toHaveLength(0);
    const credential = await client.exchange('thing', input);
    expect(credential.token).toBe('opaque-credential-1');
    expect(as.tokenRequests()).toHaveLength(1);
  });

  it('reports a signer failure as configuration without its output', async () => {
    const keys = await makeKeys();
    const as = await server({ publicJwk: keys.publicJwk });
    const auth = privateKeyJwt({ kid: 'k', alg: 'ES256', sign: async () => 'not a jws' });
    const error = (await exchangeOnce(as, auth).catch((e: unknown) => e)) as ExchangeError;
    expect(error.code).toBe('configuration');
    expect(error.step).toBe('authenticate');
    expect(as.tokenRequests()).toHaveLength(0);
  });
});

describe('client secrets', () => {
  const secret = 'se cret:+/%&=';

  it('client_secret_post sends client_id and client_secret in the form', async () => {
    const as = await server({ clientSecret: secret });
    await exchangeOnce(as, clientSecretPost({ clientSecret: secret }));
    const request = as.tokenRequests()[0];
    expect(as.authFailures).toEqual([]);
    expect(request?.form.get('client_id')).toBe(CLIENT_ID);
    expect(request?.headers.authorization).toBeUndefined();
  });

  it('client_secret_basic sends form-encoded credentials in the header', async () => {
    const as = await server({ clientSecret: secret });
    await exchangeOnce(as, clientSecretBasic({ clientSecret: secret }));
    const request = as.tokenRequests()[0];
    expect(as.authFailures).toEqual([]);
    expect(request?.headers.authorization).toMatch(/^Basic /);
    expect(request?.form.has('client_secret')).toBe(false);
  });

  it('a wrong secret is a configuration error', async () => {
    const as = await server({ clientSecret: secret });
    const error = (await exchangeOnce(as, clientSecretBasic({ clientSecret: 'wrong' })).catch(
      (e: unknown) => e,
    )) as ExchangeError;
    expect(error.code).toBe('configuration');
    expect(as.authFailures).toEqual(['bad client secret']);
  });

  it('an empty secret is refused when built', () => {
    expect(() => clientSecretPost({ clientSecret: '' })).toThrow(/"clientSecret"/);
    expect(() => clientSecretBasic({ clientSecret: '' })).toThrow(/"clientSecret"/);
  });
});
