import { CompactEncrypt, exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demo } from '../src/index.js';
import {
  atStartOfSecond,
  expectRefused,
  type Fixture,
  OTHER_AGENT,
  signRawJws,
  startSignedInFixture,
  tamper,
  unsecured,
} from './fixture.js';
import {
  ASSERTION_TYPE,
  type AssertionOptions,
  clientAssertion,
  ID_TOKEN_TYPE,
  postForm,
  SECRET_TYPE,
  secretRequest,
  TOKEN_EXCHANGE,
} from './requests.js';

let f: Fixture;
let idToken: string;
let tokenEndpoint: string;

beforeAll(async () => {
  ({ fixture: f, idToken } = await startSignedInFixture());
  tokenEndpoint = f.org.url('/oauth2/v1/token');
});
afterAll(() => f.stop());

async function withAssertion(assertion: string, extra: Record<string, string> = {}) {
  f.secrets.add(assertion);
  return postForm(tokenEndpoint, {
    grant_type: TOKEN_EXCHANGE,
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: assertion,
    ...secretRequest(idToken),
    ...extra,
  });
}

const now = () => Math.floor(Date.now() / 1000);

describe('private_key_jwt client authentication at the org', () => {
  it('accepts an assertion with aud = the issuer', async () => {
    const res = await withAssertion(await clientAssertion(tokenEndpoint, { aud: f.org.issuer }));
    expect(res.status).toBe(200);
  });

  // The org's real clock leaves under a second of slack: a busy machine may need another try.
  it('accepts an assertion expired 29 s ago (30 s skew)', { retry: 2 }, async () => {
    await atStartOfSecond();
    const res = await withAssertion(
      await clientAssertion(tokenEndpoint, { iat: now() - 120, exp: now() - 29 }),
    );
    expect(res.status).toBe(200);
  });

  it.each<[string, AssertionOptions, RegExp]>([
    ['expired 31 s ago', { iat: now() - 120, exp: now() - 31 }, /exp|timestamp/],
    ['without exp', { exp: null }, /expiration/],
    ['without jti', { jti: null }, /jti/],
    ['with aud = another endpoint', { aud: 'http://127.0.0.1/oauth2/default/v1/token' }, /aud/],
    ['with iss other than the client', { iss: OTHER_AGENT }, /iss/],
    ['valid for two hours', { exp: now() + 7200 }, /exp/],
    ['issued in the future', { iat: now() + 600, exp: now() + 900 }, /iat/],
    ['with a path traversal kid', { kid: '../../etc/passwd' }, /client authentication/],
    ['with a 10,000 character kid', { kid: 'k'.repeat(10_000) }, /client authentication/],
    ['with a 5,000 character jti', { jti: 'j'.repeat(5_000) }, /jti must be a string of at most/],
  ])('refuses an assertion %s', async (_name, options, reason) => {
    const res = await withAssertion(await clientAssertion(tokenEndpoint, options));
    expectRefused(f, res, 401, 'invalid_client', reason);
  });

  it('refuses an assertion with aud as an array that holds the token endpoint', async () => {
    const options = { aud: [tokenEndpoint, 'x'] };
    const res = await withAssertion(await clientAssertion(tokenEndpoint, options));
    expectRefused(f, res, 401, 'invalid_client', /aud/);
  });

  it('refuses an alg none assertion', async () => {
    const assertion = unsecured({
      iss: demo.agentClientId,
      sub: demo.agentClientId,
      aud: tokenEndpoint,
      jti: 'none-1',
      exp: now() + 60,
    });
    expectRefused(f, await withAssertion(assertion), 401, 'invalid_client', /alg/);
  });

  it.each<[string, () => Promise<string> | string]>([
    [
      'whose signature lost its last character',
      async () => tamper(await clientAssertion(tokenEndpoint)),
    ],
    [
      'with an unknown crit header',
      () =>
        signRawJws(
          { alg: 'ES256', kid: demo.agentPrivateJwk.kid, crit: ['urn:x'], 'urn:x': 1 },
          {
            iss: demo.agentClientId,
            sub: demo.agentClientId,
            aud: tokenEndpoint,
            jti: 'crit-1',
            exp: now() + 60,
          },
          demo.agentPrivateJwk,
        ),
    ],
  ])('refuses an assertion %s', async (_name, build) => {
    const assertion = await build();
    expectRefused(
      f,
      await withAssertion(assertion),
      401,
      'invalid_client',
      /client authentication/,
    );
  });

  it('refuses an assertion that is not a JWS at all', async () => {
    for (const assertion of ['not-a-jwt', 'a.b.c', `${'a'.repeat(40)}..`]) {
      const res = await withAssertion(assertion);
      expectRefused(f, res, 401, 'invalid_client', /client_assertion format/);
    }
  });

  it('refuses an assertion that is a JWE', async () => {
    const { publicKey } = await generateKeyPair('RSA-OAEP-256');
    const claims = {
      iss: demo.agentClientId,
      sub: demo.agentClientId,
      aud: tokenEndpoint,
      jti: 'jwe-1',
      exp: now() + 60,
    };
    const jwe = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify(claims)))
      .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM' })
      .encrypt(publicKey);
    expectRefused(f, await withAssertion(jwe), 401, 'invalid_client', /client_assertion format/);
  });

  it('refuses an assertion signed with the key in its own jwk header', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const assertion = await clientAssertion(tokenEndpoint, {
      key: await exportJWK(privateKey),
      header: { jwk: await exportJWK(publicKey) },
    });
    expectRefused(
      f,
      await withAssertion(assertion),
      401,
      'invalid_client',
      /client authentication/,
    );
  });

  it("refuses an assertion signed with another agent's key", async () => {
    const ownKid = await clientAssertion(tokenEndpoint, { key: f.otherAgentKey });
    expectRefused(f, await withAssertion(ownKid), 401, 'invalid_client', /client authentication/);
    const otherKid = await clientAssertion(tokenEndpoint, {
      key: f.otherAgentKey,
      kid: f.otherAgentKey.kid,
    });
    expectRefused(f, await withAssertion(otherKid), 401, 'invalid_client', /client authentication/);
  });

  it('refuses an HS256 assertion', async () => {
    const { SignJWT } = await import('jose');
    const assertion = await new SignJWT({ jti: 'hs-1' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(demo.agentClientId)
      .setSubject(demo.agentClientId)
      .setAudience(tokenEndpoint)
      .setExpirationTime('1m')
      .sign(new TextEncoder().encode('a-shared-secret-of-32-bytes-long!'));
    expectRefused(f, await withAssertion(assertion), 401, 'invalid_client', /alg/);
  });

  it('refuses a replayed assertion jti', async () => {
    const assertion = await clientAssertion(tokenEndpoint);
    expect((await withAssertion(assertion)).status).toBe(200);
    expectRefused(f, await withAssertion(assertion), 401, 'invalid_client', /only be used once/);
  });

  it('lets exactly one of 10 concurrent uses of one assertion through', async () => {
    const assertion = await clientAssertion(tokenEndpoint);
    const results = await Promise.all(Array.from({ length: 10 }, () => withAssertion(assertion)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.body.error === 'invalid_client')).toHaveLength(9);
  });

  it('refuses a bad client_assertion_type', async () => {
    const res = await withAssertion(await clientAssertion(tokenEndpoint), {
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer',
    });
    expectRefused(f, res, 400, 'invalid_request', /client_assertion_type/);
  });

  it('refuses two credentials in one request', async () => {
    const res = await withAssertion(await clientAssertion(tokenEndpoint), {
      client_secret: 'something',
    });
    expectRefused(f, res, 400, 'invalid_request', /one mechanism/);
  });

  it('refuses an agent sending only its client_id', async () => {
    const res = await postForm(tokenEndpoint, {
      grant_type: TOKEN_EXCHANGE,
      client_id: demo.agentClientId,
      subject_token: idToken,
      subject_token_type: ID_TOKEN_TYPE,
      requested_token_type: SECRET_TYPE,
      resource: demo.secretOrn,
    });
    expectRefused(f, res, 401, 'invalid_client', /authentication mechanism/);
  });
});
