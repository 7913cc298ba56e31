/**
 * What a client authentication method must do to one token request. Built-in methods:
 * `privateKeyJwt`, `clientSecretPost`, `clientSecretBasic` (RFC 6749 §2.3, RFC 7523 §2.2,
 * OpenID Connect Core §9).
 */
export interface ClientAuth {
  readonly method: 'private_key_jwt' | 'client_secret_post' | 'client_secret_basic';
  /**
   * Adds the credentials to one HTTP attempt. Called again for every attempt, so a
   * `private_key_jwt` assertion is never reused, retries included.
   */
  apply(request: ClientAuthRequest): Promise<void>;
}

/** One HTTP attempt of a token request, as client authentication sees and amends it. */
export interface ClientAuthRequest {
  readonly clientId: string;
  /** The exact token endpoint URL being called. */
  readonly tokenEndpoint: string;
  /** The issuer of the server being called, when known. */
  readonly issuer: string | undefined;
  readonly form: URLSearchParams;
  readonly headers: Headers;
  /** Milliseconds since the epoch. */
  readonly now: number;
}
