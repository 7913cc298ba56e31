import { type ExchangeErrorCode, isExchangeError } from '@onbehalf/core';

/**
 * A resource API refused the request or answered unexpectedly. Carries the HTTP status and the
 * `error` the API sent in `WWW-Authenticate` (RFC 6750 §3) or in its JSON body.
 */
export class ResourceError extends Error {
  override readonly name = 'ResourceError';
  constructor(
    readonly resource: string,
    readonly status: number,
    readonly error: string | undefined,
    readonly requiredScope?: string | undefined,
  ) {
    super(`${resource} answered ${status}${error ? ` (${error})` : ''}.`);
  }

  /** Reads the status, `WWW-Authenticate` error and scope, or JSON `error`, of a response. */
  static async from(resource: string, response: Response): Promise<ResourceError> {
    const challenge = parseChallenge(response.headers.get('www-authenticate') ?? '');
    let bodyError: string | undefined;
    try {
      const body: unknown = await response.json();
      if (body && typeof body === 'object' && 'error' in body && typeof body.error === 'string') {
        bodyError = body.error;
      }
    } catch {
      // A body that is not JSON carries no error code; the status still does.
    }
    return new ResourceError(
      resource,
      response.status,
      challenge.error ?? bodyError,
      challenge.scope,
    );
  }
}

/** Reads `error` and `scope` auth-params of a challenge (RFC 9110 §11.6.1, RFC 6750 §3). */
export function parseChallenge(header: string): { error?: string; scope?: string } {
  const result: { error?: string; scope?: string } = {};
  for (const match of header.matchAll(/(\w+)="([^"]*)"/g)) {
    const [, name, value] = match;
    if (name === 'error' || name === 'scope') result[name] = value;
  }
  return result;
}

/** What went wrong in a path, for a person: the codes the server sent and what to do next. */
export interface Failure {
  /** Where it failed: the token exchange at the org, the resource API, or elsewhere. */
  readonly kind: 'exchange' | 'resource' | 'unexpected';
  /** The onbehalf error code (`policy_refused`, …) or the HTTP status of the resource. */
  readonly code: string;
  /** The OAuth `error` the server sent (`invalid_target`, `insufficient_scope`, …). */
  readonly serverError?: string | undefined;
  /** The server's `error_description`: untrusted text, sanitised. */
  readonly description?: string | undefined;
  readonly status?: number | undefined;
  /** The pipeline step that failed (resolve, build, authenticate, send, parse, finish, cache). */
  readonly step?: string | undefined;
  /** What the user can do about it. */
  readonly advice: string;
}

const EXCHANGE_ADVICE: Record<ExchangeErrorCode, string> = {
  subject_token_rejected:
    'The org no longer accepts your sign-in (it expired or ended). Sign out and sign in again.',
  policy_refused:
    'The org refused this by policy. Ask an administrator to give the agent a managed connection to this resource (with these scopes), or request less.',
  configuration:
    'The agent is not set up correctly at the org: check its client id, its key and the issuer.',
  network: 'The org could not be reached. Check that it is running, then try again.',
  timeout: 'The org did not answer in time. Try again in a moment.',
  response_too_large:
    'The org sent an answer larger than allowed. Try again; if it persists, check the org.',
  invalid_response:
    'The org answered with something the agent cannot use. Try again; if it persists, check the org’s logs.',
  oauth_error: 'The org refused the request. Try again; if it persists, check the org’s logs.',
  aborted: 'The request was cancelled before it finished. Try again.',
};

/** Describes any error a path can end with, without a token or secret in it. */
export function describeFailure(error: unknown): Failure {
  if (isExchangeError(error)) {
    return {
      kind: 'exchange',
      code: error.code,
      serverError: error.error,
      description: error.errorDescription,
      status: error.status,
      step: error.step,
      advice: EXCHANGE_ADVICE[error.code],
    };
  }
  if (error instanceof ResourceError) {
    return {
      kind: 'resource',
      code: String(error.status),
      serverError: error.error,
      status: error.status,
      advice: resourceAdvice(error),
    };
  }
  return {
    kind: 'unexpected',
    code: error instanceof Error ? error.name : 'unknown',
    advice: 'Something unexpected failed. The server log has the details; try again.',
  };
}

function resourceAdvice(error: ResourceError): string {
  if (error.error === 'invalid_answer') {
    return `${error.resource} answered with something the agent cannot read. Check that it is the API the agent expects.`;
  }
  if (error.status === 403) {
    return `${error.resource} needs ${error.requiredScope ? `the scope ${error.requiredScope}` : 'more access'}. Ask an administrator to allow it on the agent’s connection.`;
  }
  if (error.status === 401) {
    return `${error.resource} did not accept the credential the org issued. Check that the API and the org agree (issuer, audience, vault entry), then try again.`;
  }
  if (error.status >= 500) return `${error.resource} failed. Try again in a moment.`;
  return `${error.resource} refused the request. Check the agent’s configuration.`;
}
