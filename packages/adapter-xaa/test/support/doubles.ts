import {
  type DoubleReply,
  type HttpDouble,
  isDiscovery,
  metadataFor,
  type RecordedRequest,
  startHttpDouble,
} from '@onbehalf/test-support';
import { generateKeyPair, type JWTPayload, SignJWT } from 'jose';

/** An ID-token-shaped JWT for the misbehaving org doubles, which do not check it. */
export async function forgeIdToken(issuer: string, subject = '00u-demo'): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: issuer, sub: subject, aud: 'demo-web', iat: now, exp: now + 3600 })
    .setProtectedHeader({ alg: 'ES256', kid: 'double-key' })
    .sign(privateKey);
}

export const ID_JAG_TYPE = 'urn:ietf:params:oauth:token-type:id-jag';

/** How a test wants a forged ID-JAG to look. */
export interface IdJagShape {
  readonly typ?: string | undefined;
  readonly aud: string | string[];
  readonly clientId: string;
  /** Seconds since the epoch. */
  readonly exp: number;
  readonly scope?: string;
  /** `ES256` (the default) with a fresh key, `HS256` with a shared secret, or `none` unsigned. */
  readonly alg?: 'ES256' | 'HS256' | 'none';
}

/** Signs an ID-JAG-shaped JWT with a fresh key; the client never verifies it, the server would. */
export async function forgeIdJag(shape: IdJagShape): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: JWTPayload = {
    iss: 'https://org.example',
    sub: '00u-demo',
    aud: shape.aud,
    client_id: shape.clientId,
    jti: `IDAAG.${crypto.randomUUID()}`,
    iat: now,
    exp: shape.exp,
    scope: shape.scope ?? 'todo.read',
  };
  const alg = shape.alg ?? 'ES256';
  const header = { alg, kid: 'double-key', ...(shape.typ ? { typ: shape.typ } : {}) };
  if (alg === 'none') {
    const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
    return `${encode(header)}.${encode(claims)}.`;
  }
  const key =
    alg === 'HS256'
      ? new TextEncoder().encode('a-shared-secret-of-thirty-two-by')
      : (await generateKeyPair('ES256')).privateKey;
  return new SignJWT(claims).setProtectedHeader(header).sign(key);
}

/**
 * An org double: discovery plus a token endpoint that answers every token exchange with the
 * hop-1 body `reply` builds (by default an ID-JAG response around `idJag(form)`).
 */
export async function startOrgDouble(
  reply: (form: URLSearchParams) => Promise<DoubleReply>,
): Promise<HttpDouble> {
  return startHttpDouble(async (request, origin) => {
    if (isDiscovery(request)) return { body: metadataFor(origin) };
    if (request.method === 'POST' && request.path === '/token') return reply(request.form);
    return { status: 404, body: { error: 'not_found' } };
  });
}

/** The usual hop-1 success body around an ID-JAG. */
export function idJagReply(idJag: string, extra: Record<string, unknown> = {}): DoubleReply {
  return {
    body: {
      issued_token_type: ID_JAG_TYPE,
      access_token: idJag,
      token_type: 'N_A',
      expires_in: 300,
      ...extra,
    },
  };
}

/**
 * A custom authorization server double: discovery plus a token endpoint answering with
 * `reply(request)`. Every request it gets is in `requests`, so a test can assert none arrived.
 */
export async function startCustomServerDouble(
  reply: (request: RecordedRequest) => DoubleReply | Promise<DoubleReply>,
): Promise<HttpDouble> {
  return startHttpDouble(async (request, origin) => {
    if (isDiscovery(request)) return { body: metadataFor(origin) };
    if (request.method === 'POST' && request.path === '/token') return reply(request);
    return { status: 404, body: { error: 'not_found' } };
  });
}
