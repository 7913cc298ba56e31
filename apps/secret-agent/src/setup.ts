import { demo, type LocalOrg } from '@onbehalf/local-org';
import {
  agentEnvSchema,
  agentIdentity,
  type PathSetup,
  setting,
  urlVar,
} from '@onbehalf/sample-kit';
import { z } from 'zod';
import { createSecretAgent } from './agent.js';
import { startInventoryApi } from './inventory-api.js';

/** The variables of the vaulted-secret sample (see the README for each). */
export const secretEnvSchema = agentEnvSchema.extend({
  SECRET_RESOURCE: z.string().min(1).optional(),
  SECRET_FIELD: z.string().min(1).optional(),
  INVENTORY_API_URL: urlVar.optional(),
  INVENTORY_API_KEY: z.string().min(1).optional(),
});

/** The parsed variables of the vaulted-secret sample. */
export type SecretEnv = z.output<typeof secretEnvSchema>;

/**
 * Wires the vaulted-secret agent: the secret to ask for (the local org's demo secret unless
 * `SECRET_RESOURCE` says otherwise) and the inventory API to call (`INVENTORY_API_URL`, or the
 * bundled one started on a free port, expecting `INVENTORY_API_KEY` or the demo key).
 */
export async function setUpSecretPath(
  env: SecretEnv,
  org: LocalOrg | undefined,
): Promise<PathSetup> {
  const resource = setting(env.SECRET_RESOURCE, org && demo.secretOrn, 'SECRET_RESOURCE');
  const api = env.INVENTORY_API_URL
    ? undefined
    : await startInventoryApi({
        apiKey: setting(env.INVENTORY_API_KEY, org && demo.secretValue.apiKey, 'INVENTORY_API_KEY'),
      });

  const agent = createSecretAgent({
    ...agentIdentity(env, org),
    resource,
    field: env.SECRET_FIELD,
    inventoryApiUrl: env.INVENTORY_API_URL ?? api?.url ?? '',
  });
  return { agent, stop: async () => api?.stop() };
}
