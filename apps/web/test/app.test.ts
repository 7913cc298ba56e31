import { demo } from '@onbehalf/local-org';
import type { PathResult } from '@onbehalf/sample-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathPage } from '../src/pages/path-page.js';
import { startWebStack, type WebStack } from '../src/stack.js';
import { CookieClient } from './cookie-client.js';

let stack: WebStack;
beforeAll(async () => {
  stack = await startWebStack({});
});
afterAll(() => stack.stop());

describe('web app over HTTP, signed out', () => {
  it('shows the sign-in page with security headers and no caching', async () => {
    const response = await fetch(stack.url);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('id="sign-in"');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('sends /login to the org’s authorization endpoint with PKCE S256, state and nonce', async () => {
    const response = await fetch(`${stack.url}/login`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(
      `${stack.org?.issuer}/oauth2/v1/authorize`,
    );
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      client_id: 'demo-web',
      response_type: 'code',
      code_challenge_method: 'S256',
      redirect_uri: `${stack.url}/callback`,
      state: expect.any(String),
      nonce: expect.any(String),
    });
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^onbehalf_sign_in=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
  });

  it('sends pages that need a session back to the start', async () => {
    for (const path of ['/me', '/paths/xaa']) {
      const response = await fetch(`${stack.url}${path}`, { redirect: 'manual' });
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('/');
    }
  });

  it('refuses a callback without a sign-in in progress, saying where to start', async () => {
    const response = await fetch(`${stack.url}/callback?code=abc&state=def`);
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain('No sign-in in progress');
    expect(page).toContain(`Start again at ${stack.url}/.`);
  });

  it('refuses a callback whose sign-in cookie is unreadable as expired', async () => {
    const response = await fetch(`${stack.url}/callback?code=abc&state=def`, {
      headers: { cookie: 'onbehalf_sign_in=not-a-sealed-value' },
    });
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain('Sign-in expired');
    expect(page).toContain('Sign in again');
  });

  it('refuses a form post from another origin', async () => {
    const response = await fetch(`${stack.url}/logout`, {
      method: 'POST',
      headers: {
        origin: 'https://evil.example',
        'content-type': 'application/x-www-form-urlencoded',
      },
      redirect: 'manual',
    });
    expect(response.status).toBe(403);
  });
});

describe('web app over HTTP, signed in', () => {
  const client = new CookieClient();

  /** Posts the sign-in form when the org shows it; the rest is redirects. */
  async function signIn(): Promise<string> {
    const start = await client.send(`${stack.url}/login`);
    const end = await client.follow(start, `${stack.url}/login`, async (url, response) => {
      if (!url.includes('/signin/') || response.status !== 200) return undefined;
      await response.arrayBuffer();
      return client.send(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: demo.user.username, password: demo.user.password }),
      });
    });
    expect(end.url).toBe(`${stack.url}/me`);
    return end.response.text();
  }

  async function run(path: string): Promise<{ status: number; html: string }> {
    const response = await client.send(`${stack.url}/paths/${path}`, { method: 'POST' });
    return { status: response.status, html: await response.text() };
  }

  function expectNothingSecret(html: string): void {
    expect(html).not.toContain(demo.secretValue.apiKey);
    expect(html).not.toContain(demo.serviceAccount.password);
    expect(html).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/);
  }

  it('signs in through the org and shows the user, session in a sealed cookie', async () => {
    const html = await signIn();
    expect(html).toContain(demo.user.name);
    expectNothingSecret(html);
    const cookie = client.cookie(stack.url, 'onbehalf_session') ?? '';
    expect(cookie.split('.')).toHaveLength(5);
    expect(client.cookie(stack.url, 'onbehalf_sign_in')).toBeUndefined();
  });

  it('runs each path and shows its answer, nothing secret in the page', async () => {
    const expected = {
      xaa: 'quarterly review',
      secret: 'LAP-14',
      'service-account': 'svc-reports',
    };
    for (const [path, answer] of Object.entries(expected)) {
      const { status, html } = await run(path);
      expect(status).toBe(200);
      expect(html).toContain('data-ok="true"');
      expect(html).toContain(answer);
      expectNothingSecret(html);
    }
  });

  it('signs out: the cookie is cleared and the next sign-in exchanges anew', async () => {
    const out = await client.send(`${stack.url}/logout`, { method: 'POST' });
    expect(out.status).toBe(302);
    expect(client.cookie(stack.url, 'onbehalf_session')).toBeUndefined();
    expect((await client.send(`${stack.url}/me`)).status).toBe(302);

    await signIn();
    const { html } = await run('xaa');
    expect(html).toContain('Token exchange (RFC 8693): ID token → ID-JAG');
  });
});

describe('path page', () => {
  it('escapes everything the servers sent', async () => {
    const hostile = '<script>alert(1)</script>';
    const result: PathResult = {
      path: 'xaa',
      title: 'Cross App Access',
      ok: false,
      fromCache: false,
      hops: [
        {
          from: 'AI agent',
          to: 'Org',
          step: hostile,
          method: 'POST',
          url: 'http://127.0.0.1:1/token',
          status: 400,
          request: [{ name: hostile, value: { kind: 'text', text: hostile } }],
          response: [
            {
              name: 'access_token',
              value: {
                kind: 'jwt',
                ref: 'abc',
                header: { typ: hostile },
                claims: { sub: hostile },
              },
            },
          ],
        },
      ],
      summary: hostile,
      failure: { kind: 'exchange', code: 'policy_refused', description: hostile, advice: 'Ask.' },
    };
    const html = String(await pathPage('xaa', result));
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('policy_refused');
  });
});
