import { createHash } from 'node:crypto';
import { request } from 'node:http';

/** A short, non-reversible reference to a token, for counting without keeping it. */
export function tokenRef(token: string): string {
  return createHash('sha256').update(token).digest('base64url').slice(0, 16);
}

/** The status and OAuth `error` of one answer; status 0 = deadline hit, -1 = network error. */
export interface Answer {
  readonly status: number;
  readonly error: string | undefined;
  readonly body: Record<string, unknown> | undefined;
}

/**
 * Counts what crosses the wire during the soak, for both streams: token requests sent, answers
 * by status class, deadlines hit, network errors, and every ID-JAG redeemed with a 200.
 */
export class WireLedger {
  tokenRequests = 0;
  otherRequests = 0;
  readonly statuses = new Map<number, number>();
  deadlines = 0;
  networkErrors = 0;
  /** ID-JAG reference → number of 200 answers to a JWT-bearer grant carrying it. */
  readonly redeemed = new Map<string, number>();

  /** Notes an answer (or its absence) to one request. */
  record(status: number): void {
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
  }

  /** Answers with status ≥ 500. */
  get serverErrors(): number {
    let count = 0;
    for (const [status, n] of this.statuses) if (status >= 500) count += n;
    return count;
  }

  /** ID-JAGs that were redeemed more than once. */
  get redeemedTwice(): number {
    let count = 0;
    for (const n of this.redeemed.values()) if (n > 1) count += 1;
    return count;
  }

  /**
   * A `fetch` that forwards to the real one and keeps the ledger: an observer on the way, no
   * stand-in for the server.
   */
  observe(deadlineMs: number): typeof fetch {
    return async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const isToken = url.pathname.endsWith('/v1/token');
      if (isToken) this.tokenRequests += 1;
      else this.otherRequests += 1;
      const form =
        typeof init?.body === 'string'
          ? new URLSearchParams(init.body)
          : init?.body instanceof URLSearchParams
            ? init.body
            : undefined;
      const idJag =
        form?.get('grant_type') === 'urn:ietf:params:oauth:grant-type:jwt-bearer'
          ? form.get('assertion')
          : null;
      const deadline = AbortSignal.timeout(deadlineMs);
      const signal = init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
      let response: Response;
      try {
        response = await globalThis.fetch(input, { ...init, signal });
      } catch (error) {
        if (deadline.aborted) {
          this.deadlines += 1;
          this.record(0);
        } else {
          this.networkErrors += 1;
          this.record(-1);
        }
        throw error;
      }
      this.record(response.status);
      if (idJag !== null && response.status === 200) {
        const ref = tokenRef(idJag);
        this.redeemed.set(ref, (this.redeemed.get(ref) ?? 0) + 1);
      }
      return response;
    };
  }
}

/**
 * POSTs a body through the ledger's observer and reads the answer's status and OAuth `error`.
 * Never throws: a deadline is status 0, a network error -1.
 */
export async function post(
  send: typeof fetch,
  url: string,
  body: string,
  contentType = 'application/x-www-form-urlencoded',
): Promise<Answer> {
  try {
    const response = await send(url, {
      method: 'POST',
      headers: { 'content-type': contentType, accept: 'application/json' },
      body,
      redirect: 'manual',
    });
    const text = await response.text();
    let parsed: Record<string, unknown> | undefined;
    try {
      const value: unknown = JSON.parse(text);
      parsed =
        typeof value === 'object' && value !== null
          ? (value as Record<string, unknown>)
          : undefined;
    } catch {
      parsed = undefined;
    }
    const error = typeof parsed?.error === 'string' ? parsed.error : undefined;
    return { status: response.status, error, body: parsed };
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    return {
      status: name === 'TimeoutError' || name === 'AbortError' ? 0 : -1,
      error: name || 'network',
      body: undefined,
    };
  }
}

/**
 * POSTs a body too large for the server with node:http, counted in `ledger`. A server that
 * refuses it may close the connection before reading it; the client can then see the reset
 * before the answer (there is no lingering close), which is reported as status -1 `closed`.
 */
export function postOversized(ledger: WireLedger, url: string, body: string): Promise<Answer> {
  ledger.tokenRequests += 1;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (answer: Answer) => {
      if (settled) return;
      settled = true;
      resolve(answer);
    };
    const req = request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': Buffer.byteLength(body),
        accept: 'application/json',
      },
      timeout: 15_000,
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        ledger.record(res.statusCode ?? -1);
        let parsed: Record<string, unknown> | undefined;
        try {
          parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        } catch {
          parsed = undefined;
        }
        const error = typeof parsed?.error === 'string' ? parsed.error : undefined;
        settle({ status: res.statusCode ?? -1, error, body: parsed });
      });
      res.on('error', () => settle({ status: -1, error: 'closed', body: undefined }));
    });
    req.on('timeout', () => {
      ledger.deadlines += 1;
      req.destroy();
      settle({ status: 0, error: 'deadline', body: undefined });
    });
    req.on('error', () => settle({ status: -1, error: 'closed', body: undefined }));
    req.end(body);
  });
}
