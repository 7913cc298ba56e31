import { demo, type LocalOrg, signIn, startLocalOrg } from '@onbehalf/local-org';
import type { JWK } from 'jose';
import type { z } from 'zod';
import { type AgentEnv, EnvError, readEnv } from './env.js';
import { formatResult } from './format-result.js';
import type { SampleAgent } from './path-result.js';

/** An agent wired to its resource, and how to stop what was started for it. */
export interface PathSetup {
  readonly agent: SampleAgent;
  stop(): Promise<void>;
}

/** Who the agent is at the org: from the environment, else the local org's demo agent. */
export interface AgentIdentity {
  readonly issuer: string;
  readonly clientId: string;
  readonly privateJwk: JWK;
}

/**
 * A setting from the environment, or its local-org default; without either (a real org and
 * the variable unset), a clear error naming the variable.
 */
export function setting<T>(value: T | undefined, localDefault: T | undefined, name: string): T {
  if (value !== undefined) return value;
  if (localDefault !== undefined) return localDefault;
  throw new EnvError(`Invalid configuration:\n  ${name}: required when ONBEHALF_ISSUER is set`);
}

/** The agent's issuer, client id and key: `ONBEHALF_*` variables, else the demo agent. */
export function agentIdentity(env: AgentEnv, org: LocalOrg | undefined): AgentIdentity {
  return {
    issuer: setting(env.ONBEHALF_ISSUER, org?.issuer, 'ONBEHALF_ISSUER'),
    clientId: setting(
      env.ONBEHALF_AGENT_CLIENT_ID,
      org && demo.agentClientId,
      'ONBEHALF_AGENT_CLIENT_ID',
    ),
    privateJwk: setting<JWK>(
      env.ONBEHALF_AGENT_PRIVATE_JWK,
      org && { ...demo.agentPrivateJwk },
      'ONBEHALF_AGENT_PRIVATE_JWK',
    ),
  };
}

/**
 * Signs the demo user in at a local org through its real authorization endpoint
 * (Authorization Code + PKCE, the sign-in form posted over HTTP) as the `demo-web` app, and
 * returns the ID token.
 */
export async function signInDemoUser(issuer: string, redirectUri?: string): Promise<string> {
  const tokens = await signIn(issuer, {
    username: demo.user.username,
    password: demo.user.password,
    clientId: demo.webApp.clientId,
    clientSecret: demo.webApp.clientSecret,
    redirectUri: redirectUri ?? demo.webApp.redirectUris[1] ?? '',
    scope: 'openid profile email',
  });
  return tokens.idToken;
}

/**
 * The `start` command of a sample agent: reads the environment through `schema`, starts a local
 * org when `ONBEHALF_ISSUER` is unset, sets the path up, gets the user's ID token
 * (`ONBEHALF_ID_TOKEN`, else the demo user signs in), runs the agent once and prints its trace.
 * Resolves to the exit code: 0 when the path worked, 1 when it failed, 2 for bad configuration.
 */
export async function runAgentOnce<S extends z.ZodType<AgentEnv>>(
  schema: S,
  setUp: (env: z.output<S>, org: LocalOrg | undefined) => Promise<PathSetup>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<number> {
  let parsed: z.output<S>;
  try {
    parsed = readEnv(schema, env);
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    console.error(error.message);
    return 2;
  }

  const org = parsed.ONBEHALF_ISSUER ? undefined : await startLocalOrg();
  try {
    const path = await setUp(parsed, org);
    try {
      const idToken =
        parsed.ONBEHALF_ID_TOKEN ??
        (org
          ? await signInDemoUser(org.issuer)
          : setting<string>(undefined, undefined, 'ONBEHALF_ID_TOKEN'));
      const result = await path.agent.run(idToken);
      console.log(formatResult(result));
      console.log(`\n${result.ok ? '✔' : '✘'} ${result.path}: ${result.summary}`);
      return result.ok ? 0 : 1;
    } finally {
      await path.stop();
    }
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    console.error(error.message);
    return 2;
  } finally {
    await org?.stop();
  }
}
