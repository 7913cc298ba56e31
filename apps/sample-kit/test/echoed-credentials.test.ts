import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResourceError, runPath, tracingFetch } from '../src/index.js';

const API_KEY = 'api-key-echoed-8c1d';
const PASSWORD = 'svc-password-echoed-2b7e';
let base: string;
let close: () => void;
let token: string;

/** A resource that answers with whatever credential it was sent, under innocent names. */
beforeAll(async () => {
  const { privateKey } = await generateKeyPair('ES256');
  token = await new SignJWT({ sub: '00u-demo' })
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' })
    .sign(privateKey);
  const server = createServer((request, response) => {
    const echo = {
      key: request.headers['x-api-key'],
      auth: request.headers.authorization,
      note: `your password was ${
        Buffer.from((request.headers.authorization ?? '').replace(/^Basic /, ''), 'base64')
          .toString('utf8')
          .split(':')[1]
      }`,
    };
    const status = request.url === '/refuse' ? 401 : 200;
    response.writeHead(status, {
      'content-type': 'application/json',
      'www-authenticate': `Bearer error="${echo.key ?? 'x'}"`,
    });
    response.end(JSON.stringify({ ...echo, stray: token }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(() => close());

const traced = () =>
  tracingFetch({ caller: 'AI agent', participants: [{ name: 'API', baseUrl: base }] });

describe('credentials a server echoes back', () => {
  it('are masked in the hops, the answer and the summary', async () => {
    const fetchImpl = traced();
    const result = await runPath('secret', 'echo', async () => {
      const response = await fetchImpl(`${base}/ok`, {
        headers: {
          'x-api-key': API_KEY,
          authorization: `Basic ${Buffer.from(`svc:${PASSWORD}`).toString('base64')}`,
        },
      });
      const answer = (await response.json()) as Record<string, string>;
      return { credential: [], answer, summary: `got ${answer.key}` };
    });
    const shown = JSON.stringify(result);
    expect(result.ok).toBe(true);
    expect(shown).not.toContain(API_KEY);
    expect(shown).not.toContain(PASSWORD);
    expect(shown).not.toContain(token);
    expect(shown).toContain('•••••••• masked');
    expect(result.summary).toBe('got •••••••• masked');
  });

  it('are masked in a failure built from the server’s refusal', async () => {
    const fetchImpl = traced();
    const result = await runPath('secret', 'echo', async () => {
      const response = await fetchImpl(`${base}/refuse`, { headers: { 'x-api-key': API_KEY } });
      throw await ResourceError.from('API', response);
    });
    expect(result.ok).toBe(false);
    expect(result.failure?.serverError).toBe('•••••••• masked');
    expect(JSON.stringify(result)).not.toContain(API_KEY);
  });
});
