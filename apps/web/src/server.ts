import { getRequestListener } from '@hono/node-server';
import { type ListenOptions, type RunningServer, serve } from '@onbehalf/sample-kit';

/** A listening web server whose app is mounted once its own URL is known. */
export interface WebServer extends RunningServer {
  /** The callback URL to register at the org: `${url}/callback`. */
  readonly callbackUrl: string;
  /** Starts serving `app`; until then every request gets 503. */
  mount(app: { fetch: (request: Request) => Response | Promise<Response> }): void;
}

/**
 * Starts listening first (port 0 picks a free port), so the redirect URI can be registered at
 * the org before the app, which needs the org, is built.
 */
export async function startWebServer(options: ListenOptions = {}): Promise<WebServer> {
  let listener: ReturnType<typeof getRequestListener> | undefined;
  const server = await serve((request, response) => {
    if (listener) {
      listener(request, response);
      return;
    }
    response.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '1' });
    response.end('Starting…');
  }, options);

  return {
    url: server.url,
    callbackUrl: `${server.url}/callback`,
    stop: server.stop,
    mount(app) {
      listener = getRequestListener(app.fetch);
    },
  };
}
