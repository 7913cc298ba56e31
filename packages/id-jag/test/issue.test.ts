import { createSecretKey, generateKeyPairSync } from 'node:crypto';
import { decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ID_JAG_TYP,
  IdJagError,
  idJagScopes,
  issueIdJag,
  MemoryReplayStore,
  verifyIdJag,
} from '../src/index.js';
import { AS, CLIENT, IDP, rsaKey, type TestKey } from './fixtures.js';

let key: TestKey;
beforeAll(async () => {
  key = await rsaKey('org-key-1');
});

const base = () => ({
  key: key.privateKey,
  kid: key.kid,
  issuer: IDP,
  subject: '00u-demo',
  audience: AS,
  clientId: CLIENT,
  scope: ['todo.read', 'todo.write'],
});

describe('issueIdJag', () => {
  it('issues an ID-JAG that verifies, with every claim WIRE.md lists', async () => {
    const now = Date.UTC(2030, 0, 1);
    const { jwt, claims } = await issueIdJag({
      ...base(),
      resource: 'https://api.example.test/todo',
      email: 'demo@example.com',
      authTime: new Date(now - 60_000),
      amr: ['pwd'],
      act: { sub: 'wlp-agent-1', sub_profile: 'ai_agent' },
      now,
    });

    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'RS256', kid: 'org-key-1', typ: ID_JAG_TYP });
    const iat = now / 1000;
    expect(claims).toEqual({
      iss: IDP,
      sub: '00u-demo',
      aud: AS,
      client_id: CLIENT,
      jti: expect.stringMatching(/^[A-Za-z0-9_-]{20,}$/),
      iat,
      exp: iat + 300,
      scope: 'todo.read todo.write',
      resource: 'https://api.example.test/todo',
      email: 'demo@example.com',
      auth_time: iat - 60,
      amr: ['pwd'],
      act: { sub: 'wlp-agent-1', sub_profile: 'ai_agent' },
    });

    const verified = await verifyIdJag(jwt, {
      trustedIssuers: [{ issuer: IDP, jwks: { keys: [key.publicJwk] } }],
      audience: AS,
      clientId: CLIENT,
      now: now + 1000,
      replayStore: new MemoryReplayStore(),
    });
    expect(verified.claims).toEqual(claims);
    expect(verified.header.typ).toBe(ID_JAG_TYP);
    expect(idJagScopes(verified.claims)).toEqual(['todo.read', 'todo.write']);
  });

  it('gives every ID-JAG a fresh jti', async () => {
    const first = await issueIdJag(base());
    const second = await issueIdJag(base());
    expect(first.claims.jti).not.toBe(second.claims.jti);
  });

  it('honours a shorter lifetime and refuses 600 s', async () => {
    const { claims } = await issueIdJag({ ...base(), lifetimeSeconds: 60 });
    expect(claims.exp - claims.iat).toBe(60);

    const error = await issueIdJag({ ...base(), lifetimeSeconds: 600 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdJagError);
    expect((error as IdJagError).code).toBe('lifetime');
  });

  it('signs with ES256 and EdDSA keys too', async () => {
    for (const alg of ['ES256', 'EdDSA'] as const) {
      const pair = await generateKeyPair(alg);
      const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: `k-${alg}` };
      const { jwt } = await issueIdJag({ ...base(), key: pair.privateKey, kid: `k-${alg}`, alg });
      const verified = await verifyIdJag(jwt, {
        trustedIssuers: [{ issuer: IDP, jwks: { keys: [publicJwk] } }],
        audience: AS,
        clientId: CLIENT,
      });
      expect(verified.header.alg).toBe(alg);
    }
  });

  it('refuses symmetric algorithms and keys, and public keys', async () => {
    const secret = createSecretKey(Buffer.alloc(32, 7));
    const rsaPublic = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const attempts = [
      issueIdJag({ ...base(), alg: 'HS256' as never }),
      issueIdJag({ ...base(), alg: 'none' as never }),
      issueIdJag({ ...base(), key: secret }),
      issueIdJag({ ...base(), key: { kty: 'oct', k: 'c2VjcmV0c2VjcmV0c2VjcmV0' } }),
      issueIdJag({ ...base(), key: new Uint8Array(32) as never }),
      issueIdJag({ ...base(), key: rsaPublic }),
      issueIdJag({ ...base(), key: key.publicJwk }),
    ];
    for (const attempt of attempts) {
      const error = await attempt.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IdJagError);
      expect((error as IdJagError).code).toBe('algorithm');
    }
  });

  it('refuses a key that does not fit the algorithm', async () => {
    const error = await issueIdJag({ ...base(), alg: 'ES256' }).catch((e: unknown) => e);
    expect((error as IdJagError).code).toBe('algorithm');
  });

  it('names a bad option', async () => {
    await expect(issueIdJag({ ...base(), scope: [] })).rejects.toThrow(/"scope"/);
    await expect(issueIdJag({ ...base(), scope: ['has"quote'] })).rejects.toThrow(TypeError);
    await expect(issueIdJag({ ...base(), audience: '' })).rejects.toThrow(/"audience"/);
    await expect(issueIdJag({ ...base(), lifetimeSeconds: 0 })).rejects.toThrow(
      /"lifetimeSeconds"/,
    );
  });
});
