import type Provider from 'oidc-provider';

const CSP = 'Content-Security-Policy';

/** What a page may do beyond showing itself. */
export interface HtmlPagePermissions {
  /**
   * Where its forms may lead, besides the org itself: browsers apply `form-action` to every
   * redirect that follows a post too, so a form whose answer redirects to an app lists the app.
   */
  formTargets?: readonly (string | undefined)[];
  /** `script-src` sources, e.g. `'sha256-…'` for one inline script; none by default. */
  scripts?: readonly string[];
}

/**
 * The headers of every HTML page the org serves: it cannot be framed (clickjacking: `DENY` and
 * `frame-ancestors 'none'`), loads nothing and runs no script but the ones named, posts forms
 * only to itself and the given targets, is not cached, and sends no `Referer` (a logout URL
 * carries an ID token).
 */
export function htmlSecurityHeaders(permissions: HtmlPagePermissions = {}): Record<string, string> {
  const targets = (permissions.formTargets ?? []).filter((t): t is string => t !== undefined);
  const scripts = permissions.scripts ?? [];
  const policy = [
    "default-src 'none'",
    ...(scripts.length > 0 ? [`script-src ${scripts.join(' ')}`] : []),
    "style-src 'unsafe-inline'",
    `form-action ${["'self'", ...new Set(targets)].join(' ')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
  return {
    [CSP]: policy,
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  };
}

function origins(uris: readonly string[] | undefined): string[] {
  return (uris ?? []).flatMap((uri) => URL.parse(uri)?.origin ?? []);
}

/**
 * Gives every HTML page `provider` renders (logout confirmation, error pages, the `form_post`
 * page that carries a code to the app) the {@link htmlSecurityHeaders}, with the origins of the
 * request's client's registered redirect and post-logout URIs as form targets, and the inline
 * script of the `form_post` page allowed by its hash.
 */
export function secureHtmlPages(provider: Provider): void {
  provider.use(async (ctx, next) => {
    // oidc-provider adds the hash of the inline script it writes (script_src_sha.js) to a
    // `script-src` it finds already set, so a policy is in place before the page is rendered.
    ctx.set(CSP, "script-src 'none'");
    await next();
    const rendered = ctx.response.get(CSP);
    ctx.remove(CSP);
    if (!ctx.response.is('html')) return;

    const client = ctx.oidc?.client;
    ctx.set(
      htmlSecurityHeaders({
        formTargets: [...origins(client?.redirectUris), ...origins(client?.postLogoutRedirectUris)],
        scripts: rendered.match(/'sha256-[A-Za-z0-9+/=]+'/g) ?? [],
      }),
    );
  });
}
