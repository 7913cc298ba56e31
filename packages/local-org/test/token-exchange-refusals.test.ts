import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demo, signIn } from '../src/index.js';
import {
  atStartOfSecond,
  expectNoSecretInAudit,
  expectRefused,
  type Fixture,
  idTokenClaims,
  OTHER_AGENT,
  OTHER_WEB,
  OTHER_WEB_SECRET,
  sidOf,
  signRawJws,
  signWithOrgKey,
  startFixture,
  tamper,
  UNCONNECTED_SECRET,
  unsecured,
} from './fixture.js';
import {
  ASSERTION_TYPE,
  clientAssertion,
  demoIdToken,
  exchange,
  ID_JAG_TYPE,
  ID_TOKEN_TYPE,
  postForm,
  redeem,
  SECRET_TYPE,
  SERVICE_ACCOUNT_TYPE,
  TOKEN_EXCHANGE,
} from './requests.js';

let f: Fixture;
let idToken: string;

beforeAll(async () => {
  f = await startFixture();
  idToken = await demoIdToken(f.org);
  f.secrets.add(idToken);
});
afterAll(() => f.stop());

const secretRequest = (subject: string) => ({
  subject_token: subject,
  subject_token_type: ID_TOKEN_TYPE,
  requested_token_type: SECRET_TYPE,
  resource: demo.secretOrn,
});

