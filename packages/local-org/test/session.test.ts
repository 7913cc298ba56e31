import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demo } from '../src/index.js';
import {
  expectRefused,
  type Fixture,
  idTokenClaims,
  signWithOrgKey,
  startFixture,
} from './fixture.js';
import { authorize, Browser, pkcePair, redeemCode, signOut } from './flow.js';
import { demoIdToken, exchange, secretRequest } from './requests.js';

let f: Fixture;

beforeAll(async () => {
  f = await startFixture();
});
afterAll(() => f.stop());

/** Signs the demo user in through `browser` (which keeps the session cookie) and returns the ID token. */
async function signInWith(browser: Browser): Promise<string> {
  const { challenge, verifier } = pkcePair();
  const back = await authorize(f.org, { challenge }, demo.user, browser);
  const code = back.searchParams.get('code');
  expect(code).toEqual(expect.any(String));
  const tokens = await redeemCode(f.org, code as string, verifier);
  expect(tokens.status).toBe(200);
  const idToken = tokens.body.id_token as string;
  f.secrets.add(idToken);
  f.secrets.add(tokens.body.access_token as string);
  return idToken;
}

describe('the subject token session', () => {
  it('puts the session id (sid) in every ID token', async () => {
    const idToken = await demoIdToken(f.org);
    f.secrets.add(idToken);
    expect(decodeJwt(idToken).sid).toEqual(expect.any(String));
  });

  it('refuses an ID token after its user signed out at /oauth2/v1/logout', async () => {
    const browser = new Browser();
    const idToken = await signInWith(browser);
    expect((await exchange(f.org, secretRequest(idToken))).status).toBe(200);

    const out = await signOut(f.org, browser, idToken);
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe(`${demo.webApp.postLogoutRedirectUris[0]}?state=bye`);

    const res = await exchange(f.org, secretRequest(idToken));
    expectRefused(f, res, 400, 'invalid_grant', /session has ended/);
  });

  it('keeps an ID token of another session alive when one session signs out', async () => {
    const kept = new Browser();
    const keptToken = await signInWith(kept);
    const gone = new Browser();
    await signOut(f.org, gone, await signInWith(gone));
    expect((await exchange(f.org, secretRequest(keptToken))).status).toBe(200);
  });

  it('refuses an org-signed ID token without sid', async () => {
    const token = await signWithOrgKey(f, idTokenClaims(f));
    f.secrets.add(token);
    const res = await exchange(f.org, secretRequest(token));
    expectRefused(f, res, 400, 'invalid_grant', /no sid/);
  });

  it('refuses an org-signed ID token whose sid names no session', async () => {
    const token = await signWithOrgKey(f, idTokenClaims(f, { sid: 'no-such-session' }));
    f.secrets.add(token);
    const res = await exchange(f.org, secretRequest(token));
    expectRefused(f, res, 400, 'invalid_grant', /session has ended/);
  });
});
