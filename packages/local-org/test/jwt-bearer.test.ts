import { CompactEncrypt, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demo } from '../src/index.js';
import {
  atStartOfSecond,
  expectNoSecretInAudit,
  expectRefused,
  type Fixture,
  freshIdJag,
  idJagClaims,
  otherAgentAssertion,
  signRawJws,
  signWithOrgKey,
  startSignedInFixture,
  tamper,
  unsecured,
} from './fixture.js';
import { ASSERTION_TYPE, clientAssertion, JWT_BEARER, postForm, redeem } from './requests.js';

let f: Fixture;
let idToken: string;

beforeAll(async () => {
  ({ fixture: f, idToken } = await startSignedInFixture());
});
afterAll(() => f.stop());

async function redeemTracked(
  idJag: string,
  serverId = 'default',
  extra: Record<string, string> = {},
) {
  f.secrets.add(idJag);
  const res = await redeem(f.org, idJag, serverId, extra);
  if (typeof res.body.access_token === 'string') f.secrets.add(res.body.access_token);
  return res;
}

describe('custom server metadata and keys', () => {
  it('publishes RFC 8414 metadata with the JWT-bearer grant and the ID-JAG profile', async () => {
    const server = f.org.customServer('default');
    const response = await fetch(server.metadataUrl);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      issuer: server.issuer,
      token_endpoint: server.tokenEndpoint,
      jwks_uri: server.jwksUri,
      grant_types_supported: [JWT_BEARER],
      authorization_grant_profiles_supported: ['urn:ietf:params:oauth:grant-profile:id-jag'],
      token_endpoint_auth_methods_supported: expect.arrayContaining(['private_key_jwt']),
    });
    const keys = (await (await fetch(server.jwksUri)).json()) as { keys: { d?: string }[] };
    expect(keys.keys).toHaveLength(1);
    expect(keys.keys[0]?.d).toBeUndefined();
  });

  it('answers 404 on other paths of a custom server', async () => {
    const response = await fetch(`${f.org.customServer('default').issuer}/v1/authorize`);
    expect(response.status).toBe(404);
  });
});

