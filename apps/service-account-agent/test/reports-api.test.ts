import type { RunningServer } from '@onbehalf/sample-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReportsApi } from '../src/reports-api.js';

const USERNAME = 'svc-test';
const PASSWORD = 'pw-c9e1-test';
let api: RunningServer;

beforeAll(async () => {
  api = await startReportsApi({ username: USERNAME, password: PASSWORD });
});
afterAll(() => api.stop());

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function reports(authorization?: string): Promise<Response> {
  return fetch(`${api.url}/reports`, { headers: authorization ? { authorization } : {} });
}

async function expectRefused(response: Response, error: string): Promise<void> {
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toBe('Basic realm="reports", charset="UTF-8"');
  expect((await response.json()).error).toBe(error);
}

describe('reports API', () => {
  it('answers the report to the service account', async () => {
    const response = await reports(basic(USERNAME, PASSWORD));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.account).toBe(USERNAME);
    expect(body.report.week).toMatch(/^\d{4}-W\d{2}$/);
  });

  it('accepts a password that contains a colon (RFC 7617: the first colon splits)', async () => {
    const api2 = await startReportsApi({ username: 'svc', password: 'a:b:c' });
    try {
      const response = await fetch(`${api2.url}/reports`, {
        headers: { authorization: basic('svc', 'a:b:c') },
      });
      expect(response.status).toBe(200);
    } finally {
      await api2.stop();
    }
  });

  it('refuses a missing login', async () => {
    await expectRefused(await reports(), 'missing_credentials');
  });

  it('refuses a malformed login (no colon, another scheme)', async () => {
    await expectRefused(
      await reports(`Basic ${Buffer.from(USERNAME).toString('base64')}`),
      'missing_credentials',
    );
    await expectRefused(await reports(`Bearer ${PASSWORD}`), 'missing_credentials');
  });

  it('refuses a wrong password, a wrong user name and swapped fields', async () => {
    await expectRefused(await reports(basic(USERNAME, 'demo-svc-password')), 'invalid_credentials');
    await expectRefused(await reports(basic('svc-reports', PASSWORD)), 'invalid_credentials');
    await expectRefused(await reports(basic(PASSWORD, USERNAME)), 'invalid_credentials');
  });

  it('refuses to start without a login', async () => {
    await expect(startReportsApi({ username: USERNAME, password: '' })).rejects.toThrow(/password/);
  });
});
