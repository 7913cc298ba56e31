import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import {
  BodyError,
  type ListenOptions,
  type RunningServer,
  readJsonBody,
  sendJson,
  serve,
} from '@onbehalf/sample-kit';
import { errors, type JWTPayload, jwtVerify } from 'jose';
import { z } from 'zod';
import { KeySetUnavailableError, remoteKeySet } from './key-set.js';

/** Where the todo API gets its access tokens verified. */
export interface TodoApiOptions extends ListenOptions {
  /** The custom authorization server's issuer, e.g. `https://acme.okta.com/oauth2/default`. */
  readonly issuer: string;
  /** Its key set, e.g. `https://acme.okta.com/oauth2/default/v1/keys`. */
  readonly jwksUri: string;
  /** The `aud` the tokens must carry. Defaults to `api://todo`. */
  readonly audience?: string | undefined;
  /** Allowed clock skew in seconds. Defaults to 30. */
  readonly clockToleranceSeconds?: number | undefined;
  /** Deadline of one key set download, in milliseconds. Defaults to 5 000. */
  readonly jwksTimeoutMs?: number | undefined;
}

/** One todo of one user. */
export interface Todo {
  readonly id: string;
  readonly title: string;
  readonly done: boolean;
  readonly createdAt: string;
}

const REALM = 'todo-api';
/** Seconds a caller is asked to wait when the key set cannot be had. */
const KEY_SET_RETRY_AFTER_SECONDS = 5;
const MAX_TOKEN_LENGTH = 8192;
const MAX_TODOS_PER_USER = 100;
const ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

const newTodoSchema = z.object({ title: z.string().trim().min(1).max(200) });

/** Scopes of an RFC 9068 access token: `scope` (space-separated) or Okta's `scp` array. */
const scopeClaimsSchema = z.object({
  scope: z.string().optional(),
  scp: z.array(z.string()).optional(),
});

/**
 * The todo API: `GET /todos` (scope `todo.read`) lists the caller's todos, `POST /todos` with
 * `{"title": "…"}` (scope `todo.write`) adds one. Every request needs an RFC 9068 JWT access
 * token (`typ: at+jwt`) from the custom authorization server, verified against its key set:
 * signature, issuer, audience, expiry. Refusals follow RFC 6750 §3: 401 with
 * `WWW-Authenticate: Bearer` (and `error="invalid_token"` when a token was sent but is not
 * good), 403 with `error="insufficient_scope"` and the scope needed. When the key set itself
 * cannot be downloaded or used, the token is not at fault: 503 with `Retry-After` and
 * `error: "temporarily_unavailable"`, and no challenge, so a caller keeps its token and retries.
 *
 * Todos live in memory, per user (`sub`), and are gone when the process stops.
 */
