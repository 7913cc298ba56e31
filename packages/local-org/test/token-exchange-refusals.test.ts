import { CompactEncrypt, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demo, signIn } from '../src/index.js';
import {
  atStartOfSecond,
  expectNoSecretInAudit,
  expectRefused,
  type Fixture,
  idTokenClaims,
  OTHER_WEB,
  OTHER_WEB_SECRET,
  otherAgentAssertion,
  sidOf,
  signRawJws,
  signWithOrgKey,
  startSignedInFixture,
  tamper,
  UNCONNECTED_SECRET,
  unsecured,
} from './fixture.js';
import {
  ASSERTION_TYPE,
  clientAssertion,
  exchange,
  ID_TOKEN_TYPE,
  idJagRequest,
  postForm,
  redeem,
  SERVICE_ACCOUNT_TYPE,
  secretRequest,
  TOKEN_EXCHANGE,
} from './requests.js';

let f: Fixture;
let idToken: string;

beforeAll(async () => {
  ({ fixture: f, idToken } = await startSignedInFixture());
});
afterAll(() => f.stop());

/** A JWT signed with a fresh key that it names itself, in a `jwk` or a `jku` header. */
async function selfSigned(claims: Record<string, unknown>, header: 'jwk' | 'jku') {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const value = header === 'jwk' ? await exportJWK(publicKey) : 'http://127.0.0.1:1/keys';
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: f.orgKey.kid, [header]: value })
    .sign(privateKey);
}

