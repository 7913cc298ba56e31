import { describe, expect, it } from 'vitest';
import { createClient, defineAdapter, type ExchangeError, privateKeyJwt } from '../src/index.js';
import { CLIENT_ID } from './support/auth-server.js';
import { clientAt, closeServersAfterEach, setup, track } from './support/client.js';
import { makeIdToken, thingAdapter } from './support/fixtures.js';
import { sendJson, startServer } from './support/http-server.js';

closeServersAfterEach();

const input = async () => ({ subjectToken: await makeIdToken(), resource: 'orn:r' });

/** The test adapter, whose `finish` discovers `issuer` as a second hop would. */
function discoveringAdapter(issuer: string) {
  const thing = thingAdapter();
  return defineAdapter({
    ...thing,
    async finish(response, context) {
      await context.discover(issuer);
      return thing.finish(response, context);
    },
  });
}

describe('discovery', () => {
  it('reads /.well-known/openid-configuration and sends to its token endpoint', async () => {
    const { as, client } = await setup({ discovery: 'openid' });
    await client.exchange('thing', await input());
    expect(as.discoveryRequests().map((r) => r.path)).toEqual([
      '/.well-known/openid-configuration',
    ]);
    expect(as.tokenRequests()).toHaveLength(1);
  });

  it('falls back to /.well-known/oauth-authorization-server, appended to a custom server path', async () => {
    const { as, client } = await setup({ discovery: 'oauth', issuerPath: '/oauth2/default' });
    expect(as.issuer.endsWith('/oauth2/default')).toBe(true);
    await client.exchange('thing', await input());
    expect(as.discoveryRequests().map((r) => r.path)).toEqual([
      '/oauth2/default/.well-known/openid-configuration',
      '/oauth2/default/.well-known/oauth-authorization-server',
    ]);
    expect(as.tokenRequests()[0]?.path).toBe('/oauth2/default/oauth2/v1/token');
  });

  it('caches the metadata per issuer', async () => {
    const { as, client } = await setup();
    await Promise.all([
      client.exchange('thing', await input()),
      client.exchange('thing', await input()),
    ]);
    await client.exchange('thing', await input());
    expect(as.discoveryRequests()).toHaveLength(1);
    expect(as.tokenRequests()).toHaveLength(3);
  });

  it.each([
    ['a trailing slash', (issuer: string) => `${issuer}/`],
    ['another port', (issuer: string) => issuer.replace(/:(\d+)$/, (_m, p) => `:${Number(p) + 1}`)],
    ['another case', (issuer: string) => issuer.replace('http', 'HTTP')],
  ])('aborts when the metadata issuer differs by %s', async (_name, change) => {
    const { as, client } = await setup({ metadataIssuer: change });
    const error = (await client.exchange('thing', await input()).catch((e) => e)) as ExchangeError;
    expect(error.code).toBe('configuration');
    expect(error.step).toBe('resolve');
    expect(as.tokenRequests()).toHaveLength(0);
  });

  it('names both issuers, with an invisible difference escaped', async () => {
    const { as, client } = await setup({ metadataIssuer: (issuer) => `${issuer}\u200b` });
    const error = (await client.exchange('thing', await input()).catch((e) => e)) as ExchangeError;
    expect(error.code).toBe('configuration');
    expect(error.message).toContain(`names the issuer "${as.issuer}\\u{200b}"`);
    expect(error.message).toContain(`not the configured "${as.issuer}"`);
  });

  it('a wrong issuer path (both documents 404) is a configuration error naming the URLs tried', async () => {
    const { as, client } = await setup({ discovery: 'none' });
    const error = (await client.exchange('thing', await input()).catch((e) => e)) as ExchangeError;
    expect(error.code).toBe('configuration');
    expect(error.step).toBe('resolve');
    expect(error.status).toBe(404);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(`${as.issuer}/.well-known/openid-configuration (HTTP 404)`);
    expect(error.message).toContain(`${as.issuer}/.well-known/oauth-authorization-server`);
    expect(error.message).toContain('check the configured "issuer"');
    await client.exchange('thing', await input()).catch(() => undefined);
    expect(as.discoveryRequests()).toHaveLength(4);
  });

  it.each([
    [[404, 410], 'configuration'],
    [[410, 410], 'configuration'],
    [[404, 403], 'invalid_response'],
    [[401, 404], 'invalid_response'],
  ])('well-known documents answering %j end as %s', async (statuses, code) => {
    const server = track(
      await startServer((request, response) => {
        const index = request.path.endsWith('/openid-configuration') ? 0 : 1;
        sendJson(response, statuses[index] ?? 500, { error: 'not_here' });
      }),
    );
    const client = await clientAt(server.url);
    const error = (await client.exchange('thing', await input()).catch((e) => e)) as ExchangeError;
    expect(error).toMatchObject({ code, step: 'resolve', status: statuses[1], retryable: false });
    expect(server.requests).toHaveLength(2);
  });

  it("another server's issuer with no metadata names where that issuer came from", async () => {
    const missing = track(await startServer((_request, response) => sendJson(response, 404, {})));
    const { client } = await setup({}, { adapters: [discoveringAdapter(missing.url)] });
    const error = (await client.exchange('thing', await input()).catch((e) => e)) as ExchangeError;
    expect(error).toMatchObject({ code: 'configuration', step: 'resolve' });
    expect(error.message).toContain('check the issuer given to adapter "thing"');
  });

  it('an explicit token endpoint skips discovery', async () => {
    const { as, keys } = await setup();
    const client = createClient({
      tokenEndpoint: as.tokenEndpoint,
      clientId: CLIENT_ID,
      auth: privateKeyJwt({ key: keys.privateJwk }),
      adapters: [thingAdapter()],
    });
    await client.exchange('thing', await input());
    expect(as.discoveryRequests()).toHaveLength(0);
    expect(as.tokenRequests()).toHaveLength(1);
  });
});
