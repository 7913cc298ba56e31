import { describe, expect, it } from 'vitest';
import { ExchangeError, PolicyRefusalError, sanitizeDescription } from '../src/errors.js';

describe('sanitizeDescription', () => {
  it('removes control characters and caps the length at 300', () => {
    const text = `a\u0000b\nc\u001b[31m${'x'.repeat(10_000)}`;
    const clean = sanitizeDescription(text);
    expect(clean.startsWith('abc[31m')).toBe(true);
    expect([...clean].some((ch) => ch.charCodeAt(0) < 0x20)).toBe(false);
    expect(clean.length).toBe(301);
  });
});

describe('ExchangeError', () => {
  it('keeps the wire fields, the step and the cause', () => {
    const cause = new Error('socket hang up');
    const error = new PolicyRefusalError('refused by policy', {
      code: 'policy_refused',
      step: 'parse',
      error: 'access_denied',
      errorDescription: 'no\r\nway',
      status: 403,
      cause,
    });
    expect(error).toBeInstanceOf(ExchangeError);
    expect(error.name).toBe('PolicyRefusalError');
    expect(error.errorDescription).toBe('noway');
    expect(error.retryable).toBe(false);
    expect(error.cause).toBe(cause);
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({
      code: 'policy_refused',
      status: 403,
    });
  });
});
