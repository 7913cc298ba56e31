import { defaultOrgConfig } from '@onbehalf/local-org';
import {
  expectExpiredIdTokenRejected,
  expectInvalidTarget,
  useLocalOrg,
} from '@onbehalf/test-support';
import { describe, expect, it } from 'vitest';
import { secretCase } from './support/secret-case.js';

// The default org plus a secret the demo agent has no connection to.
const UNCONNECTED = 'orn:okta:pam:local:secrets:5b0f7f43-2f57-4d7e-9a51-0c7d4b1e9e21';

const config = defaultOrgConfig();
const org = useLocalOrg({
  ...config,
  vault: {
    secrets: [...(config.vault?.secrets ?? []), { id: UNCONNECTED, value: { token: 'x' } }],
    serviceAccounts: config.vault?.serviceAccounts ?? [],
  },
});

describe('policy refusals', () => {
  it('refuses a secret the agent has no connection to, with invalid_target', async () => {
    const error = await expectInvalidTarget(org(), secretCase, UNCONNECTED);
    expect(error).toMatchObject({ code: 'policy_refused', error: 'invalid_target', status: 400 });
  });

  it('refuses a resource that names nothing in the vault, with invalid_target', async () => {
    await expectInvalidTarget(
      org(),
      secretCase,
      'orn:okta:pam:local:secrets:00000000-0000-4000-8000-000000000000',
    );
  });
});

describe('an expired ID token', () => {
  it('surfaces as a rejected subject token: the user must sign in again', async () => {
    await expectExpiredIdTokenRejected(org(), secretCase);
  });
});
