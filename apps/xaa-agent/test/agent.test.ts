import { type LocalOrg, startLocalOrg } from '@onbehalf/local-org';
import { type PathResult, type PathSetup, signInDemoUser } from '@onbehalf/sample-kit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setUpXaaPath, type XaaEnv } from '../src/setup.js';

let org: LocalOrg;
let idToken: string;
const started: PathSetup[] = [];

beforeAll(async () => {
  org = await startLocalOrg();
  idToken = await signInDemoUser(org.issuer);
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((path) => path.stop()));
});
afterAll(() => org.stop());

async function path(env: XaaEnv = {}): Promise<PathSetup> {
  const setup = await setUpXaaPath(env, org);
  started.push(setup);
  return setup;
}

const tokenRequests = (result: PathResult) =>
  result.hops.filter((hop) => hop.url.endsWith('/token')).map((hop) => hop.to);

describe('Cross App Access agent against a local org', () => {
  it('gets an access token in two hops and lists the todo it added', async () => {
    const { agent } = await path();
    const result = await agent.run(idToken);

    expect(result.ok).toBe(true);
    expect(tokenRequests(result)).toEqual([
      'Org authorization server',
      'Custom authorization server',
    ]);
    expect(result.answer).toMatchObject({
      todos: [{ title: 'Book a room for the quarterly review' }],
    });
  });

  it('reuses the cached access token, and asks again after evict', async () => {
    const { agent } = await path();
    expect((await agent.run(idToken)).fromCache).toBe(false);

    const cached = await agent.run(idToken);
    expect(cached.ok).toBe(true);
    expect(cached.fromCache).toBe(true);
    expect(tokenRequests(cached)).toEqual([]);
    expect((cached.answer as { todos: unknown[] }).todos).toHaveLength(2);

    await agent.evict(idToken);
    const fresh = await agent.run(idToken);
    expect(fresh.fromCache).toBe(false);
    expect(tokenRequests(fresh)).toEqual([
      'Org authorization server',
      'Custom authorization server',
    ]);
  });

  it('reports a scope outside the connection as a policy refusal, with advice', async () => {
    const { agent } = await path({ TODO_SCOPES: ['todo.admin'] });
    const result = await agent.run(idToken);

    expect(result.ok).toBe(false);
    expect(result.failure).toMatchObject({
      kind: 'exchange',
      code: 'policy_refused',
      serverError: 'invalid_scope',
    });
    expect(result.failure?.advice).toMatch(/administrator/);
    expect(result.hops.at(-1)).toMatchObject({ to: 'Org authorization server', status: 400 });
  });

  it('reports the todo API refusing a read-only token to add, naming the scope', async () => {
    const { agent } = await path({ TODO_SCOPES: ['todo.read'] });
    const result = await agent.run(idToken);

    expect(result.failure).toMatchObject({
      kind: 'resource',
      code: '403',
      serverError: 'insufficient_scope',
    });
    expect(result.failure?.advice).toContain('todo.write');
  });

  it('reports the todo API refusing a real token meant for another audience', async () => {
    const { agent } = await path({ TODO_API_AUDIENCE: 'api://payroll' });
    const result = await agent.run(idToken);

    expect(result.failure).toMatchObject({
      kind: 'resource',
      code: '401',
      serverError: 'invalid_token',
    });
  });

  it('reports a rejected ID token as "sign in again"', async () => {
    const { agent } = await path();
    const tampered = `${idToken.slice(0, -4)}AAAA`;
    const result = await agent.run(tampered);

    expect(result.failure).toMatchObject({ kind: 'exchange', code: 'subject_token_rejected' });
    expect(result.failure?.advice).toMatch(/sign in again/i);
  });
});
