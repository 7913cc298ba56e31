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
export type { ClientAuth, ClientAuthRequest } from './client-auth.js';
export type { ExchangeErrorCode, ExchangeErrorOptions, ExchangeStep } from './errors.js';
export {
  ExchangeError,
  isExchangeError,
  PolicyRefusalError,
  SubjectTokenRejectedError,
  sanitizeDescription,
} from './errors.js';
