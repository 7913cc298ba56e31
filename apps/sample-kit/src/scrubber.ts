import { shortHash } from '@onbehalf/core';
import { SECRET_CONTAINERS, SECRET_NAME, TOKEN_FIELDS, type TraceValue } from './redact.js';

/** A JWS in compact form (RFC 7515 §7.1) anywhere inside a text: header and payload are JSON. */
const COMPACT_JWS = /eyJ[A-Za-z0-9_-]*\.eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g;
/** Shorter values are too common to replace inside other text; they are masked by name only. */
const MIN_SECRET_LENGTH = 4;
const MASK = '•••••••• masked';

/**
 * Keeps the credentials one run sent or received, so that they are masked wherever they come
 * back: a resource that echoes the API key under an innocent name (`{"echo": "…"}`), an error
 * description quoting the subject token, a JSON answer carrying the bearer token. Masking by
 * field name alone misses those. The raw values live only in this object, for one run; what
 * it returns never holds them. Any compact JWS in a text is also replaced by its short hash.
 */
export class Scrubber {
  readonly #secrets = new Set<string>();
  #ordered: string[] | undefined;

  /** Remembers a credential value; empty and very short values are ignored. */
  add(value: string): void {
    if (value.length < MIN_SECRET_LENGTH || this.#secrets.has(value)) return;
    this.#secrets.add(value);
    this.#ordered = undefined;
  }

  /** Remembers the credentials of request headers: Authorization (all of it) and API keys. */
  addHeaders(headers: Headers): void {
    for (const [name, value] of headers) {
      if (name === 'authorization') {
        const credentials = value.slice(value.indexOf(' ') + 1);
        this.add(credentials);
        if (/^basic /i.test(value)) this.#addBasic(credentials);
      } else if (/api-key$/i.test(name) || name === 'dpop') {
        this.add(value);
      }
    }
  }

  /** Remembers the token and secret fields of a form (RFC 6749 §4, RFC 8693 §2.1). */
  addForm(form: URLSearchParams | undefined): void {
    for (const [name, value] of form ?? []) {
      if (TOKEN_FIELDS.has(name) || SECRET_NAME.test(name)) this.add(value);
    }
  }

  /** Remembers, at any depth, the values of token fields, secret-named keys and vault entries. */
  addJson(body: unknown, secret = false): void {
    if (typeof body === 'string') {
      if (secret) this.add(body);
      return;
    }
    if (body === null || typeof body !== 'object') return;
    for (const [key, value] of Object.entries(body)) {
      const inner =
        secret || TOKEN_FIELDS.has(key) || SECRET_NAME.test(key) || SECRET_CONTAINERS.has(key);
      this.addJson(value, Array.isArray(body) ? secret : inner);
    }
  }

  /** `text` with every remembered credential and every compact JWS masked. */
  text(text: string): string {
    this.#ordered ??= [...this.#secrets].sort((a, b) => b.length - a.length);
    let result = text;
    for (const secret of this.#ordered) {
      if (result.includes(secret)) result = result.split(secret).join(MASK);
    }
    return result.replace(COMPACT_JWS, (token) => `[JWT #${shortHash(token)}]`);
  }

  /** A trace value with its text, or its decoded header and claims, scrubbed. */
  value(value: TraceValue): TraceValue {
    if (value.kind === 'text') return { kind: 'text', text: this.text(value.text) };
    if (value.kind !== 'jwt') return value;
    return {
      ...value,
      header: this.deep(value.header) as Record<string, unknown>,
      claims: this.deep(value.claims) as Record<string, unknown>,
    };
  }

  /** A JSON-like value with every string (keys included) scrubbed; other values unchanged. */
  deep(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((item) => this.deep(item));
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [this.text(key), this.deep(inner)]),
    );
  }

  #addBasic(credentials: string): void {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon === -1) return;
    this.add(decoded.slice(colon + 1));
    try {
      this.add(decodeURIComponent(decoded.slice(colon + 1)));
    } catch {
      // Not percent-encoded: the raw form is remembered already.
    }
  }
}
