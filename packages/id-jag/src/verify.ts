import { type JWTHeaderParameters, type JWTPayload, jwtVerify } from 'jose';
import { z } from 'zod';
import { ASYMMETRIC_ALGORITHMS, type IdJagAlgorithm, isAsymmetricAlgorithm } from './algorithms.js';
import {
  ID_JAG_TYP,
  type IdJagClaims,
  MAX_ID_JAG_LIFETIME_SECONDS,
  parseIdJagClaims,
} from './claims.js';
import { consumeJti, DEFAULT_REPLAY_STORE_TIMEOUT_MS, MAX_TIMER_MS } from './consume-jti.js';
import { decodeCompactJws } from './decode.js';
import { IdJagError } from './errors.js';
import { checkIdJagHeader } from './header-checks.js';
import { fromJoseError } from './jose-errors.js';
import {
  issuerKeySet,
  type KeySetFetch,
  type TrustedIssuer,
  validateTrustedIssuers,
} from './key-sets.js';
import { MemoryReplayStore, type ReplayStore } from './replay-store.js';

/** Options of {@link verifyIdJag}. */
export interface VerifyIdJagOptions {
  /** Identity providers whose ID-JAGs are accepted, each with its own key set. */
  trustedIssuers: TrustedIssuer[];
  /** This authorization server's issuer: the only `aud` accepted. */
  audience: string;
  /** The client authenticated on this token request: the only `client_id` accepted. */
  clientId: string;
  /** Accepted algorithms; asymmetric only. Default: every RS, PS, ES and EdDSA algorithm. */
  algorithms?: readonly IdJagAlgorithm[];
  /** Allowed clock skew in seconds for `exp`, `iat` and `nbf`. Default 30. */
  clockToleranceSeconds?: number;
  /** Oldest accepted `iat`, in seconds before now. Default 300. */
  maxAgeSeconds?: number;
  /**
   * Where used `jti` values are remembered. Default: one in-memory store shared by every call in
   * this process, which is right for a single instance only.
   */
  replayStore?: ReplayStore;
  /**
   * How long the replay store's `consume` may take, in milliseconds. Default 5 000. When it has
   * not answered by then, the ID-JAG is refused with code `replayed` (fail closed) and the late
   * answer is ignored, so a store that hangs cannot hold token requests open.
   */
  replayStoreTimeoutMs?: number;
  /** The current time in epoch milliseconds. Default `Date.now()`. */
  now?: number;
  /**
   * `fetch` used to download remote key sets. Default the global `fetch`.
   *
   * Downloaded key sets are cached per `fetch` function, so pass the same one on every call:
   * create a wrapper once, at start-up, never per request. A new function on each call gets an
   * empty cache each time, downloading the key set on every verification and losing the cooldown
   * that limits refetches caused by unknown `kid` values.
   */
  fetch?: KeySetFetch;
}

/** A verified ID-JAG. */
export interface VerifiedIdJag {
  /** Its claims, validated. */
  claims: IdJagClaims;
  /** Its protected header. */
  header: JWTHeaderParameters;
}

const optionsSchema = z.object({
  audience: z.string().min(1),
  clientId: z.string().min(1),
  algorithms: z
    .array(z.string().refine(isAsymmetricAlgorithm, 'only asymmetric algorithms are allowed'))
    .min(1)
    .optional(),
  clockToleranceSeconds: z.number().finite().nonnegative().optional(),
  maxAgeSeconds: z.number().finite().positive().optional(),
  replayStore: z
    .custom<ReplayStore>(
      (store) => typeof (store as ReplayStore | null)?.consume === 'function',
      'must have a consume(jti, expiresAt) method',
    )
    .optional(),
  replayStoreTimeoutMs: z.number().int().positive().max(MAX_TIMER_MS).optional(),
  now: z.number().finite().optional(),
  fetch: z.function().optional(),
});

const defaultReplayStore = new MemoryReplayStore();

function checkOptions(options: VerifyIdJagOptions): void {
  const result = optionsSchema.safeParse(options);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new TypeError(`verifyIdJag option "${issue?.path.join('.')}": ${issue?.message}`);
  }
  validateTrustedIssuers(options.trustedIssuers);
}

function selectTrustedIssuer(payload: JWTPayload, trusted: TrustedIssuer[]): TrustedIssuer {
  // The unverified `iss` only chooses which key set to try; jwtVerify then pins it.
  if (typeof payload.iss !== 'string') {
    throw new IdJagError('missing_claim', 'ID-JAG "iss" claim is missing');
  }
  const match = trusted.find((entry) => entry.issuer === payload.iss);
  if (!match) throw new IdJagError('untrusted_issuer', 'ID-JAG "iss" is not a trusted issuer');
  return match;
}

function checkAudience(aud: unknown, audience: string): void {
  if (aud === undefined) throw new IdJagError('missing_claim', 'ID-JAG "aud" claim is missing');

  const single = Array.isArray(aud) && aud.length === 1 ? aud[0] : aud;
  if (single !== audience) {
    throw new IdJagError('audience', 'ID-JAG "aud" is not this authorization server');
  }
}

function checkClientId(clientId: unknown, expected: string): void {
  if (clientId === undefined) {
    throw new IdJagError('missing_claim', 'ID-JAG "client_id" claim is missing');
  }
  if (clientId !== expected) {
    throw new IdJagError('client_id', 'ID-JAG "client_id" is not the authenticated client');
  }
}

