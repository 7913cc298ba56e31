/**
 * What went wrong, as a closed set callers can `switch` on.
 *
 * - `network`: the request never got an HTTP answer (DNS, connection reset, TLS).
 * - `timeout`: the deadline of one request fired, or client authentication (a signer callback)
 *   did not finish within it.
 * - `response_too_large`: the body was larger than the configured cap.
 * - `invalid_response`: the server answered, but not with what RFC 6749 / RFC 8693 / the
 *   adapter's schema require (wrong status, content type, JSON shape, token type, ...).
 * - `oauth_error`: the server sent an RFC 6749 §5.2 error that is neither a policy refusal nor a
 *   rejected subject token (`invalid_client`, `unsupported_grant_type`, `server_error`, ...).
 * - `policy_refused`: the authorization server refused by policy (`access_denied`,
 *   `invalid_target`, `invalid_scope`, `unauthorized_client`). Never retried.
 * - `subject_token_rejected`: the user's ID token was refused (`invalid_grant`, or
 *   `invalid_request` about the subject token): the user must sign in again.
 * - `configuration`: the client is set up wrongly (bad options, unknown adapter, input the
 *   adapter's schema refuses, an issuer that serves no metadata document, metadata whose issuer
 *   differs from the configured one, `invalid_client`).
 * - `aborted`: the caller's `AbortSignal` fired (the signal's reason is the `cause`). Never
 *   retried.
 */
export type ExchangeErrorCode =
  | 'network'
  | 'timeout'
  | 'response_too_large'
  | 'invalid_response'
  | 'oauth_error'
  | 'policy_refused'
  | 'subject_token_rejected'
  | 'configuration'
  | 'aborted';

/** The named step of the exchange pipeline in which an error was raised. */
export type ExchangeStep =
  | 'resolve'
  | 'build'
  | 'authenticate'
  | 'send'
  | 'parse'
  | 'finish'
  | 'cache';

/** What an `ExchangeError` is made of: its code and step, the server's OAuth fields, the cause. */
export interface ExchangeErrorOptions {
  code: ExchangeErrorCode;
  step: ExchangeStep;
  /** The OAuth `error` code the server sent, if any. */
  error?: string;
  /** The server's `error_description`; sanitised by the constructor. */
  errorDescription?: string;
  /** The HTTP status of the response, if there was one. */
  status?: number;
  /** Whether trying the same request again could succeed. */
  retryable?: boolean;
  cause?: unknown;
}

const MAX_DESCRIPTION = 300;

// Control characters (Cc), invisible format characters (Cf: bidi overrides and isolates,
// zero-width spaces and joiners, the BOM) and the line and paragraph separators: none belongs in
// a one-line description, and each can hide or reorder what a reader sees.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/** Removes control and invisible format characters from untrusted text. */
export function stripInvisible(text: string): string {
  return text.replace(INVISIBLE, '');
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Makes server-supplied text safe to show or log: control and invisible format characters
 * (bidi overrides, zero-width characters) removed, length capped at 300 characters without
 * splitting a character. The result is still untrusted text from the server.
 */
export function sanitizeDescription(text: string): string {
  const clean = stripInvisible(text).replace(LONE_SURROGATE, '\uFFFD');
  if (clean.length <= MAX_DESCRIPTION) return clean;
  // Never end on the first half of a surrogate pair.
  const end = /[\uD800-\uDBFF]/.test(clean.charAt(MAX_DESCRIPTION - 1))
    ? MAX_DESCRIPTION - 1
    : MAX_DESCRIPTION;
  return `${clean.slice(0, end)}…`;
}

/**
 * The one error type of onbehalf. Every failure of an exchange is an `ExchangeError` with a
 * `code` from a closed set, the pipeline `step` that failed, the server's OAuth fields when it
 * sent them, and the underlying error as `cause`. Messages never contain a token, an assertion,
 * a secret or a password.
 */
export class ExchangeError extends Error {
  override readonly name: string = 'ExchangeError';
  readonly code: ExchangeErrorCode;
  readonly step: ExchangeStep;
  readonly error: string | undefined;
  /** Untrusted server text, control characters removed and capped at 300 characters. */
  readonly errorDescription: string | undefined;
  readonly status: number | undefined;
  readonly retryable: boolean;

  constructor(message: string, options: ExchangeErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.step = options.step;
    this.error = options.error;
    this.errorDescription =
      options.errorDescription === undefined
        ? undefined
        : sanitizeDescription(options.errorDescription);
    this.status = options.status;
    this.retryable = options.retryable ?? false;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      code: this.code,
      step: this.step,
      error: this.error,
      errorDescription: this.errorDescription,
      status: this.status,
      retryable: this.retryable,
    };
  }
}

/** An authorization server refused by policy; never retried, never worked around. */
export class PolicyRefusalError extends ExchangeError {
  override readonly name = 'PolicyRefusalError';
}

/** The subject token (the user's ID token) was refused: the user must sign in again. */
export class SubjectTokenRejectedError extends ExchangeError {
  override readonly name = 'SubjectTokenRejectedError';
}

/** True when `value` is an `ExchangeError`, and of `code` when one is given. */
export function isExchangeError(value: unknown, code?: ExchangeErrorCode): value is ExchangeError {
  return value instanceof ExchangeError && (code === undefined || value.code === code);
}
