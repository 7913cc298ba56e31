import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demo } from '../src/index.js';
import {
  expectNoSecretInAudit,
  expectRefused,
  type Fixture,
  freshIdJag,
  idJagClaims,
  OTHER_AGENT,
  SECRET_AGENT,
  SECRET_AGENT_SECRET,
  signRawJws,
  signWithOrgKey,
  startSignedInFixture,
} from './fixture.js';
import {
  ASSERTION_TYPE,
  clientAssertion,
  exchange,
  idJagRequest,
  JWT_BEARER,
  postForm,
  redeem,
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

const now = () => Math.floor(Date.now() / 1000);

/** A JWT-bearer grant at a custom server with the demo agent's assertion and these fields. */
async function redeemForm(serverId: string, form: Record<string, string | string[]>) {
  const { tokenEndpoint: endpoint } = f.org.customServer(serverId);
  const res = await postForm(endpoint, {
    grant_type: JWT_BEARER,
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: await clientAssertion(endpoint),
    ...form,
  });
  if (typeof res.body.access_token === 'string') f.secrets.add(res.body.access_token);
  return res;
}

describe('duplicated parameters at the org token endpoint', () => {
  it.each([
    'grant_type',
    'subject_token',
    'subject_token_type',
    'requested_token_type',
    'resource',
    'client_assertion_type',
  ])('refuses %s sent twice', async (name) => {
    const form: Record<string, string | string[]> = {
      grant_type: TOKEN_EXCHANGE,
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: await clientAssertion(tokenEndpoint),
      ...secretRequest(idToken),
    };
    const value = form[name] as string;
    form[name] = [value, value];
    const res = await postForm(tokenEndpoint, form);
    expectRefused(f, res, 400, 'invalid_request', /must not be provided twice/);
  });

  it('refuses audience and scope sent twice on an ID-JAG request', async () => {
    const issuer = f.org.customServer('default').issuer;
    const extras: Record<string, string[]>[] = [
      { audience: [issuer, issuer] },
      { scope: ['todo.read', 'todo.write'] },
    ];
    for (const extra of extras) {
      const res = await exchange(f.org, idJagRequest(f.org, idToken, extra));
      expectRefused(f, res, 400, 'invalid_request', /must not be provided twice/);
    }
  });

  it('refuses two client assertions, even two valid ones', async () => {
    const res = await postForm(tokenEndpoint, {
      grant_type: TOKEN_EXCHANGE,
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: [
        await clientAssertion(tokenEndpoint),
        await clientAssertion(tokenEndpoint),
      ],
      ...secretRequest(idToken),
    });
    expectRefused(f, res, 400, 'invalid_request', /client_assertion' parameter must not/);
  });

  it('refuses assertion and resource sent twice at a custom server', async () => {
    const idJag = await freshIdJag(f, idToken);
    const audience = f.org.customServer('default').audience;
    const extras: Record<string, string | string[]>[] = [
      { assertion: [idJag, idJag] },
      { assertion: idJag, resource: [audience, audience] },
    ];
    for (const extra of extras) {
      const res = await redeemForm('default', extra);
      expectRefused(f, res, 400, 'invalid_request', /must not be provided twice/);
    }
  });
});

describe('empty parameters count as absent', () => {
  it.each([
    ['subject_token_type', /subject_token_type is missing/],
    ['requested_token_type', /requested_token_type is missing/],
    ['resource', /resource is missing/],
  ])('refuses an empty %s as missing', async (name, reason) => {
    const res = await exchange(f.org, { ...secretRequest(idToken), [name]: '' });
    expectRefused(f, res, 400, 'invalid_request', reason);
  });

  it('refuses an empty audience on an ID-JAG request as missing', async () => {
    const res = await exchange(f.org, idJagRequest(f.org, idToken, { audience: '' }));
    expectRefused(f, res, 400, 'invalid_request', /audience is missing/);
  });

  it('refuses an empty grant_type as missing', async () => {
    const res = await exchange(f.org, { ...secretRequest(idToken), grant_type: '' });
    expectRefused(f, res, 400, 'invalid_request', /grant_type/);
  });

  it('answers an empty client_assertion as no client authentication', async () => {
    const res = await postForm(tokenEndpoint, {
      grant_type: TOKEN_EXCHANGE,
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: '',
      ...secretRequest(idToken),
    });
    expectRefused(f, res, 401, 'invalid_client', /no client authentication/);
  });

  it('refuses an empty client_assertion_type', async () => {
    const res = await postForm(tokenEndpoint, {
      grant_type: TOKEN_EXCHANGE,
      client_assertion_type: '',
      client_assertion: await clientAssertion(tokenEndpoint),
      ...secretRequest(idToken),
    });
    expectRefused(f, res, 400, 'invalid_request', /client_assertion_type/);
  });

  it('treats an empty scope on an ID-JAG request as no scope: the connection scopes', async () => {
    const res = await exchange(f.org, idJagRequest(f.org, idToken, { scope: '' }));
    expect(res.status).toBe(200);
    f.secrets.add(res.body.access_token as string);
    expect(res.body.scope).toBe('todo.read todo.write');
  });

  it('refuses an empty assertion at a custom server as missing', async () => {
    const res = await redeemForm('default', { assertion: '' });
    expectRefused(f, res, 400, 'invalid_request', /assertion is missing/);
  });
});

describe('client authentication confusion', () => {
  it('answers a client_id field naming another client than the assertion with invalid_client', async () => {
    for (const clientId of [OTHER_AGENT, demo.webApp.clientId]) {
      const res = await exchange(f.org, { ...secretRequest(idToken), client_id: clientId });
      expectRefused(f, res, 401, 'invalid_client', /client_id mismatch/);
    }
    const res = await redeemForm('default', {
      assertion: await freshIdJag(f, idToken),
      client_id: OTHER_AGENT,
    });
    expectRefused(f, res, 401, 'invalid_client', /client_id mismatch/);
  });

  it('answers a client_id field naming another client than the Basic user with invalid_client', async () => {
    const basic = Buffer.from(`${SECRET_AGENT}:${SECRET_AGENT_SECRET}`).toString('base64');
    const res = await postForm(
      tokenEndpoint,
      { grant_type: TOKEN_EXCHANGE, client_id: OTHER_AGENT, ...secretRequest(idToken) },
      { Authorization: `Basic ${basic}` },
    );
    expectRefused(f, res, 401, 'invalid_client', /client_id mismatch/);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
  });

  it.each([
    ['not Basic', 'Bearer abc'],
    ['not base64', 'Basic !!!'],
    ['without a colon', `Basic ${Buffer.from(SECRET_AGENT).toString('base64')}`],
    ['with no secret', `Basic ${Buffer.from(`${SECRET_AGENT}:`).toString('base64')}`],
    ['badly percent-encoded', `Basic ${Buffer.from('%zz:%zz').toString('base64')}`],
  ])('answers an Authorization header %s with invalid_client', async (_name, authorization) => {
    for (const endpoint of [tokenEndpoint, f.org.customServer('default').tokenEndpoint]) {
      const res = await postForm(
        endpoint,
        { grant_type: TOKEN_EXCHANGE, ...secretRequest(idToken) },
        { Authorization: authorization },
      );
      expectRefused(f, res, 401, 'invalid_client', /authorization header|client_secret/);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    }
  });

  it('refuses client_secret_basic and an assertion together', async () => {
    const basic = Buffer.from(`${SECRET_AGENT}:${SECRET_AGENT_SECRET}`).toString('base64');
    const res = await postForm(
      tokenEndpoint,
      {
        grant_type: TOKEN_EXCHANGE,
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: await clientAssertion(tokenEndpoint),
        ...secretRequest(idToken),
      },
      { Authorization: `Basic ${basic}` },
    );
    expectRefused(f, res, 400, 'invalid_request', /one mechanism/);
  });

  it('refuses an assertion whose aud is a one-element array', async () => {
    const res = await exchange(
      f.org,
      secretRequest(idToken),
      await clientAssertion(tokenEndpoint, { aud: [tokenEndpoint] }),
    );
    expectRefused(f, res, 401, 'invalid_client', /single string/);
  });

  it('refuses an assertion with aud = the org issuer at a custom server', async () => {
    const { tokenEndpoint: endpoint } = f.org.customServer('default');
    const res = await postForm(endpoint, {
      grant_type: JWT_BEARER,
      assertion: await freshIdJag(f, idToken),
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: await clientAssertion(endpoint, { aud: f.org.issuer }),
    });
    expectRefused(f, res, 401, 'invalid_client', /aud/);
  });

  it('refuses an assertion whose nbf is in the future', async () => {
    const assertion = await new SignJWT({ jti: crypto.randomUUID(), nbf: now() + 600 })
      .setProtectedHeader({ alg: 'ES256', kid: demo.agentPrivateJwk.kid })
      .setIssuer(demo.agentClientId)
      .setSubject(demo.agentClientId)
      .setAudience(tokenEndpoint)
      .setIssuedAt()
      .setExpirationTime(now() + 900)
      .sign(demo.agentPrivateJwk);
    f.secrets.add(assertion);
    const res = await exchange(f.org, secretRequest(idToken), assertion);
    expectRefused(f, res, 401, 'invalid_client', /not active yet/);
  });

  it("refuses an assertion signed with agent A's key claiming to be agent B", async () => {
    for (const kid of [demo.agentPrivateJwk.kid, f.otherAgentKey.kid]) {
      const assertion = await clientAssertion(tokenEndpoint, {
        iss: OTHER_AGENT,
        sub: OTHER_AGENT,
        kid,
      });
      f.secrets.add(assertion);
      const res = await exchange(f.org, secretRequest(idToken), assertion);
      expectRefused(f, res, 401, 'invalid_client', /client authentication failed/);
    }
  });

  it.each([
    [
      'keyed with the client secret of a secret agent',
      SECRET_AGENT,
      /client authentication failed|alg/,
    ],
    ['for a key agent', demo.agentClientId, /alg/],
  ])('refuses an HS256 assertion %s', async (_name, issuer, reason) => {
    const assertion = await new SignJWT({ jti: crypto.randomUUID() })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(issuer)
      .setSubject(issuer)
      .setAudience(tokenEndpoint)
      .setIssuedAt()
      .setExpirationTime('2m')
      .sign(new TextEncoder().encode(SECRET_AGENT_SECRET));
    f.secrets.add(assertion);
    const res = await exchange(f.org, secretRequest(idToken), assertion);
    expectRefused(f, res, 401, 'invalid_client', reason);
  });
});

describe('tokens presented where another kind belongs', () => {
  it('refuses an org ID token as the assertion at a custom server', async () => {
    const res = await redeemForm('default', { assertion: idToken });
    expectRefused(f, res, 400, 'invalid_grant', /typ/);
  });

  it('refuses an ID-JAG for server A at server B, also with aud a one-element array', async () => {
    const a = f.org.customServer('default').issuer;
    const asArray = await signWithOrgKey(f, idJagClaims(f, { aud: [a] }), {
      typ: 'oauth-id-jag+jwt',
    });
    f.secrets.add(asArray);
    expectRefused(f, await redeem(f.org, asArray, 'billing'), 400, 'invalid_grant', /audience/);
    expectRefused(
      f,
      await redeem(f.org, await freshIdJag(f, idToken), 'billing'),
      400,
      'invalid_grant',
      /audience/,
    );
  });

  it('accepts an ID-JAG whose aud is a one-element array of this server', async () => {
    const a = f.org.customServer('default').issuer;
    const idJag = await signWithOrgKey(f, idJagClaims(f, { aud: [a] }), {
      typ: 'oauth-id-jag+jwt',
    });
    f.secrets.add(idJag);
    const res = await redeem(f.org, idJag);
    expect(res.status).toBe(200);
    f.secrets.add(res.body.access_token as string);
  });

  it("refuses an ID-JAG signed with a custom server's key", async () => {
    const serverKey = f.serverKeys.default;
    if (!serverKey) throw new Error('no key for server default');
    for (const kid of [serverKey.kid, f.orgKey.kid]) {
      const idJag = signRawJws(
        { alg: 'RS256', kid, typ: 'oauth-id-jag+jwt' },
        idJagClaims(f),
        serverKey,
      );
      f.secrets.add(idJag);
      const res = await redeem(f.org, idJag);
      expectRefused(f, res, 400, 'invalid_grant', /ID-JAG refused/);
    }
  });
});

describe('an ID-JAG is burnt once verified, whatever the outcome', () => {
  it('refuses an ID-JAG again after a redemption that failed after its verification', async () => {
    const idJag = await freshIdJag(f, idToken);
    const first = await redeemForm('default', { assertion: idJag, resource: 'api://elsewhere' });
    expectRefused(f, first, 400, 'invalid_grant', /resource does not match/);
    const second = await redeemForm('default', { assertion: idJag });
    expectRefused(f, second, 400, 'invalid_grant', /replayed/);
  });

  it('keeps an ID-JAG usable after a refusal that came before its verification', async () => {
    const idJag = await freshIdJag(f, idToken);
    const withScope = await redeemForm('default', { assertion: idJag, scope: 'todo.read' });
    expectRefused(f, withScope, 400, 'invalid_request', /scope/);
    const { tokenEndpoint: endpoint } = f.org.customServer('default');
    const badClient = await postForm(endpoint, {
      grant_type: JWT_BEARER,
      assertion: idJag,
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: await clientAssertion(tokenEndpoint),
    });
    expectRefused(f, badClient, 401, 'invalid_client', /aud/);
    const res = await redeemForm('default', { assertion: idJag });
    expect(res.status).toBe(200);
  });
});

describe('oversized and chunked bodies', () => {
  it('refuses a declared 10 MB body at a custom server, audited as that server', async () => {
    const server = f.org.customServer('default');
    const res = await redeemForm('default', { assertion: 'a'.repeat(10 * 1024 * 1024) });
    const record = expectRefused(f, res, 413, 'invalid_request', /body of \d+ bytes/);
    expect(record.server).toBe(server.issuer);
  });

  it.each([
    ['the org', () => tokenEndpoint],
    ['a custom server', () => f.org.customServer('default').tokenEndpoint],
  ])(
    'refuses a 10 MB chunked body at %s token endpoint without a declared length',
    async (_n, url) => {
      const chunk = new TextEncoder().encode('a'.repeat(64 * 1024));
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent >= 160) controller.close();
          else {
            sent++;
            controller.enqueue(chunk);
          }
        },
      });
      const response = await fetch(url(), {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body,
        duplex: 'half',
      } as RequestInit);
      const json = (await response.json()) as Record<string, unknown>;
      expectRefused(
        f,
        { status: response.status, headers: response.headers, body: json },
        400,
        'invalid_request',
        /too large/,
      );
      expect((await exchange(f.org, secretRequest(idToken))).status).toBe(200);
      expectNoSecretInAudit(f);
    },
  );
});
