import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { z } from 'zod';
import {
  describeOAuthError,
  type OAuthErrorText,
  oauthErrorText,
  readOAuthErrorBody,
} from './http/oauth-error-body.js';

/** Options of {@link signIn}. */
export interface SignInOptions {
  username: string;
  password: string;
  clientId: string;
  /** Sent with HTTP Basic (`client_secret_basic`); omit for a public client. */
  clientSecret?: string;
  redirectUri: string;
  /** Default `openid profile email`. */
  scope?: string;
  /** Injectable `fetch`; default the global one. */
  fetch?: typeof fetch;
}

/** The tokens {@link signIn} returns. */
export interface SignInResult {
  idToken: string;
  accessToken: string;
  expiresIn: number;
}

/** Why {@link signIn} failed; no token, password or code is ever in the message. */
export class SignInError extends Error {
  override readonly name = 'SignInError';
  readonly code: 'discovery' | 'authorize' | 'credentials' | 'redirect' | 'token';
  readonly status?: number;
  /** The OAuth `error` the server answered, when it gave one (sanitised, capped). */
  readonly oauthError?: string;
  /** Its `error_description`, sanitised and capped at 200 characters. */
  readonly oauthErrorDescription?: string;

  constructor(code: SignInError['code'], message: string, status?: number, oauth?: OAuthErrorText) {
    super(message);
    this.code = code;
    if (status !== undefined) this.status = status;
    if (oauth) {
      this.oauthError = oauth.error;
      if (oauth.errorDescription !== undefined) {
        this.oauthErrorDescription = oauth.errorDescription;
      }
    }
  }
}

const metadataSchema = z.object({
  issuer: z.string(),
  authorization_endpoint: z.url(),
  token_endpoint: z.url(),
});

const tokenSchema = z.object({
  id_token: z.string().min(1),
  access_token: z.string().min(1),
  expires_in: z.number().int().nonnegative(),
  token_type: z.string(),
});

/** The `nonce` claim of an ID token, read without verifying it; `undefined` if it has none. */
function idTokenNonce(idToken: string): unknown {
  try {
    return decodeJwt(idToken).nonce;
  } catch {
    return undefined;
  }
}

