import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { type Client, createClient, defineAdapter, privateKeyJwt } from '../src/index.js';
import { thingAdapter } from './support/fixtures.js';

const other = defineAdapter({
  name: 'other',
  requestedTokenType: 'urn:example:other',
  input: z.object({ count: z.number() }),
  form: (input) => ({ resource: String(input.count) }),
  response: z.object({ value: z.string() }),
  finish: async (response) => ({ value: response.value, expiresAt: new Date() }),
});

function build() {
  return createClient({
    issuer: 'https://org.example.com',
    clientId: 'agent',
    auth: privateKeyJwt({
      key: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd' },
      kid: 'k',
      alg: 'ES256',
    }),
    adapters: [thingAdapter(), other],
  });
}

declare const built: ReturnType<typeof build>;

describe('exchange is typed by adapter name', () => {
  it('infers input and result from the adapter', () => {
    type Built = ReturnType<typeof build>;
    expectTypeOf<Built>().toExtend<Client<ReturnType<typeof thingAdapter> | typeof other>>();
    expectTypeOf<Parameters<Built['exchange']>[0]>().toEqualTypeOf<'thing' | 'other'>();
    expectTypeOf<Awaited<ReturnType<typeof built.exchange<'other'>>>>().toEqualTypeOf<{
      value: string;
      expiresAt: Date;
    }>();
    expectTypeOf<Awaited<ReturnType<typeof built.exchange<'thing'>>>>().toHaveProperty('token');
    expectTypeOf<Parameters<typeof built.exchange<'thing'>>[1]>().toHaveProperty('subjectToken');
  });

  it('rejects unknown names and wrong input at compile time', () => {
    const typeOnly = (client: ReturnType<typeof build>) => {
      // @ts-expect-error: no adapter is named 'nope'
      void client.exchange('nope', { subjectToken: 't' });
      // @ts-expect-error: 'other' needs a numeric count
      void client.exchange('other', { subjectToken: 't', count: 'three' });
      // @ts-expect-error: the subject token is required
      void client.exchange('other', { count: 3 });
      void client.exchange('other', { subjectToken: 't', count: 3 });
      void client.exchange('thing', { subjectToken: 't', resource: 'r', scope: ['a'] });
    };
    expectTypeOf(typeOnly).toBeFunction();
  });
});
