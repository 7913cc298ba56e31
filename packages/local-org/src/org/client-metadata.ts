import type { ClientMetadata } from 'oidc-provider';
import type { AgentConfig } from '../config/schema.js';

/**
 * An agent's client authentication as oidc-provider client metadata: `private_key_jwt` with its
 * configured JWKS, or a client secret (Basic by default; oidc-provider accepts it in the form
 * body as well).
 */
export function agentAuthMetadata(agent: AgentConfig): Partial<ClientMetadata> {
  if (agent.jwks) {
    return {
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: agent.jwks as ClientMetadata['jwks'],
    };
  }
  return {
    token_endpoint_auth_method: agent.tokenEndpointAuthMethod ?? 'client_secret_basic',
    client_secret: agent.clientSecret,
  };
}
