import {
  demoAuth,
  demoClient,
  recordingFetch,
  signInDemoUser,
  useLocalOrg,
} from '@onbehalf/test-support';
import { describe, expect, it } from 'vitest';
import { crossAppAccess } from '../src/index.js';

const org = useLocalOrg();

/** Runs `exchange('xaa', input)` as plain JavaScript would, and returns what it threw. */
async function refused(input: Record<string, unknown>) {
  const recorder = recordingFetch();
  const client = demoClient(org().issuer, [crossAppAccess()], { fetch: recorder.fetch });
  const subjectToken = await signInDemoUser(org());
  const exchange = client.exchange as (name: string, input: unknown) => Promise<unknown>;
  const error = await exchange('xaa', { subjectToken, ...input }).catch(
    (caught: unknown) => caught,
  );
  expect(error).toMatchObject({ code: 'configuration', step: 'build' });
  expect(recorder.calls).toHaveLength(0);
  return (error as Error).message;
}

describe('the input is strict', () => {
  it('refuses an unknown key, such as "scopes" for "scope", by name before any request', async () => {
    const audience = org().customServer('default').issuer;
    expect(await refused({ audience, scopes: ['todo.read'] })).toBe(
      'Invalid input for adapter "xaa": unrecognized key "scopes"',
    );
  });

  it('refuses an unknown key inside "client" without echoing its value', async () => {
    const audience = org().customServer('default').issuer;
    const client = { clientId: 'other-agent', auth: demoAuth(), clientSecret: 'hunter2-value' };
    const message = await refused({ audience, client });
    expect(message).toBe('Invalid input for adapter "xaa": unrecognized key "client.clientSecret"');
    expect(message).not.toContain('hunter2');
  });

  it('still takes the subject token beside the audience and scope', async () => {
    const client = demoClient(org().issuer, [crossAppAccess()]);
    const subjectToken = await signInDemoUser(org());
    const credential = await client.exchange('xaa', {
      subjectToken,
      audience: org().customServer('default').issuer,
      scope: 'todo.read',
    });
    expect(credential.scopes).toEqual(['todo.read']);
  });
});
