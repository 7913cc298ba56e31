import type { Provider } from 'oidc-provider';
import { type AuditLog, type AuditRecord, shortHash } from './audit.js';

type Details = Partial<Omit<AuditRecord, 'time'>>;

const notes = new WeakMap<object, Details>();
const failures = new WeakMap<
  object,
  { error_description?: string; error_detail?: string; message?: string }
>();

/** Adds what a grant handler learnt about the request (user, scopes, reason) to its audit line. */
export function noteAudit(ctx: object, details: Details): void {
  notes.set(ctx, { ...notes.get(ctx), ...details });
}

function scopeList(value: unknown): string[] | undefined {
  return typeof value === 'string' && value !== '' ? value.split(' ') : undefined;
}

interface TokenContext {
  method: string;
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
    const failure = failures.get(koa);
    const failureReason = [failure?.error_description ?? failure?.message, failure?.error_detail]
      .filter(Boolean)
      .join(': ');
    const issued = str(body.access_token) ?? str(body.id_token);

    log.write({
      server,
      client: ctx.oidc?.client?.clientId ?? str(params.client_id),
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
      reason: note.reason ?? (failureReason || (allowed ? 'issued' : 'refused')),
      ...(issued ? { issued: shortHash(issued) } : {}),
    });
  });
}
