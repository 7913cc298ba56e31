import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import packageJson from '../package.json' with { type: 'json' };
import {
  ClientAssertionType,
  credentialExpiry,
  expiresInSchema,
  GrantType,
  protectCredential,
  shortHash,
  TokenType,
  tokenTypeSchema,
  USER_AGENT,
} from '../src/index.js';

describe('expiresInSchema', () => {
  it.each([0, 1, 300, 31_536_000])('accepts %s', (value) => {
    expect(expiresInSchema.parse(value)).toBe(value);
  });
  it.each([
    -1,
    1.5,
    1e308,
    2 ** 53,
    Number.POSITIVE_INFINITY,
    Number.NaN,
    'abc',
    '300',
    null,
    31_536_001,
  ])('refuses %s', (value) => {
    expect(expiresInSchema.safeParse(value).success).toBe(false);
  });
});

describe('tokenTypeSchema', () => {
  it('compares case-insensitively and returns the allowed spelling', () => {
    const schema = tokenTypeSchema('N_A', 'Bearer');
    expect(schema.parse('bearer')).toBe('Bearer');
    expect(schema.parse('n_a')).toBe('N_A');
    expect(schema.safeParse('DPoP').success).toBe(false);
    expect(schema.safeParse(1).success).toBe(false);
  });
});

describe('credentialExpiry', () => {
  const now = 1_700_000_000_000;
  it('uses expires_in, the JWT exp, the earlier of both, or the default', () => {
    expect(credentialExpiry({ expiresIn: 300, now }).getTime()).toBe(now + 300_000);
    expect(credentialExpiry({ jwtExp: now / 1000 + 100, now }).getTime()).toBe(now + 100_000);
    expect(credentialExpiry({ expiresIn: 300, jwtExp: now / 1000 + 100, now }).getTime()).toBe(
      now + 100_000,
    );
    expect(credentialExpiry({ now }).getTime()).toBe(now + 60_000);
    expect(credentialExpiry({ now, defaultSeconds: 10 }).getTime()).toBe(now + 10_000);
  });
  it('is never "forever"', () => {
    const far = credentialExpiry({ jwtExp: 1e15, now }).getTime();
    expect(far).toBeLessThanOrEqual(now + 31_536_000_000);
    expect(credentialExpiry({ expiresIn: Number.NaN, now }).getTime()).toBe(now + 60_000);
  });
});

describe('protectCredential', () => {
  it('prints secret fields as [redacted] and keeps them reachable', () => {
    const credential = protectCredential(
      { username: 'svc', password: 'hunter2-secret', expiresAt: new Date(0) },
      ['password'],
    );
    expect(credential.password).toBe('hunter2-secret');
    for (const printed of [JSON.stringify(credential), String(credential), inspect(credential)]) {
      expect(printed).not.toContain('hunter2-secret');
      expect(printed).toContain('[redacted]');
      expect(printed).toContain('svc');
    }
    expect(Object.keys(credential)).toEqual(['username', 'password', 'expiresAt']);
  });
});

describe('shortHash and constants', () => {
  it('gives a short stable reference that is not the token', () => {
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl';
    expect(shortHash(token)).toBe(shortHash(token));
    expect(shortHash(token)).toHaveLength(12);
    expect(shortHash(token)).not.toBe(shortHash(`${token}x`));
    expect(token).not.toContain(shortHash(token));
  });

  it('has the WIRE.md URNs and the package version in User-Agent', () => {
    expect(GrantType.tokenExchange).toBe('urn:ietf:params:oauth:grant-type:token-exchange');
    expect(GrantType.jwtBearer).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect(TokenType.idToken).toBe('urn:ietf:params:oauth:token-type:id_token');
    expect(ClientAssertionType.jwtBearer).toBe(
      'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    );
    expect(USER_AGENT).toBe(`onbehalf/${packageJson.version}`);
  });
});
