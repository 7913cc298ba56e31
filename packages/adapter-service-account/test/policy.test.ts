import { createClient, PolicyRefusalError, SubjectTokenRejectedError } from '@onbehalf/core';
import { defaultOrgConfig, demo, startLocalOrg } from '@onbehalf/local-org';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { serviceAccount } from '../src/index.js';
import { DEMO_AGENT, demoAuth } from './support/demo-client.js';
import { type LocalOrg, signInDemoUser } from './support/local-org.js';

// The default org plus a service account the demo agent has no connection to.
const UNCONNECTED =
  'orn:okta:pam:local:apps:todo:0oa-todo:service_accounts:5b0f7f43-2f57-4d7e-9a51-0c7d4b1e9e21';

let org: LocalOrg;

beforeAll(async () => {
  const config = defaultOrgConfig();
  org = await startLocalOrg({
    ...config,
    vault: {
      secrets: config.vault?.secrets ?? [],
      serviceAccounts: [
        ...(config.vault?.serviceAccounts ?? []),
        { id: UNCONNECTED, username: 'svc-other', password: 'other-password' },
      ],
    },
  });
});

afterAll(async () => {
  await org?.stop();
});

function client() {
  return createClient({
    issuer: org.issuer,
    clientId: DEMO_AGENT,
    auth: demoAuth(),
    adapters: [serviceAccount()],
  });
}

describe('policy refusals', () => {
  it('refuses a service account the agent has no connection to, with invalid_target', async () => {
    const error = await client()
      .exchange('service-account', {
        subjectToken: await signInDemoUser(org),
        resource: UNCONNECTED,
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PolicyRefusalError);
    expect(error).toMatchObject({ code: 'policy_refused', error: 'invalid_target', status: 400 });
  });

  it('refuses a resource that names nothing in the vault, with invalid_target', async () => {
    const error = await client()
      .exchange('service-account', {
        subjectToken: await signInDemoUser(org),
        resource:
          'orn:okta:pam:local:apps:todo:0oa-todo:service_accounts:00000000-0000-4000-8000-000000000000',
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PolicyRefusalError);
    expect(error).toMatchObject({ error: 'invalid_target' });
  });
});

describe('an expired ID token', () => {
  it('surfaces as a rejected subject token: the user must sign in again', async () => {
    const idToken = await signInDemoUser(org);
    // Two hours pass for the whole process, the org included (ID tokens live one hour). The
    // client is made afterwards, so its default clock is the moved one.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 2 * 3_600_000 });
    try {
      const error = await client()
        .exchange('service-account', { subjectToken: idToken, resource: demo.serviceAccountOrn })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SubjectTokenRejectedError);
      expect(error).toMatchObject({ code: 'subject_token_rejected', error: 'invalid_grant' });
      expect(org.audit.at(-1)?.reason).toMatch(/expired/i);
    } finally {
      vi.useRealTimers();
    }
  });
});
