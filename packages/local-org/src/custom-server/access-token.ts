import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import type { CustomServerModel } from '../org-model.js';

/** What {@link issueAccessToken} signs, besides the server's own `iss` and `aud`. */
export interface AccessTokenInput {
  subject: string;
  clientId: string;
  scopes: string[];
  authTime?: number | undefined;
  now?: number | undefined;
}

/**
 * Issues an RFC 9068 JWT access token for a custom authorization server: header `typ: at+jwt`
 * with the server's own `kid`, claims `iss` (the server), `sub`, `aud` (its configured audience),
 * `client_id`, `scope` (and Okta's `scp` array), `iat`, `exp` per the server's lifetime, `jti`.
 */
export async function issueAccessToken(
  server: CustomServerModel,
  input: AccessTokenInput,
): Promise<{ jwt: string; expiresIn: number }> {
  const iat = Math.floor((input.now ?? Date.now()) / 1000);
  const expiresIn = server.config.accessTokenLifetimeSeconds;
  const jwt = await new SignJWT({
    client_id: input.clientId,
    scope: input.scopes.join(' '),
    scp: input.scopes,
    ...(input.authTime === undefined ? {} : { auth_time: input.authTime }),
  })
    .setProtectedHeader({ alg: 'RS256', kid: server.key.kid, typ: 'at+jwt' })
    .setIssuer(server.issuer)
    .setSubject(input.subject)
    .setAudience(server.config.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + expiresIn)
    .setJti(`AT.${randomBytes(18).toString('base64url')}`)
    .sign(server.key);
  return { jwt, expiresIn };
}
