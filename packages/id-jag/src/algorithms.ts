/**
 * The asymmetric JWS algorithms an ID-JAG may be signed with (RFC 7518 §3, RFC 8037 §3.1).
 * Symmetric (`HS*`) and `none` are never accepted: RFC 8725 §3.1–3.2.
 */
export const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;

/** One of {@link ASYMMETRIC_ALGORITHMS}. */
export type IdJagAlgorithm = (typeof ASYMMETRIC_ALGORITHMS)[number];

/** True when `alg` is on the asymmetric list. */
export function isAsymmetricAlgorithm(alg: unknown): alg is IdJagAlgorithm {
  return typeof alg === 'string' && (ASYMMETRIC_ALGORITHMS as readonly string[]).includes(alg);
}
