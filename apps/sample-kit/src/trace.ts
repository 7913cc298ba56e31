import { AsyncLocalStorage } from 'node:async_hooks';
import {
  authorizationFields,
  fieldValue,
  jsonFields,
  type TraceField,
  type TraceValue,
} from './redact.js';
import { Scrubber } from './scrubber.js';

/** A party a hop can go to: every URL under `baseUrl` belongs to it (longest prefix wins). */
export interface Participant {
  readonly name: string;
  readonly baseUrl: string;
}

/**
 * One HTTP request and its answer, as a sequence diagram row: who called whom, what was sent,
 * what came back. Tokens are decoded (header and claims), secrets masked; the raw values are
 * never stored.
 */
export interface Hop {
  readonly from: string;
  readonly to: string;
  /** What the request is for, e.g. "Token exchange (RFC 8693): ID token → ID-JAG". */
  readonly step: string;
  readonly method: string;
  /** Origin and path only: the query string is left out. */
  readonly url: string;
  readonly request: readonly TraceField[];
  readonly status?: number | undefined;
  readonly response: readonly TraceField[];
  /** Why no HTTP answer came (network error, deadline). */
  readonly failure?: string | undefined;
}

/**
 * What `captureTrace` returns: the hops made while the function ran, how it ended, and the
 * run's `scrubber`, which masks the credentials the run saw wherever they turn up again (use it
 * on anything of the run shown to a person: its answer, its error).
 */
export type Captured<T> = (
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: unknown }
) & { readonly hops: Hop[]; readonly scrubber: Scrubber };

/** Who is calling, whom the URLs belong to, and the fetch underneath. */
export interface TracingFetchOptions {
  /** The name of the caller, shown on the left of every hop. */
  readonly caller: string;
  readonly participants: readonly Participant[];
  /** The fetch to send through. Defaults to the global one. */
  readonly fetch?: typeof fetch;
}

interface Run {
  readonly hops: Hop[];
  readonly scrubber: Scrubber;
}

const current = new AsyncLocalStorage<Run>();
const DISCOVERY_STEP = 'Discovery: authorization server metadata';
/** The metadata fields (RFC 8414 §2) a token exchange uses; the rest is summarised. */
const METADATA_SHOWN = new Set([
  'issuer',
  'token_endpoint',
  'jwks_uri',
  'grant_types_supported',
  'authorization_grant_profiles_supported',
  'error',
  'error_description',
]);
const MAX_RECORDED_BODY = 64 * 1024;
const REQUEST_HEADERS = /^(content-type|dpop|x-api-key|.*-api-key)$/i;
const RESPONSE_HEADERS = new Set(['www-authenticate', 'retry-after', 'cache-control']);

/**
 * Runs `fn` and returns the hops that every tracing fetch made inside it. Concurrent runs keep
 * their hops apart (AsyncLocalStorage), so one client may serve many users at once.
 */
export async function captureTrace<T>(fn: () => Promise<T>): Promise<Captured<T>> {
  const run: Run = { hops: [], scrubber: new Scrubber() };
  try {
    const value = await current.run(run, fn);
    return { ok: true, value, ...run };
  } catch (error) {
    return { ok: false, error, ...run };
  }
}

/**
 * A `fetch` that records each request and response into the trace of the `captureTrace` call
 * it runs in (and records nothing outside one). Tokens are decoded and secrets masked while
 * recording; the request and response themselves pass through unchanged.
 */
export function tracingFetch(options: TracingFetchOptions): typeof fetch {
  const send = options.fetch ?? globalThis.fetch;
  const participants = [...options.participants].sort(
    (a, b) => b.baseUrl.length - a.baseUrl.length,
  );
  const within = (href: string, base: string) =>
    href === base || href.startsWith(base.endsWith('/') ? base : `${base}/`);
  const nameOf = (url: URL): string =>
    participants.find((p) => within(url.href, p.baseUrl))?.name ?? url.host;

  return async (input, init) => {
    const run = current.getStore();
    if (run === undefined) return send(input, init);
    const { hops, scrubber } = run;

    const request = new Request(input, init);
    const url = new URL(request.url);
    const form = await requestForm(request.clone());
    scrubber.addHeaders(request.headers);
    scrubber.addForm(form);
    const base = {
      from: options.caller,
      to: nameOf(url),
      step: scrubber.text(describeStep(request.method, url, form)),
      method: request.method,
      url: scrubber.text(`${url.origin}${url.pathname}`),
      request: scrubFields(scrubber, [
        ...requestHeaderFields(request.headers),
        ...formFields(form),
      ]),
    };

    let response: Response;
    try {
      response = await send(request);
    } catch (error) {
      hops.push({ ...base, response: [], failure: failureText(error) });
      throw error;
    }

    const body = await responseFields(response, scrubber);
    hops.push({
      ...base,
      status: response.status,
      response: scrubFields(scrubber, [
        ...responseHeaderFields(response.headers),
        ...(base.step === DISCOVERY_STEP ? metadataFields(body) : body),
      ]),
    });
    return response;
  };
}

