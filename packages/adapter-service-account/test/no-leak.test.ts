import { demo } from '@onbehalf/local-org';
import { expectNothingEscapes, printCredential, useLocalOrg } from '@onbehalf/test-support';
import { describe, expect, it } from 'vitest';
import { serviceAccountCase } from './support/service-account-case.js';

const org = useLocalOrg();

describe('nothing secret escapes', () => {
  it('keeps the password, the ID token and the assertions out of logs, events, errors and printouts', async () => {
    const credential = await expectNothingEscapes(
      org(),
      serviceAccountCase,
      demo.serviceAccount.password,
    );
    expect(printCredential(credential)).toContain(demo.serviceAccount.username);
    expect(credential.password).toBe(demo.serviceAccount.password);
  });
});
