import { demo } from '@onbehalf/local-org';
import {
  expectRefusedBeforeAnyRequest,
  expectResourceExchange,
  useLocalOrg,
} from '@onbehalf/test-support';
import { describe, expect, it } from 'vitest';
import { secretCase } from './support/secret-case.js';

const org = useLocalOrg();

describe('a vaulted secret from the local org', () => {
  it('turns a signed-in user into the key/value pairs of the vault entry', async () => {
    const credential = await expectResourceExchange(
      org(),
      secretCase,
      'urn:okta:params:oauth:token-type:vaulted-secret',
    );
    expect(credential.secret).toEqual(demo.secretValue);
    expect(credential.secret.apiKey).toBe(demo.secretValue.apiKey);
  });

  it('refuses a missing or empty resource before any request', async () => {
    await expectRefusedBeforeAnyRequest(org(), secretCase, (client, subjectToken) => [
      () => client.exchange('secret', { subjectToken, resource: '' }),
      // @ts-expect-error: `resource` is required
      () => client.exchange('secret', { subjectToken }),
    ]);
  });
});
