import { randomBytes, scryptSync } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultOrgConfig,
  demo,
  hashPassword,
  type LocalOrg,
  SignInError,
  signIn,
  startLocalOrg,
} from '../src/index.js';
import { authorize, authorizeUrl, Browser, pkcePair, redeemCode } from './flow.js';

const OTHER_WEB = { clientId: 'other-web', clientSecret: 'other-web-secret' };

/** A user whose stored hash is the scrypt of the empty password, as `hashPassword('')` once gave. */
const salt = randomBytes(16);
const EMPTY_PASSWORD_USER = {
  id: '00u-empty',
  username: 'empty@example.com',
  passwordHash: `scrypt$${salt.toString('base64url')}$${scryptSync('', salt, 32).toString('base64url')}`,
};

let org: LocalOrg;

beforeAll(async () => {
  const config = defaultOrgConfig();
  config.webApps?.push({ ...OTHER_WEB, redirectUris: [...demo.webApp.redirectUris] });
  config.users?.push(EMPTY_PASSWORD_USER);
  org = await startLocalOrg(config);
});
afterAll(() => org.stop());

describe('Authorization Code + PKCE sign-in over HTTP', () => {
  it('signs the demo user in and the ID token verifies against the org JWKS', async () => {
    const tokens = await signIn(org.issuer, {
      username: demo.user.username,
      password: demo.user.password,
      clientId: demo.webApp.clientId,
      clientSecret: demo.webApp.clientSecret,
      redirectUri: demo.webApp.redirectUris[1] as string,
    });
    expect(tokens.accessToken).toEqual(expect.any(String));
    expect(tokens.expiresIn).toBeGreaterThan(0);

    const { payload, protectedHeader } = await jwtVerify(
      tokens.idToken,
      createRemoteJWKSet(new URL(org.url('/oauth2/v1/keys'))),
      { issuer: org.issuer, audience: demo.webApp.clientId, algorithms: ['RS256'] },
    );
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({
      sub: demo.user.id,
      email: demo.user.email,
      name: demo.user.name,
    });
    expect(payload.nonce).toEqual(expect.any(String));
    expect(payload.auth_time).toEqual(expect.any(Number));
  });

  it("lets the sign-in form's redirects reach the app's redirect URI and no other origin", async () => {
    // Browsers apply a page's CSP form-action to every redirect after the form is posted.
    const browser = new Browser();
    const redirectUri = demo.webApp.redirectUris[0] as string;
    const start = await browser.get(authorizeUrl(org, { challenge: pkcePair().challenge }));
    const signInPage = await browser.get(
      new URL(start.headers.get('location') ?? '', org.issuer).href,
    );
    const csp = signInPage.headers.get('content-security-policy') ?? '';
    const formAction = /form-action ([^;]*)/.exec(csp)?.[1]?.split(' ');
    expect(formAction).toEqual(["'self'", new URL(redirectUri).origin]);
  });

  it('publishes Okta paths in its discovery document', async () => {
    const response = await fetch(org.url('/.well-known/openid-configuration'));
    const metadata = (await response.json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      issuer: org.issuer,
      authorization_endpoint: org.url('/oauth2/v1/authorize'),
      token_endpoint: org.url('/oauth2/v1/token'),
      jwks_uri: org.url('/oauth2/v1/keys'),
      code_challenge_methods_supported: ['S256'],
    });
    expect(metadata.grant_types_supported).toContain(
      'urn:ietf:params:oauth:grant-type:token-exchange',
    );
  });

  it('refuses a wrong password with a typed error', async () => {
    const attempt = signIn(org.issuer, {
      username: demo.user.username,
      password: 'not-the-password',
      clientId: demo.webApp.clientId,
      clientSecret: demo.webApp.clientSecret,
      redirectUri: demo.webApp.redirectUris[0] as string,
    });
    await expect(attempt).rejects.toBeInstanceOf(SignInError);
    await expect(attempt).rejects.toMatchObject({ code: 'credentials' });
  });

  it('refuses an empty password, even for a user whose hash is of the empty password', async () => {
    const attempt = signIn(org.issuer, {
      username: EMPTY_PASSWORD_USER.username,
      password: '',
      clientId: demo.webApp.clientId,
      clientSecret: demo.webApp.clientSecret,
      redirectUri: demo.webApp.redirectUris[0] as string,
    });
    await expect(attempt).rejects.toMatchObject({ code: 'credentials', status: 401 });
    await expect(hashPassword('')).rejects.toThrow(TypeError);
  });

  it('names the OAuth error when the token endpoint refuses the client, never the secret', async () => {
    const wrongSecret = 'not-the-web-app-secret';
    const error = await signIn(org.issuer, {
      username: demo.user.username,
      password: demo.user.password,
      clientId: demo.webApp.clientId,
      clientSecret: wrongSecret,
      redirectUri: demo.webApp.redirectUris[0] as string,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SignInError);
    expect(error).toMatchObject({ code: 'token', status: 401, oauthError: 'invalid_client' });
    expect((error as Error).message).toMatch(/HTTP 401 invalid_client/);
    expect(JSON.stringify(error) + String(error)).not.toContain(wrongSecret);
  });

  it('fails as a SignInError of the discovery step when the org is not reachable', async () => {
    const stopped = await startLocalOrg();
    const issuer = stopped.issuer;
    await stopped.stop();
    const attempt = signIn(issuer, {
      username: demo.user.username,
      password: demo.user.password,
      clientId: demo.webApp.clientId,
      clientSecret: demo.webApp.clientSecret,
      redirectUri: demo.webApp.redirectUris[0] as string,
    });
    await expect(attempt).rejects.toBeInstanceOf(SignInError);
    await expect(attempt).rejects.toMatchObject({
      code: 'discovery',
      message: `could not reach ${new URL(issuer).origin}`,
    });
  });

  it('refuses an authorization request without PKCE', async () => {
    const back = await authorize(org, { challenge: null, method: null });
    expect(back.searchParams.get('error')).toBe('invalid_request');
    expect(back.searchParams.get('code')).toBeNull();
  });

  it('refuses the plain PKCE method', async () => {
    const { verifier } = pkcePair();
    const back = await authorize(org, { challenge: verifier, method: 'plain' });
    expect(back.searchParams.get('error')).toBe('invalid_request');
    expect(back.searchParams.get('code')).toBeNull();
  });

  it('refuses a code with a wrong or missing verifier', async () => {
    const { challenge } = pkcePair();
    const back = await authorize(org, { challenge });
    const code = back.searchParams.get('code');
    expect(code).toEqual(expect.any(String));
    const wrong = await redeemCode(org, code as string, pkcePair().verifier);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe('invalid_grant');
    expect(wrong.body.id_token).toBeUndefined();

    const again = await authorize(org, { challenge });
    const missing = await redeemCode(org, again.searchParams.get('code') as string, undefined);
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('invalid_grant');
  });

  it('binds the ID token to the nonce of the request and records how the user signed in', async () => {
    const { challenge, verifier } = pkcePair();
    const back = await authorize(org, { challenge });
    const tokens = await redeemCode(org, back.searchParams.get('code') as string, verifier);
    expect(tokens.status).toBe(200);
    const { payload } = await jwtVerify(
      tokens.body.id_token as string,
      createRemoteJWKSet(new URL(org.url('/oauth2/v1/keys'))),
      { issuer: org.issuer, audience: demo.webApp.clientId, algorithms: ['RS256'] },
    );
    // authorizeUrl sends nonce n-1.
    expect(payload).toMatchObject({ nonce: 'n-1', amr: ['pwd'], sub: demo.user.id });
  });

  it('refuses a code redeemed by another client or with another redirect URI', async () => {
    const { challenge, verifier } = pkcePair();
    const byOther = await authorize(org, { challenge });
    const stolen = await redeemCode(
      org,
      byOther.searchParams.get('code') as string,
      verifier,
      demo.webApp.redirectUris[0],
      OTHER_WEB,
    );
    expect(stolen.status).toBe(400);
    expect(stolen.body.error).toBe('invalid_grant');
    expect(stolen.body.id_token).toBeUndefined();

    const elsewhere = await authorize(org, { challenge });
    const moved = await redeemCode(
      org,
      elsewhere.searchParams.get('code') as string,
      verifier,
      demo.webApp.redirectUris[1],
    );
    expect(moved.status).toBe(400);
    expect(moved.body.error).toBe('invalid_grant');
    expect(moved.body.id_token).toBeUndefined();
  });

  it('refuses a code redeemed twice', async () => {
    const { challenge, verifier } = pkcePair();
    const back = await authorize(org, { challenge });
    const code = back.searchParams.get('code') as string;
    const first = await redeemCode(org, code, verifier);
    expect(first.status).toBe(200);
    expect(first.body.id_token).toEqual(expect.any(String));
    const second = await redeemCode(org, code, verifier);
    expect(second.status).toBe(400);
    expect(second.body.error).toBe('invalid_grant');
    expect(second.body.id_token).toBeUndefined();
  });

  it.each([
    ['a trailing slash', 'http://localhost:3000/callback/'],
    ['another port', 'http://localhost:3001/callback'],
    ['a different case', 'http://localhost:3000/Callback'],
    ['a query', 'http://localhost:3000/callback?x=1'],
    ['https', 'https://localhost:3000/callback'],
  ])('refuses a redirect URI with %s, without redirecting', async (_name, redirectUri) => {
    const { challenge } = pkcePair();
    const response = await new Browser().get(authorizeUrl(org, { challenge, redirectUri }));
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('invalid_redirect_uri');
  });
});
