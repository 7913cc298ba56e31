import {
  clientSecretPost,
  type createClient,
  PolicyRefusalError,
  SubjectTokenRejectedError,
} from '@onbehalf/core';
import {
  capture,
  DEMO_AGENT,
  type DoubleReply,
  demoClient,
  type HttpDouble,
  printError,
  type RecordedRequest,
  testClock,
} from '@onbehalf/test-support';
import { decodeJwt, generateKeyPair, SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { crossAppAccess } from '../src/index.js';
import {
  forgeIdJag,
  forgeIdToken,
  idJagReply,
  startCustomServerDouble,
  startOrgDouble,
} from './support/doubles.js';

// A well-behaved org double in front of a custom-server double whose answers each test picks.

const doubles: HttpDouble[] = [];

afterEach(async () => {
  await Promise.all(doubles.splice(0).map((double) => double.close()));
});

interface Setup {
  readonly reply: (request: RecordedRequest) => DoubleReply;
  readonly idJagClientId?: string;
  readonly idJagScope?: string;
  readonly scope?: string | string[];
  readonly client?: Parameters<ReturnType<typeof createClient>['exchange']>[1]['client'];
  readonly clock?: () => number;
  /** Where the client's logger and event listener write. */
  readonly observed?: ReturnType<typeof capture>;
}

async function run(setup: Setup) {
  const customServer = await startCustomServerDouble(setup.reply);
  doubles.push(customServer);
  const idJag = await forgeIdJag({
    typ: 'oauth-id-jag+jwt',
    aud: customServer.origin,
    clientId: setup.idJagClientId ?? DEMO_AGENT,
    exp: Math.floor(Date.now() / 1000) + 300,
    scope: setup.idJagScope ?? 'todo.read todo.write',
  });
  const org = await startOrgDouble(async () => idJagReply(idJag));
  doubles.push(org);
  const client = demoClient(org.origin, [crossAppAccess()], {
    cache: false,
    ...(setup.clock ? { clock: setup.clock } : {}),
    ...(setup.observed ? { logger: setup.observed.logger, onEvent: setup.observed.onEvent } : {}),
  });
  const tokenRequests = () => customServer.requests.filter((request) => request.method === 'POST');
  const exchange = async () =>
    client.exchange('xaa', {
      subjectToken: await forgeIdToken(org.origin),
      audience: customServer.origin,
      scope: setup.scope ?? ['todo.read', 'todo.write'],
      client: setup.client,
    });
  return { customServer, org, idJag, tokenRequests, exchange };
}

const bearer = (extra: Record<string, unknown> = {}): DoubleReply => ({
  body: { token_type: 'Bearer', access_token: 'opaque-access-token', expires_in: 900, ...extra },
});

describe('hop 2: the JWT-bearer grant at the custom server', () => {
  it('sends the ID-JAG as the assertion, without scope, subject token or audience', async () => {
    const { customServer, idJag, tokenRequests, exchange } = await run({ reply: () => bearer() });
    await exchange();
    const [request] = tokenRequests();
    expect(request?.form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect(request?.form.get('assertion')).toBe(idJag);
    expect(request?.form.has('scope')).toBe(false);
    expect(request?.form.has('subject_token')).toBe(false);
    expect(request?.form.has('audience')).toBe(false);
    const assertion = decodeJwt(request?.form.get('client_assertion') ?? '');
    expect(assertion.aud).toBe(`${customServer.origin}/token`);
    expect(assertion.iss).toBe(DEMO_AGENT);
  });

  it('refuses an access token of type N_A', async () => {
    const { exchange } = await run({ reply: () => bearer({ token_type: 'N_A' }) });
    await expect(exchange()).rejects.toMatchObject({ code: 'invalid_response' });
  });

  it('refuses a response without an access token', async () => {
    const { exchange } = await run({ reply: () => ({ body: { token_type: 'Bearer' } }) });
    await expect(exchange()).rejects.toMatchObject({ code: 'invalid_response' });
  });

  it('refuses an expires_in that is negative, fractional, a string or beyond a year', async () => {
    for (const expiresIn of [-1, 899.5, '900', 1e12]) {
      const { exchange, tokenRequests } = await run({
        reply: () => bearer({ expires_in: expiresIn }),
      });
      const error = await exchange().catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'invalid_response', step: 'parse' });
      expect((error as Error).message).toContain('"expires_in"');
      expect(tokenRequests()).toHaveLength(1);
    }
  });

  it('surfaces invalid_grant as an OAuth error, not a rejected ID token, and hides the ID-JAG it echoes', async () => {
    const observed = capture();
    const { exchange, idJag } = await run({
      reply: (request) => ({
        status: 400,
        body: {
          error: 'invalid_grant',
          error_description: `assertion already used: ${request.form.get('assertion')}`,
        },
      }),
      observed,
    });
    const error = await exchange().catch((caught: unknown) => caught);
    expect(error).not.toBeInstanceOf(SubjectTokenRejectedError);
    expect(error).toMatchObject({ code: 'oauth_error', error: 'invalid_grant', status: 400 });
    expect(observed.events.map((event) => event.type)).toEqual([
      'exchange.started',
      'exchange.failed',
    ]);
    const printed = [
      printError(error),
      JSON.stringify(observed.events),
      JSON.stringify(observed.lines),
    ];
    // Every 16-character piece of the ID-JAG's claims and signature stays out.
    const signed = idJag.slice(idJag.indexOf('.') + 1);
    for (let at = 0; at + 16 <= signed.length; at += 16) {
      expect(printed.join('\n')).not.toContain(signed.slice(at, at + 16));
    }
    expect((error as { errorDescription?: string }).errorDescription).toContain(
      'assertion already used',
    );
  });

  it('accepts token types in any case and reports the standard spelling', async () => {
    const lower = await run({ reply: () => bearer({ token_type: 'bearer' }) });
    expect((await lower.exchange()).tokenType).toBe('Bearer');
    const dpop = await run({ reply: () => bearer({ token_type: 'dpop' }) });
    expect((await dpop.exchange()).tokenType).toBe('DPoP');
  });

  it('surfaces access_denied from the custom server as a policy refusal', async () => {
    const { exchange, tokenRequests } = await run({
      reply: () => ({ status: 400, body: { error: 'access_denied', error_description: 'no' } }),
    });
    const error = await exchange().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PolicyRefusalError);
    expect(error).toMatchObject({ code: 'policy_refused', error: 'access_denied' });
    expect(tokenRequests()).toHaveLength(1);
  });
});

