import type { TokenForm } from './adapter.js';
import { GrantType, TokenType } from './constants.js';
import { ExchangeError } from './errors.js';

/** Fields only client authentication may set (RFC 6749 §2.3, RFC 7523 §2.2). */
export const CLIENT_AUTH_FIELDS = [
  'client_id',
  'client_secret',
  'client_assertion',
  'client_assertion_type',
] as const;

/** Fields core sets on every token exchange (RFC 8693 §2.1). */
export const EXCHANGE_FIELDS = [
  'grant_type',
  'subject_token',
  'subject_token_type',
  'requested_token_type',
] as const;

/**
 * Copies a `TokenForm`, leaving out `undefined` and empty values, and refuses fields that
 * belong to someone else and values that are not strings.
 */
export function cleanForm(
  form: TokenForm,
  reserved: readonly string[],
  who: string,
): Record<string, string> {
  if (typeof form !== 'object' || form === null) {
    throw new ExchangeError(`${who} returned no form fields object`, {
      code: 'configuration',
      step: 'build',
    });
  }
  const clean: Record<string, string> = {};
  for (const [key, value] of Object.entries(form)) {
    if (value === undefined || value === '') continue;
    if (reserved.includes(key)) {
      throw new ExchangeError(`${who} may not set the form field "${key}"`, {
        code: 'configuration',
        step: 'build',
      });
    }
    if (typeof value !== 'string') {
      throw new ExchangeError(`${who} set the form field "${key}" to a non-string value`, {
        code: 'configuration',
        step: 'build',
      });
    }
    clean[key] = value;
  }
  return clean;
}

/**
 * The **build** step: the token-exchange form (RFC 8693 §2.1) with the user's ID token as
 * subject token, the adapter's `requested_token_type`, and the adapter's own fields.
 */
export function buildExchangeForm(
  subjectToken: string,
  requestedTokenType: string,
  adapterFields: Readonly<Record<string, string>>,
): Record<string, string> {
  return {
    grant_type: GrantType.tokenExchange,
    subject_token: subjectToken,
    subject_token_type: TokenType.idToken,
    requested_token_type: requestedTokenType,
    ...adapterFields,
  };
}
