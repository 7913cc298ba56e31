import { demo } from '@onbehalf/local-org';
import {
  expectCachedPerUser,
  expectCachedUntilDue,
  useLocalOrg,
  withSecondUser,
} from '@onbehalf/test-support';
import { describe, expect, it } from 'vitest';
import { secretCase } from './support/secret-case.js';

const org = useLocalOrg(withSecondUser());

describe('caching the secret', () => {
  it('reuses it within its lifetime and exchanges again once it is due', async () => {
    const renewed = await expectCachedUntilDue(org(), secretCase);
    expect(renewed.secret).toEqual(demo.secretValue);
  });

  it('keeps users apart and forgets only the evicted one', async () => {
    await expectCachedPerUser(org(), secretCase);
  });
});
