import { demo } from '@onbehalf/local-org';
import type { Hop, PathResult, TraceField, TraceValue } from '@onbehalf/sample-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { type DemoReport, runDemo } from '../src/run-demo.js';

let report: DemoReport;
beforeAll(async () => {
  report = await runDemo();
}, 60_000);

function result(path: string): PathResult {
  const found = report.results.find((entry) => entry.path === path);
  if (!found) throw new Error(`no result for ${path}`);
  return found;
}

function field(fields: readonly TraceField[], name: string): TraceValue | undefined {
  return fields.find((entry) => entry.name === name)?.value;
}

function tokenHops(hops: readonly Hop[]): Hop[] {
  return hops.filter((hop) => hop.method === 'POST' && hop.url.endsWith('/token'));
}

describe('pnpm demo', () => {
  it('signs the demo user in through the org and hands on an ID token for demo-web', () => {
    expect(report.idToken).toMatchObject({
      kind: 'jwt',
      claims: { sub: demo.user.id, aud: demo.webApp.clientId, iss: report.issuer },
    });
  });

  it('runs all three paths, in order, and each one works', () => {
    expect(report.results.map((entry) => [entry.path, entry.ok])).toEqual([
      ['xaa', true],
      ['secret', true],
      ['service-account', true],
    ]);
  });

  it('Cross App Access: ID-JAG from the org, access token from the custom server, todos', () => {
    const xaa = result('xaa');
    const [hop1, hop2] = tokenHops(xaa.hops);
    const customIssuer = `${report.issuer}/oauth2/default`;

    expect(hop1).toMatchObject({ to: 'Org authorization server', status: 200 });
    expect(field(hop1?.request ?? [], 'audience')).toEqual({ kind: 'text', text: customIssuer });
    expect(field(hop1?.response ?? [], 'access_token')).toMatchObject({
      kind: 'jwt',
      header: { typ: 'oauth-id-jag+jwt' },
      claims: {
        iss: report.issuer,
        sub: demo.user.id,
        aud: customIssuer,
        client_id: demo.agentClientId,
        scope: 'todo.read todo.write',
      },
    });

    expect(hop2).toMatchObject({ to: 'Custom authorization server', status: 200 });
    expect(field(hop2?.request ?? [], 'grant_type')).toEqual({
      kind: 'text',
      text: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
    });
    expect(field(hop2?.request ?? [], 'scope')).toBeUndefined();
    expect(field(hop2?.response ?? [], 'access_token')).toMatchObject({
      kind: 'jwt',
      header: { typ: 'at+jwt' },
      claims: { aud: demo.audience, iss: customIssuer, sub: demo.user.id },
    });

    expect(field(xaa.credential ?? [], 'scopes granted')).toEqual({
      kind: 'text',
      text: 'todo.read todo.write',
    });
    expect(xaa.answer).toMatchObject({
      user: demo.user.id,
      todos: [{ title: 'Book a room for the quarterly review', done: false }],
    });
  });

  it('Vaulted secret: the API key is used, never shown', () => {
    const secret = result('secret');
    const [exchange] = tokenHops(secret.hops);
    expect(field(exchange?.request ?? [], 'resource')).toEqual({
      kind: 'text',
      text: demo.secretOrn,
    });
    expect(field(exchange?.response ?? [], 'vaulted_secret.apiKey')).toEqual({ kind: 'masked' });
    expect(secret.answer).toMatchObject({
      items: expect.arrayContaining([expect.objectContaining({ sku: 'LAP-14' })]),
    });
  });

  it('Service account: the login is used, the password never shown', () => {
    const account = result('service-account');
    const [exchange] = tokenHops(account.hops);
    expect(field(exchange?.response ?? [], 'service_account.username')).toEqual({
      kind: 'text',
      text: demo.serviceAccount.username,
    });
    expect(field(exchange?.response ?? [], 'service_account.password')).toEqual({ kind: 'masked' });
    const call = account.hops.at(-1);
    expect(call).toMatchObject({ to: 'Reports API', status: 200 });
    expect(field(call?.request ?? [], 'Authorization: Basic password')).toEqual({ kind: 'masked' });
    expect(account.answer).toMatchObject({ account: demo.serviceAccount.username });
  });

  it('carries no secret and no raw token anywhere in the report', () => {
    const text = JSON.stringify(report);
    expect(text).not.toContain(demo.secretValue.apiKey);
    expect(text).not.toContain(demo.serviceAccount.password);
    expect(text).not.toContain(demo.agentPrivateJwk.d);
    expect(text).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/);
  });
});
