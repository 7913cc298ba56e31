import type { z } from 'zod';
import {
  ExchangeError,
  type ExchangeStep,
  PolicyRefusalError,
  SubjectTokenRejectedError,
  stripInvisible,
} from './errors.js';
import { isRetryableStatus } from './retry.js';
import { scrubSecrets } from './scrub.js';
import type { RawResponse } from './transport.js';

/**
 * Which request a response answers: the token exchange itself, whose grant is the user's
 * subject token, or another grant (a later hop, e.g. a JWT-bearer grant), whose
 * `invalid_grant` is about its own assertion and not the user's sign-in.
 */
export type RequestKind = 'exchange' | 'grant';

/** What the parse step needs to know about the request. */
export interface ParseContext {
  readonly kind: RequestKind;
  readonly url: string;
  /** Secret values sent in the request, removed from any text the server echoes. */
  readonly secrets: Iterable<string>;
  readonly step?: ExchangeStep;
}

const POLICY_ERRORS = new Set([
  'access_denied',
  'invalid_target',
  'invalid_scope',
  'unauthorized_client',
]);
const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;
const ERROR_CODE = /^[\x20-\x21\x23-\x5b\x5d-\x7e]{1,64}$/;

function isJson(response: RawResponse): boolean {
  return JSON_TYPE.test(response.headers.get('content-type') ?? '');
}

function readObject(response: RawResponse): Record<string, unknown> | undefined {
  if (!isJson(response)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(response.body);
  } catch {
    return undefined;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * The **parse** step: a success is status 200, a JSON content type and a JSON object
 * (RFC 6749 §5.1); anything else is an error, classified from the RFC 6749 §5.2 error body
 * when there is one. Returns the plain object for schema validation.
 */
export function parseTokenResponse(
  response: RawResponse,
  context: ParseContext,
): Record<string, unknown> {
  const step = context.step ?? 'parse';
  const body = readObject(response);
  if (response.status === 200) {
    if (body === undefined) {
      const type = describeType(response, context.secrets);
      throw new ExchangeError(
        `${context.url} answered 200 without a JSON object (content type ${type})`,
        { code: 'invalid_response', step, status: 200 },
      );
    }
    return body;
  }
  if (body !== undefined && isErrorCode(body.error, context.secrets)) {
    const description =
      typeof body.error_description === 'string'
        ? scrubSecrets(body.error_description, context.secrets)
        : undefined;
    throw oauthError(body.error, description, response.status, context, step);
  }
  throw new ExchangeError(
    `${context.url} answered HTTP ${response.status} without an OAuth error body`,
    {
      code: 'invalid_response',
      step,
      status: response.status,
      retryable: isRetryableStatus(response.status),
    },
  );
}

/**
 * An RFC 6749 §5.2 `error` code that may be reported as is: the allowed characters, at most 64
 * of them, and no piece of a secret the request carried (a server could echo one as its code).
 */
function isErrorCode(value: unknown, secrets: Iterable<string>): value is string {
  return (
    typeof value === 'string' && ERROR_CODE.test(value) && scrubSecrets(value, secrets) === value
  );
}

/** The media type of the answer (its parameters left out), for a message. */
function describeType(response: RawResponse, secrets: Iterable<string>): string {
  const type = response.headers.get('content-type');
  if (type === null) return 'missing';
  const media = (type.split(';')[0] ?? '')
    .trim()
    .slice(0, 60)
    .replace(/[^\x21-\x7e]/g, '');
  return `"${scrubSecrets(media, secrets)}"`;
}

/**
 * Classifies an RFC 6749 §5.2 error: a policy refusal, a rejected subject token, a
 * configuration problem (`invalid_client`) or any other OAuth error.
 *
 * On the token exchange, `invalid_grant` always means the subject token was refused (RFC 8693
 * §2.2.2), and `invalid_request` does when its description names `subject_token`; elsewhere
 * `invalid_request` is a malformed request (`oauth_error`).
 */
export function oauthError(
  error: string,
  errorDescription: string | undefined,
  status: number,
  context: Pick<ParseContext, 'kind' | 'url'>,
  step: ExchangeStep = 'parse',
): ExchangeError {
  const fields = { error, errorDescription, status, step };
  const answered = `${context.url} answered "${error}" (HTTP ${status})`;
  if (POLICY_ERRORS.has(error)) {
    return new PolicyRefusalError(`Refused by policy: ${answered}`, {
      ...fields,
      code: 'policy_refused',
    });
  }
  const aboutSubject =
    context.kind === 'exchange' &&
    (error === 'invalid_grant' ||
      (error === 'invalid_request' && /subject_token/i.test(errorDescription ?? '')));
  if (aboutSubject) {
    return new SubjectTokenRejectedError(`The subject token was rejected: ${answered}`, {
      ...fields,
      code: 'subject_token_rejected',
    });
  }
  if (error === 'invalid_client') {
    // Servers give no reason on the wire; these are the usual ones.
    const hint =
      'check the client id, the key the server has registered for it and its kid, and the clock';
    return new ExchangeError(`Client authentication failed: ${answered}; ${hint}`, {
      ...fields,
      code: 'configuration',
    });
  }
  const hint =
    context.kind === 'exchange' && error === 'unsupported_grant_type'
      ? '; is the configured issuer the org authorization server, not a custom one?'
      : '';
  return new ExchangeError(`${answered}${hint}`, {
    ...fields,
    code: 'oauth_error',
    retryable: isRetryableStatus(status) || error === 'temporarily_unavailable',
  });
}

/**
 * Validates a parsed response with a zod schema. The error names the offending fields in
 * quotes and never echoes their values; any piece of a request secret is redacted from it.
 */
export function validateResponse<S extends z.ZodType>(
  schema: S,
  body: unknown,
  context: Pick<ParseContext, 'url' | 'secrets' | 'step'>,
): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  // Paths can hold key names the server chose (records): they are server text too.
  const issues = scrubSecrets(describeIssues(result.error), context.secrets);
  throw new ExchangeError(
    `The answer from ${context.url} does not have the expected shape: ${issues}`,
    { code: 'invalid_response', step: context.step ?? 'parse', status: 200 },
  );
}

/**
 * `"a.b": message` for each issue (zod's messages name types and limits, not values), and
 * `unrecognized key "a.b"` for a key a strict object does not know (the key names it, capped).
 */
export function describeIssues(error: z.ZodError): string {
  const parts = error.issues.slice(0, 5).map((issue) => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.slice(0, 5).map((key) => {
        const name = [...path, stripInvisible(key).slice(0, 64)].join('.');
        return `"${name}"`;
      });
      return `unrecognized key${keys.length === 1 ? '' : 's'} ${keys.join(', ')}`;
    }
    return `"${path.join('.') || '(root)'}": ${issue.message.slice(0, 100)}`;
  });
  return parts.join('; ');
}
