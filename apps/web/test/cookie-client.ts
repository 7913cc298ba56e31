/**
 * A minimal HTTP client with a cookie jar per origin that follows redirects itself, standing
 * in for a browser in tests that need no JavaScript. It ignores cookie attributes other than
 * expiry: enough for the app and the local org on loopback.
 */
export class CookieClient {
  readonly #jars = new Map<string, Map<string, string>>();

  /** Sends one request (no redirect followed) with the origin's cookies, storing new ones. */
  async send(url: string, init: RequestInit = {}): Promise<Response> {
    const { origin } = new URL(url);
    const jar = this.#jars.get(origin) ?? new Map<string, string>();
    this.#jars.set(origin, jar);

    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    if (init.method === 'POST' && !headers.has('origin')) headers.set('origin', origin);
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });

    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      if (value === '' || /max-age=0/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  }

  /** Follows redirects from `response`; `onPage` may answer a page with a new request. */
  async follow(
    response: Response,
    from: string,
    onPage?: (url: string, response: Response) => Promise<Response | undefined>,
  ): Promise<{ url: string; response: Response }> {
    let url = from;
    let current = response;
    for (let hop = 0; hop < 20; hop++) {
      const location = current.headers.get('location');
      if (current.status >= 300 && current.status < 400 && location) {
        await current.arrayBuffer();
        url = new URL(location, url).href;
        current = await this.send(url);
        continue;
      }
      const next = onPage ? await onPage(url, current) : undefined;
      if (!next) return { url, response: current };
      current = next;
    }
    throw new Error('too many redirects');
  }

  /** The cookie `name` this client holds for `origin`. */
  cookie(origin: string, name: string): string | undefined {
    return this.#jars.get(new URL(origin).origin)?.get(name);
  }
}
