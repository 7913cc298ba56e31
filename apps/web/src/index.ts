export type { WebAppOptions } from './app.js';
export { createWebApp } from './app.js';
export type { OidcSettings } from './oidc.js';
export { OidcSignIn, SignInError } from './oidc.js';
export type { WebServer } from './server.js';
export { startWebServer } from './server.js';
export type { WebEnv, WebStack, WebStackOptions } from './stack.js';
export { startWebStack, webEnvSchema } from './stack.js';
