import type { z } from 'zod';
import type { ClientAuth } from './client-auth.js';

/** Every credential an adapter returns says when it stops being valid. */
export interface Credential {
  /** When the credential expires. The cache drops it a configurable margin before this. */
  readonly expiresAt: Date;
}

/**
 * Form fields an adapter adds to the token-exchange request (RFC 8693 §2.1): `audience`,
 * `resource`, `scope`. `undefined` values are left out. A `scope` value is a space-separated
 * list. These fields are also what the cache key is made of, with the scopes sorted.
 */
export type TokenForm = Readonly<Record<string, string | undefined>>;

/** Metadata of an authorization server (RFC 8414 / OpenID Connect Discovery 1.0). */
export interface AuthorizationServerMetadata {
  readonly issuer: string;
  readonly token_endpoint: string;
  readonly jwks_uri?: string | undefined;
  readonly [key: string]: unknown;
}

/**
 * A token request to any authorization server, sent through the same authenticate, send and
 * parse steps as the exchange itself (deadline, size cap, retries, error mapping).
 */
export interface TokenRequest<S extends z.ZodType> {
  /** The token endpoint to POST to. */
  readonly tokenEndpoint: string;
  /** The server's issuer, used as the assertion `aud` when client auth is configured so. */
  readonly issuer?: string | undefined;
  /** The form: `grant_type` and the grant's parameters. Client authentication is added. */
  readonly form: TokenForm;
  /** The schema a successful (200) response body must match. */
  readonly response: S;
  /**
   * The client to authenticate as at that server. Defaults to the client's own id and
   * authentication (a `private_key_jwt` assertion is then made for this endpoint).
   */
  readonly client?: { readonly clientId: string; readonly auth: ClientAuth } | undefined;
}

/** What `finish` can use besides the response. */
export interface FinishContext<Input> {
  /** The adapter input, as parsed by its schema. */
  readonly input: Input;
  /** The org issuer, when the client was built with one. */
  readonly issuer: string | undefined;
  /** The client id the exchange authenticated as. */
  readonly clientId: string;
  /** The clock of the client, in milliseconds since the epoch. */
  readonly now: () => number;
  /** Sends a further token request (another hop) through the same machinery. */
  tokenRequest<S extends z.ZodType>(request: TokenRequest<S>): Promise<z.output<S>>;
  /**
   * Metadata of another authorization server, discovered from its issuer (RFC 8414 first, then
   * OpenID Connect Discovery) with the same issuer check, and cached.
   */
  discover(issuer: string): Promise<AuthorizationServerMetadata>;
  /**
   * Fires once every caller waiting for this credential has aborted: pass it to any I/O of
   * your own (`tokenRequest` and `discover` already stop with it). `undefined` when the
   * exchange cannot be aborted, because a caller waits without a signal.
   */
  readonly signal: AbortSignal | undefined;
}

/**
 * A resource type: how to ask the org for one kind of credential and what to make of the
 * answer. Core knows no resource type; every one is an adapter.
 */
export interface Adapter<
  Name extends string = string,
  InputSchema extends z.ZodType = z.ZodType,
  ResponseSchema extends z.ZodType = z.ZodType,
  Result extends Credential = Credential,
> {
  /** Unique among the adapters of one client; the first argument of `exchange`. */
  readonly name: Name;
  /** The `requested_token_type`; unique among the adapters of one client. */
  readonly requestedTokenType: string;
  /** Validates what the caller passes to `exchange` (besides the subject token). */
  readonly input: InputSchema;
  /** The fields this adapter adds to the token-exchange form. */
  form(input: z.output<InputSchema>): TokenForm;
  /**
   * Inputs that shape the credential but are not form fields (for example the client id used at
   * a second authorization server). They join the form fields in the cache key, so two calls
   * that differ only in them never share a cached credential. Default: none.
   */
  cacheKey?(input: z.output<InputSchema>): readonly string[];
  /** What a successful token-exchange response must contain. */
  readonly response: ResponseSchema;
  /** Turns the validated response into the credential; may make further token requests. */
  finish(
    response: z.output<ResponseSchema>,
    context: FinishContext<z.output<InputSchema>>,
  ): Promise<Result>;
}

/** Any adapter, whatever its name, schemas and credential: the constraint of `createClient`. */
// biome-ignore lint/suspicious/noExplicitAny: the widest adapter type, for constraints only
export type AnyAdapter = Adapter<string, any, any, Credential>;

/** The input `exchange` takes for an adapter: the adapter's input plus the subject token. */
export type ExchangeInput<A extends AnyAdapter> = z.input<A['input']> & {
  /** The user's ID token. */
  readonly subjectToken: string;
};

/** The credential an adapter returns. */
export type ExchangeResult<A extends AnyAdapter> = Awaited<ReturnType<A['finish']>>;

/**
 * Declares an adapter with its types inferred. Adapters are checked again when a client is
 * built (a duplicate name or token type is an error).
 */
export function defineAdapter<
  const Name extends string,
  InputSchema extends z.ZodType,
  ResponseSchema extends z.ZodType,
  Result extends Credential,
>(
  adapter: Adapter<Name, InputSchema, ResponseSchema, Result>,
): Adapter<Name, InputSchema, ResponseSchema, Result> {
  return adapter;
}
