import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, serve } from '../src/index.js';

let server: RunningServer;

beforeAll(async () => {
  server = await serve((_req, res) => res.end('ok'), { headersTimeoutMs: 300 });
});
afterAll(() => server.stop());

describe('serve', () => {
  // Node checks header deadlines every 30 s unless told otherwise, so without a checking interval
  // tied to the deadline this request would be held for up to 30 s and the test would time out.
  it('closes a request whose headers never end soon after the header deadline', async () => {
    const { hostname, port } = new URL(server.url);
    const received = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () =>
        socket.write(`GET / HTTP/1.1\r\nHost: ${hostname}\r\nX-Slow: 1`),
      );
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        text += chunk;
      });
      socket.on('error', reject);
      socket.on('close', () => resolve(text));
    });
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
  }, 5_000);
});
