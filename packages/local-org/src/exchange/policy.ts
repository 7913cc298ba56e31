import type {
  AgentConfig,
  ScopeRule,
  SecretConfig,
  ServerConnectionConfig,
  ServiceAccountConfig,
} from '../config/schema.js';
import { SYSTEM_SCOPES } from '../config/schema.js';
import type { OAuthErrorCode } from '../oauth-errors.js';
import { type CustomServerModel, type OrgModel, serverByIssuer } from '../org-model.js';
import {
  ID_JAG_TOKEN_TYPE,
  type RequestedTokenType,
  SERVICE_ACCOUNT_TOKEN_TYPE,
  VAULTED_SECRET_TOKEN_TYPE,
} from './constants.js';

/** A token exchange at the org (hop 1), after the client and the subject token were checked. */
export interface ExchangeRequest {
  kind: 'exchange';
  agent: AgentConfig;
  userId: string;
  requestedTokenType: RequestedTokenType;
  audience?: string | undefined;
  resource?: string | undefined;
  /** Requested scopes; `undefined` when the request had no `scope`. */
  scopes?: string[] | undefined;
}

/** A JWT-bearer grant at a custom server (hop 2), after the ID-JAG was verified. */
export interface AccessTokenRequest {
  kind: 'access-token';
  server: CustomServerModel;
  clientId: string;
  userId: string;
  /** The scopes the ID-JAG carries. */
  scopes: string[];
}

/** What an allowed request grants. */
export type Grant =
  | { type: 'id-jag'; server: CustomServerModel; scopes: string[]; resource?: string | undefined }
  | { type: 'secret'; secret: SecretConfig }
  | { type: 'service-account'; account: ServiceAccountConfig }
  | { type: 'access-token'; server: CustomServerModel; scopes: string[] };

/** The policy's answer: allowed with a grant, or denied with an OAuth error and the reason. */
export type Decision =
  | { allow: true; grant: Grant; reason: string }
  | { allow: false; error: OAuthErrorCode; reason: string };

const deny = (error: OAuthErrorCode, reason: string): Decision => ({ allow: false, error, reason });

/** The scopes of `server` a connection's rule allows. */
export function allowedScopes(rule: ScopeRule, serverScopes: readonly string[]): string[] {
  if (rule === 'all') return [...serverScopes];
  if ('include' in rule) return serverScopes.filter((s) => rule.include.includes(s));
  return serverScopes.filter((s) => !rule.exclude.includes(s));
}

function userCheck(org: OrgModel, agent: AgentConfig | undefined, userId: string): Decision | null {
  if (!org.users.has(userId)) return deny('access_denied', `user ${userId} does not exist`);
  if (agent?.assignedUsers && !agent.assignedUsers.includes(userId)) {
    return deny('access_denied', `user ${userId} is not assigned to agent ${agent.clientId}`);
  }
  return null;
}

/**
 * The agent's usable connection to `server`: active, to a server that serves the agent (one
 * with no `clients` list, or listing it). Hop 1 and hop 2 both ask this, so an ID-JAG is issued
 * only when its redemption can be allowed.
 */
function usableConnection(
  agent: AgentConfig,
  server: CustomServerModel,
): { connection: ServerConnectionConfig } | { reason: string } {
  const connection = agent.connections.find(
    (c): c is ServerConnectionConfig =>
      c.type === 'authorization-server' && c.server === server.config.id && c.status === 'active',
  );
  if (!connection) return { reason: `no active connection to server ${server.config.id}` };
  if (server.config.clients && !server.config.clients.includes(agent.clientId)) {
    return { reason: `client ${agent.clientId} is not allowed by server ${server.config.id}` };
  }
  return { connection };
}

function decideIdJag(org: OrgModel, request: ExchangeRequest): Decision {
  if (request.audience === undefined) return deny('invalid_request', 'audience is missing');
  const server = serverByIssuer(org, request.audience);
  if (!server) return deny('invalid_target', `audience ${request.audience} is not a custom server`);

  const usable = usableConnection(request.agent, server);
  if (!('connection' in usable)) return deny('invalid_target', usable.reason);
  const { connection } = usable;

  if (
    request.resource !== undefined &&
    request.resource !== server.config.audience &&
    !connection.resources.includes(request.resource)
  ) {
    return deny('invalid_target', `resource is not the audience of server ${server.config.id}`);
  }

  const allowed = allowedScopes(connection.scopes, server.config.scopes);
  // No `scope` asks for everything the connection allows (as OAuth's default scope does).
  const scopes = request.scopes ?? allowed;
  if (scopes.length === 0) return deny('invalid_scope', 'the connection allows no scope');
  const outside = scopes.filter((s) => !allowed.includes(s));
  if (outside.length > 0) {
    return deny('invalid_scope', `scopes outside the connection: ${outside.join(' ')}`);
  }
  return {
    allow: true,
    grant: { type: 'id-jag', server, scopes, resource: request.resource },
    reason: `connection to server ${server.config.id}`,
  };
}

