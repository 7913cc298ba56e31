import { EnvError } from '@onbehalf/sample-kit';
import { describe, expect, it } from 'vitest';
import { startWebStack } from '../src/stack.js';

const REAL_ORG = 'https://acme.okta.com';

async function startFailure(variables: Record<string, string>): Promise<Error> {
  const error = await startWebStack(variables).then(
    async (stack) => {
      await stack.stop();
      return undefined;
    },
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(EnvError);
  return error as Error;
}

describe('web stack pointed at a real org', () => {
  it('names the missing client id of the web app instead of signing in as demo-web', async () => {
    const error = await startFailure({ ONBEHALF_ISSUER: REAL_ORG });
    expect(error.message).toMatch(/WEB_CLIENT_ID: required when ONBEHALF_ISSUER is set/);
  });

  it('names the missing client secret, without echoing the client id', async () => {
    const error = await startFailure({ ONBEHALF_ISSUER: REAL_ORG, WEB_CLIENT_ID: '0oa-web-7c1d' });
    expect(error.message).toMatch(/WEB_CLIENT_SECRET: required when ONBEHALF_ISSUER is set/);
    expect(error.message).not.toContain('0oa-web-7c1d');
  });
});
