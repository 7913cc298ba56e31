import { type KeyObject, sign } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decodeIdJagUnverified,
  type IdJagErrorCode,
  MemoryReplayStore,
  type VerifyIdJagOptions,
  verifyIdJag,
} from '../src/index.js';
import { AS, CLIENT, claimsAt, IDP, rsaKey, signRs256, type TestKey } from './fixtures.js';

const NOW = Date.UTC(2030, 5, 1, 12, 0, 0);
const NOW_S = NOW / 1000;
const HEADER = { alg: 'RS256', typ: 'oauth-id-jag+jwt', kid: 'k1' };

let key: TestKey;
beforeAll(async () => {
  key = await rsaKey('k1');
});

const options = (overrides: Partial<VerifyIdJagOptions> = {}): VerifyIdJagOptions => ({
  trustedIssuers: [{ issuer: IDP, jwks: { keys: [key.publicJwk] } }],
  audience: AS,
  clientId: CLIENT,
  now: NOW,
  replayStore: new MemoryReplayStore(),
  ...overrides,
});

const token = (header: Record<string, unknown> = {}, claims: Record<string, unknown> = {}) =>
  signRs256({ ...HEADER, ...header }, claimsAt(NOW_S, claims), key.privateKey);

/** Signs raw header and payload JSON text, so duplicate keys and odd shapes survive. */
function signRaw(header: string, payload: string, privateKey: KeyObject): string {
  const encode = (text: string) => Buffer.from(text).toString('base64url');
  const input = `${encode(header)}.${encode(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

const codeOf = (jwt: string, opts = options()): Promise<IdJagErrorCode | 'accepted'> =>
  verifyIdJag(jwt, opts).then(
    () => 'accepted',
    (error: { code: IdJagErrorCode }) => error.code,
  );

describe('alg', () => {
  it.each(['none', 'None', 'nOnE', 'NONE'])(
    '%j is refused, with or without a signature',
    async (alg) => {
      const signed = token({ alg });
      expect(await codeOf(signed)).toBe('algorithm');
      expect(await codeOf(`${signed.split('.').slice(0, 2).join('.')}.`)).toBe('algorithm');
    },
  );

  it.each([['RS256 '], [['RS256']], [null], [''], ['rs256']])(
    'a non-canonical alg %j is refused',
    async (alg) => {
      expect(await codeOf(token({ alg }))).toBe('algorithm');
    },
  );
});

describe('typ', () => {
  it.each(['oauth-id-jag+JWT', 'APPLICATION/oauth-id-jag+jwt'])('%j is accepted', async (typ) => {
    expect(await codeOf(token({ typ }))).toBe('accepted');
  });

  it.each([
    'oauth-id-jag+jwt; charset=x',
    ' oauth-id-jag+jwt',
    'application/application/oauth-id-jag+jwt',
    'oauth-id-jag',
    'at+jwt',
  ])('%j is refused', async (typ) => {
    expect(await codeOf(token({ typ }))).toBe('typ');
  });

  it('a typ that is not a string is refused', async () => {
    expect(await codeOf(token({ typ: ['oauth-id-jag+jwt'] }))).toBe('typ');
  });
});

describe('encoding', () => {
  it('duplicate header names: the last one counts, for our checks and for jose alike', async () => {
    const claims = JSON.stringify(claimsAt(NOW_S));
    const lastAlgNone = '{"alg":"RS256","typ":"oauth-id-jag+jwt","kid":"k1","alg":"none"}';
    expect(await codeOf(signRaw(lastAlgNone, claims, key.privateKey))).toBe('algorithm');
    const lastTypJwt = '{"alg":"RS256","typ":"oauth-id-jag+jwt","kid":"k1","typ":"JWT"}';
    expect(await codeOf(signRaw(lastTypJwt, claims, key.privateKey))).toBe('typ');
    const lastTypGood = '{"alg":"RS256","typ":"JWT","kid":"k1","typ":"oauth-id-jag+jwt"}';
    expect(await codeOf(signRaw(lastTypGood, claims, key.privateKey))).toBe('accepted');
  });

  it('duplicate claim names: the last aud counts', async () => {
    const header = JSON.stringify(HEADER);
    const claims = JSON.stringify(claimsAt(NOW_S)).replace(
      /}$/,
      ',"aud":"https://elsewhere.test"}',
    );
    expect(await codeOf(signRaw(header, claims, key.privateKey))).toBe('audience');
  });

  it('base64 padding, + and / are not base64url', async () => {
    const good = token();
    const [header = '', payload = '', signature = ''] = good.split('.');
    expect(await codeOf(`${header}=.${payload}.${signature}`)).toBe('malformed');
    expect(await codeOf(`${header}.${payload}.${signature}==`)).toBe('malformed');
    const standard = (part: string) => part.replace(/-/g, '+').replace(/_/g, '/');
    const withStandard = `${header}.${payload}.${standard(signature)}`;
    if (withStandard !== good) expect(await codeOf(withStandard)).toBe('malformed');
    expect(await codeOf(`${header}.${payload}.${signature.slice(0, -1)}/`)).toBe('malformed');
  });

  it.each([
    ['an array payload', JSON.stringify(HEADER), '[1,2]'],
    ['a null payload', JSON.stringify(HEADER), 'null'],
    ['a string payload', JSON.stringify(HEADER), '"claims"'],
    ['an array header', '["RS256"]', JSON.stringify(claimsAt(NOW_S))],
    ['a payload that is not JSON', JSON.stringify(HEADER), '{"iss":'],
  ])('%s is malformed', async (_name, header, payload) => {
    expect(await codeOf(signRaw(header, payload, key.privateKey))).toBe('malformed');
  });
});

describe('claims', () => {
  it.each([
    ['two audiences', ['a', AS]],
    ['an empty array', []],
    ['the audience twice', [AS, AS]],
    ['a number', 42],
    ['an object', { aud: AS }],
  ])('aud as %s is refused', async (_name, aud) => {
    expect(await codeOf(token({}, { aud }))).toBe('audience');
  });

  it('an iat far in the future is not yet valid', async () => {
    const iat = NOW_S + 10 ** 9;
    expect(await codeOf(token({}, { iat, exp: iat + 300 }))).toBe('not_yet_valid');
  });

  it('an exp of 1e308 is refused for its lifetime', async () => {
    expect(await codeOf(token({}, { exp: 1e308 }))).toBe('lifetime');
  });

  it.each([
    ['exp', '1900000000'],
    ['iat', String(NOW_S)],
    ['nbf', String(NOW_S)],
  ])('%s as a string is malformed', async (claim, value) => {
    expect(await codeOf(token({}, { [claim]: value }))).toBe('malformed');
  });

  it.each([
    ['a number', 42],
    ['an object', { id: 'x' }],
  ])('a jti that is %s is malformed, not missing', async (_name, jti) => {
    expect(await codeOf(token({}, { jti }))).toBe('malformed');
  });

  it('a 10 KB jti is refused before anything is parsed', async () => {
    expect(await codeOf(token({}, { jti: 'j'.repeat(10_000) }))).toBe('malformed');
  });

  it('a kid with a NUL byte or a DEL is refused', async () => {
    expect(await codeOf(token({ kid: 'k1\u0000' }))).toBe('header');
    expect(await codeOf(token({ kid: 'k\u007f1' }))).toBe('header');
  });

  it('a client_id of the wrong type is refused as client_id', async () => {
    expect(await codeOf(token({}, { client_id: [CLIENT] }))).toBe('client_id');
  });

  it('a failed verification does not burn the jti', async () => {
    const opts = options();
    expect(await codeOf(token({}, { jti: 'reused', client_id: 'someone-else' }), opts)).toBe(
      'client_id',
    );
    expect(await codeOf(token({}, { jti: 'reused' }), opts)).toBe('accepted');
  });
});

describe('decodeIdJagUnverified', () => {
  it('refuses a jti that is not a string as malformed', () => {
    const jwt = signRs256(HEADER, claimsAt(NOW_S, { jti: 7 }), key.privateKey);
    expect(() => decodeIdJagUnverified(jwt)).toThrow(
      expect.objectContaining({ code: 'malformed' }),
    );
  });
});
