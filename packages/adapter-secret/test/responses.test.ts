import {
  expectInvalidResponse,
  printError,
  testClock,
  useAnsweringOrg,
} from '@onbehalf/test-support';
import { describe, expect, it } from 'vitest';
import { VAULTED_SECRET_TOKEN_TYPE } from '../src/index.js';
import { secretCase } from './support/secret-case.js';

// An org double whose token endpoint answers with whatever body a test gives it.
const exchangeAgainst = useAnsweringOrg(secretCase);
const invalid = (body: unknown) => expectInvalidResponse(exchangeAgainst(body));

const good = (extra: Record<string, unknown> = {}) => ({
  issued_token_type: VAULTED_SECRET_TOKEN_TYPE,
  vaulted_secret: { apiKey: 'k-1', region: 'eu' },
  token_type: 'N_A',
  expires_in: 300,
  ...extra,
});

describe('what a vaulted-secret response must look like', () => {
  it('accepts the documented shape', async () => {
    const credential = await exchangeAgainst(good());
    expect(credential.secret).toEqual({ apiKey: 'k-1', region: 'eu' });
  });

  it('accepts token_type in any case, or none', async () => {
    expect((await exchangeAgainst(good({ token_type: 'n_a' }))).secret.apiKey).toBe('k-1');
    expect((await exchangeAgainst(good({ token_type: undefined }))).secret.apiKey).toBe('k-1');
  });

  it('refuses an empty vaulted_secret', async () => {
    await invalid(good({ vaulted_secret: {} }));
  });

  it('refuses a vaulted_secret that is not an object of strings, without echoing it', async () => {
    const error = await invalid(good({ vaulted_secret: { apiKey: 'leaky-value-1', port: 5432 } }));
    expect(printError(error)).not.toContain('leaky-value-1');
  });

  it('refuses a vaulted_secret that is a string or an array', async () => {
    await invalid(good({ vaulted_secret: 'leaky-value-2' }));
    await invalid(good({ vaulted_secret: ['leaky-value-3'] }));
  });

  it('refuses another issued_token_type', async () => {
    await invalid(good({ issued_token_type: 'urn:okta:params:oauth:token-type:service-account' }));
  });

  it('refuses an RFC 8693 access-token answer', async () => {
    await invalid({
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      access_token: 'at',
      token_type: 'Bearer',
    });
  });

  it('refuses a token_type other than N_A', async () => {
    await invalid(good({ token_type: 'Bearer' }));
  });

  it('refuses a negative or absurd expires_in', async () => {
    await invalid(good({ expires_in: -1 }));
    await invalid(good({ expires_in: 1e12 }));
  });

  it('keeps a __proto__ key as a plain entry', async () => {
    const credential = await exchangeAgainst(
      JSON.parse(
        `{"issued_token_type":"${VAULTED_SECRET_TOKEN_TYPE}","vaulted_secret":{"__proto__":"p","a":"b"}}`,
      ),
    );
    expect(Object.getPrototypeOf(credential.secret)).toBe(Object.prototype);
    expect(credential.secret.a).toBe('b');
  });
});

describe('expiry', () => {
  it('comes from expires_in', async () => {
    const clock = testClock();
    const credential = await exchangeAgainst(good({ expires_in: 120 }), clock);
    expect(credential.expiresAt.getTime()).toBe(clock.now() + 120_000);
  });

  it('defaults to 60 seconds when the org gives no expires_in', async () => {
    const clock = testClock();
    const credential = await exchangeAgainst(good({ expires_in: undefined }), clock);
    expect(credential.expiresAt.getTime()).toBe(clock.now() + 60_000);
  });
});
