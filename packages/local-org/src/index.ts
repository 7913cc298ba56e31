export { type AuditRecord, type AuditSink, shortHash } from './audit.js';
export { ConfigError, type ConfigIssue } from './config/config-error.js';
export { defaultOrgConfig, demo } from './config/default-org.js';
export { loadConfig, parseConfig, validateConfig } from './config/load-config.js';
export type {
  AgentConfig,
  ConnectionConfig,
  CustomServerConfig,
  OrgConfig,
  OrgConfigInput,
  ScopeRule,
  SecretConfig,
  ServiceAccountConfig,
  UserConfig,
  WebAppConfig,
} from './config/schema.js';
export {
  ID_JAG_GRANT_PROFILE,
  ID_JAG_TOKEN_TYPE,
  ID_TOKEN_TYPE,
  JWT_BEARER,
  SERVICE_ACCOUNT_TOKEN_TYPE,
  TOKEN_EXCHANGE,
  VAULTED_SECRET_TOKEN_TYPE,
} from './exchange/constants.js';
export { KeyFileError } from './keys.js';
export { ERROR_DESCRIPTIONS, type OAuthErrorCode } from './oauth-errors.js';
export { hashPassword } from './password.js';
export { SignInError, type SignInOptions, type SignInResult, signIn } from './sign-in.js';
export {
  type CustomServerInfo,
  type LocalOrg,
  type StartOptions,
  startLocalOrg,
} from './start-local-org.js';
