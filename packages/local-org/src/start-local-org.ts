import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryReplayStore } from '@onbehalf/id-jag';
import type Provider from 'oidc-provider';
import { z } from 'zod';
import { AuditLog, type AuditRecord, type AuditSink } from './audit.js';
import { auditTokenEndpoint } from './audit-middleware.js';
import { defaultOrgConfig } from './config/default-org.js';
import { validateConfig } from './config/load-config.js';
import type { OrgConfig, OrgConfigInput } from './config/schema.js';
import {
  CUSTOM_SERVER_ROUTES,
  createCustomServerProvider,
} from './custom-server/custom-server-provider.js';
import { createRouter } from './http/router.js';
import { sendJson } from './http/send-json.js';
import { loadOrCreateKeys } from './keys.js';
import { answerClientAuthFailuresAsInvalidClient } from './org/client-auth-errors.js';
import { createOrgProvider, ORG_ROUTES } from './org/org-provider.js';
import { buildOrgModel, type CustomServerModel } from './org-model.js';

/** Where and how to run the org. */
export interface StartOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1`: the org is for local development only. */
  host?: string;
  /** Directory that keeps the signing keys across restarts (`keys.json`, mode 0600). */
  dataDir?: string;
  /** Called with every audit record as it is written. */
  onAudit?: AuditSink;
  /** Time a client has to send a request's headers, in ms; then 408 and close. Default 5000. */
  headersTimeoutMs?: number;
  /** Time a client has to send a whole request, body included, in ms. Default 10000. */
  requestTimeoutMs?: number;
}

const timeoutsSchema = z
  .object({
    headersTimeoutMs: z.number().int().min(100).max(600_000).default(5_000),
    requestTimeoutMs: z.number().int().min(100).max(600_000).default(10_000),
  })
  .refine((t) => t.headersTimeoutMs <= t.requestTimeoutMs, {
    message: 'headersTimeoutMs must not exceed requestTimeoutMs',
  });

/** What a client needs to know about a custom authorization server. */
export interface CustomServerInfo {
  id: string;
  issuer: string;
  tokenEndpoint: string;
  jwksUri: string;
  metadataUrl: string;
  audience: string;
  scopes: readonly string[];
}

/** A running local org. */
export interface LocalOrg {
  /** The org's issuer, e.g. `http://127.0.0.1:4000`. */
  readonly issuer: string;
  /** The validated configuration it runs. */
  readonly config: OrgConfig;
  /** An absolute URL on the org, e.g. `org.url('/oauth2/v1/token')`. */
  url(path: string): string;
  /** A configured custom authorization server's URLs and audience. */
  customServer(id: string): CustomServerInfo;
  /** Every token request so far, one record each (see `AuditRecord`). */
  readonly audit: readonly AuditRecord[];
  /** Closes the server and every open connection. */
  stop(): Promise<void>;
}

function info(model: CustomServerModel): CustomServerInfo {
  return {
    id: model.config.id,
    issuer: model.issuer,
    tokenEndpoint: model.tokenEndpoint,
    jwksUri: model.jwksUri,
    metadataUrl: model.metadataUrl,
    audience: model.config.audience,
    scopes: [...model.config.scopes],
  };
}

/**
 * Stops Koa (under oidc-provider) printing request errors to stderr, such as a client that timed
 * out or hung up: a library does not write to its user's console, and a slow client must not be
 * able to flood it. Token endpoint failures are still in the audit log.
 */
