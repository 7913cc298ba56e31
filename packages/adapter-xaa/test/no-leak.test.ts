import {
  capture,
  demoClient,
  printEverything,
  recordingFetch,
  signInDemoUser,
  useLocalOrg,
} from '@onbehalf/test-support';
import { describe, expect, it } from 'vitest';
import { crossAppAccess } from '../src/index.js';

const org = useLocalOrg();

describe('nothing secret escapes', () => {
  it('keeps the ID token, assertions, ID-JAG and access token out of logs, events, errors and printouts', async () => {
    const idToken = await signInDemoUser(org());
    const recorder = recordingFetch();
    const observed = capture();
    const client = demoClient(org().issuer, [crossAppAccess()], {
      fetch: recorder.fetch,
      logger: observed.logger,
      onEvent: observed.onEvent,
    });
    const audience = org().customServer('default').issuer;

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

    const printed = printEverything(observed, failure, credential);
    for (const secret of secrets) expect(printed).not.toContain(secret);
    expect(printed).toContain('[redacted]');
    expect(credential.accessToken.split('.')).toHaveLength(3);
  });
});
