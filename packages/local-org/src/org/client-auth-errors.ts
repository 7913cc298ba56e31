import type { Provider } from 'oidc-provider';

/**
 * oidc-provider's descriptions of client authentication failures that it answers with
 * `invalid_request`: no client authentication at all, and a `client_assertion` that is not a
 * JWT (a JWE, or garbage).
 */
const CLIENT_AUTH_FAILURES: ReadonlySet<string> = new Set([
  'no client authentication mechanism provided',
  'invalid client_assertion format',
]);

/**
 * Answers a token request whose client authentication is missing or unreadable with
 * `invalid_client` (401), as RFC 6749 §5.2 defines it ("no client authentication included",
 * "client authentication failed"), where oidc-provider answers `invalid_request`. Two
 * credentials and a wrong `client_assertion_type` stay `invalid_request`, as at Okta.
 */
export function answerClientAuthFailuresAsInvalidClient(
  provider: Provider,
  tokenPath: string,
): void {
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.method !== 'POST' || ctx.path !== tokenPath || ctx.status !== 400) return;
    const body = ctx.body as { error?: unknown; error_description?: unknown } | undefined;
    if (
      body?.error === 'invalid_request' &&
      typeof body.error_description === 'string' &&
      CLIENT_AUTH_FAILURES.has(body.error_description)
    ) {
      ctx.status = 401;
      ctx.body = { error: 'invalid_client', error_description: 'client authentication failed' };
    }
  });
}
