import { createRemoteJWKSet, errors, type JWTVerifyGetKey } from 'jose';

/**
 * The authorization server's key set could not be downloaded or used: unreachable, too slow, not
 * a 200, not a JSON Web Key Set, or holding a key that cannot be imported. It says nothing about
 * the access token, so the API answers 503 instead of blaming the token. `cause` is jose's error.
 */
export class KeySetUnavailableError extends Error {
  override readonly name = 'KeySetUnavailableError';

  constructor(cause: unknown) {
    super("the authorization server's key set could not be obtained or used", { cause });
  }
}

/**
 * The remote key set at `jwksUri` (RFC 8414 `jwks_uri`), cached by jose, with its failures told
 * apart: a `kid` that matches no key (or several) is the token's fault and passes through as
 * jose's error; anything else is thrown as a {@link KeySetUnavailableError}.
 */
export function remoteKeySet(jwksUri: string, timeoutMs: number): JWTVerifyGetKey {
  const keys = createRemoteJWKSet(new URL(jwksUri), { timeoutDuration: timeoutMs });
  return async (header, token) => {
    try {
      return await keys(header, token);
    } catch (error) {
      if (
        error instanceof errors.JWKSNoMatchingKey ||
        error instanceof errors.JWKSMultipleMatchingKeys
      ) {
        throw error;
      }
      throw new KeySetUnavailableError(error);
    }
  };
}
