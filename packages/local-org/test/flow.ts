import { createHash, randomBytes } from 'node:crypto';
import type { LocalOrg } from '../src/index.js';
import { demo } from '../src/index.js';

/** A browser's cookie jar for one host, for driving the flow step by step. */
export class Browser {
  readonly cookies = new Map<string, string>();

  async get(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) {
      headers.set('Cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    }
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return response;
  }
}

export interface AuthorizeParams {
  redirectUri?: string;
  challenge?: string | null;
  method?: string | null;
  clientId?: string;
}

/** PKCE verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The authorization request URL for the demo web app, with overridable PKCE parameters. */
export function authorizeUrl(org: LocalOrg, params: AuthorizeParams): string {
  const url = new URL(org.url('/oauth2/v1/authorize'));
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', params.clientId ?? demo.webApp.clientId);
  url.searchParams.set(
    'redirect_uri',
    params.redirectUri ?? (demo.webApp.redirectUris[0] as string),
  );
  url.searchParams.set('scope', 'openid profile email');
  url.searchParams.set('state', 'st-1');
  url.searchParams.set('nonce', 'n-1');
  if (params.challenge !== null && params.challenge !== undefined) {
    url.searchParams.set('code_challenge', params.challenge);
  }
  if (params.method !== null)
    url.searchParams.set('code_challenge_method', params.method ?? 'S256');
  return url.href;
}

/**
 * Drives authorize → sign-in form → resume as a browser would, returning the final redirect
 * (to the app's redirect URI) as a URL.
 */
export async function authorize(
  org: LocalOrg,
  params: AuthorizeParams,
  user: { username: string; password: string } = demo.user,
  browser: Browser = new Browser(),
): Promise<URL> {
  let response = await browser.get(authorizeUrl(org, params));
  for (let hop = 0; hop < 8; hop++) {
    const location = response.headers.get('location');
    if (!location) throw new Error(`no redirect (status ${response.status})`);
    const target = new URL(location, org.issuer);
    if (target.origin !== org.issuer) return target;
    if (target.pathname.startsWith('/signin/')) {
      await (await browser.get(target.href)).text();
      response = await browser.get(target.href, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: user.username, password: user.password }),
      });
    } else {
      response = await browser.get(target.href);
    }
  }
  throw new Error('too many redirects');
}

/** A web app's credentials, sent with client_secret_basic. */
export interface WebAppClient {
  clientId: string;
  clientSecret: string;
}

/** Redeems a code at the org token endpoint as a web app, the demo one by default. */
export async function redeemCode(
  org: LocalOrg,
  code: string,
  verifier: string | undefined,
  redirectUri: string = demo.webApp.redirectUris[0] as string,
  client: WebAppClient = demo.webApp,
) {
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
  });
  if (verifier !== undefined) form.set('code_verifier', verifier);
  const response = await fetch(org.url('/oauth2/v1/token'), {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
    },
    body: form,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/**
 * Signs out at the org's `/oauth2/v1/logout` as a browser does: the RP-initiated logout request,
 * then the confirmation form posted with `logout=yes`. Returns the final redirect.
 */
export async function signOut(
  org: LocalOrg,
  browser: Browser,
  idToken: string,
  postLogoutRedirectUri: string = demo.webApp.postLogoutRedirectUris[0] as string,
): Promise<Response> {
  const url = new URL(org.url('/oauth2/v1/logout'));
  url.searchParams.set('id_token_hint', idToken);
  url.searchParams.set('post_logout_redirect_uri', postLogoutRedirectUri);
  url.searchParams.set('state', 'bye');
  return submitLogoutForm(org, browser, await browser.get(url.href));
}

/** Posts the logout form of a `/oauth2/v1/logout` page (with `logout=yes` when it asks). */
export async function submitLogoutForm(
  org: LocalOrg,
  browser: Browser,
  page: Response,
): Promise<Response> {
  const html = await page.text();
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error(`no logout form (status ${page.status})`);
  const form = new URLSearchParams();
  for (const match of html.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) {
    form.set(match[1] as string, match[2] as string);
  }
  if (!form.has('logout')) form.set('logout', 'yes');
  return browser.get(new URL(action.replaceAll('&amp;', '&'), org.issuer).href, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form,
  });
}
