import { z } from 'zod';
import { publicJwkSchema } from './public-jwk.js';

/** Scopes OpenID Connect and Okta reserve: never grantable through a managed connection. */
export const SYSTEM_SCOPES: ReadonlySet<string> = new Set([
  'openid',
  'profile',
  'email',
  'address',
  'phone',
  'offline_access',
  'device_sso',
]);

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

/** `orn:okta:pam:{orgId}:secrets:{uuid}` (WIRE.md, resource type 2). */
export const SECRET_ORN = new RegExp(`^orn:okta:pam:([^:]+):secrets:${UUID}$`);

/** `orn:okta:pam:{orgId}:apps:{app}:{appId}:service_accounts:{uuid}` (WIRE.md, resource type 3). */
export const SERVICE_ACCOUNT_ORN = new RegExp(
  `^orn:okta:pam:([^:]+):apps:[^:]+:[^:]+:service_accounts:${UUID}$`,
);

const id = z.string().min(1).max(200);
/**
 * A client or user id: printable ASCII without spaces, within what oidc-provider accepts for a
 * `client_id` (RFC 6749 Appendix A.1, VSCHAR) and OpenID Connect for a `sub` (Core §2, ASCII).
 */
const asciiId = z
  .string()
  .regex(/^[\x21-\x7e]{1,200}$/, 'must be 1-200 printable ASCII characters, without spaces');
/** A client secret: printable ASCII (RFC 6749 Appendix A.2, VSCHAR), as oidc-provider requires. */
const clientSecret = z
  .string()
  .regex(/^[\x20-\x7e]{1,500}$/, 'must be 1-500 printable ASCII characters');
const scopeToken = z
  .string()
  .regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'must be a scope token (RFC 6749 §3.3)');
/** A redirect URI: absolute http(s), printable ASCII, no fragment (RFC 6749 §3.1.2). */
const redirectUri = z
  .url({ protocol: /^https?$/ })
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII, without spaces (percent-encode the rest)')
  .refine((uri) => !uri.includes('#'), 'must not have a fragment (RFC 6749 §3.1.2)');

/** A user who can sign in at the org's sign-in page. */
export const userSchema = z
  .strictObject({
    id: asciiId,
    username: z.string().min(1).max(200),
    email: z.email().optional(),
    name: z.string().min(1).max(200).optional(),
    password: z.string().min(1).max(200).optional(),
    passwordHash: z
      .string()
      .regex(/^scrypt\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/, 'must be scrypt$<salt>$<hash> (base64url)')
      .optional(),
  })
  .refine((u) => (u.password === undefined) !== (u.passwordHash === undefined), {
    message: 'give exactly one of "password" or "passwordHash"',
  });

/** An OpenID Connect web app that signs users in with Authorization Code + PKCE. */
export const webAppSchema = z.strictObject({
  clientId: asciiId,
  clientSecret: clientSecret.optional(),
  tokenEndpointAuthMethod: z
    .enum(['client_secret_basic', 'client_secret_post', 'none'])
    .default('client_secret_basic'),
  redirectUris: z.array(redirectUri).min(1),
  postLogoutRedirectUris: z.array(redirectUri).default([]),
});

/** Which of a custom server's scopes a connection allows. */
export const scopeRuleSchema = z.union([
  z.literal('all'),
  z.strictObject({ include: z.array(scopeToken).min(1) }),
  z.strictObject({ exclude: z.array(scopeToken).min(1) }),
]);

const status = z.enum(['active', 'inactive']).default('active');

/** A managed connection from an agent to a custom authorization server (Cross App Access). */
export const serverConnectionSchema = z.strictObject({
  type: z.literal('authorization-server'),
  server: id,
  scopes: scopeRuleSchema.default('all'),
  resources: z.array(z.string().min(1)).default([]),
  status,
});

/** A managed connection from an agent to a vaulted secret. */
export const secretConnectionSchema = z.strictObject({
  type: z.literal('secret'),
  secret: id,
  status,
});

/** A managed connection from an agent to a vaulted service account. */
export const serviceAccountConnectionSchema = z.strictObject({
  type: z.literal('service-account'),
  serviceAccount: id,
  status,
});

