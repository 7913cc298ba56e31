import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebStack, type WebStack } from '../src/stack.js';
import { CookieClient } from './cookie-client.js';
import { signInThroughOrg } from './sign-in-flow.js';

let stack: WebStack;
beforeAll(async () => {
  stack = await startWebStack({});
});
afterAll(() => stack.stop());

/** Starts a sign-in: the state the org would echo back, and the sealed sign-in cookie. */
async function startSignIn(): Promise<{ state: string; pending: string }> {
  const response = await fetch(`${stack.url}/login`, { redirect: 'manual' });
  const location = new URL(response.headers.get('location') ?? '');
  const pending = /onbehalf_sign_in=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1];
  return { state: location.searchParams.get('state') ?? '', pending: pending ?? '' };
}

function callback(query: Record<string, string>, pending: string): Promise<Response> {
  return fetch(`${stack.url}/callback?${new URLSearchParams(query)}`, {
    headers: { cookie: `onbehalf_sign_in=${pending}` },
    redirect: 'manual',
  });
}

function expectNoSession(response: Response): void {
  const set = response.headers.getSetCookie();
  expect(set.some((line) => /^onbehalf_session=[^;]/.test(line))).toBe(false);
  // The sign-in in progress is spent, whatever went wrong.
  expect(set.some((line) => /^onbehalf_sign_in=;/.test(line) && /Max-Age=0/i.test(line))).toBe(
    true,
  );
}

describe('OIDC callback attacks', () => {
  /** A real, unspent authorization response from the org, as its query parameters. */
  async function unspentResponse(): Promise<{ query: Record<string, string>; pending: string }> {
    const signedIn = await signInThroughOrg(new CookieClient(), stack.url, undefined, {
      stopAtCallback: true,
    });
    const query = Object.fromEntries(new URL(signedIn.callbackUrl).searchParams);
    expect(query.code).toBeTruthy();
    return { query, pending: signedIn.pendingCookie };
  }

  it('refuses a real code with a wrong state, and with none', async () => {
    const { query, pending } = await unspentResponse();
    const wrong = await callback({ ...query, state: 'not-the-state' }, pending);
    expect(wrong.status).toBe(502);
    expect(await wrong.text()).toContain('Sign-in failed');
    expectNoSession(wrong);

    const { state: _state, ...withoutState } = query;
    const missing = await callback(withoutState, pending);
    expect(missing.status).toBe(502);
    expectNoSession(missing);

    // Control: the same response with its own state signs in (the code was never spent).
    const good = await callback(query, pending);
    expect(good.status).toBe(302);
    expect(good.headers.get('location')).toBe('/me');
  });

  it('refuses a real code whose response names another issuer (RFC 9207 mix-up)', async () => {
    const { query, pending } = await unspentResponse();
    expect(query.iss).toBe(stack.org?.issuer);
    for (const iss of ['https://attacker.example', `${query.iss}/`]) {
      const response = await callback({ ...query, iss }, pending);
      expect(response.status).toBe(502);
      expectNoSession(response);
    }
    const { iss: _iss, ...withoutIss } = query;
    const missing = await callback(withoutIss, pending);
    expect(missing.status).toBe(502);
    expectNoSession(missing);
  });

  it('refuses a replayed code, even with the sign-in cookie it was issued under', async () => {
    const client = new CookieClient();
    const { callbackUrl, pendingCookie, finalUrl } = await signInThroughOrg(client, stack.url);
    expect(finalUrl).toBe(`${stack.url}/me`);
    const replay = await fetch(callbackUrl, {
      headers: { cookie: `onbehalf_sign_in=${pendingCookie}` },
      redirect: 'manual',
    });
    expect(replay.status).not.toBe(302);
    expectNoSession(replay);
  });

  it('refuses a callback without a sign-in in progress, with a valid-looking query', async () => {
    const { state } = await startSignIn();
    const response = await fetch(`${stack.url}/callback?code=x&state=${state}`, {
      redirect: 'manual',
    });
    expect(response.status).toBe(400);
    expect(response.headers.getSetCookie().some((l) => /^onbehalf_session=[^;]/.test(l))).toBe(
      false,
    );
  });

  it('escapes the org’s error description reflected on the error page', async () => {
    const { state, pending } = await startSignIn();
    const response = await callback(
      {
        error: 'access_denied',
        error_description: '<img src=x onerror=alert(1)><script>alert(2)</script>',
        state,
        iss: stack.org?.issuer ?? '',
      },
      pending,
    );
    expect(response.status).toBe(502);
    const html = await response.text();
    expect(html).toContain('access_denied');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;img');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});
