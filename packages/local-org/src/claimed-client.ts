import { decodeJwt } from 'jose';
import { scrubAuditText } from './audit.js';

/** Longest claimed client id kept in an audit record; longer ones are cut and marked with `…`. */
export const MAX_CLAIMED_CLIENT_LENGTH = 128;

/** Keeps a claimed id printable and short: it is attacker-chosen text going into a log. */
function sanitise(value: string): string | undefined {
  const clean = scrubAuditText(value, MAX_CLAIMED_CLIENT_LENGTH);
  return clean === '' ? undefined : clean;
}

/** The user name of an HTTP Basic `Authorization` header (RFC 6749 §2.3.1: form-encoded). */
function basicUser(authorization: string | undefined): string | undefined {
  const match = /^basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  // Without a colon, or with nothing after it, the user name may well be the secret itself:
  // record nothing.
  if (colon < 1 || colon === decoded.length - 1) return undefined;
  const user = decoded.slice(0, colon);
  try {
    return decodeURIComponent(user.replace(/\+/g, '%20'));
  } catch {
    return user;
  }
}

/** The unverified `sub` (else `iss`) of a client assertion (RFC 7523 §3): never the assertion. */
function assertionSubject(assertion: unknown): string | undefined {
  if (typeof assertion !== 'string') return undefined;
  try {
    const claims = decodeJwt(assertion);
    if (typeof claims.sub === 'string') return claims.sub;
    if (typeof claims.iss === 'string') return claims.iss;
  } catch {
    // Not a JWT: nothing claimed.
  }
  return undefined;
}

/**
 * The client id a token request claims, unverified, for the audit log when the client could not
 * be authenticated (RFC 6749 §2.3): the form's `client_id`, else the HTTP Basic user name, else
 * the `sub` (or `iss`) of the `client_assertion`, read without checking its signature. Never the
 * secret or the assertion itself; it goes through `scrubAuditText`, capped at
 * {@link MAX_CLAIMED_CLIENT_LENGTH} characters.
 */
export function claimedClientId(
  params: Readonly<Record<string, unknown>>,
  authorization: string | undefined,
): string | undefined {
  const formId = typeof params.client_id === 'string' ? params.client_id : undefined;
  const claimed = formId || basicUser(authorization) || assertionSubject(params.client_assertion);
  return claimed === undefined ? undefined : sanitise(claimed);
}
