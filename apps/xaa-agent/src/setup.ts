import type { LocalOrg } from '@onbehalf/local-org';
import {
  agentEnvSchema,
  agentIdentity,
  listVar,
  type PathSetup,
  setting,
  urlVar,
} from '@onbehalf/sample-kit';
import { z } from 'zod';
import { createXaaAgent } from './agent.js';
import { startTodoApi } from './todo-api.js';

/** The variables of the Cross App Access sample (see the README for each). */
export const xaaEnvSchema = agentEnvSchema.extend({
  TODO_AUTH_SERVER: urlVar.optional(),
  TODO_SCOPES: listVar.optional(),
  TODO_API_URL: urlVar.optional(),
  TODO_API_AUDIENCE: z.string().min(1).optional(),
  TODO_JWKS_URI: urlVar.optional(),
});

/** The parsed variables of the Cross App Access sample. */
export type XaaEnv = z.output<typeof xaaEnvSchema>;

/**
 * Wires the Cross App Access agent: the custom authorization server to ask for (the local
 * org's `default` server unless `TODO_AUTH_SERVER` says otherwise), and the todo API to call
 * (`TODO_API_URL`, or the bundled one started on a free port, verifying tokens against the
 * custom server's key set).
 */
export async function setUpXaaPath(env: XaaEnv, org: LocalOrg | undefined): Promise<PathSetup> {
  const local = org?.customServer('default');
  const identity = agentIdentity(env, org);
  const authorizationServer = setting(env.TODO_AUTH_SERVER, local?.issuer, 'TODO_AUTH_SERVER');

  const api = env.TODO_API_URL
    ? undefined
    : await startTodoApi({
        issuer: authorizationServer,
        // Okta's custom servers publish their keys at {issuer}/v1/keys.
        jwksUri: env.TODO_JWKS_URI ?? local?.jwksUri ?? `${authorizationServer}/v1/keys`,
        audience: env.TODO_API_AUDIENCE ?? local?.audience,
      });

  const agent = createXaaAgent({
    ...identity,
    authorizationServer,
    scopes: env.TODO_SCOPES,
    todoApiUrl: env.TODO_API_URL ?? api?.url ?? '',
  });
  return { agent, stop: async () => api?.stop() };
}
