import { ExchangeError } from './errors.js';
import { raceAbort } from './flight.js';
import type { RawResponse } from './transport.js';

/** How failed attempts are retried. */
export interface RetryOptions {
  /** Total attempts, 1 to 3. Defaults to 3. */
  readonly attempts?: number;
  /** First backoff delay before jitter, in milliseconds. Defaults to 200. */
  readonly baseDelayMs?: number;
  /** The longest `Retry-After` wait honoured, in milliseconds. Defaults to 10 000. */
  readonly maxRetryAfterMs?: number;
  /** Waits between attempts; replaceable so tests can record the waits. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** `RetryOptions` with every default filled in. */
export interface RetryPolicy {
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxRetryAfterMs: number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Waits `ms`, or less when `signal` fires first (its timer is then cleared). */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Fills in the defaults of `RetryOptions`. */
export function retryPolicy(options: RetryOptions | undefined): RetryPolicy {
  return {
    attempts: options?.attempts ?? 3,
    baseDelayMs: options?.baseDelayMs ?? 200,
    maxRetryAfterMs: options?.maxRetryAfterMs ?? 10_000,
    sleep: options?.sleep ?? sleep,
  };
}

/** Whether an HTTP status may succeed when retried: 5xx and 429 (RFC 6585 §4). */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '\\d{2}:\\d{2}:\\d{2}';
// RFC 9110 §5.6.7: IMF-fixdate, and the obsolete rfc850-date and asctime-date a recipient must
// still accept. Anything else is unreadable: `Date.parse` alone would take "-5" or "foo 12" for
// dates in 2001 and so retry at once.
const IMF_FIXDATE = new RegExp(`^${DAY}, \\d{2} ${MONTH} \\d{4} ${TIME} GMT$`);
const RFC850_DATE = new RegExp(`^${LONG_DAY}, \\d{2}-${MONTH}-\\d{2} ${TIME} GMT$`);
const ASCTIME_DATE = new RegExp(`^${DAY} ${MONTH} [ \\d]\\d ${TIME} \\d{4}$`);

function parseHttpDate(value: string): number {
  if (IMF_FIXDATE.test(value) || RFC850_DATE.test(value)) return Date.parse(value);
  // asctime-date carries no zone; it is GMT by definition.
  if (ASCTIME_DATE.test(value)) return Date.parse(`${value} GMT`);
  return Number.NaN;
}

/**
 * Milliseconds to wait from a `Retry-After` header (RFC 9110 §10.2.3): delay-seconds or an
 * HTTP-date (a date in the past means no wait). `undefined` when absent or unreadable, so the
 * caller falls back to its backoff.
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = parseHttpDate(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with equal jitter: half the step fixed, half random. */
export function backoffDelay(attempt: number, baseDelayMs: number, random = Math.random): number {
  const step = baseDelayMs * 2 ** (attempt - 1);
  return Math.round(step / 2 + (random() * step) / 2);
}

/**
 * Runs `attempt` until it gives an answer that should not be retried, at most
 * `policy.attempts` times. Retries network errors, 5xx and 429 only, never a 4xx or a timeout;
 * waits `Retry-After` (capped at `maxRetryAfterMs`) when the server sent one, else a jittered
 * backoff. The last answer is returned as is, even a 503: the parse step classifies it. When
 * `signal` fires during a wait, the wait ends with an `aborted` error.
 */
export async function withRetries(
  attempt: (number: number) => Promise<RawResponse>,
  policy: RetryPolicy,
  now: () => number,
  signal?: AbortSignal,
): Promise<{ response: RawResponse; attempts: number }> {
  const pause = (ms: number): Promise<void> =>
    raceAbort(policy.sleep(ms, signal), signal, () => 'send');
  for (let number = 1; ; number += 1) {
    const last = number >= policy.attempts;
    let response: RawResponse;
    try {
      response = await attempt(number);
    } catch (error) {
      if (last || !(error instanceof ExchangeError) || error.code !== 'network') throw error;
      await pause(backoffDelay(number, policy.baseDelayMs));
      continue;
    }
    if (last || !isRetryableStatus(response.status)) return { response, attempts: number };
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'), now());
    const wait =
      retryAfter === undefined
        ? backoffDelay(number, policy.baseDelayMs)
        : Math.min(retryAfter, policy.maxRetryAfterMs);
    await pause(wait);
  }
}
