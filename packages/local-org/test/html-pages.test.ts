import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demo, type LocalOrg, startLocalOrg } from '../src/index.js';
import { authorize, authorizeUrl, Browser, pkcePair, redeemCode } from './flow.js';

let org: LocalOrg;
beforeAll(async () => {
  org = await startLocalOrg();
});
afterAll(() => org.stop());

const APP_ORIGINS = ['http://localhost:3000', 'http://127.0.0.1:3000'];

function directives(response: Response): Map<string, string[]> {
  const policy = response.headers.get('content-security-policy') ?? '';
  return new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name as string, values]),
  );
}

/** The headers every HTML page must carry, with the form targets it is allowed. */
function expectSecureHtml(response: Response, formTargets: string[]): Map<string, string[]> {
  expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  expect(response.headers.get('cache-control')).toBe('no-store');
  const csp = directives(response);
  expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
  expect(csp.get('default-src')).toEqual(["'none'"]);
  expect(csp.get('form-action')?.sort()).toEqual(["'self'", ...formTargets].sort());
  return csp;
}

/** Signs the demo user in through `browser`, so that it holds a session; returns the ID token. */
async function signedIn(browser: Browser): Promise<string> {
  const { challenge, verifier } = pkcePair();
  const back = await authorize(org, { challenge }, demo.user, browser);
  const tokens = await redeemCode(org, back.searchParams.get('code') as string, verifier);
  return tokens.body.id_token as string;
}

describe('every HTML page the org serves cannot be framed', () => {
  it('sends the logout confirmation page with the security headers', async () => {
    const browser = new Browser();
    const idToken = await signedIn(browser);
    const url = new URL(org.url('/oauth2/v1/logout'));
    url.searchParams.set('id_token_hint', idToken);
    url.searchParams.set('post_logout_redirect_uri', demo.webApp.postLogoutRedirectUris[0]);
    const page = await browser.get(url.href);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Sign out');
    const csp = expectSecureHtml(page, APP_ORIGINS);
    expect(csp.has('script-src')).toBe(false);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('sends an error page with the security headers', async () => {
    const page = await fetch(
      authorizeUrl(org, { redirectUri: 'http://localhost:3000/not-registered' }),
      { headers: { Accept: 'text/html' } },
    );
    expect(page.status).toBe(400);
    expectSecureHtml(page, APP_ORIGINS);
  });

  it('sends the form_post page with its one inline script allowed by hash', async () => {
    const browser = new Browser();
    const { challenge } = pkcePair();
    const start = new URL(authorizeUrl(org, { challenge }));
    start.searchParams.set('response_mode', 'form_post');
    let response = await browser.get(start.href);
    for (let hop = 0; hop < 8 && response.status === 303; hop++) {
      const target = new URL(response.headers.get('location') as string, org.issuer);
      if (target.pathname.startsWith('/signin/')) {
        await (await browser.get(target.href)).text();
        response = await browser.get(target.href, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ username: demo.user.username, password: demo.user.password }),
        });
      } else response = await browser.get(target.href);
    }
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain(`action="${demo.webApp.redirectUris[0]}"`);
    const csp = expectSecureHtml(response, APP_ORIGINS);
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    expect(script).toContain('submit()');
    const hash = createHash('sha256').update(script).digest('base64');
    expect(csp.get('script-src')).toEqual([`'sha256-${hash}'`]);
  });

  it('sends the sign-in page with the same headers', async () => {
    const browser = new Browser();
    const first = await browser.get(authorizeUrl(org, { challenge: pkcePair().challenge }));
    const page = await browser.get(org.url(first.headers.get('location') as string));
    expect(page.status).toBe(200);
    expectSecureHtml(page, ['http://localhost:3000']);
  });

  it('leaves JSON answers without a page policy', async () => {
    const response = await fetch(org.url('/.well-known/openid-configuration'));
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('content-security-policy')).toBeNull();
  });
});
