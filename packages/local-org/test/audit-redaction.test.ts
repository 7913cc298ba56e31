import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectRefused, type Fixture, freshIdJag, startSignedInFixture } from './fixture.js';
import { exchange, idJagRequest, redeem } from './requests.js';

let f: Fixture;
let idToken: string;

beforeAll(async () => {
  ({ fixture: f, idToken } = await startSignedInFixture());
});
afterAll(() => f.stop());

describe('the audit log keeps request fields free of tokens and control characters', () => {
  it.each([
    ['audience', 'invalid_target', /not a custom server/, 'audience'],
    ['resource', 'invalid_target', /resource/, 'resource'],
    ['scope', 'invalid_scope', /outside the connection/, 'scopesRequested'],
  ] as const)('records an ID token sent as %s only as [jwt]', async (field, error, reason, key) => {
    const res = await exchange(f.org, idJagRequest(f.org, idToken, { [field]: idToken }));
    const record = expectRefused(f, res, 400, error, reason);
    expect(JSON.stringify(record[key])).toContain('[jwt]');
  });

  it('records an ID token sent as resource at a custom server only as [jwt]', async () => {
    const res = await redeem(f.org, await freshIdJag(f, idToken), 'default', { resource: idToken });
    const record = expectRefused(f, res, 400, 'invalid_grant', /resource does not match/);
    expect(record.resource).toBe('[jwt]');
  });

  it('replaces control and bidirectional characters and caps the length', async () => {
    const forged = 'api://x\u202e\u2066evil\r\n{"decision":"allow"}\u0085\u2028';
    const res = await exchange(
      f.org,
      idJagRequest(f.org, idToken, { audience: forged, resource: 'r'.repeat(2_000) }),
    );
    const record = expectRefused(f, res, 400, 'invalid_target', /not a custom server/);
    for (const text of [record.audience, record.resource, record.reason]) {
      expect(text).not.toMatch(/[\p{Cc}\u202a-\u202e\u2066-\u2069\u2028\u2029]/u);
    }
    expect(record.audience).toBe('api://x  evil  {"decision":"allow"}');
    expect(record.resource).toMatch(/^r{300}…$/);
  });

  it('keeps at most 50 requested scopes', async () => {
    const scope = Array.from({ length: 300 }, (_, i) => `s${i}`).join(' ');
    const res = await exchange(f.org, idJagRequest(f.org, idToken, { scope }));
    const record = expectRefused(f, res, 400, 'invalid_scope', /outside the connection/);
    expect(record.scopesRequested).toHaveLength(50);
  });
});
