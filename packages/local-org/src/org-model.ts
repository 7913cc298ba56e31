import type { ReplayStore } from '@onbehalf/id-jag';
import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import type { AuditLog } from './audit.js';
import type {
  AgentConfig,
  CustomServerConfig,
  OrgConfig,
  UserConfig,
  WebAppConfig,
} from './config/schema.js';
import { type OrgKeys, publicJwk, type SigningJwk } from './keys.js';

/** A custom authorization server as it runs: its configuration, URLs and signing key. */
export interface CustomServerModel {
  config: CustomServerConfig;
  issuer: string;
  tokenEndpoint: string;
  jwksUri: string;
  metadataUrl: string;
  key: SigningJwk;
}

/** Everything the org's handlers need: configuration by id, keys, URLs, audit, replay store. */
export interface OrgModel {
  config: OrgConfig;
  issuer: string;
  orgKey: SigningJwk;
  orgJwks: JSONWebKeySet;
  /** `orgJwks` for `jwtVerify`, made once so its keys are imported once. */
  orgKeySet: JWTVerifyGetKey;
  users: ReadonlyMap<string, UserConfig>;
  webApps: ReadonlyMap<string, WebAppConfig>;
  agents: ReadonlyMap<string, AgentConfig>;
  servers: ReadonlyMap<string, CustomServerModel>;
  audit: AuditLog;
  replayStore: ReplayStore;
}

/** Builds the {@link OrgModel} for an org listening at `issuer` (an origin, no trailing slash). */
export function buildOrgModel(
  config: OrgConfig,
  issuer: string,
  keys: OrgKeys,
  audit: AuditLog,
  replayStore: ReplayStore,
): OrgModel {
  const servers = new Map<string, CustomServerModel>();
  for (const server of config.customServers) {
    const serverIssuer = `${issuer}/oauth2/${server.id}`;
    const key = keys.servers[server.id];
    if (key === undefined) throw new Error(`no signing key for custom server "${server.id}"`);
    servers.set(server.id, {
      config: server,
      issuer: serverIssuer,
      tokenEndpoint: `${serverIssuer}/v1/token`,
      jwksUri: `${serverIssuer}/v1/keys`,
      metadataUrl: `${serverIssuer}/.well-known/oauth-authorization-server`,
      key,
    });
  }
  const orgJwks = { keys: [publicJwk(keys.org)] };
  return {
    config,
    issuer,
    orgKey: keys.org,
    orgJwks,
    orgKeySet: createLocalJWKSet(orgJwks),
    users: new Map(config.users.map((u) => [u.id, u])),
    webApps: new Map(config.webApps.map((a) => [a.clientId, a])),
    agents: new Map(config.agents.map((a) => [a.clientId, a])),
    servers,
    audit,
    replayStore,
  };
}

/** The custom server whose issuer is exactly `issuer`, if any. */
export function serverByIssuer(org: OrgModel, issuer: string): CustomServerModel | undefined {
  for (const server of org.servers.values()) if (server.issuer === issuer) return server;
  return undefined;
}
