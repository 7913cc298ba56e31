import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';

/** A real JWKS endpoint on 127.0.0.1 that counts its requests and can misbehave on demand. */
export interface JwksServer {
  url: string;
  /** Requests received so far. */
  requests: number;
  /** The keys it publishes; change them to rotate. */
  keys: JWK[];
  /** Replaces the normal answer (status 200, JSON) with a custom handler. */
  handler?: (req: IncomingMessage, res: ServerResponse) => void;
  close(): Promise<void>;
}

export async function startJwksServer(keys: JWK[]): Promise<JwksServer> {
  const state: JwksServer = {
    url: '',
    requests: 0,
    keys,
    close: async () => {},
  };
  const server: Server = createServer((req, res) => {
    state.requests += 1;
    if (state.handler) {
      state.handler(req, res);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: state.keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.url = `http://127.0.0.1:${port}/oauth2/v1/keys`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
