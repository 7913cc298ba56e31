import {
  DEMO_AGENT,
  demoClient,
  type HttpDouble,
  isDiscovery,
  metadataFor,
  startHttpDouble,
} from '@onbehalf/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { crossAppAccess } from '../src/index.js';
import { forgeIdJag, forgeIdToken, idJagReply, startOrgDouble } from './support/doubles.js';

// Hop 2 finds the custom server's token endpoint in the metadata served at its issuer. An org
// double hands out a fresh, well-formed ID-JAG for every exchange; the custom-server double
// serves whatever metadata a test gives it.

const doubles: HttpDouble[] = [];

afterEach(async () => {
  await Promise.all(doubles.splice(0).map((double) => double.close()));
});

async function run(metadata: (origin: string) => { status?: number; body: unknown }) {
  const customServer = await startHttpDouble((request, origin) => {
    if (isDiscovery(request)) return metadata(origin);
    return { body: { token_type: 'Bearer', access_token: 'at-from-double', expires_in: 600 } };
  });
  doubles.push(customServer);
  const org = await startOrgDouble(async () =>
    idJagReply(
      await forgeIdJag({
        typ: 'oauth-id-jag+jwt',
        aud: customServer.origin,
        clientId: DEMO_AGENT,
        exp: Math.floor(Date.now() / 1000) + 300,
      }),
    ),
  );
  doubles.push(org);
  const client = demoClient(org.origin, [crossAppAccess()], { cache: false });
  const exchange = async () =>
    client.exchange('xaa', {
      subjectToken: await forgeIdToken(org.origin),
      audience: customServer.origin,
      scope: 'todo.read',
    });
  const requests = (method: string) =>
    customServer.requests.filter((request) => request.method === method);
  return { exchange, requests };
}

describe("the custom server's metadata", () => {
  it('is looked up once and reused by later exchanges, each with its own ID-JAG', async () => {
    const { exchange, requests } = await run((origin) => ({ body: metadataFor(origin) }));
    await exchange();
    await exchange();
    expect(requests('GET')).toHaveLength(1);
    const assertions = requests('POST').map((request) => request.form.get('assertion'));
    expect(assertions).toHaveLength(2);
    expect(assertions[1]).not.toBe(assertions[0]);
  });

  it('is refused when it names another issuer, and the ID-JAG is not sent', async () => {
    const { exchange, requests } = await run((origin) => ({
      body: { ...metadataFor(origin), issuer: `${origin}/` },
    }));
    const error = await exchange().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'configuration', step: 'resolve' });
    expect((error as Error).message).toMatch(/names the issuer ".*\/", not the configured/);
    expect(requests('POST')).toHaveLength(0);
  });

  it('is refused when the audience serves none, and the ID-JAG is not sent', async () => {
    const { exchange, requests } = await run(() => ({ status: 404, body: { error: 'nope' } }));
    const error = await exchange().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'configuration', step: 'resolve' });
    expect(requests('GET')).toHaveLength(2);
    expect(requests('POST')).toHaveLength(0);
  });
});
