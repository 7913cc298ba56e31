import { ExchangeError } from '@onbehalf/core';
import { DEMO_AGENT, demoClient, type HttpDouble, printError } from '@onbehalf/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { crossAppAccess } from '../src/index.js';
import {
  forgeIdJag,
  forgeIdToken,
  type IdJagShape,
  idJagReply,
  startCustomServerDouble,
  startOrgDouble,
} from './support/doubles.js';

// An org that hands out ID-JAGs it should not: each must be refused before hop 2, and the
// custom server must see no request at all (not even discovery).

let customServer: HttpDouble;
let org: HttpDouble | undefined;
let idJag: string;

beforeEach(async () => {
  customServer = await startCustomServerDouble(() => ({
    body: { token_type: 'Bearer', access_token: 'at-from-double', expires_in: 600 },
  }));
});

afterEach(async () => {
  await customServer.close();
  await org?.close();
  org = undefined;
});

async function exchangeWith(shape: (audience: string) => IdJagShape, reply = idJagReply) {
  idJag = await forgeIdJag(shape(customServer.origin));
  const started = await startOrgDouble(async () => reply(idJag));
  org = started;
  const client = demoClient(started.origin, [crossAppAccess()], {
    cache: false,
  });
  return client.exchange('xaa', {
    subjectToken: await forgeIdToken(started.origin),
    audience: customServer.origin,
    scope: 'todo.read',
  });
}

const inFiveMinutes = () => Math.floor(Date.now() / 1000) + 300;

