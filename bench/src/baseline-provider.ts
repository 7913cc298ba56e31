import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';
import Provider from 'oidc-provider';

/** A plain oidc-provider serving the client-credentials grant: the local-org baseline. */
export interface BaselineProvider {
  readonly issuer: string;
  readonly tokenEndpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts oidc-provider with one confidential client that authenticates exactly as the agent
 * does at local-org (`private_key_jwt`, ES256, the same public key), allowed only the
 * client-credentials grant (RFC 6749 §4.4). Same library, same in-memory storage, same HTTP
 * server settings as local-org: what differs is only the grant's work.
 */
export async function startBaselineProvider(
  clientId: string,
  publicJwk: JWK,
): Promise<BaselineProvider> {
  const server: Server = createServer();
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;

  // Its own signing key, as local-org has (a client-credentials token is opaque: never signed).
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingJwk = { ...privateKey.export({ format: 'jwk' }), kid: 'baseline', alg: 'RS256' };
  const provider = new Provider(issuer, {
    jwks: { keys: [signingJwk as never] },
    ttl: { ClientCredentials: 3600 },
    clients: [
      {
        client_id: clientId,
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [publicJwk as never] },
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
      },
    ],
    clientAuthMethods: ['private_key_jwt'],
    enabledJWA: { clientAuthSigningAlgValues: ['ES256'] },
    features: {
      clientCredentials: { enabled: true },
      devInteractions: { enabled: false },
    },
    routes: { token: '/oauth2/v1/token' },
    scopes: ['openid'],
    clockTolerance: 30,
  });
  const callback = provider.callback();
  server.on('request', (req, res) => {
    callback(req, res);
  });

  return {
    issuer,
    tokenEndpoint: `${issuer}/oauth2/v1/token`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
