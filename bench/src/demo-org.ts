import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { demo, signIn } from '@onbehalf/local-org';
import type { JWK } from 'jose';
import { keyFromJwk, type SigningKey } from './jwt.js';

/** The demo agent's signing key (a published demo credential, trusted only by a local org). */
export function demoAgentKey(): Promise<SigningKey> {
  return keyFromJwk({ ...demo.agentPrivateJwk });
}

/** Signs the demo user in to the demo web app through the real code flow; returns the ID token. */
export async function demoIdToken(issuer: string): Promise<string> {
  const tokens = await signIn(issuer, {
    username: demo.user.username,
    password: demo.user.password,
    clientId: demo.webApp.clientId,
    clientSecret: demo.webApp.clientSecret,
    redirectUri: demo.webApp.redirectUris[1] ?? 'http://127.0.0.1:3000/callback',
  });
  return tokens.idToken;
}

/** The org's own private signing key, read from the data directory it keeps its keys in. */
export async function orgSigningKey(dataDir: string): Promise<SigningKey> {
  const file = JSON.parse(await readFile(join(dataDir, 'keys.json'), 'utf8')) as { org: JWK };
  return keyFromJwk(file.org);
}
