import {
  defaultOrgConfig,
  demo,
  type LocalOrg,
  type OrgConfigInput,
  startLocalOrg,
} from '@onbehalf/local-org';
import { type PathSetup, readEnv, setting, urlVar } from '@onbehalf/sample-kit';
import { secretEnvSchema, setUpSecretPath } from '@onbehalf/secret-agent';
import { serviceAccountEnvSchema, setUpServiceAccountPath } from '@onbehalf/service-account-agent';
import { setUpXaaPath, xaaEnvSchema } from '@onbehalf/xaa-agent';
import { z } from 'zod';
import { createWebApp } from './app.js';
import { startWebServer } from './server.js';

/** The variables of the web app itself; the agents' variables are read as well. */
export const webEnvSchema = xaaEnvSchema
  .extend(secretEnvSchema.shape)
  .extend(serviceAccountEnvSchema.shape)
  .extend({
    WEB_HOST: z.string().min(1).optional(),
    WEB_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
    WEB_PUBLIC_URL: urlVar.optional(),
    WEB_CLIENT_ID: z.string().min(1).optional(),
    WEB_CLIENT_SECRET: z.string().min(1).optional(),
    SESSION_KEY: z
      .string()
      .regex(/^[A-Za-z0-9_-]{43}$/, 'must be 32 bytes, base64url (43 characters)')
      .optional(),
  });

/** The parsed variables of the web app and its agents. */
export type WebEnv = z.output<typeof webEnvSchema>;

/** A running web app, its agents, and (without `ONBEHALF_ISSUER`) the local org behind it. */
export interface WebStack {
  /** The URL to open. */
  readonly url: string;
  /** The local org, when one was started. */
  readonly org: LocalOrg | undefined;
  stop(): Promise<void>;
}

/** Options of `startWebStack` beyond the environment. */
export interface WebStackOptions {
  /**
   * Changes the local org's configuration before it starts (more users, other connections);
   * unused with `ONBEHALF_ISSUER`.
   */
  readonly configureOrg?: ((config: OrgConfigInput) => void) | undefined;
}

/**
 * Starts the web app with its three agents and their resource APIs. Without
 * `ONBEHALF_ISSUER`, it first listens (so its callback URL is known), then starts a local org
 * with the default configuration whose `demo-web` app has exactly that callback registered.
 */
export async function startWebStack(
  variables: Readonly<Record<string, string | undefined>> = {},
  options: WebStackOptions = {},
): Promise<WebStack> {
  const env = readEnv(webEnvSchema, variables);
  const server = await startWebServer({ host: env.WEB_HOST, port: env.WEB_PORT ?? 0 });
  const publicUrl = env.WEB_PUBLIC_URL ?? server.url;
  const redirectUri = `${publicUrl}/callback`;

  let org: LocalOrg | undefined;
  const paths: PathSetup[] = [];
  const stop = async () => {
    await server.stop();
    await Promise.all(paths.map((path) => path.stop()));
    await org?.stop();
  };

  try {
    if (!env.ONBEHALF_ISSUER) {
      const config = localConfig(redirectUri, publicUrl);
      options.configureOrg?.(config);
      org = await startLocalOrg(config);
    }
    // The web app's own registration first: with a real org, a missing one is named at start.
    const oidc = {
      issuer: setting(env.ONBEHALF_ISSUER, org?.issuer, 'ONBEHALF_ISSUER'),
      clientId: setting(env.WEB_CLIENT_ID, org && demo.webApp.clientId, 'WEB_CLIENT_ID'),
      clientSecret: setting(
        env.WEB_CLIENT_SECRET,
        org && demo.webApp.clientSecret,
        'WEB_CLIENT_SECRET',
      ),
      redirectUri,
    };
    paths.push(
      await setUpXaaPath(env, org),
      await setUpSecretPath(env, org),
      await setUpServiceAccountPath(env, org),
    );

    server.mount(
      createWebApp({
        oidc,
        agents: paths.map((path) => path.agent),
        sessionKey: env.SESSION_KEY,
      }),
    );
  } catch (error) {
    await stop();
    throw error;
  }

  return { url: publicUrl, org, stop };
}

/** The default org, with the web app's real callback and sign-out URLs registered. */
function localConfig(redirectUri: string, publicUrl: string) {
  const config = defaultOrgConfig();
  for (const app of config.webApps ?? []) {
    if (app.clientId !== demo.webApp.clientId) continue;
    app.redirectUris = [redirectUri];
    app.postLogoutRedirectUris = [`${publicUrl}/`];
  }
  return config;
}
