/** Grant types onbehalf sends (RFC 8693 §2.1 token exchange, RFC 7523 §2.1 JWT bearer). */
export const GrantType = {
  tokenExchange: 'urn:ietf:params:oauth:grant-type:token-exchange',
  jwtBearer: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
} as const;

/** Token type identifiers core itself uses (RFC 8693 §3). Adapters define their own. */
export const TokenType = {
  idToken: 'urn:ietf:params:oauth:token-type:id_token',
} as const;

/** Client assertion types (RFC 7523 §2.2). */
export const ClientAssertionType = {
  jwtBearer: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
} as const;