describe('subject token checks', () => {
  // The org's real clock leaves under a second of slack: a busy machine may need another try.
  it('accepts an org-signed ID token expired 29 s ago (30 s skew)', { retry: 2 }, async () => {
    await atStartOfSecond();
    const now = Math.floor(Date.now() / 1000);
    const token = await signWithOrgKey(
      f,
      idTokenClaims(f, { iat: now - 400, exp: now - 29, sid: sidOf(idToken) }),
    );
    f.secrets.add(token);
    const res = await exchange(f.org, secretRequest(token));
    expect(res.status).toBe(200);
    expect(res.body.vaulted_secret).toEqual({ ...demo.secretValue });
    expectNoSecretInAudit(f);
  });

  it.each([
    ['expired 31 s ago', { exp: -31 }, {}, /exp|expired/i],
    ['without exp', { exp: undefined }, {}, /exp|missing/i],
    ['issued to another issuer', { iss: 'http://evil.example' }, {}, /iss/i],
    ['with typ oauth-id-jag+jwt (an ID-JAG)', {}, { typ: 'oauth-id-jag+jwt' }, /typ/],
    ['with typ at+jwt (an access token)', {}, { typ: 'at+jwt' }, /typ/],
    [
      'with client_id and scope claims',
      { client_id: 'x', scope: 'todo.read' },
      {},
      /not an ID token/,
    ],
    ['with two audiences', { aud: [demo.webApp.clientId, 'x'] }, {}, /one audience/],
  ])('refuses an org-signed ID token %s', async (_name, claims, header, reason) => {
    const now = Math.floor(Date.now() / 1000);
    const base = idTokenClaims(f);
    const merged: Record<string, unknown> = { ...base, ...claims };
    if ('exp' in claims && typeof claims.exp === 'number') merged.exp = now + claims.exp;
    if ('exp' in claims && claims.exp === undefined) delete merged.exp;
    const token = await signWithOrgKey(f, merged, header);
    f.secrets.add(token);
    const res = await exchange(f.org, secretRequest(token));
    expectRefused(f, res, 400, 'invalid_grant', reason);
  });

  it.each<[string, unknown]>([
    ['a number', 1],
    ['an object', {}],
    ['null', null],
    ['true', true],
  ])('refuses an org-signed ID token whose typ header is %s, as invalid_grant', async (_n, typ) => {
    const header = { alg: 'RS256', kid: f.orgKey.kid, typ };
    const token = signRawJws(header, idTokenClaims(f, { sid: sidOf(idToken) }), f.orgKey);
    f.secrets.add(token);
    const res = await exchange(f.org, idJagRequest(f.org, token));
    expectRefused(f, res, 400, 'invalid_grant', /header "typ" is invalid/);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['a negative auth_time', { auth_time: -1 }, /claim "auth_time" is invalid/],
    ['an auth_time that is a string', { auth_time: 'yesterday' }, /claim "auth_time" is invalid/],
    ['amr that is not a list of strings', { amr: [1, {}] }, /claim "amr" is invalid/],
    ['a sid that is a number', { sid: 42 }, /claim "sid" is invalid/],
    ['a 5,000 character sub', { sub: 's'.repeat(5_000) }, /claim "sub" is invalid/],
    ['an iat an hour in the future', { iat: 3600, exp: 3900 }, /iat is in the future/],
  ])('refuses an org-signed ID token with %s, as invalid_grant', async (_n, claims, reason) => {
    const now = Math.floor(Date.now() / 1000);
    const merged: Record<string, unknown> = {
      ...idTokenClaims(f, { sid: sidOf(idToken) }),
      ...claims,
    };
    if (typeof claims.iat === 'number') merged.iat = now + claims.iat;
    if (typeof claims.exp === 'number') merged.exp = now + claims.exp;
    const token = await signWithOrgKey(f, merged);
    f.secrets.add(token);
    const res = await exchange(f.org, idJagRequest(f.org, token));
    expectRefused(f, res, 400, 'invalid_grant', reason);
  });

  it('accepts an org-signed ID token issued 20 s in the future (30 s skew)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = idTokenClaims(f, { sid: sidOf(idToken), iat: now + 20, exp: now + 320 });
    const token = await signWithOrgKey(f, claims);
    f.secrets.add(token);
    const res = await exchange(f.org, idJagRequest(f.org, token));
    expect(res.status).toBe(200);
    f.secrets.add(res.body.access_token as string);
    expectNoSecretInAudit(f);
  });

  it.each<[string, () => string | Promise<string>, RegExp]>([
    [
      'an org-signed ID token with an unknown crit header',
      () => {
        const header = { alg: 'RS256', kid: f.orgKey.kid, crit: ['urn:x'], 'urn:x': 1 };
        return signRawJws(header, idTokenClaims(f), f.orgKey);
      },
      /verification failed/,
    ],
    ['an alg none subject token', () => unsecured(idTokenClaims(f)), /verification failed/],
    [
      'a subject token whose signature lost its last character',
      () => tamper(idToken),
      /verification failed/,
    ],
    [
      'a subject token with a path traversal kid',
      () => signWithOrgKey(f, idTokenClaims(f), { kid: '../../etc/passwd' }),
      /subject token/,
    ],
    [
      'a subject token with a 10,000 character kid',
      () => signWithOrgKey(f, idTokenClaims(f), { kid: 'k'.repeat(10_000) }),
      /subject token/,
    ],
    [
      'a JWE subject token',
      async () => {
        const { publicKey } = await generateKeyPair('RSA-OAEP-256');
        return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(idTokenClaims(f))))
          .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM' })
          .encrypt(publicKey);
      },
      /not a JWS/,
    ],
    [
      'a subject token signed with the key in its own jwk header',
      () => selfSigned(idTokenClaims(f, { sid: sidOf(idToken) }), 'jwk'),
      /verification failed/,
    ],
    [
      'a subject token signed with a key its jku header points at',
      () => selfSigned(idTokenClaims(f, { sid: sidOf(idToken) }), 'jku'),
      /verification failed/,
    ],
  ])('refuses %s', async (_name, build, reason) => {
    const token = await build();
    f.secrets.add(token);
    expectRefused(f, await exchange(f.org, secretRequest(token)), 400, 'invalid_grant', reason);
  });

  it('refuses an ID token issued to a web app not linked to the agent', async () => {
    const other = await signIn(f.org.issuer, {
      username: demo.user.username,
      password: demo.user.password,
      clientId: OTHER_WEB,
      clientSecret: OTHER_WEB_SECRET,
      redirectUri: 'http://localhost:4000/callback',
    });
    f.secrets.add(other.idToken);
    f.secrets.add(other.accessToken);
    const res = await exchange(f.org, secretRequest(other.idToken));
    expectRefused(f, res, 400, 'invalid_grant', /not linked/);
  });

  it('refuses an ID-JAG and an access token presented as the subject token', async () => {
    const hop1 = await exchange(f.org, idJagRequest(f.org, idToken));
    const idJag = hop1.body.access_token as string;
    f.secrets.add(idJag);
    expectRefused(
      f,
      await exchange(f.org, secretRequest(idJag)),
      400,
      'invalid_grant',
      /typ|not an ID token/,
    );

    const hop2 = await redeem(f.org, idJag);
    const accessToken = hop2.body.access_token as string;
    f.secrets.add(accessToken);
    expectRefused(
      f,
      await exchange(f.org, secretRequest(accessToken)),
      400,
      'invalid_grant',
      /verification failed/,
    );

    const org = await signIn(f.org.issuer, {
      username: demo.user.username,
      password: demo.user.password,
      clientId: demo.webApp.clientId,
      clientSecret: demo.webApp.clientSecret,
      redirectUri: demo.webApp.redirectUris[0] as string,
    });
    f.secrets.add(org.idToken);
    f.secrets.add(org.accessToken);
    expectRefused(
      f,
      await exchange(f.org, secretRequest(org.accessToken)),
      400,
      'invalid_grant',
      /not a JWS/,
    );
  });

  it('refuses a 10 MB subject token before reading it', async () => {
    const big = 'a'.repeat(10 * 1024 * 1024);
    const res = await exchange(f.org, secretRequest(big));
    expectRefused(f, res, 413, 'invalid_request', /body/);
  });

  it('refuses an empty subject_token', async () => {
    expectRefused(
      f,
      await exchange(f.org, secretRequest('')),
      400,
      'invalid_request',
      /subject_token is missing/,
    );
  });
});

