export type { ServiceAccountCredential } from './service-account.js';
export { SERVICE_ACCOUNT_TOKEN_TYPE, serviceAccount } from './service-account.js';
