import { shortHash } from '@onbehalf/core';
import { decodeJwt, decodeProtectedHeader } from 'jose';

/**
 * A value as a trace shows it: plain text, a JWT decoded to its header and claims (never its
 * signature), a token that is not a JWT (only its short hash), or a masked secret (nothing of
 * it at all, not even its length).
 */
export type TraceValue =
  | { readonly kind: 'text'; readonly text: string }
  | {
      readonly kind: 'jwt';
      readonly ref: string;
      readonly header: Readonly<Record<string, unknown>>;
      readonly claims: Readonly<Record<string, unknown>>;
    }
  | { readonly kind: 'opaque-token'; readonly ref: string }
  | { readonly kind: 'masked' };

/** One named field of a request or response in a trace. */
export interface TraceField {
  readonly name: string;
  readonly value: TraceValue;
}

/** Form and JSON fields that carry tokens (RFC 6749, RFC 7521, RFC 7523, RFC 8693). */
export const TOKEN_FIELDS = new Set([
  'access_token',
  'actor_token',
  'assertion',
  'client_assertion',
  'id_token',
  'refresh_token',
  'subject_token',
]);

/** Field names whose values are secrets wherever they appear. */
export const SECRET_NAME = /secret|password|passwd|api[-_]?key|credential|private[-_]?key/i;

/** Containers whose every value is a secret, whatever its key (WIRE.md, resource type 2). */
export const SECRET_CONTAINERS = new Set(['vaulted_secret']);

const MASKED: TraceValue = { kind: 'masked' };

/**
 * Shows a token: a JWS decoded to header and claims with a short hash as reference, anything
 * else (JWE, opaque) as its short hash only. Decoding is not verification: the values are what
 * the token says about itself.
 */
export function tokenValue(token: string): TraceValue {
  const ref = shortHash(token);
  if (token.split('.').length !== 3) return { kind: 'opaque-token', ref };
  try {
    return { kind: 'jwt', ref, header: decodeProtectedHeader(token), claims: decodeJwt(token) };
  } catch {
    return { kind: 'opaque-token', ref };
  }
}

/** Shows a field by its name: tokens decoded, secrets masked, everything else as text. */
export function fieldValue(name: string, value: string): TraceValue {
  if (TOKEN_FIELDS.has(name)) return tokenValue(value);
  if (SECRET_NAME.test(name)) return MASKED;
  return { kind: 'text', text: value };
}

/**
 * Shows an HTTP `Authorization` header: a bearer or DPoP token decoded, the user name of Basic
 * credentials (RFC 7617) with the password masked, anything else masked.
 */
export function authorizationFields(header: string): TraceField[] {
  const [scheme = '', credentials = ''] = header.split(' ', 2);
  const lower = scheme.toLowerCase();
  if ((lower === 'bearer' || lower === 'dpop') && credentials !== '') {
    return [{ name: `Authorization: ${scheme}`, value: tokenValue(credentials) }];
  }
  if (lower === 'basic') {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = colon === -1 ? '' : decoded.slice(0, colon);
    return [
      { name: 'Authorization: Basic user', value: { kind: 'text', text: safeURIDecode(user) } },
      { name: 'Authorization: Basic password', value: MASKED },
    ];
  }
  return [{ name: 'Authorization', value: MASKED }];
}

/**
 * Flattens a JSON body into fields (`service_account.username`), with tokens decoded and
 * secrets masked at every depth. Arrays and deeper objects become one JSON text field, with
 * secret-named keys masked inside them.
 */
export function jsonFields(body: unknown, prefix = '', secretContainer = false): TraceField[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return [{ name: prefix || 'body', value: leafValue(prefix, body, secretContainer) }];
  }

  const fields: TraceField[] = [];
  for (const [key, value] of Object.entries(body)) {
    const name = prefix ? `${prefix}.${key}` : key;
    const inSecret = secretContainer || SECRET_CONTAINERS.has(key);
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && !prefix) {
      fields.push(...jsonFields(value, name, inSecret));
    } else {
      fields.push({ name, value: leafValue(key, value, inSecret) });
    }
  }
  return fields;
}

/** A JSON value with every secret-named key (at any depth) replaced by `"[masked]"`. */
export function maskDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskDeep);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      SECRET_NAME.test(key) || TOKEN_FIELDS.has(key) || SECRET_CONTAINERS.has(key)
        ? '[masked]'
        : maskDeep(inner),
    ]),
  );
}

function leafValue(key: string, value: unknown, secret: boolean): TraceValue {
  if (secret) return MASKED;
  const lastKey = key.slice(key.lastIndexOf('.') + 1);
  if (typeof value === 'string') return fieldValue(lastKey, value);
  if (SECRET_NAME.test(lastKey) || TOKEN_FIELDS.has(lastKey)) return MASKED;
  return { kind: 'text', text: JSON.stringify(maskDeep(value)) ?? 'undefined' };
}

function safeURIDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
