import { z } from 'zod';

/** The longest `expires_in` accepted: one year, in seconds. */
export const MAX_EXPIRES_IN_SECONDS = 31_536_000;

/**
 * `expires_in` of a token response (RFC 6749 §5.1): a finite, non-negative integer number of
 * seconds, at most one year. `-1`, `"abc"` and `1e308` are all invalid.
 */
export const expiresInSchema = z.number().int().nonnegative().max(MAX_EXPIRES_IN_SECONDS);

/**
 * A token type string (`token_type`, RFC 6749 §7.1) compared case-insensitively with the
 * allowed values; the output is the allowed value's own spelling.
 *
 * @example tokenTypeSchema('Bearer', 'DPoP').parse('bearer') // 'Bearer'
 */
export function tokenTypeSchema<const T extends readonly [string, ...string[]]>(
  ...allowed: T
): z.ZodType<T[number], string> {
  return z.string().transform((value, context): T[number] => {
    const match = allowed.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
    if (match === undefined) {
      context.addIssue({ code: 'custom', message: `expected one of ${allowed.join(', ')}` });
      return z.NEVER;
    }
    return match;
  });
}
