import { base64url, EncryptJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebApp } from '../src/app.js';
import { startWebServer, type WebServer } from '../src/server.js';
import { startWebStack, type WebStack } from '../src/stack.js';
import { CookieClient } from './cookie-client.js';
import { signInThroughOrg } from './sign-in-flow.js';

let stack: WebStack;
beforeAll(async () => {
  stack = await startWebStack({});
});
afterAll(() => stack.stop());

/** A request carrying exactly the given cookie header, no redirect followed. */
function withCookie(path: string, cookie: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('cookie', cookie);
  if (init.method === 'POST') headers.set('origin', stack.url);
  return fetch(`${stack.url}${path}`, { ...init, headers, redirect: 'manual' });
}

describe('session cookie attacks', () => {
  it('sets both cookies HttpOnly, SameSite=Lax, Path=/, host-only, not Secure on http', async () => {
    const client = new CookieClient();
    const { callbackCookies } = await signInThroughOrg(client, stack.url);
    const login = await new CookieClient().send(`${stack.url}/login`);
    const lines = [
      callbackCookies.find((line) => line.startsWith('onbehalf_session=')),
      login.headers.getSetCookie().find((line) => line.startsWith('onbehalf_sign_in=')),
    ];
    for (const line of lines) {
      expect(line).toMatch(/; HttpOnly/);
      expect(line).toMatch(/; SameSite=Lax/);
      expect(line).toMatch(/; Path=\/(;|$)/);
      expect(line).not.toMatch(/Secure|Domain=/i);
    }
  });

  it('marks both cookies Secure when the app’s URL is https', async () => {
    let server: WebServer | undefined;
    try {
      server = await startWebServer();
      server.mount(
        createWebApp({
          oidc: {
            issuer: stack.org?.issuer ?? '',
            clientId: 'demo-web',
            clientSecret: 'demo-web-secret',
            redirectUri: 'https://app.example/callback',
          },
          agents: [],
        }),
      );
      const response = await fetch(`${server.url}/login`, { redirect: 'manual' });
      const line = response.headers.getSetCookie().find((c) => c.startsWith('onbehalf_sign_in='));
      expect(line).toMatch(/; Secure/);
      expect(line).toMatch(/; HttpOnly/);
      const out = await fetch(`${server.url}/logout`, {
        method: 'POST',
        headers: { origin: server.url },
        redirect: 'manual',
      });
      const cleared = out.headers.getSetCookie().find((c) => c.startsWith('onbehalf_session='));
      expect(cleared).toMatch(/; Secure/);
    } finally {
      await server?.stop();
    }
  });

  it('refuses an old session cookie replayed after sign-out', async () => {
    const client = new CookieClient();
    await signInThroughOrg(client, stack.url);
    const old = client.cookie(stack.url, 'onbehalf_session') ?? '';
    expect(old).not.toBe('');
    expect((await withCookie('/me', `onbehalf_session=${old}`)).status).toBe(200);

    const out = await withCookie('/logout', `onbehalf_session=${old}`, { method: 'POST' });
    expect(out.status).toBe(302);

    const me = await withCookie('/me', `onbehalf_session=${old}`);
    expect(me.status).toBe(302);
    expect(me.headers.get('location')).toBe('/');
    const run = await withCookie('/paths/secret', `onbehalf_session=${old}`, { method: 'POST' });
    expect(run.status).toBe(302);
    expect(await run.text()).not.toContain('LAP-14');
  });

  it('keeps other sessions of the same user when one signs out', async () => {
    const first = new CookieClient();
    const second = new CookieClient();
    await signInThroughOrg(first, stack.url);
    await signInThroughOrg(second, stack.url);
    await first.send(`${stack.url}/logout`, { method: 'POST' });
    expect((await second.send(`${stack.url}/me`)).status).toBe(200);
  });

  it('refuses a tampered cookie, one sealed with another key, and a sign-in cookie as a session', async () => {
    const client = new CookieClient();
    await signInThroughOrg(client, stack.url);
    const good = client.cookie(stack.url, 'onbehalf_session') ?? '';
    const parts = good.split('.');
    const ciphertext = parts[3] ?? '';
    parts[3] = `${ciphertext.slice(0, -2)}${ciphertext.endsWith('AA') ? 'BB' : 'AA'}`;
    expect((await withCookie('/me', `onbehalf_session=${parts.join('.')}`)).status).toBe(302);

    const otherKey = crypto.getRandomValues(new Uint8Array(32));
    const forged = await new EncryptJWT({
      sid: crypto.randomUUID(),
      idToken: 'a.b.c',
      sub: '00u-demo',
      name: 'Mallory',
    })
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .setAudience('session')
      .setIssuedAt()
      .setExpirationTime('1h')
      .encrypt(otherKey);
    const me = await withCookie('/me', `onbehalf_session=${forged}`);
    expect(me.status).toBe(302);
    expect(base64url.encode(otherKey)).not.toBe('');

    const login = await fetch(`${stack.url}/login`, { redirect: 'manual' });
    const pending = /onbehalf_sign_in=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1];
    expect(pending).toBeDefined();
    expect((await withCookie('/me', `onbehalf_session=${pending}`)).status).toBe(302);
  });
});
