import type { Credential } from '@onbehalf/core';

/**
 * An access token from a custom authorization server, obtained through Cross App Access.
 * `toString`, `toJSON` and `util.inspect` print `accessToken` as `[redacted]`.
 */
export interface CrossAppAccessCredential extends Credential {
  /** The access token (RFC 6749 §1.4), to send as `Authorization: Bearer ...`. */
  readonly accessToken: string;
  /** `Bearer`, or `DPoP` when the server bound the token to a key (RFC 9449). */
  readonly tokenType: 'Bearer' | 'DPoP';
  /** When the access token expires: `expires_in`, else its `exp`, else 60 s. */
  readonly expiresAt: Date;
  /** The scopes granted, as the custom server reported them. */
  readonly scopes: readonly string[];
  /** The scopes asked for, de-duplicated. */
  readonly requestedScopes: readonly string[];
  /** True when some requested scope was not granted: a narrower grant is reported, not hidden. */
  readonly narrowed: boolean;
  /**
   * True when the grant holds a scope that was not requested (never when none was requested):
   * more than was asked is reported too, for the caller to refuse or drop.
   */
  readonly widened: boolean;
}
