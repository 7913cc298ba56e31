import { ExchangeError } from '@onbehalf/core';
import { demoAuth, demoClient, type HttpDouble } from '@onbehalf/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crossAppAccess } from '../src/index.js';
import { startOrgDouble } from './support/doubles.js';

// Bad input is refused before anything is sent: the org double must see no request.

let org: HttpDouble;

beforeAll(async () => {
  org = await startOrgDouble(async () => ({ status: 500, body: { error: 'server_error' } }));
});

afterAll(async () => {
  await org.close();
});

function client() {
  return demoClient(org.origin, [crossAppAccess()]);
}

async function refusedInput(input: Record<string, unknown>, field: string) {
  const error = await client()
    // @ts-expect-error: deliberately wrong input
    .exchange('xaa', { subjectToken: 'opaque-subject-token', ...input })
    .catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ExchangeError);
  expect(error).toMatchObject({ code: 'configuration', step: 'build' });
  expect((error as Error).message).toContain(`"${field}"`);
  expect(org.requests).toHaveLength(0);
}

describe('input checks', () => {
  it('requires an audience', async () => {
    await refusedInput({ scope: 'todo.read' }, 'audience');
  });

  it('requires the audience to be an http(s) URL', async () => {
    await refusedInput({ audience: 'api://todo' }, 'audience');
    await refusedInput({ audience: 'not a url' }, 'audience');
  });

  it('refuses a scope that is not an RFC 6749 scope token', async () => {
    await refusedInput({ audience: 'https://as.example', scope: 'todo."read"' }, 'scope.0');
    await refusedInput({ audience: 'https://as.example', scope: ['todo.read', 'tödo'] }, 'scope.1');
  });

  it('refuses a scope that is neither a string nor an array of strings', async () => {
    await refusedInput({ audience: 'https://as.example', scope: 42 }, 'scope');
  });

  it('refuses an empty resource', async () => {
    await refusedInput({ audience: 'https://as.example', resource: '' }, 'resource');
  });

  it('refuses a client without a client authentication', async () => {
    await refusedInput(
      { audience: 'https://as.example', client: { clientId: 'x', auth: { method: 'none' } } },
      'client.auth',
    );
  });

  it('refuses a client without a client id', async () => {
    await refusedInput(
      { audience: 'https://as.example', client: { clientId: '', auth: demoAuth() } },
      'client.clientId',
    );
  });

  it('refuses a negative clock tolerance when the adapter is made', () => {
    expect(() => crossAppAccess({ clockToleranceSeconds: -1 })).toThrow(/clockToleranceSeconds/);
  });
});
