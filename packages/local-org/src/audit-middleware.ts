import type { Provider } from 'oidc-provider';
import { type AuditLog, type AuditRecord, joinReason, shortHash } from './audit.js';
import { claimedClientId } from './claimed-client.js';
import { isOwnOAuthError } from './oauth-errors.js';

type Details = Partial<Omit<AuditRecord, 'time'>>;

const notes = new WeakMap<object, Details>();
interface Failure {
  error_description?: string;
  error_detail?: string;
  message?: string;
}

const failures = new WeakMap<object, Failure>();

/** Adds what a grant handler learnt about the request (user, scopes, reason) to its audit line. */
export function noteAudit(ctx: object, details: Details): void {
  notes.set(ctx, { ...notes.get(ctx), ...details });
}

function scopeList(value: unknown): string[] | undefined {
  return typeof value === 'string' && value !== '' ? value.split(' ') : undefined;
}

/**
 * The audit reason of a failure: the detail alone for this org's own errors (their
 * `error_description` is a fixed sentence), else oidc-provider's description and detail as one
 * phrase, e.g. `client authentication failed: invalid secret provided`.
 */
function failureReason(failure: Failure | undefined): string {
  if (!failure) return '';
  if (failure.error_detail && isOwnOAuthError(failure)) return joinReason(failure.error_detail);
  return joinReason(failure.error_description ?? failure.message, failure.error_detail);
}

interface TokenContext {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  path: string;
  status: number;
  body: unknown;
  oidc?: {
    params?: Record<string, unknown>;
    client?: { clientId: string };
    entities?: { AuthorizationCode?: { accountId?: string } };
  };
}

/**
 * Writes one audit record per request to `provider`'s token endpoint (`tokenPath`, relative to
 * the provider), whatever the grant and whether oidc-provider or our own handler answered:
 * client, user, grant, requested type, audience/resource, scopes, decision and the internal
 * reason. Tokens are referred to by {@link shortHash} only.
 */
export function auditTokenEndpoint(
  provider: Provider,
  log: AuditLog,
  server: string,
  tokenPath: string,
): void {
  const remember = (ctx: object, error: unknown) => {
    if (typeof error === 'object' && error !== null) failures.set(ctx, error);
  };
  provider.on('grant.error', remember);
  provider.on('server_error', remember);

  provider.use(async (koa, next) => {
    await next();
    const ctx = koa as unknown as TokenContext;
    if (ctx.method !== 'POST' || ctx.path !== tokenPath) return;

    const note = notes.get(koa) ?? {};
    const params = ctx.oidc?.params ?? {};
    const body = (typeof ctx.body === 'object' && ctx.body !== null ? ctx.body : {}) as Record<
      string,
      unknown
    >;
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const allowed = ctx.status === 200;
    const reason = failureReason(failures.get(koa));
    const client = ctx.oidc?.client?.clientId;
    const authorization = ctx.headers.authorization;
    const claimedClient =
      client === undefined
        ? claimedClientId(params, typeof authorization === 'string' ? authorization : undefined)
        : undefined;
    const issued = str(body.access_token) ?? str(body.id_token);

    log.write({
      server,
      ...(client === undefined ? {} : { client }),
      ...(claimedClient === undefined ? {} : { claimedClient }),
      user: note.user ?? ctx.oidc?.entities?.AuthorizationCode?.accountId,
      grant: str(params.grant_type),
      requestedTokenType: str(params.requested_token_type),
      audience: str(params.audience),
      resource: str(params.resource),
      scopesRequested: note.scopesRequested ?? scopeList(params.scope),
      ...(allowed ? { scopesGranted: note.scopesGranted ?? scopeList(body.scope) } : {}),
      decision: allowed ? 'allow' : 'deny',
      status: ctx.status,
      ...(allowed ? {} : { error: str(body.error) ?? 'server_error' }),
      reason: note.reason ?? (reason || (allowed ? 'issued' : 'refused')),
      ...(issued ? { issued: shortHash(issued) } : {}),
    });
  });
}
