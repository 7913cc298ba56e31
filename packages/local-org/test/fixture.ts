import { createPrivateKey, randomUUID, sign } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { expect } from 'vitest';
import {
  type AuditRecord,
  defaultOrgConfig,
  demo,
  type LocalOrg,
  type OrgConfigInput,
  startLocalOrg,
} from '../src/index.js';
import { clientAssertion, demoIdToken, exchange, idJagRequest } from './requests.js';

export const OTHER_AGENT = 'wlp-other-agent';
export const OTHER_WEB = 'other-web';
export const OTHER_WEB_SECRET = 'other-web-secret';
export const SECRET_AGENT = 'wlp-secret-agent';
export const SECRET_AGENT_SECRET = 'secret-agent-secret-4410';
export const UNCONNECTED_SECRET = 'orn:okta:pam:local:secrets:0b9c2f43-7d8e-4a51-9f1a-3c6a2d7e8b90';

/** A running org with extra clients, servers and vault entries, and its private keys. */
export interface Fixture {
  org: LocalOrg;
  /** The org's private signing JWK, read from its data directory, to forge org-signed tokens. */
  orgKey: JWK & { kid: string };
  /** The second agent's private key. */
  otherAgentKey: JWK & { kid: string };
  /** Each custom server's private signing JWK, by server id. */
  serverKeys: Record<string, JWK & { kid: string }>;
  /** Every secret string seen by the test, to check that none reaches the audit log. */
  secrets: Set<string>;
  stop(): Promise<void>;
}

/** Starts the default org plus: a second agent, an unlinked web app, a second custom server. */
export async function startFixture(): Promise<Fixture> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const otherAgentKey = { ...(await exportJWK(privateKey)), kid: 'other-key', alg: 'ES256' };
  const otherAgentPublic = { ...(await exportJWK(publicKey)), kid: 'other-key', alg: 'ES256' };

  const config = defaultOrgConfig() as OrgConfigInput &
    Required<Pick<OrgConfigInput, 'webApps' | 'agents' | 'customServers' | 'vault'>>;
  config.webApps.push({
    clientId: OTHER_WEB,
    clientSecret: OTHER_WEB_SECRET,
    redirectUris: ['http://localhost:4000/callback'],
  });
  config.customServers.push({ id: 'billing', audience: 'api://billing', scopes: ['billing.read'] });
  config.vault.secrets?.push({ id: UNCONNECTED_SECRET, value: { token: 'other-secret-value-91' } });
  config.agents.push({
    clientId: OTHER_AGENT,
    linkedApps: [demo.webApp.clientId],
    jwks: { keys: [otherAgentPublic as { kty: 'EC'; kid: string }] },
    connections: [
      { type: 'authorization-server', server: 'default', scopes: { include: ['todo.read'] } },
      { type: 'secret', secret: UNCONNECTED_SECRET, status: 'inactive' },
    ],
  });

  config.agents.push({
    clientId: SECRET_AGENT,
    clientSecret: SECRET_AGENT_SECRET,
    linkedApps: [demo.webApp.clientId],
    connections: [{ type: 'secret', secret: demo.secretOrn }],
  });

  const dataDir = await mkdtemp(join(tmpdir(), 'local-org-test-'));
  const org = await startLocalOrg(config, { dataDir });
  const keys = JSON.parse(await readFile(join(dataDir, 'keys.json'), 'utf8')) as {
    org: JWK & { kid: string };
    servers: Record<string, JWK & { kid: string }>;
  };
  const secrets = new Set<string>([
    demo.user.password,
    demo.webApp.clientSecret,
    OTHER_WEB_SECRET,
    demo.secretValue.apiKey,
    demo.serviceAccount.password,
    'other-secret-value-91',
    SECRET_AGENT_SECRET,
    keys.org.d as string,
    ...Object.values(keys.servers).map((k) => k.d as string),
    demo.agentPrivateJwk.d,
  ]);
  return {
    org,
    orgKey: keys.org,
    otherAgentKey,
    serverKeys: keys.servers,
    secrets,
    async stop() {
      await org.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts the fixture and signs the demo user in over HTTP. The ID token joins the secrets that
 * must never reach the audit log.
 */
export async function startSignedInFixture(): Promise<{ fixture: Fixture; idToken: string }> {
  const fixture = await startFixture();
  const idToken = await demoIdToken(fixture.org);
  fixture.secrets.add(idToken);
  return { fixture, idToken };
}

/**
 * Exchanges the ID token at the org for an ID-JAG for the default custom server (hop 1), checks
 * that it was issued, and watches it as a secret.
 */
export async function freshIdJag(
  fixture: Fixture,
  idToken: string,
  scope = 'todo.read',
): Promise<string> {
  const res = await exchange(fixture.org, idJagRequest(fixture.org, idToken, { scope }));
  expect(res.status).toBe(200);
  const idJag = res.body.access_token as string;
  fixture.secrets.add(idJag);
  return idJag;
}

/** A client assertion for `aud` by the second agent, signed with its own key (RFC 7523). */
export function otherAgentAssertion(fixture: Fixture, aud: string): Promise<string> {
  return clientAssertion(aud, {
    iss: OTHER_AGENT,
    sub: OTHER_AGENT,
    key: fixture.otherAgentKey,
    kid: fixture.otherAgentKey.kid,
  });
}

/** Signs a JWT with the org's own key, as an attacker holding no key could not: for claim checks. */
export async function signWithOrgKey(
  fixture: Fixture,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: fixture.orgKey.kid, ...header })
    .sign(fixture.orgKey);
}

