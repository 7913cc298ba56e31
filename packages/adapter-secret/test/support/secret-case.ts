import { demo } from '@onbehalf/local-org';
import { resourceAdapterCase } from '@onbehalf/test-support';
import { vaultedSecret } from '../../src/index.js';

/** The vaulted-secret adapter, as the shared resource-adapter scenarios run it. */
export const secretCase = resourceAdapterCase({
  adapter: () => vaultedSecret(),
  resource: demo.secretOrn,
  exchange: (client, subjectToken, resource) =>
    client.exchange('secret', { subjectToken, resource }),
});
