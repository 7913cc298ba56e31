import { stripInvisible } from './errors.js';

/**
 * A base64url JSON header starts with `ey` (`{"`, `{ `) or `ew` (`{` and a line break); a JWS
 * has 3 parts, a JWE 5. Dotted host names are left alone.
 */
const JWT_LIKE = /e[wy][\w-]{8,}(?:\.[\w-]*){2,}/g;
const LONG_OPAQUE = /[\w-]{40,}/g;
/** The shortest piece of a known secret that is redacted wherever it appears. */
const SLICE = 12;
/** Only this much of the text is kept before redacting: errors keep 300 characters anyway. */
const MAX_SCRUBBED = 2_000;
const REDACTED = '[redacted]';

/** Every `SLICE`-character piece of the secrets that are at least that long. */
function slicesOf(secrets: Iterable<string>): { slices: Set<string>; short: string[] } {
  const slices = new Set<string>();
  const short: string[] = [];
  for (const secret of secrets) {
    if (secret.length < SLICE) {
      if (secret.length >= 6) short.push(secret);
      continue;
    }
    for (let i = 0; i + SLICE <= secret.length; i += 1) slices.add(secret.slice(i, i + SLICE));
  }
  return { slices, short };
}

/** Replaces every run of text covered by a piece of a known secret with one `[redacted]`. */
function redactSlices(text: string, slices: Set<string>): string {
  if (slices.size === 0) return text;
  const covered = new Uint8Array(text.length);
  for (let i = 0; i + SLICE <= text.length; i += 1) {
    if (slices.has(text.slice(i, i + SLICE))) covered.fill(1, i, i + SLICE);
  }
  let out = '';
  for (let i = 0; i < text.length; i += 1) {
    if (covered[i] === 0) out += text[i];
    else if (i === 0 || covered[i - 1] === 0) out += REDACTED;
  }
  return out;
}

/**
 * Removes from untrusted server text every piece of 12 or more characters of a known secret of
 * the request (and any shorter secret whole), anything shaped like a JWT, and long opaque
 * strings, so a server that echoes a token back, whole, in chunks or with invisible characters
 * woven in, cannot make it reach an error, a log line or an event. Invisible characters are
 * removed first and the text is cut to 2,000 characters.
 */
export function scrubSecrets(text: string, secrets: Iterable<string>): string {
  const { slices, short } = slicesOf(secrets);
  // Whole tokens first, so one that shares pieces with a secret is still redacted as one.
  const shaped = stripInvisible(text)
    .slice(0, MAX_SCRUBBED)
    .replace(JWT_LIKE, REDACTED)
    .replace(LONG_OPAQUE, REDACTED);
  let clean = redactSlices(shaped, slices);
  for (const secret of short) clean = clean.split(secret).join(REDACTED);
  return clean;
}