/** Any managed connection. */
export const connectionSchema = z.discriminatedUnion('type', [
  serverConnectionSchema,
  secretConnectionSchema,
  serviceAccountConnectionSchema,
]);

/** An AI agent: a confidential client that exchanges users' ID tokens. */
export const agentSchema = z
  .strictObject({
    clientId: asciiId,
    name: z.string().max(200).optional(),
    linkedApps: z.array(id).default([]),
    jwks: z.strictObject({ keys: z.array(publicJwkSchema).min(1) }).optional(),
    clientSecret: clientSecret.optional(),
    tokenEndpointAuthMethod: z.enum(['client_secret_basic', 'client_secret_post']).optional(),
    redirectUris: z.array(redirectUri).default([]),
    assignedUsers: z.array(id).optional(),
    connections: z.array(connectionSchema).default([]),
  })
  .refine((a) => (a.jwks === undefined) !== (a.clientSecret === undefined), {
    message: 'give exactly one of "jwks" (private_key_jwt) or "clientSecret"',
  });

/** A custom authorization server at `/oauth2/{id}` that redeems ID-JAGs for access tokens. */
export const customServerSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "-" or "_"')
    .refine((v) => v !== 'v1', { message: '"v1" is the org server\'s own path' }),
  name: z.string().max(200).optional(),
  audience: z.string().min(1).max(500),
  scopes: z.array(scopeToken).min(1),
  accessTokenLifetimeSeconds: z.number().int().min(60).max(86_400).default(3600),
  clients: z.array(id).optional(),
});

/** A vaulted secret: any string key/value pairs. */
export const secretSchema = z.strictObject({
  id: z.string().regex(SECRET_ORN, 'must be orn:okta:pam:{orgId}:secrets:{uuid}'),
  resourceIndicator: z.string().min(1).max(500).optional(),
  value: z.record(z.string().min(1), z.string()),
});

/** A vaulted service account: a username and a password. */
export const serviceAccountSchema = z.strictObject({
  id: z
    .string()
    .regex(
      SERVICE_ACCOUNT_ORN,
      'must be orn:okta:pam:{orgId}:apps:{app}:{appId}:service_accounts:{uuid}',
    ),
  resourceIndicator: z.string().min(1).max(500).optional(),
  username: z.string().min(1),
  password: z.string().min(1),
});

/** The whole org: what a configuration file holds (JSON or YAML). */
export const orgConfigSchema = z.strictObject({
  orgId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "-" or "_"'),
  users: z.array(userSchema).min(1),
  webApps: z.array(webAppSchema).default([]),
  agents: z.array(agentSchema).default([]),
  customServers: z.array(customServerSchema).default([]),
  vault: z
    .strictObject({
      secrets: z.array(secretSchema).default([]),
      serviceAccounts: z.array(serviceAccountSchema).default([]),
    })
    .default({ secrets: [], serviceAccounts: [] }),
  idTokenLifetimeSeconds: z.number().int().min(60).max(86_400).default(3600),
});

/** The configuration as written (defaults optional). */
export type OrgConfigInput = z.input<typeof orgConfigSchema>;
/** The configuration after validation, defaults filled in. */
export type OrgConfig = z.output<typeof orgConfigSchema>;
/** A configured user. */
export type UserConfig = z.output<typeof userSchema>;
/** A configured web app. */
export type WebAppConfig = z.output<typeof webAppSchema>;
/** A configured agent. */
export type AgentConfig = z.output<typeof agentSchema>;
/** A configured managed connection. */
export type ConnectionConfig = z.output<typeof connectionSchema>;
/** A connection to a custom authorization server. */
export type ServerConnectionConfig = z.output<typeof serverConnectionSchema>;
/** A scope rule: `'all'`, `{ include }` or `{ exclude }`. */
export type ScopeRule = z.output<typeof scopeRuleSchema>;
/** A configured custom authorization server. */
export type CustomServerConfig = z.output<typeof customServerSchema>;
/** A configured vaulted secret. */
export type SecretConfig = z.output<typeof secretSchema>;
/** A configured vaulted service account. */
export type ServiceAccountConfig = z.output<typeof serviceAccountSchema>;
