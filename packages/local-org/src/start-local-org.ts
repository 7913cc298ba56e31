import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryReplayStore } from '@onbehalf/id-jag';
import type Provider from 'oidc-provider';
import { AuditLog, type AuditRecord } from './audit.js';
import { auditTokenEndpoint } from './audit-middleware.js';
import { ConfigError, formatPath } from './config/config-error.js';
import { defaultOrgConfig } from './config/default-org.js';
import { validateConfig } from './config/load-config.js';
import { type OrgConfig, type OrgConfigInput, orgConfigSchema } from './config/schema.js';
import { targetNameIssues } from './config/target-names.js';
import {
  CUSTOM_SERVER_ROUTES,
  createCustomServerProvider,
} from './custom-server/custom-server-provider.js';
import { secureHtmlPages } from './http/html-security-headers.js';
import { createRouter } from './http/router.js';
import { sendJson } from './http/send-json.js';
import { loadOrCreateKeys } from './keys.js';
import { answerClientAuthFailuresAsInvalidClient } from './org/client-auth-errors.js';
import { createOrgProvider, ORG_ROUTES } from './org/org-provider.js';
import { buildOrgModel, type CustomServerModel } from './org-model.js';
import { OPTION_NAMES, parseStartOptions, type StartOptions } from './start-options.js';

export type { StartOptions } from './start-options.js';

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

const SIGNATURE = 'startLocalOrg(config?, options?)';

/** The top-level fields of a configuration; no option has one of these names. */
const CONFIG_FIELDS: ReadonlySet<string> = new Set(Object.keys(orgConfigSchema.shape));

/**
 * Tells the configuration from options passed in its place: an object without any configuration
 * field (`{}` included, never a valid configuration) is options, so that a misspelt option is
 * reported as one. Options mixed into a configuration, or options given twice, are a `TypeError`
 * naming the signature.
 */
function splitArguments(
  first: OrgConfigInput | OrgConfig | StartOptions | undefined,
  second: StartOptions | undefined,
): { config: unknown; options: unknown } {
  if (typeof first !== 'object' || first === null || Array.isArray(first)) {
    return { config: first, options: second };
  }
  const keys = Object.keys(first);
  const optionKeys = keys.filter((key) => OPTION_NAMES.has(key));
  if (keys.some((key) => CONFIG_FIELDS.has(key))) {
    if (optionKeys.length === 0) return { config: first, options: second };
    throw new TypeError(
      `startLocalOrg: ${optionKeys.join(', ')} ${optionKeys.length === 1 ? 'is an option' : 'are options'}, not configuration: the signature is ${SIGNATURE}`,
    );
  }
  if (second !== undefined && keys.length === 0) return { config: first, options: second };
  if (second !== undefined) {
    throw new TypeError(
      `startLocalOrg: the first argument holds only options (${keys.join(', ')}) and options were given again: the signature is ${SIGNATURE}`,
    );
  }
  return { config: undefined, options: first };
}

/**
 * Starts an org that answers as an Okta org does for AI agent token exchange (WIRE.md): the org
 * authorization server (sign-in with Authorization Code + PKCE, ID tokens, token exchange for an
 * ID-JAG, a vaulted secret or a service account), every configured custom authorization server
 * (JWT-bearer grant for ID-JAGs, RFC 9068 access tokens) and the vault, on one HTTP port.
 *
 * Called as `startLocalOrg(config?, options?)`, or `startLocalOrg(options)` for the default org
 * with options: an object without any configuration field is taken as options.
 *
 * @param config The org; the built-in default org (`defaultOrgConfig()`) when omitted.
 * @example
 * const org = await startLocalOrg();
 * const tokens = await signIn(org.issuer, { username: demo.user.username, ... });
 * await org.stop();
 * @throws {ConfigError} for an invalid configuration, naming the path of each bad field.
 * @throws {TypeError} for an invalid or unknown option, or options mixed into the configuration.
 * @throws {KeyFileError} when `dataDir` holds a `keys.json` that cannot be used.
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
  const split = splitArguments(first, second);
  const options = parseStartOptions(split.options);
  const valid = validateConfig(split.config ?? defaultOrgConfig());
  const { headersTimeoutMs, requestTimeoutMs } = options;
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

  // Custom servers' issuers are known only now that the port is.
  const issuerClashes = targetNameIssues(valid, issuer);
  if (issuerClashes.length > 0) {
    server.close();
    throw new ConfigError(
      issuerClashes.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
    );
  }

  const org = buildOrgModel(valid, issuer, keys, audit, new MemoryReplayStore());
  const orgProvider = createOrgProvider(org, keys.cookieKeys);
  quiet(orgProvider);
  secureHtmlPages(orgProvider);
  auditTokenEndpoint(orgProvider, audit, issuer, ORG_ROUTES.token);
  answerClientAuthFailuresAsInvalidClient(orgProvider);

  const customServers = new Map<string, { model: CustomServerModel; provider: Provider }>();
  for (const model of org.servers.values()) {
    const provider = createCustomServerProvider(org, model, keys.cookieKeys);
    quiet(provider);
    secureHtmlPages(provider);
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
