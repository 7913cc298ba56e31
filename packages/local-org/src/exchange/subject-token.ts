import { type JWTPayload, errors as joseErrors, jwtVerify } from 'jose';
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

/**
 * Verifies a subject token as an OpenID Connect ID token this org issued (RFC 8693 §2.1,
 * WIRE.md "Subject token"): RS256 signature by the org's key, `iss` this org, unexpired (30 s
 * skew), `typ` absent or `JWT` (an ID-JAG or an `at+jwt` access token is refused), none of the
 * claims an ID-JAG or access token carries, a single `aud` that is the agent itself or a web app
 * linked to it, and a `sid` naming a sign-in session that is still alive, of the same user, in
 * which that app is still signed in (OpenID Connect Front-Channel Logout §3 `sid`; Okta refuses
 * an ID token whose session ended).
 *
 * @throws {SubjectTokenError} naming the failed check.
 */
export async function verifySubjectIdToken(
  org: OrgModel,
  token: string,
  agent: AgentConfig,
  sessions: SessionLookup,
): Promise<JWTPayload & { sub: string }> {
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

  const { payload, protectedHeader } = verified;
  if (protectedHeader.typ !== undefined && normaliseTyp(protectedHeader.typ) !== 'jwt') {
    throw new SubjectTokenError(`subject token has typ ${protectedHeader.typ}, not an ID token`);
  }
  const foreign = NOT_IN_ID_TOKENS.filter((claim) => claim in payload);
  if (foreign.length > 0) {
    throw new SubjectTokenError(`subject token has ${foreign.join(', ')}: not an ID token`);
  }

  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  const [audience] = audiences;
  if (audiences.length !== 1 || typeof audience !== 'string') {
    throw new SubjectTokenError('subject token must have exactly one audience');
  }
  if (audience !== agent.clientId && !agent.linkedApps.includes(audience)) {
    throw new SubjectTokenError(`subject token audience ${audience} is not linked to the agent`);
  }
  if (payload.azp !== undefined && payload.azp !== audience) {
    throw new SubjectTokenError('subject token azp differs from its audience');
  }
  if (typeof payload.sub !== 'string' || payload.sub === '') {
    throw new SubjectTokenError('subject token has no subject');
  }
  if (typeof payload.sid !== 'string' || payload.sid === '') {
    throw new SubjectTokenError('subject token has no sid: its session cannot be checked');
  }
  const session = await sessions(payload.sid);
  if (!session || session.accountId !== payload.sub || !session.authorizations?.[audience]) {
    throw new SubjectTokenError('subject token session has ended (signed out or expired)');
  }
  return payload as JWTPayload & { sub: string };
}
