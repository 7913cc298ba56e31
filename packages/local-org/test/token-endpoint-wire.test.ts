import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectNoSecretInAudit,
  expectRefused,
  type Fixture,
  freshIdJag,
  startSignedInFixture,
} from './fixture.js';
import {
  ASSERTION_TYPE,
  clientAssertion,
  JWT_BEARER,
  postForm,
  rawRequest,
  secretRequest,
  TOKEN_EXCHANGE,
} from './requests.js';

let f: Fixture;
let idToken: string;

beforeAll(async () => {
  ({ fixture: f, idToken } = await startSignedInFixture());
});
afterAll(() => f.stop());

/** A valid token request for the org (a vaulted secret) or the default custom server (hop 2). */
async function validForm(at: 'org' | 'custom'): Promise<{ url: string; body: string }> {
  if (at === 'org') {
    const url = f.org.url('/oauth2/v1/token');
    const form = new URLSearchParams({
      grant_type: TOKEN_EXCHANGE,
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: await clientAssertion(url),
      ...secretRequest(idToken),
    });
    return { url, body: form.toString() };
  }
  const url = f.org.customServer('default').tokenEndpoint;
  const form = new URLSearchParams({
    grant_type: JWT_BEARER,
    assertion: await freshIdJag(f, idToken),
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: await clientAssertion(url),
  });
  return { url, body: form.toString() };
}

function post(url: string, body: string, headers: Record<string, string>) {
  return rawRequest(
    url,
    'POST',
    { 'Content-Length': String(Buffer.byteLength(body)), ...headers },
    body,
  );
}

const ENDPOINTS = [
  ['the org', 'org'],
  ['a custom server', 'custom'],
] as const;

describe('the token endpoints accept only form-encoded POSTs', () => {
  it.each(ENDPOINTS)(
    'refuses a form body with no Content-Type at %s, rather than reading no form',
    async (_name, at) => {
      const { url, body } = await validForm(at);
      const record = expectRefused(
        f,
        await post(url, body, {}),
        400,
        'invalid_request',
        /without a content-type/,
      );
      expect(record.server).toBe(
        at === 'org' ? f.org.issuer : f.org.customServer('default').issuer,
      );
    },
  );

  it.each(ENDPOINTS)('refuses a text/plain form body at %s', async (_name, at) => {
    const { url, body } = await validForm(at);
    const res = await post(url, body, { 'Content-Type': 'text/plain' });
    expectRefused(f, res, 400, 'invalid_request', /content-type text\/plain/);
  });

  it.each(ENDPOINTS)(
    'refuses a form body in a charset other than UTF-8 at %s',
    async (_name, at) => {
      const { url, body } = await validForm(at);
      for (const charset of ['utf-16', 'ISO-8859-1', '"us-ascii"']) {
        const res = await post(url, body, {
          'Content-Type': `application/x-www-form-urlencoded; charset=${charset}`,
        });
        expectRefused(f, res, 400, 'invalid_request', /charset/);
      }
    },
  );

  it('accepts a form body declared as UTF-8, in any spelling', async () => {
    for (const charset of ['utf-8', 'UTF-8', '"utf-8"', 'utf8']) {
      const { url, body } = await validForm('org');
      const res = await post(url, body, {
        'Content-Type': `application/x-www-form-urlencoded;charset=${charset}`,
      });
      expect(res.status).toBe(200);
    }
    expectNoSecretInAudit(f);
  });

  it.each(
    ENDPOINTS.flatMap(([name, at]) => ['GET', 'PUT', 'DELETE'].map((m) => [m, name, at] as const)),
  )('answers %s at %s token endpoint with a JSON 405', async (method, _name, at) => {
    const url =
      at === 'org' ? f.org.url('/oauth2/v1/token') : f.org.customServer('default').tokenEndpoint;
    const res = await rawRequest(url, method, { Accept: 'application/json' });
    expectRefused(f, res, 405, 'invalid_request', /accepts only POST/);
    expect(res.headers.get('allow')).toBe('POST');
  });
});

describe('token endpoint errors are JSON', () => {
  it('answers JSON to a client that accepts only HTML', async () => {
    const url = f.org.url('/oauth2/v1/token');
    const html = { Accept: 'text/html' };
    const unknown = await postForm(
      url,
      { grant_type: TOKEN_EXCHANGE, client_id: 'nobody', client_secret: 'x' },
      html,
    );
    expectRefused(f, unknown, 401, 'invalid_client', /client not found/);
    const unsupported = await postForm(
      url,
      {
        grant_type: 'password',
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: await clientAssertion(url),
      },
      html,
    );
    expectRefused(f, unsupported, 400, 'unsupported_grant_type', /unsupported grant_type/);
  });
});

describe('a request target that is not a path', () => {
  it('is refused as a JSON invalid_request with no-store', async () => {
    for (const target of ['//', '//evil.example/oauth2/v1/token']) {
      const res = await rawRequest(f.org.issuer, 'GET', {}, undefined, target);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.body).toEqual({
        error: 'invalid_request',
        error_description: 'Malformed request target.',
      });
    }
  });
});