/** Claims of a valid ID token for the demo user and `demo-web`, with overrides. */
export function idTokenClaims(fixture: Fixture, overrides: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: fixture.org.issuer,
    sub: demo.user.id,
    aud: demo.webApp.clientId,
    iat: now,
    exp: now + 300,
    auth_time: now,
    nonce: 'n',
    ...overrides,
  };
}

/** Claims of a valid ID-JAG for the default server and the demo agent, with overrides. */
export function idJagClaims(fixture: Fixture, overrides: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: fixture.org.issuer,
    sub: demo.user.id,
    aud: fixture.org.customServer('default').issuer,
    client_id: demo.agentClientId,
    jti: randomUUID(),
    iat: now,
    exp: now + 300,
    scope: 'todo.read',
    ...overrides,
  };
}

/** The `sid` claim of a JWT (not verified): to forge org-signed ID tokens of a live session. */
export function sidOf(jwt: string): string {
  const claims = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString());
  return String(claims.sid);
}

/**
 * Waits for the start of the next second, so a token made right after is checked within the same
 * second: a token 29 s past its `exp` must not become 30 s past it on a loaded machine.
 */
export async function atStartOfSecond(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000)));
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Changes the last character of a JWT's signature. The top bit of its 6-bit value is flipped:
 * the low bits of a final base64url character can be padding that decodes to the same bytes.
 */
export function tamper(jwt: string): string {
  const index = BASE64URL.indexOf(jwt.at(-1) ?? 'A');
  return `${jwt.slice(0, -1)}${BASE64URL[index ^ 0b100000]}`;
}

/** An unsigned `alg: none` JWT with the given claims and an empty signature. */
export function unsecured(claims: Record<string, unknown>, header: Record<string, unknown> = {}) {
  const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${encode({ alg: 'none', ...header })}.${encode(claims)}.`;
}

/**
 * Asserts a refusal: the status, the error code, a JSON error body with nothing issued and
 * `Cache-Control: no-store`, an audit record for it with the expected reason, and no secret
 * anywhere in the audit log.
 */
export function expectRefused(
  fixture: Fixture,
  response: { status: number; headers: Headers; body: Record<string, unknown> },
  status: number,
  error: string,
  reason: RegExp,
): AuditRecord {
  expect(response.status).toBe(status);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.body.error).toBe(error);
  expect(response.body.error_description).toEqual(expect.any(String));
  for (const issued of ['access_token', 'vaulted_secret', 'service_account', 'id_token']) {
    expect(response.body).not.toHaveProperty(issued);
  }
  const record = fixture.org.audit.at(-1);
  expect(record).toMatchObject({ decision: 'deny', status, error });
  expect(record?.reason).toMatch(reason);
  expectNoSecretInAudit(fixture);
  return record as AuditRecord;
}

/** Asserts that no audit line contains any secret string the test has used. */
export function expectNoSecretInAudit(fixture: Fixture): void {
  const lines = fixture.org.audit.map((r) => JSON.stringify(r));
  for (const secret of fixture.secrets) {
    for (const line of lines)
      expect(line.includes(secret), 'audit line leaks a secret').toBe(false);
  }
  for (const line of lines) expect(line).not.toMatch(/eyJ[\w-]+\.[\w-]+/);
}

/**
 * Signs a JWS by hand (RS256 or ES256), for headers jose refuses to produce, such as an unknown
 * `crit` extension.
 */
export function signRawJws(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  key: JWK,
): string {
  const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${encode(header)}.${encode(claims)}`;
  const keyObject = createPrivateKey({ key: key as never, format: 'jwk' });
  const signature =
    header.alg === 'ES256'
      ? sign('sha256', Buffer.from(input), { key: keyObject, dsaEncoding: 'ieee-p1363' })
      : sign('sha256', Buffer.from(input), keyObject);
  return `${input}.${signature.toString('base64url')}`;
}
