import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import {
  CUSTOM_SERVER_ROUTES,
  customServerMetadata,
} from '../custom-server/custom-server-provider.js';
import { ORG_ROUTES, SIGN_IN_PATH } from '../org/org-provider.js';
import { handleSignIn } from '../org/sign-in-handler.js';
import type { CustomServerModel, OrgModel } from '../org-model.js';
import { sendJson } from './send-json.js';
import { oversizedBody, tokenRequestRefusal } from './token-request-guard.js';

/** The request handlers the router dispatches to. */
export interface Routes {
  org: OrgModel;
  orgProvider: Provider;
  customServers: ReadonlyMap<string, { model: CustomServerModel; provider: Provider }>;
}

/** Largest body accepted on any endpoint, in bytes; oidc-provider's own cap is lower still. */
export const MAX_BODY_BYTES = 64 * 1024;

function notFound(res: ServerResponse): void {
  sendJson(res, 404, { error: 'not_found', error_description: 'No such endpoint.' });
}

/**
 * Dispatches one HTTP request: `/oauth2/{id}/...` to that custom server (its token endpoint,
 * key set and metadata only), `/signin/...` to the sign-in page, everything else to the org's
 * oidc-provider. A request to a token endpoint that is not a form `POST` is refused (and audited)
 * before it is read (see `tokenRequestRefusal`), as is any declared body over
 * {@link MAX_BODY_BYTES}.
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
    // A target that reads as a scheme-relative URL (`//`, `//host/...`) names no path here.
    const target = req.url ?? '/';
    const url = target.startsWith('//') ? null : URL.parse(target, 'http://localhost');
    if (url === null) {
      sendJson(res, 400, {
        error: 'invalid_request',
        error_description: 'Malformed request target.',
      });
      return;
    }
    const path = url.pathname;

    const custom = /^\/oauth2\/([^/]+)(\/.*)?$/.exec(path);
    const server = custom?.[1] === undefined ? undefined : customCallbacks.get(custom[1]);
    const tokenEndpoint = server
      ? custom?.[2] === CUSTOM_SERVER_ROUTES.token
      : path === ORG_ROUTES.token;

    const refusal = tokenEndpoint
      ? tokenRequestRefusal(req, path, MAX_BODY_BYTES)
      : oversizedBody(req, path, MAX_BODY_BYTES);
    if (refusal) {
      if (tokenEndpoint) {
        routes.org.audit.write({
          server: server?.model.issuer ?? routes.org.issuer,
          decision: 'deny',
          status: refusal.status,
          error: 'invalid_request',
          reason: refusal.reason,
        });
      }
      // The body was not read: the connection cannot carry another request.
      sendJson(
        res,
        refusal.status,
        { error: 'invalid_request', error_description: refusal.description },
        { ...refusal.headers, Connection: 'close' },
      );
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