export function createTodoApi(options: TodoApiOptions): RequestListener {
  const keys = remoteKeySet(options.jwksUri, options.jwksTimeoutMs ?? 5000);
  const audience = options.audience ?? 'api://todo';
  const todos = new Map<string, Todo[]>();

  const authenticate = async (
    request: IncomingMessage,
    response: ServerResponse,
    scope: string,
  ): Promise<JWTPayload | undefined> => {
    const token = bearerToken(request.headers.authorization);
    if (token === undefined) {
      refuse(response, 401, `Bearer realm="${REALM}", scope="${scope}"`, {
        error: 'invalid_request',
        error_description: 'A bearer access token is required.',
      });
      return undefined;
    }

    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, keys, {
        issuer: options.issuer,
        audience,
        typ: 'at+jwt',
        algorithms: ALGORITHMS,
        requiredClaims: ['exp', 'iat', 'sub'],
        clockTolerance: options.clockToleranceSeconds ?? 30,
      }));
    } catch (error) {
      if (error instanceof KeySetUnavailableError) {
        unavailable(response);
        return undefined;
      }
      const description = invalidTokenDescription(error);
      refuse(
        response,
        401,
        `Bearer realm="${REALM}", error="invalid_token", error_description="${description}"`,
        { error: 'invalid_token', error_description: description },
      );
      return undefined;
    }

    if (!grantedScopes(claims).includes(scope)) {
      refuse(
        response,
        403,
        `Bearer realm="${REALM}", error="insufficient_scope", scope="${scope}"`,
        {
          error: 'insufficient_scope',
          error_description: `The access token lacks the scope ${scope}.`,
        },
      );
      return undefined;
    }
    return claims;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path !== '/todos') {
      sendJson(response, 404, { error: 'not_found' });
      return;
    }

    if (request.method === 'GET') {
      const claims = await authenticate(request, response, 'todo.read');
      if (!claims?.sub) return;
      sendJson(response, 200, { user: claims.sub, todos: todos.get(claims.sub) ?? [] });
      return;
    }

    if (request.method === 'POST') {
      const claims = await authenticate(request, response, 'todo.write');
      if (!claims?.sub) return;
      const parsed = newTodoSchema.safeParse(await readJsonBody(request));
      if (!parsed.success) {
        sendJson(response, 400, {
          error: 'invalid_body',
          error_description: 'Send {"title": "…"} with 1 to 200 characters.',
        });
        return;
      }
      const list = todos.get(claims.sub) ?? [];
      if (list.length >= MAX_TODOS_PER_USER) {
        sendJson(response, 409, { error: 'too_many_todos' });
        return;
      }
      const todo: Todo = {
        id: randomUUID(),
        title: parsed.data.title,
        done: false,
        createdAt: new Date().toISOString(),
      };
      todos.set(claims.sub, [...list, todo]);
      sendJson(response, 201, { todo });
      return;
    }

    sendJson(response, 405, { error: 'method_not_allowed' }, { allow: 'GET, POST' });
  };

  return (request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (error instanceof BodyError) {
        sendJson(response, error.status, {
          error: 'invalid_body',
          error_description: error.message,
        });
      } else if (!response.headersSent) {
        sendJson(response, 500, { error: 'server_error' });
      }
    });
  };
}

/** Starts the todo API on `127.0.0.1` (a free port unless one is given). */
export async function startTodoApi(options: TodoApiOptions): Promise<RunningServer> {
  return serve(createTodoApi(options), options);
}

/** The token of an `Authorization: Bearer` header (RFC 6750 §2.1), if well-formed. */
function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header ?? '');
  const token = match?.[1];
  return token && token.length <= MAX_TOKEN_LENGTH ? token : undefined;
}

function grantedScopes(claims: JWTPayload): string[] {
  const parsed = scopeClaimsSchema.safeParse(claims);
  if (!parsed.success) return [];
  return [...(parsed.data.scope?.split(' ') ?? []), ...(parsed.data.scp ?? [])];
}

/** A constant-per-cause description: never the token, never the library's message. */
function invalidTokenDescription(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'The access token expired.';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return 'The access token is missing a required claim.';
    if (error.reason === 'invalid') return 'The access token has a claim of the wrong type.';
    if (error.claim === 'aud') return 'The access token is not for this API.';
    if (error.claim === 'iss') return 'The access token is from an untrusted issuer.';
    if (error.claim === 'typ') return 'The token is not an RFC 9068 access token.';
    if (error.claim === 'nbf') return 'The access token is not valid yet.';
    return 'The access token has an invalid claim.';
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return 'The access token signature is invalid.';
  }
  if (error instanceof errors.JWKSNoMatchingKey)
    return 'The access token was signed by an unknown key.';
  return 'The access token is invalid.';
}

function refuse(
  response: ServerResponse,
  status: 401 | 403,
  challenge: string,
  body: { error: string; error_description: string },
): void {
  sendJson(response, status, body, { 'www-authenticate': challenge });
}

/** 503 for a failure on this side: no challenge, so the caller keeps its token and retries. */
function unavailable(response: ServerResponse): void {
  sendJson(
    response,
    503,
    {
      error: 'temporarily_unavailable',
      error_description: 'The access token cannot be checked right now. Try again later.',
    },
    { 'retry-after': String(KEY_SET_RETRY_AFTER_SECONDS) },
  );
}
