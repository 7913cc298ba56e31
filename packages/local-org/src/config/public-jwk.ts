import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { ASYMMETRIC_ALGORITHMS } from '../exchange/constants.js';

/** Members that only a private or a symmetric key has (RFC 7518 §6.2.2, §6.3.2, §6.4). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv'] as const;

/** The signing algorithms each key type and curve can verify, within the asymmetric allow-list. */
const ALGORITHMS_FOR: Record<string, readonly string[]> = {
  RSA: ASYMMETRIC_ALGORITHMS.filter((alg) => /^(RS|PS)/.test(alg)),
  'EC P-256': ['ES256'],
  'EC P-384': ['ES384'],
  'EC P-521': ['ES512'],
  'OKP Ed25519': ['Ed25519', 'EdDSA'],
};

/** Smallest RSA modulus a signature is verified with (RFC 7518 §3.3). */
const MIN_RSA_BITS = 2048;

function importPublicKey(jwk: Record<string, unknown>): KeyObject | undefined {
  try {
    return createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  } catch {
    return undefined;
  }
}

/**
 * A public signing key of an agent's `jwks`, refused at load time unless every client
 * authentication could use it: `kty` RSA (at least 2048 bits), EC (P-256, P-384, P-521) or OKP
 * (Ed25519) with every member that type needs, no private member, `alg` (if given) an asymmetric
 * algorithm that fits the key, `use` absent or `sig`, `key_ops` (if given) including `verify`. The
 * key is imported once here, so that a key that cannot be read is a configuration error rather
 * than an `invalid_client_metadata` answer to every request.
 */
export const publicJwkSchema = z
  .looseObject({
    kty: z.enum(['RSA', 'EC', 'OKP']),
    kid: z.string().min(1).max(200),
    crv: z.string().optional(),
    alg: z.string().optional(),
    use: z.literal('sig', 'must be "sig" (or absent): the key verifies signatures').optional(),
    key_ops: z
      .array(z.string())
      .refine((ops) => ops.includes('verify'), 'must include "verify"')
      .optional(),
  })
  .superRefine((jwk, ctx) => {
    const present = PRIVATE_MEMBERS.filter((member) => member in jwk);
    if (present.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `must be a public key (no private members): remove ${present.map((m) => `"${m}"`).join(', ')}`,
      });
      return;
    }

    const type = jwk.kty === 'RSA' ? 'RSA' : `${jwk.kty} ${jwk.crv ?? ''}`;
    const algorithms = ALGORITHMS_FOR[type];
    if (algorithms === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['crv'],
        message:
          jwk.kty === 'EC' ? 'must be P-256, P-384 or P-521' : 'must be Ed25519 (a signing curve)',
      });
      return;
    }
    if (jwk.alg !== undefined && !algorithms.includes(jwk.alg)) {
      ctx.addIssue({
        code: 'custom',
        path: ['alg'],
        message: `must be one of ${algorithms.join(', ')} for this key (or absent)`,
      });
    }

    const key = importPublicKey(jwk);
    if (key === undefined) {
      const members = jwk.kty === 'RSA' ? '"n" and "e"' : jwk.kty === 'EC' ? '"x" and "y"' : '"x"';
      ctx.addIssue({
        code: 'custom',
        message: `is not a valid ${jwk.kty} public key: it needs ${members}, base64url-encoded`,
      });
      return;
    }
    const bits = key.asymmetricKeyDetails?.modulusLength;
    if (jwk.kty === 'RSA' && (bits === undefined || bits < MIN_RSA_BITS)) {
      ctx.addIssue({
        code: 'custom',
        path: ['n'],
        message: `must be a modulus of at least ${MIN_RSA_BITS} bits`,
      });
    }
  });
