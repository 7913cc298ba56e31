export type { CrossAppAccessCredential } from './credential.js';
export type { CrossAppAccessOptions } from './cross-app-access.js';
export { crossAppAccess } from './cross-app-access.js';
export type { CrossAppAccessInput } from './input.js';
