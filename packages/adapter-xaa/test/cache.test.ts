import {
  demoClient,
  recordingFetch,
  signInDemoUser,
  testClock,
  useLocalOrg,
} from '@onbehalf/test-support';
import { describe, expect, it } from 'vitest';
import { crossAppAccess } from '../src/index.js';

const org = useLocalOrg();

describe('caching the access token', () => {
  it('reuses it within its lifetime and runs both hops again, with a fresh ID-JAG, after', async () => {
    const idToken = await signInDemoUser(org());
    const server = org().customServer('default');
    const recorder = recordingFetch();
    // The client's clock stays a little behind the org's, so moving it forward by a few seconds
    // never makes an assertion look issued in the future. With a margin of 3595 s on a 3600 s
    // access token, the cached entry lives 5 s of client time.
    const clock = testClock(Date.now() - 10_000);
    const client = demoClient(org().issuer, [crossAppAccess()], {
      fetch: recorder.fetch,
      clock: clock.now,
      cacheMarginSeconds: 3595,
    });
    const input = { subjectToken: idToken, audience: server.issuer, scope: 'todo.read' };
    const hop2Assertions = () =>
      recorder.calls
        .filter((call) => call.url === server.tokenEndpoint)
        .map((call) => call.form.get('assertion'));

    const first = await client.exchange('xaa', input);
    const callsAfterFirst = recorder.calls.length;
    expect(hop2Assertions()).toHaveLength(1);

    const second = await client.exchange('xaa', { ...input, scope: ['todo.read'] });
    expect(recorder.calls.length).toBe(callsAfterFirst);
    expect(second.accessToken).toBe(first.accessToken);

    clock.advance(6);
    const third = await client.exchange('xaa', input);
    expect(third.accessToken).not.toBe(first.accessToken);
    const assertions = hop2Assertions();
    expect(assertions).toHaveLength(2);
    expect(assertions[1]).not.toBe(assertions[0]);
    const hop1Calls = recorder.calls.filter((call) => call.url === org().url('/oauth2/v1/token'));
    expect(hop1Calls).toHaveLength(2);
  });

  it('keeps separate entries for different scopes', async () => {
    const idToken = await signInDemoUser(org());
    const recorder = recordingFetch();
    const client = demoClient(org().issuer, [crossAppAccess()], {
      fetch: recorder.fetch,
    });
    const audience = org().customServer('default').issuer;
    const read = await client.exchange('xaa', {
      subjectToken: idToken,
      audience,
      scope: 'todo.read',
    });
    const both = await client.exchange('xaa', {
      subjectToken: idToken,
      audience,
      scope: 'todo.read todo.write',
    });
    expect(both.accessToken).not.toBe(read.accessToken);
    expect(read.scopes).toEqual(['todo.read']);
    expect([...both.scopes].sort()).toEqual(['todo.read', 'todo.write']);
  });
});
