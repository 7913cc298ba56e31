/**
 * Which check an ID-JAG failed. A closed set, so callers can `switch` on it; every code maps to
 * the OAuth error `invalid_grant` at a token endpoint (RFC 7523 §3.1, ID-JAG draft §4.4).
 */
export type IdJagErrorCode =
  | 'malformed'
  | 'typ'
  | 'algorithm'
  | 'untrusted_issuer'
  | 'signature'
  | 'audience'
  | 'client_id'
  | 'expired'
  | 'not_yet_valid'
  | 'too_old'
  | 'missing_claim'
  | 'lifetime'
  | 'replayed'
  | 'crit'
  | 'header'
  | 'jwks';

/**
 * The error every ID-JAG check throws. `message` names the check that failed and never contains
 * the token or any claim value; `cause` keeps the underlying error (for example jose's) when there
 * was one.
 */
export class IdJagError extends Error {
  override readonly name = 'IdJagError';

  /** The check that failed. */
  readonly code: IdJagErrorCode;

  constructor(code: IdJagErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}

/** True when `value` is an {@link IdJagError}, optionally with the given code. */
export function isIdJagError(value: unknown, code?: IdJagErrorCode): value is IdJagError {
  return value instanceof IdJagError && (code === undefined || value.code === code);
}
