import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AuditRecord,
  demo,
  ERROR_DESCRIPTIONS,
  type LocalOrg,
  SignInError,
  signIn,
  startLocalOrg,
} from '../src/index.js';

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';
const SECRET_TYPE = 'urn:okta:params:oauth:token-type:vaulted-secret';

let org: LocalOrg;
let tokenEndpoint: string;
beforeAll(async () => {
  org = await startLocalOrg();
  tokenEndpoint = org.url('/oauth2/v1/token');
});
afterAll(() => org.stop());

async function post(form: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(tokenEndpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Posts, then returns the audit record that request wrote. */
async function audited(
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<AuditRecord> {
  const before = org.audit.length;
  await post(form, headers);
  expect(org.audit.length).toBe(before + 1);
  return org.audit.at(-1) as AuditRecord;
}

function basic(user: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(user)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

async function assertionFor(clientId: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: clientId, sub: clientId, aud: tokenEndpoint, jti: randomUUID() })
    .setProtectedHeader({ alg: 'ES256', kid: demo.agentPrivateJwk.kid })
    .setIssuedAt(now)
    .setExpirationTime(now + 300)
    .sign(demo.agentPrivateJwk);
}

const secretExchange = (subjectToken: string) => ({
  grant_type: TOKEN_EXCHANGE,
  subject_token: subjectToken,
  subject_token_type: ID_TOKEN_TYPE,
  requested_token_type: SECRET_TYPE,
  resource: demo.secretOrn,
});

describe('discovery matches what the org issues', () => {
  it('advertises neither the refresh_token grant nor the offline_access scope', async () => {
    const response = await fetch(org.url('/.well-known/openid-configuration'));
    const metadata = (await response.json()) as Record<string, string[]>;
    expect(metadata.grant_types_supported).toContain('authorization_code');
    expect(metadata.grant_types_supported).not.toContain('refresh_token');
    expect(metadata.scopes_supported).toContain('openid');
    expect(metadata.scopes_supported).not.toContain('offline_access');
  });

  it('ignores offline_access in a sign-in rather than failing it', async () => {
    const tokens = await signIn(org.issuer, {
      username: demo.user.username,
      password: demo.user.password,
      clientId: demo.webApp.clientId,
      clientSecret: demo.webApp.clientSecret,
      redirectUri: demo.webApp.redirectUris[0] as string,
      scope: 'openid offline_access',
    });
    expect(tokens.idToken.split('.')).toHaveLength(3);
  });

  it('refuses the refresh_token grant as unsupported', async () => {
    const res = await post(
      { grant_type: 'refresh_token', refresh_token: 'anything' },
      { Authorization: basic(demo.webApp.clientId, demo.webApp.clientSecret) },
    );
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unsupported_grant_type');
  });
});

describe('audit records name the client a failed request claimed', () => {
  it.each([
    ['an unknown form client_id', 'unknown-form-client', 'post'],
    ['an unknown Basic user', 'unknown-basic-client', 'basic'],
    ['an unknown assertion subject', 'unknown-assertion-client', 'assertion'],
  ] as const)('records %s as claimedClient, not client', async (_name, clientId, how) => {
    const secret = `secret-${randomUUID()}`;
    const assertion = await assertionFor(clientId);
    const form = { ...secretExchange('x.y.z') };
    const record =
      how === 'post'
        ? await audited({ ...form, client_id: clientId, client_secret: secret })
        : how === 'basic'
          ? await audited(form, { Authorization: basic(clientId, secret) })
          : await audited({
              ...form,
              client_assertion_type: ASSERTION_TYPE,
              client_assertion: assertion,
            });
    expect(record).toMatchObject({ error: 'invalid_client', status: 401, claimedClient: clientId });
    expect(record).not.toHaveProperty('client');
    const line = JSON.stringify(record);
    expect(line).not.toContain(secret);
    expect(line).not.toContain(assertion.split('.')[2]);
  });

  it('caps a long claimed client id and keeps control characters out', async () => {
    const long = `evil\n${'a'.repeat(5_000)}`;
    const record = await audited(secretExchange('x.y.z'), { Authorization: basic(long, 's') });
    expect(record.claimedClient).toMatch(/^evil a+…$/);
    expect(record.claimedClient?.length).toBeLessThanOrEqual(129);
  });

  it('records no Basic user name sent without a secret: it may be the secret itself', async () => {
    const record = await audited(secretExchange('x.y.z'), {
      Authorization: `Basic ${Buffer.from('client-and-its-secret:').toString('base64')}`,
    });
    expect(record).toMatchObject({ error: 'invalid_client', status: 401 });
    expect(record).not.toHaveProperty('claimedClient');
  });

  it('records a JWT sent as a client id only as [jwt]', async () => {
    const jwt = await assertionFor('whatever');
    const record = await audited({
      ...secretExchange('x.y.z'),
      client_id: jwt,
      client_secret: 's',
    });
    expect(record.claimedClient).toBe('[jwt]');
  });

  it('keeps client for a registered client whose secret is wrong, without claimedClient', async () => {
    const record = await audited(secretExchange('x.y.z'), {
      Authorization: basic(demo.webApp.clientId, 'wrong-secret'),
    });
    expect(record).toMatchObject({ client: demo.webApp.clientId, error: 'invalid_client' });
    expect(record).not.toHaveProperty('claimedClient');
  });
});

describe('audit reasons read as one phrase', () => {
  it('gives the reason of an own refusal without the fixed description', async () => {
    const record = await audited({
      ...secretExchange('not-a-jws'),
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: await assertionFor(demo.agentClientId),
    });
    expect(record.error).toBe('invalid_grant');
    expect(record.reason).toBe('subject token is not a JWS');
  });

  it('joins oidc-provider descriptions and details without a stray period', async () => {
    const records = [
      await audited(secretExchange('x.y.z'), {
        Authorization: basic(demo.webApp.clientId, 'wrong-secret'),
      }),
      await audited({
        ...secretExchange('x.y.z'),
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: await assertionFor(demo.agentClientId),
      }),
      await audited({
        grant_type: TOKEN_EXCHANGE,
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: await assertionFor(demo.agentClientId),
      }),
      await audited({ grant_type: 'password' }),
    ];
    expect(records[0]?.reason).toBe('client authentication failed: invalid secret provided');
    for (const record of records) {
      expect(record.reason).not.toMatch(/\.:|\.$/);
      for (const description of Object.values(ERROR_DESCRIPTIONS)) {
        expect(record.reason).not.toContain(description);
      }
    }
  });
});

describe('signIn explains an authorization request the org would not redirect', () => {
  it('names the status and the OAuth error of an unregistered redirect URI', async () => {
    const error = await signIn(org.issuer, {
      username: demo.user.username,
      password: demo.user.password,
      clientId: demo.webApp.clientId,
      clientSecret: demo.webApp.clientSecret,
      redirectUri: 'http://localhost:3000/not-registered',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SignInError);
    const signInError = error as SignInError;
    expect(signInError).toMatchObject({
      code: 'authorize',
      status: 400,
      oauthError: 'invalid_redirect_uri',
    });
    expect(signInError.oauthErrorDescription).toMatch(/redirect_uri/);
    expect(signInError.message).toContain('HTTP 400');
    expect(signInError.message).toContain('invalid_redirect_uri');
    expect(signInError.message).not.toContain(demo.webApp.clientSecret);
  });

  it('still shows an HTML error page to a browser', async () => {
    const authorize = new URL(org.url('/oauth2/v1/authorize'));
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id: demo.webApp.clientId,
      redirect_uri: 'http://localhost:3000/not-registered',
      scope: 'openid',
      state: 's',
    }).toString();
    const response = await fetch(authorize, { headers: { Accept: 'text/html' } });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/html/);
    expect(await response.text()).toContain('invalid_redirect_uri');
  });
});

describe('startLocalOrg tells options from configuration', () => {
  it('accepts startLocalOrg(options) for the default org', async () => {
    const seen: AuditRecord[] = [];
    const own = await startLocalOrg({ onAudit: (record) => seen.push(record) });
    try {
      expect(own.config.orgId).toBe('local');
      await fetch(own.url('/oauth2/v1/token'), { method: 'POST' });
      expect(seen).toHaveLength(1);
      expect(seen).toEqual([...own.audit]);
    } finally {
      await own.stop();
    }
  });

  it('refuses options mixed into a configuration, naming the signature', async () => {
    const config = { orgId: 'x', users: [], port: 0 } as unknown as Parameters<
      typeof startLocalOrg
    >[0];
    await expect(startLocalOrg(config)).rejects.toThrow(
      /port is an option, not configuration: the signature is startLocalOrg\(config\?, options\?\)/,
    );
  });

  it('refuses options given in both places', async () => {
    await expect(startLocalOrg({ port: 0 } as never, { port: 0 })).rejects.toThrow(TypeError);
  });
});
