import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { exportJWK, type JWK } from 'jose';

export const IDP = 'https://idp.example.test';
export const OTHER_IDP = 'https://other-idp.example.test';
export const AS = 'https://as.example.test/oauth2/default';
export const CLIENT = 'wlp-agent-1';

export interface TestKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: JWK;
}

/** A fresh RS256 key pair with its public JWK (kid and alg set). */
export async function rsaKey(kid: string): Promise<TestKey> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateKey, publicJwk };
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Signs any header and payload with RS256 using node:crypto directly, so tests can build tokens
 * jose itself would refuse to produce (unknown `crit`, `jku`, no `typ`...).
 */
export function signRs256(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: KeyObject,
): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const signature = sign('sha256', Buffer.from(input), key);
  return `${input}.${signature.toString('base64url')}`;
}

/** Claims of a valid ID-JAG issued `now` (seconds) for {@link AS} and {@link CLIENT}. */
export function claimsAt(
  nowSeconds: number,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    iss: IDP,
    sub: '00u-demo',
    aud: AS,
    client_id: CLIENT,
    jti: `jti-${Math.random().toString(36).slice(2)}-${nowSeconds}`,
    iat: nowSeconds,
    exp: nowSeconds + 300,
    scope: 'todo.read todo.write',
    ...overrides,
  };
}

/** Changes a base64url signature's last character so the decoded bytes really differ. */
export function flipLastCharacter(jwt: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = jwt.at(-1) ?? 'A';
  // +16 changes one of the two high bits, which always carry signature bits.
  const replacement = alphabet[(alphabet.indexOf(last) + 16) % 64];
  return `${jwt.slice(0, -1)}${replacement}`;
}
