import { demo, type LocalOrg, startLocalOrg } from '@onbehalf/local-org';
import { type PathSetup, signInDemoUser } from '@onbehalf/sample-kit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ServiceAccountEnv, setUpServiceAccountPath } from '../src/setup.js';

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

async function run(env: ServiceAccountEnv = {}) {
  const setup = await setUpServiceAccountPath(env, org);
  started.push(setup);
  return setup.agent.run(idToken);
}

describe('service-account agent against a local org', () => {
  it('fetches the service account from the vault and logs in to the reports API', async () => {
    const result = await run();
    expect(result.ok).toBe(true);
    expect(result.answer).toMatchObject({ account: demo.serviceAccount.username });
    expect(JSON.stringify(result)).not.toContain(demo.serviceAccount.password);
  });

  it('reports an account the agent has no connection to as invalid_target', async () => {
    const result = await run({
      SERVICE_ACCOUNT_RESOURCE:
        'orn:okta:pam:local:apps:todo:0oa-todo:service_accounts:00000000-0000-4000-8000-000000000000',
    });
    expect(result.failure).toMatchObject({
      kind: 'exchange',
      code: 'policy_refused',
      serverError: 'invalid_target',
    });
  });

  it('reports the reports API refusing a login it does not expect', async () => {
    const result = await run({ REPORTS_API_PASSWORD: 'another-password' });
    expect(result.failure).toMatchObject({
      kind: 'resource',
      code: '401',
      serverError: 'invalid_credentials',
    });
  });
});
