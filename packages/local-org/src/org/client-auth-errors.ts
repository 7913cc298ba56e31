import type { Provider } from 'oidc-provider';

const NO_CLIENT_AUTH = 'no client authentication mechanism provided';

/**
 * Answers a token request that carries no client authentication at all with `invalid_client`
 * (401), as RFC 6749 §5.2 defines it ("no client authentication included"), where oidc-provider
 * answers `invalid_request`.
 */
export function answerMissingClientAuthAsInvalidClient(
  provider: Provider,
  tokenPath: string,
): void {
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.method !== 'POST' || ctx.path !== tokenPath || ctx.status !== 400) return;
    const body = ctx.body as { error?: unknown; error_description?: unknown } | undefined;
    if (body?.error === 'invalid_request' && body.error_description === NO_CLIENT_AUTH) {
      ctx.status = 401;
      ctx.body = { error: 'invalid_client', error_description: 'client authentication failed' };
    }
  });
}
