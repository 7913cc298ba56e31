import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { ExchangeError } from '../src/index.js';
import type { Reply } from './support/auth-server.js';
import { closeServersAfterEach, setup, track } from './support/client.js';
import { makeIdToken, THING_TOKEN_TYPE } from './support/fixtures.js';
import { sendJson, startServer } from './support/http-server.js';

closeServersAfterEach();

async function failWith(reply: Reply, clientOptions = {}) {
  const { as, client } = await setup({ reply }, clientOptions);
  const subjectToken = await makeIdToken();
  const error = (await client.exchange('thing', { subjectToken, resource: 'orn:r' }).then(
    () => undefined,
    (e: unknown) => e,
  )) as ExchangeError | undefined;
  if (error === undefined) throw new Error('expected the exchange to fail');
  return { error, as, subjectToken };
}

const raw =
  (status: number, type: string, body: string) =>
  ({ response }: { response: ServerResponse }) => {
    response.writeHead(status, { 'content-type': type });
    response.end(body);
  };

const success = (fields: Record<string, unknown>): Reply => {
  return ({ request, response }) =>
    sendJson(response, 200, {
      issued_token_type: request.form.get('requested_token_type'),
      token_type: 'N_A',
      access_token: 'opaque',
      expires_in: 300,
      ...fields,
    });
};

describe('hostile responses', () => {
  it('a server that never answers hits the deadline', async () => {
    const { error, as } = await failWith(() => undefined, { timeoutMs: 300 });
    expect(error.code).toBe('timeout');
    expect(error.step).toBe('send');
    expect(error.retryable).toBe(true);
    expect(as.tokenRequests()).toHaveLength(1);
  });

  it('a body that never finishes hits the deadline too', async () => {
    const { error } = await failWith(
      ({ response }) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('{"access_token":');
      },
      { timeoutMs: 300 },
    );
    expect(error.code).toBe('timeout');
  });

  it('a 5 MB body is cut off at the size cap, declared or streamed', async () => {
    const big = `{"access_token":"${'x'.repeat(5 * 1024 * 1024)}"}`;
    const declared = await failWith(raw(200, 'application/json', big));
    expect(declared.error.code).toBe('response_too_large');
    const streamed = await failWith(({ response }) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      const chunk = 'x'.repeat(64 * 1024);
      for (let i = 0; i < 80; i += 1) response.write(chunk);
      response.end();
    });
    expect(streamed.error.code).toBe('response_too_large');
    expect(streamed.error.retryable).toBe(false);
  });

  it('a 302 to another host is not followed', async () => {
    const elsewhere = track(
      await startServer((_request, response) => sendJson(response, 200, { access_token: 'x' })),
    );
    const { error } = await failWith(({ response }) => {
      response.writeHead(302, { location: `${elsewhere.url}/steal` });
      response.end();
    });
    expect(error.code).toBe('invalid_response');
    expect(error.status).toBe(302);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('an answer an injected fetch got by following a redirect anyway is refused', async () => {
    const elsewhere = track(
      await startServer((request, response) =>
        sendJson(response, 200, {
          issued_token_type: request.form.get('requested_token_type'),
          access_token: 'from-elsewhere',
          token_type: 'N_A',
          expires_in: 300,
        }),
      ),
    );
    const { error } = await failWith(
      ({ response }) => {
        response.writeHead(307, { location: `${elsewhere.url}/steal` });
        response.end();
      },
      {
        fetch: (url: string | URL | Request, init?: RequestInit) =>
          fetch(url, { ...init, redirect: 'follow' }),
      },
    );
    // The wrapper did follow: the refusal comes from core, not from fetch.
    expect(elsewhere.requests).toHaveLength(1);
    expect(error).toMatchObject({ code: 'invalid_response', step: 'send', status: 200 });
    expect(error.message).toContain('redirect');
  });

  it('text/html with status 200 and 502 is an invalid response', async () => {
    const ok = await failWith(raw(200, 'text/html', '<html>{"access_token":"x"}</html>'));
    expect(ok.error.code).toBe('invalid_response');
    expect(ok.error.status).toBe(200);
    const gateway = await failWith(raw(502, 'text/html', '<html>bad gateway</html>'), {
      retry: { attempts: 1 },
    });
    expect(gateway.error.code).toBe('invalid_response');
    expect(gateway.error.status).toBe(502);
    expect(gateway.error.retryable).toBe(true);
  });

  it.each(['null', '[]', '""', '', '{"access_token":', '42'])(
    'a body of %j is refused',
    async (body) => {
      const { error } = await failWith(raw(200, 'application/json', body));
      expect(error.code).toBe('invalid_response');
      expect(error.step).toBe('parse');
    },
  );

  it.each([
    ['access_token null', { access_token: null }],
    ['expires_in -1', { expires_in: -1 }],
    ['expires_in "abc"', { expires_in: 'abc' }],
    ['expires_in 1e308', { expires_in: 1e308 }],
    ['expires_in 1.5', { expires_in: 1.5 }],
    ['token_type "mac"', { token_type: 'mac' }],
  ])('%s is refused by the schema, naming the field', async (_name, fields) => {
    const { error } = await failWith(success(fields));
    expect(error.code).toBe('invalid_response');
    expect(error.message).toContain(`"${Object.keys(fields)[0]}"`);
  });

  it('issued_token_type must be present and equal to the requested type', async () => {
    const missing = await failWith(success({ issued_token_type: undefined }));
    expect(missing.error.code).toBe('invalid_response');
    expect(missing.error.message).toContain('"issued_token_type" is missing');
    const other = await failWith(
      success({ issued_token_type: 'urn:ietf:params:oauth:token-type:access_token' }),
    );
    expect(other.error.message).toContain('"issued_token_type" differs');
  });

  it('a 10 KB error_description is capped and stripped of control characters', async () => {
    const { error } = await failWith(({ response }) =>
      sendJson(response, 400, {
        error: 'invalid_request',
        error_description: `\u001b[31mbad\r\n${'a b '.repeat(2500)}`,
      }),
    );
    expect(error.code).toBe('oauth_error');
    expect(error.errorDescription?.length).toBeLessThanOrEqual(301);
    expect(error.errorDescription?.startsWith('[31mbad')).toBe(true);
    expect(JSON.stringify(error).length).toBeLessThan(2000);
  });

  it('an error_description that echoes the subject token is redacted', async () => {
    const { error, subjectToken } = await failWith(({ request, response }) =>
      sendJson(response, 400, {
        error: 'invalid_grant',
        error_description: `bad token ${request.form.get('subject_token')} and ${request.form.get('client_assertion')}`,
      }),
    );
    expect(error.errorDescription).toContain('[redacted]');
    expect(JSON.stringify(error)).not.toContain(subjectToken.slice(20));
  });

  it('a non-RFC error code is not trusted as one', async () => {
    const { error } = await failWith(({ response }) =>
      sendJson(response, 400, { error: 'bad"\nerror' }),
    );
    expect(error.code).toBe('invalid_response');
    expect(error.error).toBeUndefined();
  });

  it('extra response fields never reach the credential', async () => {
    const { client } = await setup({
      reply: raw(
        200,
        'application/json',
        `{"issued_token_type":"${THING_TOKEN_TYPE}","access_token":"o","token_type":"N_A",` +
          '"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"extra":"x"}',
      ),
    });
    const credential = await client.exchange('thing', {
      subjectToken: await makeIdToken(),
      resource: 'orn:r',
    });
    expect(Object.keys(credential).sort()).toEqual(['expiresAt', 'token']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((credential as unknown as Record<string, unknown>).polluted).toBeUndefined();
  });
});
