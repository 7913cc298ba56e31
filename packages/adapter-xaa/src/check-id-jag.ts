import { ExchangeError, sanitizeDescription } from '@onbehalf/core';
import {
  decodeIdJagUnverified,
  ID_JAG_TYP,
  type IdJagClaims,
  isAsymmetricAlgorithm,
  isIdJagTyp,
} from '@onbehalf/id-jag';

/** What the client expects of the ID-JAG it is about to send on. */
export interface IdJagExpectations {
  /** The custom authorization server's issuer the ID-JAG was requested for. */
  readonly audience: string;
  /** The client id that will authenticate at that server. */
  readonly clientId: string;
  /** The client's clock, in milliseconds since the epoch. */
  readonly now: number;
  /** Seconds of clock skew tolerated on `exp`. */
  readonly clockToleranceSeconds: number;
}

/**
 * Checks an ID-JAG before it is sent to the custom authorization server (ID-JAG draft §3 and
 * §4.4), so a misdirected, mislabelled or stale one never leaves the client. It is decoded, not
 * verified: the client does not need the org's keys, the custom server verifies the signature.
 * Then `typ` must be `oauth-id-jag+jwt` (as a media type, RFC 7515 §4.1.9), `alg` an asymmetric
 * algorithm and a signature present (never `none` or `HS*`, RFC 8725 §3.1), `aud` exactly the
 * requested audience (a string or a one-element array, RFC 7519 §4.1.3), `client_id` the client
 * about to present it, and `exp` in the future by the client's clock.
 *
 * Any failure is an `ExchangeError` (`invalid_response`, step `finish`) and the ID-JAG goes
 * nowhere. Messages name the claim and, for `typ`, `alg`, `aud` and `client_id`, the value the org
 * sent; never the ID-JAG itself.
 */
export function checkIdJag(idJag: string, expected: IdJagExpectations): IdJagClaims {
  let decoded: ReturnType<typeof decodeIdJagUnverified>;
  try {
    decoded = decodeIdJagUnverified(idJag);
  } catch (cause) {
    const detail = cause instanceof Error ? `: ${sanitizeDescription(cause.message)}` : '';
    throw refuse(`what the org returned is not a well-formed ID-JAG${detail}`, cause);
  }
  const { header, claims } = decoded;

  if (!isIdJagTyp(header.typ)) {
    throw refuse(`its typ is ${show(header.typ)}, not '${ID_JAG_TYP}'`);
  }
  // The signature is the custom server's to verify, against the org's published keys; an
  // unsigned or HMAC-signed ID-JAG can never pass that check, so it is not worth sending.
  if (!isAsymmetricAlgorithm(header.alg)) {
    throw refuse(`its alg is ${show(header.alg)}, not an asymmetric signature algorithm`);
  }
  if (idJag.endsWith('.')) {
    throw refuse('it carries no signature');
  }
  if (claims.aud !== expected.audience) {
    throw refuse(`its aud is ${show(claims.aud)}, not the requested '${expected.audience}'`);
  }
  if (claims.client_id !== expected.clientId) {
    throw refuse(
      `its client_id is ${show(claims.client_id)}, not '${expected.clientId}' that would present it`,
    );
  }
  if ((claims.exp + expected.clockToleranceSeconds) * 1000 <= expected.now) {
    throw refuse('it has already expired');
  }
  return claims;
}

/** A header or claim value for a message: text from the org, so sanitised and capped. */
function show(value: unknown): string {
  if (value === undefined) return 'missing';
  return `'${sanitizeDescription(typeof value === 'string' ? value : JSON.stringify(value))}'`;
}

function refuse(reason: string, cause?: unknown): ExchangeError {
  return new ExchangeError(`The ID-JAG was not sent on: ${reason}.`, {
    code: 'invalid_response',
    step: 'finish',
    cause,
  });
}
