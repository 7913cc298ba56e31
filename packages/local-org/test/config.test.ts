import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  defaultOrgConfig,
  loadConfig,
  parseConfig,
  startLocalOrg,
  validateConfig,
} from '../src/index.js';
import { issuesOf } from './config-issues.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'local-org-config-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const YAML_ORG = `orgId: acme
users:
  - id: u1
    username: ada@example.com
    password: pw
webApps:
  - clientId: web
    clientSecret: web-secret
    redirectUris: [http://localhost:3000/callback]
customServers:
  - id: default
    audience: api://x
    scopes: [x.read]
agents:
  - clientId: agent-a
    clientSecret: a-secret
    linkedApps: [web]
    connections:
      - type: authorization-server
        server: default
  - clientId: agent-b
    clientSecret: b-secret
    connections:
      - type: authorization-server
        server: nowhere
        scopes:
          include: [x.read]
`;

describe('configuration', () => {
  it('accepts the default org and fills defaults', () => {
    const config = validateConfig(defaultOrgConfig());
    expect(config.agents[0]?.connections).toHaveLength(3);
    expect(config.customServers[0]?.accessTokenLifetimeSeconds).toBe(3600);
  });

  it('names the path of a missing field', () => {
    const config = defaultOrgConfig();
    const server = config.customServers?.[0] as { audience?: string };
    delete server.audience;
    const issues = issuesOf(() => validateConfig(config));
    expect(issues.map((i) => i.path)).toContain('customServers[0].audience');
  });

  it('names the path of a wrong type', () => {
    const config = defaultOrgConfig() as Record<string, unknown> &
      ReturnType<typeof defaultOrgConfig>;
    (config.agents?.[0]?.connections?.[0] as Record<string, unknown>).scopes = 42;
    const issues = issuesOf(() => validateConfig(config));
    expect(issues[0]?.path).toBe('agents[0].connections[0].scopes');
  });

  it('names an agent connected to an unknown server, with the file line', () => {
    const issues = issuesOf(() => parseConfig(YAML_ORG, 'org.yaml'));
    expect(issues).toEqual([
      expect.objectContaining({
        path: 'agents[1].connections[0].server',
        message: 'unknown custom server "nowhere"',
        line: 25,
      }),
    ]);
    try {
      parseConfig(YAML_ORG, 'org.yaml');
    } catch (error) {
      expect((error as Error).message).toContain(
        'agents[1].connections[0].server: unknown custom server "nowhere" (org.yaml:25)',
      );
    }
  });

  it('names an unknown linked app and an unknown secret', () => {
    const config = defaultOrgConfig();
    config.agents?.[0]?.linkedApps?.push('ghost-app');
    config.agents?.[0]?.connections?.push({
      type: 'secret',
      secret: 'orn:okta:pam:local:secrets:00000000-0000-0000-0000-000000000000',
    });
    const paths = issuesOf(() => validateConfig(config)).map((i) => i.path);
    expect(paths).toEqual(['agents[0].linkedApps[1]', 'agents[0].connections[3].secret']);
  });

  it('refuses a system scope on a custom server and an include scope it does not have', () => {
    const config = defaultOrgConfig();
    config.customServers?.[0]?.scopes.push('openid');
    config.agents?.[0]?.connections?.splice(0, 1, {
      type: 'authorization-server',
      server: 'default',
      scopes: { include: ['todo.admin'] },
    });
    const issues = issuesOf(() => validateConfig(config));
    expect(issues.map((i) => i.path)).toEqual([
      'customServers[0].scopes[2]',
      'agents[0].connections[0].scopes.include[0]',
    ]);
  });

  it('refuses a connection to a custom server whose clients list leaves the agent out', () => {
    const config = defaultOrgConfig();
    const server = config.customServers?.[0];
    if (server) server.clients = [];
    const issues = issuesOf(() => validateConfig(config));
    expect(issues).toEqual([
      {
        path: 'agents[0].connections[0].server',
        message:
          'custom server "default" does not serve this agent: its "clients" do not list "wlp-demo-agent"',
      },
    ]);
  });

  it('refuses an agent with both a key set and a secret', () => {
    const config = defaultOrgConfig();
    (config.agents?.[0] as { clientSecret?: string }).clientSecret = 'x';
    expect(issuesOf(() => validateConfig(config))[0]?.path).toBe('agents[0]');
  });

  it('refuses a private key in an agent key set', () => {
    const config = defaultOrgConfig();
    const key = config.agents?.[0]?.jwks?.keys[0] as Record<string, unknown>;
    key.d = 'private';
    expect(issuesOf(() => validateConfig(config))[0]?.path).toBe('agents[0].jwks.keys[0]');
  });

  it('reads a YAML file and reports syntax errors with the line', async () => {
    const good = join(dir, 'org.yaml');
    await writeFile(good, YAML_ORG.replace('server: nowhere', 'server: default'));
    const config = await loadConfig(good);
    expect(config.agents.map((a) => a.clientId)).toEqual(['agent-a', 'agent-b']);

    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'orgId: acme\nusers: [\n');
    await expect(loadConfig(bad)).rejects.toBeInstanceOf(ConfigError);
  });

  it('reads a JSON file with line numbers', async () => {
    const file = join(dir, 'org.json');
    const config = defaultOrgConfig();
    (config.users?.[0] as { username: unknown }).username = 7;
    await writeFile(file, JSON.stringify(config, null, 2));
    const error = await loadConfig(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    const issue = (error as ConfigError).issues[0];
    expect(issue?.path).toBe('users[0].username');
    expect(issue?.line).toBe(6);
  });

  it('refuses a YAML alias bomb with a ConfigError, without expanding it', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) {
      const name = String.fromCharCode(97 + i);
      const previous = String.fromCharCode(96 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`);
    }
    const issues = issuesOf(() => parseConfig(levels.join('\n'), 'bomb.yaml'));
    expect(issues).toEqual([{ path: '', message: expect.stringMatching(/aliases/) }]);
  });

  it('accepts a few YAML aliases', () => {
    const text = YAML_ORG.replace('server: nowhere', 'server: default')
      .replace(
        '  - clientId: agent-a\n    clientSecret: a-secret\n    linkedApps: [web]',
        '  - clientId: agent-a\n    clientSecret: a-secret\n    linkedApps: &apps [web]',
      )
      .replace(
        '  - clientId: agent-b\n    clientSecret: b-secret',
        '  - clientId: agent-b\n    clientSecret: b-secret\n    linkedApps: *apps',
      );
    expect(parseConfig(text).agents[1]?.linkedApps).toEqual(['web']);
  });

  it('refuses __proto__ keys, in YAML and JSON, without polluting prototypes', () => {
    const yaml =
      `${YAML_ORG.replace('server: nowhere', 'server: default')}__proto__: { polluted: yes }\n`.replace(
        '    password: pw\n',
        '    password: pw\n    __proto__: { admin: true }\n',
      );
    const paths = issuesOf(() => parseConfig(yaml, 'org.yaml')).map((i) => i.path);
    expect(paths.sort()).toEqual(['__proto__', 'users[0].__proto__']);

    const json = JSON.stringify(defaultOrgConfig()).replace(
      '{"orgId"',
      '{"__proto__":{"polluted":"yes"},"orgId"',
    );
    expect(issuesOf(() => parseConfig(json, 'org.json')).map((i) => i.path)).toEqual(['__proto__']);
    expect(issuesOf(() => validateConfig(JSON.parse(json))).map((i) => i.path)).toEqual([
      '__proto__',
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('refuses a __proto__ key in a secret value instead of dropping it', () => {
    const json = JSON.stringify(defaultOrgConfig()).replace(
      '{"apiKey"',
      '{"__proto__":"x","apiKey"',
    );
    const issues = issuesOf(() => validateConfig(JSON.parse(json)));
    expect(issues.map((i) => i.path)).toEqual(['vault.secrets[0].value.__proto__']);
  });

  it('refuses an agent and a web app sharing a client id', () => {
    const config = defaultOrgConfig();
    const agent = config.agents?.[0];
    if (agent) agent.clientId = 'demo-web';
    const issues = issuesOf(() => validateConfig(config));
    expect(issues).toContainEqual(
      expect.objectContaining({
        path: 'agents[0].clientId',
        message: expect.stringMatching(/duplicate client id/),
      }),
    );
  });

  it.each(['a/b', '..', '../v1', 'a%2Fb', 'v1'])('refuses the custom server id %s', (id) => {
    const config = defaultOrgConfig();
    const server = config.customServers?.[0];
    if (server) server.id = id;
    const paths = issuesOf(() => validateConfig(config)).map((i) => i.path);
    expect(paths[0]).toBe('customServers[0].id');
  });

  it('makes startLocalOrg refuse an invalid configuration', async () => {
    const config = defaultOrgConfig();
    config.users = [];
    await expect(startLocalOrg(config)).rejects.toThrow(/users: /);
  });
});