/** A claim that must be present and of one type: absent is `missing_claim`, else `malformed`. */
function requireClaim<T extends 'number' | 'string'>(
  payload: JWTPayload,
  name: 'exp' | 'iat' | 'jti',
  type: T,
): T extends 'number' ? number : string {
  const value = payload[name];
  if (value === undefined)
    throw new IdJagError('missing_claim', `ID-JAG "${name}" claim is missing`);
  if (typeof value !== type || value === '') {
    throw new IdJagError('malformed', `ID-JAG "${name}" claim is invalid`);
  }
  return value as T extends 'number' ? number : string;
}

function checkTimes(
  payload: JWTPayload,
  nowSeconds: number,
  toleranceSeconds: number,
  maxAgeSeconds: number,
): { exp: number } {
  const exp = requireClaim(payload, 'exp', 'number');
  const iat = requireClaim(payload, 'iat', 'number');
  requireClaim(payload, 'jti', 'string');

  if (exp <= nowSeconds - toleranceSeconds)
    throw new IdJagError('expired', 'ID-JAG "exp" has passed');
  if (iat > nowSeconds + toleranceSeconds) {
    throw new IdJagError('not_yet_valid', 'ID-JAG "iat" is in the future');
  }
  if (exp < iat || exp - iat > MAX_ID_JAG_LIFETIME_SECONDS) {
    throw new IdJagError(
      'lifetime',
      `ID-JAG lifetime ("exp" - "iat") is not between 0 and ${MAX_ID_JAG_LIFETIME_SECONDS} s`,
    );
  }
  if (nowSeconds - iat > maxAgeSeconds + toleranceSeconds) {
    throw new IdJagError('too_old', `ID-JAG "iat" is more than ${maxAgeSeconds} s ago`);
  }
  return { exp };
}

/**
 * Verifies an ID-JAG presented in a JWT-bearer grant (RFC 7523 §3, ID-JAG draft §4.4, RFC 8725),
 * as a resource authorization server must, in this order: size and compact-JWS shape (JWE
 * refused); header (`alg` on the asymmetric allow-list, never `none`; no `jku`, `x5u`, `jwk`,
 * `x5c` or `crit`; `typ` `oauth-id-jag+jwt`; sane `kid`); `iss` a trusted issuer; signature with
 * that issuer's keys only; `aud` this server (a string or a one-element array); `client_id` the
 * authenticated client; `exp`, `iat`, `jti` present; not expired, not issued in the future,
 * lifetime ≤ 300 s, not older than `maxAgeSeconds`; the claims schema; finally the `jti` is
 * consumed in the replay store so the ID-JAG is single-use. Only a store answer of exactly `true`
 * within `replayStoreTimeoutMs` lets it pass; a throw, any other answer or no answer is
 * `replayed`.
 *
 * Every failure is an {@link IdJagError} whose `code` names the check; a token endpoint answers
 * all of them with `invalid_grant`. The `exp` check also runs inside jose's signature
 * verification, so an expired token with other faults reports `expired`.
 *
 * @throws {IdJagError} when the ID-JAG is refused.
 * @throws {TypeError} when an option is invalid, naming it.
 */
export async function verifyIdJag(
  jwt: string,
  options: VerifyIdJagOptions,
): Promise<VerifiedIdJag> {
  checkOptions(options);
  const algorithms = [...(options.algorithms ?? ASYMMETRIC_ALGORITHMS)];
  const tolerance = options.clockToleranceSeconds ?? 30;
  const maxAge = options.maxAgeSeconds ?? MAX_ID_JAG_LIFETIME_SECONDS;
  const now = options.now ?? Date.now();
  const nowSeconds = Math.floor(now / 1000);

  const unverified = decodeCompactJws(jwt);
  checkIdJagHeader(unverified.header, algorithms);
  const trusted = selectTrustedIssuer(unverified.payload, options.trustedIssuers);

  let verified: Awaited<ReturnType<typeof jwtVerify>>;
  try {
    verified = await jwtVerify(jwt, issuerKeySet(trusted, options.fetch), {
      algorithms,
      issuer: trusted.issuer,
      typ: ID_JAG_TYP,
      currentDate: new Date(now),
      clockTolerance: tolerance,
    });
  } catch (error) {
    throw fromJoseError(error);
  }
  const { payload, protectedHeader } = verified;

  checkAudience(payload.aud, options.audience);
  checkClientId(payload.client_id, options.clientId);
  const { exp } = checkTimes(payload, nowSeconds, tolerance, maxAge);

  const parsed = parseIdJagClaims(payload as Record<string, unknown>);
  if (!parsed.ok) {
    throw new IdJagError(parsed.missing ? 'missing_claim' : 'malformed', parsed.message);
  }

  // The entry must outlive the last moment the token could still pass the `exp` check.
  await consumeJti(
    options.replayStore ?? defaultReplayStore,
    parsed.claims.jti,
    (exp + tolerance) * 1000,
    options.replayStoreTimeoutMs ?? DEFAULT_REPLAY_STORE_TIMEOUT_MS,
  );

  return { claims: parsed.claims, header: protectedHeader };
}
