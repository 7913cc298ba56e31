import { createHmac, createPublicKey } from 'node:crypto';
import { CompactEncrypt, exportJWK, generateKeyPair } from 'jose';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type IdJagErrorCode,
  issueIdJag,
  MemoryReplayStore,
  type ReplayStore,
  type VerifyIdJagOptions,
  verifyIdJag,
} from '../src/index.js';
import {
  AS,
  CLIENT,
  claimsAt,
  flipLastCharacter,
  IDP,
  OTHER_IDP,
  rsaKey,
  signRs256,
  type TestKey,
} from './fixtures.js';

const NOW = Date.UTC(2030, 5, 1, 12, 0, 0);
const NOW_S = NOW / 1000;
const TYP = { alg: 'RS256', typ: 'oauth-id-jag+jwt' };

let keyA: TestKey;
let keyB: TestKey;
beforeAll(async () => {
  keyA = await rsaKey('k1');
  // Issuer B publishes a different key under the same kid.
  keyB = await rsaKey('k1');
});

const options = (overrides: Partial<VerifyIdJagOptions> = {}): VerifyIdJagOptions => ({
  trustedIssuers: [
    { issuer: IDP, jwks: { keys: [keyA.publicJwk] } },
    { issuer: OTHER_IDP, jwks: { keys: [keyB.publicJwk] } },
  ],
  audience: AS,
  clientId: CLIENT,
  now: NOW,
  replayStore: new MemoryReplayStore(),
  ...overrides,
});

const token = (header: Record<string, unknown> = {}, claims: Record<string, unknown> = {}) =>
  signRs256({ ...TYP, kid: 'k1', ...header }, claimsAt(NOW_S, claims), keyA.privateKey);

async function refusal(
  jwt: string,
  opts = options(),
): Promise<{ code: IdJagErrorCode; message: string }> {
  const error = await verifyIdJag(jwt, opts).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the ID-JAG was accepted').toBeDefined();
  const { code, message, stack } = error as {
    code: IdJagErrorCode;
    message: string;
    stack: string;
  };
  // No token, nor its signature, ever appears in what a caller might log.
  const signature = jwt.split('.')[2] ?? '';
  for (const text of [message, stack, JSON.stringify(error)]) {
    if (jwt.length > 0) expect(text).not.toContain(jwt);
    if (signature.length > 8) expect(text).not.toContain(signature);
  }
  return { code, message };
}

describe('verifyIdJag accepts', () => {
  it('a valid ID-JAG, returning its claims and header', async () => {
    const { claims, header } = await verifyIdJag(token(), options());
    expect(claims).toMatchObject({ iss: IDP, aud: AS, client_id: CLIENT, sub: '00u-demo' });
    expect(header).toMatchObject({ alg: 'RS256', kid: 'k1', typ: 'oauth-id-jag+jwt' });
  });

  it('typ in any case and with the application/ prefix', async () => {
    for (const typ of ['application/oauth-id-jag+jwt', 'OAuth-ID-JAG+JWT']) {
      await expect(verifyIdJag(token({ typ }), options())).resolves.toBeDefined();
    }
  });

  it('aud as an array of exactly one element', async () => {
    const { claims } = await verifyIdJag(token({}, { aud: [AS] }), options());
    expect(claims.aud).toBe(AS);
  });

  it('no kid only when exactly one key of the issuer fits', async () => {
    await expect(verifyIdJag(token({ kid: undefined }), options())).resolves.toBeDefined();
    const other = await rsaKey('k2');
    const twoKeys = options({
      trustedIssuers: [{ issuer: IDP, jwks: { keys: [keyA.publicJwk, other.publicJwk] } }],
    });
    expect((await refusal(token({ kid: undefined }), twoKeys)).code).toBe('signature');
  });

  it('exp 29 s in the past with 30 s of skew', async () => {
    const jwt = token({}, { iat: NOW_S - 329, exp: NOW_S - 29 });
    await expect(verifyIdJag(jwt, options({ clockToleranceSeconds: 30 }))).resolves.toBeDefined();
  });
});

