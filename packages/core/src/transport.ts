import { ExchangeError, type ExchangeStep } from './errors.js';
import { abortedError } from './flight.js';
import { safeCause } from './safe-cause.js';
import { USER_AGENT } from './version.js';

/** What one HTTP attempt needs besides the request itself. */
export interface TransportOptions {
  readonly fetch: typeof globalThis.fetch;
  /** Deadline of one attempt, from sending to the last byte of the body. */
  readonly timeoutMs: number;
  /** Largest response body accepted, in bytes. */
  readonly maxResponseBytes: number;
}

/** One HTTP request as the send step makes it. */
export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers: Headers;
  /** `application/x-www-form-urlencoded` body of a POST. */
  readonly body?: string | undefined;
}

/** A complete, size-checked HTTP response. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

/** Headers every request carries: JSON wanted, and who is asking. */
export function baseHeaders(): Headers {
  return new Headers({ accept: 'application/json', 'user-agent': USER_AGENT });
}

/**
 * Sends one HTTP request (the **send** step) under one deadline that also covers reading the
 * body, with redirects not followed (RFC 9700 §4.11: a token endpoint never redirects) and the
 * body size capped while it streams in. `caller` aborts the request early (an `aborted` error).
 * Retries are the caller's business.
 */
export async function sendOnce(
  request: HttpRequest,
  options: TransportOptions,
  step: ExchangeStep = 'send',
  caller?: AbortSignal,
): Promise<RawResponse> {
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  const timer = setTimeout(abort, options.timeoutMs);
  caller?.addEventListener('abort', abort, { once: true });
  const fail = (error: unknown): ExchangeError => {
    if (error instanceof ExchangeError) return error;
    if (caller?.aborted) return abortedError(caller, step);
    if (controller.signal.aborted) {
      return new ExchangeError(
        `No complete answer from ${request.url} within ${options.timeoutMs} ms`,
        {
          code: 'timeout',
          step,
          retryable: true,
        },
      );
    }
    return new ExchangeError(`Could not reach ${request.url}`, {
      code: 'network',
      step,
      retryable: true,
      cause: safeCause(error),
    });
  };
  try {
    let response: Response;
    try {
      response = await options.fetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        redirect: 'manual',
        signal: controller.signal,
      });
    } catch (error) {
      throw fail(error);
    }
    // `redirected` catches an injected `fetch` that followed a redirect despite `manual`: what it
    // got is another server's answer, never to be taken for this one's.
    if (
      response.redirected ||
      response.type === 'opaqueredirect' ||
      (response.status >= 300 && response.status < 400)
    ) {
      await response.body?.cancel().catch(() => undefined);
      throw new ExchangeError(`${request.url} answered with a redirect, which is not followed`, {
        code: 'invalid_response',
        step,
        status: response.status,
      });
    }
    const body = await readCapped(response, options.maxResponseBytes, request.url, step).catch(
      (error: unknown) => {
        throw fail(error);
      },
    );
    return { status: response.status, headers: response.headers, body };
  } finally {
    clearTimeout(timer);
    caller?.removeEventListener('abort', abort);
  }
}

// One decoder serves every answer: decoding a whole body in one call leaves no state behind.
const UTF8 = new TextDecoder('utf-8');

function tooLarge(url: string, max: number, step: ExchangeStep, status: number): ExchangeError {
  return new ExchangeError(`The answer from ${url} is larger than ${max} bytes`, {
    code: 'response_too_large',
    step,
    status,
  });
}

async function readCapped(
  response: Response,
  max: number,
  url: string,
  step: ExchangeStep,
): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > max) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(url, max, step, response.status);
  }
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > max) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(url, max, step, response.status);
    }
    chunks.push(value);
  }
  return UTF8.decode(chunks.length === 1 ? chunks[0] : concat(chunks, received));
}

function concat(chunks: readonly Uint8Array[], length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
