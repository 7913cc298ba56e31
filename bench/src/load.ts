import autocannon from 'autocannon';

/** What one HTTP load run measured. */
export interface LoadResult {
  /** Completed requests per second over the run. */
  readonly requestsPerSecond: number;
  readonly total: number;
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  /** 99th percentile latency in milliseconds. */
  readonly p99Ms: number;
  readonly seconds: number;
}

/**
 * POSTs `bodies` (form-encoded, one per request, each used once because every body carries a
 * single-use client assertion) to `url` with `connections` keep-alive connections, and reports
 * the completed requests per second. autocannon keeps the generator cheap: the bodies are
 * signed beforehand, so the load generator spends its time on HTTP only.
 */
export async function postForms(
  url: string,
  bodies: readonly string[],
  connections: number,
): Promise<LoadResult> {
  let next = 0;
  let lastAnswer = 0;
  const target = new URL(url);
  // autocannon reports its duration at its next 1 s tick: time the run from the answers.
  const started = performance.now();
  const result = await autocannon({
    url: target.origin,
    connections,
    amount: bodies.length,
    timeout: 10,
    sampleInt: 100,
    requests: [
      {
        method: 'POST',
        path: target.pathname,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        setupRequest: (request) => {
          const body = bodies[next % bodies.length] ?? '';
          next += 1;
          return { ...request, body };
        },
        onResponse: () => {
          lastAnswer = performance.now();
        },
      },
    ],
  });
  const total = result.requests.total;
  const seconds = (lastAnswer - started) / 1000;
  return {
    requestsPerSecond: seconds > 0 ? total / seconds : 0,
    total,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    p99Ms: result.latency.p99,
    seconds,
  };
}
