import type { KeySetFetch } from './key-sets.js';

/** The largest JSON Web Key Set accepted, in bytes after content decoding: 256 KiB. */
export const MAX_JWKS_BYTES = 262_144;

async function readCapped(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new RangeError(`the key set is larger than ${maxBytes} bytes`);
  }
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder('utf-8');
  let text = '';
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new RangeError(`the key set is larger than ${maxBytes} bytes`);
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}

/**
 * Wraps the `fetch` that downloads a key set so that a 200 answer is read to at most `maxBytes`,
 * counted after content decoding (a small gzip body that expands enormously is cut off too),
 * before jose parses it. Any other answer is handed back with its body discarded: jose refuses
 * everything but a 200. The caller's deadline (jose's abort signal) covers the reading.
 */
export function cappedFetch(fetch: KeySetFetch | undefined, maxBytes: number): KeySetFetch {
  return async (url, init) => {
    const response = await (fetch ?? globalThis.fetch)(url, init);
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined);
      return response;
    }
    const body = await readCapped(response, maxBytes);
    return new Response(body, { status: 200, headers: response.headers });
  };
}
