import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AuditRecord,
  defaultOrgConfig,
  demo,
  hashPassword,
  signIn,
  startLocalOrg,
} from '../src/index.js';
import {
  ASSERTION_TYPE,
  clientAssertion,
  ID_TOKEN_TYPE,
  postForm,
  SECRET_TYPE,
  TOKEN_EXCHANGE,
} from './requests.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'local-org-life-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function jwksKids(url: string): Promise<string[]> {
  const body = (await (await fetch(url)).json()) as { keys: { kid: string }[] };
  return body.keys.map((k) => k.kid);
}

describe('starting and stopping', () => {
  it('exposes issuer, url() and customServer(), and stops', async () => {
    const org = await startLocalOrg();
    expect(org.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(org.url('/oauth2/v1/token')).toBe(`${org.issuer}/oauth2/v1/token`);
    expect(org.customServer('default')).toMatchObject({
      issuer: `${org.issuer}/oauth2/default`,
      tokenEndpoint: `${org.issuer}/oauth2/default/v1/token`,
      jwksUri: `${org.issuer}/oauth2/default/v1/keys`,
      audience: 'api://todo',
    });
    expect(() => org.customServer('nope')).toThrow(/nope/);
    await org.stop();
    await expect(fetch(org.url('/oauth2/v1/keys'))).rejects.toThrow();
  });

  it('keeps its signing keys across restarts with a data directory', async () => {
    const dataDir = join(dir, 'data');
    const first = await startLocalOrg(undefined, { dataDir });
    const orgKids = await jwksKids(first.url('/oauth2/v1/keys'));
    const serverKids = await jwksKids(first.customServer('default').jwksUri);
    await first.stop();
    expect((await stat(join(dataDir, 'keys.json'))).mode & 0o777).toBe(0o600);

    const second = await startLocalOrg(undefined, { dataDir });
    expect(await jwksKids(second.url('/oauth2/v1/keys'))).toEqual(orgKids);
    expect(await jwksKids(second.customServer('default').jwksUri)).toEqual(serverKids);
    await second.stop();

    const fresh = await startLocalOrg();
    expect(await jwksKids(fresh.url('/oauth2/v1/keys'))).not.toEqual(orgKids);
    await fresh.stop();
  });

  it('signs in a user stored with a scrypt hash, and a secret-authenticated agent exchanges', async () => {
    const config = defaultOrgConfig();
    const { password: _pw, ...user } = demo.user;
    config.users = [{ ...user, passwordHash: await hashPassword('hashed-pass-1') }];
    config.agents?.push({
      clientId: 'wlp-secret-agent',
      clientSecret: 'agent-secret-1',
      linkedApps: ['demo-web'],
      connections: [{ type: 'secret', secret: demo.secretOrn }],
    });
    const seen: AuditRecord[] = [];
    const org = await startLocalOrg(config, { onAudit: (r) => seen.push(r) });
    try {
      const tokens = await signIn(org.issuer, {
        username: demo.user.username,
        password: 'hashed-pass-1',
        clientId: demo.webApp.clientId,
        clientSecret: demo.webApp.clientSecret,
        redirectUri: demo.webApp.redirectUris[0] as string,
      });
      const res = await postForm(org.url('/oauth2/v1/token'), {
        grant_type: TOKEN_EXCHANGE,
        client_id: 'wlp-secret-agent',
        client_secret: 'agent-secret-1',
        subject_token: tokens.idToken,
        subject_token_type: ID_TOKEN_TYPE,
        requested_token_type: SECRET_TYPE,
        resource: demo.secretOrn,
      });
      expect(res.status).toBe(200);
      expect(res.body.vaulted_secret).toEqual({ ...demo.secretValue });
      expect(seen.map((r) => r.grant)).toEqual(['authorization_code', TOKEN_EXCHANGE]);
      expect(seen).toEqual([...org.audit]);
      const lines = seen.map((r) => JSON.stringify(r)).join('\n');
      for (const secret of [
        'hashed-pass-1',
        'agent-secret-1',
        demo.secretValue.apiKey,
        tokens.idToken,
      ]) {
        expect(lines).not.toContain(secret);
      }
    } finally {
      await org.stop();
    }
  });
});

describe('assignment policy', () => {
  it('denies a user not assigned to the agent with access_denied, at both hops', async () => {
    const config = defaultOrgConfig();
    config.users?.push({ id: '00u-other', username: 'other@example.com', password: 'other-pass' });
    const agent = config.agents?.[0];
    if (agent) agent.assignedUsers = ['00u-other'];
    const org = await startLocalOrg(config);
    try {
      const { idToken } = await signIn(org.issuer, {
        username: demo.user.username,
        password: demo.user.password,
        clientId: demo.webApp.clientId,
        clientSecret: demo.webApp.clientSecret,
        redirectUri: demo.webApp.redirectUris[0],
      });
      const tokenEndpoint = org.url('/oauth2/v1/token');
      const res = await postForm(tokenEndpoint, {
        grant_type: TOKEN_EXCHANGE,
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: await clientAssertion(tokenEndpoint),
        subject_token: idToken,
        subject_token_type: ID_TOKEN_TYPE,
        requested_token_type: SECRET_TYPE,
        resource: demo.secretOrn,
      });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error: 'access_denied',
        error_description: 'The request was denied by policy.',
      });
      expect(org.audit.at(-1)?.reason).toMatch(/not assigned/);
    } finally {
      await org.stop();
    }
  });
});

describe('command line', () => {
  it('starts the default org, prints how to use it, and stops cleanly on SIGTERM', async () => {
    const bin = fileURLToPath(new URL('../bin/onbehalf-local-org.js', import.meta.url));
    const child = spawn(process.execPath, [bin, '--port', '0', '--quiet'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        if (out.includes('Press Ctrl+C')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
    });
    const issuer = /issuer (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    expect(issuer).toBeDefined();
    expect(out).toContain(`${issuer}/oauth2/default`);
    expect(out).toContain(demo.user.username);
    expect(out).toContain(demo.user.password);
    expect(out).toContain(demo.agentClientId);
    const metadata = await fetch(`${issuer}/.well-known/openid-configuration`);
    expect(metadata.status).toBe(200);

    const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});
