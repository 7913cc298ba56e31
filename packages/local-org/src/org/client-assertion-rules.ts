import { MAX_JTI_LENGTH } from '@onbehalf/id-jag';
import { errors, type KoaContextWithOIDC } from 'oidc-provider';

/** Longest lifetime of a client assertion (WIRE.md: `exp` at most one hour ahead). */
const MAX_ASSERTION_LIFETIME_SECONDS = 3600;
const TOLERANCE_SECONDS = 30;

/**
 * Extra checks on a `private_key_jwt` client assertion, on top of oidc-provider's (signature by
 * a key of that client's set, `iss` = `sub` = client, `aud`, `exp` and `jti` present, `jti`
 * single-use): `aud` a single string (RFC 7523bis), `exp` at most one hour ahead, `iat` not in
 * the future, `jti` a string of at most `MAX_JTI_LENGTH` (256) characters, the cap an ID-JAG's
 * `jti` has too: each becomes a key in a replay store. Each failure is `invalid_client` (401).
 */
export async function assertClientAssertion(
  _ctx: KoaContextWithOIDC,
  claims: Record<string, unknown>,
): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  if (typeof claims.aud !== 'string') {
    throw new errors.InvalidClientAuth('client assertion aud must be a single string');
  }
  if (claims.sub !== claims.iss) {
    throw new errors.InvalidClientAuth('client assertion sub must equal iss');
  }
  if (
    typeof claims.exp !== 'number' ||
    claims.exp > now + MAX_ASSERTION_LIFETIME_SECONDS + TOLERANCE_SECONDS
  ) {
    throw new errors.InvalidClientAuth('client assertion exp is too far in the future');
  }
  if (typeof claims.jti !== 'string' || claims.jti.length > MAX_JTI_LENGTH) {
    throw new errors.InvalidClientAuth(
      `client assertion jti must be a string of at most ${MAX_JTI_LENGTH} characters`,
    );
  }
  if (typeof claims.iat === 'number' && claims.iat > now + TOLERANCE_SECONDS) {
    throw new errors.InvalidClientAuth('client assertion iat is in the future');
  }
}
