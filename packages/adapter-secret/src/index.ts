export type { VaultedSecretCredential } from './vaulted-secret.js';
export { VAULTED_SECRET_TOKEN_TYPE, vaultedSecret } from './vaulted-secret.js';
