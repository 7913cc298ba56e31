import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { z } from 'zod';
import {
  credentialExpiry,
  defineAdapter,
  expiresInSchema,
  protectCredential,
  tokenTypeSchema,
} from '../../src/index.js';

export const THING_TOKEN_TYPE = 'urn:example:params:oauth:token-type:thing';

/** A tiny adapter for tests: asks for a "thing" credential for a resource and scopes. */
export function thingAdapter() {
  return defineAdapter({
    name: 'thing',
    requestedTokenType: THING_TOKEN_TYPE,
    input: z.object({
      resource: z.string().min(1),
      audience: z.string().optional(),
      scope: z.union([z.string(), z.array(z.string())]).optional(),
      variant: z.string().optional(),
    }),
    cacheKey: (input) => [input.variant ?? ''],
    form: (input) => ({
      resource: input.resource,
      audience: input.audience,
      scope: Array.isArray(input.scope) ? input.scope.join(' ') : input.scope,
    }),
    response: z.object({
      issued_token_type: z.literal(THING_TOKEN_TYPE),
      access_token: z.string().min(1),
      token_type: tokenTypeSchema('N_A', 'Bearer'),
      expires_in: expiresInSchema.optional(),
    }),
    async finish(response, context) {
      return protectCredential(
        {
          token: response.access_token,
          expiresAt: credentialExpiry({ expiresIn: response.expires_in, now: context.now() }),
        },
        ['token'],
      );
    },
  });
}

export interface TestKeys {
  readonly privateJwk: JWK;
  readonly publicJwk: JWK;
  readonly kid: string;
}

/** A fresh ES256 key pair as JWKs. */
export async function makeKeys(kid = 'test-key'): Promise<TestKeys> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'ES256' };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256' };
  return { privateJwk, publicJwk, kid };
}

const idTokenKey = new TextEncoder().encode('id-token-signing-key-for-tests-only-0123456789');

/** An ID-token-shaped JWT; core never verifies it, the org does. */
export async function makeIdToken(
  sub = 'user-1',
  options: { iss?: string; exp?: number } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ nonce: crypto.randomUUID() })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(options.iss ?? 'https://org.example.com')
    .setSubject(sub)
    .setAudience('demo-web')
    .setIssuedAt(now)
    .setExpirationTime(options.exp ?? now + 3600)
    .sign(idTokenKey);
}

/** Records the waits a retry policy asks for, without waiting. */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    sleep: async (ms: number) => {
      waits.push(ms);
    },
  };
}
