import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a double received, body parsed as a form. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly form: URLSearchParams;
}

/** What a double answers: a status and a JSON body. */
export interface DoubleReply {
  readonly status?: number;
  readonly body: unknown;
}

/** A small `node:http` server on 127.0.0.1, port 0, that records every request. */
export interface HttpDouble {
  readonly origin: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Starts a server that answers each request with `handle`'s JSON reply and records it. */
export async function startHttpDouble(
  handle: (request: RecordedRequest, origin: string) => DoubleReply | Promise<DoubleReply>,
): Promise<HttpDouble> {
  const requests: RecordedRequest[] = [];
  let origin = '';
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', origin);
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      headers: req.headers,
      form: new URLSearchParams(Buffer.concat(chunks).toString('utf8')),
    };
    requests.push(recorded);
    const reply = await handle(recorded, origin);
    res.writeHead(reply.status ?? 200, {
      'content-type': 'application/json',
      'cache-control': 'no-store',
    });
    res.end(JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Authorization server metadata (RFC 8414) for a double whose issuer is its origin. */
export function metadataFor(origin: string): Record<string, unknown> {
  return {
    issuer: origin,
    token_endpoint: `${origin}/token`,
    jwks_uri: `${origin}/keys`,
    grant_types_supported: [
      'urn:ietf:params:oauth:grant-type:token-exchange',
      'urn:ietf:params:oauth:grant-type:jwt-bearer',
    ],
  };
}

/** True for either discovery path, appended to the issuer (OIDC Discovery, RFC 8414). */
export function isDiscovery(request: RecordedRequest): boolean {
  return (
    request.method === 'GET' &&
    (request.path.endsWith('/.well-known/openid-configuration') ||
      request.path.endsWith('/.well-known/oauth-authorization-server'))
  );
}

/** An org double that serves its metadata and answers every other request with `body`. */
export function startAnsweringOrg(body: unknown): Promise<HttpDouble> {
  return startHttpDouble((request, origin) =>
    isDiscovery(request) ? { body: metadataFor(origin) } : { body },
  );
}
