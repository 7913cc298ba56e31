import { errors as joseErrors, jwtVerify } from 'jose';
import { z } from 'zod';
import type { AgentConfig } from '../config/schema.js';
import type { OrgModel } from '../org-model.js';
import { CLOCK_TOLERANCE_SECONDS, MAX_TOKEN_LENGTH } from './constants.js';

/** Why a subject token was refused; the message is for the audit log, never the wire. */
export class SubjectTokenError extends Error {
  override readonly name = 'SubjectTokenError';
}

/**
 * Finds the org's sign-in session an ID token's `sid` names, while it is alive: `undefined` once
 * the user signed out at `/oauth2/v1/logout` or the session expired.
 */
export type SessionLookup = (sid: string) => Promise<
  | {
      accountId?: string | undefined;
      authorizations?: Readonly<Record<string, unknown>> | undefined;
    }
  | undefined
>;

/** Claims an ID token never carries but an ID-JAG or an access token does. */
const NOT_IN_ID_TOKENS = ['client_id', 'scope', 'scp', 'act'];

function normaliseTyp(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}

const numericDate = z.number().finite().nonnegative();

/** The protected header of an ID token, as far as this org reads it. */
const idTokenHeaderSchema = z.looseObject({ typ: z.string().max(256).optional() });

/**
 * The claims of an ID token this org reads (OpenID Connect Core §2), checked for type before any
 * is used: `sub` at most 255 characters (§5.7), the `sid` of its session, and `auth_time` and
 * `amr` as an ID-JAG may carry them on.
 */
const idTokenClaimsSchema = z.looseObject({
  sub: z.string().min(1).max(255),
  aud: z.union([z.string(), z.array(z.string())]),
  iat: numericDate,
  exp: numericDate,
  // Checked for presence after the audience, with a reason of its own.
  sid: z.string().min(1).max(256).optional(),
  azp: z.string().optional(),
  auth_time: numericDate.optional(),
  amr: z.array(z.string().min(1).max(64)).max(20).optional(),
});

/** The checked claims of a subject ID token. */
export type SubjectIdTokenClaims = z.output<typeof idTokenClaimsSchema>;

/** Parses with `schema`, or throws naming the first bad field (never its value). */
function parseOrRefuse<T extends z.ZodType>(
  schema: T,
  value: Record<string, unknown>,
  part: 'claim' | 'header',
): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const name = String(parsed.error.issues[0]?.path[0] ?? part);
  const state = value[name] === undefined ? 'is missing' : 'is invalid';
  throw new SubjectTokenError(`subject token ${part} "${name}" ${state}`);
}

/**
 * Verifies a subject token as an OpenID Connect ID token this org issued (RFC 8693 §2.1,
 * WIRE.md "Subject token"): RS256 signature by the org's key, `iss` this org, unexpired and not
 * issued in the future (30 s skew), `typ` absent or `JWT` (an ID-JAG or an `at+jwt` access token
 * is refused), none of the claims an ID-JAG or access token carries, every claim it reads of the
 * right type, a single `aud` that is the agent itself or a web app linked to it, and a `sid`
 * naming a sign-in session that is still alive, of the same user, in which that app is still
 * signed in (OpenID Connect Front-Channel Logout §3 `sid`; Okta refuses an ID token whose session
 * ended).
 *
 * @throws {SubjectTokenError} naming the failed check.
 */
export async function verifySubjectIdToken(
  org: OrgModel,
  token: string,
  agent: AgentConfig,
  sessions: SessionLookup,
): Promise<SubjectIdTokenClaims> {
  if (token.length > MAX_TOKEN_LENGTH) throw new SubjectTokenError('subject token too large');
  if (token.split('.').length !== 3) throw new SubjectTokenError('subject token is not a JWS');

  let verified: Awaited<ReturnType<typeof jwtVerify>>;
  try {
    verified = await jwtVerify(token, org.orgKeySet, {
      issuer: org.issuer,
      algorithms: ['RS256'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['exp', 'iat', 'sub', 'aud'],
    });
  } catch (error) {
    // jose's messages are fixed texts naming the failed check or claim, never a token value.
    if (error instanceof joseErrors.JOSEError) {
      throw new SubjectTokenError(
        `subject token verification failed (${error.code}): ${error.message}`,
      );
    }
    throw new SubjectTokenError('subject token verification failed');
  }

  const header = parseOrRefuse(idTokenHeaderSchema, verified.protectedHeader, 'header');
  if (header.typ !== undefined && normaliseTyp(header.typ) !== 'jwt') {
    throw new SubjectTokenError(`subject token has typ ${header.typ}, not an ID token`);
  }
  const foreign = NOT_IN_ID_TOKENS.filter((claim) => claim in verified.payload);
  if (foreign.length > 0) {
    throw new SubjectTokenError(`subject token has ${foreign.join(', ')}: not an ID token`);
  }
  const claims = parseOrRefuse(idTokenClaimsSchema, verified.payload, 'claim');
  if (claims.iat > Date.now() / 1000 + CLOCK_TOLERANCE_SECONDS) {
    throw new SubjectTokenError('subject token iat is in the future');
  }

  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  const [audience] = audiences;
  if (audiences.length !== 1 || audience === undefined) {
    throw new SubjectTokenError('subject token must have exactly one audience');
  }
  if (audience !== agent.clientId && !agent.linkedApps.includes(audience)) {
    throw new SubjectTokenError(`subject token audience ${audience} is not linked to the agent`);
  }
  if (claims.azp !== undefined && claims.azp !== audience) {
    throw new SubjectTokenError('subject token azp differs from its audience');
  }
  if (claims.sid === undefined) {
    throw new SubjectTokenError('subject token has no sid: its session cannot be checked');
  }
  const session = await sessions(claims.sid);
  if (!session || session.accountId !== claims.sub || !session.authorizations?.[audience]) {
    throw new SubjectTokenError('subject token session has ended (signed out or expired)');
  }
  return claims;
}
