import type { ServerResponse } from 'node:http';
import { decodeProtectedHeader, importJWK, type JWK, type JWTPayload, jwtVerify } from 'jose';
import { type SeenRequest, sendJson, startServer, type TestServer } from './http-server.js';

export const CLIENT_ID = 'wlp-test-agent';
export const TOKEN_PATH = '/oauth2/v1/token';
export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** How a token request is answered after client authentication succeeded. */
export type Reply = (context: {
  request: SeenRequest;
  response: ServerResponse;
  /** 1 for the first token request, 2 for the second, ... */
  count: number;
  issuer: string;
}) => void | Promise<void>;

export interface AuthServerOptions {
  readonly clientId?: string;
  /** Verifies `private_key_jwt` with this public key. */
  readonly publicJwk?: JWK;
  readonly kid?: string;
  /** Verifies `client_secret_basic` / `client_secret_post` with this secret. */
  readonly clientSecret?: string;
  /** The assertion `aud` demanded. Defaults to the token endpoint. */
  readonly assertionAudience?: 'token-endpoint' | 'issuer';
  /** Which well-known document is served. Defaults to `openid`. */
  readonly discovery?: 'openid' | 'oauth' | 'none';
  /** Changes the `issuer` in the served metadata. */
  readonly metadataIssuer?: (issuer: string) => string;
  /** The path the issuer lives under, e.g. `/oauth2/default`. */
  readonly issuerPath?: string;
  /** Seconds since the epoch used to check assertion times. Defaults to now. */
  readonly now?: () => number;
  readonly reply?: Reply;
}

export interface AuthServer extends TestServer {
  readonly issuer: string;
  readonly tokenEndpoint: string;
  /** Verified assertion claims, in order. */
  readonly assertions: JWTPayload[];
  readonly assertionHeaders: Record<string, unknown>[];
  /** Why client authentication failed, in order. */
  readonly authFailures: string[];
  /** Token endpoint requests only. */
  tokenRequests(): SeenRequest[];
  /** Discovery requests only. */
  discoveryRequests(): SeenRequest[];
}

/** The default success answer: what the request asked for, as an opaque token for 300 s. */
export const defaultReply: Reply = ({ request, response, count }) => {
  sendJson(response, 200, {
    issued_token_type: request.form.get('requested_token_type'),
    access_token: `opaque-credential-${count}`,
    token_type: 'N_A',
    expires_in: 300,
  });
};

/**
 * A small authorization-server double: serves metadata and a token endpoint that verifies the
 * client authentication for real (signature with the public key via jose, iss, sub, aud, exp,
 * lifetime, kid, single-use jti; or the client secret) before `reply` answers.
 */
export async function startAuthServer(options: AuthServerOptions = {}): Promise<AuthServer> {
  const clientId = options.clientId ?? CLIENT_ID;
  const reply = options.reply ?? defaultReply;
  const assertions: JWTPayload[] = [];
  const assertionHeaders: Record<string, unknown>[] = [];
  const authFailures: string[] = [];
  const seenJti = new Set<string>();
  const publicKey = options.publicJwk
    ? await importJWK(options.publicJwk, options.publicJwk.alg ?? 'ES256')
    : undefined;
  let count = 0;
  let issuer = '';
  const base = { issuer: '', tokenEndpoint: '' };

  const authenticate = async (request: SeenRequest): Promise<string | undefined> => {
    const form = request.form;
    const authorization = request.headers.authorization;
    const methods = [
      form.has('client_assertion'),
      form.has('client_secret'),
      authorization !== undefined,
    ].filter(Boolean).length;
    if (methods !== 1) return 'expected exactly one client credential';
    if (form.has('client_assertion')) {
      if (publicKey === undefined) return 'no key registered';
      if (form.get('client_assertion_type') !== ASSERTION_TYPE) return 'bad assertion type';
      const assertion = form.get('client_assertion') ?? '';
      const header = decodeProtectedHeader(assertion);
      if (options.kid !== undefined && header.kid !== options.kid) return 'unknown kid';
      const audience = options.assertionAudience === 'issuer' ? base.issuer : base.tokenEndpoint;
      try {
        const { payload } = await jwtVerify(assertion, publicKey, {
          issuer: clientId,
          subject: clientId,
          audience,
          requiredClaims: ['exp', 'iat', 'jti'],
          currentDate: options.now ? new Date(options.now() * 1000) : undefined,
        });
        if (typeof payload.aud !== 'string') return 'aud must be one string';
        if ((payload.exp ?? 0) - (payload.iat ?? 0) > 300) return 'assertion lives too long';
        if (seenJti.has(payload.jti ?? '')) return 'jti replayed';
        seenJti.add(payload.jti ?? '');
        assertions.push(payload);
        assertionHeaders.push({ ...header });
        return undefined;
      } catch (error) {
        return (error as Error).message;
      }
    }
    let id: string | null;
    let secret: string | null;
    if (authorization !== undefined) {
      const decoded = Buffer.from(authorization.replace(/^Basic /, ''), 'base64').toString();
      const [rawId = '', rawSecret = ''] = decoded.split(':');
      const decode = (value: string) => decodeURIComponent(value.replace(/\+/g, ' '));
      id = decode(rawId);
      secret = decode(rawSecret);
    } else {
      id = form.get('client_id');
      secret = form.get('client_secret');
    }
    if (id !== clientId || options.clientSecret === undefined || secret !== options.clientSecret) {
      return 'bad client secret';
    }
    return undefined;
  };

  const server = await startServer(async (request, response) => {
    const path = request.path;
    const issuerPath = options.issuerPath ?? '';
    const served =
      options.discovery === 'none'
        ? undefined
        : options.discovery === 'oauth'
          ? '/.well-known/oauth-authorization-server'
          : '/.well-known/openid-configuration';
    if (request.method === 'GET' && path === `${issuerPath}${served}`) {
      sendJson(response, 200, {
        issuer: options.metadataIssuer ? options.metadataIssuer(issuer) : issuer,
        token_endpoint: base.tokenEndpoint,
        jwks_uri: `${issuer}/v1/keys`,
        grant_types_supported: ['urn:ietf:params:oauth:grant-type:token-exchange'],
        extra_field: { nested: true },
      });
      return;
    }
    if (request.method === 'POST' && path === `${issuerPath}${TOKEN_PATH}`) {
      const failure = await authenticate(request);
      if (failure !== undefined) {
        authFailures.push(failure);
        sendJson(response, 401, {
          error: 'invalid_client',
          error_description: 'Client authentication failed.',
        });
        return;
      }
      count += 1;
      await reply({ request, response, count, issuer });
      return;
    }
    sendJson(response, 404, { error: 'not_found' });
  });
  issuer = `${server.url}${options.issuerPath ?? ''}`;
  base.issuer = issuer;
  base.tokenEndpoint = `${issuer}${TOKEN_PATH}`;
  return {
    ...server,
    issuer,
    tokenEndpoint: base.tokenEndpoint,
    assertions,
    assertionHeaders,
    authFailures,
    tokenRequests: () => server.requests.filter((r) => r.method === 'POST'),
    discoveryRequests: () => server.requests.filter((r) => r.method === 'GET'),
  };
}
