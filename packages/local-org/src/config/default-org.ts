import type { OrgConfigInput } from './schema.js';

const agentPrivateJwk = Object.freeze({
  kty: 'EC',
  crv: 'P-256',
  x: 'JkPKqw7BjFpf7MR3l4OVsct2zTrwDrJvQiyr6uUV7GY',
  y: 'R6wo60pjayvj2uHlehXhk5_zdTJMYtb09_DVb0ReKrY',
  d: '-OxBME2obu1qhpYdxoz0Ur2d5dYH9umv6OTvO5pgIXM',
  kid: 'demo-agent-key',
  alg: 'ES256',
  use: 'sig',
});

/**
 * The default org's well-known demo values. `agentPrivateJwk` is a published demo credential:
 * anyone can sign as the demo agent with it, so it is only ever trusted by a local org.
 */
export const demo = Object.freeze({
  orgId: 'local',
  user: Object.freeze({
    id: '00u-demo',
    username: 'demo@example.com',
    email: 'demo@example.com',
    password: 'demo-password',
    name: 'Demo User',
  }),
  webApp: Object.freeze({
    clientId: 'demo-web',
    clientSecret: 'demo-web-secret',
    redirectUris: Object.freeze([
      'http://localhost:3000/callback',
      'http://127.0.0.1:3000/callback',
    ] as const),
    postLogoutRedirectUris: Object.freeze([
      'http://localhost:3000/',
      'http://127.0.0.1:3000/',
    ] as const),
  }),
  agentClientId: 'wlp-demo-agent',
  agentPrivateJwk,
  customServerId: 'default',
  audience: 'api://todo',
  scopes: Object.freeze(['todo.read', 'todo.write'] as const),
  secretOrn: 'orn:okta:pam:local:secrets:cc693841-4d1a-479b-a42a-adbecfbc3b5a',
  secretValue: Object.freeze({ apiKey: 'demo-api-key-7f3a' }),
  serviceAccountOrn:
    'orn:okta:pam:local:apps:todo:0oa-todo:service_accounts:41e6b9cc-bdfa-4500-92d5-b2225491c82c',
  serviceAccount: Object.freeze({ username: 'svc-reports', password: 'demo-svc-password' }),
});

/**
 * The built-in org: one demo user, the `demo-web` app, the `wlp-demo-agent` agent (ES256
 * `private_key_jwt`, linked to `demo-web`) with three connections — custom server `default`
 * (audience `api://todo`, scopes `todo.read` and `todo.write`), one secret, one service account.
 * Returns a fresh copy each call, safe to modify.
 */
export function defaultOrgConfig(): OrgConfigInput {
  const { d: _d, ...agentPublicJwk } = agentPrivateJwk;
  return {
    orgId: demo.orgId,
    users: [{ ...demo.user }],
    webApps: [
      {
        clientId: demo.webApp.clientId,
        clientSecret: demo.webApp.clientSecret,
        tokenEndpointAuthMethod: 'client_secret_basic',
        redirectUris: [...demo.webApp.redirectUris],
        postLogoutRedirectUris: [...demo.webApp.postLogoutRedirectUris],
      },
    ],
    agents: [
      {
        clientId: demo.agentClientId,
        name: 'Demo agent',
        linkedApps: [demo.webApp.clientId],
        jwks: { keys: [{ ...agentPublicJwk }] },
        connections: [
          { type: 'authorization-server', server: demo.customServerId, scopes: 'all' },
          { type: 'secret', secret: demo.secretOrn },
          { type: 'service-account', serviceAccount: demo.serviceAccountOrn },
        ],
      },
    ],
    customServers: [
      {
        id: demo.customServerId,
        name: 'Todo API',
        audience: demo.audience,
        scopes: [...demo.scopes],
        accessTokenLifetimeSeconds: 3600,
      },
    ],
    vault: {
      secrets: [{ id: demo.secretOrn, value: { ...demo.secretValue } }],
      serviceAccounts: [{ id: demo.serviceAccountOrn, ...demo.serviceAccount }],
    },
  };
}
