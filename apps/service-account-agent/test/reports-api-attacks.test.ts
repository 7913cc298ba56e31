import { request } from 'node:http';
import type { RunningServer } from '@onbehalf/sample-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReportsApi } from '../src/reports-api.js';

const USERNAME = 'svc-test';
const PASSWORD = 'pw:with:colons-\u00e9';
let api: RunningServer;

beforeAll(async () => {
  api = await startReportsApi({ username: USERNAME, password: PASSWORD });
});
afterAll(() => api.stop());

/** Logs in with the given bytes as `user-id ":" password` (RFC 7617 §2). */
async function login(bytes: Buffer, scheme = 'Basic'): Promise<number> {
  const response = await fetch(`${api.url}/reports`, {
    headers: { authorization: `${scheme} ${bytes.toString('base64')}` },
  });
  await response.arrayBuffer();
  return response.status;
}

const utf8 = (text: string) => Buffer.from(text, 'utf8');

describe('reports API under attack', () => {
  it('accepts the account, whose password has colons and a non-ASCII letter (control)', async () => {
    expect(await login(utf8(`${USERNAME}:${PASSWORD}`))).toBe(200);
    expect(await login(utf8(`${USERNAME}:${PASSWORD}`), 'bAsIc')).toBe(200);
  });

  it('refuses a colon moved between user name and password', async () => {
    expect(await login(utf8(`${USERNAME}:pw:${PASSWORD}`))).toBe(401);
  });

  it('refuses passwords differing in case, length, or encoding', async () => {
    for (const password of [
      PASSWORD.toUpperCase(),
      PASSWORD.slice(0, -1),
      `${PASSWORD} `,
      `${PASSWORD}${PASSWORD}`,
    ]) {
      expect(await login(utf8(`${USERNAME}:${password}`)), password).toBe(401);
    }
    // The same text in Latin-1 is other bytes.
    expect(await login(Buffer.from(`${USERNAME}:${PASSWORD}`, 'latin1'))).toBe(401);
  });

  it('refuses bytes that are not UTF-8 instead of decoding them to U+FFFD', async () => {
    const replacement = await startReportsApi({ username: 'svc', password: 'pw-\ufffd' });
    try {
      const send = async (bytes: Buffer) => {
        const response = await fetch(`${replacement.url}/reports`, {
          headers: { authorization: `Basic ${bytes.toString('base64')}` },
        });
        await response.arrayBuffer();
        return response.status;
      };
      expect(await send(utf8('svc:pw-\ufffd'))).toBe(200);
      expect(await send(Buffer.concat([utf8('svc:pw-'), Buffer.from([0xff])]))).toBe(401);
      expect(await send(Buffer.concat([utf8('svc:pw-'), Buffer.from([0xc3])]))).toBe(401);
    } finally {
      await replacement.stop();
    }
  });

  it('refuses a huge or malformed Authorization header and stays up', async () => {
    const huge = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${api.url}/reports`);
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          headers: { authorization: `Basic ${'A'.repeat(20_000)}` },
        },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect([401, 431]).toContain(huge);
    for (const header of ['Basic', 'Basic ', 'Basic ====', 'Basic a b', 'Basic\tAAAA']) {
      const response = await fetch(`${api.url}/reports`, { headers: { authorization: header } });
      expect(response.status, header).toBe(401);
    }
    expect(await login(utf8(`${USERNAME}:${PASSWORD}`))).toBe(200);
  });
});
