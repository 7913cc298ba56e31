import {
  defaultOrgConfig,
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

/** A user besides the demo user, for the checks that two users never share a credential. */
export const SECOND_USER = Object.freeze({
  id: '00u-second',
  username: 'second@example.com',
  password: 'second-password',
});

/** `config` (by default the default org) with {@link SECOND_USER} added. */
export function withSecondUser(config: OrgConfigInput = defaultOrgConfig()): OrgConfigInput {
  return { ...config, users: [...config.users, { ...SECOND_USER }] };
}

/**
 * Signs `user` (by default the demo user) in to the demo web app through the real Authorization
 * Code + PKCE flow (RFC 6749 section 4.1, RFC 7636) and returns the ID token.
 */
export async function signInUser(
  org: LocalOrg,
  user: { readonly username: string; readonly password: string } = demo.user,
): Promise<string> {
  const tokens = await signIn(org.issuer, {
    username: user.username,
    password: user.password,
    clientId: demo.webApp.clientId,
    clientSecret: demo.webApp.clientSecret,
    redirectUri: 'http://127.0.0.1:3000/callback',
  });
  return tokens.idToken;
}

/** Signs the demo user in, as {@link signInUser} does, and returns the ID token. */
export function signInDemoUser(org: LocalOrg): Promise<string> {
  return signInUser(org);
}
