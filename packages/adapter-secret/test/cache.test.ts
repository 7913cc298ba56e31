import { demo } from '@onbehalf/local-org';
import { expectCachedUntilDue, expectEvictForgets, useLocalOrg } from '@onbehalf/test-support';
import { describe, expect, it } from 'vitest';
import { secretCase } from './support/secret-case.js';

const org = useLocalOrg();

describe('caching the secret', () => {
  it('reuses it within its lifetime and exchanges again once it is due', async () => {
    const renewed = await expectCachedUntilDue(org(), secretCase);
    expect(renewed.secret).toEqual(demo.secretValue);
  });

  it('keeps users apart and forgets a user on evict', async () => {
    await expectEvictForgets(org(), secretCase);
  });
});
