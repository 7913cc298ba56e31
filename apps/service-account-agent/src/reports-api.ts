import type { RequestListener } from 'node:http';
import {
  type ListenOptions,
  type RunningServer,
  safeEqual,
  sendJson,
  serve,
} from '@onbehalf/sample-kit';

/** The login the reports API accepts and where it listens. */
export interface ReportsApiOptions extends ListenOptions {
  /** The service account allowed in: what the vault holds for this API. */
  readonly username: string;
  readonly password: string;
}

const CHALLENGE = 'Basic realm="reports", charset="UTF-8"';
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The reports API: `GET /reports` answers the weekly report to a caller that logs in with HTTP
 * Basic authentication (RFC 7617) as the service account; user name and password are compared
 * in constant time, both always, so a wrong user name takes as long as a wrong password. A
 * missing, malformed (not base64 of UTF-8 `user:password`) or wrong login is refused with 401
 * and `WWW-Authenticate: Basic`.
 */
export function createReportsApi(options: ReportsApiOptions): RequestListener {
  if (options.username === '' || options.password === '') {
    throw new TypeError('"username" and "password" must not be empty.');
  }

  return (request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path !== '/reports') {
      sendJson(response, 404, { error: 'not_found' });
      return;
    }
    if (request.method !== 'GET') {
      sendJson(response, 405, { error: 'method_not_allowed' }, { allow: 'GET' });
      return;
    }

    const login = basicCredentials(request.headers.authorization);
    if (login === undefined) {
      sendJson(response, 401, { error: 'missing_credentials' }, { 'www-authenticate': CHALLENGE });
      return;
    }
    const userOk = safeEqual(login.username, options.username);
    const passwordOk = safeEqual(login.password, options.password);
    if (!(userOk && passwordOk)) {
      sendJson(response, 401, { error: 'invalid_credentials' }, { 'www-authenticate': CHALLENGE });
      return;
    }

    sendJson(response, 200, {
      account: login.username,
      report: { week: '2025-W14', openTodos: 7, closedTodos: 19, overdue: 2 },
    });
  };
}

/** Starts the reports API on `127.0.0.1` (a free port unless one is given). */
export async function startReportsApi(options: ReportsApiOptions): Promise<RunningServer> {
  return serve(createReportsApi(options), options);
}

/** The user name and password of an `Authorization: Basic` header (RFC 7617 §2). */
function basicCredentials(
  header: string | undefined,
): { username: string; password: string } | undefined {
  const match = /^Basic +([A-Za-z0-9+/]+=*) *$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  let decoded: string;
  try {
    decoded = UTF8.decode(Buffer.from(match[1], 'base64'));
  } catch {
    // Not UTF-8 (the charset the challenge announces): malformed, never decoded to U+FFFD.
    return undefined;
  }
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
