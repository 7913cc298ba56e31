import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demo, type LocalOrg, startLocalOrg } from '../src/index.js';
import {
  demoIdToken,
  exchange,
  ID_JAG_TYPE,
  ID_TOKEN_TYPE,
  redeem,
  SECRET_TYPE,
  SERVICE_ACCOUNT_TYPE,
} from './requests.js';

let org: LocalOrg;
let idToken: string;

beforeAll(async () => {
  org = await startLocalOrg();
  idToken = await demoIdToken(org);
});
afterAll(() => org.stop());

describe('token exchange, each requested type', () => {
  it('answers a vaulted secret with exactly the WIRE.md shape', async () => {
    const res = await exchange(org, {
      subject_token: idToken,
      subject_token_type: ID_TOKEN_TYPE,
      requested_token_type: SECRET_TYPE,
      resource: demo.secretOrn,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body).toEqual({
      issued_token_type: SECRET_TYPE,
      vaulted_secret: { ...demo.secretValue },
      token_type: 'N_A',
      expires_in: 300,
    });
  });

  it('answers a service account with exactly the WIRE.md shape', async () => {
    const res = await exchange(org, {
      subject_token: idToken,
      subject_token_type: ID_TOKEN_TYPE,
      requested_token_type: SERVICE_ACCOUNT_TYPE,
      resource: demo.serviceAccountOrn,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      issued_token_type: SERVICE_ACCOUNT_TYPE,
      service_account: { ...demo.serviceAccount },
      token_type: 'N_A',
      expires_in: 300,
    });
  });

  it('answers an ID-JAG with every claim WIRE.md lists, then an access token at the custom server', async () => {
    const server = org.customServer('default');
    const res = await exchange(org, {
      subject_token: idToken,
      subject_token_type: ID_TOKEN_TYPE,
      requested_token_type: ID_JAG_TYPE,
      audience: server.issuer,
      scope: 'todo.read',
    });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(
      ['access_token', 'expires_in', 'issued_token_type', 'scope', 'token_type'].sort(),
    );
    expect(res.body).toMatchObject({
      issued_token_type: ID_JAG_TYPE,
      token_type: 'N_A',
      expires_in: 300,
      scope: 'todo.read',
    });
    const idJag = res.body.access_token as string;
    const { payload, protectedHeader } = await jwtVerify(
      idJag,
      createRemoteJWKSet(new URL(org.url('/oauth2/v1/keys'))),
      { issuer: org.issuer, audience: server.issuer, typ: 'oauth-id-jag+jwt' },
    );
    expect(protectedHeader.alg).toBe('RS256');
    expect(protectedHeader.kid).toEqual(expect.any(String));
    const idTokenClaims = decodeJwt(idToken);
    expect(payload).toEqual({
      iss: org.issuer,
      sub: demo.user.id,
      aud: server.issuer,
      client_id: demo.agentClientId,
      jti: expect.stringMatching(/^[\w-]{16,}$/),
      iat: expect.any(Number),
      exp: (payload.iat as number) + 300,
      scope: 'todo.read',
      email: demo.user.email,
      auth_time: idTokenClaims.auth_time,
      amr: ['pwd'],
      act: { sub: demo.agentClientId, sub_profile: 'ai_agent' },
    });

    const hop2 = await redeem(org, idJag);
    expect(hop2.status).toBe(200);
    expect(hop2.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(hop2.body).sort()).toEqual(
      ['access_token', 'expires_in', 'scope', 'token_type'].sort(),
    );
    expect(hop2.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'todo.read' });
    const accessToken = hop2.body.access_token as string;
    expect(decodeProtectedHeader(accessToken).typ).toBe('at+jwt');
    const verified = await jwtVerify(accessToken, createRemoteJWKSet(new URL(server.jwksUri)), {
      issuer: server.issuer,
      audience: server.audience,
      typ: 'at+jwt',
    });
    expect(verified.payload).toMatchObject({
      sub: demo.user.id,
      client_id: demo.agentClientId,
      scope: 'todo.read',
    });
    expect((verified.payload.exp as number) - (verified.payload.iat as number)).toBe(3600);
  });
});
