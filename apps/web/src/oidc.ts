import { sanitizeDescription } from '@onbehalf/core';
import * as client from 'openid-client';
import type { PendingSignIn } from './session.js';

/** Where the web app signs users in: the org and the app's registration there. */
export interface OidcSettings {
  /** The org issuer, e.g. `https://acme.okta.com`. */
  readonly issuer: string;
  readonly clientId: string;
  /** Sent with HTTP Basic (`client_secret_basic`, RFC 6749 §2.3.1). */
  readonly clientSecret: string;
  /** This app's callback URL, exactly as registered. */
  readonly redirectUri: string;
  /** Defaults to `openid profile email`. */
  readonly scope?: string | undefined;
}

/** A sign-in failed; `error` is the OAuth error code, when the org sent one. */
export class SignInError extends Error {
  override readonly name = 'SignInError';
  constructor(
    message: string,
    readonly error: string | undefined,
    readonly description: string | undefined,
  ) {
    super(message);
  }
}

/**
 * OpenID Connect sign-in with the Authorization Code flow and PKCE (OpenID Connect Core §3.1,
 * RFC 7636 with S256), through `openid-client`. The org's metadata is discovered once, on
 * first use. Plain `http` is allowed only for loopback issuers (a local org).
 */
export class OidcSignIn {
  #config: Promise<client.Configuration> | undefined;

  constructor(readonly settings: OidcSettings) {}

  /** The URL to send the browser to, and what the callback must check. */
  async start(): Promise<{ url: URL; pending: PendingSignIn }> {
    const config = await this.#configuration();
    const pending: PendingSignIn = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      codeVerifier: client.randomPKCECodeVerifier(),
    };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUri,
      scope: this.settings.scope ?? 'openid profile email',
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url, pending };
  }

  /**
   * Redeems the authorization response: checks `state`, sends the code with the PKCE verifier,
   * validates the ID token (signature, issuer, audience, nonce, expiry).
   */
  async finish(
    query: string,
    pending: PendingSignIn,
  ): Promise<{ idToken: string; claims: Record<string, unknown> }> {
    const config = await this.#configuration();
    const current = new URL(this.settings.redirectUri);
    current.search = query;
    try {
      const tokens = await client.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!tokens.id_token || !claims)
        throw new SignInError('No ID token came back.', undefined, undefined);
      return { idToken: tokens.id_token, claims: { ...claims } };
    } catch (error) {
      throw toSignInError(error);
    }
  }

  #configuration(): Promise<client.Configuration> {
    this.#config ??= this.#discover().catch((error: unknown) => {
      this.#config = undefined;
      throw toSignInError(error);
    });
    return this.#config;
  }

  async #discover(): Promise<client.Configuration> {
    const issuer = new URL(this.settings.issuer);
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
    return client.discovery(
      issuer,
      this.settings.clientId,
      undefined,
      client.ClientSecretBasic(this.settings.clientSecret),
      loopback && issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {},
    );
  }
}

function toSignInError(error: unknown): SignInError {
  if (error instanceof SignInError) return error;
  if (
    error instanceof client.AuthorizationResponseError ||
    error instanceof client.ResponseBodyError
  ) {
    return new SignInError(
      'The org refused the sign-in.',
      error.error,
      error.error_description ? sanitizeDescription(error.error_description) : undefined,
    );
  }
  return new SignInError(
    'The sign-in could not be completed.',
    error instanceof client.ClientError ? error.code : undefined,
    undefined,
  );
}
