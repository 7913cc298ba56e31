import { demo, signIn, type startLocalOrg } from '@onbehalf/local-org';

/** A running local org, as `startLocalOrg` returns it. */
export type LocalOrg = Awaited<ReturnType<typeof startLocalOrg>>;

/** Signs the demo user in to the demo web app through the real Authorization Code + PKCE flow. */
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
