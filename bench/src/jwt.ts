import { createPrivateKey, randomUUID, sign } from 'node:crypto';
import {
  base64url,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  SignJWT,
} from 'jose';

/** A private key ready to sign, with the public JWK to register. */
export interface SigningKey {
  readonly kid: string;
  readonly alg: 'ES256' | 'RS256';
  readonly key: CryptoKey | Uint8Array;
  readonly privateJwk: JWK;
  readonly publicJwk: JWK;
}

/** A fresh ES256 key pair with `kid`. */
export async function newEs256Key(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'ES256' };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  return { kid, alg: 'ES256', key: privateKey, privateJwk, publicJwk };
}

/** A signing key from a private JWK (its `kid` and `alg` are used). */
export async function keyFromJwk(jwk: JWK): Promise<SigningKey> {
  const alg = (jwk.alg ?? 'ES256') as 'ES256' | 'RS256';
  const key = await importJWK(jwk, alg);
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = jwk;
  return { kid: jwk.kid ?? '', alg, key: key as CryptoKey, privateJwk: jwk, publicJwk };
}

/** Signs `claims` with `key`; `header` adds or overrides protected header fields. */
export async function signJwt(
  key: SigningKey,
  claims: JWTPayload,
  header: Record<string, unknown> = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, ...header })
    .sign(key.key);
}

/** Seconds since the epoch. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * A `private_key_jwt` client assertion (RFC 7523 §3): `iss = sub = clientId`, `aud` the token
 * endpoint, fresh `jti`, 5 minutes of life. `claims` and `header` override any part.
 */
export function clientAssertion(
  key: SigningKey,
  clientId: string,
  audience: string,
  options: { claims?: JWTPayload; header?: Record<string, unknown>; omit?: string[] } = {},
): Promise<string> {
  const now = nowSeconds();
  const claims: JWTPayload = {
    iss: clientId,
    sub: clientId,
    aud: audience,
    jti: randomUUID(),
    iat: now,
    exp: now + 300,
    ...options.claims,
  };
  for (const name of options.omit ?? []) delete claims[name];
  return signJwt(key, claims, { typ: 'JWT', ...options.header });
}

/** An unsigned JWT (`alg: none`, empty signature) with these claims. */
export function unsignedJwt(claims: JWTPayload, header: Record<string, unknown> = {}): string {
  const encode = (value: unknown) => base64url.encode(JSON.stringify(value));
  return `${encode({ alg: 'none', ...header })}.${encode(claims)}.`;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * The JWT with the last character of its signature changed. The top bit of that character's
 * six is flipped, because the low bits of a final base64url character can be padding that no
 * decoder reads: changing only those would leave the signature valid.
 */
export function tamperSignature(jwt: string): string {
  const last = jwt.at(-1) ?? 'A';
  const index = ALPHABET.indexOf(last);
  const changed = ALPHABET[(index ^ 0b100000) & 0b111111] ?? 'A';
  return `${jwt.slice(0, -1)}${changed}`;
}

/**
 * Signs with node:crypto directly, for headers jose rightly refuses to produce (an unknown
 * `crit` extension): the bad inputs need them on the wire.
 */
export function signRaw(
  key: SigningKey,
  claims: JWTPayload,
  header: Record<string, unknown> = {},
): string {
  const encode = (value: unknown) => base64url.encode(JSON.stringify(value));
  const input = `${encode({ alg: key.alg, kid: key.kid, ...header })}.${encode(claims)}`;
  const privateKey = createPrivateKey({ key: key.privateJwk as never, format: 'jwk' });
  const signature =
    key.alg === 'ES256'
      ? sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' })
      : sign('sha256', Buffer.from(input), privateKey);
  return `${input}.${base64url.encode(signature)}`;
}