describe('JWT-bearer grant refusals', () => {
  it('refuses a scope parameter with invalid_request', async () => {
    const res = await redeemTracked(await freshIdJag(f, idToken), 'default', {
      scope: 'todo.read',
    });
    expectRefused(f, res, 400, 'invalid_request', /scope/);
    expect(res.body.error_description).toBe('The request must not include a scope.');
  });

  it('refuses the same ID-JAG twice', async () => {
    const idJag = await freshIdJag(f, idToken);
    expect((await redeemTracked(idJag)).status).toBe(200);
    expectRefused(f, await redeemTracked(idJag), 400, 'invalid_grant', /replayed/);
  });

  it('refuses an ID-JAG at a second custom server it was not issued for', async () => {
    expectRefused(
      f,
      await redeemTracked(await freshIdJag(f, idToken), 'billing'),
      400,
      'invalid_grant',
      /audience/,
    );
  });

  it('refuses an ID-JAG whose client_id is not the authenticated client', async () => {
    const idJag = await freshIdJag(f, idToken);
    const { tokenEndpoint } = f.org.customServer('default');
    const res = await postForm(tokenEndpoint, {
      grant_type: JWT_BEARER,
      assertion: idJag,
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: await otherAgentAssertion(f, tokenEndpoint),
    });
    expectRefused(f, res, 400, 'invalid_grant', /client_id/);
  });

  it('refuses client authentication with an assertion meant for the org token endpoint', async () => {
    const { tokenEndpoint } = f.org.customServer('default');
    const res = await postForm(tokenEndpoint, {
      grant_type: JWT_BEARER,
      assertion: await freshIdJag(f, idToken),
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: await clientAssertion(f.org.url('/oauth2/v1/token')),
    });
    expectRefused(f, res, 401, 'invalid_client', /aud/);
  });

  it('refuses a redemption with no client authentication', async () => {
    const res = await postForm(f.org.customServer('default').tokenEndpoint, {
      grant_type: JWT_BEARER,
      assertion: await freshIdJag(f, idToken),
    });
    expectRefused(f, res, 401, 'invalid_client', /client authentication/);
  });

  it.each([
    ['typ JWT', {}, { typ: 'JWT' }, /typ/],
    ['no typ', {}, { typ: undefined }, /typ/],
    ['no exp', { exp: undefined }, {}, /exp|missing/],
    ['expired 31 s ago', { iat: -200, exp: -31 }, {}, /expired/],
    ['no jti', { jti: undefined }, {}, /jti|missing/],
    ['no iat', { iat: undefined }, {}, /"iat" claim is missing/],
    ['an iat 120 s in the future', { iat: 120, exp: 400 }, {}, /not_yet_valid/],
    ['a lifetime over 300 s', { exp: 900 }, {}, /lifetime/],
    ['aud of two servers', { aud: 'two' }, {}, /audience/],
    ['no scope', { scope: undefined }, {}, /scope|missing/],
  ])('refuses an org-signed ID-JAG with %s', async (_name, claims, header, reason) => {
    const now = Math.floor(Date.now() / 1000);
    const merged: Record<string, unknown> = idJagClaims(f);
    for (const [key, value] of Object.entries(claims)) {
      if (value === undefined) delete merged[key];
      else if (key === 'aud') {
        merged.aud = [f.org.customServer('default').issuer, f.org.customServer('billing').issuer];
      } else merged[key] = now + (value as number);
    }
    const h: Record<string, unknown> = { typ: 'oauth-id-jag+jwt', ...header };
    if (h.typ === undefined) delete h.typ;
    const idJag = await signWithOrgKey(f, merged, h);
    expectRefused(f, await redeemTracked(idJag), 400, 'invalid_grant', reason);
  });

  it('refuses an org-signed ID-JAG with a 5,000 character jti', async () => {
    const idJag = await signWithOrgKey(f, idJagClaims(f, { jti: 'j'.repeat(5_000) }), {
      typ: 'oauth-id-jag+jwt',
    });
    expectRefused(f, await redeemTracked(idJag), 400, 'invalid_grant', /"jti" claim is invalid/);
  });

  // The org's real clock leaves under a second of slack: a busy machine may need another try.
  it('accepts an org-signed ID-JAG expired 29 s ago (30 s skew)', { retry: 2 }, async () => {
    await atStartOfSecond();
    const now = Math.floor(Date.now() / 1000);
    const idJag = await signWithOrgKey(f, idJagClaims(f, { iat: now - 200, exp: now - 29 }), {
      typ: 'oauth-id-jag+jwt',
    });
    const res = await redeemTracked(idJag);
    expect(res.status).toBe(200);
  });

  it('refuses an alg none ID-JAG', async () => {
    const idJag = unsecured(idJagClaims(f), { typ: 'oauth-id-jag+jwt' });
    expectRefused(f, await redeemTracked(idJag), 400, 'invalid_grant', /ID-JAG refused/);
  });

  it('refuses an ID-JAG whose signature lost its last character', async () => {
    expectRefused(
      f,
      await redeemTracked(tamper(await freshIdJag(f, idToken))),
      400,
      'invalid_grant',
      /signature/,
    );
  });

  it('refuses an ID-JAG with an unknown crit header', async () => {
    const idJag = signRawJws(
      { alg: 'RS256', kid: f.orgKey.kid, typ: 'oauth-id-jag+jwt', crit: ['urn:x'], 'urn:x': 1 },
      idJagClaims(f),
      f.orgKey,
    );
    expectRefused(f, await redeemTracked(idJag), 400, 'invalid_grant', /ID-JAG refused/);
  });

  it.each([
    ['a path traversal kid', '../../etc/passwd', /\(signature\)/],
    ['a 10,000 character kid', 'k'.repeat(10_000), /larger than/],
  ])('refuses an org-signed ID-JAG with %s', async (_name, kid, reason) => {
    const idJag = await signWithOrgKey(f, idJagClaims(f), { typ: 'oauth-id-jag+jwt', kid });
    expectRefused(f, await redeemTracked(idJag), 400, 'invalid_grant', reason);
  });

  it('refuses an ID-JAG that is a JWE', async () => {
    const { publicKey } = await generateKeyPair('RSA-OAEP-256');
    const jwe = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify(idJagClaims(f))))
      .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', typ: 'oauth-id-jag+jwt' })
      .encrypt(publicKey);
    expectRefused(f, await redeemTracked(jwe), 400, 'invalid_grant', /JWE/);
  });

  it.each(['jwk', 'jku', 'x5c'])(
    'refuses an ID-JAG carrying its own key in a %s header, signed with that key',
    async (name) => {
      const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
      const jwk = await exportJWK(publicKey);
      const values: Record<string, unknown> = {
        jwk,
        jku: 'http://127.0.0.1:1/attacker-keys',
        x5c: ['MIIBattacker'],
      };
      const idJag = await new SignJWT(idJagClaims(f))
        .setProtectedHeader({ alg: 'RS256', typ: 'oauth-id-jag+jwt', [name]: values[name] })
        .sign(privateKey);
      expectRefused(f, await redeemTracked(idJag), 400, 'invalid_grant', new RegExp(`"${name}"`));
    },
  );

  it('refuses an ID-JAG signed by a key the org does not publish', async () => {
    const idJag = signRawJws(
      { alg: 'ES256', kid: demo.agentPrivateJwk.kid, typ: 'oauth-id-jag+jwt' },
      idJagClaims(f),
      demo.agentPrivateJwk,
    );
    expectRefused(f, await redeemTracked(idJag), 400, 'invalid_grant', /ID-JAG refused/);
  });

  it('refuses an ID-JAG carrying no scope the server allows (access_denied)', async () => {
    const idJag = await signWithOrgKey(f, idJagClaims(f, { scope: 'billing.read' }), {
      typ: 'oauth-id-jag+jwt',
    });
    expectRefused(f, await redeemTracked(idJag), 400, 'access_denied', /no scope/);
  });

  it('reduces the scopes of an ID-JAG to what the server allows', async () => {
    const idJag = await signWithOrgKey(f, idJagClaims(f, { scope: 'todo.read billing.read' }), {
      typ: 'oauth-id-jag+jwt',
    });
    const res = await redeemTracked(idJag);
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('todo.read');
    expect(f.org.audit.at(-1)).toMatchObject({
      decision: 'allow',
      scopesRequested: ['todo.read', 'billing.read'],
      scopesGranted: ['todo.read'],
    });
    expectNoSecretInAudit(f);
  });
});

describe('single use under concurrency', () => {
  it('lets exactly one of 50 concurrent redemptions of one ID-JAG succeed', async () => {
    const idJag = await freshIdJag(f, idToken);
    const results = await Promise.all(Array.from({ length: 50 }, () => redeemTracked(idJag)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    const refused = results.filter((r) => r.status === 400 && r.body.error === 'invalid_grant');
    expect(refused).toHaveLength(49);
    for (const r of refused) expect(r.body).not.toHaveProperty('access_token');
    expectNoSecretInAudit(f);
  });
});
