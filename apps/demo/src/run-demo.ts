import { defaultOrgConfig, type OrgConfigInput, startLocalOrg } from '@onbehalf/local-org';
import {
  type PathResult,
  type PathSetup,
  signInDemoUser,
  type TraceValue,
  tokenValue,
} from '@onbehalf/sample-kit';
import { setUpSecretPath } from '@onbehalf/secret-agent';
import { setUpServiceAccountPath } from '@onbehalf/service-account-agent';
import { setUpXaaPath } from '@onbehalf/xaa-agent';

/** What one demo run did: the org it used, the signed-in user's ID token (decoded), each path. */
export interface DemoReport {
  readonly issuer: string;
  readonly idToken: TraceValue;
  readonly results: readonly PathResult[];
}

/** Options of `runDemo`. */
export interface DemoOptions {
  /**
   * Changes the local org's default configuration before it starts, e.g. to take a managed
   * connection away and watch a path be refused.
   */
  readonly configureOrg?: ((config: OrgConfigInput) => void) | undefined;
}

/**
 * The whole story, without a browser: starts a local org with its default configuration and
 * the three resource APIs on free ports, signs the demo user in through the org's real
 * authorization endpoint (Authorization Code + PKCE, the sign-in form posted over HTTP), hands
 * the ID token to the three agents in turn, and stops everything again.
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoReport> {
  const config = defaultOrgConfig();
  options.configureOrg?.(config);
  const org = await startLocalOrg(config);
  const paths: PathSetup[] = [];
  try {
    paths.push(
      await setUpXaaPath({}, org),
      await setUpSecretPath({}, org),
      await setUpServiceAccountPath({}, org),
    );
    const idToken = await signInDemoUser(org.issuer);

    const results: PathResult[] = [];
    for (const path of paths) results.push(await path.agent.run(idToken));
    return { issuer: org.issuer, idToken: tokenValue(idToken), results };
  } finally {
    await Promise.all(paths.map((path) => path.stop()));
    await org.stop();
  }
}
