import { demo } from '@onbehalf/local-org';
import {
  expectCachedPerUser,
  expectCachedUntilDue,
  useLocalOrg,
  withSecondUser,
} from '@onbehalf/test-support';
import { describe, expect, it } from 'vitest';
import { serviceAccountCase } from './support/service-account-case.js';

const org = useLocalOrg(withSecondUser());

describe('caching the login', () => {
  it('reuses it within its lifetime and exchanges again once it is due', async () => {
    const renewed = await expectCachedUntilDue(org(), serviceAccountCase);
    expect(renewed.password).toBe(demo.serviceAccount.password);
  });

  it('keeps users apart and forgets only the evicted one', async () => {
    await expectCachedPerUser(org(), serviceAccountCase);
  });
});
