import { PolicyRefusalError, SubjectTokenRejectedError } from '@onbehalf/core';
import { defaultOrgConfig } from '@onbehalf/local-org';
import { demoClient, recordingFetch, signInDemoUser, useLocalOrg } from '@onbehalf/test-support';
import { describe, expect, it, vi } from 'vitest';
import { crossAppAccess } from '../src/index.js';

// The default org plus a custom server `billing` the demo agent has no connection to.

const config = defaultOrgConfig();
const org = useLocalOrg({
  ...config,
  customServers: [
    ...(config.customServers ?? []),
    { id: 'billing', audience: 'api://billing', scopes: ['billing.read'] },
  ],
});

async function refusal(input: { audience: string; scope?: string }) {
  const recorder = recordingFetch();
  const client = demoClient(org().issuer, [crossAppAccess()], {
    fetch: recorder.fetch,
  });
  const error = await client
    .exchange('xaa', { subjectToken: await signInDemoUser(org()), ...input })
    .then(
      () => undefined,
      (caught: unknown) => caught,
    );
  return { error, recorder };
}

describe('policy refusals', () => {
  it('refuses a custom server the agent has no connection to, with invalid_target', async () => {
    const { error, recorder } = await refusal({
      audience: org().customServer('billing').issuer,
      scope: 'billing.read',
    });
    expect(error).toBeInstanceOf(PolicyRefusalError);
    expect(error).toMatchObject({ code: 'policy_refused', error: 'invalid_target', status: 400 });
    const hop2 = recorder.calls.filter((call) => call.form.has('assertion'));
    expect(hop2).toHaveLength(0);
  });

  it('refuses an audience that is no custom server at all', async () => {
    const { error } = await refusal({
      audience: `${org().issuer}/oauth2/nowhere`,
      scope: 'x.read',
    });
    expect(error).toBeInstanceOf(PolicyRefusalError);
    expect(error).toMatchObject({ error: 'invalid_target' });
  });

  it('refuses a scope outside the connection, with invalid_scope', async () => {
    const { error } = await refusal({
      audience: org().customServer('default').issuer,
      scope: 'todo.read todo.admin',
    });
    expect(error).toBeInstanceOf(PolicyRefusalError);
    expect(error).toMatchObject({ code: 'policy_refused', error: 'invalid_scope' });
  });

  it('refuses system scopes, with invalid_scope', async () => {
    const { error } = await refusal({
      audience: org().customServer('default').issuer,
      scope: 'openid todo.read',
    });
    expect(error).toBeInstanceOf(PolicyRefusalError);
    expect(error).toMatchObject({ error: 'invalid_scope' });
  });
});

describe('an expired ID token', () => {
  it('surfaces as a rejected subject token and never reaches the custom server', async () => {
    const idToken = await signInDemoUser(org());
    // Two hours pass for the whole process, the org included (ID tokens live one hour). The
    // client is made afterwards, so its default clock is the moved one.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 2 * 3_600_000 });
    try {
      const recorder = recordingFetch();
      const client = demoClient(org().issuer, [crossAppAccess()], {
        fetch: recorder.fetch,
      });
      const error = await client
        .exchange('xaa', {
          subjectToken: idToken,
          audience: org().customServer('default').issuer,
          scope: 'todo.read',
        })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SubjectTokenRejectedError);
      expect(error).toMatchObject({ code: 'subject_token_rejected', error: 'invalid_grant' });
      expect(org().audit.at(-1)?.reason).toMatch(/expired/i);
      const server = org().customServer('default');
      expect(recorder.calls.filter((call) => call.url === server.tokenEndpoint)).toHaveLength(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