describe('verifyIdJag refuses the bad inputs every JWT verifier must survive', () => {
  it('alg none with an empty signature', async () => {
    const [header, payload] = token().split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'oauth-id-jag+jwt' })).toString('base64url')}.${payload}.`;
    expect(header).toBeDefined();
    expect(await refusal(none)).toMatchObject({
      code: 'algorithm',
      message: expect.stringMatching(/"alg"/),
    });
  });

  it('a signature with its last character changed', async () => {
    const jwt = token();
    const tampered = flipLastCharacter(jwt);
    expect(tampered).not.toBe(jwt);
    expect((await refusal(tampered)).code).toBe('signature');
  });

  it('kid "../../etc/passwd" (no such key) and an overlong kid', async () => {
    expect((await refusal(token({ kid: '../../etc/passwd' }))).code).toBe('signature');
    expect((await refusal(token({ kid: 'k'.repeat(1000) }))).code).toBe('header');
    // 10,000 characters: refused by the size cap before the header is even decoded.
    expect(await refusal(token({ kid: 'k'.repeat(10_000) }))).toMatchObject({
      code: 'malformed',
      message: expect.stringMatching(/larger than/),
    });
    expect((await refusal(token({ kid: 'k1\n' }))).code).toBe('header');
  });

  it('a crit header naming an unknown extension', async () => {
    const jwt = token({ crit: ['urn:example:unknown'], 'urn:example:unknown': true });
    expect((await refusal(jwt)).code).toBe('crit');
  });

  it('exp 31 s in the past with 30 s of skew', async () => {
    const jwt = token({}, { iat: NOW_S - 331, exp: NOW_S - 31 });
    expect((await refusal(jwt, options({ clockToleranceSeconds: 30 }))).code).toBe('expired');
  });

  it('no exp, no iat, no jti', async () => {
    for (const claim of ['exp', 'iat', 'jti']) {
      const { code, message } = await refusal(token({}, { [claim]: undefined }));
      expect(code).toBe('missing_claim');
      expect(message).toContain(`"${claim}"`);
    }
  });

  it('typ JWT, and no typ', async () => {
    expect((await refusal(token({ typ: 'JWT' }))).code).toBe('typ');
    expect((await refusal(token({ typ: undefined }))).code).toBe('typ');
    expect((await refusal(token({ typ: 'application/jwt' }))).code).toBe('typ');
  });

  it('a client_id that is not the authenticated client', async () => {
    expect((await refusal(token({}, { client_id: 'wlp-other-agent' }))).code).toBe('client_id');
    expect((await refusal(token({}, { client_id: undefined }))).code).toBe('missing_claim');
  });

  it('the same ID-JAG twice', async () => {
    const jwt = token();
    const opts = options();
    await expect(verifyIdJag(jwt, opts)).resolves.toBeDefined();
    expect((await refusal(jwt, opts)).code).toBe('replayed');
  });

  it('an ID-JAG presented to a second authorization server', async () => {
    const jwt = token();
    expect(
      (await refusal(jwt, options({ audience: 'https://as.example.test/oauth2/other' }))).code,
    ).toBe('audience');
    expect((await refusal(token({}, { aud: [AS, 'https://elsewhere.test'] }))).code).toBe(
      'audience',
    );
    expect((await refusal(token({}, { aud: undefined }))).code).toBe('missing_claim');
  });
});

describe('verifyIdJag refuses (JOSE hygiene)', () => {
  it('a token claiming issuer B signed with issuer A keys, even with a shared kid', async () => {
    const jwt = token({}, { iss: OTHER_IDP });
    expect((await refusal(jwt)).code).toBe('signature');
  });

  it('an untrusted or missing issuer', async () => {
    expect((await refusal(token({}, { iss: 'https://evil.test' }))).code).toBe('untrusted_issuer');
    expect((await refusal(token({}, { iss: undefined }))).code).toBe('missing_claim');
  });

  it('HS256 signed with the public key bytes', async () => {
    const pem = createPublicKey(keyA.privateKey).export({ format: 'pem', type: 'spki' });
    const header = Buffer.from(
      JSON.stringify({ alg: 'HS256', typ: 'oauth-id-jag+jwt', kid: 'k1' }),
    ).toString('base64url');
    const payload = Buffer.from(JSON.stringify(claimsAt(NOW_S))).toString('base64url');
    const mac = createHmac('sha256', pem).update(`${header}.${payload}`).digest('base64url');
    expect((await refusal(`${header}.${payload}.${mac}`)).code).toBe('algorithm');
  });

  it('an algorithm outside a narrower allow-list', async () => {
    expect((await refusal(token(), options({ algorithms: ['ES256'] }))).code).toBe('algorithm');
  });

  it('a JWE', async () => {
    const { publicKey } = await generateKeyPair('RSA-OAEP-256');
    const jwe = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify(claimsAt(NOW_S))))
      .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', typ: 'oauth-id-jag+jwt' })
      .encrypt(publicKey);
    expect(await refusal(jwe)).toMatchObject({
      code: 'malformed',
      message: expect.stringMatching(/JWE/),
    });
  });

  it('an oversized token and things that are not a compact JWS', async () => {
    const big = token({}, { padding: 'x'.repeat(9000) });
    expect((await refusal(big)).message).toMatch(/larger than 8192/);
    for (const bad of ['', 'abc', 'a.b', 'a.b.c.d', 'a!.b.c', '.e30.', 'e30.bm90IGpzb24.c2ln']) {
      expect((await refusal(bad)).code).toBe('malformed');
    }
  });

  it('jku, x5u, jwk and x5c headers, never following them', async () => {
    const pointers = {
      jku: 'http://127.0.0.1:1/jwks',
      x5u: 'http://127.0.0.1:1/cert',
      jwk: keyA.publicJwk,
      x5c: ['MIIB'],
    };
    for (const [name, value] of Object.entries(pointers)) {
      const { code, message } = await refusal(token({ [name]: value }));
      expect(code).toBe('header');
      expect(message).toContain(`"${name}"`);
    }
  });

  it('a lifetime of 600 s', async () => {
    expect((await refusal(token({}, { exp: NOW_S + 600 }))).code).toBe('lifetime');
    expect((await refusal(token({}, { iat: NOW_S, exp: NOW_S - 1 }))).code).toBe('lifetime');
  });

  it('an iat beyond the skew in the future, an nbf in the future, and an old iat', async () => {
    expect((await refusal(token({}, { iat: NOW_S + 31, exp: NOW_S + 300 }))).code).toBe(
      'not_yet_valid',
    );
    expect((await refusal(token({}, { nbf: NOW_S + 120 }))).code).toBe('not_yet_valid');
    const old = token({}, { iat: NOW_S - 200, exp: NOW_S + 60 });
    expect((await refusal(old, options({ maxAgeSeconds: 120 }))).code).toBe('too_old');
  });

  it('claims of the wrong shape', async () => {
    expect((await refusal(token({}, { scope: undefined }))).code).toBe('missing_claim');
    expect((await refusal(token({}, { scope: ['todo.read'] }))).code).toBe('malformed');
    expect((await refusal(token({}, { scope: '' }))).code).toBe('malformed');
    expect((await refusal(token({}, { sub: 42 }))).message).toContain('"sub"');
    expect((await refusal(token({}, { exp: 'tomorrow' }))).code).toBe('malformed');
    expect((await refusal(token({}, { jti: 'j'.repeat(300) }))).code).toBe('malformed');
  });
});

describe('replay store', () => {
  it('lets exactly one of 50 concurrent verifications of one ID-JAG succeed', async () => {
    const { jwt } = await issueIdJag({
      key: keyA.privateKey,
      kid: 'k1',
      issuer: IDP,
      subject: '00u-demo',
      audience: AS,
      clientId: CLIENT,
      scope: ['todo.read'],
      now: NOW,
    });
    const opts = options();
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => verifyIdJag(jwt, opts)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const codes = results.flatMap((r) => (r.status === 'rejected' ? [r.reason.code] : []));
    expect(codes).toEqual(Array(49).fill('replayed'));
  });

  it('MemoryReplayStore answers true once for 50 simultaneous consumes of one jti', async () => {
    const store = new MemoryReplayStore();
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => store.consume('same-jti', Date.now() + 60_000)),
    );
    expect(answers.filter(Boolean)).toHaveLength(1);
  });

  it('uses the shared default store when none is given', async () => {
    const jwt = token();
    const { replayStore: _unused, ...withoutStore } = options();
    await expect(verifyIdJag(jwt, withoutStore)).resolves.toBeDefined();
    expect((await refusal(jwt, withoutStore)).code).toBe('replayed');
  });

  it('keeps an entry until the token could no longer pass, skew included', async () => {
    const seen: Array<[string, number]> = [];
    const store: ReplayStore = {
      consume: async (jti, expiresAt) => {
        seen.push([jti, expiresAt]);
        return true;
      },
    };
    const jwt = token({}, { jti: 'jti-1' });
    await verifyIdJag(jwt, options({ replayStore: store, clockToleranceSeconds: 30 }));
    expect(seen).toEqual([['jti-1', (NOW_S + 300 + 30) * 1000]]);
  });

  it('fails closed when the store fails', async () => {
    const store: ReplayStore = {
      consume: async () => {
        throw new Error('store unavailable');
      },
    };
    expect((await refusal(token(), options({ replayStore: store }))).code).toBe('replayed');
  });

  it('refuses when the store answers anything but true or false (a Redis "OK", an object)', async () => {
    for (const answer of ['OK', { ok: false }, 1, null, undefined]) {
      const store = { consume: async () => answer } as unknown as ReplayStore;
      const { code, message } = await refusal(token(), options({ replayStore: store }));
      expect(code, JSON.stringify(answer)).toBe('replayed');
      expect(message).toMatch(/neither true nor false/);
    }
  });

  it('refuses when the store never settles, once the replay store deadline passes', async () => {
    // Only timers are frozen: setImmediate stays real, so "settled by the next turn" is checkable.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const outcome = async (opts: VerifyIdJagOptions, advanceMs: number[]) => {
        let called!: () => void;
        const consumed = new Promise<void>((resolve) => {
          called = resolve;
        });
        const store: ReplayStore = {
          consume: () => {
            called();
            return new Promise<boolean>(() => {});
          },
        };
        const verification = verifyIdJag(token(), { ...opts, replayStore: store }).then(
          () => 'accepted',
          (error: { code?: string; message?: string }) => `${error.code}: ${error.message}`,
        );
        await consumed;
        const seen: string[] = [];
        for (const ms of advanceMs) {
          vi.advanceTimersByTime(ms);
          const nextTurn = new Promise<string>((resolve) => setImmediate(resolve, 'pending'));
          seen.push(await Promise.race([verification, nextTurn]));
        }
        return seen;
      };

      expect(await outcome(options({ replayStoreTimeoutMs: 250 }), [249, 1])).toEqual([
        'pending',
        'replayed: the replay store did not answer within 250 ms',
      ]);
      // The default deadline is 5 s.
      expect(await outcome(options(), [4999, 1])).toEqual([
        'pending',
        'replayed: the replay store did not answer within 5000 ms',
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('forgets expired entries only when sweeping', async () => {
    let now = 0;
    const store = new MemoryReplayStore({ now: () => now, sweepIntervalMs: 1000 });
    expect(await store.consume('a', 500)).toBe(true);
    now = 600;
    expect(await store.consume('a', 500)).toBe(false);
    now = 2000;
    expect(await store.consume('b', 5000)).toBe(true);
    expect(store.size).toBe(1);
  });
});

describe('options', () => {
  it('are checked and named', async () => {
    const jwt = token();
    await expect(verifyIdJag(jwt, options({ trustedIssuers: [] }))).rejects.toThrow(
      /trustedIssuers/,
    );
    await expect(verifyIdJag(jwt, options({ algorithms: ['HS256' as never] }))).rejects.toThrow(
      /"algorithms/,
    );
    await expect(verifyIdJag(jwt, options({ clientId: '' }))).rejects.toThrow(/"clientId"/);
    for (const replayStoreTimeoutMs of [0, -1, 1.5, 2 ** 31]) {
      await expect(verifyIdJag(jwt, options({ replayStoreTimeoutMs }))).rejects.toThrow(
        /"replayStoreTimeoutMs"/,
      );
    }

    const privateJwk = await exportJWK(keyA.privateKey);
    await expect(
      verifyIdJag(
        jwt,
        options({ trustedIssuers: [{ issuer: IDP, jwks: { keys: [privateJwk] } }] }),
      ),
    ).rejects.toThrow(/trustedIssuers\[0\]\.jwks\.keys\[0\].*private/);
    await expect(
      verifyIdJag(
        jwt,
        options({
          trustedIssuers: [
            { issuer: IDP, jwks: { keys: [keyA.publicJwk] } },
            { issuer: IDP, jwksUri: 'https://idp.example.test/keys' },
          ],
        }),
      ),
    ).rejects.toThrow(/once/);
  });
});
