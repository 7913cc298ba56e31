import type { ProtectedHeaderParameters } from 'jose';
import { isAsymmetricAlgorithm } from './algorithms.js';
import { isIdJagTyp } from './claims.js';
import { IdJagError } from './errors.js';

/** The longest `kid` accepted; it is only ever a lookup key in a trusted key set. */
export const MAX_KID_LENGTH = 256;

// Headers that point at or embed a key: following them would let the token choose its own key.
const KEY_REFERENCE_HEADERS = ['jku', 'x5u', 'jwk', 'x5c'] as const;

function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/**
 * Checks an ID-JAG's protected header before any key is looked up (RFC 8725 §3.1, §3.10, §3.11;
 * RFC 7515 §4.1.11; ID-JAG draft §3): an allowed asymmetric `alg`, no key-carrying or key-pointing
 * header, no `crit`, `typ` of `oauth-id-jag+jwt`, and a sane `kid`.
 */
export function checkIdJagHeader(
  header: ProtectedHeaderParameters,
  algorithms: readonly string[],
): void {
  const { alg } = header;
  if (alg === undefined || (typeof alg === 'string' && alg.toLowerCase() === 'none')) {
    throw new IdJagError('algorithm', 'ID-JAG "alg" is none or missing; a signature is required');
  }
  if (!isAsymmetricAlgorithm(alg) || !algorithms.includes(alg)) {
    throw new IdJagError('algorithm', 'ID-JAG "alg" is not on the asymmetric allow-list');
  }

  for (const name of KEY_REFERENCE_HEADERS) {
    if (name in header) {
      throw new IdJagError(
        'header',
        `ID-JAG header "${name}" is not accepted; keys come only from the trusted issuer`,
      );
    }
  }
  if ('crit' in header) {
    throw new IdJagError(
      'crit',
      'ID-JAG header "crit" names extensions this verifier does not support',
    );
  }

  if (!isIdJagTyp(header.typ)) {
    throw new IdJagError('typ', 'ID-JAG "typ" header is not oauth-id-jag+jwt');
  }

  const { kid } = header;
  if (kid !== undefined) {
    if (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KID_LENGTH) {
      throw new IdJagError(
        'header',
        `ID-JAG "kid" header is not a string of 1 to ${MAX_KID_LENGTH} characters`,
      );
    }
    if (hasControlCharacter(kid)) {
      throw new IdJagError('header', 'ID-JAG "kid" header holds control characters');
    }
  }
}
