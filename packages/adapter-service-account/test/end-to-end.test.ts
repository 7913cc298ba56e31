import { createClient } from '@onbehalf/core';
import { demo, startLocalOrg } from '@onbehalf/local-org';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceAccount } from '../src/index.js';
import { DEMO_AGENT, demoAuth, testClock } from './support/demo-client.js';
import { type LocalOrg, signInDemoUser } from './support/local-org.js';
import { recordingFetch } from './support/recording-fetch.js';

let org: LocalOrg;

beforeAll(async () => {
  org = await startLocalOrg();
});

afterAll(async () => {
  await org?.stop();
});

describe('a service account from the local org', () => {
  it("turns a signed-in user into the account's username and password", async () => {
    const idToken = await signInDemoUser(org);
    const recorder = recordingFetch();
    const clock = testClock();
    const client = createClient({
      issuer: org.issuer,
      clientId: DEMO_AGENT,
      auth: demoAuth(),
      adapters: [serviceAccount()],
      fetch: recorder.fetch,
      clock: clock.now,
    });

    const credential = await client.exchange('service-account', {
      subjectToken: idToken,
      resource: demo.serviceAccountOrn,
    });

    expect(credential.username).toBe(demo.serviceAccount.username);
    expect(credential.password).toBe(demo.serviceAccount.password);
    expect(credential.expiresAt.getTime()).toBe(clock.now() + 300_000);

    const [request] = recorder.calls.filter((call) => call.form.has('grant_type'));
    expect(request?.url).toBe(org.url('/oauth2/v1/token'));
    expect(request?.form.get('requested_token_type')).toBe(
      'urn:okta:params:oauth:token-type:service-account',
    );
    expect(request?.form.getAll('resource')).toEqual([demo.serviceAccountOrn]);
    expect(request?.form.get('subject_token')).toBe(idToken);
    expect(request?.form.has('audience')).toBe(false);
    expect(request?.form.has('scope')).toBe(false);
  });

  it('refuses a missing or empty resource before any request', async () => {
    const recorder = recordingFetch();
    const client = createClient({
      issuer: org.issuer,
      clientId: DEMO_AGENT,
      auth: demoAuth(),
      adapters: [serviceAccount()],
      fetch: recorder.fetch,
    });
    const subjectToken = await signInDemoUser(org);
    const before = recorder.calls.length;
    await expect(
      client.exchange('service-account', { subjectToken, resource: '' }),
    ).rejects.toMatchObject({
      code: 'configuration',
    });
    await expect(
      // @ts-expect-error: `resource` is required
      client.exchange('service-account', { subjectToken }),
    ).rejects.toMatchObject({ code: 'configuration' });
    expect(recorder.calls.length).toBe(before);
  });
});
