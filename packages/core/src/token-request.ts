import type { ClientAuth } from './client-auth.js';
import { ExchangeError } from './errors.js';
import { type Progress, throwIfAborted } from './flight.js';
import { parseTokenResponse, type RequestKind } from './parse.js';
import { type RetryPolicy, withRetries } from './retry.js';
import { safeCause } from './safe-cause.js';
import { baseHeaders, sendOnce, type TransportOptions } from './transport.js';

/** Everything the steps after **build** share within one client. */
export interface Runtime extends TransportOptions {
  readonly retry: RetryPolicy;
  /** Milliseconds since the epoch. */
  readonly clock: () => number;
}

/** One POST to a token endpoint. */
export interface TokenCall {
  readonly tokenEndpoint: string;
  readonly issuer: string | undefined;
  /** The form without client authentication. */
  readonly form: Readonly<Record<string, string>>;
  readonly clientId: string;
  readonly auth: ClientAuth;
  readonly kind: RequestKind;
  /** Called once per HTTP attempt. */
  readonly onAttempt?: (() => void) | undefined;
  /** Stops the request, its retries and their waits with an `aborted` error. */
  readonly signal?: AbortSignal | undefined;
  /** Kept up to date with the step the request is in. */
  readonly progress?: Progress | undefined;
}

const SECRET_FIELDS = [
  'subject_token',
  'actor_token',
  'assertion',
  'client_secret',
  'client_assertion',
];

function collectSecrets(form: URLSearchParams, headers: Headers, into: Set<string>): void {
  for (const field of SECRET_FIELDS) {
    const value = form.get(field);
    if (value !== null) into.add(value);
  }
  const authorization = headers.get('authorization');
  if (authorization !== null) {
    into.add(authorization);
    const basic = /^Basic (.+)$/i.exec(authorization)?.[1];
    const secret = basic && Buffer.from(basic, 'base64').toString('utf8').split(':')[1];
    if (secret) into.add(decodeURIComponent(secret.replace(/\+/g, ' ')));
  }
}

/** A successful token response, and the secret values its request carried. */
export interface TokenAnswer {
  /** The JSON object the server answered with, not validated yet. */
  readonly body: Record<string, unknown>;
  /** To redact from any text built from the answer (e.g. a schema failure naming a key). */
  readonly secrets: ReadonlySet<string>;
}

/**
 * The **authenticate**, **send** and **parse** steps of one token request: every HTTP attempt
 * gets a freshly built form and fresh client authentication (so a `private_key_jwt` assertion
 * is never reused), retries follow the client's policy, and the final answer is parsed into a
 * plain JSON object or a classified `ExchangeError`.
 */
export async function callTokenEndpoint(call: TokenCall, runtime: Runtime): Promise<TokenAnswer> {
  const secrets = new Set<string>();
  const progress: Progress = call.progress ?? { step: 'send' };
  const { response } = await withRetries(
    async () => {
      progress.step = 'authenticate';
      throwIfAborted(call.signal, 'authenticate');
      call.onAttempt?.();
      const form = new URLSearchParams(call.form);
      const headers = baseHeaders();
      headers.set('content-type', 'application/x-www-form-urlencoded');
      await authenticate(call, form, headers, runtime);
      collectSecrets(form, headers, secrets);
      progress.step = 'send';
      throwIfAborted(call.signal, 'send');
      return sendOnce(
        { method: 'POST', url: call.tokenEndpoint, headers, body: form.toString() },
        runtime,
        'send',
        call.signal,
      );
    },
    runtime.retry,
    runtime.clock,
    call.signal,
  );
  progress.step = 'parse';
  const body = parseTokenResponse(response, { kind: call.kind, url: call.tokenEndpoint, secrets });
  return { body, secrets };
}

/**
 * The **authenticate** step of one attempt, under the client's deadline: a signer that never
 * settles (a KMS that hangs) fails with a `timeout` instead of holding the exchange, and every
 * caller sharing it, forever.
 */
async function authenticate(
  call: TokenCall,
  form: URLSearchParams,
  headers: Headers,
  runtime: Runtime,
): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(
        new ExchangeError(`Client authentication did not finish within ${runtime.timeoutMs} ms`, {
          code: 'timeout',
          step: 'authenticate',
          retryable: true,
        }),
      );
    }, runtime.timeoutMs);
  });
  try {
    const applied = call.auth.apply({
      clientId: call.clientId,
      tokenEndpoint: call.tokenEndpoint,
      issuer: call.issuer,
      form,
      headers,
      now: runtime.clock(),
    });
    await Promise.race([applied, deadline]);
  } catch (error) {
    if (error instanceof ExchangeError) throw error;
    throw new ExchangeError('Client authentication could not be added to the request', {
      code: 'configuration',
      step: 'authenticate',
      cause: safeCause(error),
    });
  } finally {
    clearTimeout(timer);
  }
  const keys = [...form.keys()];
  if (new Set(keys).size !== keys.length) {
    throw new ExchangeError('A form parameter would be sent twice', {
      code: 'configuration',
      step: 'authenticate',
    });
  }
}
