import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** A started HTTP server: its base URL (no trailing slash) and how to stop it. */
export interface RunningServer {
  readonly url: string;
  stop(): Promise<void>;
}

/** Where to listen: loopback and a free port unless told otherwise. */
export interface ListenOptions {
  /** Defaults to `127.0.0.1`. */
  readonly host?: string | undefined;
  /** Defaults to 0: a free port. */
  readonly port?: number | undefined;
  /** Time a client has to send a request's headers, in ms; then 408 and close. Default 5000. */
  readonly headersTimeoutMs?: number | undefined;
}

/**
 * Starts a `node:http` server for `handler`, with timeouts against slow clients, and resolves
 * once it listens. Stopping closes idle and open connections.
 */
export async function serve(
  handler: RequestListener,
  options: ListenOptions = {},
): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const headersTimeout = options.headersTimeoutMs ?? 5_000;
  const server = createServer(
    {
      requestTimeout: Math.max(10_000, headersTimeout),
      headersTimeout,
      // Node checks the two timeouts above only this often (30 s by default): without it a slow
      // client could hold a connection for up to 30 s past its deadline.
      connectionsCheckingInterval: Math.min(1_000, headersTimeout),
    },
    handler,
  );
  server.keepAliveTimeout = 2_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Sends a JSON answer with `Cache-Control: no-store` and any extra headers. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  response.end(text);
}

/** Thrown by `readJsonBody` for a body that is too large, not JSON, or of another media type. */
export class BodyError extends Error {
  override readonly name = 'BodyError';
  constructor(
    message: string,
    readonly status: 400 | 413 | 415,
  ) {
    super(message);
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Reads a JSON request body of at most `maxBytes`, UTF-8 only. */
export async function readJsonBody(request: IncomingMessage, maxBytes = 4096): Promise<unknown> {
  const type = request.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new BodyError('The body must be application/json.', 415);
  }

  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).byteLength;
    if (size > maxBytes) throw new BodyError(`The body must be at most ${maxBytes} bytes.`, 413);
    chunks.push(chunk as Buffer);
  }

  try {
    // fatal: bytes that are not UTF-8 (RFC 8259 §8.1) are refused, not replaced with U+FFFD.
    return JSON.parse(UTF8.decode(Buffer.concat(chunks)));
  } catch {
    throw new BodyError('The body is not valid JSON.', 400);
  }
}
