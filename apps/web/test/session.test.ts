import { base64url } from 'jose';
import { describe, expect, it } from 'vitest';
import { CookieSealer, sessionSchema } from '../src/session.js';

const session = {
  sid: 'b3c1f0e2-7d4a-4c55-9f0e-3a2b1c0d9e8f',
  idToken: 'header.payload.signature',
  sub: '00u-demo',
  name: 'Demo User',
};

describe('CookieSealer', () => {
  it('opens what it sealed, for the same purpose', async () => {
    const sealer = CookieSealer.from(undefined);
    const sealed = await sealer.seal('session', session, 60);
    expect(sealed).not.toContain('00u-demo');
    expect(await sealer.open('session', sealed, sessionSchema)).toEqual(session);
  });

  it('refuses another purpose, another key, a changed cookie and an expired one', async () => {
    const key = base64url.encode(crypto.getRandomValues(new Uint8Array(32)));
    const sealer = CookieSealer.from(key);
    const sealed = await sealer.seal('session', session, 60);

    expect(await sealer.open('sign-in', sealed, sessionSchema)).toBeUndefined();
    expect(
      await CookieSealer.from(undefined).open('session', sealed, sessionSchema),
    ).toBeUndefined();
    const changed = `${sealed.slice(0, -3)}${sealed.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    expect(await sealer.open('session', changed, sessionSchema)).toBeUndefined();
    expect(await sealer.open('session', undefined, sessionSchema)).toBeUndefined();

    const expired = await sealer.seal('session', session, -60);
    expect(await sealer.open('session', expired, sessionSchema)).toBeUndefined();
  });

  it('refuses a sealed object that is not a session', async () => {
    const sealer = CookieSealer.from(undefined);
    const sealed = await sealer.seal('session', { sub: '00u-demo' }, 60);
    expect(await sealer.open('session', sealed, sessionSchema)).toBeUndefined();
  });

  it('needs a 32-byte key', () => {
    expect(() => CookieSealer.from(base64url.encode(new Uint8Array(16)))).toThrow(/32 bytes/);
  });
});