/** A minimal cookie jar for one host: name → value, as `Set-Cookie` left them. */
class CookieJar {
  readonly #cookies = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq < 1) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => {
        const [key, val] = a.trim().split('=');
        return (
          (key?.toLowerCase() === 'expires' && Date.parse(val ?? '') < Date.now()) ||
          (key?.toLowerCase() === 'max-age' && Number(val) <= 0)
        );
      });
      if (expired || value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/**
 * Signs a user in with the real Authorization Code flow with PKCE (RFC 6749 §4.1, RFC 7636 S256,
 * OpenID Connect Core §3.1) over HTTP: discovery, the authorization endpoint, the org's sign-in
 * form, the redirect back with `code` (checking `state` and `iss`, RFC 9207), then the token
 * endpoint with the client's secret, checking that the ID token carries the request's `nonce`
 * (the ID token's signature is not checked here). For tests and demos against a local org (it
 * reads the local org's own sign-in form); a browser does this against a real Okta org.
 *
 * @throws {SignInError} naming the step that failed, with the HTTP status and the OAuth error the
 * org answered when there is one (e.g. `invalid_redirect_uri` for an unregistered redirect URI).
 */
export async function signIn(issuer: string, options: SignInOptions): Promise<SignInResult> {
  const fetchImpl = options.fetch ?? fetch;
  // The step under way, so that an unreachable org fails as a SignInError of that step.
  let step: SignInError['code'] = 'discovery';
  const doFetch = async (url: string, init?: RequestInit): Promise<Response> => {
    try {
      return await fetchImpl(url, init);
    } catch {
      throw new SignInError(step, `could not reach ${new URL(url).origin}`);
    }
  };
  const jar = new CookieJar();
  const request = async (url: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    const cookie = jar.header();
    if (cookie) headers.set('Cookie', cookie);
    const response = await doFetch(url, { ...init, headers, redirect: 'manual' });
    jar.store(response);
    return response;
  };

  const discovery = await doFetch(`${issuer}/.well-known/openid-configuration`);
  const metadata = metadataSchema.safeParse(await discovery.json().catch(() => null));
  if (!discovery.ok || !metadata.success || metadata.data.issuer !== issuer) {
    throw new SignInError('discovery', 'the issuer has no valid OpenID Connect metadata');
  }
  const { authorization_endpoint: authorizationEndpoint, token_endpoint: tokenEndpoint } =
    metadata.data;

  step = 'authorize';
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const nonce = randomBytes(16).toString('base64url');
  const authorize = new URL(authorizationEndpoint);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: options.clientId,
    redirect_uri: options.redirectUri,
    scope: options.scope ?? 'openid profile email',
    state,
    nonce,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();

  // JSON is asked for so that an error the org cannot send back to the app (an unregistered
  // redirect URI, an unknown client) comes as `{ error, error_description }`, not a page.
  let response = await request(authorize.href, {
    headers: { Accept: 'application/json, text/html;q=0.5' },
  });
  let location = response.headers.get('location');
  if (response.status !== 303 && response.status !== 302) {
    const oauth = await readOAuthErrorBody(response);
    throw new SignInError(
      'authorize',
      `the authorization endpoint did not redirect: it answered HTTP ${response.status}${
        oauth ? ` ${describeOAuthError(oauth)}` : ''
      }`,
      response.status,
      oauth,
    );
  }

  let signedIn = false;
  for (let hop = 0; hop < 10 && location; hop++) {
    const target = new URL(location, issuer);
    if (target.href.startsWith(options.redirectUri)) break;
    if (target.origin !== new URL(issuer).origin) {
      throw new SignInError('redirect', 'redirected to an unexpected host');
    }
    if (target.pathname.startsWith('/signin/') && !signedIn) {
      step = 'credentials';
      await (await request(target.href)).arrayBuffer();
      response = await request(target.href, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: options.username, password: options.password }),
      });
      signedIn = true;
      if (response.status === 401) {
        throw new SignInError('credentials', 'wrong username or password', 401);
      }
      step = 'redirect';
    } else {
      response = await request(target.href);
    }
    await response.arrayBuffer();
    location = response.headers.get('location');
  }

  if (!location || !new URL(location, issuer).href.startsWith(options.redirectUri)) {
    throw new SignInError(
      'redirect',
      'the flow did not return to the redirect URI',
      response.status,
    );
  }
  const callback = new URL(location);
  const error = callback.searchParams.get('error');
  if (error) {
    const oauth = oauthErrorText(error, callback.searchParams.get('error_description'));
    throw new SignInError(
      'authorize',
      `the authorization endpoint answered ${describeOAuthError(oauth)}`,
      undefined,
      oauth,
    );
  }
  if (callback.searchParams.get('state') !== state) {
    throw new SignInError('redirect', 'state mismatch');
  }
  const iss = callback.searchParams.get('iss');
  if (iss !== null && iss !== issuer) throw new SignInError('redirect', 'iss mismatch');
  const code = callback.searchParams.get('code');
  if (!code) throw new SignInError('redirect', 'no code in the redirect');

  const headers: Record<string, string> = {
    'Content-Type': 'application/x-www-form-urlencoded',
    Accept: 'application/json',
  };
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: options.redirectUri,
    code_verifier: verifier,
  });
  if (options.clientSecret === undefined) {
    form.set('client_id', options.clientId);
  } else {
    const encode = (v: string) => encodeURIComponent(v);
    headers.Authorization = `Basic ${Buffer.from(
      `${encode(options.clientId)}:${encode(options.clientSecret)}`,
    ).toString('base64')}`;
  }
  step = 'token';
  const tokenResponse = await doFetch(tokenEndpoint, { method: 'POST', headers, body: form });
  if (!tokenResponse.ok) {
    const oauth = await readOAuthErrorBody(tokenResponse);
    throw new SignInError(
      'token',
      `the token endpoint answered HTTP ${tokenResponse.status}${
        oauth ? ` ${describeOAuthError(oauth)}` : ''
      }`,
      tokenResponse.status,
      oauth,
    );
  }
  const tokens = tokenSchema.safeParse(await tokenResponse.json().catch(() => null));
  if (!tokens.success) {
    throw new SignInError('token', 'the token endpoint answered without an ID token', 200);
  }
  if (idTokenNonce(tokens.data.id_token) !== nonce) {
    throw new SignInError('token', 'the ID token does not carry the nonce of the request');
  }
  return {
    idToken: tokens.data.id_token,
    accessToken: tokens.data.access_token,
    expiresIn: tokens.data.expires_in,
  };
}