function quiet(provider: Provider): void {
  provider.silent = true;
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** The option names of {@link StartOptions}; none is a configuration field. */
const OPTION_NAMES: ReadonlySet<string> = new Set<keyof StartOptions>([
  'port',
  'host',
  'dataDir',
  'onAudit',
  'headersTimeoutMs',
  'requestTimeoutMs',
]);

const SIGNATURE = 'startLocalOrg(config?, options?)';

/**
 * Tells the configuration from options passed in its place: an object whose keys are all option
 * names (or `{}`, never a valid configuration) is options; no option name is a configuration
 * field, so this is unambiguous. Options mixed into a configuration, or options given twice, are
 * a `TypeError` naming the signature.
 */
function splitArguments(
  first: OrgConfigInput | OrgConfig | StartOptions | undefined,
  second: StartOptions | undefined,
): { config: unknown; options: StartOptions } {
  if (typeof first !== 'object' || first === null || Array.isArray(first)) {
    return { config: first, options: second ?? {} };
  }
  const keys = Object.keys(first);
  // `{}` is never a valid configuration (it has no `orgId` or `users`): read it as no options.
  if (keys.length === 0 && second === undefined) return { config: undefined, options: {} };
  const optionKeys = keys.filter((key) => OPTION_NAMES.has(key));
  if (optionKeys.length === 0) return { config: first, options: second ?? {} };
  if (optionKeys.length < keys.length) {
    throw new TypeError(
      `startLocalOrg: ${optionKeys.join(', ')} ${optionKeys.length === 1 ? 'is an option' : 'are options'}, not configuration: the signature is ${SIGNATURE}`,
    );
  }
  if (second !== undefined) {
    throw new TypeError(
      `startLocalOrg: the first argument holds only options (${optionKeys.join(', ')}) and options were given again: the signature is ${SIGNATURE}`,
    );
  }
  return { config: undefined, options: first as StartOptions };
}

/**
 * Starts an org that answers as an Okta org does for AI agent token exchange (WIRE.md): the org
 * authorization server (sign-in with Authorization Code + PKCE, ID tokens, token exchange for an
 * ID-JAG, a vaulted secret or a service account), every configured custom authorization server
 * (JWT-bearer grant for ID-JAGs, RFC 9068 access tokens) and the vault, on one HTTP port.
 *
 * Called as `startLocalOrg(config?, options?)`, or `startLocalOrg(options)` for the default org
 * with options: an object whose keys are all option names is taken as options.
 *
 * @param config The org; the built-in default org (`defaultOrgConfig()`) when omitted.
 * @example
 * const org = await startLocalOrg();
 * const tokens = await signIn(org.issuer, { username: demo.user.username, ... });
 * await org.stop();
 * @throws {ConfigError} for an invalid configuration, naming the path of each bad field.
 * @throws {TypeError} for invalid options, or options mixed into the configuration.
 */
export async function startLocalOrg(options: StartOptions): Promise<LocalOrg>;
export async function startLocalOrg(
  config?: OrgConfigInput | OrgConfig,
  options?: StartOptions,
): Promise<LocalOrg>;
export async function startLocalOrg(
  first?: OrgConfigInput | OrgConfig | StartOptions,
  second?: StartOptions,
): Promise<LocalOrg> {
  const { config, options } = splitArguments(first, second);
  const valid = validateConfig(config ?? defaultOrgConfig());
  const timeouts = timeoutsSchema.safeParse({
    headersTimeoutMs: options.headersTimeoutMs,
    requestTimeoutMs: options.requestTimeoutMs,
  });
  if (!timeouts.success) {
    const issue = timeouts.error.issues[0];
    throw new TypeError(`startLocalOrg: ${issue?.path.join('.') || 'options'}: ${issue?.message}`);
  }
  const { headersTimeoutMs, requestTimeoutMs } = timeouts.data;
  const keys = await loadOrCreateKeys(
    valid.customServers.map((s) => s.id),
    options.dataDir,
  );
  const audit = new AuditLog(options.onAudit ? [options.onAudit] : []);

  let handler: ReturnType<typeof createRouter> | undefined;
  const server = createServer(
    {
      headersTimeout: headersTimeoutMs,
      requestTimeout: requestTimeoutMs,
      // Node checks the two timeouts above only this often (30 s by default), which would let a
      // slow client hold a connection for up to 30 s past its deadline.
      connectionsCheckingInterval: Math.min(1_000, headersTimeoutMs),
    },
    (req, res) => {
      if (!handler) {
        sendJson(res, 503, {
          error: 'temporarily_unavailable',
          error_description: 'The server is starting.',
        });
        return;
      }
      handler(req, res).catch(() => {
        // Half an answer already sent cannot be turned into an error: cut it short instead.
        if (res.headersSent) res.destroy();
        else {
          sendJson(res, 500, {
            error: 'server_error',
            error_description: 'The server could not answer the request.',
          });
        }
      });
    },
  );
  server.keepAliveTimeout = 5_000;
  server.maxHeadersCount = 100;

  const host = options.host ?? '127.0.0.1';
  const address = await listen(server, options.port ?? 0, host);
  const hostname = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const issuer = `http://${hostname}:${address.port}`;

  const org = buildOrgModel(valid, issuer, keys, audit, new MemoryReplayStore());
  const orgProvider = createOrgProvider(org, keys.cookieKeys);
  quiet(orgProvider);
  auditTokenEndpoint(orgProvider, audit, issuer, ORG_ROUTES.token);
  answerClientAuthFailuresAsInvalidClient(orgProvider);

  const customServers = new Map<string, { model: CustomServerModel; provider: Provider }>();
  for (const model of org.servers.values()) {
    const provider = createCustomServerProvider(org, model, keys.cookieKeys);
    quiet(provider);
    auditTokenEndpoint(provider, audit, model.issuer, CUSTOM_SERVER_ROUTES.token);
    answerClientAuthFailuresAsInvalidClient(provider);
    customServers.set(model.config.id, { model, provider });
  }
  handler = createRouter({ org, orgProvider, customServers });

  let stopped: Promise<void> | undefined;
  return {
    issuer,
    config: valid,
    url: (path) => new URL(path, `${issuer}/`).href,
    customServer(id) {
      const model = org.servers.get(id);
      if (!model) throw new Error(`no custom server "${id}" in this org`);
      return info(model);
    },
    get audit() {
      return audit.records;
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}
