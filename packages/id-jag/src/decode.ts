import {
  decodeJwt,
  decodeProtectedHeader,
  type JWTPayload,
  type ProtectedHeaderParameters,
} from 'jose';
import { type IdJagClaims, MAX_ID_JAG_LENGTH, parseIdJagClaims } from './claims.js';
import { IdJagError } from './errors.js';

const SEGMENT = /^[A-Za-z0-9_-]*$/;

/**
 * Checks that `jwt` is a compact JWS (RFC 7515 §7.1) of reasonable size and decodes its header and
 * payload without verifying anything. The size is capped before any parsing (RFC 8725 §3.11); a
 * five-part JWE is refused (RFC 8725 §3.12).
 */
export function decodeCompactJws(
  jwt: unknown,
  maxLength = MAX_ID_JAG_LENGTH,
): { header: ProtectedHeaderParameters; payload: JWTPayload } {
  if (typeof jwt !== 'string' || jwt.length === 0) {
    throw new IdJagError('malformed', 'ID-JAG is not a non-empty string');
  }
  if (jwt.length > maxLength) {
    throw new IdJagError('malformed', `ID-JAG is larger than ${maxLength} characters`);
  }

  const parts = jwt.split('.');
  if (parts.length === 5) {
    throw new IdJagError('malformed', 'ID-JAG is a JWE; only a signed JWT (JWS) is accepted');
  }
  if (parts.length !== 3 || !parts.every((part) => SEGMENT.test(part))) {
    throw new IdJagError('malformed', 'ID-JAG is not a compact JWS');
  }

  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(jwt);
  } catch (cause) {
    throw new IdJagError('malformed', 'ID-JAG header is not a base64url JSON object', { cause });
  }

  let payload: JWTPayload;
  try {
    payload = decodeJwt(jwt);
  } catch (cause) {
    throw new IdJagError('malformed', 'ID-JAG payload is not a base64url JSON object', { cause });
  }

  return { header, payload };
}

/**
 * Decodes an ID-JAG **without verifying it**, for a client that checks what it received before
 * sending it on (for example that `typ` is `oauth-id-jag+jwt`, `aud` is the authorization server
 * it is about to call, and it has not expired). Nothing here is trustworthy: only the receiving
 * authorization server can verify the signature, with {@link verifyIdJag}.
 *
 * @throws {IdJagError} `malformed` or `missing_claim` when it is not an ID-JAG shaped JWT.
 */
export function decodeIdJagUnverified(jwt: string): {
  header: ProtectedHeaderParameters;
  claims: IdJagClaims;
} {
  const { header, payload } = decodeCompactJws(jwt);
  const parsed = parseIdJagClaims(payload as Record<string, unknown>);
  if (!parsed.ok) {
    throw new IdJagError(parsed.missing ? 'missing_claim' : 'malformed', parsed.message);
  }
  return { header, claims: parsed.claims };
}
