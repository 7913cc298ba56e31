import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demo, type LocalOrg, startLocalOrg } from '../src/index.js';
import { authorize, authorizeUrl, Browser, pkcePair, submitLogoutForm } from './flow.js';

let org: LocalOrg;

beforeAll(async () => {
  org = await startLocalOrg();
});
afterAll(() => org.stop());

/** Every token-shaped value a redirect could carry, from its query and its fragment. */
function issuedIn(location: string): string[] {
  const url = new URL(location);
  const params = new URLSearchParams(url.hash.slice(1));
  for (const [key, value] of url.searchParams) params.append(key, value);
  return ['code', 'access_token', 'id_token'].filter((name) => params.has(name));
}

describe('authorization endpoint: code flow only', () => {
  it.each(['token', 'id_token', 'code id_token', 'code token', 'none'])(
    'refuses response_type=%s, issuing nothing',
    async (responseType) => {
      const url = new URL(authorizeUrl(org, { challenge: pkcePair().challenge }));
      url.searchParams.set('response_type', responseType);
      const response = await new Browser().get(url.href);
      const location = response.headers.get('location') ?? '';
      expect(location.startsWith(demo.webApp.redirectUris[0] as string)).toBe(true);
      expect(location).toContain('error=unsupported_response_type');
      expect(issuedIn(location)).toEqual([]);
    },
  );

  it('refuses an authorization request without state, as Okta does', async () => {
    for (const state of [null, '']) {
      const url = new URL(authorizeUrl(org, { challenge: pkcePair().challenge }));
      if (state === null) url.searchParams.delete('state');
      else url.searchParams.set('state', state);
      const response = await new Browser().get(url.href);
      const location = new URL(response.headers.get('location') ?? '', org.issuer);
      expect(location.href.startsWith(demo.webApp.redirectUris[0] as string)).toBe(true);
      expect(location.searchParams.get('error')).toBe('invalid_request');
      expect(issuedIn(location.href)).toEqual([]);
    }
  });

  it.each([
    ['an upper-case host', 'http://LOCALHOST:3000/callback'],
    ['a fragment', 'http://localhost:3000/callback#x'],
    ['a dot-dot segment', 'http://localhost:3000/callback/../callback'],
    ['an empty query', 'http://localhost:3000/callback?'],
    ['an extra query parameter', 'http://localhost:3000/callback?next=https://evil.example'],
    ['a double slash', 'http://localhost:3000//callback'],
    ['userinfo', 'http://evil.example@localhost:3000/callback'],
  ])('refuses a redirect URI with %s, without redirecting', async (_name, redirectUri) => {
    const response = await new Browser().get(
      authorizeUrl(org, { challenge: pkcePair().challenge, redirectUri }),
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toMatch(/invalid_redirect_uri|invalid_request/);
  });
});

describe('sign-out redirects', () => {
  it('never redirects to an unregistered post_logout_redirect_uri', async () => {
    const evil = 'https://evil.example/';
    const withClient = await new Browser().get(
      org.url(
        `/oauth2/v1/logout?client_id=${demo.webApp.clientId}&post_logout_redirect_uri=${evil}`,
      ),
    );
    expect(withClient.status).toBe(400);
    expect(withClient.headers.get('location')).toBeNull();

    // Without client_id the URI is ignored: the flow ends on the org's own page.
    const browser = new Browser();
    const page = await browser.get(org.url(`/oauth2/v1/logout?post_logout_redirect_uri=${evil}`));
    const done = await submitLogoutForm(org, browser, page);
    expect(done.status).toBe(303);
    expect(new URL(done.headers.get('location') ?? '', org.issuer).origin).toBe(org.issuer);
  });
});

describe('the sign-in form', () => {
  async function startInteraction(browser: Browser): Promise<string> {
    const response = await browser.get(authorizeUrl(org, { challenge: pkcePair().challenge }));
    const location = response.headers.get('location') ?? '';
    expect(location).toMatch(/^\/signin\//);
    return org.url(location);
  }

  const credentials = (password: string) =>
    new URLSearchParams({ username: demo.user.username, password });

  async function post(browser: Browser | undefined, url: string, password: string) {
    const init = {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: credentials(password),
    };
    return browser ? browser.get(url, init) : fetch(url, { ...init, redirect: 'manual' });
  }

  it('refuses a POST without the interaction cookie (cross-site request)', async () => {
    const url = await startInteraction(new Browser());
    const response = await post(undefined, url, demo.user.password);
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  it("refuses a POST to another interaction's uid", async () => {
    const mine = new Browser();
    await startInteraction(mine);
    const theirs = await startInteraction(new Browser());
    const response = await post(mine, theirs, demo.user.password);
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  it('has no throttling: 100 wrong passwords, then the right one still signs in', async () => {
    const browser = new Browser();
    const url = await startInteraction(browser);
    for (let batch = 0; batch < 10; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) => post(browser, url, `wrong-${batch}-${i}`)),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(10).fill(401));
    }
    const response = await post(browser, url, demo.user.password);
    expect(response.status).toBe(303);
  });

  it('still completes the whole flow after the refusals above', async () => {
    const back = await authorize(org, { challenge: pkcePair().challenge });
    expect(back.searchParams.get('code')).toEqual(expect.any(String));
  });
});
