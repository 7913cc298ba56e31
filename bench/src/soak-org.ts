import { randomUUID } from 'node:crypto';
import { defaultOrgConfig, demo, type OrgConfigInput } from '@onbehalf/local-org';
import { keyFromJwk, newEs256Key, type SigningKey } from './jwt.js';

/** An agent of the soak org and the key it signs its client assertions with. */
export interface SoakAgent {
  readonly clientId: string;
  readonly key: SigningKey;
}

/** A user of the soak org. */
export interface SoakUser {
  readonly id: string;
  readonly username: string;
  readonly password: string;
}

/** The soak org and everything the load needs to know about it. */
export interface SoakOrg {
  readonly config: OrgConfigInput;
  readonly agents: readonly SoakAgent[];
  readonly users: readonly SoakUser[];
  /** A web app no agent is linked to (bad input 11). */
  readonly unlinkedApp: { clientId: string; clientSecret: string; redirectUri: string };
  /** A custom server no agent has a connection to (bad inputs 10 and 13). */
  readonly otherServerId: string;
  /** A vaulted secret no agent has a connection to (bad input 13). */
  readonly unconnectedSecret: string;
  /** Every secret value in the org, which must never reach the audit log. */
  readonly secretValues: readonly string[];
}

const REDIRECT = 'http://127.0.0.1:3000/callback';

/**
 * The default org plus: `agentCount - 1` more agents (each with its own ES256 key, linked to the
 * demo web app, the same three connections), four more users, a web app linked to no agent, a
 * second custom server and a second secret that no agent is connected to, and a `todo.admin`
 * scope on the todo server that the connections leave out (bad input 14).
 */
export async function soakOrg(agentCount: number): Promise<SoakOrg> {
  const base = defaultOrgConfig();
  const otherServerId = 'other';
  const unconnectedSecret = `orn:okta:pam:local:secrets:${randomUUID()}`;
  const unlinkedApp = {
    clientId: 'unlinked-web',
    clientSecret: `unlinked-secret-${randomUUID()}`,
    redirectUri: REDIRECT,
  };
  const users: SoakUser[] = [
    { id: demo.user.id, username: demo.user.username, password: demo.user.password },
  ];
  for (let i = 2; i <= 5; i += 1) {
    users.push({ id: `00u-soak-${i}`, username: `soak${i}@example.com`, password: randomUUID() });
  }

  const connections = [
    {
      type: 'authorization-server' as const,
      server: demo.customServerId,
      scopes: { include: [...demo.scopes] },
    },
    { type: 'secret' as const, secret: demo.secretOrn },
    { type: 'service-account' as const, serviceAccount: demo.serviceAccountOrn },
  ];
  const agents: SoakAgent[] = [
    { clientId: demo.agentClientId, key: await keyFromJwk({ ...demo.agentPrivateJwk }) },
  ];
  for (let i = 2; i <= agentCount; i += 1) {
    const clientId = `wlp-soak-agent-${String(i).padStart(2, '0')}`;
    agents.push({ clientId, key: await newEs256Key(`${clientId}-key`) });
  }
  const otherSecretValue = `other-${randomUUID()}`;

  const config: OrgConfigInput = {
    ...base,
    users: users.map((u) => ({
      id: u.id,
      username: u.username,
      email: u.username,
      password: u.password,
    })),
    webApps: [
      ...(base.webApps ?? []),
      {
        clientId: unlinkedApp.clientId,
        clientSecret: unlinkedApp.clientSecret,
        tokenEndpointAuthMethod: 'client_secret_basic',
        redirectUris: [REDIRECT],
      },
    ],
    agents: agents.map((agent) => ({
      clientId: agent.clientId,
      linkedApps: [demo.webApp.clientId],
      jwks: { keys: [agent.key.publicJwk as { kty: 'EC'; kid: string }] },
      connections,
    })),
    customServers: [
      {
        id: demo.customServerId,
        audience: demo.audience,
        scopes: [...demo.scopes, 'todo.admin'],
      },
      { id: otherServerId, audience: 'api://other', scopes: ['other.read'] },
    ],
    vault: {
      secrets: [
        { id: demo.secretOrn, value: { ...demo.secretValue } },
        { id: unconnectedSecret, value: { apiKey: otherSecretValue } },
      ],
      serviceAccounts: [{ id: demo.serviceAccountOrn, ...demo.serviceAccount }],
    },
  };

  return {
    config,
    agents,
    users,
    unlinkedApp,
    otherServerId,
    unconnectedSecret,
    secretValues: [
      ...Object.values(demo.secretValue),
      demo.serviceAccount.password,
      otherSecretValue,
      demo.webApp.clientSecret,
      unlinkedApp.clientSecret,
      ...users.map((u) => u.password),
    ],
  };
}
