import { createClient } from '@onbehalf/core';
import { startLocalOrg } from '@onbehalf/local-org';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crossAppAccess } from '../src/index.js';
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
  it('keeps the ID token, assertions, ID-JAG and access token out of logs, events, errors and printouts', async () => {
    const idToken = await signInDemoUser(org);
    const recorder = recordingFetch();
    const observed = capture();
    const client = createClient({
      issuer: org.issuer,
      clientId: DEMO_AGENT,
      auth: demoAuth(),
      adapters: [crossAppAccess()],
      fetch: recorder.fetch,
      logger: observed.logger,
      onEvent: observed.onEvent,
    });
    const audience = org.customServer('default').issuer;

    const credential = await client.exchange('xaa', {
      subjectToken: idToken,
      audience,
      scope: 'todo.read',
    });
    await client.exchange('xaa', { subjectToken: idToken, audience, scope: 'todo.read' });
    const failure = await client
      .exchange('xaa', { subjectToken: idToken, audience, scope: 'todo.admin' })
      .catch((caught: unknown) => caught);
    expect(failure).toMatchObject({ code: 'policy_refused' });

    const idJags = recorder.calls.flatMap((call) => call.form.getAll('assertion'));
    const assertions = recorder.calls.flatMap((call) => call.form.getAll('client_assertion'));
    const secrets = [idToken, credential.accessToken, ...idJags, ...assertions];
    expect(idJags).toHaveLength(1);
    expect(assertions.length).toBeGreaterThanOrEqual(3);
    expect(observed.events.map((event) => event.type)).toEqual([
      'exchange.started',
      'exchange.succeeded',
      'cache.hit',
      'exchange.started',
      'exchange.failed',
    ]);

    const printed = [
      JSON.stringify(observed.lines),
      JSON.stringify(observed.events),
      printError(failure),
      printCredential(credential),
    ].join('\n');
    for (const secret of secrets) expect(printed).not.toContain(secret);
    expect(printed).toContain('[redacted]');
    expect(credential.accessToken.split('.')).toHaveLength(3);
  });
});
