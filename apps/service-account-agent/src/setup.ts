import { demo, type LocalOrg } from '@onbehalf/local-org';
import {
  agentEnvSchema,
  agentIdentity,
  type PathSetup,
  setting,
  urlVar,
} from '@onbehalf/sample-kit';
import { z } from 'zod';
import { createServiceAccountAgent } from './agent.js';
import { startReportsApi } from './reports-api.js';

/** The variables of the service-account sample (see the README for each). */
export const serviceAccountEnvSchema = agentEnvSchema.extend({
  SERVICE_ACCOUNT_RESOURCE: z.string().min(1).optional(),
  REPORTS_API_URL: urlVar.optional(),
  REPORTS_API_USERNAME: z.string().min(1).optional(),
  REPORTS_API_PASSWORD: z.string().min(1).optional(),
});

/** The parsed variables of the service-account sample. */
export type ServiceAccountEnv = z.output<typeof serviceAccountEnvSchema>;

/**
 * Wires the service-account agent: the account to ask for (the local org's demo account unless
 * `SERVICE_ACCOUNT_RESOURCE` says otherwise) and the reports API to call (`REPORTS_API_URL`, or
 * the bundled one started on a free port, expecting `REPORTS_API_USERNAME` and
 * `REPORTS_API_PASSWORD`, or the demo account).
 */
export async function setUpServiceAccountPath(
  env: ServiceAccountEnv,
  org: LocalOrg | undefined,
): Promise<PathSetup> {
  const resource = setting(
    env.SERVICE_ACCOUNT_RESOURCE,
    org && demo.serviceAccountOrn,
    'SERVICE_ACCOUNT_RESOURCE',
  );
  const api = env.REPORTS_API_URL
    ? undefined
    : await startReportsApi({
        username: setting(
          env.REPORTS_API_USERNAME,
          org && demo.serviceAccount.username,
          'REPORTS_API_USERNAME',
        ),
        password: setting(
          env.REPORTS_API_PASSWORD,
          org && demo.serviceAccount.password,
          'REPORTS_API_PASSWORD',
        ),
      });

  const agent = createServiceAccountAgent({
    ...agentIdentity(env, org),
    resource,
    reportsApiUrl: env.REPORTS_API_URL ?? api?.url ?? '',
  });
  return { agent, stop: async () => api?.stop() };
}
