import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
) => Promise<Buffer>;

const KEY_LENGTH = 32;

/** The scrypt of each configured plain password, keyed by the user object that holds it. */
const plainHashes = new WeakMap<object, { password: string; hash: Promise<Buffer> }>();

/**
 * Hashes a password for the `passwordHash` field of a configured user:
 * `scrypt$<salt>$<hash>`, salt 16 random bytes and hash 32 bytes, both base64url, scrypt with
 * Node's defaults (N = 16384, r = 8, p = 1).
 *
 * @throws {TypeError} for an empty password, which no sign-in accepts.
 */
export async function hashPassword(password: string): Promise<string> {
  if (password === '') throw new TypeError('hashPassword: the password is empty');
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, KEY_LENGTH);
  return `scrypt$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/**
 * Checks a password against a plain configured password or a `scrypt$<salt>$<hash>` hash, in
 * constant time with respect to the stored value. An empty password never matches, whatever
 * hash is configured.
 */
export async function verifyPassword(
  password: string,
  stored: { password?: string | undefined; passwordHash?: string | undefined },
): Promise<boolean> {
  if (password === '') return false;
  if (stored.passwordHash !== undefined) {
    const [, salt, hash] = stored.passwordHash.split('$');
    if (!salt || !hash) return false;
    const expected = Buffer.from(hash, 'base64url');
    const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length);
    return timingSafeEqual(actual, expected);
  }
  if (stored.password === undefined) return false;
  // Hash both sides so the comparison does not leak the stored password's length; the stored
  // side is hashed once per configured user, not once per attempt.
  let expected = plainHashes.get(stored);
  if (expected === undefined || expected.password !== stored.password) {
    expected = {
      password: stored.password,
      hash: scryptAsync(stored.password, Buffer.alloc(16), KEY_LENGTH),
    };
    plainHashes.set(stored, expected);
  }
  const [a, b] = await Promise.all([
    scryptAsync(password, Buffer.alloc(16), KEY_LENGTH),
    expected.hash,
  ]);
  return timingSafeEqual(a, b);
}
