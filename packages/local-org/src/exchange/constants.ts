/** RFC 8693 §2.1 grant type. */
export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
/** RFC 7523 §2.1 grant type. */
export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** RFC 8693 §3 token type of an OpenID Connect ID token. */
export const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';
/** ID-JAG draft §3 token type. */
export const ID_JAG_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id-jag';
/** Okta's token type for a vaulted secret. */
export const VAULTED_SECRET_TOKEN_TYPE = 'urn:okta:params:oauth:token-type:vaulted-secret';
/** Okta's token type for a service account. */
export const SERVICE_ACCOUNT_TOKEN_TYPE = 'urn:okta:params:oauth:token-type:service-account';
/** ID-JAG draft §6 authorization grant profile, listed in custom server metadata. */
export const ID_JAG_GRANT_PROFILE = 'urn:ietf:params:oauth:grant-profile:id-jag';

/** The three token types an agent may request at the org (WIRE.md). */
export const REQUESTED_TOKEN_TYPES = [
  ID_JAG_TOKEN_TYPE,
  VAULTED_SECRET_TOKEN_TYPE,
  SERVICE_ACCOUNT_TOKEN_TYPE,
] as const;

/** One of {@link REQUESTED_TOKEN_TYPES}. */
export type RequestedTokenType = (typeof REQUESTED_TOKEN_TYPES)[number];

/** Asymmetric JWS algorithms accepted for client assertions (RFC 8725 §3.1). */
export const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'Ed25519',
  'EdDSA',
];

/** Clock skew allowed on every JWT this org checks, in seconds. */
export const CLOCK_TOLERANCE_SECONDS = 30;
/** Lifetime of an ID-JAG, a vaulted secret and a service account answer, in seconds. */
export const EXCHANGE_LIFETIME_SECONDS = 300;
/** Longest token accepted before parsing, in characters (RFC 8725 §3.x: cap sizes). */
export const MAX_TOKEN_LENGTH = 16_384;
