import { MAX_EXPIRES_IN_SECONDS } from './schemas.js';

/** What `credentialExpiry` needs. All times in the units named. */
export interface CredentialExpiryInput {
  /** `expires_in` from the token response, in seconds (RFC 6749 §5.1). */
  readonly expiresIn?: number | undefined;
  /** The `exp` claim of a JWT credential, in seconds since the epoch (RFC 7519 §4.1.4). */
  readonly jwtExp?: number | undefined;
  /** Now, in milliseconds since the epoch. */
  readonly now: number;
  /** Lifetime assumed when the server says nothing, in seconds. Defaults to 60. */
  readonly defaultSeconds?: number;
}

/**
 * When a credential expires: the earlier of `expires_in` and the JWT `exp` when the server
 * gave them, else a conservative default. Never later than one year from now, never "forever".
 */
export function credentialExpiry(input: CredentialExpiryInput): Date {
  const { expiresIn, jwtExp, now, defaultSeconds = 60 } = input;
  const candidates: number[] = [];
  if (expiresIn !== undefined && Number.isFinite(expiresIn) && expiresIn >= 0) {
    candidates.push(now + expiresIn * 1000);
  }
  if (jwtExp !== undefined && Number.isFinite(jwtExp)) {
    candidates.push(jwtExp * 1000);
  }
  if (candidates.length === 0) {
    candidates.push(now + Math.max(0, defaultSeconds) * 1000);
  }
  return new Date(Math.min(...candidates, now + MAX_EXPIRES_IN_SECONDS * 1000));
}

const REDACTED = '[redacted]';

// `util.inspect.custom` is this registered symbol; reaching it by name keeps `node:util` (and
// `@types/node`) out of this module. Node passes its own `inspect` as the third argument.
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

type Inspect = (value: unknown, options: object) => string;

/**
 * Returns a copy of `object` that prints its secret fields as `[redacted]` through
 * `JSON.stringify`, `String()` and `util.inspect` (so `console.log` too). The values stay
 * reachable through their named fields. The added methods are non-enumerable, so spreading the
 * object drops the protection: spread only what is not secret.
 */
export function protectCredential<T extends object>(
  object: T,
  secretKeys: readonly (keyof T)[],
): T {
  const copy = { ...object };
  const redacted = (): Record<string, unknown> => {
    const view: Record<string, unknown> = { ...(copy as Record<string, unknown>) };
    for (const key of secretKeys) {
      if (key in view) view[key as string] = REDACTED;
    }
    return view;
  };
  Object.defineProperties(copy, {
    toJSON: { value: redacted, enumerable: false },
    toString: { value: () => JSON.stringify(redacted()), enumerable: false },
    [INSPECT]: {
      value: (_depth: number, options: object, inspect: Inspect) => inspect(redacted(), options),
      enumerable: false,
    },
  });
  return copy;
}
