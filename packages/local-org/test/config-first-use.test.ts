import { generateKeyPairSync } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  defaultOrgConfig,
  demo,
  type OrgConfigInput,
  parseConfig,
  startLocalOrg,
  validateConfig,
} from '../src/index.js';
import { issuesOf } from './config-issues.js';

type Config = OrgConfigInput &
  Required<Pick<OrgConfigInput, 'webApps' | 'agents' | 'customServers' | 'vault'>>;

function config(): Config {
  return defaultOrgConfig() as Config;
}

const { d: _d, ...demoPublicJwk } = demo.agentPrivateJwk;

/** The default org with the demo agent's key set replaced by `keys`. */
function withAgentKeys(keys: Record<string, unknown>[]): Config {
  const c = config();
  (c.agents[0] as { jwks: unknown }).jwks = { keys };
  return c;
}

describe('agent keys that no client authentication could use are refused at load time', () => {
  const { x: _x, y: _y, ...ecWithoutPoint } = demoPublicJwk;

  it.each([
    ['an EC key without x and y', ecWithoutPoint, 'agents[0].jwks.keys[0]', /valid EC public key/],
    [
      'an EC key whose x is not a point',
      { ...demoPublicJwk, x: 'AAAA' },
      'agents[0].jwks.keys[0]',
      /valid EC public key/,
    ],
    [
      'an RSA key without n and e',
      { kty: 'RSA', kid: 'r' },
      'agents[0].jwks.keys[0]',
      /valid RSA public key/,
    ],
    [
      'an RSA key too short to verify with',
      { kty: 'RSA', kid: 'r', n: 'AKJ3', e: 'AQAB' },
      'agents[0].jwks.keys[0].n',
      /at least 2048 bits/,
    ],
    ['an alg of HS256', { ...demoPublicJwk, alg: 'HS256' }, 'agents[0].jwks.keys[0].alg', /ES256/],
    ['an alg of none', { ...demoPublicJwk, alg: 'none' }, 'agents[0].jwks.keys[0].alg', /ES256/],
    [
      'an alg that does not fit the curve',
      { ...demoPublicJwk, alg: 'ES384' },
      'agents[0].jwks.keys[0].alg',
      /ES256/,
    ],
    ['use enc', { ...demoPublicJwk, use: 'enc' }, 'agents[0].jwks.keys[0].use', /sig/],
    [
      'key_ops without verify',
      { ...demoPublicJwk, key_ops: ['encrypt'] },
      'agents[0].jwks.keys[0].key_ops',
      /verify/,
    ],
    [
      'a key agreement curve',
      { kty: 'OKP', crv: 'X25519', kid: 'x', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' },
      'agents[0].jwks.keys[0].crv',
      /Ed25519/,
    ],
  ])('refuses %s', (_name, key, path, message) => {
    const issues = issuesOf(() => validateConfig(withAgentKeys([key, demoPublicJwk])));
    expect(issues).toEqual([
      expect.objectContaining({ path, message: expect.stringMatching(message) }),
    ]);
  });

  const rsaPublicJwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({
    format: 'jwk',
  });

  it.each(['p', 'q', 'dp', 'dq', 'qi'])(
    'refuses an RSA key with the private member %s',
    (member) => {
      const jwk = { ...rsaPublicJwk, kid: 'r', [member]: 'AQAB' };
      const issues = issuesOf(() => validateConfig(withAgentKeys([jwk])));
      expect(issues).toEqual([
        expect.objectContaining({
          path: 'agents[0].jwks.keys[0]',
          message: expect.stringContaining(`"${member}"`),
        }),
      ]);
    },
  );

  it('accepts complete public RSA, EC and Ed25519 keys', async () => {
    const keys = [];
    for (const alg of ['RS256', 'PS384', 'ES384', 'ES512', 'Ed25519'] as const) {
      const { publicKey } = await generateKeyPair(alg);
      keys.push({
        ...(await exportJWK(publicKey)),
        kid: alg,
        alg,
        use: 'sig',
        key_ops: ['verify'],
      });
    }
    expect(validateConfig(withAgentKeys(keys)).agents[0]?.jwks?.keys).toHaveLength(5);
  });
});

describe('client ids and secrets oidc-provider would refuse on first use', () => {
  it.each(['wlp-ägent', 'wlp agent', 'wlp-\u202eagent', 'wlp-\nagent', ''])(
    'refuses the agent client id %j',
    (clientId) => {
      const c = config();
      c.agents.push({
        clientId,
        clientSecret: 'agent-secret',
        linkedApps: [demo.webApp.clientId],
      });
      expect(issuesOf(() => validateConfig(c))).toEqual([
        expect.objectContaining({
          path: 'agents[1].clientId',
          message: expect.stringMatching(/ASCII/),
        }),
      ]);
    },
  );

  it('refuses a web app client id and a client secret outside printable ASCII', () => {
    const c = config();
    c.webApps.push({
      clientId: 'wéb',
      clientSecret: 'sécret',
      redirectUris: ['http://localhost:4000/callback'],
    });
    expect(issuesOf(() => validateConfig(c)).map((i) => i.path)).toEqual([
      'webApps[1].clientId',
      'webApps[1].clientSecret',
    ]);
  });

  it('still accepts a client id with URL characters, sent percent-encoded in Basic', () => {
    const c = config();
    c.agents.push({ clientId: 'urn:agent:a%b', clientSecret: 'agent-secret' });
    expect(validateConfig(c).agents[1]?.clientId).toBe('urn:agent:a%b');
  });
});

describe('redirect URIs that can never be matched', () => {
  it.each([
    ['a fragment', 'http://localhost:3000/callback#done', /fragment/],
    ['an empty fragment', 'http://localhost:3000/callback#', /fragment/],
    ['a space', 'http://localhost:3000/call back', /ASCII/],
    ['a relative path', '/callback', /URL/i],
  ])('refuses a redirect URI with %s', (_name, uri, message) => {
    const c = config();
    const app = c.webApps[0];
    if (app) app.redirectUris = [uri];
    expect(issuesOf(() => validateConfig(c))).toEqual([
      expect.objectContaining({
        path: 'webApps[0].redirectUris[0]',
        message: expect.stringMatching(message),
      }),
    ]);
  });

  it('refuses a post-logout redirect URI with a fragment', () => {
    const c = config();
    const app = c.webApps[0];
    if (app) app.postLogoutRedirectUris = ['http://localhost:3000/#signed-out'];
    expect(issuesOf(() => validateConfig(c)).map((i) => i.path)).toEqual([
      'webApps[0].postLogoutRedirectUris[0]',
    ]);
  });
});

describe('YAML aliases that cannot be expanded', () => {
  it('refuses a recursive alias with its line, instead of overflowing the stack', () => {
    const text =
      'orgId: local\nusers: &u\n  - id: u\n    username: u\n    password: p\n    x: *u\n';
    const error = (() => {
      try {
        parseConfig(text, 'rec.yaml');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([
      { path: 'users[0].x', message: expect.stringMatching(/recursive YAML alias/), line: 6 },
    ]);
    expect((error as Error).message).toContain('(rec.yaml:6)');
  });

  it('refuses a value that is its own alias', () => {
    expect(issuesOf(() => parseConfig('orgId: local\nusers: &a [*a]\n'))).toEqual([
      { path: 'users[0]', message: expect.stringMatching(/recursive YAML alias/), line: 2 },
    ]);
  });

  it('names an unknown alias as unknown, without quoting its name', () => {
    const issues = issuesOf(() =>
      parseConfig('orgId: local\nusers:\n  - id: u\n    username: u\n    password: *hunter2-pw\n'),
    );
    expect(issues).toEqual([
      {
        path: 'users[0].password',
        message: expect.stringMatching(/unknown YAML alias/),
        line: 5,
      },
    ]);
    expect(JSON.stringify(issues)).not.toContain('hunter2');
  });

  it('refuses a cyclic object given to validateConfig', () => {
    const c = config() as Config & { users: Record<string, unknown>[] };
    const user = c.users[0] as Record<string, unknown>;
    user.self = c.users;
    expect(issuesOf(() => validateConfig(c))).toEqual([
      { path: 'users[0].self', message: expect.stringMatching(/contains itself/) },
    ]);
  });
});

const SECOND_SECRET = 'orn:okta:pam:local:secrets:00000000-0000-4000-8000-000000000001';

describe('targets one resource or audience value could name twice', () => {
  it("refuses a secret whose resourceIndicator is another secret's ORN", () => {
    const c = config();
    c.vault.secrets?.unshift({
      id: SECOND_SECRET,
      resourceIndicator: demo.secretOrn,
      value: { other: 'shadow' },
    });
    expect(issuesOf(() => validateConfig(c))).toEqual([
      {
        path: 'vault.secrets[1].id',
        message: expect.stringContaining('vault.secrets[0].resourceIndicator'),
      },
    ]);
  });

  it('refuses one indicator on a secret and a service account', () => {
    const c = config();
    const secret = c.vault.secrets?.[0];
    const account = c.vault.serviceAccounts?.[0];
    if (secret) secret.resourceIndicator = 'urn:acme:shared';
    if (account) account.resourceIndicator = 'urn:acme:shared';
    expect(issuesOf(() => validateConfig(c))).toEqual([
      {
        path: 'vault.serviceAccounts[0].resourceIndicator',
        message: expect.stringContaining('vault.secrets[0].resourceIndicator'),
      },
    ]);
  });

  it("refuses an indicator equal to a custom server's audience", () => {
    const c = config();
    const secret = c.vault.secrets?.[0];
    if (secret) secret.resourceIndicator = demo.audience;
    expect(issuesOf(() => validateConfig(c))).toEqual([
      {
        path: 'vault.secrets[0].resourceIndicator',
        message: expect.stringContaining('customServers[0].audience'),
      },
    ]);
  });

  it('refuses two custom servers with the same audience', () => {
    const c = config();
    c.customServers.push({ id: 'second', audience: demo.audience, scopes: ['x.read'] });
    expect(issuesOf(() => validateConfig(c))).toEqual([
      {
        path: 'customServers[1].audience',
        message: expect.stringContaining('customServers[0].audience'),
      },
    ]);
  });

  it('refuses two ORNs that differ only in the case of their hex digits', () => {
    const c = config();
    const upper = demo.secretOrn.replace(/[0-9a-f-]+$/, (uuid) => uuid.toUpperCase());
    c.vault.secrets?.push({ id: upper, value: { a: 'b' } });
    expect(issuesOf(() => validateConfig(c))).toEqual([
      { path: 'vault.secrets[1].id', message: expect.stringContaining('vault.secrets[0].id') },
    ]);
  });

  it('accepts a vault entry whose indicator repeats its own ORN', () => {
    const c = config();
    const secret = c.vault.secrets?.[0];
    if (secret) secret.resourceIndicator = demo.secretOrn;
    expect(validateConfig(c).vault.secrets[0]?.resourceIndicator).toBe(demo.secretOrn);
  });

  it("refuses at start an indicator equal to a custom server's issuer", async () => {
    // The issuer depends on the port, so the org listens on a fixed free one found first.
    const probe = await startLocalOrg();
    const { port } = new URL(probe.issuer);
    await probe.stop();
    const c = config();
    const secret = c.vault.secrets?.[0];
    if (secret) secret.resourceIndicator = `http://127.0.0.1:${port}/oauth2/default`;
    expect(() => validateConfig(c)).not.toThrow();
    const error = await startLocalOrg(c, { port: Number(port) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([
      {
        path: 'vault.secrets[0].resourceIndicator',
        message: expect.stringContaining('customServers[0].id (its issuer'),
      },
    ]);
    // The port was released: an org starts on it again.
    const again = await startLocalOrg({ port: Number(port) });
    await again.stop();
  });
});
