import {
  expectInvalidResponse,
  printError,
  testClock,
  useAnsweringOrg,
} from '@onbehalf/test-support';
import { describe, expect, it } from 'vitest';
import { SERVICE_ACCOUNT_TOKEN_TYPE } from '../src/index.js';
import { serviceAccountCase } from './support/service-account-case.js';

// An org double whose token endpoint answers with whatever body a test gives it.
const exchangeAgainst = useAnsweringOrg(serviceAccountCase);
const invalid = (body: unknown) => expectInvalidResponse(exchangeAgainst(body));

const good = (account: unknown = { username: 'svc', password: 'p-1' }, extra = {}) => ({
  issued_token_type: SERVICE_ACCOUNT_TOKEN_TYPE,
  service_account: account,
  token_type: 'N_A',
  expires_in: 300,
  ...extra,
});

describe('what a service-account response must look like', () => {
  it('accepts the documented shape', async () => {
    const credential = await exchangeAgainst(good());
    expect(credential.username).toBe('svc');
    expect(credential.password).toBe('p-1');
  });

  it('accepts token_type in any case, or none', async () => {
    expect((await exchangeAgainst(good(undefined, { token_type: 'n_a' }))).password).toBe('p-1');
    expect((await exchangeAgainst(good(undefined, { token_type: undefined }))).password).toBe(
      'p-1',
    );
  });

  it('refuses a missing or empty password, without echoing the username or password', async () => {
    const missing = await invalid(good({ username: 'svc-leaky-user' }));
    expect(printError(missing)).not.toContain('svc-leaky-user');
    const empty = await invalid(good({ username: 'svc-leaky-user', password: '' }));
    expect(printError(empty)).not.toContain('svc-leaky-user');
  });

  it('refuses a non-string password, without echoing it', async () => {
    const error = await invalid(good({ username: 'svc', password: ['leaky-password-1'] }));
    expect(printError(error)).not.toContain('leaky-password-1');
  });

  it('refuses a missing username', async () => {
    await invalid(good({ password: 'leaky-password-2' }));
  });

  it('refuses a service_account that is not an object', async () => {
    await invalid(good('svc:leaky-password-3'));
    await invalid(good(null));
  });

  it('refuses another issued_token_type', async () => {
    await invalid(
      good(undefined, { issued_token_type: 'urn:okta:params:oauth:token-type:vaulted-secret' }),
    );
  });

  it('refuses a token_type other than N_A', async () => {
    await invalid(good(undefined, { token_type: 'Bearer' }));
  });

  it('refuses a negative or absurd expires_in', async () => {
    await invalid(good(undefined, { expires_in: -1 }));
    await invalid(good(undefined, { expires_in: 1e12 }));
  });
});

describe('expiry', () => {
  it('comes from expires_in', async () => {
    const clock = testClock();
    const credential = await exchangeAgainst(good(undefined, { expires_in: 120 }), clock);
    expect(credential.expiresAt.getTime()).toBe(clock.now() + 120_000);
  });

  it('defaults to 60 seconds when the org gives no expires_in', async () => {
    const clock = testClock();
    const credential = await exchangeAgainst(good(undefined, { expires_in: undefined }), clock);
    expect(credential.expiresAt.getTime()).toBe(clock.now() + 60_000);
  });
});
