import { demo } from '@onbehalf/local-org';
import {
  expectRefusedBeforeAnyRequest,
  expectResourceExchange,
  useLocalOrg,
} from '@onbehalf/test-support';
import { describe, expect, it } from 'vitest';
import { serviceAccountCase } from './support/service-account-case.js';

const org = useLocalOrg();

describe('a service account from the local org', () => {
  it("turns a signed-in user into the account's username and password", async () => {
    const credential = await expectResourceExchange(
      org(),
      serviceAccountCase,
      'urn:okta:params:oauth:token-type:service-account',
    );
    expect(credential.username).toBe(demo.serviceAccount.username);
    expect(credential.password).toBe(demo.serviceAccount.password);
  });

  it('refuses a missing or empty resource before any request', async () => {
    await expectRefusedBeforeAnyRequest(org(), serviceAccountCase, (client, subjectToken) => [
      () => client.exchange('service-account', { subjectToken, resource: '' }),
      // @ts-expect-error: `resource` is required
      () => client.exchange('service-account', { subjectToken }),
    ]);
  });
});
