import { demo } from '@onbehalf/local-org';
import { resourceAdapterCase } from '@onbehalf/test-support';
import { serviceAccount } from '../../src/index.js';

/** The service-account adapter, as the shared resource-adapter scenarios run it. */
export const serviceAccountCase = resourceAdapterCase({
  adapter: () => serviceAccount(),
  resource: demo.serviceAccountOrn,
  exchange: (client, subjectToken, resource) =>
    client.exchange('service-account', { subjectToken, resource }),
});
