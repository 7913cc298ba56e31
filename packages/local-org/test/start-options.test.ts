import { describe, expect, it } from 'vitest';
import { defaultOrgConfig, startLocalOrg } from '../src/index.js';

type Options = Parameters<typeof startLocalOrg>[1];

describe('startLocalOrg validates its options', () => {
  it.each([
    ['an option it does not have', { issuer: 'https://org.example' }, /unknown option "issuer"/],
    ['a misspelt option', { dataDIr: '/tmp/x' }, /unknown option "dataDIr"/],
    ['an onAudit that is not a function', { onAudit: 'x' }, /option "onAudit" must be a function/],
    ['a port above 65535', { port: 70_000 }, /option "port" must be an integer from 0 to 65535/],
    ['a negative port', { port: -1 }, /option "port" must be an integer/],
    ['a port as a string', { port: '4000' }, /option "port" must be an integer/],
    ['a fractional port', { port: 1.5 }, /option "port" must be an integer/],
    ['an empty data directory', { dataDir: '' }, /option "dataDir" must be a non-empty string/],
    ['options that are not an object', 'port=0', /the options must be an object/],
    [
      'a headers timeout above the request timeout',
      { headersTimeoutMs: 9_000, requestTimeoutMs: 5_000 },
      /option "headersTimeoutMs" must not exceed requestTimeoutMs/,
    ],
  ])('refuses %s with a TypeError naming it', async (_name, options, message) => {
    const error = await startLocalOrg(defaultOrgConfig(), options as Options).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/^startLocalOrg: /);
    expect((error as Error).message).toMatch(message);
  });

  it('reads an object without any configuration field as options, so a typo is named', async () => {
    await expect(startLocalOrg({ dataDIr: '/tmp/x' } as never)).rejects.toThrow(
      /^startLocalOrg: unknown option "dataDIr"$/,
    );
  });

  it('names every bad option at once', async () => {
    const error = await startLocalOrg(defaultOrgConfig(), {
      port: -1,
      host: '',
      verbose: true,
    } as Options).catch((e: unknown) => e);
    expect(((error as Error).message.split(': ')[1] ?? '').split('; ').sort()).toEqual([
      'option "host" must be a non-empty string',
      'option "port" must be an integer from 0 to 65535',
      'unknown option "verbose"',
    ]);
  });

  it('accepts every documented option', async () => {
    const org = await startLocalOrg(defaultOrgConfig(), {
      port: 0,
      host: '127.0.0.1',
      onAudit: () => {},
      headersTimeoutMs: 1_000,
      requestTimeoutMs: 2_000,
    });
    expect(org.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await org.stop();
  });
});
