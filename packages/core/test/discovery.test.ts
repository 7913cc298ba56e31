import { describe, expect, it } from 'vitest';
import { createClient, type ExchangeError, privateKeyJwt } from '../src/index.js';
import { CLIENT_ID } from './support/auth-server.js';
import { closeServersAfterEach, setup } from './support/client.js';
import { makeIdToken, thingAdapter } from './support/fixtures.js';

closeServersAfterEach();

const input = async () => ({ subjectToken: await makeIdToken(), resource: 'orn:r' });

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

  it('fails clearly when neither document exists, and does not cache the failure', async () => {
    const { as, client } = await setup({ discovery: 'none' });
    const error = (await client.exchange('thing', await input()).catch((e) => e)) as ExchangeError;
    expect(error.code).toBe('invalid_response');
    expect(error.step).toBe('resolve');
    expect(error.status).toBe(404);
    await client.exchange('thing', await input()).catch(() => undefined);
    expect(as.discoveryRequests()).toHaveLength(4);
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