describe('request checks', () => {
  it.each<[string, () => Record<string, string | string[]>, RegExp]>([
    [
      'subject_token_type access_token with an ID token',
      () => ({
        ...secretRequest(idToken),
        subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      }),
      /subject_token_type/,
    ],
    [
      'a missing requested_token_type',
      () => {
        const { requested_token_type: _omit, ...form } = secretRequest(idToken);
        return form;
      },
      /requested_token_type is missing/,
    ],
    [
      'an unknown requested_token_type',
      () => ({
        ...secretRequest(idToken),
        requested_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      }),
      /requested_token_type/,
    ],
    [
      'a duplicated audience',
      () => {
        const issuer = f.org.customServer('default').issuer;
        return { ...idJagRequest(f.org, idToken), audience: [issuer, issuer] };
      },
      /twice/,
    ],
    [
      'actor tokens',
      () => ({ ...secretRequest(idToken), actor_token: 'x', actor_token_type: ID_TOKEN_TYPE }),
      /actor/,
    ],
  ])('refuses %s', async (_name, form, reason) => {
    expectRefused(f, await exchange(f.org, form()), 400, 'invalid_request', reason);
  });

  it('refuses a JSON body', async () => {
    const tokenEndpoint = f.org.url('/oauth2/v1/token');
    const response = await fetch(tokenEndpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({
        grant_type: TOKEN_EXCHANGE,
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: await clientAssertion(tokenEndpoint),
        ...secretRequest(idToken),
      }),
    });
    const body = (await response.json()) as Record<string, unknown>;
    expectRefused(
      f,
      { status: response.status, headers: response.headers, body },
      400,
      'invalid_request',
      /content-type/,
    );
  });

  it('refuses a token exchange with no client authentication', async () => {
    const res = await postForm(f.org.url('/oauth2/v1/token'), {
      grant_type: TOKEN_EXCHANGE,
      ...secretRequest(idToken),
    });
    expectRefused(f, res, 401, 'invalid_client', /client authentication/);
  });

  it('refuses token exchange by a web app with unauthorized_client', async () => {
    const res = await postForm(
      f.org.url('/oauth2/v1/token'),
      { grant_type: TOKEN_EXCHANGE, ...secretRequest(idToken) },
      {
        Authorization: `Basic ${Buffer.from(`${demo.webApp.clientId}:${demo.webApp.clientSecret}`).toString('base64')}`,
      },
    );
    expectRefused(f, res, 400, 'unauthorized_client', /not a confidential agent/);
  });
});

