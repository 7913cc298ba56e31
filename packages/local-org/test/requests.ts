import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { type JWK, SignJWT } from 'jose';
import { demo, type LocalOrg, signIn } from '../src/index.js';

export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';
export const ID_JAG_TYPE = 'urn:ietf:params:oauth:token-type:id-jag';
export const SECRET_TYPE = 'urn:okta:params:oauth:token-type:vaulted-secret';
export const SERVICE_ACCOUNT_TYPE = 'urn:okta:params:oauth:token-type:service-account';

/** Options for a test client assertion; each field overrides the correct value. */
export interface AssertionOptions {
  key?: JWK;
  kid?: string;
  alg?: string;
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number | null;
  iat?: number;
  jti?: string | null;
  header?: Record<string, unknown>;
}

/** Signs a private_key_jwt client assertion for the demo agent with jose. */
export async function clientAssertion(
  aud: string,
  options: AssertionOptions = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = {
    iss: options.iss ?? demo.agentClientId,
    sub: options.sub ?? demo.agentClientId,
    aud: options.aud ?? aud,
    iat: options.iat ?? now,
  };
  if (options.exp !== null) payload.exp = options.exp ?? now + 300;
  if (options.jti !== null) payload.jti = options.jti ?? randomUUID();
  return new SignJWT(payload)
    .setProtectedHeader({
      alg: options.alg ?? 'ES256',
      kid: options.kid ?? demo.agentPrivateJwk.kid,
      ...options.header,
    })
    .sign((options.key ?? demo.agentPrivateJwk) as JWK);
}

/** POSTs a form and returns status, headers and the parsed JSON body. */
export async function postForm(
  url: string,
  form: Record<string, string | string[]>,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(form)) {
    for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
  }
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Accept: 'application/json',
      ...headers,
    },
    body,
  });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { raw: text };
  }
  return { status: response.status, headers: response.headers, body: json };
}

/**
 * Sends a request with exactly these headers (fetch would add a `Content-Type` to a body), and
 * returns status, headers and the parsed JSON body (`{ raw }` when it is not JSON).
 */
export function rawRequest(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
  path: string = new URL(url).pathname,
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (typeof value === 'string') responseHeaders.set(name, value);
        }
        let json: Record<string, unknown>;
        try {
          json = JSON.parse(text) as Record<string, unknown>;
        } catch {
          json = { raw: text };
        }
        resolve({ status: res.statusCode ?? 0, headers: responseHeaders, body: json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Signs the demo user in to `demo-web` over HTTP and returns the ID token. */
export async function demoIdToken(org: LocalOrg): Promise<string> {
  const tokens = await signIn(org.issuer, {
    username: demo.user.username,
    password: demo.user.password,
    clientId: demo.webApp.clientId,
    clientSecret: demo.webApp.clientSecret,
    redirectUri: demo.webApp.redirectUris[0] as string,
  });
  return tokens.idToken;
}

/** A token exchange at the org, authenticated as the demo agent. */
export async function exchange(
  org: LocalOrg,
  form: Record<string, string | string[]>,
  assertion?: string,
) {
  const tokenEndpoint = org.url('/oauth2/v1/token');
  return postForm(tokenEndpoint, {
    grant_type: TOKEN_EXCHANGE,
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: assertion ?? (await clientAssertion(tokenEndpoint)),
    ...form,
  });
}

/** Redeems an ID-JAG at a custom server, authenticated as the demo agent. */
export async function redeem(
  org: LocalOrg,
  idJag: string,
  serverId = 'default',
  extra: Record<string, string> = {},
) {
  const { tokenEndpoint } = org.customServer(serverId);
  return postForm(tokenEndpoint, {
    grant_type: JWT_BEARER,
    assertion: idJag,
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: await clientAssertion(tokenEndpoint),
    ...extra,
  });
}

/** A vaulted-secret token exchange form (RFC 8693 section 2.1) for the demo secret. */
export function secretRequest(subjectToken: string) {
  return {
    subject_token: subjectToken,
    subject_token_type: ID_TOKEN_TYPE,
    requested_token_type: SECRET_TYPE,
    resource: demo.secretOrn,
  };
}

/** An ID-JAG token exchange form for the default custom server, plus any `extra` fields. */
export function idJagRequest(
  org: LocalOrg,
  subjectToken: string,
  extra: Record<string, string | string[]> = {},
): Record<string, string | string[]> {
  return {
    subject_token: subjectToken,
    subject_token_type: ID_TOKEN_TYPE,
    requested_token_type: ID_JAG_TYPE,
    audience: org.customServer('default').issuer,
    ...extra,
  };
}
