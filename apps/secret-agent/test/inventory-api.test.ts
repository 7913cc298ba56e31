import type { RunningServer } from '@onbehalf/sample-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInventoryApi } from '../src/inventory-api.js';

const API_KEY = 'test-key-b81f2c';
let api: RunningServer;

beforeAll(async () => {
  api = await startInventoryApi({ apiKey: API_KEY });
});
afterAll(() => api.stop());

function inventory(headers: Record<string, string> = {}, path = '/inventory'): Promise<Response> {
  return fetch(`${api.url}${path}`, { headers });
}

describe('inventory API', () => {
  it('answers the stock list to a caller with the right key', async () => {
    const response = await inventory({ 'x-api-key': API_KEY });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.items.map((item: { sku: string }) => item.sku)).toEqual([
      'LAP-14',
      'MON-27',
      'DCK-USB',
    ]);
  });

  it('refuses a missing key with 401 missing_api_key and a challenge', async () => {
    const response = await inventory();
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('header="X-API-Key"');
    expect((await response.json()).error).toBe('missing_api_key');
  });

  it('refuses a wrong key, a key one character short and one with a suffix', async () => {
    for (const wrong of ['demo-api-key-7f3a', API_KEY.slice(0, -1), `${API_KEY}x`]) {
      const response = await inventory({ 'x-api-key': wrong });
      expect(response.status).toBe(401);
      expect((await response.json()).error).toBe('invalid_api_key');
    }
  });

  it('does not take the key from another header', async () => {
    const response = await inventory({ authorization: `Bearer ${API_KEY}` });
    expect(response.status).toBe(401);
  });

  it('answers 404 elsewhere and 405 for other methods', async () => {
    expect((await inventory({ 'x-api-key': API_KEY }, '/admin')).status).toBe(404);
    const post = await fetch(`${api.url}/inventory`, {
      method: 'POST',
      headers: { 'x-api-key': API_KEY },
    });
    expect(post.status).toBe(405);
  });

  it('refuses to start without a key', async () => {
    await expect(startInventoryApi({ apiKey: '' })).rejects.toThrow(/apiKey/);
  });
});
