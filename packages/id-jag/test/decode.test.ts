import { describe, expect, it } from 'vitest';
import { decodeIdJagUnverified, type IdJagError, isIdJagTyp, issueIdJag } from '../src/index.js';
import { AS, CLIENT, claimsAt, IDP, rsaKey, signRs256 } from './fixtures.js';

describe('decodeIdJagUnverified', () => {
  it('returns header and claims of an ID-JAG without checking the signature', async () => {
    // A key nobody trusts: decoding must still work, which is why it is never trusted.
    const untrusted = await rsaKey('unknown');
    const { jwt, claims } = await issueIdJag({
      key: untrusted.privateKey,
      kid: untrusted.kid,
      issuer: IDP,
      subject: '00u-demo',
      audience: AS,
      clientId: CLIENT,
      scope: 'todo.read',
    });
    const decoded = decodeIdJagUnverified(jwt);
    expect(decoded.claims).toEqual(claims);
    expect(isIdJagTyp(decoded.header.typ)).toBe(true);
  });

  it('refuses what is not an ID-JAG shaped JWS, naming the claim', async () => {
    const key = await rsaKey('k');
    const codeOf = (jwt: string) => {
      try {
        decodeIdJagUnverified(jwt);
        return 'accepted';
      } catch (error) {
        return (error as IdJagError).code;
      }
    };
    const now = Math.floor(Date.now() / 1000);
    expect(
      codeOf(signRs256({ alg: 'RS256' }, claimsAt(now, { aud: undefined }), key.privateKey)),
    ).toBe('missing_claim');
    expect(codeOf(signRs256({ alg: 'RS256' }, claimsAt(now, { iat: '1' }), key.privateKey))).toBe(
      'malformed',
    );
    expect(codeOf('a.b.c.d.e')).toBe('malformed');
    expect(codeOf('not a jwt')).toBe('malformed');
  });
});
