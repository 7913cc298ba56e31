import { createHash } from 'node:crypto';

/** SHA-256 of a UTF-8 string, base64url-encoded (RFC 4648 §5). */
export function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}

/**
 * A short, non-reversible reference to a token (the first 12 characters of its base64url
 * SHA-256), for logs and events. Two different tokens almost never share one.
 */
export function shortHash(token: string): string {
  return sha256(token).slice(0, 12);
}
