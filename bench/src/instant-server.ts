import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A token endpoint on 127.0.0.1 that answers every POST at once with a vaulted secret. */
export interface InstantServer {
  /** `http://127.0.0.1:PORT/oauth2/v1/token`. */
  readonly tokenEndpoint: string;
  /** Token requests received so far. */
  readonly requests: number;
  /** Sets the delay before each answer, in milliseconds (0: answer at once). */
  setDelay(ms: number): void;
  /** Resets the request counter. */
  resetCount(): void;
  close(): Promise<void>;
}

/** The vaulted-secret answer every request gets (WIRE.md, resource type 2). */
export const INSTANT_ANSWER = JSON.stringify({
  issued_token_type: 'urn:okta:params:oauth:token-type:vaulted-secret',
  vaulted_secret: { apiKey: 'bench-api-key' },
  token_type: 'N_A',
  expires_in: 300,
});

/**
 * Starts a server that reads the whole form body and answers 200 with {@link INSTANT_ANSWER}:
 * the fastest a token endpoint can be, so that what is measured is the client.
 */
export async function startInstantServer(): Promise<InstantServer> {
  let requests = 0;
  let delay = 0;
  const answer = (res: ServerResponse) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(INSTANT_ANSWER);
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      requests += 1;
      if (delay > 0) setTimeout(() => answer(res), delay);
      else answer(res);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    tokenEndpoint: `http://127.0.0.1:${port}/oauth2/v1/token`,
    get requests() {
      return requests;
    },
    setDelay(ms) {
      delay = ms;
    },
    resetCount() {
      requests = 0;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
