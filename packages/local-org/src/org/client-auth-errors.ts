import { errors, type Provider } from 'oidc-provider';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const CLIENT_AUTH_PARAMETERS = [
  'client_id',
  'client_secret',
  'client_assertion',
  'client_assertion_type',
] as const;

/** What this module reads of oidc-provider's request context. */
interface ClientAuthContext {
  headers: Record<string, string | string[] | undefined>;
  oidc?: {
    body?: Record<string, unknown>;
    params?: Record<string, unknown>;
    client?: unknown;
  };
}

/**
 * Whether a failure came from client authentication: oidc-provider assembles the parameters,
 * then authenticates the client (which ends by setting `client`), then runs the grant.
 */
function duringClientAuthentication(ctx: ClientAuthContext): boolean {
  return ctx.oidc?.params !== undefined && ctx.oidc.client === undefined;
}

/**
 * The malformed requests that WIRE.md keeps as `invalid_request` however they fail: a client
 * authentication parameter given twice, credentials in two places, or a `client_assertion` whose
 * `client_assertion_type` is missing or not the JWT-bearer one. Read from the request itself, not
 * from oidc-provider's wording.
 */
function malformedClientAuthentication(ctx: ClientAuthContext): boolean {
  const body = ctx.oidc?.body ?? {};
  const params = ctx.oidc?.params ?? {};
  const duplicated = CLIENT_AUTH_PARAMETERS.some((name) => Array.isArray(body[name]));
  const credentials = [
    ctx.headers.authorization,
    ctx.headers['oauth-client-attestation'],
    params.client_assertion,
    params.client_secret,
  ].filter(Boolean).length;
  const badAssertionType =
    params.client_assertion !== undefined && params.client_assertion_type !== ASSERTION_TYPE;
  return duplicated || credentials > 1 || badAssertionType;
}

/**
 * Answers every client authentication failure with `invalid_client` (401), as RFC 6749 §5.2 and
 * SECURITY.md require: oidc-provider answers some with `invalid_request` (no credentials at all,
 * an unreadable `client_assertion` or Basic header, a `client_id` field naming another client
 * than the credentials). The mapping is keyed on oidc-provider's error class (`InvalidRequest`)
 * and on when it was raised (during client authentication), not on its description. The
 * malformed requests WIRE.md keeps as `invalid_request` stay so (see above).
 */
export function answerClientAuthFailuresAsInvalidClient(provider: Provider): void {
  const failed = new WeakSet<object>();
  // Emitted by the token endpoint only, while the context still shows how far the request got.
  provider.on('grant.error', (ctx: ClientAuthContext, error: unknown) => {
    if (
      error instanceof errors.InvalidRequest &&
      duringClientAuthentication(ctx) &&
      !malformedClientAuthentication(ctx)
    ) {
      failed.add(ctx);
    }
  });

  provider.use(async (ctx, next) => {
    await next();
    if (!failed.has(ctx)) return;
    ctx.status = 401;
    ctx.body = { error: 'invalid_client', error_description: 'client authentication failed' };
    // RFC 6749 §5.2: a 401 to a client that tried the Authorization header names the scheme.
    if (ctx.headers.authorization !== undefined) {
      ctx.set(
        'WWW-Authenticate',
        `Basic realm="${provider.issuer}", error="invalid_client", ` +
          'error_description="client authentication failed"',
      );
    }
  });
}
