import { demo, type LocalOrg, startLocalOrg } from '@onbehalf/local-org';
import { type PathSetup, signInDemoUser } from '@onbehalf/sample-kit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type SecretEnv, setUpSecretPath } from '../src/setup.js';

let org: LocalOrg;
let idToken: string;
const started: PathSetup[] = [];

beforeAll(async () => {
  org = await startLocalOrg();
  idToken = await signInDemoUser(org.issuer);
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((path) => path.stop()));
});
afterAll(() => org.stop());

async function run(env: SecretEnv = {}) {
  const setup = await setUpSecretPath(env, org);
  started.push(setup);
  return setup.agent.run(idToken);
}

describe('vaulted-secret agent against a local org', () => {
  it('fetches the API key from the vault and reads the inventory with it', async () => {
    const result = await run();
    expect(result.ok).toBe(true);
    expect(result.answer).toMatchObject({ items: expect.arrayContaining([expect.anything()]) });
    expect(result.credential).toContainEqual({ name: 'secret.apiKey', value: { kind: 'masked' } });
    expect(JSON.stringify(result)).not.toContain(demo.secretValue.apiKey);
  });

  it('reports a secret the agent has no connection to as invalid_target', async () => {
    const result = await run({
      SECRET_RESOURCE: 'orn:okta:pam:local:secrets:00000000-0000-4000-8000-000000000000',
    });
    expect(result.failure).toMatchObject({
      kind: 'exchange',
      code: 'policy_refused',
      serverError: 'invalid_target',
    });
  });

  it('reports the inventory API refusing a key it does not expect', async () => {
    const result = await run({ INVENTORY_API_KEY: 'another-key' });
    expect(result.failure).toMatchObject({
      kind: 'resource',
      code: '401',
      serverError: 'invalid_api_key',
    });
  });

  it('says which setting to fix when the vault entry lacks the field', async () => {
    const result = await run({ SECRET_FIELD: 'token' });
    expect(result.failure).toMatchObject({ kind: 'unexpected', code: 'TypeError' });
  });
});
