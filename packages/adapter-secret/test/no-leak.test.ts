import { demo } from '@onbehalf/local-org';
import { expectNothingEscapes, useLocalOrg } from '@onbehalf/test-support';
import { describe, expect, it } from 'vitest';
import { secretCase } from './support/secret-case.js';

const org = useLocalOrg();

describe('nothing secret escapes', () => {
  it('keeps the secret, the ID token and the assertions out of logs, events, errors and printouts', async () => {
    const credential = await expectNothingEscapes(org(), secretCase, demo.secretValue.apiKey);
    expect(credential.secret.apiKey).toBe(demo.secretValue.apiKey);
  });
});
