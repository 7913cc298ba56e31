import { errors } from 'oidc-provider';

/** The OAuth error codes this org answers from its own grants (RFC 6749 §5.2, RFC 8693 §2.2.2). */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_grant'
  | 'invalid_target'
  | 'invalid_scope'
  | 'unauthorized_client'
  | 'access_denied';

/**
 * The fixed `error_description` sent for each error code. The wire never carries the detailed
 * reason (it could help an attacker probe the policy); that goes to the audit log only.
 */
export const ERROR_DESCRIPTIONS: Readonly<Record<OAuthErrorCode, string>> = Object.freeze({
  invalid_request: 'The request is missing a required parameter or has an invalid one.',
  invalid_grant: 'The grant is invalid, expired, or was not issued to this client.',
  invalid_target: 'The requested audience or resource is not available to this client.',
  invalid_scope: 'The requested scope is invalid or not allowed.',
  unauthorized_client: 'This client is not allowed to use this grant type.',
  access_denied: 'The request was denied by policy.',
});

/** Errors made by {@link oauthError}: their description is fixed, their detail is the reason. */
const ownErrors = new WeakSet<object>();

/**
 * Whether `error` came from {@link oauthError}, so that its audit reason is the detail alone
 * rather than the fixed `error_description` (a sentence that says nothing about this request).
 */
export function isOwnOAuthError(error: object): boolean {
  return ownErrors.has(error);
}

/**
 * An OAuth error for oidc-provider to render: `error` and a fixed `error_description` on the
 * wire (status 400), `reason` kept as `error_detail` for the audit log only.
 */
export function oauthError(
  code: OAuthErrorCode,
  reason: string,
  description: string = ERROR_DESCRIPTIONS[code],
): errors.OIDCProviderError {
  const error = new errors.OIDCProviderError(400, code, { detail: reason });
  error.error_description = description;
  ownErrors.add(error);
  return error;
}