async function expectRefusedBeforeHopTwo(promise: Promise<unknown>, reason: RegExp) {
  const error = await promise.then(
    () => {
      throw new Error('the exchange succeeded');
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ExchangeError);
  expect(error).toMatchObject({ code: 'invalid_response', step: 'finish' });
  expect((error as Error).message).toMatch(reason);
  const printed = printError(error);
  const parts = [idJag, ...idJag.split('.').slice(1)].filter((part) => part !== '');
  for (const part of parts) expect(printed).not.toContain(part);
  expect(customServer.requests).toHaveLength(0);
}

describe('an ID-JAG that must not be sent on', () => {
  it('is refused when issued for a different audience', async () => {
    await expectRefusedBeforeHopTwo(
      exchangeWith(() => ({
        typ: 'oauth-id-jag+jwt',
        aud: 'https://other.example/oauth2/default',
        clientId: DEMO_AGENT,
        exp: inFiveMinutes(),
      })),
      /aud/,
    );
  });

  it('is refused when aud is an array of two audiences, one of them right', async () => {
    await expectRefusedBeforeHopTwo(
      exchangeWith((audience) => ({
        typ: 'oauth-id-jag+jwt',
        aud: [audience, 'https://other.example'],
        clientId: DEMO_AGENT,
        exp: inFiveMinutes(),
      })),
      /aud/,
    );
  });

  it('is refused when its aud differs from the audience by a trailing slash', async () => {
    await expectRefusedBeforeHopTwo(
      exchangeWith((audience) => ({
        typ: 'oauth-id-jag+jwt',
        aud: `${audience}/`,
        clientId: DEMO_AGENT,
        exp: inFiveMinutes(),
      })),
      /aud/,
    );
  });

  it('is refused with typ JWT', async () => {
    await expectRefusedBeforeHopTwo(
      exchangeWith((audience) => ({
        typ: 'JWT',
        aud: audience,
        clientId: DEMO_AGENT,
        exp: inFiveMinutes(),
      })),
      /typ/,
    );
  });

  it('is refused with no typ at all', async () => {
    await expectRefusedBeforeHopTwo(
      exchangeWith((audience) => ({ aud: audience, clientId: DEMO_AGENT, exp: inFiveMinutes() })),
      /typ/,
    );
  });

  it('is refused when already expired', async () => {
    await expectRefusedBeforeHopTwo(
      exchangeWith((audience) => ({
        typ: 'oauth-id-jag+jwt',
        aud: audience,
        clientId: DEMO_AGENT,
        exp: Math.floor(Date.now() / 1000) - 5,
      })),
      /expired/,
    );
  });

  it('is refused when unsigned, with alg none and an empty signature', async () => {
    await expectRefusedBeforeHopTwo(
      exchangeWith((audience) => ({
        typ: 'oauth-id-jag+jwt',
        alg: 'none',
        aud: audience,
        clientId: DEMO_AGENT,
        exp: inFiveMinutes(),
      })),
      /alg is 'none'/,
    );
  });

  it('is refused when signed with a shared secret (HS256)', async () => {
    await expectRefusedBeforeHopTwo(
      exchangeWith((audience) => ({
        typ: 'oauth-id-jag+jwt',
        alg: 'HS256',
        aud: audience,
        clientId: DEMO_AGENT,
        exp: inFiveMinutes(),
      })),
      /alg is 'HS256'/,
    );
  });

  it('is refused when its signature was cut off', async () => {
    await expectRefusedBeforeHopTwo(
      exchangeWith(
        (audience) => ({
          typ: 'oauth-id-jag+jwt',
          aud: audience,
          clientId: DEMO_AGENT,
          exp: inFiveMinutes(),
        }),
        (jwt) => idJagReply(`${jwt.slice(0, jwt.lastIndexOf('.'))}.`),
      ),
      /no signature/,
    );
  });

  it('is refused when bound to another client id', async () => {
    await expectRefusedBeforeHopTwo(
      exchangeWith((audience) => ({
        typ: 'oauth-id-jag+jwt',
        aud: audience,
        clientId: 'wlp-someone-else',
        exp: inFiveMinutes(),
      })),
      /client_id/,
    );
  });

  it('is refused when it is not a JWT', async () => {
    await expectRefusedBeforeHopTwo(
      exchangeWith(
        (audience) => ({ aud: audience, clientId: DEMO_AGENT, exp: inFiveMinutes() }),
        (jwt) => idJagReply(`${jwt}.trailing`),
      ),
      /well-formed/,
    );
  });

  it('is refused when the org labels it as another token type', async () => {
    const error = await exchangeWith(
      (audience) => ({
        typ: 'oauth-id-jag+jwt',
        aud: audience,
        clientId: DEMO_AGENT,
        exp: inFiveMinutes(),
      }),
      (jwt) => idJagReply(jwt, { issued_token_type: 'urn:ietf:params:oauth:token-type:jwt' }),
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'invalid_response' });
    expect(customServer.requests).toHaveLength(0);
  });

  it('is refused when the org gives it a negative or fractional expires_in', async () => {
    for (const expiresIn of [-1, 299.5]) {
      const error = await exchangeWith(
        (audience) => ({
          typ: 'oauth-id-jag+jwt',
          aud: audience,
          clientId: DEMO_AGENT,
          exp: inFiveMinutes(),
        }),
        (jwt) => idJagReply(jwt, { expires_in: expiresIn }),
      ).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'invalid_response', step: 'parse' });
      expect((error as Error).message).toContain('"expires_in"');
      await org?.close();
      org = undefined;
    }
    expect(customServer.requests).toHaveLength(0);
  });

  it('is refused when the org calls it an access token of type DPoP', async () => {
    const error = await exchangeWith(
      (audience) => ({
        typ: 'oauth-id-jag+jwt',
        aud: audience,
        clientId: DEMO_AGENT,
        exp: inFiveMinutes(),
      }),
      (jwt) => idJagReply(jwt, { token_type: 'DPoP' }),
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'invalid_response' });
    expect(customServer.requests).toHaveLength(0);
  });
});

describe('an ID-JAG that is sent on', () => {
  it('is accepted with a one-element aud array, a media-type typ and token_type bearer', async () => {
    const credential = await exchangeWith(
      (audience) => ({
        typ: 'application/OAUTH-ID-JAG+JWT',
        aud: [audience],
        clientId: DEMO_AGENT,
        exp: inFiveMinutes(),
      }),
      (jwt) => idJagReply(jwt, { token_type: 'bearer' }),
    );
    expect(credential.accessToken).toBe('at-from-double');
    const tokenRequests = customServer.requests.filter((request) => request.method === 'POST');
    expect(tokenRequests).toHaveLength(1);
    expect(tokenRequests[0]?.form.get('assertion')).toBe(idJag);
  });
});