describe('subject token checks', () => {
  it('accepts an org-signed ID token expired 29 s ago (30 s skew)', async () => {
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

  it('refuses an org-signed ID token with an unknown crit header', async () => {
    const header = { alg: 'RS256', kid: f.orgKey.kid, crit: ['urn:x'], 'urn:x': 1 };
    const token = signRawJws(header, idTokenClaims(f), f.orgKey);
    f.secrets.add(token);
    expectRefused(
      f,
      await exchange(f.org, secretRequest(token)),
      400,
      'invalid_grant',
      /verification failed/,
    );
  });

  it('refuses an alg none subject token', async () => {
    const token = unsecured(idTokenClaims(f));
    f.secrets.add(token);
    expectRefused(
      f,
      await exchange(f.org, secretRequest(token)),
      400,
      'invalid_grant',
      /verification failed/,
    );
  });

  it('refuses a subject token whose signature lost its last character', async () => {
    const token = tamper(idToken);
    f.secrets.add(token);
    expectRefused(
      f,
      await exchange(f.org, secretRequest(token)),
      400,
      'invalid_grant',
      /verification failed/,
    );
  });

  it.each([
    ['a path traversal kid', '../../etc/passwd'],
    ['a 10,000 character kid', 'k'.repeat(10_000)],
  ])('refuses a subject token with %s', async (_name, kid) => {
    const token = await signWithOrgKey(f, idTokenClaims(f), { kid });
    f.secrets.add(token);
    expectRefused(
      f,
      await exchange(f.org, secretRequest(token)),
      400,
      'invalid_grant',
      /subject token/,
    );
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
    const hop1 = await exchange(f.org, {
      subject_token: idToken,
      subject_token_type: ID_TOKEN_TYPE,
      requested_token_type: ID_JAG_TYPE,
      audience: f.org.customServer('default').issuer,
    });
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
  it('refuses subject_token_type access_token with an ID token', async () => {
    const res = await exchange(f.org, {
      ...secretRequest(idToken),
      subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
    });
    expectRefused(f, res, 400, 'invalid_request', /subject_token_type/);
  });

  it('refuses a missing requested_token_type', async () => {
    const { requested_token_type: _omit, ...form } = secretRequest(idToken);
    expectRefused(
      f,
      await exchange(f.org, form),
      400,
      'invalid_request',
      /requested_token_type is missing/,
    );
  });

  it('refuses an unknown requested_token_type', async () => {
    const res = await exchange(f.org, {
      ...secretRequest(idToken),
      requested_token_type: 'urn:ietf:params:oauth:token-type:access_token',
    });
    expectRefused(f, res, 400, 'invalid_request', /requested_token_type/);
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
    expectRefused(f, { status: response.status, body }, 400, 'invalid_request', /content-type/);
  });

  it('refuses a token exchange with no client authentication', async () => {
    const res = await postForm(f.org.url('/oauth2/v1/token'), {
      grant_type: TOKEN_EXCHANGE,
      ...secretRequest(idToken),
    });
    expectRefused(f, res, 401, 'invalid_client', /client authentication/);
  });

  it('refuses a duplicated audience', async () => {
    const issuer = f.org.customServer('default').issuer;
    const res = await exchange(f.org, {
      subject_token: idToken,
      subject_token_type: ID_TOKEN_TYPE,
      requested_token_type: ID_JAG_TYPE,
      audience: [issuer, issuer],
    });
    expectRefused(f, res, 400, 'invalid_request', /twice/);
  });

  it('refuses actor tokens', async () => {
    const res = await exchange(f.org, {
      ...secretRequest(idToken),
      actor_token: 'x',
      actor_token_type: ID_TOKEN_TYPE,
    });
    expectRefused(f, res, 400, 'invalid_request', /actor/);
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
      subject_token: idToken,
      subject_token_type: ID_TOKEN_TYPE,
      requested_token_type: ID_JAG_TYPE,
      audience: f.org.customServer('billing').issuer,
    });
    const record = expectRefused(f, res, 400, 'invalid_target', /no active connection/);
    expect(JSON.stringify(res.body)).not.toContain('billing');
    expect(record.audience).toBe(f.org.customServer('billing').issuer);
  });

  it('refuses an audience that is a token endpoint, not an issuer', async () => {
    const res = await exchange(f.org, {
      subject_token: idToken,
      subject_token_type: ID_TOKEN_TYPE,
      requested_token_type: ID_JAG_TYPE,
      audience: f.org.customServer('default').tokenEndpoint,
    });
    expectRefused(f, res, 400, 'invalid_target', /not a custom server/);
  });

  it('refuses a secret resource the agent has no connection to', async () => {
    const res = await exchange(f.org, { ...secretRequest(idToken), resource: UNCONNECTED_SECRET });
    expectRefused(f, res, 400, 'invalid_target', /no active connection/);
  });

  it('refuses an inactive connection', async () => {
    const tokenEndpoint = f.org.url('/oauth2/v1/token');
    const assertion = await clientAssertion(tokenEndpoint, {
      iss: OTHER_AGENT,
      sub: OTHER_AGENT,
      key: f.otherAgentKey,
      kid: f.otherAgentKey.kid,
    });
    const res = await exchange(
      f.org,
      { ...secretRequest(idToken), resource: UNCONNECTED_SECRET },
      assertion,
    );
    expectRefused(f, res, 400, 'invalid_target', /no active connection/);
  });

  it('refuses a service account requested as a secret', async () => {
    const res = await exchange(f.org, {
      ...secretRequest(idToken),
      resource: demo.serviceAccountOrn,
    });
    expectRefused(f, res, 400, 'invalid_target', /not a known secret/);
  });

  it('refuses a secret requested as a service account', async () => {
    const res = await exchange(f.org, {
      ...secretRequest(idToken),
      requested_token_type: SERVICE_ACCOUNT_TYPE,
    });
    expectRefused(f, res, 400, 'invalid_target', /not a known service account/);
  });

  it.each([
    ['todo.write, outside an include-only rule', 'todo.write', /outside the connection/],
    ['todo.admin, unknown to the server', 'todo.admin', /outside the connection/],
    ['a system scope', 'openid todo.read', /system scopes/],
  ])('refuses %s', async (_name, scope, reason) => {
    const tokenEndpoint = f.org.url('/oauth2/v1/token');
    const assertion = await clientAssertion(tokenEndpoint, {
      iss: OTHER_AGENT,
      sub: OTHER_AGENT,
      key: f.otherAgentKey,
      kid: f.otherAgentKey.kid,
    });
    const res = await exchange(
      f.org,
      {
        subject_token: idToken,
        subject_token_type: ID_TOKEN_TYPE,
        requested_token_type: ID_JAG_TYPE,
        audience: f.org.customServer('default').issuer,
        scope,
      },
      assertion,
    );
    expectRefused(f, res, 400, 'invalid_scope', reason);
  });

  it('grants only the connection scopes when no scope is asked for', async () => {
    const tokenEndpoint = f.org.url('/oauth2/v1/token');
    const assertion = await clientAssertion(tokenEndpoint, {
      iss: OTHER_AGENT,
      sub: OTHER_AGENT,
      key: f.otherAgentKey,
      kid: f.otherAgentKey.kid,
    });
    const res = await exchange(
      f.org,
      {
        subject_token: idToken,
        subject_token_type: ID_TOKEN_TYPE,
        requested_token_type: ID_JAG_TYPE,
        audience: f.org.customServer('default').issuer,
      },
      assertion,
    );
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('todo.read');
    f.secrets.add(res.body.access_token as string);
    expect(f.org.audit.at(-1)).toMatchObject({ decision: 'allow', scopesGranted: ['todo.read'] });
  });

  it('refuses a resource that is not the custom server audience', async () => {
    const res = await exchange(f.org, {
      subject_token: idToken,
      subject_token_type: ID_TOKEN_TYPE,
      requested_token_type: ID_JAG_TYPE,
      audience: f.org.customServer('default').issuer,
      resource: 'api://other',
      scope: 'todo.read',
    });
    expectRefused(f, res, 400, 'invalid_target', /resource/);
  });

  it('puts a matching resource in the ID-JAG', async () => {
    const res = await exchange(f.org, {
      subject_token: idToken,
      subject_token_type: ID_TOKEN_TYPE,
      requested_token_type: ID_JAG_TYPE,
      audience: f.org.customServer('default').issuer,
      resource: 'api://todo',
      scope: 'todo.read',
    });
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
