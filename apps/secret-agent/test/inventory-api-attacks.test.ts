import { request } from 'node:http';
import type { RunningServer } from '@onbehalf/sample-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInventoryApi } from '../src/inventory-api.js';

const API_KEY = 'Key-b81f2c-Secret';
let api: RunningServer;

beforeAll(async () => {
  api = await startInventoryApi({ apiKey: API_KEY });
});
afterAll(() => api.stop());

/** Sends raw header bytes, which fetch would refuse to send. */
function rawKey(bytes: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${api.url}/inventory`);
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        headers: { 'x-api-key': bytes.toString('latin1') },
      },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function status(key: string): Promise<number> {
  const response = await fetch(`${api.url}/inventory`, { headers: { 'x-api-key': key } });
  await response.arrayBuffer();
  return response.status;
}

describe('inventory API under attack', () => {
  it('accepts the key itself (control)', async () => {
    expect(await status(API_KEY)).toBe(200);
  });

  it('refuses a key differing only in case, in length, or in its last character', async () => {
    const variants = [
      API_KEY.toLowerCase(),
      API_KEY.toUpperCase(),
      API_KEY.slice(0, -1),
      `${API_KEY}t`,
      `${API_KEY.slice(0, -1)}u`,
      API_KEY.repeat(2),
      'x'.repeat(4000),
    ];
    for (const key of variants) expect(await status(key), key.slice(0, 30)).toBe(401);
  });

  it('refuses the key sent twice, and non-UTF-8 or non-ASCII bytes', async () => {
    const twice = await fetch(`${api.url}/inventory`, {
      headers: [
        ['x-api-key', API_KEY],
        ['x-api-key', API_KEY],
      ],
    });
    expect(twice.status).toBe(401);
    expect(await rawKey(Buffer.from(API_KEY, 'latin1'))).toBe(200);
    expect(await rawKey(Buffer.concat([Buffer.from(API_KEY), Buffer.from([0xff])]))).toBe(401);
    expect(await rawKey(Buffer.from(`${API_KEY.slice(0, -1)}\u00e9`, 'latin1'))).toBe(401);
  });
});
