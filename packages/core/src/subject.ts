import { decodeJwt } from 'jose';
import { BoundedMemo } from './bounded-memo.js';
import { ExchangeError } from './errors.js';
import { sha256 } from './hash.js';

/** The largest subject token accepted, in characters. */
export const MAX_SUBJECT_TOKEN_LENGTH = 16_384;

/** Most subject tokens whose derived `Subject` is remembered. */
export const SUBJECT_MEMO_ENTRIES = 1000;
/** Most characters of subject tokens the memo holds in all (4 MB of UTF-16 at worst). */
export const SUBJECT_MEMO_CHARS = 2_000_000;

// Keyed by the exact token, so a different token (even naming the same user) never shares an
// entry. Raw tokens stay in this process's memory only, as the caller holds them anyway.
const subjects = new BoundedMemo<Subject>(SUBJECT_MEMO_ENTRIES, SUBJECT_MEMO_CHARS);

/** What core knows about the subject token without trusting it. */
export interface Subject {
  /** Stable per user: hash of the ID token's `iss` and `sub`, or of the whole token. */
  readonly identity: string;
  /** Hash of the exact token. */
  readonly tokenHash: string;
  /** `shortHash` of the token: the first 12 characters of `tokenHash`. */
  readonly shortHash: string;
  /** The token's `exp` in milliseconds, when it is a JWT that has one. */
  readonly expiresAt: number | undefined;
}

/** Checks the subject token is a non-empty string of bounded size (the **build** step). */
export function checkSubjectToken(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new ExchangeError('"subjectToken" must be a non-empty string', {
      code: 'configuration',
      step: 'build',
    });
  }
  if (value.length > MAX_SUBJECT_TOKEN_LENGTH) {
    throw new ExchangeError(
      `"subjectToken" is longer than ${MAX_SUBJECT_TOKEN_LENGTH} characters`,
      { code: 'configuration', step: 'build' },
    );
  }
  return value;
}

/**
 * Reads the user's identity from an ID token (OpenID Connect Core §2: `iss` + `sub`) by
 * decoding it WITHOUT verifying it. It only groups cache entries per user (for eviction);
 * a cache hit also requires the exact same token, which the server verified when it was
 * exchanged. A token that is not a decodable JWT is identified by its hash. What is derived is
 * remembered per exact token (bounded), so a repeated token is not decoded or hashed again; its
 * `exp` is still compared with the client clock on every cache read.
 */
export function readSubject(token: string): Subject {
  const known = subjects.get(token);
  if (known !== undefined) return known;
  const subject = Object.freeze(decodeSubject(token));
  subjects.set(token, subject);
  return subject;
}

/** The entries and token characters the subject memo holds now. */
export function subjectMemoSize(): { readonly entries: number; readonly chars: number } {
  return { entries: subjects.size, chars: subjects.keyChars };
}

function decodeSubject(token: string): Subject {
  const tokenHash = sha256(token);
  const shortHash = tokenHash.slice(0, 12);
  try {
    const claims = decodeJwt(token);
    if (typeof claims.iss === 'string' && typeof claims.sub === 'string') {
      const expiresAt = typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
      return {
        identity: sha256(JSON.stringify([claims.iss, claims.sub])),
        tokenHash,
        shortHash,
        expiresAt,
      };
    }
  } catch {
    // Not a JWT: fall through to the hash of the token.
  }
  return { identity: tokenHash, tokenHash, shortHash, expiresAt: undefined };
}
