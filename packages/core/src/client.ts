import type { z } from 'zod';
import type {
  AnyAdapter,
  AuthorizationServerMetadata,
  Credential,
  ExchangeInput,
  ExchangeResult,
  FinishContext,
  TokenRequest,
} from './adapter.js';
import { MemoryCacheStore } from './cache.js';
import { normaliseScope } from './cache-key.js';
import { CredentialCache } from './credential-cache.js';
import { Discovery } from './discovery.js';
import { checkEndpointUrl } from './endpoint-url.js';
import { ExchangeError, stripInvisible } from './errors.js';
import { createEmitter, type ExchangeEventBase } from './events.js';
import { Flight, type Progress, raceAbort, throwIfAborted } from './flight.js';
import { buildExchangeForm, CLIENT_AUTH_FIELDS, cleanForm, EXCHANGE_FIELDS } from './form.js';
import { type ClientOptions, checkOptions } from './options.js';
import { describeIssues, validateResponse } from './parse.js';
import { retryPolicy } from './retry.js';
import { safeCause } from './safe-cause.js';
import { checkSubjectToken, readSubject } from './subject.js';
import { isThenable } from './thenable.js';
import { callTokenEndpoint, type Runtime } from './token-request.js';

/** The adapter of a client named `N`. */
export type AdapterNamed<A extends AnyAdapter, N extends string> = Extract<A, { readonly name: N }>;

/** Options of one `exchange` call. */
export interface ExchangeOptions {
  /**
   * Stops waiting when it fires: the call rejects at once with an `ExchangeError` of code
   * `aborted`. An exchange shared with other callers of the same credential goes on for them;
   * once every caller has aborted, its HTTP request and retries stop and nothing is cached.
   */
  readonly signal?: AbortSignal | undefined;
}