describe('granted scopes', () => {
  it('reports a narrower grant instead of hiding it', async () => {
    const { exchange } = await run({ reply: () => bearer({ scope: 'todo.read' }) });
    const credential = await exchange();
    expect(credential.scopes).toEqual(['todo.read']);
    expect(credential.requestedScopes).toEqual(['todo.read', 'todo.write']);
    expect(credential.narrowed).toBe(true);
  });

  it('reports the full grant as not narrowed', async () => {
    const { exchange } = await run({ reply: () => bearer({ scope: 'todo.write todo.read' }) });
    const credential = await exchange();
    expect(credential.scopes).toEqual(['todo.write', 'todo.read']);
    expect(credential.narrowed).toBe(false);
    expect(credential.widened).toBe(false);
  });

  it('reports a wider grant than was asked for', async () => {
    const { exchange } = await run({
      reply: () => bearer({ scope: 'todo.read todo.write todo.admin' }),
    });
    const credential = await exchange();
    expect(credential.scopes).toEqual(['todo.read', 'todo.write', 'todo.admin']);
    expect(credential.narrowed).toBe(false);
    expect(credential.widened).toBe(true);
  });

  it("takes the ID-JAG's scope when the custom server omits scope", async () => {
    const { exchange } = await run({ reply: () => bearer(), idJagScope: 'todo.read' });
    const credential = await exchange();
    expect(credential.scopes).toEqual(['todo.read']);
    expect(credential.narrowed).toBe(true);
  });

  it('normalises a space-separated scope string and drops duplicates', async () => {
    const { exchange, org } = await run({
      reply: () => bearer(),
      scope: '  todo.read todo.write  todo.read ',
    });
    const credential = await exchange();
    expect(credential.requestedScopes).toEqual(['todo.read', 'todo.write']);
    const hop1 = org.requests.find((request) => request.method === 'POST');
    expect(hop1?.form.get('scope')).toBe('todo.read todo.write');
    expect(hop1?.form.get('requested_token_type')).toBe('urn:ietf:params:oauth:token-type:id-jag');
    expect(hop1?.form.getAll('audience')).toHaveLength(1);
  });
});

describe('expiry', () => {
  const frozen = Date.UTC(2030, 0, 1);

  it("judges the ID-JAG's expiry by the client's clock", async () => {
    const { exchange, tokenRequests } = await run({
      reply: () => bearer({ expires_in: 900 }),
      clock: () => frozen,
    });
    // The double's ID-JAG uses the real time; a frozen clock in 2030 would call it expired.
    await expect(exchange()).rejects.toMatchObject({ code: 'invalid_response', step: 'finish' });
    expect(tokenRequests()).toHaveLength(0);
  });

  it('comes from expires_in when present', async () => {
    const clock = testClock();
    const { exchange } = await run({ reply: () => bearer({ expires_in: 900 }), clock: clock.now });
    const credential = await exchange();
    expect(credential.expiresAt.getTime()).toBe(clock.now() + 900_000);
  });

  it("falls back to the access token's exp", async () => {
    const clock = testClock();
    const exp = Math.floor(clock.now() / 1000) + 1234;
    const { privateKey } = await generateKeyPair('ES256');
    const jwt = await new SignJWT({ exp, scope: 'todo.read' })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' })
      .sign(privateKey);
    const { exchange } = await run({
      reply: () => ({ body: { token_type: 'Bearer', access_token: jwt } }),
      clock: clock.now,
    });
    const credential = await exchange();
    expect(credential.expiresAt.getTime()).toBe(exp * 1000);
  });

  it('falls back to 60 seconds for an opaque token without expires_in', async () => {
    const clock = testClock();
    const { exchange } = await run({
      reply: () => ({ body: { token_type: 'Bearer', access_token: 'opaque' } }),
      clock: clock.now,
    });
    const credential = await exchange();
    expect(credential.expiresAt.getTime()).toBe(clock.now() + 60_000);
  });
});

describe('a different client at the custom server', () => {
  const other = { clientId: 'todo-api-client', auth: clientSecretPost({ clientSecret: 's3cret' }) };

  it('authenticates hop 2 as that client', async () => {
    const { exchange, tokenRequests } = await run({
      reply: () => bearer(),
      idJagClientId: 'todo-api-client',
      client: other,
    });
    await exchange();
    const [request] = tokenRequests();
    expect(request?.form.get('client_id')).toBe('todo-api-client');
    expect(request?.form.get('client_secret')).toBe('s3cret');
    expect(request?.form.has('client_assertion')).toBe(false);
  });

  it('refuses an ID-JAG bound to the org client instead', async () => {
    const { exchange, tokenRequests } = await run({ reply: () => bearer(), client: other });
    await expect(exchange()).rejects.toMatchObject({ code: 'invalid_response', step: 'finish' });
    expect(tokenRequests()).toHaveLength(0);
  });
});
