export type {
  Adapter,
  AnyAdapter,
  AuthorizationServerMetadata,
  Credential,
  ExchangeInput,
  ExchangeResult,
  FinishContext,
  TokenForm,
  TokenRequest,
} from './adapter.js';
export { defineAdapter } from './adapter.js';
export type { CacheStore, MemoryCacheStoreOptions } from './cache.js';
export { MemoryCacheStore } from './cache.js';
export type { AdapterNamed, Client, ExchangeOptions } from './client.js';
export { createClient } from './client.js';
export type { ClientAuth, ClientAuthRequest } from './client-auth.js';
export type { ClientSecretOptions } from './client-secret.js';
export { clientSecretBasic, clientSecretPost } from './client-secret.js';
export { ClientAssertionType, GrantType, TokenType } from './constants.js';
export type { CredentialExpiryInput } from './credential.js';
export { credentialExpiry, protectCredential } from './credential.js';
export type { ExchangeErrorCode, ExchangeErrorOptions, ExchangeStep } from './errors.js';
export {
  ExchangeError,
  isExchangeError,
  PolicyRefusalError,
  SubjectTokenRejectedError,
  sanitizeDescription,
} from './errors.js';
export type {
  EventListener,
  ExchangeEvent,
  ExchangeEventBase,
  ExchangeEventType,
  Logger,
} from './events.js';
export { shortHash } from './hash.js';
export type { ClientOptions } from './options.js';
export type {
  AssertionAlgorithm,
  AssertionClaims,
  AssertionHeader,
  AssertionSigner,
  PrivateKeyInput,
  PrivateKeyJwtOptions,
} from './private-key-jwt.js';
export { ASSERTION_ALGORITHMS, privateKeyJwt } from './private-key-jwt.js';
export type { RetryOptions } from './retry.js';
export { expiresInSchema, MAX_EXPIRES_IN_SECONDS, tokenTypeSchema } from './schemas.js';
export { MAX_SUBJECT_TOKEN_LENGTH } from './subject.js';
export { USER_AGENT, VERSION } from './version.js';
