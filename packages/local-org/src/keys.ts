import { generateKeyPair, randomBytes } from 'node:crypto';
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

const jwkSchema = z.looseObject({
  kty: z.literal('RSA'),
  kid: z.string().min(1),
  alg: z.literal('RS256'),
  use: z.literal('sig'),
  n: z.string(),
  e: z.string(),
  d: z.string(),
});

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
 * Generates the org's keys, or loads them from `dataDir/keys.json` (creating it, mode 0600, on
 * first start) so that tokens stay verifiable across restarts. Keys for custom servers added
 * since are generated and saved.
 */
export async function loadOrCreateKeys(serverIds: string[], dataDir?: string): Promise<OrgKeys> {
  const file = dataDir === undefined ? undefined : join(dataDir, 'keys.json');
  let keys: OrgKeys | undefined;
  if (file !== undefined) {
    const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (text !== undefined) {
      const parsed = keysFileSchema.safeParse(JSON.parse(text));
      if (!parsed.success) throw new Error(`${file} is not a local-org key file`);
      keys = parsed.data as OrgKeys;
    }
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