/** A client for one org: exchanges a user's ID token for the credentials of its adapters. */
export interface Client<A extends AnyAdapter> {
  /**
   * Trades the user's ID token (`input.subjectToken`) for the credential of adapter `name`
   * (RFC 8693 token exchange), from the cache when a fresh one is there. Rejects with an
   * `ExchangeError`.
   */
  exchange<N extends A['name']>(
    name: N,
    input: ExchangeInput<AdapterNamed<A, N>>,
    options?: ExchangeOptions,
  ): Promise<ExchangeResult<AdapterNamed<A, N>>>;
  /** Drops every cached credential of the user this ID token belongs to (logout). */
  evict(selector: { readonly subjectToken: string }): Promise<void>;
  /** Drops every cached credential. */
  clear(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_RESPONSE_BYTES = 65_536;
const DEFAULT_CACHE_MARGIN_SECONDS = 30;

/**
 * Builds a client for one org. Options and adapters are checked here: a wrong option, two
 * adapters with one name or one requested token type throw an `ExchangeError` with code
 * `configuration`.
 *
 * @example
 * const client = createClient({ issuer, clientId, auth: privateKeyJwt({ key, kid }), adapters });
 * const secret = await client.exchange('secret', { subjectToken: idToken, resource });
 */
export function createClient<const Adapters extends readonly AnyAdapter[]>(
  options: ClientOptions<Adapters>,
): Client<Adapters[number]> {
  checkOptions(options);
  const issuer = options.issuer;
  if (issuer !== undefined) checkEndpointUrl(issuer, 'issuer', 'resolve');
  if (options.tokenEndpoint !== undefined) {
    checkEndpointUrl(options.tokenEndpoint, 'tokenEndpoint', 'resolve');
  }
  const clock = options.clock ?? (() => Date.now());
  const runtime: Runtime = {
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    retry: retryPolicy(options.retry),
    clock,
  };
  const discovery = new Discovery(runtime);
  const emitter = createEmitter(options.logger, options.onEvent);
  const adapters = new Map<string, AnyAdapter>(options.adapters.map((a) => [a.name, a]));
  // Adapter names are not secret: listing them turns a typo into a one-glance fix.
  const registered = [...adapters.keys()]
    .sort()
    .map((n) => `"${n}"`)
    .join(', ');
  const cache =
    options.cache === false
      ? undefined
      : new CredentialCache({
          store: options.cache ?? new MemoryCacheStore({ clock }),
          marginMs: (options.cacheMarginSeconds ?? DEFAULT_CACHE_MARGIN_SECONDS) * 1000,
          clock,
          onStoreError: (error) =>
            emitter.log('warn', 'onbehalf cache store failed', {
              error: safeCause(error)?.message,
            }),
        });
  const server = options.issuer ?? options.tokenEndpoint ?? '';
  const serverParts = [options.issuer, options.tokenEndpoint] as const;

  /** **resolve**: the org token endpoint, configured or discovered. */
  const resolveTokenEndpoint = async (): Promise<string> => {
    if (options.tokenEndpoint !== undefined) return options.tokenEndpoint;
    return (await discovery.discover(server, 'the configured "issuer"', 'openid')).token_endpoint;
  };

  const tokenRequest = async <S extends z.ZodType>(
    request: TokenRequest<S>,
    countAttempt: () => void,
    signal: AbortSignal | undefined,
  ): Promise<z.output<S>> => {
    checkEndpointUrl(request.tokenEndpoint, 'tokenEndpoint', 'finish');
    const form = cleanForm(request.form, CLIENT_AUTH_FIELDS, 'A token request');
    if (form.grant_type === undefined) {
      throw new ExchangeError('A token request needs "grant_type"', {
        code: 'configuration',
        step: 'build',
      });
    }
    const client = request.client ?? { clientId: options.clientId, auth: options.auth };
    const { body, secrets } = await callTokenEndpoint(
      {
        tokenEndpoint: request.tokenEndpoint,
        issuer: request.issuer,
        form,
        clientId: client.clientId,
        auth: client.auth,
        kind: 'grant',
        onAttempt: countAttempt,
        signal,
      },
      runtime,
    );
    return validateResponse(request.response, body, { url: request.tokenEndpoint, secrets });
  };

  const runExchange = async (
    adapter: AnyAdapter,
    input: unknown,
    subjectToken: string,
    fields: Record<string, string>,
    countAttempt: () => void,
    signal: AbortSignal | undefined,
    progress: Progress,
  ): Promise<Credential> => {
    progress.step = 'resolve';
    const tokenEndpoint = await raceAbort(resolveTokenEndpoint(), signal, () => 'resolve');
    progress.step = 'build';
    const form = buildExchangeForm(subjectToken, adapter.requestedTokenType, fields);
    const { body, secrets } = await callTokenEndpoint(
      {
        tokenEndpoint,
        issuer,
        form,
        clientId: options.clientId,
        auth: options.auth,
        kind: 'exchange',
        onAttempt: countAttempt,
        signal,
        progress,
      },
      runtime,
    );
    checkIssuedTokenType(body, adapter.requestedTokenType, tokenEndpoint);
    const response = validateResponse(adapter.response, body, { url: tokenEndpoint, secrets });
    progress.step = 'finish';
    const context: FinishContext<unknown> = {
      input,
      issuer,
      clientId: options.clientId,
      now: clock,
      tokenRequest: (request) => tokenRequest(request, countAttempt, signal),
      discover: (other: string): Promise<AuthorizationServerMetadata> =>
        raceAbort(
          discovery.discover(other, `the issuer given to adapter "${adapter.name}"`, 'oauth'),
          signal,
          () => 'resolve',
        ),
      signal,
    };
    return finish(adapter, response, context);
  };

  return {
    async exchange(name, input, callOptions) {
      const signal = checkExchangeOptions(callOptions);
      const adapter = adapters.get(name);
      if (adapter === undefined) {
        throw new ExchangeError(
          `No adapter named "${stripInvisible(String(name).slice(0, 64))}"; this client has ${registered}`,
          { code: 'configuration', step: 'build' },
        );
      }
      if (typeof input !== 'object' || input === null) {
        throw new ExchangeError('The exchange input must be an object', {
          code: 'configuration',
          step: 'build',
        });
      }
      const { subjectToken: rawToken, ...rest } = input as { subjectToken?: unknown };
      const subjectToken = checkSubjectToken(rawToken);
      const parsed = adapter.input.safeParse(rest);
      if (!parsed.success) {
        throw new ExchangeError(
          `Invalid input for adapter "${adapter.name}": ${describeIssues(parsed.error)}`,
          { code: 'configuration', step: 'build' },
        );
      }
      const fields = adapterFields(adapter, parsed.data);
      const subject = readSubject(subjectToken);
      throwIfAborted(signal, 'build');
      // Event objects are built only when someone listens: a cache hit allocates as little
      // as it can.
      let base: ExchangeEventBase | undefined;
      const eventBase = (): ExchangeEventBase => {
        base ??= {
          adapter: adapter.name,
          issuer: server,
          audience: fields.audience,
          resource: fields.resource,
          scopes: fields.scope === undefined ? [] : normaliseScope(fields.scope).split(' '),
          subject: subject.shortHash,
        };
        return base;
      };
      const started = emitter.active ? performance.now() : 0;

      const produce = async (
        work: AbortSignal | undefined,
        progress: Progress,
      ): Promise<Credential> => {
        let attempts = 0;
        const begun = performance.now();
        if (emitter.active) emitter.emit({ ...eventBase(), type: 'exchange.started' });
        try {
          const credential = await runExchange(
            adapter,
            parsed.data,
            subjectToken,
            fields,
            () => {
              attempts += 1;
            },
            work,
            progress,
          );
          if (!emitter.active) return credential;
          emitter.emit({
            ...eventBase(),
            type: 'exchange.succeeded',
            attempts,
            durationMs: Math.round(performance.now() - begun),
            expiresAt: credential.expiresAt.toISOString(),
          });
          return credential;
        } catch (error) {
          const failure =
            error instanceof ExchangeError
              ? error
              : new ExchangeError('The exchange failed unexpectedly', {
                  code: 'invalid_response',
                  step: 'finish',
                  cause: safeCause(error),
                });
          if (!emitter.active) throw failure;
          emitter.emit({
            ...eventBase(),
            type: 'exchange.failed',
            attempts,
            durationMs: Math.round(performance.now() - begun),
            code: failure.code,
            step: failure.step,
            error: failure.error,
            status: failure.status,
          });
          throw failure;
        }
      };

      if (cache === undefined) return (await new Flight(signal, produce).join(signal)) as never;
      const ran = cache.run(
        {
          server: serverParts,
          clientId: options.clientId,
          subject,
          adapter: adapter.name,
          form: fields,
          extra: adapterCacheKey(adapter, parsed.data),
        },
        produce,
        signal,
      );
      const outcome = isThenable(ran) ? await ran : ran;
      if (outcome.hit && emitter.active) {
        emitter.emit({
          ...eventBase(),
          type: 'cache.hit',
          durationMs: Math.round(performance.now() - started),
          expiresAt: outcome.credential.expiresAt.toISOString(),
        });
      }
      return outcome.credential as never;
    },

    async evict(selector) {
      if (cache === undefined) return;
      const token = checkSubjectToken(selector?.subjectToken);
      await cache.evict(readSubject(token).identity);
    },

    async clear() {
      await cache?.clear();
    },
  };
}

/** The signal of `exchange` options, which must be absent or `{ signal?: AbortSignal }`. */
function checkExchangeOptions(options: unknown): AbortSignal | undefined {
  if (options === undefined) return undefined;
  const invalid = (what: string): ExchangeError =>
    new ExchangeError(`Invalid exchange option${what}`, { code: 'configuration', step: 'build' });
  if (typeof options !== 'object' || options === null) throw invalid('s: expected an object');
  for (const key of Object.keys(options)) {
    if (key !== 'signal') {
      throw new ExchangeError(`Unknown exchange option "${stripInvisible(key.slice(0, 64))}"`, {
        code: 'configuration',
        step: 'build',
      });
    }
  }
  const { signal } = options as { signal?: unknown };
  if (signal === undefined || signal instanceof AbortSignal) return signal;
  throw invalid(' "signal": expected an AbortSignal');
}

const ADAPTER_RESERVED_FIELDS: readonly string[] = [...CLIENT_AUTH_FIELDS, ...EXCHANGE_FIELDS];

function adapterFields(adapter: AnyAdapter, input: unknown): Record<string, string> {
  let form: unknown;
  try {
    form = adapter.form(input);
  } catch (error) {
    throw new ExchangeError(`Adapter "${adapter.name}" could not build its form fields`, {
      code: 'configuration',
      step: 'build',
      cause: safeCause(error),
    });
  }
  return cleanForm(
    form as Record<string, string | undefined>,
    ADAPTER_RESERVED_FIELDS,
    `Adapter "${adapter.name}"`,
  );
}

function adapterCacheKey(adapter: AnyAdapter, input: unknown): readonly string[] {
  try {
    const extra = adapter.cacheKey?.(input) ?? [];
    if (Array.isArray(extra) && extra.every((part) => typeof part === 'string')) return extra;
  } catch (error) {
    throw new ExchangeError(`Adapter "${adapter.name}" could not build its cache key`, {
      code: 'configuration',
      step: 'cache',
      cause: safeCause(error),
    });
  }
  throw new ExchangeError(`Adapter "${adapter.name}" returned a cache key that is not strings`, {
    code: 'configuration',
    step: 'cache',
  });
}

/**
 * RFC 8693 §2.2.1 makes `issued_token_type` required in a token-exchange response; it must be
 * the type that was requested.
 */
function checkIssuedTokenType(body: Record<string, unknown>, requested: string, url: string): void {
  if (body.issued_token_type === requested) return;
  const problem = body.issued_token_type === undefined ? 'is missing' : 'differs from the request';
  throw new ExchangeError(`The answer from ${url}: "issued_token_type" ${problem}`, {
    code: 'invalid_response',
    step: 'parse',
    status: 200,
  });
}

/** **finish**: the adapter's credential, with a real expiry. */
async function finish(
  adapter: AnyAdapter,
  response: unknown,
  context: FinishContext<unknown>,
): Promise<Credential> {
  let credential: Credential;
  try {
    credential = await adapter.finish(response, context);
  } catch (error) {
    if (error instanceof ExchangeError) throw error;
    throw new ExchangeError(`Adapter "${adapter.name}" could not finish the credential`, {
      code: 'invalid_response',
      step: 'finish',
      cause: safeCause(error),
    });
  }
  const expiresAt = (credential as Partial<Credential> | undefined)?.expiresAt;
  if (!(expiresAt instanceof Date) || Number.isNaN(expiresAt.getTime())) {
    throw new ExchangeError(`Adapter "${adapter.name}" returned a credential without an expiry`, {
      code: 'invalid_response',
      step: 'finish',
    });
  }
  return credential;
}
