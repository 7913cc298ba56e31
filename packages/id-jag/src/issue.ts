import { randomBytes } from 'node:crypto';
import { type JWK, type KeyObject, SignJWT } from 'jose';
import { z } from 'zod';
import { type IdJagAlgorithm, isAsymmetricAlgorithm } from './algorithms.js';
import {
  ID_JAG_TYP,
  type IdJagClaims,
  idJagClaimsSchema,
  MAX_ID_JAG_LIFETIME_SECONDS,
  scopeTokenSchema,
} from './claims.js';
import { IdJagError } from './errors.js';

/** Options of {@link issueIdJag}. */
export interface IssueIdJagOptions {
  /** The identity provider's private signing key: a private JWK, a `KeyObject` or a `CryptoKey`. */
  key: JWK | KeyObject | CryptoKey;
  /** The `kid` of that key in the issuer's published key set. */
  kid: string;
  /** Signing algorithm; asymmetric only. Default `RS256`, as Okta signs. */
  alg?: IdJagAlgorithm;
  /** `iss`: the identity provider's issuer. */
  issuer: string;
  /** `sub`: the user. */
  subject: string;
  /** `aud`: the issuer of the resource authorization server that will redeem it (one only). */
  audience: string;
  /** `client_id`: the client that will redeem it, as that authorization server knows it. */
  clientId: string;
  /** `scope`: at least one scope token. */
  scope: string[] | string;
  /** `resource`: RFC 8707 resource indicator. */
  resource?: string;
  /** `email` of the user. */
  email?: string;
  /** `auth_time`: when the user authenticated, as a Date or epoch seconds. */
  authTime?: Date | number;
  /** `amr`: authentication methods references (RFC 8176). */
  amr?: string[];
  /** `act`: the acting party (RFC 8693 §4.1), e.g. `{ sub: agentId, sub_profile: 'ai_agent' }`. */
  act?: { sub: string; [claim: string]: unknown };
  /** Lifetime in seconds, 1 to 300. Default 300. */
  lifetimeSeconds?: number;
  /** The current time in epoch milliseconds. Default `Date.now()`. */
  now?: number;
}

const optionsSchema = z.object({
  kid: z.string().min(1).max(256),
  issuer: z.string().min(1),
  subject: z.string().min(1),
  audience: z.string().min(1),
  clientId: z.string().min(1),
  scope: z.union([z.array(scopeTokenSchema).min(1), z.string().min(1)]),
  resource: z.string().min(1).optional(),
  email: z.string().optional(),
  authTime: z.union([z.date(), z.number().finite().nonnegative()]).optional(),
  amr: z.array(z.string()).optional(),
  act: z.looseObject({ sub: z.string().min(1) }).optional(),
  lifetimeSeconds: z.number().int().positive().optional(),
  now: z.number().finite().optional(),
});

/** Refuses anything but a private asymmetric key (RFC 8725 §3.1: no symmetric ID-JAGs). */
function assertPrivateAsymmetricKey(key: unknown): void {
  if (key instanceof Uint8Array) {
    throw new IdJagError('algorithm', 'ID-JAG signing key must be asymmetric, not a secret');
  }
  if (typeof key !== 'object' || key === null) {
    throw new IdJagError(
      'algorithm',
      'ID-JAG signing key must be a private JWK, KeyObject or CryptoKey',
    );
  }

  // KeyObject and CryptoKey both carry `type`: 'secret' | 'public' | 'private'.
  const type = (key as { type?: unknown }).type;
  if (typeof type === 'string') {
    if (type !== 'private') {
      throw new IdJagError('algorithm', `ID-JAG signing key must be a private key, not ${type}`);
    }
    return;
  }

  const jwk = key as JWK;
  if (jwk.kty === 'oct' || typeof jwk.k === 'string') {
    throw new IdJagError('algorithm', 'ID-JAG signing key must be asymmetric, not a secret');
  }
  if (typeof jwk.d !== 'string') {
    throw new IdJagError('algorithm', 'ID-JAG signing key must be a private JWK (it has no "d")');
  }
}

/**
 * Issues an ID-JAG (Identity Assertion JWT Authorization Grant, ID-JAG draft §3), as an identity
 * provider does at the end of a token exchange: header `typ: oauth-id-jag+jwt`, `alg`, `kid`;
 * claims `iss`, `sub`, a single `aud`, `client_id`, a fresh random `jti`, `iat`, `exp` (at most
 * 300 s later), `scope`, and the optional `resource`, `email`, `auth_time`, `amr`, `act`.
 *
 * @example
 * const { jwt } = await issueIdJag({ key: privateJwk, kid: 'k1', issuer: 'https://idp.example',
 *   subject: '00u1', audience: 'https://as.example', clientId: 'agent', scope: ['todo.read'] });
 * @throws {IdJagError} `algorithm` for a symmetric key or algorithm, `lifetime` above 300 s.
 * @throws {TypeError} for a missing or badly typed option, naming it.
 */
export async function issueIdJag(
  options: IssueIdJagOptions,
): Promise<{ jwt: string; claims: IdJagClaims }> {
  const alg = options.alg ?? 'RS256';
  if (!isAsymmetricAlgorithm(alg)) {
    throw new IdJagError(
      'algorithm',
      `"alg" ${JSON.stringify(alg)} is not an asymmetric JWS algorithm`,
    );
  }
  assertPrivateAsymmetricKey(options.key);

  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(`issueIdJag option "${issue?.path.join('.')}": ${issue?.message}`);
  }
  const input = parsed.data;

  const lifetime = input.lifetimeSeconds ?? MAX_ID_JAG_LIFETIME_SECONDS;
  if (lifetime > MAX_ID_JAG_LIFETIME_SECONDS) {
    throw new IdJagError(
      'lifetime',
      `ID-JAG lifetime ${lifetime} s is above the maximum of ${MAX_ID_JAG_LIFETIME_SECONDS} s`,
    );
  }

  const scopes = typeof input.scope === 'string' ? input.scope.split(' ') : input.scope;
  const iat = Math.floor((input.now ?? Date.now()) / 1000);
  const authTime =
    input.authTime instanceof Date ? Math.floor(input.authTime.getTime() / 1000) : input.authTime;

  const payload = {
    iss: input.issuer,
    sub: input.subject,
    aud: input.audience,
    client_id: input.clientId,
    jti: randomBytes(18).toString('base64url'),
    iat,
    exp: iat + lifetime,
    scope: [...new Set(scopes)].join(' '),
    ...(input.resource === undefined ? {} : { resource: input.resource }),
    ...(input.email === undefined ? {} : { email: input.email }),
    ...(authTime === undefined ? {} : { auth_time: authTime }),
    ...(input.amr === undefined ? {} : { amr: input.amr }),
    ...(input.act === undefined ? {} : { act: input.act }),
  };

  const checked = idJagClaimsSchema.safeParse(payload);
  if (!checked.success) {
    const claim = String(checked.error.issues[0]?.path[0] ?? 'payload');
    throw new TypeError(`issueIdJag would produce an invalid "${claim}" claim`);
  }

  let jwt: string;
  try {
    jwt = await new SignJWT(payload)
      .setProtectedHeader({ alg, kid: input.kid, typ: ID_JAG_TYP })
      .sign(options.key);
  } catch (cause) {
    throw new IdJagError('algorithm', `ID-JAG signing key does not fit "alg" ${alg}`, { cause });
  }
  return { jwt, claims: checked.data };
}