describe('managed connections and scopes', () => {
  it('refuses an audience the agent has no connection to', async () => {
    const res = await exchange(f.org, {
      ...idJagRequest(f.org, idToken),
      audience: f.org.customServer('billing').issuer,
    });
    const record = expectRefused(f, res, 400, 'invalid_target', /no active connection/);
    expect(JSON.stringify(res.body)).not.toContain('billing');
    expect(record.audience).toBe(f.org.customServer('billing').issuer);
  });

  it.each<[string, () => Record<string, string | string[]>, RegExp]>([
    [
      'an audience that is a token endpoint, not an issuer',
      () => ({
        ...idJagRequest(f.org, idToken),
        audience: f.org.customServer('default').tokenEndpoint,
      }),
      /not a custom server/,
    ],
    [
      'a secret resource the agent has no connection to',
      () => ({ ...secretRequest(idToken), resource: UNCONNECTED_SECRET }),
      /no active connection/,
    ],
    [
      'a service account requested as a secret',
      () => ({ ...secretRequest(idToken), resource: demo.serviceAccountOrn }),
      /not a known secret/,
    ],
    [
      'a secret requested as a service account',
      () => ({ ...secretRequest(idToken), requested_token_type: SERVICE_ACCOUNT_TYPE }),
      /not a known service account/,
    ],
  ])('refuses %s', async (_name, form, reason) => {
    expectRefused(f, await exchange(f.org, form()), 400, 'invalid_target', reason);
  });

  it('refuses an inactive connection', async () => {
    const assertion = await otherAgentAssertion(f, f.org.url('/oauth2/v1/token'));
    const res = await exchange(
      f.org,
      { ...secretRequest(idToken), resource: UNCONNECTED_SECRET },
      assertion,
    );
    expectRefused(f, res, 400, 'invalid_target', /no active connection/);
  });

  it.each([
    ['todo.write, outside an include-only rule', 'todo.write', /outside the connection/],
    ['todo.admin, unknown to the server', 'todo.admin', /outside the connection/],
    ['a system scope', 'openid todo.read', /system scopes/],
  ])('refuses %s', async (_name, scope, reason) => {
    const assertion = await otherAgentAssertion(f, f.org.url('/oauth2/v1/token'));
    const res = await exchange(
      f.org,
      idJagRequest(f.org, idToken, {
        scope,
      }),
      assertion,
    );
    expectRefused(f, res, 400, 'invalid_scope', reason);
  });

  it('grants only the connection scopes when no scope is asked for', async () => {
    const assertion = await otherAgentAssertion(f, f.org.url('/oauth2/v1/token'));
    const res = await exchange(f.org, idJagRequest(f.org, idToken), assertion);
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('todo.read');
    f.secrets.add(res.body.access_token as string);
    expect(f.org.audit.at(-1)).toMatchObject({ decision: 'allow', scopesGranted: ['todo.read'] });
  });

  it('refuses a resource that is not the custom server audience', async () => {
    const res = await exchange(
      f.org,
      idJagRequest(f.org, idToken, {
        resource: 'api://other',
        scope: 'todo.read',
      }),
    );
    expectRefused(f, res, 400, 'invalid_target', /resource/);
  });

  it('puts a matching resource in the ID-JAG', async () => {
    const res = await exchange(
      f.org,
      idJagRequest(f.org, idToken, {
        resource: 'api://todo',
        scope: 'todo.read',
      }),
    );
    expect(res.status).toBe(200);
    const idJag = res.body.access_token as string;
    f.secrets.add(idJag);
    const claims = JSON.parse(Buffer.from(idJag.split('.')[1] as string, 'base64url').toString());
    expect(claims.resource).toBe('api://todo');
  });

  it('keeps the policy detail out of the error response', async () => {
    const res = await exchange(f.org, { ...secretRequest(idToken), resource: UNCONNECTED_SECRET });
    expect(res.body.error_description).toBe(
      'The requested audience or resource is not available to this client.',
    );
    expect(f.org.audit.at(-1)?.reason).toContain(UNCONNECTED_SECRET);
  });
});
