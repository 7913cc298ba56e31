import type { ClientAuthRequest } from './client-auth.js';
import { ExchangeError } from './errors.js';

const CREDENTIAL_FIELDS = ['client_secret', 'client_assertion', 'client_assertion_type'];

/**
 * Refuses to add a second client credential to a request that already carries one: a client
 * must use one authentication method per request (RFC 6749 §2.3).
 */
export function ensureSingleCredential(request: ClientAuthRequest): void {
  const taken =
    request.headers.has('authorization') ||
    CREDENTIAL_FIELDS.some((field) => request.form.has(field));
  if (taken) {
    throw new ExchangeError('The request already carries a client credential', {
      code: 'configuration',
      step: 'authenticate',
    });
  }
}
