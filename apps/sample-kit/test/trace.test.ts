import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  captureTrace,
  formatResult,
  type PathResult,
  runPath,
  tracingFetch,
} from '../src/index.js';

const SECRET = 'vault-value-93ab1';
const PASSWORD = 'svc-password-71cd';
const CLIENT_SECRET = 'client-secret-4411';
const API_KEY = 'api-key-55e0';
let base: string;
let close: () => void;
let idToken: string;
let issued: string;
const seen: { form: string; authorization: string | undefined }[] = [];

async function body(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += chunk;
  return text;
}

beforeAll(async () => {
  const { privateKey } = await generateKeyPair('ES256');
  const sign = (claims: Record<string, unknown>, typ: string) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ, kid: 'k1' }).sign(privateKey);
  idToken = await sign({ iss: 'https://org', sub: '00u-demo', aud: 'demo-web', exp: 2e9 }, 'JWT');
  issued = await sign(
    { iss: 'https://org', aud: 'https://org/oauth2/default' },
    'oauth-id-jag+jwt',
  );

  const server = createServer(async (request, response) => {
    seen.push({ form: await body(request), authorization: request.headers.authorization });
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    response.end(
      JSON.stringify({
        access_token: issued,
        issued_token_type: 'urn:ietf:params:oauth:token-type:id-jag',
        token_type: 'N_A',
        vaulted_secret: { apiKey: SECRET },
        service_account: { username: 'svc-reports', password: PASSWORD },
        items: [{ sku: 'A', password: PASSWORD }],
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(() => close());

function exchange(fetchImpl: typeof fetch): Promise<Response> {
  return fetchImpl(`${base}/oauth2/v1/token?debug=${SECRET}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`wlp-agent:${CLIENT_SECRET}`).toString('base64')}`,
      'x-api-key': API_KEY,
    },
    body: new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      requested_token_type: 'urn:ietf:params:oauth:token-type:id-jag',
      subject_token: idToken,
      subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
      client_secret: CLIENT_SECRET,
    }),
  });
}

const traced = () =>
  tracingFetch({
    caller: 'AI agent',
    participants: [
      { name: 'Org', baseUrl: base },
      { name: 'Custom server', baseUrl: `${base}/oauth2/default` },
    ],
  });

describe('tracingFetch', () => {
  it('records a hop with tokens decoded, secrets masked, and passes the request through', async () => {
    const fetchImpl = traced();
    const captured = await captureTrace(async () => (await exchange(fetchImpl)).json());
    expect(captured.ok).toBe(true);
    if (!captured.ok) return;

    // The server got the request unchanged, and the caller the response unchanged.
    expect(new URLSearchParams(seen.at(-1)?.form).get('subject_token')).toBe(idToken);
    expect(captured.value.vaulted_secret.apiKey).toBe(SECRET);

    const [hop] = captured.hops;
    expect(captured.hops).toHaveLength(1);
    expect(hop).toMatchObject({
      from: 'AI agent',
      to: 'Org',
      method: 'POST',
      url: `${base}/oauth2/v1/token`,
      status: 200,
      step: 'Token exchange (RFC 8693): ID token → ID-JAG',
    });
    const field = (list: readonly { name: string; value: unknown }[], name: string) =>
      list.find((entry) => entry.name === name)?.value;
    expect(field(hop?.request ?? [], 'subject_token')).toMatchObject({
      kind: 'jwt',
      header: { alg: 'ES256', typ: 'JWT' },
      claims: { sub: '00u-demo', aud: 'demo-web' },
    });
    expect(field(hop?.request ?? [], 'client_secret')).toEqual({ kind: 'masked' });
    expect(field(hop?.request ?? [], 'Authorization: Basic user')).toEqual({
      kind: 'text',
      text: 'wlp-agent',
    });
    expect(field(hop?.response ?? [], 'access_token')).toMatchObject({
      kind: 'jwt',
      header: { typ: 'oauth-id-jag+jwt' },
    });
    expect(field(hop?.response ?? [], 'vaulted_secret.apiKey')).toEqual({ kind: 'masked' });
    expect(field(hop?.response ?? [], 'service_account.username')).toEqual({
      kind: 'text',
      text: 'svc-reports',
    });
    expect(field(hop?.response ?? [], 'service_account.password')).toEqual({ kind: 'masked' });

    const recorded = JSON.stringify(captured.hops);
    for (const value of [SECRET, PASSWORD, CLIENT_SECRET, API_KEY, idToken, issued]) {
      expect(recorded).not.toContain(value);
    }
    // No signature either: the third part of a JWT never appears.
    expect(recorded).not.toContain(idToken.split('.')[2]);
  });

  it('names the longest matching participant', async () => {
    const fetchImpl = traced();
    const captured = await captureTrace(() =>
      fetchImpl(`${base}/oauth2/default/v1/token`, { method: 'POST' }),
    );
    expect(captured.hops[0]?.to).toBe('Custom server');
  });

  it('does not take a longer port or path for a participant (…:80 is not …:8080)', async () => {
    const fetchImpl = tracingFetch({
      caller: 'AI agent',
      participants: [{ name: 'Org', baseUrl: base.slice(0, -1) }],
    });
    const captured = await captureTrace(() =>
      fetchImpl(`${base}/oauth2/v1/token`, { method: 'POST' }),
    );
    expect(captured.hops[0]?.to).toBe(new URL(base).host);
  });

  it('records nothing outside captureTrace', async () => {
    const fetchImpl = traced();
    const outside = await captureTrace(async () => 'nothing');
    await exchange(fetchImpl);
    expect(outside.hops).toEqual([]);
  });

  it('keeps concurrent traces apart', async () => {
    const fetchImpl = traced();
    const one = captureTrace(async () => {
      await exchange(fetchImpl);
      await exchange(fetchImpl);
    });
    const two = captureTrace(() => exchange(fetchImpl));
    const [first, second] = await Promise.all([one, two]);
    expect(first.hops).toHaveLength(2);
    expect(second.hops).toHaveLength(1);
  });

  it('records a hop that got no answer, and the error still reaches the caller', async () => {
    const fetchImpl = tracingFetch({ caller: 'AI agent', participants: [] });
    const captured = await captureTrace(() => fetchImpl('http://127.0.0.1:1/token'));
    expect(captured.ok).toBe(false);
    expect(captured.hops[0]).toMatchObject({ to: '127.0.0.1:1', failure: expect.any(String) });
    expect(captured.hops[0]?.status).toBeUndefined();
  });
});

describe('runPath and formatResult', () => {
  it('prints hops and the answer with tokens decoded and nothing secret', async () => {
    const fetchImpl = traced();
    const result: PathResult = await runPath('secret', 'Vaulted secret', async () => {
      const answer = await (await exchange(fetchImpl)).json();
      return { credential: [], answer, summary: 'ok' };
    });
    expect(result.ok).toBe(true);
    const text = formatResult(result);
    expect(text).toContain('1. AI agent → Org');
    expect(text).toMatch(/\n +sub +00u-demo\n/);
    expect(text).toContain('decoded, not verified; signature not shown');
    expect(text).toContain('•••••••• (secret, masked)');
    for (const value of [SECRET, PASSWORD, CLIENT_SECRET, API_KEY, idToken, issued]) {
      expect(text).not.toContain(value);
    }
  });

  it('turns an error into a failure with a code and advice, never rethrowing', async () => {
    const result = await runPath('xaa', 'Cross App Access', async () => {
      throw new TypeError('boom');
    });
    expect(result).toMatchObject({ ok: false, failure: { kind: 'unexpected', code: 'TypeError' } });
    expect(formatResult(result)).toContain('FAILED: TypeError');
  });
});