/** Names the hop after its grant (RFC 8693, RFC 7523) or its purpose. */
export function describeStep(method: string, url: URL, form: URLSearchParams | undefined): string {
  const grant = form?.get('grant_type');
  if (grant === 'urn:ietf:params:oauth:grant-type:token-exchange') {
    const requested = form?.get('requested_token_type') ?? '';
    return `Token exchange (RFC 8693): ID token → ${tokenTypeName(requested)}`;
  }
  if (grant === 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
    return 'JWT bearer grant (RFC 7523): ID-JAG → access token';
  }
  if (grant) return `Token request: ${grant}`;
  if (url.pathname.includes('/.well-known/')) return DISCOVERY_STEP;
  return `Resource request: ${method} ${url.pathname}`;
}

function tokenTypeName(type: string): string {
  switch (type) {
    case 'urn:ietf:params:oauth:token-type:id-jag':
      return 'ID-JAG';
    case 'urn:okta:params:oauth:token-type:vaulted-secret':
      return 'vaulted secret';
    case 'urn:okta:params:oauth:token-type:service-account':
      return 'service account';
    default:
      return type || 'unspecified token type';
  }
}

async function requestForm(request: Request): Promise<URLSearchParams | undefined> {
  const type = request.headers.get('content-type') ?? '';
  if (request.body === null || !type.startsWith('application/x-www-form-urlencoded')) {
    return undefined;
  }
  return new URLSearchParams(await request.text());
}

function formFields(form: URLSearchParams | undefined): TraceField[] {
  if (form === undefined) return [];
  return [...form].map(([name, value]) => ({ name, value: fieldValue(name, value) }));
}

function requestHeaderFields(headers: Headers): TraceField[] {
  const fields: TraceField[] = [];
  const authorization = headers.get('authorization');
  if (authorization !== null) fields.push(...authorizationFields(authorization));
  for (const [name, value] of headers) {
    if (!REQUEST_HEADERS.test(name)) continue;
    const shown: TraceValue =
      name === 'content-type' ? { kind: 'text', text: value } : fieldValue('api_key', value);
    fields.push({ name: `header ${name}`, value: shown });
  }
  return fields;
}

function responseHeaderFields(headers: Headers): TraceField[] {
  return [...headers]
    .filter(([name]) => RESPONSE_HEADERS.has(name))
    .map(([name, value]) => ({ name: `header ${name}`, value: { kind: 'text', text: value } }));
}

function metadataFields(fields: TraceField[]): TraceField[] {
  const shown = fields.filter((field) => METADATA_SHOWN.has(field.name));
  const hidden = fields.length - shown.length;
  if (hidden === 0) return shown;
  return [
    ...shown,
    { name: '…', value: { kind: 'text', text: `${hidden} more fields not shown` } },
  ];
}

function scrubFields(scrubber: Scrubber, fields: readonly TraceField[]): TraceField[] {
  return fields.map((field) => ({
    name: scrubber.text(field.name),
    value: scrubber.value(field.value),
  }));
}

/** The fields of a response body; the credentials in a JSON body are remembered first. */
async function responseFields(response: Response, scrubber: Scrubber): Promise<TraceField[]> {
  const type = response.headers.get('content-type') ?? '';
  const text = await readCapped(response.clone());
  if (text === undefined) return [{ name: 'body', value: { kind: 'text', text: '(unreadable)' } }];
  if (text === '') return [];
  if (/^application\/([\w.+-]+\+)?json/i.test(type)) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return [{ name: 'body', value: { kind: 'text', text: '(invalid JSON)' } }];
    }
    scrubber.addJson(body);
    return jsonFields(body);
  }
  return [{ name: 'body', value: { kind: 'text', text: `(${type || 'no content type'})` } }];
}

async function readCapped(response: Response): Promise<string | undefined> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size <= MAX_RECORDED_BODY) {
      const { done, value } = await reader.read();
      if (done) return Buffer.concat(chunks).toString('utf8');
      chunks.push(value);
      size += value.byteLength;
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    reader.cancel().catch(() => {});
  }
}

function failureText(error: unknown): string {
  if (error instanceof Error && error.name === 'AbortError') return 'aborted (deadline)';
  if (error instanceof Error && error.name === 'TimeoutError') return 'timed out';
  return 'no HTTP answer (network error)';
}
