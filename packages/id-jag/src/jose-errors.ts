import { IdJagError } from './errors.js';

const NOT_YET_VALID_CLAIMS = new Set(['nbf', 'iat']);

/**
 * Turns an error thrown by jose's `jwtVerify` (or by the key set it calls) into an
 * {@link IdJagError} naming the check. Claim errors drop jose's error as `cause` because it carries
 * the decoded claims; the token itself is never in either.
 */
export function fromJoseError(error: unknown): IdJagError {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return new IdJagError('signature', 'ID-JAG signature does not verify', { cause: error });
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return new IdJagError('signature', 'ID-JAG "kid"/"alg" matches no single key of its issuer', {
        cause: error,
      });
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return new IdJagError('algorithm', 'ID-JAG "alg" is not allowed', { cause: error });
    case 'ERR_JWT_EXPIRED':
      return new IdJagError('expired', 'ID-JAG "exp" has passed');
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
      const claim = (error as { claim?: unknown }).claim;
      const reason = (error as { reason?: unknown }).reason;
      if (claim === 'typ')
        return new IdJagError('typ', 'ID-JAG "typ" header is not oauth-id-jag+jwt');
      if (claim === 'iss') return new IdJagError('untrusted_issuer', 'ID-JAG "iss" is not trusted');
      if (
        reason === 'check_failed' &&
        typeof claim === 'string' &&
        NOT_YET_VALID_CLAIMS.has(claim)
      ) {
        return new IdJagError('not_yet_valid', `ID-JAG "${claim}" is in the future`);
      }
      return new IdJagError('malformed', `ID-JAG "${String(claim)}" claim is invalid`);
    }
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
      return new IdJagError('malformed', 'ID-JAG is not a valid signed JWT', { cause: error });
    default:
      // Anything else came from fetching or importing the issuer's key set.
      return new IdJagError('jwks', "the issuer's key set could not be obtained or used", {
        cause: error,
      });
  }
}
