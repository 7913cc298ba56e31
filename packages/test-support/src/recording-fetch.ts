/** One HTTP request the client made, as seen at the `fetch` seam. */
export interface RecordedCall {
  readonly url: string;
  readonly form: URLSearchParams;
}

/**
 * The real `fetch`, wrapped to record each request's URL and form body, so a test can count
 * requests and look at what was sent to a real server.
 */
export function recordingFetch(): { fetch: typeof fetch; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const wrapped: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const body = request.method === 'POST' ? await request.clone().text() : '';
    calls.push({ url: request.url, form: new URLSearchParams(body) });
    return fetch(input, init);
  };
  return { fetch: wrapped, calls };
}
