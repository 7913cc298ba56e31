export type { ServiceAccountAgentOptions } from './agent.js';
export { createServiceAccountAgent } from './agent.js';
export type { ReportsApiOptions } from './reports-api.js';
export { createReportsApi, startReportsApi } from './reports-api.js';
export type { ServiceAccountEnv } from './setup.js';
export { serviceAccountEnvSchema, setUpServiceAccountPath } from './setup.js';
