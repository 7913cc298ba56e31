export type { SecretAgentOptions } from './agent.js';
export { createSecretAgent } from './agent.js';
export type { InventoryApiOptions, InventoryItem } from './inventory-api.js';
export { API_KEY_HEADER, createInventoryApi, startInventoryApi } from './inventory-api.js';
export type { SecretEnv } from './setup.js';
export { secretEnvSchema, setUpSecretPath } from './setup.js';
