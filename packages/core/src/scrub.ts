const JWT_LIKE = /[\w-]{2,}\.[\w-]{2,}\.[\w-]*/g;
const LONG_OPAQUE = /[\w-]{40,}/g;

/**
 * Removes from untrusted server text every known secret value of the request, anything shaped
 * like a JWT, and long opaque strings, so a server that echoes a token back cannot make it
 * reach an error, a log line or an event.
 */
export function scrubSecrets(text: string, secrets: Iterable<string>): string {
  let clean = text;
  for (const secret of secrets) {
    if (secret.length >= 6) clean = clean.split(secret).join('[redacted]');
  }
  return clean.replace(JWT_LIKE, '[redacted]').replace(LONG_OPAQUE, '[redacted]');
}
