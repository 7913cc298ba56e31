import { PolicyRefusalError } from '@onbehalf/core';
import { demo } from '@onbehalf/local-org';
import {
  demoClient,
  recordingFetch,
  signInDemoUser,
  testClock,
  useLocalOrg,
} from '@onbehalf/test-support';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { crossAppAccess } from '../src/index.js';

const org = useLocalOrg();

describe('Cross App Access against the local org', () => {
  it('turns a signed-in user into an access token the custom server vouches for', async () => {
    const idToken = await signInDemoUser(org());
    const server = org().customServer('default');
    const recorder = recordingFetch();
    const clock = testClock();
    const client = demoClient(org().issuer, [crossAppAccess()], {
      fetch: recorder.fetch,
      clock: clock.now,
    });

    const credential = await client.exchange('xaa', {
      subjectToken: idToken,
      audience: server.issuer,
      scope: ['todo.read', 'todo.write'],
    });

    const { payload } = await jwtVerify(
      credential.accessToken,
      createRemoteJWKSet(new URL(server.jwksUri)),
      { issuer: server.issuer, audience: demo.audience, typ: 'at+jwt' },
    );
    expect(payload.sub).toBe(demo.user.id);
    expect(
      String(payload.scope ?? (payload.scp as string[]).join(' '))
        .split(' ')
        .sort(),
    ).toEqual(['todo.read', 'todo.write']);
    expect(credential.tokenType).toBe('Bearer');
    expect([...credential.scopes].sort()).toEqual(['todo.read', 'todo.write']);
    expect(credential.requestedScopes).toEqual(['todo.read', 'todo.write']);
    expect(credential.narrowed).toBe(false);
    // expires_in (3600 s from the client's now) or the token's own exp, whichever comes first.
    expect(credential.expiresAt.getTime()).toBe(
      Math.min(clock.now() + 3600 * 1000, (payload.exp ?? 0) * 1000),
    );

    const tokenCalls = recorder.calls.filter((call) => call.form.has('grant_type'));
    expect(tokenCalls.map((call) => call.url)).toEqual([
      org().url('/oauth2/v1/token'),
      server.tokenEndpoint,
    ]);
    const [hop1, hop2] = tokenCalls;
    expect(hop1?.form.get('requested_token_type')).toBe('urn:ietf:params:oauth:token-type:id-jag');
    expect(hop1?.form.getAll('audience')).toEqual([server.issuer]);
    expect(hop1?.form.get('scope')).toBe('todo.read todo.write');
    expect(hop2?.form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect(hop2?.form.has('scope')).toBe(false);
    const assertion = hop2?.form.get('assertion') ?? '';
    expect(decodeProtectedHeader(assertion).typ).toBe('oauth-id-jag+jwt');
  });

  it('passes a resource to the org unchanged, which holds it to the connection', async () => {
    const idToken = await signInDemoUser(org());
    const server = org().customServer('default');
    const recorder = recordingFetch();
    const client = demoClient(org().issuer, [crossAppAccess()], { fetch: recorder.fetch });
    const ask = (resource: string) =>
      client.exchange('xaa', {
        subjectToken: idToken,
        audience: server.issuer,
        resource,
        scope: 'todo.read',
      });

    await ask(demo.audience);
    const hop1 = recorder.calls.find((call) => call.url === org().url('/oauth2/v1/token'));
    expect(hop1?.form.getAll('resource')).toEqual([demo.audience]);
    const hop2 = recorder.calls.find((call) => call.url === server.tokenEndpoint);
    expect(hop2?.form.has('resource')).toBe(false);
    expect(decodeJwt(hop2?.form.get('assertion') ?? '').resource).toBe(demo.audience);

    const error = await ask('api://billing').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PolicyRefusalError);
    expect(error).toMatchObject({ error: 'invalid_target' });
    expect(recorder.calls.filter((call) => call.url === server.tokenEndpoint)).toHaveLength(1);
  });

  it('accepts the scopes as one space-separated string', async () => {
    const idToken = await signInDemoUser(org());
    const client = demoClient(org().issuer, [crossAppAccess()]);
    const credential = await client.exchange('xaa', {
      subjectToken: idToken,
      audience: org().customServer('default').issuer,
      scope: 'todo.read  todo.read',
    });
    expect(credential.scopes).toEqual(['todo.read']);
    expect(credential.requestedScopes).toEqual(['todo.read']);
    expect(credential.narrowed).toBe(false);
  });
});
