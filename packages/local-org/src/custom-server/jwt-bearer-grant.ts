import { IdJagError, verifyIdJag } from '@onbehalf/id-jag';
import type { TokenEndpointGrantContext } from 'oidc-provider';
import { noteAudit } from '../audit-middleware.js';
import { CLOCK_TOLERANCE_SECONDS, EXCHANGE_LIFETIME_SECONDS } from '../exchange/constants.js';
import { decide } from '../exchange/policy.js';
import { oauthError } from '../oauth-errors.js';
import type { CustomServerModel, OrgModel } from '../org-model.js';
import { issueAccessToken } from './access-token.js';

/** The form parameters the JWT-bearer grant reads (RFC 7523 §2.1, RFC 8707). */
export const JWT_BEARER_PARAMETERS = ['assertion', 'scope', 'resource'] as const;

/**
 * Creates the RFC 7523 JWT-bearer grant handler of a custom authorization server, for ID-JAGs
 * (ID-JAG draft §4.3). oidc-provider has authenticated the client first. A `scope` parameter is
 * refused (`invalid_request`, as Okta does: scopes come from the ID-JAG); the ID-JAG is verified
 * with `verifyIdJag` trusting only the org's keys, `aud` this server, `client_id` the
 * authenticated client, its `jti` single-use; the policy intersects its scopes with what the
 * server and the agent's connection allow (none left: `access_denied`); the answer is an RFC 9068
 * access token with no refresh token.
 */
export function jwtBearerGrant(org: OrgModel, server: CustomServerModel) {
  return async function jwtBearer(ctx: TokenEndpointGrantContext): Promise<void> {
    const { client, params } = ctx.oidc;

    if (params.scope !== undefined) {
      throw oauthError(
        'invalid_request',
        'scope parameter sent with an ID-JAG',
        'The request must not include a scope.',
      );
    }
    const assertion = params.assertion;
    if (typeof assertion !== 'string') throw oauthError('invalid_request', 'assertion is missing');

    let verified: Awaited<ReturnType<typeof verifyIdJag>>;
    try {
      verified = await verifyIdJag(assertion, {
        trustedIssuers: [{ issuer: org.issuer, jwks: org.orgJwks }],
        audience: server.issuer,
        clientId: client.clientId,
        clockToleranceSeconds: CLOCK_TOLERANCE_SECONDS,
        maxAgeSeconds: EXCHANGE_LIFETIME_SECONDS,
        replayStore: org.replayStore,
      });
    } catch (error) {
      if (error instanceof IdJagError) {
        throw oauthError('invalid_grant', `ID-JAG refused (${error.code}): ${error.message}`);
      }
      throw error;
    }
    const { claims } = verified;
    const scopes = claims.scope.split(' ').filter(Boolean);
    noteAudit(ctx, { user: claims.sub, scopesRequested: scopes });

    const resource = params.resource;
    if (resource !== undefined && resource !== (claims.resource ?? server.config.audience)) {
      throw oauthError('invalid_grant', 'resource does not match the ID-JAG');
    }

    const decision = decide(org, {
      kind: 'access-token',
      server,
      clientId: client.clientId,
      userId: claims.sub,
      scopes,
    });
    if (!decision.allow) throw oauthError(decision.error, decision.reason);
    if (decision.grant.type !== 'access-token') {
      throw oauthError('invalid_request', 'the policy returned a grant of another kind');
    }

    const { jwt, expiresIn } = await issueAccessToken(server, {
      subject: claims.sub,
      clientId: client.clientId,
      scopes: decision.grant.scopes,
      authTime: typeof claims.auth_time === 'number' ? claims.auth_time : undefined,
    });
    noteAudit(ctx, { scopesGranted: decision.grant.scopes, reason: decision.reason });
    ctx.body = {
      token_type: 'Bearer',
      expires_in: expiresIn,
      access_token: jwt,
      scope: decision.grant.scopes.join(' '),
    };
  };
}
