import Provider, { type ClientMetadata, type Configuration, errors } from 'oidc-provider';
import type { AgentConfig, WebAppConfig } from '../config/schema.js';
import {
  ASYMMETRIC_ALGORITHMS,
  CLOCK_TOLERANCE_SECONDS,
  TOKEN_EXCHANGE,
} from '../exchange/constants.js';
import { TOKEN_EXCHANGE_PARAMETERS, tokenExchangeGrant } from '../exchange/token-exchange-grant.js';
import type { OrgModel } from '../org-model.js';
import { assertClientAssertion } from './client-assertion-rules.js';
import { agentAuthMetadata } from './client-metadata.js';
import { createMemoryAdapter } from './memory-adapter.js';
import { errorPage, page } from './pages.js';

/** Okta's org authorization server paths (WIRE.md), relative to the issuer. */
export const ORG_ROUTES = {
  authorization: '/oauth2/v1/authorize',
  token: '/oauth2/v1/token',
  jwks: '/oauth2/v1/keys',
  userinfo: '/oauth2/v1/userinfo',
  end_session: '/oauth2/v1/logout',
} as const;

/** Path prefix of the sign-in pages, outside oidc-provider. */
export const SIGN_IN_PATH = '/signin/';

function webAppClient(app: WebAppConfig): ClientMetadata {
  return {
    client_id: app.clientId,
    ...(app.clientSecret === undefined ? {} : { client_secret: app.clientSecret }),
    token_endpoint_auth_method: app.tokenEndpointAuthMethod,
    redirect_uris: app.redirectUris,
    post_logout_redirect_uris: app.postLogoutRedirectUris,
    // Token exchange is allowed at the protocol level so that the grant itself can answer
    // `unauthorized_client` (WIRE.md) rather than a generic `invalid_request`.
    grant_types: ['authorization_code', TOKEN_EXCHANGE],
    response_types: ['code'],
    require_auth_time: true,
  };
}

function agentClient(agent: AgentConfig): ClientMetadata {
  const interactive = agent.redirectUris.length > 0;
  return {
    client_id: agent.clientId,
    ...agentAuthMetadata(agent),
    grant_types: interactive ? ['authorization_code', TOKEN_EXCHANGE] : [TOKEN_EXCHANGE],
    response_types: interactive ? ['code'] : [],
    redirect_uris: agent.redirectUris,
    require_auth_time: true,
  };
}

/**
 * Creates the org authorization server: oidc-provider with the issuer at the origin, Okta's
 * `/oauth2/v1/*` paths, Authorization Code with PKCE (S256 only, always required) and `state`
 * required (as Okta does), RS256 ID tokens carrying `nonce`, `auth_time`, `amr`, `email`, `name`
 * and `sid` (the sign-in session, ended by `/oauth2/v1/logout`), clients from the configuration,
 * sign-in at `/signin/{uid}`, consent granted automatically to configured apps, and the token
 * exchange grant.
 */
export function createOrgProvider(org: OrgModel, cookieKeys: string[]): Provider {
  const configuration: Configuration = {
    adapter: createMemoryAdapter(),
    clients: [...org.config.webApps.map(webAppClient), ...org.config.agents.map(agentClient)],
    jwks: { keys: [org.orgKey] },
    cookies: {
      keys: cookieKeys,
      names: { session: 'lo_session', interaction: 'lo_interaction', resume: 'lo_resume' },
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    routes: ORG_ROUTES,
    responseTypes: ['code'],
    // No `offline_access` and oidc-provider's default `issueRefreshToken`: together they keep the
    // `refresh_token` grant unregistered, so discovery does not advertise refresh tokens the org
    // never issues.
    scopes: ['openid', 'profile', 'email'],
    claims: {
      // `sid` names the sign-in session, so the token exchange can refuse an ID token after
      // sign-out (see findAccount). `amr` (RFC 8176, `pwd` for the sign-in form) goes on into
      // ID-JAGs.
      openid: ['sub', 'sid', 'amr'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username'],
    },
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    // Okta refuses an authorization request without `state`, so this org does too: an app that
    // forgets it fails here rather than at Okta. Validators run after the redirect URI is checked,
    // so the error goes back to the app.
    extraParams: {
      state: (_ctx, value) => {
        if (typeof value !== 'string' || value === '') {
          throw new errors.InvalidRequest(
            "The authentication request has an invalid 'state' parameter.",
          );
        }
      },
    },
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
    enabledJWA: {
      clientAuthSigningAlgValues: ASYMMETRIC_ALGORITHMS as never,
      idTokenSigningAlgValues: ['RS256'],
    },
    assertJwtClientAuthClaimsAndHeader: assertClientAssertion,
    features: {
      devInteractions: { enabled: false },
      dPoP: { enabled: false },
      resourceIndicators: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.body = page(
            'Sign out',
            `<h1>Sign out?</h1>${form}<button form="op.logoutForm" value="yes" name="logout">Sign out</button>`,
          );
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.body = page('Signed out', '<h1>You are signed out.</h1>');
        },
      },
    },
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      IdToken: org.config.idTokenLifetimeSeconds,
      Interaction: 600,
      Session: 8 * 3600,
      Grant: 8 * 3600,
    },
    interactions: {
      url: (_ctx, interaction) => `${SIGN_IN_PATH}${interaction.uid}`,
    },
    findAccount: (_ctx, sub, token) => {
      const user = org.users.get(sub);
      if (!user) return undefined;
      // At the token endpoint `token` is the authorization code, which records its session.
      const sid = token && 'sessionUid' in token ? token.sessionUid : undefined;
      return {
        accountId: user.id,
        claims: (use) => ({
          sub: user.id,
          ...(use === 'id_token' && typeof sid === 'string' ? { sid } : {}),
          ...(user.email === undefined ? {} : { email: user.email, email_verified: true }),
          ...(user.name === undefined ? {} : { name: user.name }),
          preferred_username: user.username,
        }),
      };
    },
    // Configured apps are first-party: consent is granted without a prompt, for the scopes asked.
    loadExistingGrant: async (ctx) => {
      const { oidc } = ctx;
      const clientId = oidc.client?.clientId;
      const accountId = oidc.session?.accountId;
      if (!clientId || !accountId) return undefined;
      const grantId = oidc.result?.consent?.grantId ?? oidc.session?.grantIdFor(clientId);
      const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
      const grant = existing ?? new oidc.provider.Grant({ clientId, accountId });
      grant.addOIDCScope([...oidc.requestParamOIDCScopes].join(' '));
      await grant.save();
      return grant;
    },
    clientBasedCORS: () => false,
    renderError: async (ctx, out) => {
      // An error that cannot go back to the app (unregistered redirect URI, unknown client) is a
      // page for a browser, and RFC 6749 §5.2 JSON for a client that asks for JSON (`signIn`).
      // The token endpoint answers JSON whatever the client accepts (RFC 6749 §5.2).
      if (ctx.oidc.route === 'token' || ctx.accepts('html', 'json') === 'json') {
        ctx.type = 'json';
        ctx.body = { error: out.error, error_description: out.error_description };
        return;
      }
      ctx.type = 'html';
      ctx.body = errorPage(String(out.error), out.error_description as string | undefined);
    },
  };

  const provider = new Provider(org.issuer, configuration);
  provider.registerGrantType(TOKEN_EXCHANGE, tokenExchangeGrant(org), TOKEN_EXCHANGE_PARAMETERS);
  return provider;
}
