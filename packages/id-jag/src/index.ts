export { ASYMMETRIC_ALGORITHMS, type IdJagAlgorithm, isAsymmetricAlgorithm } from './algorithms.js';
export {
  actClaimSchema,
  ID_JAG_GRANT_PROFILE,
  ID_JAG_TOKEN_TYPE,
  ID_JAG_TYP,
  type IdJagClaims,
  idJagClaimsSchema,
  idJagScopes,
  isIdJagTyp,
  JWT_BEARER_GRANT_TYPE,
  MAX_ID_JAG_LENGTH,
  MAX_ID_JAG_LIFETIME_SECONDS,
  MAX_JTI_LENGTH,
  scopeTokenSchema,
} from './claims.js';
export { decodeIdJagUnverified } from './decode.js';
export { IdJagError, type IdJagErrorCode, isIdJagError } from './errors.js';
export { type IssueIdJagOptions, issueIdJag } from './issue.js';
export type {
  KeySetFetch,
  LocalTrustedIssuer,
  RemoteTrustedIssuer,
  TrustedIssuer,
} from './key-sets.js';
export {
  MemoryReplayStore,
  type MemoryReplayStoreOptions,
  type ReplayStore,
} from './replay-store.js';
export { type VerifiedIdJag, type VerifyIdJagOptions, verifyIdJag } from './verify.js';
