import {
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  type JsonWebKey,
  randomBytes,
  sign,
  verify,
} from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { JWK } from 'jose';
import { z } from 'zod';

const generate = promisify(generateKeyPair);

/** A private RSA signing key as a JWK with `kid`, `alg: RS256`, `use: sig`. */
export type SigningJwk = JWK & { kid: string; alg: 'RS256'; use: 'sig' };

/** Every key the org needs: its own, one per custom server, and the cookie-signing secrets. */
export interface OrgKeys {
  org: SigningJwk;
  servers: Record<string, SigningJwk>;
  cookieKeys: string[];
}

/**
 * Thrown by `startLocalOrg` when `<dataDir>/keys.json` cannot be read or is not a key file this
 * package wrote. The message names the file and what is wrong in general terms, never its
 * content: the file holds private keys.
 */
export class KeyFileError extends Error {
  override readonly name = 'KeyFileError';
  /** The key file. */
  readonly file: string;

  constructor(file: string, problem: string, options?: ErrorOptions) {
    super(`${file} ${problem}`, options);
    this.file = file;
  }
}

const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/);

/** Whether a signature of the private key verifies with the public half (`n`, `e`) beside it. */
function signsForItsPublicKey(jwk: { n: string; e: string }): boolean {
  try {
    const privateKey = createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
    const publicKey = createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' });
    const probe = Buffer.from('local-org key check');
    return verify('sha256', probe, publicKey, sign('sha256', probe, privateKey));
  } catch {
    return false;
  }
}

const jwkSchema = z
  .looseObject({
    kty: z.literal('RSA'),
    kid: z.string().min(1),
    alg: z.literal('RS256'),
    use: z.literal('sig'),
    n: base64url,
    e: base64url,
    d: base64url,
    p: base64url,
    q: base64url,
    dp: base64url,
    dq: base64url,
    qi: base64url,
  })
  .refine(signsForItsPublicKey);

const keysFileSchema = z.object({
  org: jwkSchema,
  servers: z.record(z.string(), jwkSchema),
  cookieKeys: z.array(z.string().min(32)).min(1),
});

async function newSigningKey(): Promise<SigningJwk> {
  const { privateKey } = await generate('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' }) as JWK;
  return { ...jwk, kid: randomBytes(12).toString('base64url'), alg: 'RS256', use: 'sig' };
}

/** The public half of a signing key, as published in a JWKS. */
export function publicJwk(key: SigningJwk): JWK {
  const { kty, n, e, kid, alg, use } = key;
  return { kty, n, e, kid, alg, use };
}

/**
 * Reads a key file. A JSON syntax error is not kept as the cause, since its message quotes the
 * text around the error, a private key's digits included.
 */
function parseKeyFile(text: string, file: string): OrgKeys {
  let value: unknown;
  const fresh = 'move it away to start with new keys';
  try {
    value = JSON.parse(text);
  } catch {
    throw new KeyFileError(file, `is not valid JSON: ${fresh}`);
  }
  const parsed = keysFileSchema.safeParse(value);
  if (!parsed.success) throw new KeyFileError(file, `is not a local-org key file: ${fresh}`);
  return parsed.data as OrgKeys;
}

/**
 * Generates the org's keys, or loads them from `dataDir/keys.json` (creating it, mode 0600, on
 * first start) so that tokens stay verifiable across restarts. Keys for custom servers added
 * since are generated and saved.
 *
 * @throws {KeyFileError} when the file exists but cannot be read, is not JSON, or does not hold
 * the keys this function writes.
 */
export async function loadOrCreateKeys(serverIds: string[], dataDir?: string): Promise<OrgKeys> {
  const file = dataDir === undefined ? undefined : join(dataDir, 'keys.json');
  let keys: OrgKeys | undefined;
  if (file !== undefined) {
    const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw new KeyFileError(file, `cannot be read (${error.code ?? 'error'})`, { cause: error });
    });
    if (text !== undefined) keys = parseKeyFile(text, file);
  }

  let changed = keys === undefined;
  const [orgKey, ...serverKeys] = await Promise.all([
    keys?.org ?? newSigningKey(),
    ...serverIds.map((id) => keys?.servers[id] ?? newSigningKey()),
  ]);
  const servers: Record<string, SigningJwk> = { ...keys?.servers };
  serverIds.forEach((id, i) => {
    if (servers[id] === undefined) changed = true;
    servers[id] = serverKeys[i] as SigningJwk;
  });
  const result: OrgKeys = {
    org: orgKey as SigningJwk,
    servers,
    cookieKeys: keys?.cookieKeys ?? [randomBytes(32).toString('base64url')],
  };

  if (file !== undefined && dataDir !== undefined && changed) {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(result, null, 2), { mode: 0o600 });
    await rename(temporary, file);
  }
  return result;
}
