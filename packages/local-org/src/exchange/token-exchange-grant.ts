import { issueIdJag } from '@onbehalf/id-jag';
import type { TokenEndpointGrantContext } from 'oidc-provider';
import { z } from 'zod';
import { noteAudit } from '../audit-middleware.js';
import { oauthError } from '../oauth-errors.js';
import type { OrgModel } from '../org-model.js';
import {
  EXCHANGE_LIFETIME_SECONDS,
  ID_JAG_TOKEN_TYPE,
  ID_TOKEN_TYPE,
  REQUESTED_TOKEN_TYPES,
  SERVICE_ACCOUNT_TOKEN_TYPE,
  VAULTED_SECRET_TOKEN_TYPE,
} from './constants.js';
import { decide } from './policy.js';
import { SubjectTokenError, verifySubjectIdToken } from './subject-token.js';

/** The form parameters of a token exchange this org reads (RFC 8693 §2.1). */
export const TOKEN_EXCHANGE_PARAMETERS = [
  'subject_token',
  'subject_token_type',
  'requested_token_type',
  'audience',
  'resource',
  'scope',
  'actor_token',
  'actor_token_type',
] as const;

const paramsSchema = z.object({
  subject_token: z.string(),
  subject_token_type: z.string(),
  requested_token_type: z.string(),
  audience: z.string().max(2048).optional(),
  resource: z.string().max(2048).optional(),
  scope: z.string().max(2048).optional(),
});

/**
 * Creates the RFC 8693 token exchange grant handler for the org's token endpoint, registered with
 * oidc-provider's `registerGrantType` (which has already authenticated the client, rejected
 * duplicated parameters and set `Cache-Control: no-store`). It answers the three requested token
 * types of WIRE.md: an ID-JAG, a vaulted secret, or a service account, each decided by `decide`.
 */
export function tokenExchangeGrant(org: OrgModel) {
  return async function tokenExchange(ctx: TokenEndpointGrantContext): Promise<void> {
    const { client, params } = ctx.oidc;

    const agent = org.agents.get(client.clientId);
    if (!agent || client.clientAuthMethod === 'none') {
      throw oauthError(
        'unauthorized_client',
        `client ${client.clientId} is not a confidential agent`,
      );
    }

    for (const name of ['subject_token', 'subject_token_type', 'requested_token_type']) {
      if (params[name] === undefined) throw oauthError('invalid_request', `${name} is missing`);
    }
    if (params.actor_token !== undefined || params.actor_token_type !== undefined) {
      throw oauthError('invalid_request', 'actor tokens are not supported');
    }
    const parsed = paramsSchema.safeParse(params);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw oauthError('invalid_request', `parameter ${issue?.path.join('.')}: ${issue?.message}`);
    }
    const input = parsed.data;

    const requestedTokenType = REQUESTED_TOKEN_TYPES.find((t) => t === input.requested_token_type);
    if (!requestedTokenType)
      throw oauthError('invalid_request', 'unsupported requested_token_type');
    if (input.subject_token_type !== ID_TOKEN_TYPE) {
      throw oauthError('invalid_request', 'unsupported subject_token_type');
    }

    let subject: Awaited<ReturnType<typeof verifySubjectIdToken>>;
    try {
      subject = await verifySubjectIdToken(org, input.subject_token, agent, (sid) =>
        ctx.oidc.provider.Session.findByUid(sid),
      );
    } catch (error) {
      if (error instanceof SubjectTokenError) throw oauthError('invalid_grant', error.message);
      throw error;
    }
    noteAudit(ctx, { user: subject.sub });

    const scopes = input.scope?.split(' ').filter(Boolean);
    const decision = decide(org, {
      kind: 'exchange',
      agent,
      userId: subject.sub,
      requestedTokenType,
      audience: input.audience,
      resource: input.resource,
      scopes: scopes && scopes.length > 0 ? scopes : undefined,
    });
    if (!decision.allow) throw oauthError(decision.error, decision.reason);
    const { grant } = decision;

    if (grant.type === 'id-jag') {
      const user = org.users.get(subject.sub);
      const { jwt, claims } = await issueIdJag({
        key: org.orgKey,
        kid: org.orgKey.kid,
        alg: 'RS256',
        issuer: org.issuer,
        subject: subject.sub,
        audience: grant.server.issuer,
        clientId: agent.clientId,
        scope: grant.scopes,
        ...(grant.resource === undefined ? {} : { resource: grant.resource }),
        ...(user?.email === undefined ? {} : { email: user.email }),
        ...(subject.auth_time === undefined ? {} : { authTime: subject.auth_time }),
        ...(subject.amr === undefined ? {} : { amr: subject.amr }),
        // RFC 8693 §4.1: the agent acts for the user (`sub`); Okta marks it as an AI agent.
        act: { sub: agent.clientId, sub_profile: 'ai_agent' },
        lifetimeSeconds: EXCHANGE_LIFETIME_SECONDS,
      });
      noteAudit(ctx, { scopesGranted: grant.scopes, reason: decision.reason });
      ctx.body = {
        issued_token_type: ID_JAG_TOKEN_TYPE,
        access_token: jwt,
        token_type: 'N_A',
        expires_in: claims.exp - claims.iat,
        scope: grant.scopes.join(' '),
      };
      return;
    }

    if (grant.type === 'secret') {
      noteAudit(ctx, { reason: decision.reason });
      ctx.body = {
        issued_token_type: VAULTED_SECRET_TOKEN_TYPE,
        vaulted_secret: { ...grant.secret.value },
        token_type: 'N_A',
        expires_in: EXCHANGE_LIFETIME_SECONDS,
      };
      return;
    }

    if (grant.type === 'service-account') {
      noteAudit(ctx, { reason: decision.reason });
      ctx.body = {
        issued_token_type: SERVICE_ACCOUNT_TOKEN_TYPE,
        service_account: { username: grant.account.username, password: grant.account.password },
        token_type: 'N_A',
        expires_in: EXCHANGE_LIFETIME_SECONDS,
      };
      return;
    }

    throw oauthError('invalid_request', 'the policy returned a grant of another kind');
  };
}
