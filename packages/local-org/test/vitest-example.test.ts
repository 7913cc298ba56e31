// The "From code: inside your tests" example of the README, kept as it is printed there (only the
// import of local-org differs), so that the example stays true.
import { createRemoteJWKSet, jwtVerify, SignJWT } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { demo, type LocalOrg, signIn, startLocalOrg } from '../src/index.js';

let org: LocalOrg;
beforeAll(async () => {
  org = await startLocalOrg(); // the default org, on 127.0.0.1 with a free port
});
afterAll(() => org.stop());

it('trades the signed-in user’s ID token for a vaulted secret, as an agent does', async () => {
  // The real Authorization Code + PKCE flow over HTTP, sign-in form included.
  const { idToken } = await signIn(org.issuer, {
    username: demo.user.username,
    password: demo.user.password,
    clientId: demo.webApp.clientId,
    clientSecret: demo.webApp.clientSecret,
    redirectUri: demo.webApp.redirectUris[0],
  });
  await jwtVerify(idToken, createRemoteJWKSet(new URL(org.url('/oauth2/v1/keys'))), {
    issuer: org.issuer,
    audience: demo.webApp.clientId,
  });

  // What the agent sends: a token exchange, authenticated with private_key_jwt.
  const tokenEndpoint = org.url('/oauth2/v1/token');
  const clientAssertion = await new SignJWT({ jti: crypto.randomUUID() })
    .setProtectedHeader({ alg: 'ES256', kid: demo.agentPrivateJwk.kid })
    .setIssuer(demo.agentClientId)
    .setSubject(demo.agentClientId)
    .setAudience(tokenEndpoint)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(demo.agentPrivateJwk);
  const response = await fetch(tokenEndpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: clientAssertion,
      subject_token: idToken,
      subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
      requested_token_type: 'urn:okta:params:oauth:token-type:vaulted-secret',
      resource: demo.secretOrn,
    }),
  });

  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({
    issued_token_type: 'urn:okta:params:oauth:token-type:vaulted-secret',
    vaulted_secret: demo.secretValue,
    token_type: 'N_A',
    expires_in: 300,
  });
  expect(org.audit.at(-1)).toMatchObject({ client: demo.agentClientId, decision: 'allow' });
});
