import { defaultOrgConfig } from '@onbehalf/local-org';
import {
  expectExpiredIdTokenRejected,
  expectInvalidTarget,
  useLocalOrg,
} from '@onbehalf/test-support';
import { describe, expect, it } from 'vitest';
import { serviceAccountCase } from './support/service-account-case.js';

// The default org plus a service account the demo agent has no connection to.
const UNCONNECTED =
  'orn:okta:pam:local:apps:todo:0oa-todo:service_accounts:5b0f7f43-2f57-4d7e-9a51-0c7d4b1e9e21';

const config = defaultOrgConfig();
const org = useLocalOrg({
  ...config,
  vault: {
    secrets: config.vault?.secrets ?? [],
    serviceAccounts: [
      ...(config.vault?.serviceAccounts ?? []),
      { id: UNCONNECTED, username: 'svc-other', password: 'other-password' },
    ],
  },
});

describe('policy refusals', () => {
  it('refuses a service account the agent has no connection to, with invalid_target', async () => {
    const error = await expectInvalidTarget(org(), serviceAccountCase, UNCONNECTED);
    expect(error).toMatchObject({ code: 'policy_refused', error: 'invalid_target', status: 400 });
  });

  it('refuses a resource that names nothing in the vault, with invalid_target', async () => {
    await expectInvalidTarget(
      org(),
      serviceAccountCase,
      'orn:okta:pam:local:apps:todo:0oa-todo:service_accounts:00000000-0000-4000-8000-000000000000',
    );
  });
});

describe('an expired ID token', () => {
  it('surfaces as a rejected subject token: the user must sign in again', async () => {
    await expectExpiredIdTokenRejected(org(), serviceAccountCase);
  });
});
