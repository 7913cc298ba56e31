import { createClient } from '@onbehalf/core';
import { demo, startLocalOrg } from '@onbehalf/local-org';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceAccount } from '../src/index.js';
import { capture, printCredential, printError } from './support/capture.js';
import { DEMO_AGENT, demoAuth } from './support/demo-client.js';
import { type LocalOrg, signInDemoUser } from './support/local-org.js';
import { recordingFetch } from './support/recording-fetch.js';

let org: LocalOrg;

beforeAll(async () => {
  org = await startLocalOrg();
});

afterAll(async () => {
  await org?.stop();
});

describe('nothing secret escapes', () => {
  it('keeps the password, the ID token and the assertions out of logs, events, errors and printouts', async () => {
    const idToken = await signInDemoUser(org);
    const recorder = recordingFetch();
    const observed = capture();
    const client = createClient({
      issuer: org.issuer,
      clientId: DEMO_AGENT,
      auth: demoAuth(),
      adapters: [serviceAccount()],
      fetch: recorder.fetch,
      logger: observed.logger,
      onEvent: observed.onEvent,
    });

    const credential = await client.exchange('service-account', {
      subjectToken: idToken,
      resource: demo.serviceAccountOrn,
    });
    await client.exchange('service-account', {
      subjectToken: idToken,
      resource: demo.serviceAccountOrn,
    });
    const failure = await client
      .exchange('service-account', {
        subjectToken: idToken,
        resource: `${demo.serviceAccountOrn}0`,
      })
      .catch((caught: unknown) => caught);
    expect(failure).toMatchObject({ code: 'policy_refused' });

    const assertions = recorder.calls.flatMap((call) => call.form.getAll('client_assertion'));
    const secrets = [idToken, demo.serviceAccount.password, ...assertions];
    expect(assertions).toHaveLength(2);
    expect(observed.events.map((event) => event.type)).toContain('cache.hit');
    expect(observed.events.map((event) => event.type)).toContain('exchange.failed');

    const printed = [
      JSON.stringify(observed.lines),
      JSON.stringify(observed.events),
      printError(failure),
      printCredential(credential),
    ].join('\n');
    for (const secret of secrets) expect(printed).not.toContain(secret);
    expect(printCredential(credential)).toContain('[redacted]');
    expect(printCredential(credential)).toContain(demo.serviceAccount.username);
    expect(credential.password).toBe(demo.serviceAccount.password);
  });
});
