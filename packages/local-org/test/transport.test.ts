import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type LocalOrg, startLocalOrg } from '../src/index.js';

let org: LocalOrg;

beforeAll(async () => {
  org = await startLocalOrg(undefined, { headersTimeoutMs: 500, requestTimeoutMs: 1_000 });
});
afterAll(() => org.stop());

/**
 * Opens a raw connection, writes `head` (and nothing more, ever), and resolves with everything
 * the server sent once it closes the connection.
 */
function stall(head: string): Promise<string> {
  const { hostname, port } = new URL(org.issuer);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(head));
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
  });
}

describe('server timeouts against slow clients', () => {
  it('answers 408 and closes a chunked token request whose body stalls, printing nothing', async () => {
    const printed = vi.spyOn(console, 'error');
    const host = new URL(org.issuer).host;
    const received = await stall(
      [
        'POST /oauth2/v1/token HTTP/1.1',
        `Host: ${host}`,
        'Content-Type: application/x-www-form-urlencoded',
        'Transfer-Encoding: chunked',
        '',
        '5',
        'grant',
        '',
      ].join('\r\n'),
    );
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    // The server's own error for the request surfaces after the connection closed.
    await new Promise((resolve) => setImmediate(resolve));
    expect(printed).not.toHaveBeenCalled();
    printed.mockRestore();
  }, 15_000);

  it('answers 408 and closes a request whose headers never end', async () => {
    const host = new URL(org.issuer).host;
    const received = await stall(`GET /oauth2/v1/keys HTTP/1.1\r\nHost: ${host}\r\nX-Slow: 1`);
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
  }, 15_000);

  it('still answers other requests meanwhile', async () => {
    const response = await fetch(org.url('/oauth2/v1/keys'));
    expect(response.status).toBe(200);
  });

  it('refuses timeouts that make no sense', async () => {
    await expect(startLocalOrg(undefined, { requestTimeoutMs: 0 })).rejects.toThrow(
      /requestTimeoutMs/,
    );
    await expect(
      startLocalOrg(undefined, { headersTimeoutMs: 5_000, requestTimeoutMs: 1_000 }),
    ).rejects.toThrow(/headersTimeoutMs/);
  });
});
