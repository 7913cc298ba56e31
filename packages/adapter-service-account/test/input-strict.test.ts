import { demo } from '@onbehalf/local-org';
import { demoClient, recordingFetch, signInDemoUser, useLocalOrg } from '@onbehalf/test-support';
import { describe, expect, it } from 'vitest';
import { serviceAccount } from '../src/index.js';

const org = useLocalOrg();

describe('the input is strict', () => {
  it('refuses an unknown key such as "scope" by name, before any request', async () => {
    const recorder = recordingFetch();
    const client = demoClient(org().issuer, [serviceAccount()], { fetch: recorder.fetch });
    const subjectToken = await signInDemoUser(org());
    const input = { subjectToken, resource: demo.serviceAccountOrn, scope: 'x' };
    // Plain JavaScript callers get no compile error: the run-time check must catch it.
    const error = await client
      .exchange('service-account', input as { subjectToken: string; resource: string })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'configuration', step: 'build' });
    expect((error as Error).message).toBe(
      'Invalid input for adapter "service-account": unrecognized key "scope"',
    );
    expect(recorder.calls).toHaveLength(0);
  });

  it('still takes the subject token beside the resource', async () => {
    const client = demoClient(org().issuer, [serviceAccount()]);
    const subjectToken = await signInDemoUser(org());
    const credential = await client.exchange('service-account', {
      subjectToken,
      resource: demo.serviceAccountOrn,
    });
    expect(credential.username).toBe(demo.serviceAccount.username);
  });
});