function connectedTo(agent: AgentConfig, type: 'secret' | 'service-account', id: string): boolean {
  return agent.connections.some(
    (c) =>
      c.status === 'active' &&
      ((type === 'secret' && c.type === 'secret' && c.secret === id) ||
        (type === 'service-account' && c.type === 'service-account' && c.serviceAccount === id)),
  );
}

function decideVault(org: OrgModel, request: ExchangeRequest): Decision {
  if (request.resource === undefined) return deny('invalid_request', 'resource is missing');
  if (request.audience !== undefined) {
    return deny('invalid_request', 'audience is not used for vault resources');
  }
  if (request.scopes !== undefined)
    return deny('invalid_scope', 'scope is not used for vault resources');

  const matches = (entry: { id: string; resourceIndicator?: string | undefined }) =>
    entry.id === request.resource || entry.resourceIndicator === request.resource;

  if (request.requestedTokenType === VAULTED_SECRET_TOKEN_TYPE) {
    const secret = org.config.vault.secrets.find(matches);
    if (!secret) return deny('invalid_target', 'resource is not a known secret');
    if (!connectedTo(request.agent, 'secret', secret.id)) {
      return deny('invalid_target', `no active connection to secret ${secret.id}`);
    }
    return { allow: true, grant: { type: 'secret', secret }, reason: `connection to ${secret.id}` };
  }

  const account = org.config.vault.serviceAccounts.find(matches);
  if (!account) return deny('invalid_target', 'resource is not a known service account');
  if (!connectedTo(request.agent, 'service-account', account.id)) {
    return deny('invalid_target', `no active connection to service account ${account.id}`);
  }
  return {
    allow: true,
    grant: { type: 'service-account', account },
    reason: `connection to ${account.id}`,
  };
}

function decideAccessToken(org: OrgModel, request: AccessTokenRequest): Decision {
  const { server } = request;
  const agent = org.agents.get(request.clientId);
  if (!agent) return deny('access_denied', `client ${request.clientId} is not an agent`);
  const denied = userCheck(org, agent, request.userId);
  if (denied) return denied;

  // Re-checked here so that deactivating a connection also stops ID-JAGs already issued.
  const usable = usableConnection(agent, server);
  if (!('connection' in usable)) return deny('access_denied', usable.reason);
  const { connection } = usable;

  const allowed = allowedScopes(connection.scopes, server.config.scopes);
  const scopes = request.scopes.filter((s) => allowed.includes(s) && !SYSTEM_SCOPES.has(s));
  if (scopes.length === 0) {
    return deny('access_denied', `no scope of the ID-JAG is allowed: ${request.scopes.join(' ')}`);
  }
  return {
    allow: true,
    grant: { type: 'access-token', server, scopes },
    reason:
      scopes.length < request.scopes.length
        ? `scopes reduced by policy of server ${server.config.id}`
        : `policy of server ${server.config.id}`,
  };
}

/**
 * The one policy function: every token exchange at the org and every JWT-bearer grant at a
 * custom server asks it. It enforces managed connections (WIRE.md): the agent must have an
 * active connection to the custom server (by `audience`, the server's issuer) or to the vault
 * entry (by `resource`, its ORN or configured indicator), and a custom server with a `clients`
 * list must list the agent; system scopes and scopes outside the connection's rule are refused
 * (`invalid_scope`), never widened; a missing or unusable connection or an unknown target is
 * `invalid_target` at the org, without listing what is allowed (`access_denied` at a custom
 * server, which redeems an ID-JAG already issued).
 */
export function decide(org: OrgModel, request: ExchangeRequest | AccessTokenRequest): Decision {
  if (request.kind === 'access-token') return decideAccessToken(org, request);

  const denied = userCheck(org, request.agent, request.userId);
  if (denied) return denied;

  const system = request.scopes?.filter((s) => SYSTEM_SCOPES.has(s)) ?? [];
  if (system.length > 0)
    return deny('invalid_scope', `system scopes requested: ${system.join(' ')}`);

  if (request.requestedTokenType === ID_JAG_TOKEN_TYPE) return decideIdJag(org, request);
  if (
    request.requestedTokenType === VAULTED_SECRET_TOKEN_TYPE ||
    request.requestedTokenType === SERVICE_ACCOUNT_TOKEN_TYPE
  ) {
    return decideVault(org, request);
  }
  return deny('invalid_request', 'unsupported requested_token_type');
}
