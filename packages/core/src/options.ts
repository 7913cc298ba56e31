import { z } from 'zod';
import type { AnyAdapter } from './adapter.js';
import type { CacheStore } from './cache.js';
import type { ClientAuth } from './client-auth.js';
import { ExchangeError } from './errors.js';
import type { EventListener, Logger } from './events.js';
import type { RetryOptions } from './retry.js';

/** Options of `createClient`. */
export interface ClientOptions<Adapters extends readonly AnyAdapter[] = readonly AnyAdapter[]> {
  /** The org issuer; its metadata is discovered. Give this, `tokenEndpoint`, or both. */
  readonly issuer?: string | undefined;
  /** The token endpoint, skipping discovery. */
  readonly tokenEndpoint?: string | undefined;
  /** The agent's client id at the org. */
  readonly clientId: string;
  /** How the agent authenticates: `privateKeyJwt`, `clientSecretPost`, `clientSecretBasic`. */
  readonly auth: ClientAuth;
  /** The resource types this client can obtain. Names and token types must be unique. */
  readonly adapters: Adapters;
  /**
   * Defaults to the global `fetch`. Called with `redirect: 'manual'`; an answer it got by
   * following a redirect anyway is refused, but the request has then already gone to where the
   * redirect pointed, so a replacement must honour `manual`.
   */
  readonly fetch?: typeof globalThis.fetch | undefined;
  /** Where credentials are cached; `false` turns caching off. Defaults to a `MemoryCacheStore`. */
  readonly cache?: CacheStore | false | undefined;
  /** Credentials leave the cache this many seconds before they expire. Defaults to 30. */
  readonly cacheMarginSeconds?: number | undefined;
  /** Gets every event as a log line, and cache store failures as warnings. */
  readonly logger?: Logger | undefined;
  /** Gets every event (`exchange.started`, `exchange.succeeded`, `exchange.failed`, `cache.hit`). */
  readonly onEvent?: EventListener | undefined;
  /** Milliseconds since the epoch. Defaults to `Date.now`. */
  readonly clock?: (() => number) | undefined;
  /**
   * Deadline of one HTTP attempt, body included, in milliseconds; adding client authentication
   * to the attempt (a `privateKeyJwt` signer callback) gets the same deadline. Defaults to 10 000.
   */
  readonly timeoutMs?: number | undefined;
  /** Largest response body accepted, in bytes. Defaults to 65 536. */
  readonly maxResponseBytes?: number | undefined;
  /** Attempts, backoff and the `Retry-After` cap for network errors, 5xx and 429. */
  readonly retry?: RetryOptions | undefined;
}

const fn = z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', {
  message: 'expected a function',
});
const optionalFn = fn.optional();

const adapterSchema = z.object({
  name: z.string().regex(/^[\w.:-]{1,64}$/, 'expected 1 to 64 letters, digits or . _ : -'),
  requestedTokenType: z.string().min(1),
  input: z.custom((value) => typeof (value as z.ZodType)?.safeParse === 'function', {
    message: 'expected a zod schema',
  }),
  response: z.custom((value) => typeof (value as z.ZodType)?.safeParse === 'function', {
    message: 'expected a zod schema',
  }),
  form: fn,
  finish: fn,
});

const optionsSchema = z
  .strictObject({
    issuer: z.string().min(1).optional(),
    tokenEndpoint: z.string().min(1).optional(),
    clientId: z.string().min(1),
    auth: z.object({
      method: z.enum(['private_key_jwt', 'client_secret_post', 'client_secret_basic']),
      apply: fn,
    }),
    adapters: z.array(adapterSchema).min(1),
    fetch: optionalFn,
    cache: z
      .union([
        z.literal(false),
        z.object({ get: fn, set: fn, delete: fn }, { message: 'expected a cache store or false' }),
      ])
      .optional(),
    cacheMarginSeconds: z.number().int().nonnegative().max(3600).optional(),
    logger: z.object({}).optional(),
    onEvent: optionalFn,
    clock: optionalFn,
    timeoutMs: z.number().int().positive().max(300_000).optional(),
    maxResponseBytes: z.number().int().min(1024).max(16_777_216).optional(),
    retry: z
      .strictObject({
        attempts: z.number().int().min(1).max(3).optional(),
        baseDelayMs: z.number().int().nonnegative().max(60_000).optional(),
        maxRetryAfterMs: z.number().int().nonnegative().max(600_000).optional(),
        sleep: optionalFn,
      })
      .optional(),
  })
  .refine((options) => options.issuer !== undefined || options.tokenEndpoint !== undefined, {
    message: 'give "issuer" or "tokenEndpoint"',
    path: ['issuer'],
  });

/**
 * Validates `createClient` options: types, ranges, and that adapter names and requested token
 * types are unique. The error names the offending option in quotes, never its value.
 */
export function checkOptions(options: ClientOptions): void {
  const result = optionsSchema.safeParse(options);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path.map(String) ?? [];
    if (issue?.code === 'unrecognized_keys') {
      const name = [...path, String(issue.keys[0])].join('.').slice(0, 64);
      throw new ExchangeError(`Unknown client option "${name}"`, {
        code: 'configuration',
        step: 'build',
      });
    }
    throw new ExchangeError(
      `Invalid client option "${path.join('.')}": ${issue?.message ?? 'invalid'}`,
      {
        code: 'configuration',
        step: 'build',
      },
    );
  }
  const names = new Set<string>();
  const tokenTypes = new Set<string>();
  for (const adapter of options.adapters) {
    if (names.has(adapter.name)) {
      throw new ExchangeError(`Two adapters are named "${adapter.name}"`, {
        code: 'configuration',
        step: 'build',
      });
    }
    if (tokenTypes.has(adapter.requestedTokenType)) {
      throw new ExchangeError(
        `Two adapters request the token type "${adapter.requestedTokenType}"`,
        { code: 'configuration', step: 'build' },
      );
    }
    names.add(adapter.name);
    tokenTypes.add(adapter.requestedTokenType);
  }
}
