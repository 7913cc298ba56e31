import { randomUUID } from 'node:crypto';
import { vaultedSecret } from '@onbehalf/adapter-secret';
import { type CacheStore, createClient, privateKeyJwt } from '@onbehalf/core';
import { demo } from '@onbehalf/local-org';
import { generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { nowSeconds } from './jwt.js';

/** The resource every core figure asks for: the demo secret's ORN. */
export const RESOURCE = demo.secretOrn;
/** The agent's client id in every core figure. */
export const CLIENT_ID = demo.agentClientId;

/**
 * A client for the vaulted-secret adapter against `tokenEndpoint`, authenticating with the demo
 * agent's ES256 key (`private_key_jwt`), as an agent would in production.
 */
export function secretClient(tokenEndpoint: string, cache?: CacheStore | false) {
  return createClient({
    tokenEndpoint,
    clientId: CLIENT_ID,
    auth: privateKeyJwt({ key: { ...demo.agentPrivateJwk }, kid: demo.agentPrivateJwk.kid }),
    adapters: [vaultedSecret()],
    ...(cache === undefined ? {} : { cache }),
    retry: { attempts: 1 },
  });
}

/** Issues ID tokens shaped like Okta's (RS256, 2048-bit key) for made-up users. */
export interface IdTokenIssuer {
  issue(userIndex: number): Promise<string>;
}

/**
 * An issuer of realistic ID tokens: the same claims and size as an Okta ID token. Core reads
 * them without verifying, so any key will do; the instant server checks nothing.
 */
export async function idTokenIssuer(): Promise<IdTokenIssuer> {
  const { privateKey } = await generateKeyPair('RS256');
  return {
    issue(userIndex) {
      const now = nowSeconds();
      const claims: JWTPayload = {
        sub: `00u${String(userIndex).padStart(17, '0')}`,
        name: `Bench User ${userIndex}`,
        email: `user${userIndex}@example.com`,
        ver: 1,
        iss: 'https://example.okta.com',
        aud: 'demo-web',
        iat: now,
        exp: now + 3600,
        jti: `ID.${randomUUID()}`,
        amr: ['pwd'],
        idp: '00o1a2b3c4d5e6f7g8h9',
        nonce: randomUUID(),
        preferred_username: `user${userIndex}@example.com`,
        auth_time: now,
        at_hash: 'preK8-ZAqi6Rb2Mmgn0bgQ',
      };
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'bench-idp-key' })
        .sign(privateKey);
    },
  };
}
