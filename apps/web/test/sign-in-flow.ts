import { demo } from '@onbehalf/local-org';
import type { CookieClient } from './cookie-client.js';

/** What a sign-in through the org left behind: the callback URL and the sign-in cookie it used. */
export interface SignedIn {
  /** The `/callback?code=…&state=…&iss=…` URL the org sent the browser to. */
  readonly callbackUrl: string;
  /** The sealed sign-in cookie that was sent with that callback. */
  readonly pendingCookie: string;
  /** The `Set-Cookie` lines of the callback's answer. */
  readonly callbackCookies: readonly string[];
  /** The page the sign-in ended on. */
  readonly finalUrl: string;
  readonly html: string;
}

/**
 * Signs a user in at the app through the org's real sign-in page, following redirects by
 * hand, and records the callback URL and sign-in cookie so tests can replay them. With
 * `stopAtCallback`, the callback is not sent: its code is still unspent.
 */
export async function signInThroughOrg(
  client: CookieClient,
  appUrl: string,
  login: { username: string; password: string } = demo.user,
  options: { stopAtCallback?: boolean } = {},
): Promise<SignedIn> {
  let callbackUrl = '';
  let pendingCookie = '';
  let callbackCookies: string[] = [];
  let url = `${appUrl}/login`;
  let response = await client.send(url);
  for (let hop = 0; hop < 20; hop++) {
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.arrayBuffer();
      url = new URL(location, url).href;
      if (url.startsWith(`${appUrl}/callback`)) {
        callbackUrl = url;
        pendingCookie = client.cookie(appUrl, 'onbehalf_sign_in') ?? '';
        if (options.stopAtCallback) {
          return { callbackUrl, pendingCookie, callbackCookies, finalUrl: url, html: '' };
        }
      }
      response = await client.send(url);
      if (url === callbackUrl) callbackCookies = response.headers.getSetCookie();
      continue;
    }
    if (url.includes('/signin/') && response.status === 200) {
      await response.arrayBuffer();
      response = await client.send(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: login.username, password: login.password }),
      });
      continue;
    }
    return {
      callbackUrl,
      pendingCookie,
      callbackCookies,
      finalUrl: url,
      html: await response.text(),
    };
  }
  throw new Error('too many redirects');
}
