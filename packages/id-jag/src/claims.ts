import { z } from 'zod';

/** The JWT `typ` header of an ID-JAG (ID-JAG draft §3). */
export const ID_JAG_TYP = 'oauth-id-jag+jwt';

/** The token type URN of an ID-JAG in a token exchange (ID-JAG draft §8, RFC 8693 §3). */
export const ID_JAG_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id-jag';

/** The grant profile an authorization server lists in its metadata (ID-JAG draft §7). */
export const ID_JAG_GRANT_PROFILE = 'urn:ietf:params:oauth:grant-profile:id-jag';

/** The grant type an ID-JAG is redeemed with (RFC 7523 §2.1). */
export const JWT_BEARER_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** The longest lifetime (`exp - iat`) an ID-JAG may have, in seconds. */
export const MAX_ID_JAG_LIFETIME_SECONDS = 300;

/** The largest ID-JAG accepted, in characters, checked before anything is parsed (RFC 8725 §3.11). */
export const MAX_ID_JAG_LENGTH = 8192;

/** The longest `jti` accepted: it becomes a key in the replay store. */
export const MAX_JTI_LENGTH = 256;

/**
 * True when a `typ` header value names the ID-JAG media type, compared as RFC 7515 §4.1.9 says:
 * case-insensitively, with or without the `application/` prefix.
 */
export function isIdJagTyp(typ: unknown): boolean {
  if (typeof typ !== 'string') return false;
  const lower = typ.toLowerCase();
  const bare = lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
  return bare === ID_JAG_TYP;
}

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), joined by single spaces.
const SCOPE_PATTERN = /^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/;

/** One RFC 6749 §3.3 scope token. */
export const scopeTokenSchema = z
  .string()
  .regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'not a scope token');

const numericDate = z.number().finite().nonnegative();

/** The `act` claim (RFC 8693 §4.1): who acts; for an AI agent `sub_profile` is `ai_agent`. */
export const actClaimSchema = z.looseObject({ sub: z.string().min(1) });

/**
 * The claims of an ID-JAG (ID-JAG draft §3; RFC 7519 §4.1). `aud` is a single audience: a string
 * or an array of exactly one string, given back as a string. Claims not listed are dropped.
 */
export const idJagClaimsSchema = z.object({
  iss: z.string().min(1),
  sub: z.string().min(1),
  aud: z
    .union([z.string().min(1), z.tuple([z.string().min(1)])])
    .transform((aud) => (typeof aud === 'string' ? aud : aud[0])),
  client_id: z.string().min(1),
  jti: z.string().min(1).max(MAX_JTI_LENGTH),
  iat: numericDate,
  exp: numericDate,
  nbf: numericDate.optional(),
  scope: z.string().regex(SCOPE_PATTERN, 'not a space-separated list of scope tokens'),
  resource: z.string().min(1).optional(),
  email: z.string().optional(),
  auth_time: numericDate.optional(),
  amr: z.array(z.string()).optional(),
  act: actClaimSchema.optional(),
});

/** The validated claims of an ID-JAG. */
export type IdJagClaims = z.output<typeof idJagClaimsSchema>;

/** The scopes of an ID-JAG's `scope` claim, as an array. */
export function idJagScopes(claims: Pick<IdJagClaims, 'scope'>): string[] {
  return claims.scope.split(' ');
}

/**
 * Parses claims with {@link idJagClaimsSchema}; a failure says which claim (never its value) and
 * whether it was absent (`missing_claim`) or of the wrong shape (`malformed`).
 */
export function parseIdJagClaims(
  payload: Record<string, unknown>,
): { ok: true; claims: IdJagClaims } | { ok: false; missing: boolean; message: string } {
  const result = idJagClaimsSchema.safeParse(payload);
  if (result.success) return { ok: true, claims: result.data };

  const first = result.error.issues[0];
  const claim = String(first?.path[0] ?? 'payload');
  const missing = first !== undefined && first.path.length > 0 && payload[claim] === undefined;
  return {
    ok: false,
    missing,
    message: missing ? `"${claim}" claim is missing` : `"${claim}" claim is invalid`,
  };
}
