import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import {
  CUSTOM_SERVER_ROUTES,
  customServerMetadata,
} from '../custom-server/custom-server-provider.js';
import { ORG_ROUTES, SIGN_IN_PATH } from '../org/org-provider.js';
import { handleSignIn } from '../org/sign-in-handler.js';
import type { CustomServerModel, OrgModel } from '../org-model.js';

/** The request handlers the router dispatches to. */
export interface Routes {
  org: OrgModel;
  orgProvider: Provider;
  customServers: ReadonlyMap<string, { model: CustomServerModel; provider: Provider }>;
}

/** Largest body accepted on any endpoint, in bytes; oidc-provider's own cap is lower still. */
export const MAX_BODY_BYTES = 64 * 1024;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

function notFound(res: ServerResponse): void {
  sendJson(res, 404, { error: 'not_found', error_description: 'No such endpoint.' });
}

/**
 * Dispatches one HTTP request: `/oauth2/{id}/...` to that custom server (its token endpoint,
 * key set and metadata only), `/signin/...` to the sign-in page, everything else to the org's
 * oidc-provider. A declared body over {@link MAX_BODY_BYTES} is refused before it is read.
 */
export function createRouter(routes: Routes) {
  const orgCallback = routes.orgProvider.callback();
  const customCallbacks = new Map(
    [...routes.customServers].map(([id, entry]) => [
      id,
      { ...entry, callback: entry.provider.callback() },
    ]),
  );

  return async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;

    const custom = /^\/oauth2\/([^/]+)(\/.*)?$/.exec(path);
    const server = custom?.[1] === undefined ? undefined : customCallbacks.get(custom[1]);

    if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
      const tokenEndpoint = server
        ? custom?.[2] === CUSTOM_SERVER_ROUTES.token
        : path === ORG_ROUTES.token;
      if (tokenEndpoint) {
        routes.org.audit.write({
          server: server?.model.issuer ?? routes.org.issuer,
          decision: 'deny',
          status: 413,
          error: 'invalid_request',
          reason: `request body of ${req.headers['content-length']} bytes refused at ${path}`,
        });
      }
      res.setHeader('Connection', 'close');
      sendJson(res, 413, {
        error: 'invalid_request',
        error_description: 'The request body is too large.',
      });
      return;
    }

    if (server) {
      const rest = custom?.[2] ?? '/';
      if (rest === '/.well-known/oauth-authorization-server' && req.method === 'GET') {
        sendJson(res, 200, customServerMetadata(server.model));
        return;
      }
      if (rest === '/v1/token' || rest === '/v1/keys') {
        // oidc-provider derives its mount path from `originalUrl`, as behind Express.
        Object.assign(req, { originalUrl: req.url });
        req.url = `${rest}${url.search}`;
        await server.callback(req, res);
        return;
      }
      notFound(res);
      return;
    }

    if (path.startsWith(SIGN_IN_PATH)) {
      await handleSignIn(req, res, routes.orgProvider, routes.org);
      return;
    }
    if (path === '/.well-known/oauth-authorization-server') {
      req.url = `/.well-known/openid-configuration${url.search}`;
    }
    await orgCallback(req, res);
  };
}
