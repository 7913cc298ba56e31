// The "Testing against @onbehalf/local-org" example of the id-jag README, kept as it is printed
// there (only the import of local-org differs), so that the example stays true.
import { MemoryReplayStore, verifyIdJag } from '@onbehalf/id-jag';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { demo, type LocalOrg, signIn, startLocalOrg } from '../src/index.js';

let org: LocalOrg;
beforeAll(async () => {
  org = await startLocalOrg();
});
afterAll(() => org.stop());

/** Hop 1 as the demo agent: the signed-in user's ID token for an ID-JAG. */
async function idJagFromLocalOrg(audience: string): Promise<string> {
  const { idToken } = await signIn(org.issuer, {
    username: demo.user.username,
    password: demo.user.password,
    clientId: demo.webApp.clientId,
    clientSecret: demo.webApp.clientSecret,
    redirectUri: demo.webApp.redirectUris[0],
  });
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
      requested_token_type: 'urn:ietf:params:oauth:token-type:id-jag',
      audience,
      scope: 'todo.read',
    }),
  });
  const body = (await response.json()) as { access_token: string };
  return body.access_token;
}

it('verifies an ID-JAG issued by the local org, once', async () => {
  // local-org issues ID-JAGs for its own custom servers only: verify as server `default` does.
  const audience = org.customServer('default').issuer;
  const idJag = await idJagFromLocalOrg(audience);
  const options = {
    trustedIssuers: [{ issuer: org.issuer, jwksUri: org.url('/oauth2/v1/keys') }],
    audience,
    clientId: demo.agentClientId,
    replayStore: new MemoryReplayStore(),
  };

  const { claims } = await verifyIdJag(idJag, options);
  expect(claims).toMatchObject({ sub: demo.user.id, scope: 'todo.read' });
  await expect(verifyIdJag(idJag, options)).rejects.toMatchObject({ code: 'replayed' });
});
