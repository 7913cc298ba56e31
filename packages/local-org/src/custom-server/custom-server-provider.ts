import Provider, { type ClientMetadata } from 'oidc-provider';
import type { AgentConfig } from '../config/schema.js';
import {
  ASYMMETRIC_ALGORITHMS,
  CLOCK_TOLERANCE_SECONDS,
  JWT_BEARER,
} from '../exchange/constants.js';
import { assertClientAssertion } from '../org/client-assertion-rules.js';
import { agentAuthMetadata } from '../org/client-metadata.js';
import { createMemoryAdapter } from '../org/memory-adapter.js';
import type { CustomServerModel, OrgModel } from '../org-model.js';
import { JWT_BEARER_PARAMETERS, jwtBearerGrant } from './jwt-bearer-grant.js';

/** A custom server's paths, relative to its issuer (`/oauth2/{id}`). */
export const CUSTOM_SERVER_ROUTES = { token: '/v1/token', jwks: '/v1/keys' } as const;

function agentClient(agent: AgentConfig): ClientMetadata {
  return {
    client_id: agent.clientId,
    ...agentAuthMetadata(agent),
    grant_types: [JWT_BEARER],
    response_types: [],
    redirect_uris: [],
  };
}

/**
 * Creates one custom authorization server: an oidc-provider instance whose issuer is
 * `${org}/oauth2/{id}`, used for its client authentication (`private_key_jwt` with the
 * assertion's `aud` this server's token endpoint or issuer, single-use `jti`; or a client
 * secret) and its key set, with only the JWT-bearer grant for ID-JAGs registered.
 */
export function createCustomServerProvider(
  org: OrgModel,
  server: CustomServerModel,
  cookieKeys: string[],
): Provider {
  const provider = new Provider(server.issuer, {
    adapter: createMemoryAdapter(),
    clients: org.config.agents.map(agentClient),
    jwks: { keys: [server.key] },
    cookies: { keys: cookieKeys },
    routes: CUSTOM_SERVER_ROUTES,
    responseTypes: ['code'],
    scopes: ['openid'],
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    enabledJWA: { clientAuthSigningAlgValues: ASYMMETRIC_ALGORITHMS as never },
    assertJwtClientAuthClaimsAndHeader: assertClientAssertion,
    features: {
      devInteractions: { enabled: false },
      dPoP: { enabled: false },
      resourceIndicators: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      userinfo: { enabled: false },
      rpInitiatedLogout: { enabled: false },
    },
    findAccount: () => undefined,
    renderError: async (ctx, out) => {
      ctx.type = 'json';
      ctx.body = out;
    },
  });
  provider.registerGrantType(JWT_BEARER, jwtBearerGrant(org, server), JWT_BEARER_PARAMETERS);
  return provider;
}

/**
 * The RFC 8414 metadata of a custom server, as Okta publishes at
 * `/oauth2/{id}/.well-known/oauth-authorization-server`, listing the JWT-bearer grant and the
 * ID-JAG grant profile (ID-JAG draft §6).
 */
export function customServerMetadata(server: CustomServerModel): Record<string, unknown> {
  return {
    issuer: server.issuer,
    token_endpoint: server.tokenEndpoint,
    jwks_uri: server.jwksUri,
    grant_types_supported: [JWT_BEARER],
    authorization_grant_profiles_supported: ['urn:ietf:params:oauth:grant-profile:id-jag'],
    response_types_supported: [],
    scopes_supported: server.config.scopes,
    token_endpoint_auth_methods_supported: [
      'private_key_jwt',
      'client_secret_basic',
      'client_secret_post',
    ],
    token_endpoint_auth_signing_alg_values_supported: ASYMMETRIC_ALGORITHMS,
  };
}
