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

const SECRET_KEYS = Symbol('onbehalf.secretKeys');

/**
 * The prototype of every protected credential. The printers live here, once, rather than as
 * closures on each object: a cache holding many credentials pays for them once.
 */
class ProtectedCredential {
  declare readonly [SECRET_KEYS]: readonly PropertyKey[];

  toJSON(): Record<string, unknown> {
    const view: Record<string, unknown> = { ...(this as object) };
    for (const key of this[SECRET_KEYS]) {
      if (key in view) view[key as string] = REDACTED;
    }
    return view;
  }

  toString(): string {
    return JSON.stringify(this.toJSON());
  }

  [INSPECT](_depth: number, options: object, inspect: Inspect): string {
    return inspect(this.toJSON(), options);
  }
}

/**
 * Returns a copy of `object` that prints its secret fields as `[redacted]` through
 * `JSON.stringify`, `String()` and `util.inspect` (so `console.log` too). The values stay
 * reachable through their named fields. The printers are inherited, not own properties, so
 * spreading the object drops the protection: spread only what is not secret.
 */
export function protectCredential<T extends object>(
  object: T,
  secretKeys: readonly (keyof T)[],
): T {
  const copy = Object.assign(Object.create(ProtectedCredential.prototype), object) as T;
  Object.defineProperty(copy, SECRET_KEYS, { value: secretKeys });
  return copy;
}
