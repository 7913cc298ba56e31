import { base64url, EncryptJWT, jwtDecrypt } from 'jose';
import { z } from 'zod';

/** What the session cookie holds: the user's ID token and what the pages show of them. */
export const sessionSchema = z.object({
  /** A random id, so that a signed-out session can be refused until its cookie expires. */
  sid: z.string().min(16),
  idToken: z.string().min(1),
  sub: z.string().min(1),
  name: z.string().optional(),
  email: z.string().optional(),
});

/** A signed-in user's session. */
export type Session = z.output<typeof sessionSchema>;

/** What the short-lived sign-in cookie holds between `/login` and `/callback`. */
export const pendingSignInSchema = z.object({
  state: z.string().min(1),
  nonce: z.string().min(1),
  codeVerifier: z.string().min(1),
});

/** The checks of a sign-in in progress: `state`, `nonce`, PKCE verifier. */
export type PendingSignIn = z.output<typeof pendingSignInSchema>;

/**
 * Seals small objects into encrypted, authenticated cookie values: a JWT encrypted with
 * `dir` + `A256GCM` (RFC 7516, RFC 7518 §4.5, §5.3) under one 256-bit key. A cookie that was
 * changed, sealed under another key, expired, or of the wrong purpose opens to `undefined`.
 */
export class CookieSealer {
  readonly #key: Uint8Array;

  constructor(key: Uint8Array) {
    if (key.byteLength !== 32) throw new TypeError('The session key must be 32 bytes.');
    this.#key = key;
  }

  /** A sealer with a key from base64url text (32 bytes), or a fresh random key. */
  static from(base64urlKey: string | undefined): CookieSealer {
    const key = base64urlKey
      ? base64url.decode(base64urlKey)
      : crypto.getRandomValues(new Uint8Array(32));
    return new CookieSealer(key);
  }

  async seal(purpose: string, value: object, lifetimeSeconds: number): Promise<string> {
    return new EncryptJWT({ ...value })
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .setAudience(purpose)
      .setIssuedAt()
      .setExpirationTime(`${lifetimeSeconds}s`)
      .encrypt(this.#key);
  }

  async open<S extends z.ZodType>(
    purpose: string,
    sealed: string | undefined,
    schema: S,
  ): Promise<z.output<S> | undefined> {
    if (!sealed || sealed.length > 8192) return undefined;
    try {
      const { payload } = await jwtDecrypt(sealed, this.#key, {
        audience: purpose,
        keyManagementAlgorithms: ['dir'],
        contentEncryptionAlgorithms: ['A256GCM'],
      });
      const parsed = schema.safeParse(payload);
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }
}

/**
 * The sessions signed out before their cookie expired. A sealed cookie cannot be taken back
 * from the browser (or from whoever copied it), so sign-out records its `sid` here until the
 * cookie's own expiry; expired entries are dropped as new ones come in.
 *
 * Held in memory: with a fixed `SESSION_KEY`, a restart forgets it, and a cookie copied before
 * a sign-out opens again after the restart until it expires.
 */
export class SignedOutSessions {
  readonly #until = new Map<string, number>();

  /** Refuses `sid` until `untilMs` (the end of its cookie's lifetime). */
  add(sid: string, untilMs: number): void {
    const now = Date.now();
    for (const [known, until] of this.#until) if (until <= now) this.#until.delete(known);
    this.#until.set(sid, untilMs);
  }

  has(sid: string): boolean {
    const until = this.#until.get(sid);
    return until !== undefined && until > Date.now();
  }
}
