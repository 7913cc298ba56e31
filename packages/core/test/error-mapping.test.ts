import { describe, expect, it } from 'vitest';
import { ExchangeError, PolicyRefusalError, SubjectTokenRejectedError } from '../src/index.js';
import { closeServersAfterEach, setup } from './support/client.js';
import { makeIdToken } from './support/fixtures.js';
import { sendJson } from './support/http-server.js';

closeServersAfterEach();

async function errorFor(status: number, body: Record<string, unknown>) {
  const { client, as } = await setup({
    reply: ({ response }) => sendJson(response, status, body),
  });
  const error = await client
    .exchange('thing', { subjectToken: await makeIdToken(), resource: 'orn:r' })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  return { error: error as ExchangeError, requests: as.tokenRequests().length };
}

describe('OAuth errors of the token exchange (WIRE.md)', () => {
  it.each([
    ['access_denied', 403, PolicyRefusalError, 'policy_refused'],
    ['access_denied', 401, PolicyRefusalError, 'policy_refused'],
    ['invalid_target', 400, PolicyRefusalError, 'policy_refused'],
    ['invalid_scope', 400, PolicyRefusalError, 'policy_refused'],
    ['unauthorized_client', 400, PolicyRefusalError, 'policy_refused'],
    ['invalid_grant', 400, SubjectTokenRejectedError, 'subject_token_rejected'],
    ['invalid_client', 401, ExchangeError, 'configuration'],
    ['invalid_request', 400, ExchangeError, 'oauth_error'],
    ['unsupported_grant_type', 400, ExchangeError, 'oauth_error'],
    ['server_error', 500, ExchangeError, 'oauth_error'],
  ] as const)('%s (HTTP %i) → %o %s', async (code, status, kind, expected) => {
    const { error, requests } = await errorFor(status, {
      error: code,
      error_description: 'Something.',
    });
    expect(error).toBeInstanceOf(kind);
    expect(error.code).toBe(expected);
    expect(error.error).toBe(code);
    expect(error.errorDescription).toBe('Something.');
    expect(error.status).toBe(status);
    expect(error.step).toBe('parse');
    if (expected === 'policy_refused' || expected === 'subject_token_rejected') {
      expect(error.retryable).toBe(false);
      expect(requests).toBe(1);
    }
  });

  it('invalid_client says what to check, since the server gives no reason', async () => {
    const { error } = await errorFor(401, { error: 'invalid_client' });
    expect(error.message).toMatch(/check the client id, the key .* its kid, and the clock/);
  });

  it('unsupported_grant_type on the exchange asks whether the issuer is the org', async () => {
    const { error } = await errorFor(400, { error: 'unsupported_grant_type' });
    expect(error.code).toBe('oauth_error');
    expect(error.message).toMatch(/is the configured issuer the org authorization server/);
  });

  it('invalid_request about the subject token means the user must sign in again', async () => {
    const { error } = await errorFor(400, {
      error: 'invalid_request',
      error_description: 'The subject_token is expired.',
    });
    expect(error).toBeInstanceOf(SubjectTokenRejectedError);
    expect(error.code).toBe('subject_token_rejected');
  });

  it('a 500 server_error is retryable after the attempts run out', async () => {
    const { error, requests } = await errorFor(500, { error: 'server_error' });
    expect(error.retryable).toBe(true);
    expect(requests).toBe(3);
  });
});
