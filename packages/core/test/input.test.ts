import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createClient,
  defineAdapter,
  type ExchangeError,
  MAX_SUBJECT_TOKEN_LENGTH,
  privateKeyJwt,
} from '../src/index.js';
import { CLIENT_ID } from './support/auth-server.js';
import { closeServersAfterEach, setup } from './support/client.js';
import { makeIdToken, makeKeys, THING_TOKEN_TYPE, thingAdapter } from './support/fixtures.js';

closeServersAfterEach();

function caught(run: () => unknown): ExchangeError {
  try {
    run();
  } catch (error) {
    return error as ExchangeError;
  }
  throw new Error('expected a throw');
}

describe('exchange input', () => {
  it('an unknown adapter name is a configuration error', async () => {
    const { as, client } = await setup();
    const error = (await (client.exchange as (n: string, i: unknown) => Promise<unknown>)('nope', {
      subjectToken: await makeIdToken(),
    }).catch((e) => e)) as ExchangeError;
    expect(error.code).toBe('configuration');
    expect(error.message).toContain('"nope"');
    expect(as.requests).toHaveLength(0);
  });

  it('an unknown adapter name lists the names this client has', async () => {
    const other = defineAdapter({
      ...thingAdapter(),
      name: 'vault',
      requestedTokenType: 'urn:x:v',
    });
    const { as, client } = await setup({}, { adapters: [thingAdapter(), other] });
    const error = (await (client.exchange as (n: string, i: unknown) => Promise<unknown>)(
      'vaulted-secret',
      { subjectToken: await makeIdToken(), resource: 'orn:r' },
    ).catch((e) => e)) as ExchangeError;
    expect(error).toMatchObject({ code: 'configuration', step: 'build' });
    expect(error.message).toBe(
      'No adapter named "vaulted-secret"; this client has "thing", "vault"',
    );
    expect(as.requests).toHaveLength(0);
  });

  it('invalid adapter input names the field in quotes and not its value', async () => {
    const { as, client } = await setup();
    const error = (await client
      .exchange('thing', {
        subjectToken: await makeIdToken(),
        resource: 12345 as unknown as string,
      })
      .catch((e) => e)) as ExchangeError;
    expect(error.code).toBe('configuration');
    expect(error.step).toBe('build');
    expect(error.message).toContain('"resource"');
    expect(error.message).not.toContain('12345');
    expect(as.requests).toHaveLength(0);
  });

  it('an unknown key of a strict input schema is named, readably, before any request', async () => {
    const thing = thingAdapter();
    const strict = defineAdapter({
      ...thing,
      input: z.strictObject({
        resource: z.string(),
        client: z.strictObject({ clientId: z.string() }).optional(),
      }),
      form: (input) => ({ resource: input.resource }),
    });
    const { as, client } = await setup({}, { adapters: [strict] });
    const exchange = client.exchange as (n: string, i: unknown) => Promise<unknown>;
    const subjectToken = await makeIdToken();
    const one = (await exchange('thing', { subjectToken, resource: 'r', scope: 'x' }).catch(
      (e) => e,
    )) as ExchangeError;
    expect(one).toMatchObject({ code: 'configuration', step: 'build' });
    expect(one.message).toBe('Invalid input for adapter "thing": unrecognized key "scope"');
    const nested = (await exchange('thing', {
      subjectToken,
      resource: 'r',
      client: { clientId: 'c', secret: 'hunter2' },
      extra: 1,
    }).catch((e) => e)) as ExchangeError;
    expect(nested.message).toBe(
      'Invalid input for adapter "thing": unrecognized key "client.secret"; unrecognized key "extra"',
    );
    expect(nested.message).not.toContain('hunter2');
    await exchange('thing', { subjectToken, resource: 'r' });
    expect(as.tokenRequests()).toHaveLength(1);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['not a string', 42],
    ['too long', 'x'.repeat(MAX_SUBJECT_TOKEN_LENGTH + 1)],
  ])('a subject token that is %s is refused before any request', async (_name, subjectToken) => {
    const { as, client } = await setup();
    const error = (await client
      .exchange('thing', { subjectToken: subjectToken as string, resource: 'orn:r' })
      .catch((e) => e)) as ExchangeError;
    expect(error.code).toBe('configuration');
    expect(error.message).toContain('"subjectToken"');
    expect(as.requests).toHaveLength(0);
  });

  it('sends each parameter once, POST, form-encoded, with Accept and User-Agent', async () => {
    const { as, client } = await setup();
    await client.exchange('thing', {
      subjectToken: await makeIdToken(),
      resource: 'orn:r',
      scope: ['a', 'b'],
    });
    const request = as.tokenRequests()[0];
    expect(request?.method).toBe('POST');
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request?.headers.accept).toBe('application/json');
    expect(request?.headers['user-agent']).toMatch(/^onbehalf\/\d+\.\d+\.\d+/);
    const keys = [...(request?.form.keys() ?? [])];
    expect(new Set(keys).size).toBe(keys.length);
    expect(Object.fromEntries(request?.form ?? [])).toMatchObject({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
      requested_token_type: THING_TOKEN_TYPE,
      resource: 'orn:r',
      scope: 'a b',
    });
    expect(request?.form.has('audience')).toBe(false);
  });

  it.each([
    'grant_type',
    'subject_token',
    'subject_token_type',
    'requested_token_type',
    'client_id',
    'client_assertion',
    'client_assertion_type',
    'client_secret',
  ])('an adapter may not set "%s"', async (field) => {
    const sneaky = defineAdapter({
      ...thingAdapter(),
      name: 'sneaky',
      requestedTokenType: 'urn:example:sneaky',
      form: () => ({ [field]: 'x', resource: 'r' }),
    });
    const { as, client } = await setup({}, { adapters: [sneaky] });
    const error = (await (client.exchange as (n: string, i: unknown) => Promise<unknown>)(
      'sneaky',
      { subjectToken: await makeIdToken(), resource: 'r' },
    ).catch((e) => e)) as ExchangeError;
    expect(error.code).toBe('configuration');
    expect(error.message).toContain(`"${field}"`);
    expect(as.requests).toHaveLength(0);
  });
});

