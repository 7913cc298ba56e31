import {
  demo,
  type LocalOrg,
  type OrgConfigInput,
  signIn,
  startLocalOrg,
} from '@onbehalf/local-org';
import { afterAll, beforeAll } from 'vitest';

export type { LocalOrg };

/**
 * Starts a local org (the default one, or one from `config`) before the tests of the file that
 * calls it and stops it after them. Returns a getter for the running org.
 */
export function useLocalOrg(config?: OrgConfigInput): () => LocalOrg {
  let org: LocalOrg | undefined;
  beforeAll(async () => {
    org = await startLocalOrg(config);
  });
  afterAll(async () => {
    await org?.stop();
  });
  return () => {
    if (org === undefined) throw new Error('The local org runs only while the tests do');
    return org;
  };
}

/**
 * Signs the demo user in to the demo web app through the real Authorization Code + PKCE flow
 * (RFC 6749 section 4.1, RFC 7636) and returns the ID token.
 */
export async function signInDemoUser(org: LocalOrg): Promise<string> {
  const tokens = await signIn(org.issuer, {
    username: demo.user.username,
    password: demo.user.password,
    clientId: demo.webApp.clientId,
    clientSecret: demo.webApp.clientSecret,
    redirectUri: 'http://127.0.0.1:3000/callback',
  });
  return tokens.idToken;
}
