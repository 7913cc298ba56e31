import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  clientSecretPost,
  createClient,
  credentialExpiry,
  defineAdapter,
  type ExchangeError,
  type ExchangeEvent,
  expiresInSchema,
  GrantType,
  privateKeyJwt,
} from '../src/index.js';
import { CLIENT_ID, startAuthServer } from './support/auth-server.js';
import { closeServersAfterEach, track } from './support/client.js';
import { makeIdToken, makeKeys } from './support/fixtures.js';
import { sendJson } from './support/http-server.js';

closeServersAfterEach();

const HOP_TYPE = 'urn:example:params:oauth:token-type:grant';

/** Hop 1 gets a grant from the org; hop 2 trades it at another server found by discovery. */
function twoHopAdapter(secondClient?: { clientId: string; secret: string }) {
  return defineAdapter({
    name: 'two-hop',
    requestedTokenType: HOP_TYPE,
    input: z.object({ audience: z.string() }),
    form: (input) => ({ audience: input.audience }),
    response: z.object({ access_token: z.string() }),
    async finish(response, context) {
      const metadata = await context.discover(context.input.audience);
      const answer = await context.tokenRequest({
        tokenEndpoint: metadata.token_endpoint,
        issuer: metadata.issuer,
        form: { grant_type: GrantType.jwtBearer, assertion: response.access_token },
        response: z.object({ access_token: z.string(), expires_in: expiresInSchema }),
        client: secondClient && {
          clientId: secondClient.clientId,
          auth: clientSecretPost({ clientSecret: secondClient.secret }),
        },
      });
      return {
        accessToken: answer.access_token,
        expiresAt: credentialExpiry({ expiresIn: answer.expires_in, now: context.now() }),
      };
    },
  });
}

async function servers(secondOptions: Parameters<typeof startAuthServer>[0] = {}) {
  const keys = await makeKeys();
  const org = track(await startAuthServer({ publicJwk: keys.publicJwk }));
  const custom = track(
    await startAuthServer({
      publicJwk: keys.publicJwk,
      issuerPath: '/oauth2/default',
      discovery: 'oauth',
      reply: ({ response, request }) =>
        sendJson(response, 200, {
          access_token: `at-for-${request.form.get('assertion')}`,
          token_type: 'Bearer',
          expires_in: 3600,
        }),
      ...secondOptions,
    }),
  );
  return { keys, org, custom };
}

describe('further hops through FinishContext', () => {
  it('discovers the other server and authenticates there with aud = its token endpoint', async () => {
    const { keys, org, custom } = await servers();
    const events: ExchangeEvent[] = [];
    const client = createClient({
      issuer: org.issuer,
      clientId: CLIENT_ID,
      auth: privateKeyJwt({ key: keys.privateJwk }),
      adapters: [twoHopAdapter()],
      onEvent: (event) => events.push(event),
    });
    const credential = await client.exchange('two-hop', {
      subjectToken: await makeIdToken(),
      audience: custom.issuer,
    });
    expect(credential.accessToken).toBe('at-for-opaque-credential-1');
    expect(org.assertions[0]?.aud).toBe(org.tokenEndpoint);
    expect(custom.assertions[0]?.aud).toBe(custom.tokenEndpoint);
    expect(custom.tokenRequests()[0]?.form.get('grant_type')).toBe(GrantType.jwtBearer);
    expect(custom.tokenRequests()[0]?.form.has('scope')).toBe(false);
    // The other server is an OAuth authorization server: RFC 8414 metadata is asked for first.
    expect(custom.discoveryRequests().map((r) => r.path)).toEqual([
      '/oauth2/default/.well-known/oauth-authorization-server',
    ]);
    const succeeded = events.find((e) => e.type === 'exchange.succeeded');
    expect(succeeded && 'attempts' in succeeded ? succeeded.attempts : 0).toBe(2);
  });

  it('invalid_grant on a later hop is an oauth_error, not a rejected subject token', async () => {
    const { keys, org, custom } = await servers({
      reply: ({ response }) => sendJson(response, 400, { error: 'invalid_grant' }),
    });
    const client = createClient({
      issuer: org.issuer,
      clientId: CLIENT_ID,
      auth: privateKeyJwt({ key: keys.privateJwk }),
      adapters: [twoHopAdapter()],
    });
    const error = (await client
      .exchange('two-hop', { subjectToken: await makeIdToken(), audience: custom.issuer })
      .catch((e) => e)) as ExchangeError;
    expect(error.code).toBe('oauth_error');
    expect(error.error).toBe('invalid_grant');
    expect(custom.tokenRequests()).toHaveLength(1);
  });

  it('a later hop may authenticate as another client', async () => {
    const { keys, org, custom } = await servers({
      clientId: 'other-client',
      clientSecret: 'other-secret',
    });
    const client = createClient({
      issuer: org.issuer,
      clientId: CLIENT_ID,
      auth: privateKeyJwt({ key: keys.privateJwk }),
      adapters: [twoHopAdapter({ clientId: 'other-client', secret: 'other-secret' })],
    });
    await client.exchange('two-hop', {
      subjectToken: await makeIdToken(),
      audience: custom.issuer,
    });
    expect(custom.authFailures).toEqual([]);
    expect(custom.tokenRequests()[0]?.form.get('client_id')).toBe('other-client');
  });
});