describe('createClient checks', () => {
  it('refuses two adapters with one name or one token type', async () => {
    const keys = await makeKeys();
    const base = {
      issuer: 'https://org.example.com',
      clientId: CLIENT_ID,
      auth: privateKeyJwt({ key: keys.privateJwk }),
    };
    const sameName = caught(() =>
      createClient({
        ...base,
        adapters: [thingAdapter(), { ...thingAdapter(), requestedTokenType: 'urn:other' }],
      }),
    );
    expect(sameName.code).toBe('configuration');
    expect(sameName.message).toContain('"thing"');
    const sameType = caught(() =>
      createClient({ ...base, adapters: [thingAdapter(), { ...thingAdapter(), name: 'other' }] }),
    );
    expect(sameType.code).toBe('configuration');
    expect(sameType.message).toContain(THING_TOKEN_TYPE);
  });

  it.each([
    ['timeoutMs', { timeoutMs: -1 }],
    ['issuer', { issuer: 'http://org.example.com' }],
    ['issuer', { issuer: 'not a url' }],
    ['issuer', { issuer: undefined }],
    ['clientId', { clientId: '' }],
    ['adapters', { adapters: [] }],
    ['adapters.0.input', { adapters: [{ ...thingAdapter(), input: {} }] }],
    ['retry.attempts', { retry: { attempts: 10 } }],
    ['cache', { cache: 'yes' }],
    ['cacheTtl', { cacheTtl: 60 }],
    ['retry.maxAttempts', { retry: { maxAttempts: 2 } }],
  ])('a bad "%s" is a configuration error naming it', async (name, patch) => {
    const keys = await makeKeys();
    const error = caught(() =>
      createClient({
        issuer: 'https://org.example.com',
        clientId: CLIENT_ID,
        auth: privateKeyJwt({ key: keys.privateJwk }),
        adapters: [thingAdapter()],
        ...(patch as object),
      }),
    );
    expect(error.code).toBe('configuration');
    expect(error.message).toContain(`"${name}"`);
  });

  it('accepts an adapter defined from scratch with defineAdapter', async () => {
    const { as, client } = await setup(
      {},
      {
        adapters: [
          defineAdapter({
            name: 'plain',
            requestedTokenType: THING_TOKEN_TYPE,
            input: z.object({}),
            form: () => ({}),
            response: z.object({ access_token: z.string() }),
            finish: async (response, context) => ({
              value: response.access_token.length,
              expiresAt: new Date(context.now() + 1000),
            }),
          }),
        ],
      },
    );
    const result = await (
      client.exchange as unknown as (n: string, i: unknown) => Promise<{ value: number }>
    )('plain', { subjectToken: await makeIdToken() });
    expect(result.value).toBe('opaque-credential-1'.length);
    expect(as.tokenRequests()).toHaveLength(1);
  });
});
