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

describe('caching the login', () => {
  it('reuses it within its lifetime and exchanges again once it is due', async () => {
    const idToken = await signInDemoUser(org);
    const recorder = recordingFetch();
    // The client's clock stays a little behind the org's, so moving it forward by a few seconds
    // never makes an assertion look issued in the future. With a margin of 295 s on a 300 s
    // login, the cached entry lives 5 s of client time.
    const clock = testClock(Date.now() - 10_000);
    const client = createClient({
      issuer: org.issuer,
      clientId: DEMO_AGENT,
      auth: demoAuth(),
      adapters: [serviceAccount()],
      fetch: recorder.fetch,
      clock: clock.now,
      cacheMarginSeconds: 295,
    });
    const exchanges = () => recorder.calls.filter((call) => call.form.has('subject_token'));

    const first = await client.exchange('service-account', {
      subjectToken: idToken,
      resource: demo.serviceAccountOrn,
    });
    const second = await client.exchange('service-account', {
      subjectToken: idToken,
      resource: demo.serviceAccountOrn,
    });
    expect(exchanges()).toHaveLength(1);
    expect(second).toBe(first);

    clock.advance(4);
    await client.exchange('service-account', {
      subjectToken: idToken,
      resource: demo.serviceAccountOrn,
    });
    expect(exchanges()).toHaveLength(1);

    clock.advance(2);
    const third = await client.exchange('service-account', {
      subjectToken: idToken,
      resource: demo.serviceAccountOrn,
    });
    expect(exchanges()).toHaveLength(2);
    expect(third).not.toBe(first);
    expect(third.password).toBe(demo.serviceAccount.password);
  });

  it('keeps users apart and forgets a user on evict', async () => {
    const idToken = await signInDemoUser(org);
    const recorder = recordingFetch();
    const client = createClient({
      issuer: org.issuer,
      clientId: DEMO_AGENT,
      auth: demoAuth(),
      adapters: [serviceAccount()],
      fetch: recorder.fetch,
    });
    const exchanges = () => recorder.calls.filter((call) => call.form.has('subject_token'));
    await client.exchange('service-account', {
      subjectToken: idToken,
      resource: demo.serviceAccountOrn,
    });
    await client.evict({ subjectToken: idToken });
    await client.exchange('service-account', {
      subjectToken: idToken,
      resource: demo.serviceAccountOrn,
    });
    expect(exchanges()).toHaveLength(2);
  });
});
